package io.shmtel.core.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.schema.layout.SlotDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The optimistic (zero-copy) half of {@link RingReader}: begin ({@code optimisticLatest}, {@code optimisticRead}),
 * read in place, {@code validate}; against the copying reads on the same ring.
 */
class OptimisticRingReadTest {
    static final int DEPTH = 8;

    /** The first payload word of the live slot of sample {@code k}. */
    static long firstWord(RingReader reader, long k) {
        return reader.sharedBuffer().getLong(reader.geometry().slotOffset(k) + SlotDescriptor.PAYLOAD_OFFSET);
    }

    @Test
    void aValidatedReadInPlaceGivesTheNewestSample() {
        RingGeometry g = RingTest.geometry(DEPTH);
        ByteBuffer region = RingTest.region(g);
        RingWriter writer = new RingWriter(region, g);
        RingReader reader = new RingReader(region, g);
        assertThat(reader.optimisticLatest()).as("nothing published").isEqualTo(RingReader.NONE);
        for (long k = 0; k < 3; k++) {
            writer.publish(RingTest.payload(k), RingTest.PAYLOAD, 100 + k);
        }
        long k = reader.optimisticLatest();
        assertThat(k).isEqualTo(2);
        int slot = g.slotOffset(k);
        ByteBuffer live = reader.sharedBuffer();
        long first = live.getLong(slot + SlotDescriptor.PAYLOAD_OFFSET);
        long timestamp = live.getLong(slot + SlotDescriptor.TIMESTAMP_OFFSET);
        assertThat(reader.validate(k)).isTrue();
        assertThat(first).isEqualTo(2 * 31);
        assertThat(timestamp).isEqualTo(102);
    }

    @Test
    void aSlotOverwrittenOrMarkedBusyBetweenBeginAndValidateFailsValidation() {
        RingGeometry g = RingTest.geometry(DEPTH);
        ByteBuffer region = RingTest.region(g);
        RingWriter writer = new RingWriter(region, g);
        RingReader reader = new RingReader(region, g);
        writer.publish(RingTest.payload(0), RingTest.PAYLOAD, 0);
        long k = reader.optimisticLatest();
        assertThat(k).isZero();
        for (long j = 1; j < DEPTH; j++) { // samples 1..7 fill the other slots: sample 0's stays as it was
            writer.publish(RingTest.payload(j), RingTest.PAYLOAD, j);
        }
        assertThat(reader.validate(k)).as("other slots written meanwhile").isTrue();
        writer.publish(RingTest.payload(DEPTH), RingTest.PAYLOAD, DEPTH); // sample 8 goes into sample 0's slot
        assertThat(firstWord(reader, k)).as("what the in-place read saw: sample 8's word").isEqualTo(DEPTH * 31);
        assertThat(reader.validate(k)).as("sample 0's slot overwritten between begin and validate").isFalse();

        long newest = reader.optimisticLatest();
        assertThat(newest).isEqualTo(DEPTH);
        // The writer marks the slot busy (seq 2k+1 of a later sample) in the middle of the read: as a writer does
        // before it rewrites the payload.
        region.putLong(g.slotOffset(newest) + SlotDescriptor.SEQ_OFFSET, SlotDescriptor.writingSeq(newest + DEPTH));
        assertThat(reader.validate(newest)).as("slot marked busy between begin and validate").isFalse();
    }

    @Test
    void streamBeginsTellTheSameOutcomesAsCopyingReadsAndValidateWhatTheyCopy() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        RingGeometry g = RingTest.geometry(DEPTH);
        ByteBuffer region = RingTest.region(g);
        RingWriter writer = new RingWriter(region, g);
        RingReader reader = new RingReader(region, g);
        ByteBuffer snapshot = ByteBuffer.allocate(g.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        long published = 0;
        int oks = 0;
        for (int step = 0; step < 10_000; step++) {
            if (random.nextBoolean()) {
                writer.publish(RingTest.payload(published), RingTest.PAYLOAD, published);
                published++;
                continue;
            }
            long k = random.nextLong(published + 3);
            int copied = reader.read(k, snapshot);
            int begun = reader.optimisticRead(k);
            assertThat(begun).as("seed %d step %d: begin %d of %d", seed, step, k, published).isEqualTo(copied);
            if (begun == RingReader.OK) {
                long first = firstWord(reader, k);
                assertThat(reader.validate(k)).isTrue();
                assertThat(first).as("seed %d: in place and copied", seed)
                        .isEqualTo(snapshot.getLong(SlotDescriptor.PAYLOAD_OFFSET)).isEqualTo(k * 31);
                oks++;
            }
        }
        assertThat(oks).as("seed %d: reads that succeeded", seed).isPositive();
    }

    @Test
    void anIndexADeadWriterAbandonedIsToldApartFromOneNotWrittenYet() {
        RingGeometry g = RingTest.geometry(DEPTH);
        ByteBuffer region = RingTest.region(g);
        RingWriter writer = new RingWriter(region, g);
        RingReader reader = new RingReader(region, g);
        writer.publish(RingTest.payload(0), RingTest.PAYLOAD, 0);
        // Sample 1 marked busy by a writer that died; a new writer resumes at 2 and publishes it.
        region.putLong(g.slotOffset(1) + SlotDescriptor.SEQ_OFFSET, SlotDescriptor.writingSeq(1));
        assertThat(reader.optimisticRead(1)).as("published is still 1").isEqualTo(RingReader.NOT_YET);
        RingWriter next = new RingWriter(region, g, RingWriter.resumeIndex(region, g));
        assertThat(next.publish(RingTest.payload(2), RingTest.PAYLOAD, 2)).isEqualTo(2);
        assertThat(reader.optimisticRead(1)).isEqualTo(RingReader.ABANDONED).isEqualTo(reader.read(1,
                ByteBuffer.allocate(g.slotLength()).order(ByteOrder.LITTLE_ENDIAN)));
        assertThat(reader.optimisticRead(2)).isEqualTo(RingReader.OK);
        assertThat(reader.optimisticRead(3)).isEqualTo(RingReader.NOT_YET);
    }
}
