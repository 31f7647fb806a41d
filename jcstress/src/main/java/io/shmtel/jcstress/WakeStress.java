package io.shmtel.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.shmtel.core.memory.Words;
import io.shmtel.core.nativeio.Futex;
import io.shmtel.core.region.ProcessInfo;
import io.shmtel.core.ring.RingReader;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.ring.Sleepers;
import io.shmtel.schema.layout.RecordBlockDescriptor;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

/**
 * The wake-up ordering under jcstress: a reader about to sleep sets its sleeper bit, issues the
 * global barrier and looks at {@code published} once more ({@code WaitSet.sleep}); the writer
 * stores {@code published}, then loads the sleeper bits ({@link RingWriter#publish}). Either the
 * reader sees the sample, or the writer sees the bit (and wakes the futex word): never neither, a
 * reader asleep through a publish.
 */
public final class WakeStress {
    private WakeStress() {}

    static final int PID = ProcessInfo.currentPid();

    /**
     * Reader: {@link Sleepers#register} (the bit, a locked instruction), {@link Futex#globalBarrier},
     * then {@code published}: 0 would sleep, 1 sees the sample (the bit stays set for the rest of the
     * round, as while asleep). Writer: {@link RingWriter#publish}; it saw the bit when it made a wake
     * call ({@link RingWriter#wakeCalls}). Result: reader sees the sample, writer saw the bit.
     */
    @JCStressTest
    @Outcome(id = {"1, 0", "1, 1"}, expect = ACCEPTABLE, desc = "the reader sees the sample and does not sleep")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the reader sleeps; the writer saw its bit and wakes it")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "the reader sleeps and the writer saw no bit: a lost wake-up")
    @State
    public static class SleepOrWake {
        final ByteBuffer region = ByteBuffer.allocateDirect((int) SeqlockStress.GEOMETRY.blockLength())
                .order(ByteOrder.LITTLE_ENDIAN);
        final RingWriter writer = new RingWriter(region, SeqlockStress.GEOMETRY);
        final RingReader reader = new RingReader(region, SeqlockStress.GEOMETRY);

        @Actor
        public void reader(JJ_Result r) {
            if (Sleepers.register(region, SeqlockStress.GEOMETRY, PID) < 0) {
                throw new IllegalStateException("no sleeper slot in a fresh record");
            }
            if (!Futex.globalBarrier()) {
                VarHandle.fullFence(); // no membarrier here: the writers then fence themselves (WriterBarrier)
            }
            r.r1 = reader.publishedAcquire() > 0 ? 1 : 0;
        }

        @Actor
        public void writer(JJ_Result r) {
            writer.publish(SeqlockStress.ONES, 16, 0);
            r.r2 = writer.wakeCalls() > 0 ? 1 : 0;
        }
    }

    /**
     * The control: the same two steps on each side without the barrier and with plain (opaque)
     * accesses: the store-load reordering that loses a wake-up is allowed here (marked interesting
     * when seen), which shows the harness can catch what the barrier prevents.
     */
    @JCStressTest
    @Outcome(id = {"1, 0", "1, 1", "0, 1"}, expect = ACCEPTABLE, desc = "one side saw the other")
    @Outcome(id = "0, 0", expect = ACCEPTABLE_INTERESTING,
            desc = "neither: what the protocol without its barrier gives")
    @State
    public static class WithoutTheBarrierControl {
        static final int PUBLISHED = RecordBlockDescriptor.PUBLISHED_OFFSET;
        static final int SLEEPERS = RecordBlockDescriptor.SLEEPERS_OFFSET;
        final ByteBuffer region = ByteBuffer.allocateDirect(RecordBlockDescriptor.SLOTS_OFFSET)
                .order(ByteOrder.LITTLE_ENDIAN);

        @Actor
        public void reader(JJ_Result r) {
            Words.putIntOpaque(region, SLEEPERS, 1); // the sleeper bit
            r.r1 = Words.getLongOpaque(region, PUBLISHED) > 0 ? 1 : 0;
        }

        @Actor
        public void writer(JJ_Result r) {
            Words.putLongOpaque(region, PUBLISHED, 1L);
            r.r2 = Words.getIntOpaque(region, SLEEPERS) != 0 ? 1 : 0;
        }
    }
}
