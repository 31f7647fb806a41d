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
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
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

    /** The writer's put: slot first, then EMPTY|0 to READY|1. */
    static void put(ByteBuffer box, RingWriter writer) {
        long k = writer.writeSlot(MESSAGE, 16, 0);
        MailboxWords.transition(box, GEOMETRY, MailboxWords.word(MAILBOX_EMPTY, 0), MailboxWords.word(MAILBOX_READY, k + 1));
    }

    /** A consumer's take: READY|1 to READING|pid, then the payload: its value when whole, -2 when mixed, -1 when not won. */
    static long take(ByteBuffer box, int pid) {
        if (!MailboxWords.transition(box, GEOMETRY, MailboxWords.word(MAILBOX_READY, 1), MailboxWords.word(MAILBOX_READING, pid))) {
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
            MailboxWords.transition(box, GEOMETRY, MailboxWords.word(MAILBOX_READY, 1), MailboxWords.word(MAILBOX_READING, PID_A));
        }

        @Actor
        public void consumer() {
            MailboxWords.setCode(box, GEOMETRY, 9);
            MailboxWords.transition(box, GEOMETRY, MailboxWords.word(MAILBOX_READING, PID_A), MailboxWords.word(MAILBOX_ERROR, 1));
        }

        @Actor
        public void writer(JJJ_Result r) {
            long word = MailboxWords.word(box, GEOMETRY);
            r.r1 = MailboxWords.state(word);
            r.r2 = MailboxWords.state(word) == MAILBOX_READING ? 0 : MailboxWords.holder(word);
            r.r3 = MailboxWords.state(word) == MAILBOX_ERROR ? MailboxWords.code(box, GEOMETRY) : 0;
        }
    }
}
