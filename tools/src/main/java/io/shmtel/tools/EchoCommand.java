package io.shmtel.tools;

import io.shmtel.core.MailboxReceiver;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.RecordLayout;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code shmtel echo}: follows a record (newest samples, every sample with --stream, or a mailbox's messages,
 * taking each) until --count, --timeout or a signal, following its writer's state; {@link EchoFormat} prints each.
 */
@Command(name = "echo", description = {
        "Prints samples of a record, decoded by field name from the region's embedded schema.",
        "Each new newest sample, or with --stream every sample in order; writer state changes go to stderr. On a"
                + " mailbox record it takes each message and answers it done (--peek only watches).",
        "Example: shmtel echo demo.arm --json --count 5"})
final class EchoCommand implements Callable<Integer> {
    private static final long SLICE_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** While the state shown is not LIVE, samples that keep arriving re-check it at most this often. */
    private static final long NOT_LIVE_RECHECK_NS = TimeUnit.MILLISECONDS.toNanos(1);

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

    @Option(names = "--count", paramLabel = "N", converter = OptionValues.Count.class,
            description = "Exit after N samples.")
    Long count;

    @Option(names = "--stream", description = "Every sample in order (lost samples are counted), not only the newest.")
    boolean stream;

    @Option(names = "--from-oldest", description = "Stream (implies --stream) from the oldest sample the ring still"
            + " holds (up to the record's depth), not from the newest.")
    boolean fromOldest;

    @Option(names = "--timeout", paramLabel = "S", converter = OptionValues.Seconds.class,
            description = "Exit with code " + ExitCodes.TIMEOUT + " when no sample arrives for S seconds.")
    Double timeoutSeconds;

    @Mixin
    IdleOptionMixin idle;

    @Mixin
    PlacementOptionsMixin placement;

    @Option(names = "--check", description = "Check that every sample follows the counter pattern of 'pub --pattern"
            + " counter'; at the end (--count, --timeout, Ctrl-C) say how many did not, and exit "
            + ExitCodes.CORRUPT_REGION + " if one did not.")
    boolean check;

    @Option(names = "--peek", description = "Mailbox records: watch the messages without taking them (by default"
            + " echo consumes a mailbox: it takes each message and answers it done).")
    boolean peek;

    @Option(names = "--field", split = ",", paramLabel = "NAME", description = {"Print only these fields, in this"
            + " order (repeat the option or separate names with commas)."})
    List<String> fieldNames = List.of();

    @Option(names = "--no-arrays", description = "Leave out array fields (those --field names are kept).")
    boolean noArrays;

    @Option(names = "--max-array", paramLabel = "N", description = {"Print at most N elements of each array, then"
            + " '... K more' (JSON: a \"truncated\" member); default " + EchoFormat.DEFAULT_TEXT_MAX_ARRAY
            + " in text, every element with --json."})
    Integer maxArray;

    @Option(names = "--wall-clock", description = {"Timestamps as local wall-clock time (ISO-8601, microseconds),"
            + " converted from CLOCK_MONOTONIC with the offset between the two clocks taken when echo starts."})
    boolean wallClock;

    /** How each sample is printed (--json, --field, --no-arrays, --max-array, --wall-clock); set when echo starts. */
    private EchoFormat format;
    /** Set by Ctrl-C or SIGTERM: the loops end within a slice and print their summary. */
    private volatile boolean stopRequested;
    private final CountDownLatch finished = new CountDownLatch(1);
    private long printed;
    private long mismatches;
    /**
     * The writer state echo shows (on each JSON line, and its changes on stderr), when and for which epoch it was
     * checked.
     */
    private WriterState state;
    private long stateCheckedAt;
    private long stateEpoch;

    @Override
    public Integer call() {
        if (maxArray != null && maxArray < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-array must be >= 0: " + maxArray
                    + " (0 prints no element, only '... N more'; --no-arrays leaves arrays out)");
        }
        format = new EchoFormat(json, wallClock, maxArray);
        Thread hook = new Thread(() -> {
            stopRequested = true;
            try {
                finished.await(5, TimeUnit.SECONDS); // let echo print its summary before the JVM exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shmtel-echo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return echo();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is waiting for us
            }
        }
    }

    private int echo() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int slash = target.indexOf('/');
        String regionName = slash < 0 ? target : target.substring(0, slash);
        String recordName = slash < 0 ? null : target.substring(slash + 1);
        RegionOptions options = memory.apply(region.options());
        long timeoutNs = timeoutSeconds == null ? Long.MAX_VALUE : (long) (timeoutSeconds * 1e9);
        placement.apply("echo " + target, err); // this thread reads, from the wait for the region to the end
        if (recordName == null) {
            if (!awaitRegion(regionName, options, timeoutNs, err)) {
                if (stopRequested) {
                    return ExitCodes.OK;
                }
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
            if (fromOldest) {
                stream = true;
                subscriber.seekToOldest();
            }
            state = subscriber.state();
            stateCheckedAt = System.nanoTime();
            stateEpoch = subscriber.epoch();
            err.println("echo " + regionName + "/" + recordName + ": writer " + state);
            err.flush();
            DynamicView view = subscriber.record() == null ? null : newView(subscriber.record(), regionName);
            String name = regionName + "/" + recordName;
            long lastSampleAt = System.nanoTime();
            // A fault on the mapping of a region truncated under echo (SIGBUS, raised by the JVM at a later
            // instruction) ends the loop; the subscriber then reports CORRUPT and echo goes on.
            while (true) {
                try {
                    while ((count == null || printed < count) && !stopRequested) {
                        if (view == null || view.record() != subscriber.record()) {
                            view = subscriber.record() == null ? null : newView(subscriber.record(), regionName);
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
                            followWriter(subscriber, subscriber::state, name, err, true);
                            boolean consistent = !check || CounterPattern.check(view);
                            if (!consistent) {
                                mismatches++;
                            }
                            out.println(format.line(regionName, subscriber, view, state, check, consistent));
                            out.flush();
                            printed++;
                            continue;
                        }
                        followWriter(subscriber, subscriber::state, name, err, false);
                        if (System.nanoTime() - lastSampleAt > timeoutNs) {
                            err.printf("echo %s/%s: no sample for %.1f s (writer %s)%n", regionName, recordName,
                                    timeoutSeconds, state);
                            return summary(err, name, "samples", stream ? subscriber.lostSamples() : 0, 0,
                                    ExitCodes.TIMEOUT);
                        }
                    }
                    return summary(err, name, "samples", stream ? subscriber.lostSamples() : 0, 0, ExitCodes.OK);
                } catch (InternalError e) {
                    if (Region.truncatedMappingFault(e) == null) {
                        throw e;
                    }
                }
            }
        }
    }

    /**
     * Keeps the writer state echo shows the state of the writer whose samples it prints (issue 23,
     * hole 11: it was re-checked only when a slice passed with no sample, so a writer publishing
     * steadily after a takeover or a pause was shown WRITER_DEAD or STALLED for as long as it ran).
     * Without a sample ({@code sample} false: a slice passed) it checks now. With one, it checks when
     * the sample comes from another writer than the one last checked (a new epoch: a takeover), when
     * the state shown is not LIVE (a writer published, so it may be LIVE again; at most every
     * millisecond), and otherwise once a slice has passed since the last check. A change goes to
     * stderr. One fcntl per check: a LIVE writer's samples cost one check per slice, not one each.
     */
    private void followWriter(Subscriber subscriber, Supplier<WriterState> check, String name,
            PrintWriter err, boolean sample) {
        long now = System.nanoTime();
        if (sample) {
            Region r = subscriber.region();
            boolean otherWriter = r != null && r.epoch() != stateEpoch;
            long age = now - stateCheckedAt;
            if (!otherWriter && age < (state == WriterState.LIVE ? SLICE_NS : NOT_LIVE_RECHECK_NS)) {
                return;
            }
        }
        WriterState was = state;
        state = check.get();
        stateCheckedAt = now;
        stateEpoch = subscriber.epoch();
        if (state != was) {
            err.println("echo " + name + ": writer " + was + " -> " + state
                    + (state == WriterState.LIVE ? " (epoch " + stateEpoch + ")" : ""));
            err.flush();
        }
    }

    /**
     * What echo says when it ends, whichever way it ends (--count reached, --timeout, Ctrl-C or SIGTERM):
     * samples lost, messages recovered, and with --check the verdict. Returns 7 when a sample was off the
     * counter pattern (a corrupt stream outranks a timeout), else {@code code}.
     */
    private int summary(PrintWriter err, String name, String what, long lost, long recovered, int code) {
        if (lost > 0) {
            err.println("echo " + name + ": " + lost + " samples lost (overwritten before they were read, or never"
                    + " complete: a writer died writing them, or a mirror's link lost them)");
        }
        if (recovered > 0) {
            err.println("echo " + name + ": " + recovered + " messages answered CONSUMER_DIED"
                    + " (their consumer died holding them)");
        }
        if (check) {
            err.println(mismatches > 0 ? "echo " + name + ": " + mismatches + " " + what
                    + " did not follow the counter pattern (of " + printed + " checked)"
                    : "echo " + name + ": all " + printed + " " + what + " checked followed the counter pattern");
        }
        err.flush();
        return mismatches > 0 ? ExitCodes.CORRUPT_REGION : code;
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
            state = receiver.state();
            stateCheckedAt = System.nanoTime();
            stateEpoch = receiver.subscriber().epoch();
            DynamicView view = newView(receiver.subscriber().record(), regionName);
            long lastAt = System.nanoTime();
            while (true) { // a truncated region's fault ends the loop, which runs on (see echo())
                try {
                    while ((count == null || printed < count) && !stopRequested) {
                        if (view.record() != receiver.subscriber().record()) {
                            view = newView(receiver.subscriber().record(), regionName);
                        }
                        if (receiver.take(view, SLICE_NS)) {
                            lastAt = System.nanoTime();
                            followWriter(receiver.subscriber(), receiver::state, name, err, true);
                            boolean consistent = !check || CounterPattern.check(view);
                            if (!consistent) {
                                mismatches++;
                            }
                            out.println(format.line(regionName, receiver.subscriber(), view, state, check,
                                    consistent));
                            out.flush();
                            receiver.done();
                            printed++;
                            continue;
                        }
                        followWriter(receiver.subscriber(), receiver::state, name, err, false);
                        if (System.nanoTime() - lastAt > timeoutNs) {
                            err.printf("echo %s: no message for %.1f s (writer %s)%n", name, timeoutSeconds, state);
                            return summary(err, name, "messages", 0, receiver.recoveredMessages(), ExitCodes.TIMEOUT);
                        }
                    }
                    return summary(err, name, "messages", 0, receiver.recoveredMessages(), ExitCodes.OK);
                } catch (InternalError e) {
                    if (Region.truncatedMappingFault(e) == null) {
                        throw e;
                    }
                }
            }
        }
    }

    /** Waits until the region's file exists (the record to read is only known from its schema). */
    private boolean awaitRegion(String name, RegionOptions options, long timeoutNs, PrintWriter err) {
        Path file = options.regionDirectory().file(name);
        long start = System.nanoTime();
        boolean told = false;
        while (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            if (!told) {
                err.println("echo " + name + ": waiting for the region to appear in " + options.regionDirectory());
                err.flush();
                told = true;
            }
            if (System.nanoTime() - start > timeoutNs || stopRequested) {
                return false;
            }
            LockSupport.parkNanos(SLICE_NS);
        }
        return true;
    }

    /** A view of the record, and the fields to print of it (--field, --no-arrays); exit 2 for a field it lacks. */
    private DynamicView newView(RecordLayout record, String regionName) {
        List<FieldLayout> chosen = new ArrayList<>();
        List<String> names = record.fields().stream().map(FieldLayout::name).toList();
        for (String name : fieldNames) {
            FieldLayout f = record.fields().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
            if (f == null) {
                String hint = JsonProblems.didYouMean(name, names);
                throw new CommandLine.ParameterException(spec.commandLine(), "--field " + name + ": record \""
                        + record.name() + "\" of region \"" + regionName + "\" has no field \"" + name + "\"" + hint
                        + " (its fields: " + String.join(", ", names) + ")");
            }
            if (!chosen.contains(f)) {
                chosen.add(f);
            }
        }
        if (chosen.isEmpty()) {
            // --no-arrays hides the arrays --field did not name
            record.fields().stream().filter(f -> !(noArrays && f.isArray())).forEach(chosen::add);
        }
        format.show(chosen);
        return new DynamicView(record);
    }
}
