package io.shmtel.bench.harness;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The Aeron IPC peer of the harness: an 8-byte ping-pong between two processes through an
 * embedded media driver, both sides busy-spinning, as Aeron's own ping-pong samples do. The only
 * class that runs with the JVM flags Aeron needs ({@link Bench#aeronJvmFlags()}).
 * <pre>
 *   aeron-ping DIR WARMUP COUNT   launches the media driver in DIR/aeron, then pings
 *   aeron-pong DIR                connects to that driver and echoes
 * </pre>
 */
public final class AeronChild {
    static final String CHANNEL = "aeron:ipc?term-length=64k";
    /** With the optional last argument {@code udp}: the same ping-pong over UDP on loopback (the bridge's floor). */
    static final String UDP_PING = "aeron:udp?endpoint=127.0.0.1:40698|term-length=64k";
    static final String UDP_PONG = "aeron:udp?endpoint=127.0.0.1:40699|term-length=64k";
    private static String pingChannel = CHANNEL;
    private static String pongChannel = CHANNEL;
    /**
     * Over UDP the media driver's thread carries every message: the two sides yield instead of
     * spinning, or on a 2-core machine they starve it (a spinning pair made each round trip last
     * about a millisecond, the driver's longest sleep).
     */
    private static boolean yieldWhenIdle;
    static final int PING_STREAM = 1001;
    static final int PONG_STREAM = 1002;

    private AeronChild() {}

    public static void main(String[] args) throws Exception {
        Path aeronDir = Path.of(args[1]).resolve("aeron");
        if (args[args.length - 1].equals("udp")) {
            pingChannel = UDP_PING;
            pongChannel = UDP_PONG;
            yieldWhenIdle = true;
        }
        switch (args[0]) {
            case "aeron-ping" -> ping(aeronDir, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "aeron-pong" -> pong(aeronDir);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        Placement.reportInChild();
        System.out.println("DONE");
        System.out.flush();
    }

    /** Receives one 8-byte message at a time into {@link #value}. */
    static final class Receiver implements FragmentHandler {
        long value;
        boolean received;

        @Override
        public void onFragment(DirectBuffer buffer, int offset, int length, Header header) {
            value = buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN);
            received = true;
        }
    }

    static void send(ExclusivePublication publication, UnsafeBuffer buffer, long value) {
        buffer.putLong(0, value, ByteOrder.LITTLE_ENDIAN);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Child.MAX_WAIT_SECONDS);
        while (publication.offer(buffer, 0, 8) < 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Aeron offer failed for " + Child.MAX_WAIT_SECONDS + " s");
            }
            Thread.onSpinWait();
        }
    }

    static long receive(Subscription subscription, Receiver receiver) {
        receiver.received = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Child.MAX_WAIT_SECONDS);
        while (subscription.poll(receiver, 1) == 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("no Aeron message for " + Child.MAX_WAIT_SECONDS + " s");
            }
            if (yieldWhenIdle) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
        return receiver.value;
    }

    static void awaitConnected(ExclusivePublication publication, Subscription subscription) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Child.MAX_WAIT_SECONDS);
        while (!publication.isConnected() || !subscription.isConnected()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Aeron peers did not connect in " + Child.MAX_WAIT_SECONDS + " s");
            }
            Thread.onSpinWait();
        }
    }

    static void ping(Path aeronDir, int warmup, int count) throws Exception {
        MediaDriver.Context driverContext = new MediaDriver.Context()
                .aeronDirectoryName(aeronDir.toString())
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy())
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true);
        try (MediaDriver driver = MediaDriver.launch(driverContext);
                Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
                ExclusivePublication publication = aeron.addExclusivePublication(pingChannel, PING_STREAM);
                Subscription subscription = aeron.addSubscription(pongChannel, PONG_STREAM)) {
            // Placed after the driver and client threads started: they float, as in an unplaced run.
            Placement.applyInChild();
            Child.ready();
            Child.awaitGo();
            awaitConnected(publication, subscription);
            UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
            Receiver receiver = new Receiver();
            Histogram halfRoundTrip = Child.histogram();
            for (int i = 0; i <= warmup + count; i++) {
                long value = i == warmup + count ? -1 : i;
                long t0 = System.nanoTime();
                send(publication, buffer, value);
                long echo = receive(subscription, receiver);
                long t1 = System.nanoTime();
                if (echo != value) {
                    throw new IllegalStateException("echo " + echo + " for " + value);
                }
                if (i >= warmup && value >= 0) {
                    halfRoundTrip.recordValue((t1 - t0) / 2);
                }
            }
            Child.report("latency", halfRoundTrip);
        }
    }

    static void pong(Path aeronDir) {
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir.toString()));
                ExclusivePublication publication = aeron.addExclusivePublication(pongChannel, PONG_STREAM);
                Subscription subscription = aeron.addSubscription(pingChannel, PING_STREAM)) {
            Placement.applyInChild();
            Child.ready();
            awaitConnected(publication, subscription);
            UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
            Receiver receiver = new Receiver();
            while (true) {
                long value = receive(subscription, receiver);
                send(publication, buffer, value);
                if (value < 0) {
                    return;
                }
            }
        }
    }
}
