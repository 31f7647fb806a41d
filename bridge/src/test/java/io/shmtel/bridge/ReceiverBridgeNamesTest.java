package io.shmtel.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.bridge.gen.bridge_stats.BridgeStatsSchema;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.schema.layout.Layout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A receiving bridge fed schema frames in process (a stand-in transport): a region whose mirror
 * names would pass the name limit is refused once, however often its schema repeats, with the
 * fix, and the bridge goes on mirroring the others. (BridgeTest covers the --prefix case with
 * real processes over Aeron.)
 */
class ReceiverBridgeNamesTest {
    private final List<String> log = new CopyOnWriteArrayList<>();
    private Path dir;

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
    }

    @AfterEach
    void removeDir() throws Exception {
        ShmDirectory.delete(dir);
    }

    private final InProcessTransport transport = new InProcessTransport();

    private void schemaFrame(String region, int stream) {
        Layout layout = ReceiverBridge.STATS_LAYOUT;
        byte[] name = region.getBytes(StandardCharsets.UTF_8);
        byte[] record = "link".getBytes(StandardCharsets.UTF_8);
        byte[] label = "test:1".getBytes(StandardCharsets.UTF_8);
        byte[] schema = BridgeStatsSchema.CANONICAL_JSON.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(Frames.schemaLength(name, record, label, schema))
                .order(ByteOrder.LITTLE_ENDIAN);
        int length = Frames.schema(b, 42, stream, 1, layout.fingerprint(),
                layout.record("link").orElseThrow().fingerprint(),
                name, record, label, schema);
        transport.send(b, length);
    }

    @Test
    void aNameNoPrefixCanMirrorIsRefusedOnceWithTheFixAndTheOthersAreMirrored() throws Exception {
        String tooLong = "a".repeat(125); // a valid source name, but 132 characters with ".bridge"
        try (ReceiverBridge bridge = ReceiverBridge.start(ReceiverConfig.of("receive", "test", 1, "",
                ShmDirectory.options(dir)), transport, log::add)) {
            for (int repeat = 0; repeat < 5; repeat++) {
                schemaFrame(tooLong, 1);
                schemaFrame("fits", 2);
            }
            transport.awaitHandled();
            assertThat(bridge.failure()).isNull();
        }
        assertThat(log).filteredOn(l -> l.contains(tooLong)).containsExactly("bridge receive: cannot mirror region "
                + tooLong + ": its name here, " + tooLong + ", is 125 characters (132 with .bridge for its statistics),"
                + " over the 128 limit; rename the region on the sender (at most 121 characters can be mirrored)");
        assertThat(log).anyMatch(l -> l.startsWith("bridge receive: mirroring fits/link of test:1"));
        assertThat(ShmDirectory.options(dir).regionDirectory().list()).containsExactlyInAnyOrder("fits", "fits.bridge");
    }
}
