package io.shmtel.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FramesTest {
    private final ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSchemaFrameCarriesNamesLabelAndSchemaText() {
        int length = Frames.schema(b, 42, 3, 7, 0x1234, 0x5678, utf8("arm"), utf8("joint_state"), utf8("board:17"),
                utf8("{\"schema\":\"arm\"}"));
        assertThat(Frames.check(b, length)).isNull();
        assertThat(Frames.type(b)).isEqualTo(Frames.SCHEMA);
        assertThat(Frames.senderId(b)).isEqualTo(42);
        assertThat(Frames.stream(b)).isEqualTo(3);
        assertThat(Frames.epoch(b)).isEqualTo(7);
        assertThat(b.getLong(Frames.LAYOUT_FINGERPRINT)).isEqualTo(0x1234);
        assertThat(Frames.schemaStrings(b)).containsExactly("arm", "joint_state", "board:17", "{\"schema\":\"arm\"}");
    }

    @Test
    void sampleAndStatusFramesRoundTrip() {
        b.put(Frames.SAMPLE_PAYLOAD, new byte[] {1, 2, 3});
        int length = Frames.sample(b, 1, 0, 2, 99, 98, 1_700_000_000_000_000_000L, 3);
        assertThat(length).isEqualTo(Frames.SAMPLE_PAYLOAD + 3);
        assertThat(Frames.check(b, length)).isNull();
        assertThat(b.getLong(Frames.SAMPLE_INDEX)).isEqualTo(99);
        assertThat(b.getLong(Frames.SENT_COUNT)).isEqualTo(98);
        assertThat(b.getLong(Frames.PUBLISH_EPOCH_NS)).isEqualTo(1_700_000_000_000_000_000L);
        length = Frames.status(b, 1, 0, 2, 4, 100, 5, 123);
        assertThat(Frames.check(b, length)).isNull();
        assertThat(b.getLong(Frames.SENT_TOTAL)).isEqualTo(100);
        assertThat(b.getLong(Frames.SENDER_LOST)).isEqualTo(5);
    }

    @Test
    void foreignTruncatedAndOtherVersionFramesAreNamed() {
        assertThat(Frames.check(b, 10)).isEqualTo("frame of 10 bytes is shorter than the 24-byte header");
        b.putInt(0, 0xCAFEBABE);
        assertThat(Frames.check(b,
                64)).isEqualTo("bad magic 0xcafebabe (expected 0x52424853: not a shmtel bridge frame)");
        int length = Frames.status(b, 1, 0, 1, 1, 0, 0, 0);
        b.put(4, (byte) 2);
        assertThat(Frames.check(b, length)).isEqualTo("wire format version 2; this receiver reads version 1"
                + " (run the same shmtel version on both hosts)");
        length = Frames.status(b, 1, 0, 1, 1, 0, 0, 0);
        b.put(5, (byte) 9);
        assertThat(Frames.check(b, length)).isEqualTo("unknown frame type 9");
        b.put(Frames.SAMPLE_PAYLOAD, new byte[8]);
        length = Frames.sample(b, 1, 0, 1, 0, 0, 0, 8);
        assertThat(Frames.check(b, length - 1)).isEqualTo("frame type 2 of 71 bytes; its fields say 72");
    }
}
