package io.shmtel.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.core.ring.RingWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJJ_Result;
import org.openjdk.jcstress.infra.results.JJJ_Result;
import org.openjdk.jcstress.infra.results.JJ_Result;

/**
 * The seqlock writer/reader pair under jcstress: the writer publishes sample 0 (both words 1) and
 * sample 1 (both words 2) into a two-slot ring; the reader takes the newest sample. Any outcome in
 * which the two words differ (a mixed snapshot) is forbidden.
 */
public final class SeqlockStress {
    private SeqlockStress() {}

    /**
     * A two-slot ring of a 16-byte payload (two longs), in a direct buffer as in a mapped region
     * (JDK 25 refuses atomic VarHandle access to heap buffers).
     */
    static final RingGeometry GEOMETRY = new RingGeometry(0, 2, 64, 16);

    static ByteBuffer payload(long value) {
        ByteBuffer p = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        p.putLong(0, value).putLong(8, value);
        return p;
    }

    static final ByteBuffer ONES = payload(1);
    static final ByteBuffer TWOS = payload(2);
    static final ByteBuffer THREES = payload(3);
    static final ByteBuffer NINES = payload(9);
    /** Sample k of {@link LatestReusesSlots} carries k+1 in both words. */
    static final ByteBuffer[] COUNTED = {payload(1), payload(2), payload(3), payload(4), payload(5)};

    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "nothing published yet")
    @Outcome(id = {"1, 1", "2, 2"}, expect = ACCEPTABLE, desc = "one whole sample")
    @Outcome(expect = FORBIDDEN, desc = "a snapshot mixing two samples, or a torn one")
    @State
    public static class Latest {
        final ByteBuffer region = ByteBuffer.allocateDirect((int) GEOMETRY.blockLength())
                .order(ByteOrder.LITTLE_ENDIAN);
        final RingWriter writer = new RingWriter(region, GEOMETRY);
        final RingReader reader = new RingReader(region, GEOMETRY);
        final ByteBuffer snapshot = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);

        @Actor
        public void writer() {
            writer.publish(ONES, 16, 0);
            writer.publish(TWOS, 16, 0);
        }

        @Actor
        public void reader(JJ_Result r) {
            long k = reader.readLatest(snapshot);
            if (k < 0) {
                r.r1 = -1;
                r.r2 = -1;
            } else {
                r.r1 = snapshot.getLong(16);
                r.r2 = snapshot.getLong(24);
            }
        }
    }

    /**
     * The newest sample while the writer reuses the slots under the reader: samples 0 to 4 (sample k
     * carries k+1 in both words) into the two-slot ring, so the slot the reader copies is written
     * again while it copies (sample k+2 goes where sample k is). Whatever index the reader returns,
     * its snapshot must be that sample, whole.
     */
    @JCStressTest
    @Outcome(id = "-1, -1, -1", expect = ACCEPTABLE, desc = "nothing published yet")
    @Outcome(id = {"0, 1, 1", "1, 2, 2", "2, 3, 3", "3, 4, 4", "4, 5, 5"}, expect = ACCEPTABLE,
            desc = "sample k, whole and its own")
    @Outcome(expect = FORBIDDEN, desc =
            "a snapshot mixing two samples of a reused slot, or not the sample of its index")
    @State
    public static class LatestReusesSlots {
        final ByteBuffer region = ByteBuffer.allocateDirect((int) GEOMETRY.blockLength())
                .order(ByteOrder.LITTLE_ENDIAN);
        final RingWriter writer = new RingWriter(region, GEOMETRY);
        final RingReader reader = new RingReader(region, GEOMETRY);
        final ByteBuffer snapshot = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);

        @Actor
        public void writer() {
            for (ByteBuffer sample : COUNTED) {
                writer.publish(sample, 16, 0);
            }
        }

        @Actor
        public void reader(JJJ_Result r) {
            long k = reader.readLatest(snapshot);
            if (k < 0) {
                r.r1 = k == RingReader.NONE ? -1 : -2; // -2 (contended) cannot happen: five publishes, 64 attempts
                r.r2 = -1;
                r.r3 = -1;
            } else {
                r.r1 = k;
                r.r2 = snapshot.getLong(16);
                r.r3 = snapshot.getLong(24);
            }
        }
    }

    /**
     * A writer that takes over the ring in {@code region}, as {@code Publisher} does for a region whose
     * writer died: it resumes past every index a slot shows complete or in progress (format.md, R1).
     */
    static RingWriter takeOver(ByteBuffer region, RingGeometry geometry) {
        return new RingWriter(region, geometry, RingWriter.resumeIndex(region, geometry));
    }

    /**
     * Takeover (issue 23, hole 1; rule R1): the dead writer published sample 0 (1, 1) and completed
     * sample 1 (2, 2; seq 4) but died before counting it ({@code published} = 1). A new writer takes
     * the ring over and publishes (9, 9) while a stream reader reads index 1. Resuming at
     * {@code published} rewrites index 1 with other contents: the reader can validate a copy that
     * mixes both (it sees seq 4 before and after, the ABA), and index 1 has two contents. By R1 the
     * new writer numbers its sample 2 (slot 0) and index 1 keeps (2, 2).
     * Result: read status (0 OK), the two words (-1 unless OK), the index the new writer published.
     */
    @JCStressTest
    @Outcome(id = "0, 2, 2, 2", expect = ACCEPTABLE, desc =
            "index 1 as its writer completed it; the new writer's sample is 2")
    @Outcome(id = {"0, 2, 2, 1", "0, 9, 9, 1", "1, -1, -1, 1", "2, -1, -1, 1"}, expect = FORBIDDEN,
            desc = "the new writer rewrote index 1 (resumed at published): two contents for one index")
    @Outcome(expect = FORBIDDEN, desc =
            "a mixed copy of index 1 validated (seq 4 before and after: ABA), or another outcome")
    @State
    public static class TakeoverResume {
        final ByteBuffer region = ByteBuffer.allocateDirect((int) GEOMETRY.blockLength())
                .order(ByteOrder.LITTLE_ENDIAN);
        final RingReader reader = new RingReader(region, GEOMETRY);
        final ByteBuffer snapshot = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);

        public TakeoverResume() {
            RingWriter dead = new RingWriter(region, GEOMETRY);
            dead.publish(ONES, 16, 0);
            dead.writeSlot(TWOS, 16, 0); // complete (seq 4), never counted: the writer died here
        }

        @Actor
        public void newWriter(JJJJ_Result r) {
            r.r4 = takeOver(region, GEOMETRY).publish(NINES, 16, 0);
        }

        @Actor
        public void reader(JJJJ_Result r) {
            int status = reader.read(1, snapshot);
            r.r1 = status;
            r.r2 = status == RingReader.OK ? snapshot.getLong(16) : -1;
            r.r3 = status == RingReader.OK ? snapshot.getLong(24) : -1;
        }
    }

    /** Sample 0 read by index while the writer may lap it: either whole (1, 1) or refused, never mixed. */
    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "not there yet, or overwritten: refused")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "sample 0, whole")
    @Outcome(expect = FORBIDDEN, desc = "a mixed or torn sample 0")
    @State
    public static class StreamLapped {
        final ByteBuffer region = ByteBuffer.allocateDirect((int) GEOMETRY.blockLength())
                .order(ByteOrder.LITTLE_ENDIAN);
        final RingWriter writer = new RingWriter(region, GEOMETRY);
        final RingReader reader = new RingReader(region, GEOMETRY);
        final ByteBuffer snapshot = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);

        @Actor
        public void writer() {
            writer.publish(ONES, 16, 0);
            writer.publish(TWOS, 16, 0);
            writer.publish(TWOS, 16, 0); // sample 2 goes to sample 0's slot
        }

        @Actor
        public void reader(JJ_Result r) {
            if (reader.read(0, snapshot) == RingReader.OK) {
                r.r1 = snapshot.getLong(16);
                r.r2 = snapshot.getLong(24);
            } else {
                r.r1 = -1;
                r.r2 = -1;
            }
        }
    }

    /**
     * The control: the same copy without the seqlock checks. Mixed outcomes are expected here
     * (marked interesting); seeing them proves the harness can catch what the checks prevent.
     */
    @JCStressTest
    @Outcome(id = {"0, 0", "1, 1", "3, 3"}, expect = ACCEPTABLE, desc = "whole (or empty) by luck")
    @Outcome(expect = ACCEPTABLE_INTERESTING, desc = "mixed: what an unvalidated copy gives")
    @State
    public static class UnvalidatedControl {
        final ByteBuffer region = ByteBuffer.allocateDirect((int) GEOMETRY.blockLength())
                .order(ByteOrder.LITTLE_ENDIAN);
        final RingWriter writer = new RingWriter(region, GEOMETRY);

        @Actor
        public void writer() {
            writer.publish(ONES, 16, 0);
            writer.publish(TWOS, 16, 0);
            writer.publish(THREES, 16, 0); // sample 2 overwrites sample 0's slot
        }

        @Actor
        public void reader(JJ_Result r) {
            int slot = GEOMETRY.slotOffset(0);
            r.r1 = region.getLong(slot + 16);
            r.r2 = region.getLong(slot + 24);
        }
    }

    /**
     * Zero-copy reading (issue 25): the newest sample read in place, between {@code optimisticLatest} and
     * {@code validate}, while the writer reuses the slots under the reader (samples 0 to 4, sample k
     * carrying k+1 in both words, into the two-slot ring). The words are read straight from the live slot
     * with plain loads; whatever they were, a read that validates must be sample k, whole. A read the writer
     * overlapped is discarded (-2), never reported.
     */
    @JCStressTest
    @Outcome(id = "-1, -1, -1", expect = ACCEPTABLE, desc = "nothing published yet")
    @Outcome(id = "-2, -2, -2", expect = ACCEPTABLE_INTERESTING, desc =
            "the writer rewrote the slot during the read: validation refused it")
    @Outcome(id = {"0, 1, 1", "1, 2, 2", "2, 3, 3", "3, 4, 4", "4, 5, 5"}, expect = ACCEPTABLE,
            desc = "validated: sample k, whole and its own")
    @Outcome(expect = FORBIDDEN, desc = "a validated in-place read mixing two samples, or not the sample of its index")
    @State
    public static class OptimisticLatest {
        final ByteBuffer region = ByteBuffer.allocateDirect((int) GEOMETRY.blockLength())
                .order(ByteOrder.LITTLE_ENDIAN);
        final RingWriter writer = new RingWriter(region, GEOMETRY);
        final RingReader reader = new RingReader(region, GEOMETRY);

        @Actor
        public void writer() {
            for (ByteBuffer sample : COUNTED) {
                writer.publish(sample, 16, 0);
            }
        }

        @Actor
        public void reader(JJJ_Result r) {
            long k = reader.optimisticLatest();
            if (k < 0) {
                r.r1 = -1; // CONTENDED cannot happen: five publishes, 64 attempts
                r.r2 = -1;
                r.r3 = -1;
                return;
            }
            ByteBuffer live = reader.sharedBuffer();
            int slot = GEOMETRY.slotOffset(k);
            long a = live.getLong(slot + 16);
            long b = live.getLong(slot + 24);
            boolean valid = reader.validate(k);
            r.r1 = valid ? k : -2;
            r.r2 = valid ? a : -2;
            r.r3 = valid ? b : -2;
        }
    }

    /**
     * Sample 0 read in place by index (a stream reader's {@code optimisticRead}) while the writer laps it
     * (sample 2 goes to sample 0's slot): either whole (1, 1) or refused, never mixed.
     */
    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "not there yet, or overwritten: refused at the begin")
    @Outcome(id = "-2, -2", expect = ACCEPTABLE_INTERESTING, desc = "overwritten during the read: validation refused")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "sample 0, whole")
    @Outcome(expect = FORBIDDEN, desc = "a mixed or torn sample 0 validated")
    @State
    public static class OptimisticStreamLapped {
        final ByteBuffer region = ByteBuffer.allocateDirect((int) GEOMETRY.blockLength())
                .order(ByteOrder.LITTLE_ENDIAN);
        final RingWriter writer = new RingWriter(region, GEOMETRY);
        final RingReader reader = new RingReader(region, GEOMETRY);

        @Actor
        public void writer() {
            writer.publish(ONES, 16, 0);
            writer.publish(TWOS, 16, 0);
            writer.publish(THREES, 16, 0); // sample 2 overwrites sample 0's slot
        }

        @Actor
        public void reader(JJ_Result r) {
            if (reader.optimisticRead(0) != RingReader.OK) {
                r.r1 = -1;
                r.r2 = -1;
                return;
            }
            ByteBuffer live = reader.sharedBuffer();
            int slot = GEOMETRY.slotOffset(0);
            long a = live.getLong(slot + 16);
            long b = live.getLong(slot + 24);
            boolean valid = reader.validate(0);
            r.r1 = valid ? a : -2;
            r.r2 = valid ? b : -2;
        }
    }
}
