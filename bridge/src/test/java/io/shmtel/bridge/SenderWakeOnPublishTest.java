package io.shmtel.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.Publisher;
import io.shmtel.core.placement.ThreadPlacement;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sending side's wake-on-publish (issue 25, the bridge at its transport's speed): with the default idle policy
 * ({@code blocking}) a sender whose live source is silent sleeps on the source record's futex word, using almost no
 * CPU, and a sample published then is offered to the transport at once, not when the sender next wakes by itself.
 * Its status and schema periods are a minute here, so a sender that slept on its timers (or the idle strategy's
 * one-second cap) would offer each sample up to a second late, and a sender that polled would use a core.
 */
class SenderWakeOnPublishTest {
    private static final String SCHEMA = """
            { "schema": "wake_counter", "version": 1, "records": [ { "name": "counter", "depth": 8, "fields": [
              { "name": "k", "type": "i64" }, { "name": "label", "type": "string", "length": 16 } ] } ] }""";
    private static final Layout LAYOUT = LayoutCompiler.compile(SchemaParser.parse(SCHEMA, "test"));
    /** Longer than the test: the sender's timers never wake it during the quiet spells. */
    private static final Duration TIMER_PERIOD = Duration.ofMinutes(1);
    /** Samples published after a quiet spell each. */
    private static final int SAMPLES = 7;
    /** Each quiet spell: longer than the strategy's spins, not a multiple of its one-second cap. */
    private static final long QUIET_MS = 300;
    /** How long the sender may take to offer a sample, at the median: woken, microseconds; asleep, ~0.5 s. */
    private static final long MEDIAN_BOUND_MS = 100;
    /** A busy loop uses about 100 % of the wall time; a sleeping sender about nothing. Generous, so it never flakes. */
    private static final double MOST_CPU_SHARE = 0.2;
    private static final long WAIT_S = 20;
    private static final String SENDER_THREAD = "shmtel-bridge-send-";

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final InProcessTransport transport = new InProcessTransport();
    private Path dir;
    private RegionOptions options;

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
        options = ShmDirectory.options(dir);
    }

    @AfterEach
    void removeDir() throws Exception {
        ShmDirectory.delete(dir);
    }

    private static void publish(Publisher p, long k) {
        DynamicWriter w = new DynamicWriter(p.sink("counter"), LAYOUT.record("counter").orElseThrow());
        CounterPattern.fill(w, k);
        w.commit();
    }

    /** CPU time (ns) of the live threads whose name starts with {@code prefix}. */
    private static long cpuNs(String prefix) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                total += Math.max(0, mx.getThreadCpuTime(t.getId()));
            }
        }
        return total;
    }

    /** Waits until the transport was offered more than {@code count} frames; returns the wait in ns. */
    private long awaitOffered(long count) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (transport.queued() <= count) {
            assertThat(System.nanoTime() - deadline).as("frames offered beyond " + count + "; log " + log)
                    .isNegative();
            Thread.onSpinWait();
        }
        return System.nanoTime() - start;
    }

    @Test
    void aSilentSourcesSenderSleepsAndAPublishWakesItAtOnce() throws Exception {
        SenderConfig config = new SenderConfig("send", List.of("counter/counter"), "test", 1, options, TIMER_PERIOD,
                TIMER_PERIOD, SenderConfig.DEFAULT_MAX_PARK, ThreadPlacement.none(), BridgeIdle.DEFAULT);
        try (Publisher source = Publisher.create("counter", LAYOUT, options);
                SenderBridge sender = SenderBridge.start(config, transport, log::add)) {
            publish(source, 0); // the sender finds the record, sends its schema and sample 0
            awaitOffered(0);
            Thread.sleep(QUIET_MS);
            List<Long> waitsMs = new ArrayList<>();
            long cpu0 = cpuNs(SENDER_THREAD);
            long quietNs = 0;
            for (long k = 1; k <= SAMPLES; k++) {
                long offered = transport.queued();
                long t0 = System.nanoTime();
                Thread.sleep(QUIET_MS);
                assertThat(transport.queued()).as("nothing offered while the source is silent; log " + log)
                        .isEqualTo(offered);
                quietNs += System.nanoTime() - t0;
                publish(source, k);
                waitsMs.add(TimeUnit.NANOSECONDS.toMillis(awaitOffered(offered)));
            }
            double share = (double) (cpuNs(SENDER_THREAD) - cpu0) / quietNs;
            Collections.sort(waitsMs);
            String what = "sender CPU share " + share + "; ms from publish to offer, sorted " + waitsMs + "; log "
                    + log;
            System.out.println("SenderWakeOnPublishTest: " + what);
            assertThat(share).as(what).isLessThan(MOST_CPU_SHARE);
            assertThat(waitsMs.get(SAMPLES / 2)).as(what).isLessThan(MEDIAN_BOUND_MS);
            assertThat(sender.failure()).isNull();
        }
    }
}
