package io.shmtel.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The hot-path benchmarks of {@link SeqlockBenchmarks} timed in this thread's CPU time instead of JMH's wall time:
 * batches of calls in a plain loop, the fastest and the median batch per call. On a machine that other processes
 * load (a shared 2-core VM, a build running beside), the time a thread spends descheduled inflates JMH's figures
 * by a factor; CPU time leaves it out and keeps the figures within a few percent from run to run, so that two
 * versions of the code can be compared. JMH stays the reference on a quiet machine.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.shmtel.bench.CpuTimeLoop \
 *       publish64,readLatest64,streamPollNothingNew,latestPollNothingNew [BATCHES]
 * </pre>
 * Also publishAllFields64, publishClaim64, readLatestField64 and readLatestOptimistic64 (the zero-copy paths and
 * their copying twins): time each in a JVM of its own, as JMH forks do, so that one path's profile does not shape
 * another's code.
 */
public final class CpuTimeLoop {
    /** Calls per batch. */
    private static final int BATCH = 2_000_000;
    private static final int WARMUP_BATCHES = 15;
    private static final int DEFAULT_BATCHES = 15;

    private static long sink;

    private CpuTimeLoop() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: CpuTimeLoop BENCHMARK[,BENCHMARK...] [BATCHES]");
            System.exit(2);
        }
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_BATCHES;
        SeqlockBenchmarks b = new SeqlockBenchmarks();
        SeqlockBenchmarks.LatestWatch watch = new SeqlockBenchmarks.LatestWatch();
        b.setUp();
        watch.setUp();
        Map<String, ToLongFunction<Integer>> loops = Map.of(
                "publish64", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        s += b.publish64();
                    }
                    return s;
                },
                "readLatest64", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        s += b.readLatest64() ? 1 : 0;
                    }
                    return s;
                },
                "streamPollNothingNew", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        s += b.streamPollNothingNew() ? 1 : 0;
                    }
                    return s;
                },
                "latestPollNothingNew", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        s += b.latestPollNothingNew(watch) ? 1 : 0;
                    }
                    return s;
                },
                "publishAllFields64", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        s += b.publishAllFields64();
                    }
                    return s;
                },
                "publishClaim64", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        s += b.publishClaim64();
                    }
                    return s;
                },
                "readLatestField64", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        s += (long) b.readLatestField64();
                    }
                    return s;
                },
                "readLatestOptimistic64", n -> {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                        s += (long) b.readLatestOptimistic64();
                    }
                    return s;
                });
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try {
            for (String name : args[0].split(",")) {
                ToLongFunction<Integer> loop = loops.get(name);
                if (loop == null) {
                    throw new IllegalArgumentException("no benchmark \"" + name + "\"; these: " + loops.keySet());
                }
                for (int w = 0; w < WARMUP_BATCHES; w++) {
                    sink += loop.applyAsLong(BATCH);
                }
                double[] ns = new double[batches];
                for (int i = 0; i < batches; i++) {
                    long start = threads.getCurrentThreadCpuTime();
                    sink += loop.applyAsLong(BATCH);
                    ns[i] = (threads.getCurrentThreadCpuTime() - start) / (double) BATCH;
                }
                Arrays.sort(ns);
                System.out.printf(Locale.ROOT, "%-22s fastest %6.2f  median %6.2f ns/op (thread CPU time, %d x %d"
                        + " calls)%n", name, ns[0], ns[batches / 2], batches, BATCH);
            }
        } finally {
            watch.tearDown();
            b.tearDown();
        }
        if (sink == Long.MIN_VALUE) {
            System.out.println(); // uses the results: the loops cannot be dropped
        }
    }
}
