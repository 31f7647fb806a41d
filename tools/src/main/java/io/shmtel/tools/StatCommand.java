package io.shmtel.tools;

import io.shmtel.core.Subscriber;
import io.shmtel.core.WaitSet;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.core.view.DynamicView;
import io.shmtel.error.ShmtelException;
import io.shmtel.schema.layout.RecordLayout;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "stat", description =
        {"Measures each record's publish rate, losses and publish-to-observe latency, every interval.",
        "Per record: publish rate (measured, and nominal from the schema), samples read and lost by a stream reader,"
                + " latency percentiles (slot timestamp to the moment this process read it; one CLOCK_MONOTONIC across"
                + " processes), writer state and heartbeat age. Redraws in place on a terminal; --json prints JSON "
                        + "lines.",
        "Of a region (no record named), records it has never published are left out when it publishes others,"
                + " as in ls. --all-records measures them all.",
        "Of every region (no target), a file that cannot be opened as a region is skipped with one line on stderr,"
                + " the others are measured, and the exit code is 18.",
        "Example: shmtel stat demo.arm --interval 2"})
final class StatCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RegionOptionsMixin region;

    @Mixin
    MemoryOptionsMixin memory;

    @Mixin
    IdleOptionMixin idleOption;

    @Mixin
    PlacementOptionsMixin placement;

    @Parameters(arity = "0..*", paramLabel = "REGION[/RECORD]",
            description = "What to measure (default: every region).")
    List<String> targets = List.of();

    @Option(names = "--interval", paramLabel = "S", defaultValue = "1", converter = OptionValues.Interval.class,
            description = "Seconds per report (default 1).")
    double intervalSeconds;

    @Option(names = "--count", paramLabel = "N", converter = OptionValues.Count.class,
            description = "Exit after N reports.")
    Long count;

    @Option(names = "--json", description = "JSON lines: one object per record per interval.")
    boolean json;

    @Option(names = "--all-records", description =
            "Measure every record of a region, published or not (a record named is always measured).")
    boolean allRecords;

    /** Regions left out of "every region" because they could not be opened. */
    private int skipped;

    /** One measured record: its stream subscriber and the interval's figures. */
    static final class Target {
        final String region;
        final String record;
        final Subscriber subscriber;
        DynamicView view;
        final Histogram latencyNs = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long read;
        long lostAtStart;
        long publishedAtStart = -1;
        long nextAttachNs;

        Target(String region, String record, RegionOptions options) {
            this.region = region;
            this.record = record;
            this.subscriber = Subscriber.open(region, record, options);
        }

        long published() {
            RecordLayout r = subscriber.record();
            return r == null || subscriber.region().isTruncated() ? -1
                    : new RingReader(subscriber.region().buffer(), RingGeometry.of(r)).publishedAcquire();
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        RegionOptions options = memory.apply(region.options());
        placement.apply("stat", spec.commandLine().getErr()); // this thread measures every target
        List<Target> measured = targets(options);
        if (measured.isEmpty()) {
            spec.commandLine().getErr().println("shmtel stat: no regions in " + options.regionDirectory());
            return ExitCodes.REGION_NOT_FOUND;
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean inPlace = !json && System.console() != null;
        // Latency is measured on samples published from now on, not on what the rings already hold.
        measured.forEach(t -> t.subscriber.seekToNewest());
        IdleStrategy idle = idleOption.strategy();
        WaitSet waitSet = new WaitSet();
        measured.forEach(t -> waitSet.add(t.subscriber));
        try {
            // A fault on the mapping of a region truncated under stat (SIGBUS, raised by the JVM at a later
            // instruction) ends the interval early; its subscriber then reports CORRUPT and stat goes on.
            long n = 0;
            while (true) {
                try {
                    for (; count == null || n < count; n++) {
                        long start = System.nanoTime();
                        for (Target t : measured) {
                            t.latencyNs.reset();
                            t.read = 0;
                            t.lostAtStart = t.subscriber.lostSamples();
                            t.publishedAtStart = t.published();
                        }
                        long end = start + (long) (intervalSeconds * 1e9);
                        while (System.nanoTime() - end < 0) {
                            boolean any = false;
                            for (Target t : measured) {
                                if (t.subscriber.record() == null) {
                                    // WAITING: try to attach now and then (state() opens the region once it exists).
                                    if (System.nanoTime() - t.nextAttachNs > 0) {
                                        t.nextAttachNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
                                        t.subscriber.state();
                                    }
                                    continue;
                                }
                                if (t.view == null || t.view.record() != t.subscriber.record()) {
                                    t.view = new DynamicView(t.subscriber.record());
                                }
                                while (t.subscriber.poll(t.view)) {
                                    t.latencyNs.recordValue(Math.max(0, Math.min(System.nanoTime() -
                                            t.view.timestampNs(),
                                            t.latencyNs.getHighestTrackableValue())));
                                    t.read++;
                                    any = true;
                                }
                            }
                            if (any) {
                                idle.reset();
                            } else {
                                // Waiting targets are retried every 100 ms: never sleep longer than that.
                                idle.idle(waitSet, Math.min(end - System.nanoTime(),
                                        TimeUnit.MILLISECONDS.toNanos(100)));
                            }
                        }
                        double seconds = (System.nanoTime() - start) / 1e9;
                        report(out, measured, seconds, inPlace);
                    }
                    break;
                } catch (InternalError e) {
                    if (Region.truncatedMappingFault(e) == null) {
                        throw e;
                    }
                }
            }
        } finally {
            measured.forEach(t -> t.subscriber.close());
        }
        return skipped == 0 ? ExitCodes.OK : ExitCodes.SKIPPED;
    }

    /**
     * The records to measure. Of every region (no target named), a file that cannot be opened as a
     * region (a link, a FIFO, another user's or a corrupt file) is skipped with one line on stderr
     * (and the exit code is {@link ExitCodes#SKIPPED}); a target named must open.
     */
    private List<Target> targets(RegionOptions options) {
        List<Target> list = new ArrayList<>();
        boolean every = targets.isEmpty();
        List<String> wanted = every ? options.regionDirectory().list() : targets;
        for (String target : wanted) {
            int slash = target.indexOf('/');
            String regionName = slash < 0 ? target : target.substring(0, slash);
            if (slash >= 0) {
                list.add(new Target(regionName, target.substring(slash + 1), options));
                continue;
            }
            List<Target> ofRegion = new ArrayList<>();
            try (Region r = Region.open(regionName, options)) {
                RegionSummary summary = RegionSummary.of(r);
                for (RecordLayout rec : r.layout().records()) {
                    if (summary.listed(rec, allRecords)) {
                        ofRegion.add(new Target(regionName, rec.name(), options));
                    }
                }
            } catch (ShmtelException e) {
                ofRegion.forEach(t -> t.subscriber.close());
                if (!every) {
                    list.forEach(t -> t.subscriber.close());
                    throw e;
                }
                skipped++;
                spec.commandLine().getErr().println("shmtel stat: skipped " + options.regionDirectory().file(regionName)
                        + ": " + e.getMessage());
                spec.commandLine().getErr().flush();
                continue;
            }
            list.addAll(ofRegion);
        }
        return list;
    }

    private void report(PrintWriter out, List<Target> measured, double seconds, boolean inPlace) {
        StringBuilder sb = new StringBuilder(inPlace ? "\033[H\033[2J" : "");
        if (!json) {
            sb.append(String.format(Locale.ROOT, "%-22s %-14s %-11s %9s %9s %8s %6s %9s %9s %9s %9s %9s%n", "REGION",
                    "RECORD", "STATE", "RATE Hz", "NOMINAL", "READ", "LOST", "LAT p50", "p90", "p99", "max us",
                            "HEARTBEAT"));
        }
        for (Target t : measured) {
            WriterState state = t.subscriber.state();
            RecordLayout r = t.subscriber.record();
            long published = t.published();
            double rate = r == null || t.publishedAtStart < 0 ? 0 : (published - t.publishedAtStart) / seconds;
            long lost = t.subscriber.lostSamples() - t.lostAtStart;
            double heartbeatMs = r == null ? -1 : (System.nanoTime() - t.subscriber.region().heartbeatNs()) / 1e6;
            Histogram h = t.latencyNs;
            if (json) {
                sb.append(Json.object(g -> {
                    g.writeStringField("region", t.region);
                    g.writeStringField("record", t.record);
                    g.writeStringField("state", state.name());
                    g.writeNumberField("intervalSeconds", Math.round(seconds * 1000) / 1000.0);
                    g.writeNumberField("rateHz", Math.round(rate * 100) / 100.0);
                    g.writeNumberField("nominalRateHz", r == null ? 0 : r.rateHz());
                    g.writeNumberField("read", t.read);
                    g.writeNumberField("lost", lost);
                    g.writeNumberField("latencyP50Ns", h.getValueAtPercentile(50));
                    g.writeNumberField("latencyP90Ns", h.getValueAtPercentile(90));
                    g.writeNumberField("latencyP99Ns", h.getValueAtPercentile(99));
                    g.writeNumberField("latencyMaxNs", h.getMaxValue());
                    g.writeNumberField("heartbeatAgeMs", Math.round(heartbeatMs * 1000) / 1000.0);
                })).append('\n');
            } else {
                sb.append(String.format(Locale.ROOT,
                        "%-22s %-14s %-11s %9.1f %9s %8d %6d %9.1f %9.1f %9.1f %9.1f %9s%n",
                        t.region, t.record, state, rate, r == null || r.rateHz() == 0 ? "-" : String.format(Locale.ROOT,
                                "%.1f", r.rateHz()), t.read, lost, h.getValueAtPercentile(50) / 1e3,
                        h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3,
                        RegionSummary.formatAge(heartbeatMs)));
            }
        }
        out.print(sb);
        if (!json && !inPlace) {
            out.println();
        }
        out.flush();
    }
}
