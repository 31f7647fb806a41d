package io.shmtel.tools;

import io.shmtel.core.Publisher;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.core.MailboxSender;
import io.shmtel.core.idle.IdleStrategies;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "pub", description =
        {"A generic publisher: publishes samples of one record at a fixed rate until --count or Ctrl-C.",
        "It creates the region from the schema (or takes over a dead writer's region). To a mailbox record it sends"
                + " messages instead, each waiting for its answer.",
        "Example: shmtel pub arm --schema schema/examples/arm.json --rate 10 --set status=OK --pattern counter"})
final class PubCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RegionOptionsMixin region;

    @Mixin
    MemoryOptionsMixin memory;

    @Mixin
    PlacementOptionsMixin placement;

    @Parameters(paramLabel = "REGION", description = "Region name.")
    String name;

    @Option(names = "--schema", required = true, paramLabel = "FILE", description = "Schema file of the region.")
    Path schemaFile;

    @Option(names = "--record", paramLabel = "R", description =
            "Record to publish (default: the schema's only record).")
    String recordName;

    @Option(names = "--rate", paramLabel = "HZ", converter = OptionValues.Rate.class,
            description = "Samples per second; 0: as fast as possible"
            + " (default: the record's rateHz, else 10).")
    Double rateHz;

    @Option(names = "--count", paramLabel = "N", converter = OptionValues.Count.class,
            description = "Stop after N samples (default: run until"
            + " Ctrl-C; 0: create the region and publish nothing).")
    Long count;

    @Option(names = "--set", paramLabel = "FIELD=VALUE", description = "Field values: numbers within the field"
            + " type's range, true/false, enum names, text; arrays take one value or comma-separated values.")
    List<String> sets = List.of();

    @Option(names = "--pattern", paramLabel = "counter", description = "counter: sample k carries k in every"
            + " field (cast to its type), so any reader can check a snapshot's consistency.")
    String pattern;

    @Option(names = "--mode", paramLabel = "OCTAL", converter = OptionValues.OctalMode.class,
            description = "Permissions of a created region (default 0600).")
    String mode;

    @Option(names = "--flush-period-ms", paramLabel = "MS", converter = OptionValues.Millis.class,
            description = "Durable regions (--dir on a real file"
            + " system): msync the region every MS milliseconds (default: only when it stops).")
    Long flushPeriodMs;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (pattern != null && !pattern.equals("counter")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown --pattern \"" + pattern
                    + "\": the only pattern is counter");
        }
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(schemaFile));
        RecordLayout record = pickRecord(layout);
        double rate = rateHz != null ? rateHz : record.rateHz() > 0 ? record.rateHz() : 10;
        if (rate < 0 || Double.isNaN(rate)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be >= 0: rate=" + rate);
        }
        RegionOptions options = memory.apply(region.options());
        placement.placement(); // its usage errors before the region is created
        if (mode != null) {
            try {
                options = options.withMode(Integer.parseInt(mode, 8));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--mode " + mode + ": " + e.getMessage());
            }
        }
        if (flushPeriodMs != null) {
            options = options.withFlushPeriod(Duration.ofMillis(flushPeriodMs));
        }
        // closed by the hook below
        Publisher publisher = Publisher.create(name, layout, options.withCloseOnShutdown(false));
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Thread shutdown = new Thread(() -> {
            stopping.set(true); // before closing: a commit failing meanwhile is then known to be the stop
            publisher.close(); // the loop sees it within 100 ms, prints its summary and counts down
            try {
                finished.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shmtel-pub-close");
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            RingWriter sink = record.isMailbox() ? null : publisher.sink(record.name());
            MailboxSender mailbox = record.isMailbox()
                    ? publisher.mailbox(record.name()).idleStrategy(IdleStrategies.byName("blocking")) : null;
            DynamicWriter writer = new DynamicWriter(mailbox != null ? mailbox : sink, record);
            for (String set : sets) {
                int eq = set.indexOf('=');
                if (eq <= 0) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--set takes FIELD=VALUE; got \"" + set + "\"");
                }
                try {
                    writer.set(set.substring(0, eq), set.substring(eq + 1));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--set " + set + ": " + e.getMessage());
                }
            }
            err.printf("%s %s/%s %s into %s (epoch %d)%s%n", mailbox != null ? "sending messages to mailbox"
                    : "publishing", name, record.name(), rate == 0 ? "at full rate" : mailbox != null ? "at most "
                            + rate + " Hz" : "at " + rate + " Hz",
                    publisher.region().file(), publisher.epoch(), mailbox != null
                            ? "; each waits for the box to be empty, and its answer is printed"
                                    + (count == null ? "; Ctrl-C to stop" : "")
                            : count == null ? "; Ctrl-C to stop" : "");
            err.flush();
            // After Publisher.create: its heartbeat and flush threads keep the default placement (a real-time
            // publisher spinning on their CPU would starve them).
            placement.apply("pub " + name, err);
            long start = System.nanoTime();
            long firstAt = 0;
            long lastAt = 0;
            long published = 0;
            while ((count == null || published < count) && !publisher.region().isClosed()) {
                if (pattern != null) {
                    CounterPattern.fill(writer, mailbox != null ? mailbox.nextMessageIndex() : sink.nextSampleIndex());
                }
                try {
                    if (mailbox != null) {
                        if (!send(writer, mailbox, publisher, err)) {
                            break;
                        }
                    } else {
                        writer.commit();
                    }
                } catch (IllegalStateException closedMeanwhile) {
                    if (stopping.get() || publisher.region().isClosed()) {
                        break; // Ctrl-C closed the publisher between the check above and this commit
                    }
                    throw closedMeanwhile;
                }
                lastAt = System.nanoTime();
                if (published++ == 0) {
                    firstAt = lastAt;
                }
                if (rate > 0 && (count == null || published < count)) { // no wait after the last sample
                    // The k-th sample is due at start + k/rate: no drift. A period beyond ~292 years never comes.
                    double dueInNs = published * 1e9 / rate;
                    long due = dueInNs < Long.MAX_VALUE / 2 ? start + (long) dueInNs : Long.MAX_VALUE;
                    long wait;
                    while ((wait = due == Long.MAX_VALUE ? Long.MAX_VALUE : due - System.nanoTime()) > 0
                            && !publisher.region().isClosed()) {
                        LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
                    }
                }
            }
            String took = took(published, System.nanoTime() - start, lastAt - firstAt, rate);
            if (mailbox != null) {
                // published counts the answered messages; one put and stopped before its answer was sent too
                long sent = published + (mailbox.pendingMessage() >= 0 ? 1 : 0);
                err.printf("sent %d messages to %s/%s: %d answered done, %d not;%s%n", sent, name, record.name(),
                        published - mailbox.failures(), mailbox.failures(), took);
                err.flush();
                return mailbox.failures() > 0 ? ExitCodes.MAILBOX_FAILED : ExitCodes.OK;
            }
            err.printf("published %d samples of %s/%s%s%n", published, name, record.name(), took);
            err.flush();
            return ExitCodes.OK;
        } finally {
            finished.countDown();
            publisher.close();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdown);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running or has run
            }
        }
    }

    /**
     * The end of the summary line: {@code " in 4.900 s, 10.00 Hz measured (10.0 Hz asked)"}. The measured rate
     * is (samples - 1) over the time from the first to the last, "-" with fewer than two samples.
     */
    static String took(long published, long durationNs, long firstToLastNs, double askedHz) {
        String measured = published < 2 || firstToLastNs <= 0 ? "-"
                : String.format(Locale.ROOT, "%.2f", (published - 1) * 1e9 / firstToLastNs);
        return String.format(Locale.ROOT, " in %.3f s, %s Hz measured (%s)", durationNs / 1e9, measured,
                askedHz == 0 ? "full rate asked" : askedHz + " Hz asked");
    }

    /** Puts the staged message (waiting while the box is full) and prints its answer; false when stopped meanwhile. */
    private static boolean send(DynamicWriter writer, MailboxSender mailbox, Publisher publisher, PrintWriter err) {
        long slice = TimeUnit.MILLISECONDS.toNanos(100);
        while (!writer.put(Duration.ofNanos(slice))) {
            if (publisher.region().isClosed()) {
                return false;
            }
        }
        long message = mailbox.pendingMessage();
        while (!mailbox.awaitAnswer(slice)) {
            if (publisher.region().isClosed()) {
                err.printf("message %d: not answered yet (stopped)%n", message);
                return false;
            }
        }
        int code = mailbox.lastAnswerCode();
        err.printf("message %d: %s%n", message, code == MailboxSender.DONE ? "done"
                : code == MailboxSender.CONSUMER_DIED ? "its consumer died holding it (not delivered again)"
                : "failed, code " + code);
        err.flush();
        return true;
    }

    private RecordLayout pickRecord(Layout layout) {
        if (recordName != null) {
            return layout.record(recordName).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                    "schema \"" + layout.schemaName() + "\" has no record \"" + recordName + "\"; its records: "
                            + layout.records().stream().map(RecordLayout::name).toList()));
        }
        if (layout.records().size() != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "schema \"" + layout.schemaName() + "\" has "
                    + layout.records().size() + " records: choose one with --record ("
                    + layout.records().stream().map(RecordLayout::name).toList() + ")");
        }
        return layout.records().get(0);
    }
}
