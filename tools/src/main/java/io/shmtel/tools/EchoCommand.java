package io.shmtel.tools;

import io.shmtel.core.MailboxReceiver;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.schema.layout.RecordLayout;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "echo", description = {"Prints samples of a record, decoded by field name from the region's embedded schema.",
        "Each new newest sample, or with --stream every sample in order; writer state changes go to stderr. On a"
                + " mailbox record it takes each message and answers it done (--peek only watches).",
        "Example: shmtel echo demo.arm --json --count 5"})
final class EchoCommand implements Callable<Integer> {
    private static final long SLICE_NS = TimeUnit.MILLISECONDS.toNanos(100);

    @Spec
    CommandSpec spec;

    @Mixin
    RegionOptionsMixin region;

    @Mixin
    MemoryOptionsMixin memory;

    @Parameters(paramLabel = "REGION[/RECORD]", description = "Region, and record when the region has several.")
    String target;

    @Option(names = "--json", description = "JSON lines: fields, sample, seq, timestamp, epoch, writer state.")
    boolean json;

    @Option(names = "--count", paramLabel = "N", converter = OptionValues.Count.class, description = "Exit after N samples.")
    Long count;

    @Option(names = "--stream", description = "Every sample in order (lost samples are counted), not only the newest.")
    boolean stream;

    @Option(names = "--timeout", paramLabel = "S", converter = OptionValues.Seconds.class, description = "Exit with code 10 when no sample arrives for S seconds.")
    Double timeoutSeconds;

    @Mixin
    IdleOptionMixin idle;

    @Option(names = "--check", description = "Check that every sample follows the counter pattern of 'pub --pattern"
            + " counter'; exit 7 if one does not.")
    boolean check;

    @Option(names = "--peek", description = "Mailbox records: watch the messages without taking them (by default"
            + " echo consumes a mailbox: it takes each message and answers it done).")
    boolean peek;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int slash = target.indexOf('/');
        String regionName = slash < 0 ? target : target.substring(0, slash);
        String recordName = slash < 0 ? null : target.substring(slash + 1);
        RegionOptions options = memory.apply(region.options());
        long timeoutNs = timeoutSeconds == null ? Long.MAX_VALUE : (long) (timeoutSeconds * 1e9);
        if (recordName == null) {
            if (!awaitRegion(regionName, options, timeoutNs, err)) {
                err.printf("echo %s: no region for %.1f s%n", regionName, timeoutSeconds);
                return ExitCodes.TIMEOUT;
            }
            try (Region r = Region.open(regionName, options)) {
                if (r.layout().records().size() != 1) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "region \"" + regionName + "\" has "
                            + r.layout().records().size() + " records: name one as " + regionName + "/RECORD ("
                            + r.layout().records().stream().map(RecordLayout::name).toList() + ")");
                }
                recordName = r.layout().records().get(0).name();
            }
        }
        try (Subscriber subscriber = Subscriber.open(regionName, recordName, options)) {
            subscriber.idleStrategy(idle.strategy());
            WriterState state = subscriber.state();
            err.println("echo " + regionName + "/" + recordName + ": writer " + state);
            err.flush();
            DynamicView view = subscriber.record() == null ? null : new DynamicView(subscriber.record());
            long printed = 0;
            long mismatches = 0;
            long lastSampleAt = System.nanoTime();
            while (count == null || printed < count) {
                if (view == null || view.record() != subscriber.record()) {
                    view = subscriber.record() == null ? null : new DynamicView(subscriber.record());
                }
                if (view != null && view.record().isMailbox() && !peek) {
                    subscriber.close();
                    return consume(regionName, recordName, options, timeoutNs, out, err);
                }
                boolean got = view != null && (stream ? subscriber.awaitNext(view, SLICE_NS)
                        : subscriber.awaitLatest(view, SLICE_NS));
                if (view == null) {
                    LockSupport.parkNanos(SLICE_NS);
                }
                if (got) {
                    lastSampleAt = System.nanoTime();
                    boolean consistent = !check || CounterPattern.check(view);
                    if (!consistent) {
                        mismatches++;
                    }
                    out.println(json ? json(regionName, subscriber, view, state, check ? consistent : null) : text(view, subscriber, consistent));
                    out.flush();
                    printed++;
                    continue;
                }
                WriterState now = subscriber.state();
                if (now != state) {
                    err.println("echo " + regionName + "/" + recordName + ": writer " + state + " -> " + now
                            + (now == WriterState.LIVE ? " (epoch " + subscriber.epoch() + ")" : ""));
                    err.flush();
                    state = now;
                }
                if (System.nanoTime() - lastSampleAt > timeoutNs) {
                    err.printf("echo %s/%s: no sample for %.1f s (writer %s)%n", regionName, recordName, timeoutSeconds,
                            state);
                    return ExitCodes.TIMEOUT;
                }
            }
            if (stream && subscriber.lostSamples() > 0) {
                err.println("echo " + regionName + "/" + recordName + ": " + subscriber.lostSamples()
                        + " samples lost (overwritten before they were read)");
            }
            if (mismatches > 0) {
                err.println("echo " + regionName + "/" + recordName + ": " + mismatches
                        + " samples did not follow the counter pattern");
                return ExitCodes.CORRUPT_REGION;
            }
            return ExitCodes.OK;
        }
    }

    /** Takes every message of a mailbox record, prints it and answers it done. */
    private int consume(String regionName, String recordName, RegionOptions options, long timeoutNs, PrintWriter out,
            PrintWriter err) {
        try (MailboxReceiver receiver = MailboxReceiver.open(regionName, recordName, options)) {
            receiver.idleStrategy(idle.strategy());
            String name = regionName + "/" + recordName;
            err.println("echo " + name + ": a mailbox: taking each message and answering it done (no other consumer"
                    + " gets it; --peek watches without taking)");
            err.flush();
            WriterState state = receiver.state();
            DynamicView view = new DynamicView(receiver.subscriber().record());
            long printed = 0;
            long mismatches = 0;
            long lastAt = System.nanoTime();
            while (count == null || printed < count) {
                if (view.record() != receiver.subscriber().record()) {
                    view = new DynamicView(receiver.subscriber().record());
                }
                if (receiver.take(view, SLICE_NS)) {
                    lastAt = System.nanoTime();
                    boolean consistent = !check || CounterPattern.check(view);
                    if (!consistent) {
                        mismatches++;
                    }
                    out.println(json ? json(regionName, receiver.subscriber(), view, state, check ? consistent : null)
                            : text(view, receiver.subscriber(), consistent));
                    out.flush();
                    receiver.done();
                    printed++;
                    continue;
                }
                WriterState now = receiver.state();
                if (now != state) {
                    err.println("echo " + name + ": writer " + state + " -> " + now);
                    err.flush();
                    state = now;
                }
                if (System.nanoTime() - lastAt > timeoutNs) {
                    err.printf("echo %s: no message for %.1f s (writer %s)%n", name, timeoutSeconds, state);
                    return ExitCodes.TIMEOUT;
                }
            }
            if (receiver.recoveredMessages() > 0) {
                err.println("echo " + name + ": " + receiver.recoveredMessages() + " messages answered CONSUMER_DIED"
                        + " (their consumer died holding them)");
            }
            if (mismatches > 0) {
                err.println("echo " + name + ": " + mismatches + " messages did not follow the counter pattern");
                return ExitCodes.CORRUPT_REGION;
            }
            return ExitCodes.OK;
        }
    }

    /** Waits until the region's file exists (the record to read is only known from its schema). */
    private static boolean awaitRegion(String name, RegionOptions options, long timeoutNs, PrintWriter err) {
        java.nio.file.Path file = options.regionDirectory().file(name);
        long start = System.nanoTime();
        boolean told = false;
        while (!java.nio.file.Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (!told) {
                err.println("echo " + name + ": waiting for the region to appear in " + options.regionDirectory());
                err.flush();
                told = true;
            }
            if (System.nanoTime() - start > timeoutNs) {
                return false;
            }
            LockSupport.parkNanos(SLICE_NS);
        }
        return true;
    }

    private static String text(DynamicView view, Subscriber subscriber, boolean consistent) {
        StringBuilder sb = view.appendText(new StringBuilder());
        // the timestamp after the sample number, as users read it first
        sb.insert(sb.indexOf(" ", view.recordName().length() + 2), " t=" + view.timestampNs());
        if (!consistent) {
            sb.append("  <- NOT the counter pattern");
        }
        return sb.toString();
    }

    private static String json(String regionName, Subscriber subscriber, DynamicView view, WriterState state,
            Boolean consistent) {
        StringBuilder fields = view.appendJsonFields(new StringBuilder("{")).append('}');
        return Json.object(g -> {
            g.writeStringField("region", regionName);
            g.writeStringField("record", view.recordName());
            g.writeNumberField("sample", view.sampleIndex());
            g.writeNumberField("seq", view.sequence());
            g.writeNumberField("timestampNs", view.timestampNs());
            g.writeNumberField("epoch", subscriber.epoch());
            g.writeStringField("state", state.name());
            if (subscriber.lostSamples() > 0) {
                g.writeNumberField("lost", subscriber.lostSamples());
            }
            if (consistent != null) {
                g.writeBooleanField("consistent", consistent);
            }
            g.writeFieldName("fields");
            g.writeRawValue(fields.toString());
        });
    }
}
