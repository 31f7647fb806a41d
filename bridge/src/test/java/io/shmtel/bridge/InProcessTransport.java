package io.shmtel.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.bridge.spi.Inbound;
import io.shmtel.bridge.spi.Outbound;
import io.shmtel.bridge.spi.Transport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in transport for bridge tests, a loopback: frames the test queues ({@link #send}) or a sending
 * bridge offers are handed to the receiving bridge's thread in order, and the test can wait until every
 * queued frame was handled. Nobody wakes the receiver: it finds the frames at its next poll.
 */
final class InProcessTransport implements Transport {
    private static final long HANDLED_TIMEOUT_S = 10;

    private final Queue<byte[]> frames = new ConcurrentLinkedQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong handled = new AtomicLong();

    /** Queues the first {@code length} bytes of {@code b} as one frame. */
    void send(ByteBuffer b, int length) {
        byte[] f = new byte[length];
        b.get(0, f);
        queued.incrementAndGet();
        frames.add(f);
    }

    /** Waits until the receiver has handled every frame queued so far. */
    void awaitHandled() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANDLED_TIMEOUT_S);
        while (handled.get() < queued.get()) {
            assertThat(System.nanoTime() - deadline).as("frames handled: " + handled + " of " + queued).isNegative();
            Thread.sleep(1);
        }
    }

    /** Frames queued so far, by the test or a sending bridge. */
    long queued() {
        return queued.get();
    }

    @Override
    public Outbound outbound(String channel, int streamId) {
        return new Outbound() {
            @Override
            public int offer(ByteBuffer frame, int length) {
                send(frame, length);
                return SENT;
            }

            @Override
            public boolean isConnected() {
                return true;
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public Inbound inbound(String channel, int streamId, boolean reliable) {
        return new Inbound() {
            @Override
            public int poll(FrameHandler handler, int limit) {
                int n = 0;
                byte[] f;
                while (n < limit && (f = frames.poll()) != null) {
                    handler.onFrame(ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN), f.length);
                    handled.incrementAndGet();
                    n++;
                }
                return n;
            }

            @Override
            public boolean isConnected() {
                return true;
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    public void close() {}
}
