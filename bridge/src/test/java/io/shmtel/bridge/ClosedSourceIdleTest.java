package io.shmtel.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both bridge threads idle while their source region's writer has closed: a sender and a receiver
 * joined by an in-process transport, on a source that published and closed cleanly, use a small share
 * of a core. With a prefix the mirror reads CLOSED; without one, in the same directory, the receiver
 * refuses to mirror the region over its own source (before, it took the closed source's file over, the
 * sender followed the new file and sent the mirror's samples back: both threads busy for ever, and the
 * source's samples overwritten).
 */
class ClosedSourceIdleTest {
    private static final String SCHEMA = """
            { "schema": "idle_counter", "version": 1, "records": [ { "name": "counter", "depth": 8, "fields": [
              { "name": "k", "type": "i64" }, { "name": "label", "type": "string", "length": 16 } ] } ] }""";
    private static final Layout LAYOUT = LayoutCompiler.compile(SchemaParser.parse(SCHEMA, "test"));
    private static final String PREFIX = "m_";
    private static final long MEASURE_MS = 2000;
    private static final long SETTLE_MS = 500;
    /** A busy loop uses about 100 % of the wall time; an idle bridge thread about 1 %. Generous, so it never flakes. */
    private static final double MOST_CPU_SHARE = 0.2;
    private static final long WAIT_S = 20;
    private static final long SOURCE_SAMPLES = 3;

    private final List<String> log = new CopyOnWriteArrayList<>();
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

    /** A loopback transport: what the sender offers, the receiver polls (the receiver is woken by nobody). */
    private final InProcessTransport transport = new InProcessTransport();

    private static void publish(Publisher p, long k) {
        DynamicWriter w = new DynamicWriter(p.sink("counter"), LAYOUT.record("counter").orElseThrow());
        CounterPattern.fill(w, k);
        w.commit();
    }

    private static WriterState awaitState(Subscriber s, WriterState wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        WriterState state = s.state();
        while (state != wanted && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
            state = s.state();
        }
        return state;
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

    /** The CPU share of the sender's and of the receiver's thread over {@link #MEASURE_MS}, and a description. */
    private String measure(double[] shares) throws InterruptedException {
        long send0 = cpuNs("shmtel-bridge-send-");
        long receive0 = cpuNs("shmtel-bridge-receive-");
        long offered0 = transport.queued();
        long t0 = System.nanoTime();
        Thread.sleep(MEASURE_MS);
        long wall = System.nanoTime() - t0;
        shares[0] = (double) (cpuNs("shmtel-bridge-send-") - send0) / wall;
        shares[1] = (double) (cpuNs("shmtel-bridge-receive-") - receive0) / wall;
        return String.format("CPU share: sender %.3f, receiver %.3f; frames offered %d; log %s", shares[0], shares[1],
                transport.queued() - offered0, log);
    }

    @Test
    void aMirrorIsNotWrittenOverItsOwnClosedSourceAndBothThreadsIdle() throws Exception {
        try (Publisher source = Publisher.create("counter", LAYOUT, options)) {
            for (long k = 0; k < SOURCE_SAMPLES; k++) {
                publish(source, k);
            }
        }
        try (SenderBridge sender = SenderBridge.start(SenderConfig.of("send", List.of("counter/counter"), "test", 1,
                options), transport, log::add);
                ReceiverBridge receiver = ReceiverBridge.start(ReceiverConfig.of("receive", "test", 1, "", options),
                        transport, log::add)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
            while (log.stream().noneMatch(l -> l.contains("mirroring") || l.contains("cannot mirror"))
                    && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            Thread.sleep(SETTLE_MS);
            double[] shares = new double[2];
            String what = measure(shares);
            assertThat(shares[0]).as(what).isLessThan(MOST_CPU_SHARE);
            assertThat(shares[1]).as(what).isLessThan(MOST_CPU_SHARE);
            assertThat(log).as(what).anyMatch(l -> l.contains("cannot mirror into counter: the file ")
                    && l.contains("is the source that sender ") && l.contains("give the receiver a --prefix"));
            assertThat(log).as(what).noneMatch(l -> l.contains("mirroring"));
            assertThat(sender.failure()).isNull();
            assertThat(receiver.failure()).isNull();
        }
        try (Subscriber s = Subscriber.open("counter", "counter", options)) {
            assertThat(s.state()).as("the source, left as its writer closed it").isEqualTo(WriterState.CLOSED);
            assertThat(s.epoch()).isEqualTo(1);
            s.seekToOldest();
            DynamicView view = new DynamicView(s.record());
            for (long k = 0; k < SOURCE_SAMPLES; k++) {
                assertThat(s.poll(view)).as("source sample %d", k).isTrue();
                assertThat(view.sampleIndex()).isEqualTo(k);
                assertThat(CounterPattern.check(view)).isTrue();
            }
            assertThat(s.poll(view)).as("no sample after the source's own").isFalse();
        }
    }

    @Test
    void bothBridgeThreadsIdleWhileTheSourceIsClosed() throws Exception {
        try (Publisher source = Publisher.create("counter", LAYOUT, options);
                SenderBridge sender = SenderBridge.start(SenderConfig.of("send", List.of("counter/counter"), "test", 1,
                        options), transport, log::add);
                ReceiverBridge receiver = ReceiverBridge.start(ReceiverConfig.of("receive", "test", 1, PREFIX,
                        options), transport, log::add);
                Subscriber mirror = Subscriber.open(PREFIX + "counter", "counter", options)) {
            publish(source, 0);
            assertThat(awaitState(mirror, WriterState.LIVE)).as("mirror; log " + log).isEqualTo(WriterState.LIVE);
            source.close();
            assertThat(awaitState(mirror, WriterState.CLOSED)).as("mirror; log " + log)
                    .isEqualTo(WriterState.CLOSED);
            Thread.sleep(SETTLE_MS);

            double[] shares = new double[2];
            String what = measure(shares);
            assertThat(shares[0]).as(what).isLessThan(MOST_CPU_SHARE);
            assertThat(shares[1]).as(what).isLessThan(MOST_CPU_SHARE);
            assertThat(sender.failure()).isNull();
            assertThat(receiver.failure()).isNull();
        }
    }
}
