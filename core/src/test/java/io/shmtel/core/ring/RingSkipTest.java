package io.shmtel.core.ring;

import static io.shmtel.core.ring.RingTest.PAYLOAD;
import static io.shmtel.core.ring.RingTest.consistent;
import static io.shmtel.core.ring.RingTest.geometry;
import static io.shmtel.core.ring.RingTest.payload;
import static io.shmtel.core.ring.RingTest.region;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RingWriter#skipTo}: a writer that keeps another ring's numbering (the bridge's mirror)
 * leaves indexes out, and a stream reader counts each lost at once rather than waiting at it.
 */
class RingSkipTest {
    private static final int DEPTH = 8;

    @Test
    void skippedIndexesReadAsAbandonedOnceAndTheNextPublishIsAtTheGivenIndex() {
        RingGeometry g = geometry(DEPTH);
        ByteBuffer region = region(g);
        RingWriter writer = new RingWriter(region, g);
        RingReader reader = new RingReader(region, g);
        ByteBuffer snapshot = ByteBuffer.allocate(g.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        for (long k = 0; k < 3; k++) {
            writer.publish(payload(k), PAYLOAD, k);
        }
        writer.skipTo(6);
        assertThat(writer.nextSampleIndex()).isEqualTo(6);
        assertThat(reader.publishedAcquire()).as("nothing published by a skip").isEqualTo(3);
        assertThat(reader.read(3, snapshot)).as("not yet: published has not passed it").isEqualTo(RingReader.NOT_YET);
        assertThat(writer.publish(payload(6), PAYLOAD, 6)).isEqualTo(6);
        for (long k = 3; k < 6; k++) {
            // Without the marks the slot would still hold sample k - DEPTH (or nothing): "not yet" until a lap.
            assertThat(reader.read(k, snapshot)).as("skipped index %d", k).isEqualTo(RingReader.ABANDONED);
        }
        assertThat(reader.read(6, snapshot)).isEqualTo(RingReader.OK);
        assertThat(consistent(snapshot)).isTrue();
        assertThat(reader.read(2, snapshot)).as("the samples before the gap stay readable").isEqualTo(RingReader.OK);
        assertThat(reader.readLatest(snapshot)).isEqualTo(6);
    }

    @ParameterizedTest(name = "gap of {0}")
    @ValueSource(ints = {1, DEPTH - 1, DEPTH, 3 * DEPTH + 5})
    void everyIndexOfAGapIsEitherAbandonedOrLappedNeverNotYet(int gap) {
        RingGeometry g = geometry(DEPTH);
        ByteBuffer region = region(g);
        RingWriter writer = new RingWriter(region, g);
        RingReader reader = new RingReader(region, g);
        ByteBuffer snapshot = ByteBuffer.allocate(g.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        for (long k = 0; k < 2 * DEPTH; k++) {
            writer.publish(payload(k), PAYLOAD, k);
        }
        long next = 2L * DEPTH + gap;
        writer.skipTo(next);
        writer.publish(payload(next), PAYLOAD, next);
        for (long k = 2L * DEPTH; k < next; k++) {
            assertThat(reader.read(k, snapshot)).as("skipped index %d of %d", k, gap)
                    .isIn(RingReader.ABANDONED, RingReader.OVERWRITTEN);
        }
        assertThat(reader.read(next, snapshot)).isEqualTo(RingReader.OK);
        assertThat(consistent(snapshot)).isTrue();
    }

    @Test
    void aSkipToTheNextIndexChangesNothingAndAWriterNeverGoesBack() {
        RingGeometry g = geometry(DEPTH);
        ByteBuffer region = region(g);
        RingWriter writer = new RingWriter(region, g);
        writer.publish(payload(0), PAYLOAD, 0);
        writer.skipTo(1);
        assertThat(writer.publish(payload(1), PAYLOAD, 1)).isEqualTo(1);
        assertThatThrownBy(() -> writer.skipTo(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a writer never goes back: next sample 2, asked 1");
        writer.close();
        assertThatThrownBy(() -> writer.skipTo(5)).isInstanceOf(IllegalStateException.class);
    }
}
