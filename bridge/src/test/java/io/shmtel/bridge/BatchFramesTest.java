package io.shmtel.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The SAMPLES frame (several samples of one stream in one message): written entry by entry, checked, and each
 * entry turned back into the SAMPLE frame it stands for, field for field and byte for byte; bad counts and lengths
 * are named.
 */
class BatchFramesTest {
    private static final int PAYLOAD = 5;
    private static final int COUNT = 3;
    private static final long SENDER = 42;
    private static final int STREAM = 7;
    private static final long EPOCH = 9;
    private static final long FIRST_INDEX = 1000;
    private static final long FIRST_SENT = 500;
    private static final long PUBLISH_NS = 1_700_000_000_000_000_000L;
    private final ByteBuffer batch = ByteBuffer.allocateDirect(1024).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer sample = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

    private int writeBatch() {
        for (int i = 0; i < COUNT; i++) {
            int at = Frames.entryOffset(i, PAYLOAD);
            for (int k = 0; k < PAYLOAD; k++) {
                batch.put(at + Frames.ENTRY_PAYLOAD + k, (byte) (i * PAYLOAD + k));
            }
            Frames.entry(batch, at, FIRST_INDEX + i, FIRST_SENT + i, PUBLISH_NS + i);
        }
        return Frames.samples(batch, SENDER, STREAM, EPOCH, COUNT, PAYLOAD);
    }

    @Test
    void eachEntryComesBackAsTheSampleFrameItStandsFor() {
        int length = writeBatch();
        assertThat(length).isEqualTo(Frames.BATCH_ENTRIES + COUNT * (Frames.ENTRY_PAYLOAD + PAYLOAD));
        assertThat(Frames.check(batch, length)).isNull();
        assertThat(Frames.type(batch)).isEqualTo(Frames.SAMPLES);
        assertThat(Frames.batchCount(batch)).isEqualTo(COUNT);
        for (int i = 0; i < COUNT; i++) {
            int sampleLength = Frames.unbatch(batch, i, sample);
            assertThat(sampleLength).isEqualTo(Frames.SAMPLE_PAYLOAD + PAYLOAD);
            assertThat(Frames.check(sample, sampleLength)).isNull();
            assertThat(Frames.type(sample)).isEqualTo(Frames.SAMPLE);
            assertThat(Frames.senderId(sample)).isEqualTo(SENDER);
            assertThat(Frames.stream(sample)).isEqualTo(STREAM);
            assertThat(Frames.epoch(sample)).isEqualTo(EPOCH);
            assertThat(sample.getLong(Frames.SAMPLE_INDEX)).isEqualTo(FIRST_INDEX + i);
            assertThat(sample.getLong(Frames.SENT_COUNT)).isEqualTo(FIRST_SENT + i);
            assertThat(sample.getLong(Frames.PUBLISH_EPOCH_NS)).isEqualTo(PUBLISH_NS + i);
            for (int k = 0; k < PAYLOAD; k++) {
                assertThat(sample.get(Frames.SAMPLE_PAYLOAD + k)).isEqualTo((byte) (i * PAYLOAD + k));
            }
        }
    }

    @Test
    void aBatchWhoseFieldsDoNotMatchItsLengthIsNamed() {
        int length = writeBatch();
        assertThat(Frames.check(batch, length - 1)).isEqualTo("frame type 4 of " + (length - 1)
                + " bytes; its fields say " + length);
        assertThat(Frames.check(batch, Frames.BATCH_ENTRIES - 1)).isEqualTo("frame type 4 of "
                + (Frames.BATCH_ENTRIES - 1) + " bytes; its fields say " + Frames.BATCH_ENTRIES);
        Frames.samples(batch, SENDER, STREAM, EPOCH, 0, PAYLOAD);
        assertThat(Frames.check(batch, Frames.BATCH_ENTRIES)).isEqualTo("frame type 4 with 0 samples of 5 bytes"
                + " (need at least 1 sample, a length of at least 0)");
        Frames.samples(batch, SENDER, STREAM, EPOCH, Integer.MAX_VALUE, Integer.MAX_VALUE);
        assertThat(Frames.check(batch, length)).startsWith("frame type 4 of " + length + " bytes; its fields say ");
    }
}
