package io.shmtel.bench.harness;

import static io.shmtel.bench.harness.Report.bytes;
import static io.shmtel.bench.harness.Report.ns;
import static io.shmtel.bench.harness.Report.rate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sections of the harness's table after the latency rows (throughput, idle cost, wake-up,
 * publisher cost, memory, fan-out, the C operations), each printed only when its scenario ran. {@link Report}
 * calls them in {@link #ALL}'s order.
 */
final class ReportSections {
    /** One section of the table. */
    @FunctionalInterface
    interface Section {
        void append(StringBuilder out, Results results);
    }

    /** The sections in the order the table prints them. */
    static final List<Section> ALL = List.of(ReportSections::throughput, ReportSections::idle,
            ReportSections::wake, ReportSections::wakeCost, ReportSections::memory, ReportSections::fanOut,
            ReportSections::bridge,
            COpsScenario::append);

    /** A line of the memory section: the mode, setup, then four figures of each pass. */
    private static final String MEMORY_LINE = "  %-9s %9s %9s %9s %9s %9s   %9s %9s %9s %9s%n";

    private ReportSections() {}

    /** The throughput runs: one line per run, then the sustained rate. */
    static void throughput(StringBuilder out, Results results) {
        if (results.throughput.isEmpty()) {
            return;
        }
        out.append(String.format(Locale.ROOT, "%nthroughput: one publisher, one busy-spin stream subscriber, %s, %s%n",
                results.throughput.get("record"), results.throughput.getOrDefault("placement", "unplaced")));
        out.append(String.format(Locale.ROOT, "  %-22s %9s %14s %14s %12s %8s%n", "publisher", "seconds",
                "published/s", "received/s", "lost", "lost %"));
        List<Map<String, Object>> runs = new ArrayList<>();
        runs.add(map(results.throughput.get("unthrottled")));
        for (Object step : (List<?>) results.throughput.getOrDefault("steps", List.of())) {
            runs.add(map(step));
        }
        for (Map<String, Object> r : runs) {
            double target = (Double) r.get("targetPerSecond");
            long published = (Long) r.get("published");
            long lost = (Long) r.get("lost");
            out.append(String.format(Locale.ROOT, "  %-22s %9.1f %14s %14s %12d %7.2f%%%n",
                    target <= 0 ? "as fast as it can" : "paced at " + rate(target), (Double) r.get("seconds"),
                    rate((Double) r.get("publishedPerSecond")), rate((Double) r.get("receivedPerSecond")), lost,
                    100.0 * lost / Math.max(1, published)));
        }
        double sustained = (Double) results.throughput.get("sustainedLossFreePerSecond");
        boolean publisherBound = Boolean.TRUE.equals(results.throughput.get("publisherBound"));
        out.append(String.format(Locale.ROOT, "  sustained with nothing lost: %s%n", sustained <= 0
                ? "below the first paced step"
                : rate(sustained) + (publisherBound ? " (the publisher's own limit: the subscriber kept up with it)"
                        : " (the highest received rate of a run without a loss)")));
    }

    /** The idle cost of the default backoff. */
    static void idle(StringBuilder out, Results results) {
        if (results.idle.isEmpty()) {
            return;
        }
        Map<String, Object> i = results.idle;
        out.append(String.format(Locale.ROOT,
                "%nidle cost: default backoff subscriber on a silent record for %.1f s: polling thread %.2f %%"
                        + " of a core, whole JVM %.2f %%%n  (%s; wake-up latency: the backoff row above)%n",
                (Double) i.get("seconds"), (Double) i.get("threadCpuPercent"), (Double) i.get("processCpuPercent"),
                i.get("strategy")));
    }

    /** One line per idle strategy: wake-up latency and idle CPU. */
    static void wake(StringBuilder out, Results results) {
        if (results.wake.isEmpty()) {
            return;
        }
        out.append(String.format(Locale.ROOT, "%nwake-up: one subscriber per idle strategy, a sample every %d-%d ms"
                + " (one-way latency); CPU on a silent record for %.1f s%n",
                results.profile.backoffGapMinNs() / 1_000_000, results.profile.backoffGapMaxNs() / 1_000_000,
                results.profile.idleSeconds()));
        out.append(String.format(Locale.ROOT, "  %-14s %9s %9s %9s %9s %8s %13s %11s%n", "strategy", "p50", "p90",
                "p99", "max", "lost", "idle thread", "idle JVM"));
        for (Results.Wake w : results.wake) {
            out.append(String.format(Locale.ROOT, "  %-14s %9s %9s %9s %9s %8d %s%n", w.strategy(),
                    ns(w.latency().getValueAtPercentile(50)), ns(w.latency().getValueAtPercentile(90)),
                    ns(w.latency().getValueAtPercentile(99)), ns(w.latency().getMaxValue()), w.lost(),
                    Double.isNaN(w.threadCpuPercent()) ? "   (C: writer FUTEX_WAKE, reader FUTEX_WAIT; the kernel's"
                            + " wake-up)" : String.format(Locale.ROOT, "%11.2f %% %9.2f %%", w.threadCpuPercent(),
                                    w.processCpuPercent())));
        }
    }

    /** The publisher's cost per sample with blocking subscribers asleep. */
    static void wakeCost(StringBuilder out, Results results) {
        if (results.wakeCost.isEmpty()) {
            return;
        }
        out.append(String.format(Locale.ROOT, "%npublisher cost per sample (commit(), nanoTime around it) with blocking"
                + " subscribers asleep on the record, a sample every %d-%d us%n",
                results.profile.backoffGapMinNs() / 10_000, results.profile.backoffGapMaxNs() / 10_000));
        out.append(String.format(Locale.ROOT, "  %-9s %9s %9s %9s %11s %13s %13s%n", "sleepers", "cost p50", "cost p90",
                "cost p99", "cost mean", "wake-up p50", "wake-up p99"));
        for (Results.WakeCost c : results.wakeCost) {
            out.append(String.format(Locale.ROOT, "  %-9d %9s %9s %9s %11s %13s %13s%n", c.sleepers(),
                    ns(c.publishCost().getValueAtPercentile(50)), ns(c.publishCost().getValueAtPercentile(90)),
                    ns(c.publishCost().getValueAtPercentile(99)),
                    String.format(Locale.ROOT, "%.1f ns", c.publishCost().getMean()),
                    c.latency() == null ? "-" : ns(c.latency().getValueAtPercentile(50)),
                    c.latency() == null ? "-" : ns(c.latency().getValueAtPercentile(99))));
        }
    }

    /** First-touch cost per memory mode. */
    static void memory(StringBuilder out, Results results) {
        if (results.memory.isEmpty()) {
            return;
        }
        out.append(String.format(Locale.ROOT, "%nmemory: publish latency into a fresh ring of %d one-page slots (%s),"
                + " first pass (each page touched for the first time) and second pass (the same pages: the floor)%n",
                results.memory.get(0).bytes() / 4096, bytes(results.memory.get(0).bytes())));
        out.append(String.format(Locale.ROOT, MEMORY_LINE, "mode", "setup", "1st p50", "1st p99", "1st p99.9",
                "1st max", "2nd p50", "2nd p99", "2nd p99.9", "2nd max"));
        for (Results.Memory mem : results.memory) {
            if (mem.refused() != null) {
                out.append(String.format(Locale.ROOT, "  %-9s refused: %s%n", mem.mode(), mem.refused()));
                continue;
            }
            out.append(String.format(Locale.ROOT, MEMORY_LINE, mem.mode(), ns(mem.setupNs()),
                    ns(mem.firstPass().getValueAtPercentile(50)), ns(mem.firstPass().getValueAtPercentile(99)),
                    ns(mem.firstPass().getValueAtPercentile(99.9)), ns(mem.firstPass().getMaxValue()),
                    ns(mem.secondPass().getValueAtPercentile(50)), ns(mem.secondPass().getValueAtPercentile(99)),
                    ns(mem.secondPass().getValueAtPercentile(99.9)), ns(mem.secondPass().getMaxValue())));
        }
    }

    /**
     * One line per subscriber count: subscriber latency, the publisher's cost per sample, where the processes
     * ran; then p99 with the most subscribers over p99 with one.
     */
    static void fanOut(StringBuilder out, Results results) {
        if (results.fanOut.isEmpty()) {
            return;
        }
        out.append(String.format(Locale.ROOT, "%nfan-out: busy-spin subscriber processes on one record, a sample"
                + " every %d us; publisher cost = ns per sample measured in the publisher (nanoTime around each"
                + " commit()); this machine: %s cores, usable CPUs %s%n", results.profile.spinGapNs() / 1000,
                results.machine.get("cores"), results.machine.get("usableCpus")));
        out.append(String.format(Locale.ROOT, "%-11s %-9s %9s %9s %9s %13s %13s %13s %13s %9s%n", "subscribers",
                "placement", "sub p50", "sub p99", "sub p99.9", "worst sub p99", "pub cost p50", "pub cost p99",
                "pub cost mean", "lost"));
        for (Results.FanOut f : results.fanOut) {
            if (!f.present()) {
                out.append(String.format(Locale.ROOT, "%-11d %-9s %s%n", f.subscribers(), f.placement(), f.note()));
                continue;
            }
            out.append(String.format(Locale.ROOT, "%-11d %-9s %9s %9s %9s %13s %13s %13s %13s %9d%s%n",
                    f.subscribers(), f.placement(), ns(f.latency().getValueAtPercentile(50)),
                    ns(f.latency().getValueAtPercentile(99)), ns(f.latency().getValueAtPercentile(99.9)),
                    ns(f.worstSubscriber().getValueAtPercentile(99)), ns(f.publishCost().getValueAtPercentile(50)),
                    ns(f.publishCost().getValueAtPercentile(99)),
                    String.format(Locale.ROOT, "%.1f ns", f.publishCost().getMean()), f.lost(),
                    (f.note() == null ? "" : "  (" + f.note() + ")") + (f.cpus().isEmpty() ? "" : "  on " + f.cpus())));
        }
        FanOutRatio ratio = FanOutRatio.of(results);
        if (ratio != null) {
            out.append(String.format(Locale.ROOT, "  p99 with %d / p99 with 1: %.2fx (%s / %s; %s with %d, %s with 1;"
                    + " target <= 2x); publisher cost p50 %s with %d, %s with 1%n", ratio.most().subscribers(),
                    ratio.value(), ns(ratio.most().latency().getValueAtPercentile(99)),
                    ns(ratio.one().latency().getValueAtPercentile(99)), ratio.most().placement(),
                    ratio.most().subscribers(), ratio.one().placement(),
                    ns(ratio.most().publishCost().getValueAtPercentile(50)), ratio.most().subscribers(),
                    ns(ratio.one().publishCost().getValueAtPercentile(50))));
        }
    }

    /**
     * The fan-out comparison: the line with the most subscribers measured (8 by default) against the line with
     * one, of the same placement when there is one.
     */
    record FanOutRatio(Results.FanOut one, Results.FanOut most, double value) {
        static FanOutRatio of(Results results) {
            Results.FanOut most = results.fanOut.stream().filter(Results.FanOut::present)
                    .filter(f -> f.subscribers() > 1).reduce((a, b) -> b.subscribers() >= a.subscribers() ? b : a)
                    .orElse(null);
            if (most == null) {
                return null;
            }
            Results.FanOut one = results.fanOut(1, most.placement());
            if (one == null) {
                one = results.fanOut(1);
            }
            if (one == null) {
                return null;
            }
            return new FanOutRatio(one, most, (double) most.latency().getValueAtPercentile(99)
                    / Math.max(1, one.latency().getValueAtPercentile(99)));
        }
    }

    /** The bridge beside its transport, its idle cost per process and the rate it carries. */
    static void bridge(StringBuilder out, Results results) {
        Map<String, Object> b = results.bridge;
        if (!b.containsKey("oneWayP50Ns")) {
            return;
        }
        out.append(String.format(Locale.ROOT, "%nbridge over loopback UDP, %.0f Hz publisher, default idle policies:%n",
                (Double) b.get("rateHz")));
        out.append(String.format(Locale.ROOT, "  %-34s %9s %9s%n", "", "p50", "p99"));
        out.append(String.format(Locale.ROOT, "  %-34s %9s %9s%n", "bridge one-way", ns((Long) b.get("oneWayP50Ns")),
                ns((Long) b.get("oneWayP99Ns"))));
        out.append(String.format(Locale.ROOT, "  %-34s %9s %9s%n", "Aeron UDP ping-pong, half RTT",
                ns((Long) b.get("aeronUdpHalfRttP50Ns")), ns((Long) b.get("aeronUdpHalfRttP99Ns"))));
        out.append(String.format(Locale.ROOT, "  %-34s %8.1fx %8.1fx   (targets: <= 2x, <= 3x)%n",
                "bridge / Aeron UDP", (Double) b.get("p50OverAeronUdp"), (Double) b.get("p99OverAeronUdp")));
        out.append(String.format(Locale.ROOT, "  idle, publisher alive and silent for %.1f s (/proc/PID/stat utime +"
                + " stime): bridge send %.2f %% of a core, bridge receive %.2f %% (target <= 2 %% each)%n",
                (Double) b.get("idleSeconds"), (Double) b.get("senderIdleCpuPercent"),
                (Double) b.get("receiverIdleCpuPercent")));
        if (b.containsKey("carriedPerSecond")) {
            out.append(String.format(Locale.ROOT, "  carried, publisher unpaced (%s published): %s at the mirror"
                    + " (%d samples in %.2f s; lost at the sender %d, by the mirror's reader %d; target >= 1 M/s)%n",
                    rate((Double) b.get("unpacedPublishedPerSecond")), rate((Double) b.get("carriedPerSecond")),
                    (Long) b.get("carriedReceived"), (Double) b.get("carriedSeconds"),
                    (Long) b.get("carriedLostAtSender"), (Long) b.get("carriedLostAtMirrorReader")));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
