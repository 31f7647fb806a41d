package io.shmtel.bridge.aeron;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.bridge.ReceiverBridge;
import io.shmtel.bridge.ReceiverConfig;
import io.shmtel.bridge.SenderBridge;
import io.shmtel.bridge.SenderConfig;
import io.shmtel.bridge.Transports;
import io.shmtel.bridge.spi.Transport;
import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.DynamicView;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.SlotDescriptor;
import io.shmtel.schema.testing.Examples;
import java.net.DatagramSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A fast publisher's samples travel several to a frame (SAMPLES) and all arrive, in order, over real Aeron UDP on
 * loopback: bursts of a whole ring (16 samples published back to back while the sender's thread sleeps or sends)
 * are read from the mirror value by value, and the sender reports that it sent batches.
 */
@ExtendWith(ShmDirectory.class)
class BatchingTest {
    private static final int BURSTS = 40;
    private static final int DEPTH = 16; // imu_sample's ring
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long WARMUP_GAP_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private static void await(String what, BooleanSupplier done) {
        long start = System.nanoTime();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() - start).as(what).isLessThan(TIMEOUT_NS);
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
    }

    @Test
    void aFastPublishersSamplesArriveAllAndInOrderSeveralToAFrame(RegionOptions options) throws Exception {
        var layout = LayoutCompiler.compile(SchemaParser.parse(Examples.example("imu.json")));
        int port;
        try (DatagramSocket s = new DatagramSocket(0)) {
            port = s.getLocalPort();
        }
        String channel = "aeron:udp?endpoint=127.0.0.1:" + port;
        try (Transport transport = Transports.provider("aeron").open(Map.of(), line -> { });
                Publisher source = Publisher.create("batch", layout, options)) {
            ReceiverBridge rx = ReceiverBridge.start(ReceiverConfig.of("rx", channel, 1001, "mirror.", options)
                    .withRemoveOnExit(true), transport, l -> { });
            SenderBridge tx = SenderBridge.start(SenderConfig.of("tx", List.of("batch"), channel, 1001, options),
                    transport, l -> { });
            try {
                RingWriter sink = source.sink("imu_sample");
                ByteBuffer payload = ByteBuffer.allocateDirect(sink.payloadLength()).order(ByteOrder.LITTLE_ENDIAN);
                long value = 0;
                while (rx.received() == 0) { // until the receiver mirrors the region
                    payload.putLong(0, --value);
                    sink.publish(payload, sink.payloadLength(), System.nanoTime());
                    LockSupport.parkNanos(WARMUP_GAP_NS);
                }
                await("warm-up samples all received", () -> rx.received() == tx.sent());
                long warmupSent = tx.sent();
                long warmupReceived = rx.received();
                try (Subscriber mirror = Subscriber.open("mirror.batch", "imu_sample", options)) {
                    mirror.seekToNewest();
                    DynamicView view = new DynamicView(layout.record("imu_sample").orElseThrow());
                    List<Long> read = new ArrayList<>();
                    List<Long> expected = new ArrayList<>();
                    value = 0;
                    for (int burst = 0; burst < BURSTS; burst++) {
                        for (int i = 0; i < DEPTH; i++) {
                            payload.putLong(0, ++value);
                            expected.add(value);
                            sink.publish(payload, sink.payloadLength(), System.nanoTime());
                        }
                        int want = expected.size();
                        await("burst " + burst + " read from the mirror (read " + read + ", sent " + tx.sent()
                                + ", received " + rx.received() + ", failures " + tx.failure() + " " + rx.failure()
                                + ")", () -> {
                            while (mirror.poll(view)) {
                                ByteBuffer b = view.buffer().duplicate().order(ByteOrder.LITTLE_ENDIAN);
                                read.add(b.getLong(view.offset() + SlotDescriptor.PAYLOAD_OFFSET));
                            }
                            return read.size() >= want;
                        });
                    }
                    assertThat(read).isEqualTo(expected);
                    assertThat(mirror.lostSamples()).isZero();
                }
                assertThat(tx.lostAtSender()).isZero();
                assertThat(tx.sent() - warmupSent).isEqualTo((long) BURSTS * DEPTH);
                assertThat(rx.received() - warmupReceived).isEqualTo((long) BURSTS * DEPTH);
                assertThat(tx.batches()).as("SAMPLES frames sent").isPositive();
            } finally {
                tx.close();
                rx.close();
            }
        }
    }
}
