package io.shmtel.bench.harness;

import static io.shmtel.bench.harness.Bench.budget;

import io.shmtel.core.Publisher;
import io.shmtel.core.region.MemoryOptions;
import io.shmtel.core.region.RegionMemoryException;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The cost scenarios: a subscriber's CPU while its record is silent (idle), wake-on-publish
 * against the polling strategies and the publisher's cost with sleepers (wake), and the first
 * touch of a ring's pages per memory mode (memory).
 */
final class CostScenarios {
    /** Sleeping subscribers in the wake scenario's publisher-cost runs. */
    static final int WAKE_SLEEPERS = 4;
    /** Warm-up samples of each wake run, 100 us apart: the subscriber's sleep and wake paths get compiled first. */
    static final int WAKE_WARMUP = 10_000;
    static final long WAKE_WARMUP_GAP_NS = 100_000;
    /** The publisher-cost runs of the wake scenario: samples this many times closer, and as many times more. */
    private static final int WAKE_COST_SPEEDUP = 10;
    private static final int WAKE_COST_MORE = 3;
    /** Bytes of a page, the memory scenario's slot. */
    static final int PAGE = 4096;
    /** Payload bytes that make a slot exactly one 4 KiB page (16 bytes of seq and timestamp). */
    static final int PAGE_PAYLOAD = PAGE - 16;
    private static final double NS_PER_SECOND = 1e9;
    private static final double PERCENT = 100;

    private final Bench bench;
    private final Profile profile;
    private final OneWayScenarios oneWays;

    CostScenarios(Bench bench) {
        this.bench = bench;
        this.profile = bench.profile;
        this.oneWays = new OneWayScenarios(bench);
    }

    void idle(Results results) throws IOException {
        double[] cpu = silentSubscriber("idle", "idle-sub", BenchIdle.BACKOFF);
        results.idle.put("seconds", cpu[2] / NS_PER_SECOND);
        results.idle.put("threadCpuPercent", cpu[0]);
        results.idle.put("processCpuPercent", cpu[1]);
        results.idle.put("strategy", BenchIdle.BACKOFF_DESCRIPTION);
    }

    /**
     * Wake-on-publish against the polling strategies: for each idle strategy, one-way latency of
     * samples 2-10 ms apart and CPU on a silent record; then the publisher's cost per sample with
     * 0, 1 and {@link #WAKE_SLEEPERS} blocking subscribers asleep on its record.
     */
    void wake(Results results) throws IOException {
        Histogram futex = new FloorScenarios(bench).futexFloor();
        if (futex != null) {
            results.wake.add(new Results.Wake("C futex floor", futex, 0, Double.NaN, Double.NaN));
        }
        for (String strategy : BenchIdle.names()) {
            OneWayScenarios.OneWay run = oneWays.oneWay("wake-" + strategy, 1, strategy, "stream",
                    profile.backoffGapMinNs(), profile.backoffGapMaxNs(), WAKE_WARMUP, profile.backoffCount(),
                    WAKE_WARMUP_GAP_NS);
            double[] cpu = silentSubscriber("wake-idle-" + strategy, "wake-idle-" + strategy, strategy);
            results.wake.add(new Results.Wake(strategy, run.latency(), run.lost(), cpu[0], cpu[1]));
            if (strategy.equals(BenchIdle.BLOCKING)) {
                results.rows.add(Row.measured("shmtel-blocking",
                        "shmtel one-way, blocking (wake-on-publish) subscriber", Row.ONE_WAY, run.latency(),
                        "wake-up latency: a sample every "
                                + profile.backoffGapMinNs() / 1_000_000 + "-" + profile.backoffGapMaxNs() / 1_000_000
                                + " ms, the subscriber asleep in the kernel in between; idle CPU "
                                + String.format(Locale.ROOT, "%.2f", cpu[0]) + " % of a core"));
            }
        }
        for (int sleepers : new int[] {0, 1, WAKE_SLEEPERS}) {
            OneWayScenarios.OneWay run = oneWays.oneWay("wake-cost-" + sleepers, sleepers, BenchIdle.BLOCKING,
                    "stream", profile.backoffGapMinNs() / WAKE_COST_SPEEDUP,
                    profile.backoffGapMaxNs() / WAKE_COST_SPEEDUP, WAKE_WARMUP,
                    profile.backoffCount() * WAKE_COST_MORE, WAKE_WARMUP_GAP_NS);
            results.wakeCost.add(new Results.WakeCost(sleepers, run.publishCost(),
                    sleepers == 0 ? null : run.latency()));
        }
    }

    /**
     * A subscriber with {@code strategy} on a silent record (its publisher held open here, never
     * publishing) for the profile's idle seconds: thread and process CPU (% of a core), then the
     * wall time (ns).
     */
    @SuppressWarnings("try") // the silent publisher is held open, not used: its record must exist and stay empty
    private double[] silentSubscriber(String dirName, String procName, String strategy) throws IOException {
        Path dir = bench.scenarioDir(dirName);
        RegionOptions options = RegionOptions.defaults().withDirectory(dir);
        try (Publisher silent = Publisher.create("silent", Child.layout(), options);
                Processes procs = bench.processes()) {
            Proc sub = procs.start(Child.class, procName, "idle-sub", dir, profile.idleSeconds(), strategy);
            Processes.collect(budget(profile.idleSeconds() * NS_PER_SECOND), sub);
            double wall = sub.metric("wall-ns");
            return new double[] {PERCENT * sub.metric("thread-cpu-ns") / wall,
                PERCENT * sub.metric("process-cpu-ns") / wall, wall};
        } finally {
            Bench.deleteTree(dir);
        }
    }

    /**
     * First-touch cost: publishing into a fresh ring of one-page slots with each memory mode (none,
     * prefault, lock), every sample on a page this process has not touched yet, then the same pages
     * again (the floor, from the same run). In this process: the cost is the writer's own page faults.
     */
    void memory(Results results) throws IOException {
        int pages = switch (profile.name()) {
            case "smoke" -> 256;
            case "quick" -> 4096;
            default -> 16384;
        };
        Path dir = bench.scenarioDir("memory");
        try {
            Path schema = dir.resolve("pages.json");
            Files.writeString(schema, "{\"schema\": \"pages\", \"version\": 1, \"records\": [{\"name\": \"page\","
                    + " \"depth\": " + pages + ", \"fields\": [{\"name\": \"bytes\", \"type\": \"u8\", \"count\": "
                    + PAGE_PAYLOAD + "}]}]}");
            Layout layout = LayoutCompiler.compile(SchemaParser.parse(schema));
            ByteBuffer payload = ByteBuffer.allocateDirect(PAGE_PAYLOAD);
            RegionOptions base = RegionOptions.defaults().withDirectory(dir);
            // Two rounds, the first discarded: the first region this JVM creates pays for class loading and the JIT.
            for (int round = 0; round < 2; round++) {
                for (String mode : List.of("default", "prefault", "lock")) {
                    memoryMode(results, round == 1, mode, pages, layout, payload, base);
                    Bench.deleteTree(dir.resolve("shmtel.mem-" + mode));
                }
            }
        } finally {
            Bench.deleteTree(dir);
        }
    }

    private static void memoryMode(Results results, boolean record, String mode, int pages, Layout layout,
            ByteBuffer payload, RegionOptions base) {
        MemoryOptions m = MemoryOptions.defaults().withPrefault(mode.equals("prefault")).withLock(mode.equals("lock"));
        long t0 = System.nanoTime();
        try (Publisher p = Publisher.create("mem-" + mode, layout, base.withMemory(m))) {
            long setup = System.nanoTime() - t0;
            RingWriter sink = p.sink("page");
            Histogram first = new Histogram(3);
            Histogram second = new Histogram(3);
            for (Histogram h : new Histogram[] {first, second}) {
                for (int i = 0; i < pages; i++) {
                    long t = System.nanoTime();
                    sink.publish(payload, PAGE_PAYLOAD, t);
                    h.recordValue(System.nanoTime() - t);
                }
            }
            if (record) {
                results.memory.add(new Results.Memory(mode, pages * (long) PAGE, setup, first, second, null));
            }
        } catch (RegionMemoryException refused) {
            if (record) {
                results.memory.add(new Results.Memory(mode, pages * (long) PAGE, 0, null, null, refused.getMessage()));
            }
        }
    }
}
