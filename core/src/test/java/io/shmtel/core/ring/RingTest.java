package io.shmtel.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shmtel.schema.layout.SlotDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RingTest {
    static final int PAYLOAD = 200; // 25 longs: the last one is a checksum of the others

    static ByteBuffer region(RingGeometry g) {
        return ByteBuffer.allocateDirect(Math.toIntExact(g.blockOffset() + g.blockLength()))
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    static RingGeometry geometry(int depth) {
        return new RingGeometry(64, depth, (int) SlotDescriptor.slotLength(PAYLOAD), PAYLOAD);
    }

    static ByteBuffer payload(long k) {
        ByteBuffer p = ByteBuffer.allocate(PAYLOAD).order(ByteOrder.LITTLE_ENDIAN);
        fill(p, k);
        return p;
    }

    static void fill(ByteBuffer p, long k) {
        long sum = 0;
        for (int i = 0; i < PAYLOAD / 8 - 1; i++) {
            long v = k * 31 + i;
            p.putLong(i * 8, v);
            sum += v * (i + 1);
        }
        p.putLong(PAYLOAD - 8, sum);
    }

    /**
     * True when the snapshot's payload is one whole sample: every word agrees with the first and the checksum holds.
     */
    static boolean consistent(ByteBuffer snapshot) {
        long k = (snapshot.getLong(SlotDescriptor.PAYLOAD_OFFSET)) / 31;
        long sum = 0;
        for (int i = 0; i < PAYLOAD / 8 - 1; i++) {
            long v = snapshot.getLong(SlotDescriptor.PAYLOAD_OFFSET + i * 8);
            if (v != k * 31 + i) {
                return false;
            }
            sum += v * (i + 1);
        }
        return sum == snapshot.getLong(SlotDescriptor.PAYLOAD_OFFSET + PAYLOAD - 8);
    }

    @Test
    void emptyRingHasNothingToRead() {
        RingGeometry g = geometry(4);
        RingReader reader = new RingReader(region(g), g);
        ByteBuffer snapshot = ByteBuffer.allocate(g.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(reader.readLatest(snapshot)).isEqualTo(RingReader.NONE);
        assertThat(reader.read(0, snapshot)).isEqualTo(RingReader.NOT_YET);
        assertThat(reader.publishedAcquire()).isZero();
    }

    @ParameterizedTest(name = "depth {0}")
    @ValueSource(ints = {2, 4, 8, 64})
    void latestReadGivesTheNewestSampleWithSeqAndTimestamp(int depth) {
        RingGeometry g = geometry(depth);
        ByteBuffer region = region(g);
        RingWriter writer = new RingWriter(region, g);
        RingReader reader = new RingReader(region, g);
        ByteBuffer snapshot = ByteBuffer.allocate(g.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        for (long k = 0; k < 3L * depth + 1; k++) {
            assertThat(writer.publish(payload(k), PAYLOAD, 1_000 + k)).isEqualTo(k);
            assertThat(reader.readLatest(snapshot)).isEqualTo(k);
            assertThat(snapshot.getLong(SlotDescriptor.SEQ_OFFSET)).isEqualTo(2 * k + 2);
            assertThat(snapshot.getLong(SlotDescriptor.TIMESTAMP_OFFSET)).isEqualTo(1_000 + k);
            assertThat(snapshot.getLong(SlotDescriptor.PAYLOAD_OFFSET)).isEqualTo(k * 31);
            assertThat(consistent(snapshot)).isTrue();
        }
        assertThat(reader.publishedAcquire()).isEqualTo(3L * depth + 1);
    }

    @Test
    void streamReadsTellNotYetAndOverwritten() {
        RingGeometry g = geometry(4);
        ByteBuffer region = region(g);
        RingWriter writer = new RingWriter(region, g);
        RingReader reader = new RingReader(region, g);
        ByteBuffer snapshot = ByteBuffer.allocate(g.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        for (long k = 0; k < 6; k++) {
            writer.publish(payload(k), PAYLOAD, k);
        }
        assertThat(reader.read(0, snapshot)).isEqualTo(RingReader.OVERWRITTEN); // slot 0 now holds sample 4
        assertThat(reader.read(1, snapshot)).isEqualTo(RingReader.OVERWRITTEN);
        for (long k = 2; k < 6; k++) {
            assertThat(reader.read(k, snapshot)).isEqualTo(RingReader.OK);
            assertThat(snapshot.getLong(SlotDescriptor.PAYLOAD_OFFSET)).isEqualTo(k * 31);
        }
        assertThat(reader.read(6, snapshot)).isEqualTo(RingReader.NOT_YET);
    }

    @Test
    void aSlotMarkedBusyIsNotReadAndThePreviousSampleStaysReadable() {
        RingGeometry g = geometry(2);
        ByteBuffer region = region(g);
        RingWriter writer = new RingWriter(region, g);
        writer.publish(payload(0), PAYLOAD, 0);
        writer.publish(payload(1), PAYLOAD, 1);
        // A writer that died inside publish of sample 2: busy mark stored, payload half written, published not bumped.
        int slot = g.slotOffset(2);
        region.putLong(slot + SlotDescriptor.SEQ_OFFSET, SlotDescriptor.writingSeq(2));
        region.putLong(slot + SlotDescriptor.PAYLOAD_OFFSET, -1);
        RingReader reader = new RingReader(region, g);
        ByteBuffer snapshot = ByteBuffer.allocate(g.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(reader.read(2, snapshot)).isEqualTo(RingReader.NOT_YET);
        assertThat(reader.readLatest(snapshot)).isEqualTo(1);
        assertThat(consistent(snapshot)).isTrue();
    }

    @Test
    void aNewWriterResumesAfterThePublishedSamples() {
        RingGeometry g = geometry(4);
        ByteBuffer region = region(g);
        RingWriter first = new RingWriter(region, g);
        for (long k = 0; k < 5; k++) {
            first.publish(payload(k), PAYLOAD, k);
        }
        RingWriter second = new RingWriter(region, g);
        assertThat(second.nextSampleIndex()).isEqualTo(5);
        assertThat(second.publish(payload(5), PAYLOAD, 5)).isEqualTo(5);
    }

    /**
     * Takeover rule R1: a writer that died after completing sample 5 (seq 12) but before counting
     * it, or while writing it (seq 11), leaves published = 5; the next writer resumes at 6, so
     * index 5 never gets a second content.
     */
    @ParameterizedTest(name = "dead writer left seq {0} in slot 5")
    @ValueSource(longs = {11, 12})
    void aNewWriterResumesPastAnIndexADeadWriterCompletedOrStarted(long seq) {
        RingGeometry g = geometry(4);
        ByteBuffer region = region(g);
        RingWriter first = new RingWriter(region, g);
        for (long k = 0; k < 5; k++) {
            first.publish(payload(k), PAYLOAD, k);
        }
        int slot = g.slotOffset(5);
        region.put(slot + SlotDescriptor.PAYLOAD_OFFSET, payload(5), 0, PAYLOAD);
        region.putLong(slot + SlotDescriptor.SEQ_OFFSET, seq); // the dead writer's last store
        assertThat(RingWriter.resumeIndex(region, g)).isEqualTo(6);
        RingWriter second = new RingWriter(region, g, RingWriter.resumeIndex(region, g));
        assertThat(second.nextSampleIndex()).isEqualTo(6);
        assertThat(region.getLong(g.publishedOffset())).as("published untouched until the first publish").isEqualTo(5);
        assertThat(second.publish(payload(600), PAYLOAD, 6)).isEqualTo(6);
        assertThat(region.getLong(slot + SlotDescriptor.SEQ_OFFSET)).as("slot of index 5 untouched").isEqualTo(seq);
        assertThat(region.getLong(slot + SlotDescriptor.PAYLOAD_OFFSET)).isEqualTo(5 * 31);
    }

    /**
     * Stream rule R2: index 5 half written by a dead writer (seq 11) is NOT_YET while published is
     * 5, and ABANDONED once the next writer (which resumed at 6) published past it.
     */
    @Test
    void anIndexADeadWriterLeftUnfinishedIsAbandonedOncePublishedPassesIt() {
        RingGeometry g = geometry(4);
        ByteBuffer region = region(g);
        RingWriter first = new RingWriter(region, g);
        for (long k = 0; k < 5; k++) {
            first.publish(payload(k), PAYLOAD, k);
        }
        region.putLong(g.slotOffset(5) + SlotDescriptor.SEQ_OFFSET, SlotDescriptor.writingSeq(5));
        RingReader reader = new RingReader(region, g);
        ByteBuffer snapshot = ByteBuffer.allocate(g.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(reader.read(5, snapshot)).isEqualTo(RingReader.NOT_YET);
        RingWriter second = new RingWriter(region, g, RingWriter.resumeIndex(region, g));
        assertThat(reader.read(5, snapshot)).as("nobody published past it yet").isEqualTo(RingReader.NOT_YET);
        assertThat(second.publish(payload(6), PAYLOAD, 6)).isEqualTo(6);
        assertThat(reader.read(5, snapshot)).isEqualTo(RingReader.ABANDONED);
        assertThat(reader.read(6, snapshot)).isEqualTo(RingReader.OK);
        assertThat(consistent(snapshot)).isTrue();
        assertThat(reader.read(7, snapshot)).isEqualTo(RingReader.NOT_YET);
    }

    /**
     * RingWriter.closed is written by the thread that closes the publisher (any thread, a shutdown
     * hook) and read by the publishing thread: a publishing loop must see the close and stop, however
     * the JIT compiled it (a plain field may be read once and kept in a register).
     */
    @Test
    void aCloseFromAnotherThreadStopsAPublishingLoop() throws Exception {
        RingGeometry g = geometry(4);
        ByteBuffer region = region(g);
        RingWriter writer = new RingWriter(region, g);
        ByteBuffer p = payload(1);
        Thread loop = new Thread(() -> {
            try {
                while (true) {
                    writer.publish(p, PAYLOAD, 0);
                }
            } catch (IllegalStateException closed) {
                // what this test waits for
            }
        }, "publishing-loop");
        loop.setDaemon(true); // a loop that never sees the close must not keep the test JVM alive
        loop.start();
        Thread.sleep(1_000); // long enough for the loop to be compiled (OSR) with the field read hoisted, if it can be
        writer.close();
        loop.join(5_000);
        assertThat(loop.isAlive()).as("the publishing loop saw the close").isFalse();
    }

    @Test
    void shapesAreCheckedWithTheValuesInTheMessage() {
        assertThatThrownBy(() -> new RingGeometry(64, 3, 64, 8)).hasMessage("depth must be a power of two: depth=3");
        assertThatThrownBy(() -> new RingGeometry(64, 0, 64, 8)).hasMessage("depth must be a power of two: depth=0");
        assertThatThrownBy(() -> new RingGeometry(10, 2, 64, 8))
                .hasMessage("block offset must be a non-negative multiple of 64: blockOffset=10");
        assertThatThrownBy(() -> new RingGeometry(64, 2, 128, 8))
                .hasMessage("slot length must be the payload plus 16 rounded up to 64: slotLength=128 payloadLength=8");
        RingGeometry g = geometry(4);
        assertThatThrownBy(() -> new RingReader(ByteBuffer.allocateDirect(100), g))
                .hasMessageStartingWith("ring does not fit the buffer: blockOffset=64");
        assertThatThrownBy(() -> new RingWriter(region(g).asReadOnlyBuffer(), g))
                .hasMessage("a ring writer needs a writable buffer");
        RingWriter writer = new RingWriter(region(g), g);
        assertThatThrownBy(() -> writer.publish(ByteBuffer.allocate(PAYLOAD + 8), PAYLOAD + 8, 0))
                .hasMessage("payload length out of range: length=208 payloadLength=200 capacity=208");
    }

    /**
     * Invariant: a reader never accepts a snapshot that mixes two samples. A writer thread
     * publishes checksummed samples into a depth-2 ring as fast as it can while this thread reads;
     * every accepted snapshot must be consistent. The control copy, taken without validation, must
     * see torn samples, proving the workload really races.
     */
    @Test
    void validatedReadsNeverTearUnderAConcurrentWriter() throws Exception {
        RingGeometry g = geometry(2);
        ByteBuffer region = region(g);
        RingWriter writer = new RingWriter(region, g);
        RingReader reader = new RingReader(region, g);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        Thread writerThread = new Thread(() -> {
            ByteBuffer p = ByteBuffer.allocate(PAYLOAD).order(ByteOrder.LITTLE_ENDIAN);
            long k = 0;
            while (!stop.get()) {
                fill(p, k);
                writer.publish(p, PAYLOAD, k);
                k++;
            }
            written.set(k);
        }, "ring-writer");
        writerThread.start();
        ByteBuffer snapshot = ByteBuffer.allocate(g.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer unvalidated = ByteBuffer.allocate(g.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        long validated = 0;
        long torn = 0;
        long controlTorn = 0;
        long deadline = System.nanoTime() + 1_500_000_000L;
        while (System.nanoTime() < deadline && (validated < 2_000_000 || controlTorn == 0)) {
            long k = reader.readLatest(snapshot);
            if (k >= 0) {
                validated++;
                if (!consistent(snapshot)) {
                    torn++;
                }
            }
            // Control: the same copy without the seqlock check.
            long p = reader.publishedAcquire();
            if (p > 0) {
                unvalidated.put(0, region, g.slotOffset(p - 1), g.slotLength());
                if (!consistent(unvalidated)) {
                    controlTorn++;
                }
            }
        }
        stop.set(true);
        writerThread.join();
        System.out.printf("ring stress: %d validated reads, %d torn; control saw %d torn copies; %d samples written%n",
                validated, torn, controlTorn, written.get());
        assertThat(torn).as("torn snapshots accepted by the seqlock").isZero();
        assertThat(validated).isPositive();
        assertThat(written.get()).isPositive();
        if (Runtime.getRuntime().availableProcessors() > 1) {
            assertThat(controlTorn).as("the unvalidated control must see torn copies, or the test proves nothing")
                    .isPositive();
        }
    }

    @Test
    void randomPublishAndReadSequencesAgreeWithAModel() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        RingGeometry g = geometry(8);
        ByteBuffer region = region(g);
        RingWriter writer = new RingWriter(region, g);
        RingReader reader = new RingReader(region, g);
        ByteBuffer snapshot = ByteBuffer.allocate(g.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        long published = 0;
        for (int step = 0; step < 10_000; step++) {
            if (random.nextBoolean()) {
                writer.publish(payload(published), PAYLOAD, published);
                published++;
            } else {
                long k = random.nextLong(published + 3);
                int expected = k >= published ? RingReader.NOT_YET
                        : k < published - 8 ? RingReader.OVERWRITTEN : RingReader.OK;
                assertThat(reader.read(k, snapshot)).as("seed %d step %d read %d of %d", seed, step, k, published)
                        .isEqualTo(expected);
            }
        }
    }
}
