package io.shmtel.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.shmtel.core.ring.RingReader;
import io.shmtel.core.ring.RingWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJ_Result;

/**
 * Zero-copy claims (issue 25) under jcstress: the writer writes the payload straight into the claimed
 * slot, between the busy mark of {@code claim()} and the completion of {@code commitClaim}, while a
 * reader copies that slot. A validated copy that mixes two samples' words, or holds the words of an
 * aborted claim, is forbidden. The ring is {@link SeqlockStress#GEOMETRY}: two slots of two longs.
 */
public final class ClaimStress {
    /** Offset of the second payload word from the first. */
    static final int SECOND_WORD = Long.BYTES;
    /** Where the reader's snapshot holds the two payload words (after seq and timestamp). */
    static final int SNAPSHOT_PAYLOAD = 2 * Long.BYTES;
    /** The words an aborted claim leaves in its slot: never to be read. */
    static final long ABORTED = 9;

    private ClaimStress() {}

    /** Claims the next slot, writes {@code value} into both words in place, and commits it. */
    static long claimBoth(RingWriter writer, long value) {
        writer.claim();
        fill(writer, value);
        return writer.commitClaim(0);
    }

    static void fill(RingWriter writer, long value) {
        ByteBuffer slot = writer.claimBuffer();
        int at = writer.claimedPayloadOffset();
        slot.putLong(at, value);
        slot.putLong(at + SECOND_WORD, value);
    }

    static void record(JJJ_Result r, long first, ByteBuffer snapshot) {
        r.r1 = first;
        r.r2 = snapshot.getLong(SNAPSHOT_PAYLOAD);
        r.r3 = snapshot.getLong(SNAPSHOT_PAYLOAD + SECOND_WORD);
    }

    /**
     * The newest sample while the writer claims: sample 0 (1, 1) published staged, then samples 1 (2, 2)
     * and 2 (3, 3) written in place through claims; sample 2's claim reuses sample 0's slot under the
     * reader. Whatever index the reader returns, its snapshot must be that sample, whole.
     */
    @JCStressTest
    @Outcome(id = "-1, -1, -1", expect = ACCEPTABLE, desc = "nothing published yet")
    @Outcome(id = {"0, 1, 1", "1, 2, 2", "2, 3, 3"}, expect = ACCEPTABLE, desc = "sample k, whole and its own")
    @Outcome(expect = FORBIDDEN, desc = "a claimed slot read before its commit, or a mixed snapshot")
    @State
    public static class LatestWhileClaiming {
        final ByteBuffer region = ByteBuffer.allocateDirect((int) SeqlockStress.GEOMETRY.blockLength())
                .order(ByteOrder.LITTLE_ENDIAN);
        final RingWriter writer = new RingWriter(region, SeqlockStress.GEOMETRY);
        final RingReader reader = new RingReader(region, SeqlockStress.GEOMETRY);
        final ByteBuffer snapshot = ByteBuffer.allocate(SeqlockStress.GEOMETRY.slotLength())
                .order(ByteOrder.LITTLE_ENDIAN);

        @Actor
        public void writer() {
            writer.publish(SeqlockStress.ONES, SeqlockStress.GEOMETRY.payloadLength(), 0);
            claimBoth(writer, 2);
            claimBoth(writer, 3);
        }

        @Actor
        public void reader(JJJ_Result r) {
            long k = reader.readLatest(snapshot);
            if (k < 0) {
                r.r1 = k == RingReader.NONE ? -1 : -2; // -2 (contended) cannot happen: three samples, 64 attempts
                r.r2 = -1;
                r.r3 = -1;
            } else {
                record(r, k, snapshot);
            }
        }
    }

    /**
     * A stream reader at index 1 while the writer claims index 1, writes (9, 9) in place and aborts,
     * claims index 1 again, writes (2, 2) and commits, then claims index 2 (3, 3) into the other slot.
     * Index 1 is not complete yet, or is (2, 2) whole: never the aborted words, never abandoned (the
     * abort does not move {@code published}), never mixed.
     * Result: read status ({@link RingReader#OK} 0, {@link RingReader#NOT_YET} 1), the two words (-1 unless OK).
     */
    @JCStressTest
    @Outcome(id = "1, -1, -1", expect = ACCEPTABLE, desc = "index 1 not complete yet")
    @Outcome(id = "0, 2, 2", expect = ACCEPTABLE, desc = "index 1 as committed after the abort, whole")
    @Outcome(id = {"0, 9, 9", "0, 9, 2", "0, 2, 9"}, expect = FORBIDDEN, desc = "the aborted claim's words validated")
    @Outcome(id = "3, -1, -1", expect = FORBIDDEN, desc = "index 1 taken for abandoned: the abort moved published")
    @Outcome(expect = FORBIDDEN, desc = "a mixed snapshot, or another outcome")
    @State
    public static class StreamThroughAnAbort {
        final ByteBuffer region = ByteBuffer.allocateDirect((int) SeqlockStress.GEOMETRY.blockLength())
                .order(ByteOrder.LITTLE_ENDIAN);
        final RingWriter writer = new RingWriter(region, SeqlockStress.GEOMETRY);
        final RingReader reader = new RingReader(region, SeqlockStress.GEOMETRY);
        final ByteBuffer snapshot = ByteBuffer.allocate(SeqlockStress.GEOMETRY.slotLength())
                .order(ByteOrder.LITTLE_ENDIAN);

        @Actor
        public void writer() {
            writer.publish(SeqlockStress.ONES, SeqlockStress.GEOMETRY.payloadLength(), 0);
            writer.claim();
            fill(writer, ABORTED);
            writer.abortClaim();
            claimBoth(writer, 2);
            claimBoth(writer, 3);
        }

        @Actor
        public void reader(JJJ_Result r) {
            int status = reader.read(1, snapshot);
            if (status == RingReader.OK) {
                record(r, status, snapshot);
            } else {
                r.r1 = status;
                r.r2 = -1;
                r.r3 = -1;
            }
        }
    }
}
