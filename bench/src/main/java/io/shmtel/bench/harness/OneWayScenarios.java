package io.shmtel.bench.harness;

import static io.shmtel.bench.harness.Bench.budget;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The one-way scenarios: shmtel publisher to subscriber processes (busy-spin stream and latest,
 * the default backoff, fan-out to several subscribers), and the tutorials' flag + sleep loop.
 * {@link #oneWay} is the run the wake scenario uses too.
 */
final class OneWayScenarios {
    /** Warm-up samples are paced at least this far apart when the time bound is computed, ns. */
    private static final long WARMUP_GAP_FOR_BUDGET_NS = 200_000;
    /** The naive subscriber's sleep between looks at the flag, ms. */
    private static final int NAIVE_SLEEP_MS = 10;
    /** What the naive run's time bound allows per sample on top of the publisher's gap, ns. */
    private static final double NAIVE_SLACK_NS = 10e6;

    private final Bench bench;
    private final Profile profile;

    OneWayScenarios(Bench bench) {
        this.bench = bench;
        this.profile = bench.profile;
    }

    /**
     * The oneway scenario: a publisher and one busy-spin subscriber process, stream then latest, each
     * unplaced and placed (side by side); the fan-out table's 1-subscriber lines come from the stream runs.
     */
    void oneway(Results results) throws IOException {
        int warmup = profile.onewayWarmup();
        int count = profile.onewayCount();
        for (Placement p : bench.placements.forProcesses(2)) {
            String label = "shmtel one-way, busy-spin, stream (every sample)";
            if (p.skipped() != null) {
                results.rows.add(Row.missing("shmtel-spin", label, Row.ONE_WAY, p.skipped()).placed(p, null));
                continue;
            }
            OneWay run = oneWay("oneway-" + p.word(), 1, BenchIdle.BUSY_SPIN, "stream", profile.spinGapNs(),
                    profile.spinGapNs(), warmup, count, -1, p);
            results.fanOut.add(run.fanOut(1, p, null));
            results.rows.add(Row.measured("shmtel-spin", label, Row.ONE_WAY, run.latency, "awaitNext: publisher to"
                    + " subscriber process, a sample every " + profile.spinGapNs() / 1000 + " us; lost " + run.lost
                    + " (lapped while descheduled; the samples after a stall arrive late, which is the tail)")
                    .placed(p, run.refusals));
        }
        for (Placement p : bench.placements.forProcesses(2)) {
            String label = "shmtel one-way, busy-spin, latest (newest only)";
            if (p.skipped() != null) {
                results.rows.add(Row.missing("shmtel-spin-latest", label, Row.ONE_WAY, p.skipped()).placed(p, null));
                continue;
            }
            OneWay latest = oneWay("latest-" + p.word(), 1, BenchIdle.BUSY_SPIN, "latest", profile.spinGapNs(),
                    profile.spinGapNs(), warmup, count, -1, p);
            results.rows.add(Row.measured("shmtel-spin-latest", label, Row.ONE_WAY, latest.latency, "awaitLatest:"
                    + " the semantics of the one-slot floor (a sample overwritten unseen is skipped); watches the"
                    + " slot the next sample takes, then checks the published count").placed(p, latest.refusals));
        }
    }

    /**
     * The fan-out scenario: one run per {@code --fanout} count (but 1 when the oneway scenario measured it),
     * placed when the machine has a CPU for the publisher and each subscriber, else unplaced (counts that need
     * more cores than the machine has run only with {@code --oversubscribe}).
     */
    void fanOut(Results results) throws IOException {
        for (int n : bench.fanout) {
            if (n > 1 || !bench.selected("oneway")) {
                fanOut(results, n);
            }
        }
    }

    private void fanOut(Results results, int subscribers) throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        if (subscribers + 1 > cores && !bench.oversubscribe && subscribers > 1) {
            results.fanOut.add(new Results.FanOut(subscribers, null, null, null, 0, 0,
                    "skipped: " + subscribers + " busy-spinning subscribers and the publisher need " + (subscribers + 1)
                            + " cores, this machine has " + cores + " (--oversubscribe runs it anyway)",
                    Placement.UNPLACED_WORD, ""));
            return;
        }
        Placement p = bench.placements.best(subscribers + 1);
        OneWay run = oneWay("fanout-" + subscribers, subscribers, BenchIdle.BUSY_SPIN, "stream", profile.spinGapNs(),
                profile.spinGapNs(), profile.fanoutWarmup(), profile.fanoutCount(), -1, p);
        String note = subscribers + 1 > cores ? "oversubscribed: " + (subscribers + 1) + " spinning processes on "
                + cores + " cores" : null;
        results.fanOut.add(run.fanOut(subscribers, p, note));
    }

    void backoff(Results results) throws IOException {
        OneWay run = oneWay("backoff", 1, BenchIdle.BACKOFF, "stream", profile.backoffGapMinNs(),
                profile.backoffGapMaxNs(), 0, profile.backoffCount());
        results.rows.add(Row.measured("shmtel-backoff", "shmtel one-way, default backoff subscriber", Row.ONE_WAY,
                run.latency, "wake-up latency: a sample every " + profile.backoffGapMinNs() / 1_000_000 + "-"
                        + profile.backoffGapMaxNs() / 1_000_000 + " ms, the subscriber parked in between"));
    }

    /**
     * What one one-way run measured: all subscribers together, the worst one, and the publisher's cost; what
     * its processes were refused of their placement (null: nothing refused).
     */
    record OneWay(Histogram latency, Histogram worst, Histogram publishCost, long received, long lost,
            String refusals) {
        /** This run as the fan-out table's line for {@code subscribers} run with {@code p}. */
        Results.FanOut fanOut(int subscribers, Placement p, String note) {
            String word = refusals != null ? Placement.REFUSED_WORD : p.word();
            String why = refusals != null ? "placement refused, ran unplaced: " + refusals : null;
            String all = note == null ? why : why == null ? note : note + "; " + why;
            return new Results.FanOut(subscribers, latency, worst, publishCost, received, lost, all, word,
                    refusals == null && p.placed() ? p.describe() : "");
        }
    }

    OneWay oneWay(String name, int subscribers, String idle, String read, long gapMinNs, long gapMaxNs, int warmup,
            int count) throws IOException {
        return oneWay(name, subscribers, idle, read, gapMinNs, gapMaxNs, warmup, count, -1, Placement.UNPLACED);
    }

    OneWay oneWay(String name, int subscribers, String idle, String read, long gapMinNs, long gapMaxNs, int warmup,
            int count, long warmupGapNs) throws IOException {
        return oneWay(name, subscribers, idle, read, gapMinNs, gapMaxNs, warmup, count, warmupGapNs,
                Placement.UNPLACED);
    }

    /**
     * A one-way run whose warm-up samples are paced at {@code warmupGapNs} (when positive) to warm up
     * long-gap runs quickly.
     */
    OneWay oneWay(String name, int subscribers, String idle, String read, long gapMinNs, long gapMaxNs, int warmup,
            int count, long warmupGapNs, Placement placement) throws IOException {
        Path dir = bench.scenarioDir(name);
        Duration budget = budget(warmup * (double) Math.max(warmupGapNs, WARMUP_GAP_FOR_BUDGET_NS)
                + count * (double) (gapMinNs + gapMaxNs) / 2);
        try (Processes procs = bench.processes(placement)) {
            Proc pub = procs.start(Child.class, name + "-pub", "oneway-pub", dir, gapMinNs, gapMaxNs, warmup, count,
                    warmupGapNs);
            List<Proc> subs = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                subs.add(procs.launch(Child.class, name + "-sub" + i, "oneway-sub", dir, idle, read));
            }
            Processes.awaitReady(subs.toArray(Proc[]::new));
            procs.go(pub, budget);
            Histogram all = Child.histogram();
            Histogram worst = null;
            long lost = 0;
            long received = 0;
            for (Proc sub : subs) {
                Histogram h = sub.histogram("latency");
                all.add(h);
                if (worst == null || h.getValueAtPercentile(99) > worst.getValueAtPercentile(99)) {
                    worst = h;
                }
                lost += (long) sub.metric("lost");
                received += (long) sub.metric("received");
            }
            return new OneWay(all, worst, pub.histogram("publish-cost"), received, lost, procs.refusals());
        }
    }

    void naive(Results results) throws IOException {
        Path dir = bench.scenarioDir("naive");
        Duration budget = budget(profile.naiveCount() * (profile.naiveGapMaxNs() + NAIVE_SLACK_NS));
        try (Processes procs = bench.processes()) {
            Proc sub = procs.start(Child.class, "naive-sub", "naive-sub", dir, NAIVE_SLEEP_MS);
            Proc pub = procs.start(Child.class, "naive-pub", "naive-pub", dir, profile.naiveGapMinNs(),
                    profile.naiveGapMaxNs(), 0, profile.naiveCount());
            procs.go(pub, budget);
            results.rows.add(Row.measured("flag-sleep", "flag + sleep(10 ms) poll loop on a mapped file",
                    Row.ONE_WAY, sub.histogram("latency"), "the shared-memory tutorials' reader"));
        }
    }
}
