package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.region.ShmDirectory;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The read and write paths of issue 25 allocate nothing in the steady state, as the staged ones do
 * ({@link GeneratedJavaTest#subscriberReadsAllocateNothingInTheSteadyState}): a generated writer's zero-copy claim
 * (set every field, commit; or give it up), the optimistic latest and stream reads with an {@code OptimisticReader}
 * allocated once, and the latest-value waiter ({@code pollLatest}, {@code awaitLatest}), through a real region.
 * JMH's {@code -prof gc} covers some of them on request; this runs on every build.
 */
class ZeroCopyAllocationTest {
    static final String PROBE = """
            package test.gen.alloc3;

            import io.shmtel.core.Publisher;
            import io.shmtel.core.Subscriber;
            import io.shmtel.core.region.RegionOptions;
            import io.shmtel.core.view.OptimisticReader;
            import io.shmtel.schema.SchemaParser;
            import io.shmtel.schema.layout.Layout;
            import io.shmtel.schema.layout.LayoutCompiler;
            import com.sun.management.ThreadMXBean;
            import java.lang.management.ManagementFactory;
            import java.nio.file.Path;
            import java.util.function.LongSupplier;

            /** Bytes allocated over CYCLES of claims, optimistic reads and the latest-value waiter. */
            public final class ZeroCopyProbe implements LongSupplier {
                public static final int CYCLES = 200_000;
                /** Gives every ABORT_EVERY-th claim up before claiming the same index again. */
                static final int ABORT_EVERY = 4;
                public double sink;

                /** One field read in place into a field of its own, as an optimistic reader should. */
                static final class Position implements OptimisticReader<JointStateView> {
                    double value;

                    @Override
                    public void read(JointStateView view) {
                        value = view.position(0);
                    }
                }

                private final Position position = new Position();
                private final double[] efforts = new double[JointStateView.EFFORT_COUNT];

                @Override
                public long getAsLong() {
                    Layout layout = LayoutCompiler.compile(SchemaParser.parse(ArmSchema.CANONICAL_JSON, "arm"));
                    RegionOptions options =
                            RegionOptions.defaults().withDirectory(Path.of(System.getProperty("probe.dir")));
                    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
                    try (Publisher publisher = Publisher.create("probe3", layout, options);
                            Subscriber latest = Subscriber.open("probe3", "joint_state", layout, options);
                            Subscriber stream = Subscriber.open("probe3", "joint_state", layout, options);
                            Subscriber waiter = Subscriber.open("probe3", "joint_state", layout, options)) {
                        JointStateWriter writer = new JointStateWriter(publisher.sink("joint_state"));
                        JointStateView a = new JointStateView();
                        JointStateView b = new JointStateView();
                        JointStateView c = new JointStateView();
                        for (int warm = 0; warm < 10; warm++) {
                            cycles(writer, latest, stream, waiter, a, b, c, CYCLES / 10);
                        }
                        long least = Long.MAX_VALUE;
                        for (int run = 0; run < 3; run++) {
                            long before = threads.getCurrentThreadAllocatedBytes();
                            cycles(writer, latest, stream, waiter, a, b, c, CYCLES);
                            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
                        }
                        return least;
                    }
                }

                private void cycles(JointStateWriter writer, Subscriber latest, Subscriber stream, Subscriber waiter,
                        JointStateView a, JointStateView b, JointStateView c, int count) {
                    for (int n = 0; n < count; n++) {
                        if (n % ABORT_EVERY == 0) {
                            writer.claim().position(0, -n);
                            writer.abortClaim();
                        }
                        writer.claim();
                        for (int j = 0; j < JointStateView.POSITION_COUNT; j++) {
                            writer.position(j, n + j).velocity(j, -n);
                            efforts[j] = j + n;
                        }
                        writer.effort(efforts).status(JointStateView.Status.OK).frameId("base_link");
                        writer.commit(n);
                        if (latest.latestOptimistic(a, position)) {
                            sink += position.value;
                        }
                        if (stream.pollOptimistic(b, position)) {
                            sink += position.value + stream.lostSamples();
                        }
                        boolean newer = n % 2 == 0 ? waiter.pollLatest(c) : waiter.awaitLatest(c, 1_000_000);
                        if (newer) {
                            sink += c.position(0);
                        }
                    }
                }
            }
            """;

    @Test
    void claimsOptimisticReadsAndTheLatestWaiterAllocateNothingInTheSteadyState() throws Exception {
        Path dir = ShmDirectory.create();
        try {
            System.setProperty("probe.dir", dir.toString());
            GeneratedJavaTest.Generated g = GeneratedJavaTest.generate(GeneratedJavaTest.EXAMPLES.resolve("arm.json"),
                    "test.gen.alloc3", Map.of("test/gen/alloc3/ZeroCopyProbe.java", PROBE));
            LongSupplier probe = (LongSupplier) g.load("ZeroCopyProbe").getConstructor().newInstance();
            long allocated = probe.getAsLong();
            System.out.println("zero-copy allocation probe: " + allocated + " bytes over 200000 claim + commit"
                    + " + latestOptimistic + pollOptimistic + pollLatest/awaitLatest cycles (least of 3 runs)");
            assertThat(allocated).as("bytes allocated by claims, optimistic reads and the latest-value waiter")
                    .isZero();
        } finally {
            ShmDirectory.delete(dir);
        }
    }
}
