package io.shmtel.jcstress;

import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_EMPTY;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_ERROR;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_READING;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_READY;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.shmtel.core.ring.MailboxWords;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import io.shmtel.core.region.ProcessInfo;
import io.shmtel.schema.layout.RecordBlockDescriptor;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJJ_Result;
import org.openjdk.jcstress.infra.results.JJJ_Result;
import org.openjdk.jcstress.infra.results.JJ_Result;
import org.openjdk.jcstress.infra.results.J_Result;

/**
 * The mailbox handshake's steps under jcstress, with the primitives {@code MailboxSender} and
 * {@code MailboxReceiver} use ({@link RingWriter#writeSlot}, {@link MailboxWords}): a consumer that
 * wins READY to READING must see the whole message written before READY; two consumers never both
 * take one message; a writer that sees an answer sees its code.
 */
public final class MailboxStress {
    private MailboxStress() {}

    /** A one-slot mailbox of a 16-byte payload (two longs), in a direct buffer as in a mapped region. */
    static final RingGeometry GEOMETRY = new RingGeometry(0, 1, 64, 16);
    static final int PAYLOAD = GEOMETRY.slotOffset(0) + 16;
    static final int PID_A = 101;
    static final int PID_B = 202;

    static ByteBuffer mailbox() {
        return ByteBuffer.allocateDirect((int) GEOMETRY.blockLength()).order(ByteOrder.LITTLE_ENDIAN);
    }

    static final ByteBuffer MESSAGE = SeqlockStress.payload(7);
    /** No process has this pid (above Linux's largest pid_max, 2^22): a holder that died. */
    static final int DEAD_PID = 0x7fff_0000;
    /** This JVM: a holder that is alive, with its real start time (read once: /proc is slow). */
    static final int LIVE_PID = ProcessInfo.currentPid();
    static final long LIVE_START = ProcessInfo.startTime(LIVE_PID);

    /** The writer's put: slot first, then EMPTY|0 to READY|1. */
    static void put(ByteBuffer box, RingWriter writer) {
        long k = writer.writeSlot(MESSAGE, 16, 0);
        MailboxWords.transition(box, GEOMETRY, MailboxWords.word(MAILBOX_EMPTY, 0),
                MailboxWords.word(MAILBOX_READY, k + 1));
    }

    /**
     * A consumer's take: READY|1 to READING|pid, then the payload: its value when whole, -2 when mixed, -1 when not
     * won.
     */
    static long take(ByteBuffer box, int pid) {
        if (!MailboxWords.transition(box, GEOMETRY, MailboxWords.word(MAILBOX_READY, 1),
                MailboxWords.word(MAILBOX_READING, pid))) {
            return -1;
        }
        long first = box.getLong(PAYLOAD);
        return first == box.getLong(PAYLOAD + 8) ? first : -2;
    }

    @JCStressTest
    @Outcome(id = "-1", expect = ACCEPTABLE, desc = "not put yet: nothing taken")
    @Outcome(id = "7", expect = ACCEPTABLE, desc = "taken, whole")
    @Outcome(expect = FORBIDDEN, desc = "taken, but the message written before READY is not (all) there")
    @State
    public static class TakeSeesTheMessage {
        final ByteBuffer box = mailbox();
        final RingWriter writer = new RingWriter(box, GEOMETRY);

        @Actor
        public void writer() {
            put(box, writer);
        }

        @Actor
        public void consumer(J_Result r) {
            r.r1 = take(box, PID_A);
        }
    }

    /** Two consumers race for one message put before they start: exactly one gets it, whole. */
    @JCStressTest
    @Outcome(id = {"7, -1", "-1, 7"}, expect = ACCEPTABLE, desc = "one consumer took it")
    @Outcome(id = "7, 7", expect = FORBIDDEN, desc = "delivered twice")
    @Outcome(expect = FORBIDDEN, desc = "lost, or taken torn")
    @State
    public static class OneOfTwoConsumers {
        final ByteBuffer box = mailbox();

        public OneOfTwoConsumers() {
            put(box, new RingWriter(box, GEOMETRY));
        }

        @Actor
        public void consumerA(JJ_Result r) {
            r.r1 = take(box, PID_A);
        }

        @Actor
        public void consumerB(JJ_Result r) {
            r.r2 = take(box, PID_B);
        }
    }

    /**
     * A consumer holding message 0 answers it with error code 9 (code first, then READING to
     * ERROR|1); the writer reads the word, then the code, as {@code MailboxSender} collects an answer.
     */
    @JCStressTest
    @Outcome(id = "2, 0, 0", expect = ACCEPTABLE, desc = "not answered yet")
    @Outcome(id = "3, 1, 9", expect = ACCEPTABLE, desc = "answered ERROR with its code")
    @Outcome(expect = FORBIDDEN, desc = "an ERROR answer without its code, or a wrong count")
    @State
    public static class AnswerCarriesItsCode {
        final ByteBuffer box = mailbox();

        public AnswerCarriesItsCode() {
            put(box, new RingWriter(box, GEOMETRY));
            MailboxWords.transition(box, GEOMETRY, MailboxWords.word(MAILBOX_READY, 1),
                    MailboxWords.word(MAILBOX_READING, PID_A));
        }

        @Actor
        public void consumer() {
            MailboxWords.setCode(box, GEOMETRY, 9);
            MailboxWords.transition(box, GEOMETRY, MailboxWords.word(MAILBOX_READING, PID_A),
                    MailboxWords.word(MAILBOX_ERROR, 1));
        }

        @Actor
        public void writer(JJJ_Result r) {
            long word = MailboxWords.word(box, GEOMETRY);
            r.r1 = MailboxWords.state(word);
            r.r2 = MailboxWords.state(word) == MAILBOX_READING ? 0 : MailboxWords.holder(word);
            r.r3 = MailboxWords.state(word) == MAILBOX_ERROR ? MailboxWords.code(box, GEOMETRY) : 0;
        }
    }

    /**
     * The recoverer race (issue 23, hole 2; rule R4). A consumer died holding message 0; a recoverer
     * looked (READING|dead pid) and stalled. Meanwhile another recoverer answered message 0, the writer
     * put message 1 and a live consumer took it: the box is READING|live pid with message 1 in the
     * slot. Now the stale recoverer goes on with the word it saw, while the live consumer answers
     * message 1 with error code 9. The writer (the arbiter, after both) must read ERROR|2 with code 9:
     * a recoverer that stores CONSUMER_DIED (-1) before its compare-and-set leaves it on the later
     * answer when the CAS fails, and the sender takes a handled command for one whose consumer died.
     * By R4 the recoverer first claims the box (CAS READING|dead -&gt; READING|own), fails, and stores
     * nothing but the harmless holder start 0.
     * Result: the stale recoverer's verdict (1 recovered), then the final state, count and code.
     */
    @JCStressTest
    @Outcome(id = "0, 3, 2, 9", expect = ACCEPTABLE, desc =
            "the live consumer's answer, code 9; the stale recoverer did nothing")
    @Outcome(id = "0, 3, 2, -1", expect = FORBIDDEN,
            desc = "the stale recoverer's CONSUMER_DIED landed on the live consumer's answer")
    @Outcome(expect = FORBIDDEN, desc = "a live holder's message taken from it, or another outcome")
    @State
    public static class StaleRecovererAndALaterAnswer {
        final ByteBuffer box = mailbox();
        final long stale = MailboxWords.word(MAILBOX_READING, DEAD_PID);

        public StaleRecovererAndALaterAnswer() {
            RingWriter writer = new RingWriter(box, GEOMETRY);
            writer.countPublished(writer.writeSlot(MESSAGE, 16, 0)); // message 0: answered CONSUMER_DIED long ago
            long k = writer.writeSlot(MESSAGE, 16, 0); // message 1
            writer.countPublished(k);
            MailboxWords.transition(box, GEOMETRY, MailboxWords.word(box, GEOMETRY),
                    MailboxWords.word(MAILBOX_READING, LIVE_PID));
            MailboxWords.setHolderStart(box, GEOMETRY, LIVE_START);
            MailboxWords.setCode(box, GEOMETRY, RecordBlockDescriptor.MAILBOX_CODE_CONSUMER_DIED); // message 0's answer
        }

        @Actor
        public void staleRecoverer(JJJJ_Result r) {
            r.r1 = MailboxWords.recover(box, GEOMETRY, stale, 0) ? 1 : 0;
        }

        @Actor
        public void liveConsumer() {
            // MailboxReceiver's answer: holder start cleared, the code, then READING|pid -> ERROR|k+1
            MailboxWords.setHolderStart(box, GEOMETRY, 0);
            MailboxWords.setCode(box, GEOMETRY, 9);
            MailboxWords.transition(box, GEOMETRY, MailboxWords.word(MAILBOX_READING, LIVE_PID),
                    MailboxWords.word(MAILBOX_ERROR, 2));
        }

        @Arbiter
        public void writer(JJJJ_Result r) {
            long word = MailboxWords.word(box, GEOMETRY);
            r.r2 = MailboxWords.state(word);
            r.r3 = MailboxWords.holder(word);
            r.r4 = MailboxWords.code(box, GEOMETRY);
        }
    }

    /**
     * Two recoverers find the same dead holder of message 0 at once (rule R4): exactly one answers it,
     * CONSUMER_DIED, counted once. Result: each recoverer's verdict, then the final count in the word
     * and the recovered counter.
     */
    @JCStressTest
    @Outcome(id = {"1, 0, 1, 1", "0, 1, 1, 1"}, expect = ACCEPTABLE, desc = "one recoverer answered it, once")
    @Outcome(expect = FORBIDDEN, desc = "answered twice, not at all, or counted wrong")
    @State
    public static class TwoRecoverers {
        final ByteBuffer box = mailbox();
        final long dead = MailboxWords.word(MAILBOX_READING, DEAD_PID);

        public TwoRecoverers() {
            put(box, new RingWriter(box, GEOMETRY));
            MailboxWords.transition(box, GEOMETRY, MailboxWords.word(MAILBOX_READY, 1), dead);
        }

        @Actor
        public void recovererA(JJJJ_Result r) {
            r.r1 = MailboxWords.recover(box, GEOMETRY, dead, 0) ? 1 : 0;
        }

        @Actor
        public void recovererB(JJJJ_Result r) {
            r.r2 = MailboxWords.recover(box, GEOMETRY, dead, 0) ? 1 : 0;
        }

        @Arbiter
        public void writer(JJJJ_Result r) {
            long word = MailboxWords.word(box, GEOMETRY);
            boolean answered = MailboxWords.state(word) == MAILBOX_ERROR
                    && MailboxWords.code(box, GEOMETRY) == RecordBlockDescriptor.MAILBOX_CODE_CONSUMER_DIED;
            r.r3 = answered ? MailboxWords.holder(word) : -1;
            r.r4 = MailboxWords.recovered(box, GEOMETRY);
        }
    }
}
