package io.shmtel.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
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
 * The latest-value waiter (issue 25; format.md, "A latest-value waiter") under jcstress: a reader that took sample 0
 * watches the slot of sample 1 ({@link RingReader#readLatestAfter}) instead of {@code published}, while the writer
 * moves on in the two-slot ring of {@link SeqlockStress#GEOMETRY}. Whatever index it returns must be newer than 0
 * and its snapshot that sample, whole; a snapshot mixing two samples, or sample 0 handed out again, is forbidden.
 */
public final class LatestWaiterStress {
    /** The index the reader took before the race: it waits for a newer one. */
    static final long TAKEN = 0;

    private LatestWaiterStress() {}

    /** A ring in a direct buffer (as in a mapped region). */
    static ByteBuffer ring() {
        return ByteBuffer.allocateDirect((int) SeqlockStress.GEOMETRY.blockLength()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Publishes sample {@code k} of {@link SeqlockStress#COUNTED} (k+1 in both words). */
    static void publish(RingWriter writer, long k) {
        ByteBuffer sample = SeqlockStress.COUNTED[(int) k];
        writer.publish(sample, sample.capacity(), 0);
    }

    /** The waiter's step after sample {@link #TAKEN}: the index (or -1 none newer, -2 contended) and the words. */
    static void waitStep(RingReader reader, ByteBuffer snapshot, JJJ_Result r) {
        long k = reader.readLatestAfter(TAKEN, snapshot);
        if (k < 0) {
            r.r1 = k == RingReader.NONE ? -1 : -2;
            r.r2 = -1;
            r.r3 = -1;
        } else {
            ClaimStress.record(r, k, snapshot);
        }
    }

    /**
     * Samples 1 to 4 (sample k carries k+1 in both words) published while the waiter watches slot 1: the slot it
     * copies may be written again under it (sample 3 goes where sample 1 is), or already hold a later sample than
     * the one it watches (lapped: the waiter reads the newest through {@code published}).
     */
    @JCStressTest
    @Outcome(id = "-1, -1, -1", expect = ACCEPTABLE, desc = "nothing newer than sample 0 yet")
    @Outcome(id = {"1, 2, 2", "2, 3, 3", "3, 4, 4", "4, 5, 5"}, expect = ACCEPTABLE,
            desc = "a newer sample k, whole and its own")
    @Outcome(expect = FORBIDDEN, desc = "sample 0 again, a snapshot mixing two samples, or not the sample of its index")
    @State
    public static class ReusedSlots {
        final ByteBuffer region = ring();
        final RingWriter writer = new RingWriter(region, SeqlockStress.GEOMETRY);
        final RingReader reader = new RingReader(region, SeqlockStress.GEOMETRY);
        final ByteBuffer snapshot = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);

        {
            publish(writer, TAKEN); // taken by the waiter before the race
        }

        @Actor
        public void writer() {
            for (long k = TAKEN + 1; k < SeqlockStress.COUNTED.length; k++) {
                publish(writer, k);
            }
        }

        @Actor
        public void reader(JJJ_Result r) {
            waitStep(reader, snapshot, r);
        }
    }

    /**
     * A writer that keeps another ring's numbering (the bridge's mirror) leaves indexes 1 and 2 out and publishes
     * sample 3 (4, 4): {@code skipTo(3)} marks index 2 started in slot 0, where {@code published} still names
     * sample 0, and sample 3 goes into slot 1, the one the waiter watches. The waiter must never hand out index 1
     * or 2 (never written) nor slot 0's mark; a read that meets the mark before {@code published} moves retries,
     * and may give up as contended (format.md, "Leaving indexes out").
     */
    @JCStressTest
    @Outcome(id = "-1, -1, -1", expect = ACCEPTABLE, desc = "nothing newer than sample 0 yet")
    @Outcome(id = "3, 4, 4", expect = ACCEPTABLE, desc = "sample 3, whole")
    @Outcome(id = "-2, -1, -1", expect = ACCEPTABLE_INTERESTING, desc =
            "contended: published still named the marked slot on every attempt")
    @Outcome(expect = FORBIDDEN, desc = "an index left out, sample 0 again, or a mixed snapshot")
    @State
    public static class PastLeftOutIndexes {
        /** The index the writer goes to, leaving 1 and 2 out. */
        static final long NEXT = 3;

        final ByteBuffer region = ring();
        final RingWriter writer = new RingWriter(region, SeqlockStress.GEOMETRY);
        final RingReader reader = new RingReader(region, SeqlockStress.GEOMETRY);
        final ByteBuffer snapshot = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);

        {
            publish(writer, TAKEN); // taken by the waiter before the race
        }

        @Actor
        public void writer() {
            writer.skipTo(NEXT);
            publish(writer, NEXT);
        }

        @Actor
        public void reader(JJJ_Result r) {
            waitStep(reader, snapshot, r);
        }
    }
}
