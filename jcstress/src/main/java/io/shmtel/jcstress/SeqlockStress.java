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

    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "nothing published yet")
    @Outcome(id = {"1, 1", "2, 2"}, expect = ACCEPTABLE, desc = "one whole sample")
    @Outcome(expect = FORBIDDEN, desc = "a snapshot mixing two samples, or a torn one")
    @State
    public static class Latest {
        final ByteBuffer region = ByteBuffer.allocateDirect((int) GEOMETRY.blockLength()).order(ByteOrder.LITTLE_ENDIAN);
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

    /** Sample 0 read by index while the writer may lap it: either whole (1, 1) or refused, never mixed. */
    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "not there yet, or overwritten: refused")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "sample 0, whole")
    @Outcome(expect = FORBIDDEN, desc = "a mixed or torn sample 0")
    @State
    public static class StreamLapped {
        final ByteBuffer region = ByteBuffer.allocateDirect((int) GEOMETRY.blockLength()).order(ByteOrder.LITTLE_ENDIAN);
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
        final ByteBuffer region = ByteBuffer.allocateDirect((int) GEOMETRY.blockLength()).order(ByteOrder.LITTLE_ENDIAN);
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
}
