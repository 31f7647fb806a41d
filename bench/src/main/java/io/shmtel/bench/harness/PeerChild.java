package io.shmtel.bench.harness;

import static io.shmtel.bench.harness.Child.awaitGo;
import static io.shmtel.bench.harness.Child.gap;
import static io.shmtel.bench.harness.Child.histogram;
import static io.shmtel.bench.harness.Child.pace;
import static io.shmtel.bench.harness.Child.ready;
import static io.shmtel.bench.harness.Child.report;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The non-shmtel peers' sides, run by {@link Child}: the Unix-domain socket ping-pong and the
 * shared-memory tutorials' flag + sleep loop. (Aeron's sides are in {@link AeronChild}.)
 */
final class PeerChild {
    private PeerChild() {}

    // ---- Unix-domain socket ping-pong: what a user would pick instead ----

    static Path socketPath(Path dir) {
        return dir.resolve("uds.sock");
    }

    static void udsServer(Path dir) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socketPath(dir)));
            ready();
            try (SocketChannel channel = server.accept()) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
                while (true) {
                    buffer.clear();
                    while (buffer.hasRemaining()) {
                        if (channel.read(buffer) < 0) {
                            return;
                        }
                    }
                    buffer.flip();
                    long x = buffer.getLong(0);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    if (x < 0) {
                        return;
                    }
                }
            }
        }
    }

    static void udsClient(Path dir, int warmup, int count) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socketPath(dir)))) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            ready();
            awaitGo();
            Histogram halfRoundTrip = histogram();
            for (int i = 0; i <= warmup + count; i++) {
                long value = i == warmup + count ? -1 : i;
                long t0 = System.nanoTime();
                buffer.clear();
                buffer.putLong(0, value);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                buffer.clear();
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer) < 0) {
                        throw new IOException("the server closed the socket");
                    }
                }
                long t1 = System.nanoTime();
                if (buffer.getLong(0) != value) {
                    throw new IllegalStateException("echo " + buffer.getLong(0) + " for " + value);
                }
                if (i >= warmup && value >= 0) {
                    halfRoundTrip.recordValue((t1 - t0) / 2);
                }
            }
            report("latency", halfRoundTrip);
        }
    }

    // ---- the shared-memory tutorials' flag + sleep loop ----

    static final int NAIVE_FLAG = 0;
    static final int NAIVE_TIMESTAMP = 8;
    static final int NAIVE_VALUE = 16;

    static MappedByteBuffer naiveMapping(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir.resolve("naive.flag"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, 64);
            buffer.order(ByteOrder.nativeOrder());
            return buffer;
        }
    }

    static void naivePublisher(Path dir, long gapMinNs, long gapMaxNs, int warmup, int count) throws IOException {
        MappedByteBuffer flag = naiveMapping(dir);
        ready();
        awaitGo();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i <= warmup + count; i++) {
            while (flag.getLong(NAIVE_FLAG) != 0) {
                LockSupport.parkNanos(100_000);
            }
            flag.putLong(NAIVE_VALUE, i == warmup + count ? -1 : i >= warmup ? 1 : 0);
            long t0 = System.nanoTime();
            flag.putLong(NAIVE_TIMESTAMP, t0);
            flag.putLong(NAIVE_FLAG, 1);
            pace(t0, gap(random, gapMinNs, gapMaxNs));
        }
    }

    static void naiveSubscriber(Path dir, long sleepMs) throws IOException, InterruptedException {
        MappedByteBuffer flag = naiveMapping(dir);
        ready();
        Histogram latency = histogram();
        while (true) {
            while (flag.getLong(NAIVE_FLAG) != 1) {
                Thread.sleep(sleepMs);
            }
            long now = System.nanoTime();
            long value = flag.getLong(NAIVE_VALUE);
            if (value > 0) {
                latency.recordValue(Math.max(0, now - flag.getLong(NAIVE_TIMESTAMP)));
            }
            flag.putLong(NAIVE_FLAG, 0);
            if (value < 0) {
                break;
            }
        }
        report("latency", latency);
    }
}
