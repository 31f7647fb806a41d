package io.shmtel.core;

import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_EMPTY;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_ERROR;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_READING;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_READY;

import io.shmtel.core.fault.CrashPoint;
import io.shmtel.core.idle.BackoffIdleStrategy;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.region.CorruptRegionException;
import io.shmtel.core.region.Region;
import io.shmtel.core.ring.MailboxWords;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.MailboxSink;
import io.shmtel.schema.layout.ProtocolConstants;
import io.shmtel.schema.layout.RecordBlockDescriptor;
import io.shmtel.schema.layout.RecordLayout;
import java.nio.ByteBuffer;

/**
 * The writing end of a mailbox record: one message at a time, never overwritten. {@link #offer}
 * puts a message when the box is empty and says false when it is not; {@link #put} waits (with
 * the {@link #idleStrategy idle strategy}; a blocking one sleeps until the consumer answers).
 * Every message gets exactly one answer, read back with {@link #awaitAnswer} and
 * {@link #lastAnswerCode}: {@link #DONE}, a consumer's error code (1 or more, from
 * {@link MailboxReceiver#fail}), or {@link #CONSUMER_DIED} when the consumer that held it died
 * (it is not delivered again: the consumer may have acted on it).
 *
 * <p>Obtained from {@link Publisher#mailbox}; generated writers send with {@code offer()} and
 * {@code put(timeout)}. Not thread-safe: one sending thread. Allocates nothing per message.
 */
public final class MailboxSender implements MailboxSink {
    /** {@link #lastAnswerCode()}: the consumer handled the message. */
    public static final int DONE = 0;
    /** {@link #lastAnswerCode()}: the consumer died holding the message (the box was recovered). */
    public static final int CONSUMER_DIED = RecordBlockDescriptor.MAILBOX_CODE_CONSUMER_DIED;
    /** How often a waiting sender checks whether the consumer holding its message is still alive. */
    static final long HOLDER_CHECK_NS = ProtocolConstants.MAILBOX_HOLDER_CHECK_NS;

    private final String name;
    private final ByteBuffer buffer;
    private final RingGeometry geometry;
    private final RingWriter ring;
    private final long stateAddress;
    private final WaitSet waitSet = new WaitSet();
    private IdleStrategy idle = new BackoffIdleStrategy();
    private final MailboxWaitTarget target = new MailboxWaitTarget();
    private long pending = -1;
    private long lastAnswered = -1;
    private int lastCode;
    private long sent;
    private long failures;
    private long recovered;
    private long skipped;
    private long nextHolderCheckNs;
    private volatile boolean closed;

    MailboxSender(Region region, RecordLayout record) {
        if (!record.isMailbox()) {
            throw new IllegalArgumentException("record \"" + record.name() + "\" of region \"" + region.name()
                    + "\" is a ring, not a mailbox: publish to it with publisher.sink(\"" + record.name() + "\")");
        }
        this.name = region.name() + "/" + record.name();
        this.buffer = region.buffer();
        this.geometry = RingGeometry.of(record);
        this.ring = new RingWriter(buffer, geometry);
        target.attach(buffer, geometry);
        this.stateAddress = target.address();
        waitSet.add(target);
        long word = MailboxWords.word(buffer, geometry);
        long put = putCount(word);
        if (put > ring.nextSampleIndex()) {
            ring.countPublished(put - 1); // a writer that died between putting a message and counting it
        }
        long next = MailboxWords.slotIndex(buffer, geometry) + 1;
        if (MailboxWords.state(word) == MAILBOX_EMPTY && next > put) {
            // A writer that died after writing message next-1 into the slot (or while writing it) but before
            // putting it: a subscriber may have read it, so that index is never written again with other
            // contents. It was never put: counted answered, never delivered (READY|n always carries slot index n-1).
            long skipped = MailboxWords.word(MAILBOX_EMPTY, next);
            if (!MailboxWords.transition(buffer, geometry, word, skipped)) {
                throw corrupt(MailboxWords.word(buffer, geometry));
            }
            word = skipped;
            this.skipped = next - put;
            ring.resumeAt(next);
        }
        collect(word); // an answer the previous writer never read
    }

    /**
     * Uses {@code strategy} while {@link #put} and {@link #awaitAnswer} wait (default: {@link BackoffIdleStrategy}).
     */
    public MailboxSender idleStrategy(IdleStrategy strategy) {
        this.idle = strategy;
        return this;
    }

    @Override
    public int payloadLength() {
        return geometry.payloadLength();
    }

    /** Refused: a mailbox may be full. Use {@link #offer} or {@link #put}. */
    @Override
    public long publish(ByteBuffer payload, int length, long timestampNs) {
        throw new IllegalStateException("record \"" + name + "\" is a mailbox: send with offer() or put(timeout),"
                + " which say whether the message went in; commit() is for rings");
    }

    @Override
    public boolean offer(ByteBuffer payload, int length, long timestampNs) {
        if (closed) {
            throw new IllegalStateException("mailbox \"" + name + "\" is closed: its publisher closed");
        }
        long word = MailboxWords.word(buffer, geometry);
        collect(word);
        if (MailboxWords.state(word) == MAILBOX_ERROR) {
            word = MailboxWords.word(buffer, geometry); // collect() emptied it
        }
        target.seen = word;
        if (MailboxWords.state(word) != MAILBOX_EMPTY) {
            if (MailboxWords.state(word) == MAILBOX_READING) {
                recoverDeadHolder(word, System.nanoTime());
            }
            return false;
        }
        long k = ring.writeSlot(payload, length, timestampNs);
        if (!MailboxWords.transition(buffer, geometry, word, MailboxWords.word(MAILBOX_READY, k + 1))) {
            throw corrupt(MailboxWords.word(buffer, geometry));
        }
        if (CrashPoint.ENABLED) {
            CrashPoint.reached(CrashPoint.MAILBOX_PUT);
        }
        ring.countPublished(k); // observers (subscribers) see the message; wakes those asleep on the count
        MailboxWords.wake(buffer, geometry, stateAddress); // consumers asleep on the state
        pending = k;
        sent++;
        return true;
    }

    @Override
    public boolean put(ByteBuffer payload, int length, long timestampNs, long timeoutNs) {
        long deadline = System.nanoTime() + Math.max(0, timeoutNs);
        while (true) {
            if (offer(payload, length, timestampNs)) {
                idle.reset();
                return true;
            }
            if (!waitForAnswer(deadline)) {
                return false;
            }
        }
    }

    /**
     * Waits up to {@code timeoutNs} until the last message sent is answered; true when it is (or
     * when nothing waits for an answer). The answer is then in {@link #lastAnswerCode()}.
     */
    public boolean awaitAnswer(long timeoutNs) {
        long deadline = System.nanoTime() + Math.max(0, timeoutNs);
        while (true) {
            collect(MailboxWords.word(buffer, geometry));
            if (pending < 0) {
                idle.reset();
                return true;
            }
            if (!waitForAnswer(deadline)) {
                return false;
            }
        }
    }

    /** One idle step while the box holds a message; false when {@code deadline} passed. */
    private boolean waitForAnswer(long deadline) {
        long now = System.nanoTime();
        if (now - deadline >= 0) {
            return false;
        }
        if (closed) {
            throw new IllegalStateException("mailbox \"" + name + "\" is closed: its publisher closed");
        }
        long word = MailboxWords.word(buffer, geometry);
        int state = MailboxWords.state(word);
        if (state != MAILBOX_READY && state != MAILBOX_READING) {
            return true; // answered since the caller looked: sleeping on this word would wait for nothing
        }
        target.seen = word;
        long wait = deadline - now;
        if (state == MAILBOX_READING) {
            if (recoverDeadHolder(word, now)) {
                return true;
            }
            wait = Math.min(wait, Math.max(0, nextHolderCheckNs - now));
        }
        waitSet.resetOutcome();
        idle.idle(waitSet, wait);
        return true;
    }

    /** Messages put according to the handshake word (exact even when a writer died before counting its last one). */
    private long putCount(long word) {
        long published = MailboxWords.published(buffer, geometry);
        if (MailboxWords.state(word) == MAILBOX_READING) {
            return Math.max(published, MailboxWords.slotMessage(buffer, geometry) + 1);
        }
        return Math.max(published, MailboxWords.widen(MailboxWords.holder(word), published));
    }

    /**
     * A consumer that died holding the message would keep the box full for ever: at most every
     * {@link #HOLDER_CHECK_NS}, answers its message {@link #CONSUMER_DIED} when it is gone; true when it did.
     */
    private boolean recoverDeadHolder(long word, long now) {
        if (now - nextHolderCheckNs < 0) {
            return false;
        }
        nextHolderCheckNs = now + HOLDER_CHECK_NS;
        if (MailboxWords.recover(buffer, geometry, word, stateAddress)) {
            recovered++;
            return true;
        }
        return false;
    }

    /** Reads the answer to the pending message when there is one; empties an ERROR box. */
    private void collect(long word) {
        int state = MailboxWords.state(word);
        if (state == MAILBOX_EMPTY) {
            if (pending >= 0) {
                answered(pending, DONE);
            }
        } else if (state == MAILBOX_ERROR) {
            int code = MailboxWords.code(buffer, geometry);
            long message = MailboxWords.widen(MailboxWords.holder(word), ring.nextSampleIndex()) - 1;
            if (!MailboxWords.transition(buffer, geometry, word,
                    MailboxWords.word(MAILBOX_EMPTY, MailboxWords.holder(word) & 0xffff_ffffL))) {
                throw corrupt(MailboxWords.word(buffer, geometry));
            }
            failures++;
            answered(message, code);
        } else if (state != MAILBOX_READY && state != MAILBOX_READING) {
            throw corrupt(word);
        }
    }

    private void answered(long message, int code) {
        lastAnswered = message;
        lastCode = code;
        pending = -1;
    }

    private CorruptRegionException corrupt(long word) {
        return new CorruptRegionException("mailbox \"" + name + "\": state word "
                + MailboxWords.stateName(MailboxWords.state(word))
                + " (holder pid " + MailboxWords.holder(word) + ") changed under its writer: only consumers and this"
                + " writer may move it; is another program writing this region?");
    }

    /** Index the next message put will get (messages are numbered from 0 across writers of the region). */
    public long nextMessageIndex() {
        return ring.nextSampleIndex();
    }

    /** Messages this sender put. */
    public long sent() {
        return sent;
    }

    /** Index of the last message whose answer this sender read, -1 before the first. */
    public long lastAnsweredMessage() {
        return lastAnswered;
    }

    /**
     * The answer to {@link #lastAnsweredMessage()}: {@link #DONE}, a consumer's code (&gt;= 1) or {@link
     * #CONSUMER_DIED}.
     */
    public int lastAnswerCode() {
        return lastCode;
    }

    /** Index of the message put and not answered yet, -1 when none. */
    public long pendingMessage() {
        return pending;
    }

    /** Answers read that were not {@link #DONE} (error codes and dead consumers). */
    public long failures() {
        return failures;
    }

    /** Messages this sender answered {@link #CONSUMER_DIED} because it found their consumer dead. */
    public long recoveredMessages() {
        return recovered;
    }

    /**
     * Message indexes this sender skipped when it took the mailbox over: a dead writer wrote them into the
     * slot (or began to) but never put them (format.md, rule R7). Counted answered, never delivered.
     */
    public long skippedOnTakeover() {
        return skipped;
    }

    /** The mailbox's handshake state now. */
    public MailboxState state() {
        return MailboxState.of(MailboxWords.state(MailboxWords.word(buffer, geometry)));
    }

    /** Ends a {@link #put} or {@link #awaitAnswer} waiting in another thread (it throws: the publisher closed). */
    void close() {
        closed = true;
        waitSet.wakeup();
    }
}
