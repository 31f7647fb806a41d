package io.shmtel.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shmtel.bridge.spi.Inbound;
import io.shmtel.bridge.spi.Outbound;
import io.shmtel.bridge.spi.Transport;
import io.shmtel.core.nativeio.SchedCalls;
import io.shmtel.core.nativeio.ThreadCapabilities;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.placement.ThreadPlacement;
import io.shmtel.core.region.ShmDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A bridge's {@code placement} is applied on its own thread before it polls (read back from
 * {@code /proc/thread-self/status} by a stand-in transport the bridge thread calls), and a placement the system
 * refuses fails {@code start} with the {@link PlacementException} rather than a thread that quietly ends.
 */
class BridgePlacementTest {
    private static final long WAIT_S = 10;
    private final AtomicReference<String> seenCpus = new AtomicReference<>();
    private Path dir;

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
    }

    @AfterEach
    void removeDir() throws Exception {
        ShmDirectory.delete(dir);
    }

    /** The {@code Cpus_allowed_list} of the calling thread. */
    private static String cpusOfThisThread() {
        try {
            return Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                    .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow()
                    .substring("Cpus_allowed_list:".length()).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records the affinity of the thread that polls or asks whether a peer is connected: the bridge thread. */
    private final Transport transport = new Transport() {
        @Override
        public Outbound outbound(String channel, int streamId) {
            return new Outbound() {
                @Override
                public int offer(ByteBuffer frame, int length) {
                    return NOT_CONNECTED;
                }

                @Override
                public boolean isConnected() {
                    seenCpus.compareAndSet(null, cpusOfThisThread());
                    return false;
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
                    seenCpus.compareAndSet(null, cpusOfThisThread());
                    return 0;
                }

                @Override
                public boolean isConnected() {
                    return false;
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
    };

    private String lastCpu() {
        List<Integer> allowed = ThreadPlacement.onCpus(cpusOfThisThread()).cpus();
        return String.valueOf(allowed.get(allowed.size() - 1));
    }

    private String awaitSeenCpus() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (seenCpus.get() == null && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return seenCpus.get();
    }

    @Test
    void theSenderThreadRunsOnItsCpus() throws Exception {
        String cpu = lastCpu();
        SenderConfig config = SenderConfig.of("send", List.of("absent"), "test", 1, ShmDirectory.options(dir))
                .withPlacement(ThreadPlacement.onCpus(cpu));
        try (SenderBridge bridge = SenderBridge.start(config, transport, line -> { })) {
            assertThat(awaitSeenCpus()).isEqualTo(cpu);
            assertThat(bridge.failure()).isNull();
        }
    }

    @Test
    void theReceiverThreadRunsOnItsCpus() throws Exception {
        String cpu = lastCpu();
        ReceiverConfig config = ReceiverConfig.of("receive", "test", 1, "", ShmDirectory.options(dir))
                .withPlacement(ThreadPlacement.onCpus(cpu));
        try (ReceiverBridge bridge = ReceiverBridge.start(config, transport, line -> { })) {
            assertThat(awaitSeenCpus()).isEqualTo(cpu);
            assertThat(bridge.failure()).isNull();
        }
    }

    /** A real EPERM: the starting thread drops CAP_SYS_NICE, which the bridge thread it creates inherits. */
    @Test
    void aRefusedPlacementFailsStartWithTheReason() throws Exception {
        assumeTrue(SchedCalls.rtprioLimit()[0] == 0, "RLIMIT_RTPRIO is not 0 here");
        ThreadPlacement fifo = ThreadPlacement.none().fifo(ThreadPlacement.MIN_PRIORITY);
        Throwable sender = onFreshThreadWithoutSysNice(() -> SenderBridge.start(SenderConfig.of("send",
                List.of("absent"), "test", 1, ShmDirectory.options(dir)).withPlacement(fifo), transport, l -> { }));
        assertThat(sender).isInstanceOf(PlacementException.class).hasMessageContaining("SCHED_FIFO priority 1 refused")
                .hasMessageContaining("fix:");
        Throwable receiver = onFreshThreadWithoutSysNice(() -> ReceiverBridge.start(ReceiverConfig.of("receive",
                "test", 1, "", ShmDirectory.options(dir)).withPlacement(fifo), transport, l -> { }));
        assertThat(receiver).isInstanceOf(PlacementException.class)
                .hasMessageContaining("SCHED_FIFO priority 1 refused");
        assertThat(seenCpus.get()).as("no bridge thread polled").isNull();
    }

    /** What {@code start} threw on a fresh thread without CAP_SYS_NICE, or null when it returned. */
    private static Throwable onFreshThreadWithoutSysNice(Callable<AutoCloseable> start) throws Exception {
        CompletableFuture<Throwable> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            assertThat(ThreadCapabilities.dropEffective(ThreadCapabilities.CAP_SYS_NICE)).isZero();
            try (AutoCloseable started = start.call()) {
                result.complete(null);
            } catch (Throwable e) {
                result.complete(e);
            }
        });
        t.start();
        t.join();
        return result.get(WAIT_S, TimeUnit.SECONDS);
    }
}
