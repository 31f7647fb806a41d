package io.shmtel.bench.harness;

import static io.shmtel.bench.harness.Bench.budget;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The throughput scenario: one publisher into one busy-spin stream subscriber, unpaced, then paced. */
final class ThroughputScenario {
    /** Paced publishing rates tried by {@link #throughput}, samples per second. */
    static final double[] THROUGHPUT_STEPS = {0.5e6, 1e6, 2e6, 5e6, 10e6, 20e6, 50e6};
    private static final double NS_PER_SECOND = 1e9;

    private final Bench bench;
    private final Profile profile;

    ThroughputScenario(Bench bench) {
        this.bench = bench;
        this.profile = bench.profile;
    }

    /**
     * After a warm-up at the same rate (not counted), first as fast as the publisher can with a
     * stream subscriber attached (losses counted), then
     * at paced rates rising by steps (up to what the publisher reached alone) until the subscriber
     * loses samples: the highest received rate of a run without a loss is the rate one publisher
     * sustains into one subscriber that keeps up. When the unpaced run loses nothing, the publisher,
     * not the subscriber, is the limit.
     */
    void throughput(Results results) throws IOException {
        // Placed when the machine has a CPU for each of the two processes (issue 25's target is a placed figure).
        Placement placement = bench.placements.best(2);
        Map<String, Object> unthrottled = throughputRun("throughput-max", 0, profile.throughputSeconds(), placement);
        results.throughput.put("record", "64-byte slot (48-byte payload), ring depth 65536");
        results.throughput.put("placement", placement.placed() ? placement.word() + " on CPUs " + placement.cpus()
                : placement.word());
        results.throughput.put("unthrottled", unthrottled);
        List<Object> steps = new ArrayList<>();
        double publisherMax = (Double) unthrottled.get("publishedPerSecond");
        double sustained = (Long) unthrottled.get("lost") == 0 ? (Double) unthrottled.get("receivedPerSecond") : 0;
        for (double rate : THROUGHPUT_STEPS) {
            if (rate > publisherMax) {
                break;
            }
            Map<String, Object> step = throughputRun("throughput-" + (long) rate, rate,
                    profile.throughputSeconds() / 2, placement);
            steps.add(step);
            if ((Long) step.get("lost") > 0) {
                break;
            }
            sustained = Math.max(sustained, (Double) step.get("receivedPerSecond"));
        }
        results.throughput.put("steps", steps);
        results.throughput.put("sustainedLossFreePerSecond", sustained);
        results.throughput.put("publisherBound", (Long) unthrottled.get("lost") == 0);
    }

    private Map<String, Object> throughputRun(String name, double rate, double seconds, Placement placement)
            throws IOException {
        Path dir = bench.scenarioDir(name);
        Duration budget = budget(seconds * NS_PER_SECOND);
        try (Processes procs = bench.processes(placement)) {
            Proc pub = procs.start(Child.class, name + "-pub", "tput-pub", dir, seconds, rate,
                    profile.throughputWarmupSeconds());
            Proc sub = procs.start(Child.class, name + "-sub", "tput-sub", dir);
            procs.go(pub, budget);
            double elapsed = pub.metric("seconds");
            long published = (long) pub.metric("measured-published");
            long received = (long) sub.metric("measured-received");
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("targetPerSecond", rate);
            r.put("seconds", elapsed);
            r.put("published", published);
            r.put("publishedPerSecond", published / elapsed);
            r.put("received", received);
            r.put("receivedPerSecond", received / elapsed);
            r.put("lost", published - received);
            r.put("outOfOrder", (long) sub.metric("out-of-order"));
            // The whole run, warm-up included: what the subscriber's own loss counter says.
            r.put("totalPublished", (long) pub.metric("published"));
            r.put("totalReceived", (long) sub.metric("received"));
            r.put("totalLostCounted", (long) sub.metric("lost"));
            return r;
        } finally {
            Bench.deleteTree(dir);
        }
    }
}
