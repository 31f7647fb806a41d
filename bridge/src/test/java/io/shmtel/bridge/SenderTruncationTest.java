package io.shmtel.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.bridge.spi.Inbound;
import io.shmtel.bridge.spi.Outbound;
import io.shmtel.bridge.spi.Transport;
import io.shmtel.core.region.ShmDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sending half of a bridge reading a region whose file is truncated (ftruncate to 0 bytes) under
 * it, its writer a separate process: the bridge thread keeps running (before, the SIGBUS became an
 * InternalError that stopped it) and forwards the samples of the region a new writer puts under the name.
 */
class SenderTruncationTest {
    static final String ARM = Path.of("../schema/examples/arm.json").toAbsolutePath().toString();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<Process> children = new ArrayList<>();
    private final AtomicLong offers = new AtomicLong();
    private Path dir;

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
    }

    @AfterEach
    void removeDir() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        ShmDirectory.delete(dir);
    }

    /** A stand-in transport: a receiver is always connected, and every frame offered is counted. */
    private final Transport transport = new Transport() {
        @Override
        public Outbound outbound(String channel, int streamId) {
            return new Outbound() {
                @Override
                public int offer(ByteBuffer frame, int length) {
                    offers.incrementAndGet();
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
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, Long> counters() {
            return Map.of();
        }

        @Override
        public void close() {}
    };

    private Process writer() throws IOException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.shmtel.core.RegionChild", "publish", dir.toString(), "cut", ARM, "joint_state", "60")
                .redirectErrorStream(true).start();
        children.add(p);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null && !line.startsWith("ready")) {
            // a replacing writer logs what it replaced first
        }
        assertThat(line).as("writer's ready line").isNotNull();
        Thread drain = new Thread(() -> {
            try {
                r.transferTo(Writer.nullWriter());
            } catch (IOException ignored) {
                // it ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    private void awaitOffers(long atLeast, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (offers.get() < atLeast) {
            assertThat(System.nanoTime() - deadline).as(what + ": " + offers.get() + " frames; log " + log)
                    .isNegative();
            Thread.sleep(20);
        }
    }

    @Test
    void theSenderSurvivesItsSourceTruncatedAndForwardsTheRegionThatReplacesIt() throws Exception {
        Process writer = writer();
        try (SenderBridge bridge = SenderBridge.start(SenderConfig.of("send", List.of("cut/joint_state"), "test", 1,
                ShmDirectory.options(dir)), transport, log::add)) {
            awaitOffers(10_000, "samples forwarded");
            Thread.sleep(1000); // its reading paths compiled

            try (FileChannel c = FileChannel.open(dir.resolve("shmtel.cut"), StandardOpenOption.WRITE)) {
                c.truncate(0);
            }
            Thread.sleep(2000);
            assertThat(bridge.failure()).as("what stopped the bridge thread; log " + log).isNull();

            writer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            long before = offers.get();
            writer();
            awaitOffers(before + 10_000, "samples of the replacing writer forwarded");
            assertThat(bridge.failure()).as("log " + log).isNull();
            assertThat(bridge.streams()).containsExactly("cut/joint_state");
        }
        assertThat(log).noneMatch(l -> l.contains("stopped by"));
    }
}
