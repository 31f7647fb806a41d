package io.shmtel.core;

import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_EMPTY;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_ERROR;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_READING;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_READY;

import io.shmtel.core.fault.CrashPoint;
import io.shmtel.core.idle.BackoffIdleStrategy;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.region.CorruptRegionException;
import io.shmtel.core.region.IncompatibleLayoutException;
import io.shmtel.core.region.ProcessInfo;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.RegionPermissionException;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.MailboxWords;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.view.RecordView;
import io.shmtel.schema.layout.Layout;
import java.nio.ByteBuffer;

/**
 * The consuming end of a mailbox record in another process. {@link #poll} and {@link #take} take
 * the message out of the box (state READY to READING, recording this process as its holder) and
 * fill the caller's view with it; the consumer then answers it: {@link #done()}, or
 * {@link #fail(int)} with an error code the writer reads back. Taking the next message, or closing,
 * answers a held one {@code done}.
 *
 * <p>Guarantee: every message the writer put is delivered at most once, in order, and gets exactly
 * one answer. A consumer that dies holding a message is found dead (its pid gone, or reused by a
 * process with another start time) by the writer or the next consumer, which answer the message
 * {@link MailboxSender#CONSUMER_DIED} instead of delivering it again: the dead consumer may have
 * acted on it; the writer decides whether to send it again. A writer that dies leaves a message it
 * put in the box, and consumers still take it.
 *
 * <p>Several consumers may share a mailbox: each message goes to one of them. Consuming needs write
 * access to the region. Like a {@link Subscriber} (which it uses to attach), a receiver waits for a
 * region that does not exist yet and follows new writers. Not thread-safe; allocates nothing per message.
 */
public final class MailboxReceiver implements AutoCloseable {
    private static final int PID = ProcessInfo.currentPid();
    /** Stored as the holder start time; 0 (none: found dead by the pid alone) when /proc/self/stat cannot be read. */
    private static final long START_TIME = Math.max(0, ProcessInfo.startTime(PID));

    private final Subscriber subscriber;
    private final String name;
    private final WaitSet waitSet = new WaitSet();
    private IdleStrategy idle = new BackoffIdleStrategy();
    private Region mapped;
    private ByteBuffer writable;
    private RingGeometry geometry;
    private long stateAddress;
    private final MailboxWaitTarget target = new MailboxWaitTarget();
    private ByteBuffer heldBuffer;
    private RingGeometry heldGeometry;
    private long heldAddress;
    private long held = -1;
    private long taken;
    private long recovered;
    private long nextHolderCheckNs;
    private long nextLivenessNs;

    private MailboxReceiver(Subscriber subscriber, String region, String record) {
        this.subscriber = subscriber;
        this.name = region + "/" + record;
        waitSet.add(target);
    }

    /** Consumes mailbox {@code record} of {@code region}, whatever layout the region has. */
    public static MailboxReceiver open(String region, String record, RegionOptions options) {
        return open(region, record, null, options);
    }

    /**
     * Consumes mailbox {@code record} of {@code region}, requiring the region's layout to be
     * {@code expected} or compatible with it. A region that exists and is incompatible, corrupt, not
     * writable by this user, or whose record is a ring fails here; a missing one is waited for.
     */
    public static MailboxReceiver open(String region, String record, Layout expected, RegionOptions options) {
        Subscriber s = Subscriber.open(region, record, expected, options);
        MailboxReceiver r = new MailboxReceiver(s, region, record);
        try {
            r.attach();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return r;
    }

    /** Uses {@code strategy} while {@link #take} waits (default: {@link BackoffIdleStrategy}). */
    public MailboxReceiver idleStrategy(IdleStrategy strategy) {
        this.idle = strategy;
        return this;
    }

    /** The subscriber this receiver attaches with: the region, record layout and epoch. */
    public Subscriber subscriber() {
        return subscriber;
    }

    /** The writer's state now (see {@link Subscriber#state()}). */
    public WriterState state() {
        nextLivenessNs = System.nanoTime() + livenessPeriodNs();
        return subscriber.state();
    }

    /**
     * Takes the message in the box, if there is one, into {@code view} (answering a message still held
     * {@code done} first); false when the box is empty, or held by another consumer.
     */
    public boolean poll(RecordView view) {
        if (held >= 0) {
            done();
        }
        if (!attach()) {
            return false;
        }
        long word = MailboxWords.word(writable, geometry);
        target.seen = word;
        int state = MailboxWords.state(word);
        if (state == MAILBOX_READY) {
            if (!MailboxWords.transition(writable, geometry, word, MailboxWords.word(MAILBOX_READING, PID))) {
                return false; // another consumer took it first
            }
            // Like every move: the writer asleep for its answer learns at once that a consumer holds it.
            MailboxWords.wake(writable, geometry, stateAddress);
            if (CrashPoint.ENABLED) {
                CrashPoint.reached(CrashPoint.MAILBOX_TAKEN);
            }
            MailboxWords.setHolderStart(writable, geometry, START_TIME);
            heldBuffer = writable;
            heldGeometry = geometry;
            heldAddress = stateAddress;
            long k = subscriber.readOnlySlot(view);
            if (k < 0 || (int) (k + 1) != MailboxWords.holder(word)) {
                answer(MAILBOX_ERROR, MailboxSender.CONSUMER_DIED, MailboxWords.widen(MailboxWords.holder(word),
                        MailboxWords.published(writable, geometry)) - 1);
                throw new CorruptRegionException("mailbox \"" + name + "\": the box was READY but its slot holds no"
                        + " complete message " + (MailboxWords.holder(word) - 1) + "; answered it "
                                + MailboxSender.CONSUMER_DIED
                        + " (undeliverable): is another program writing this region?");
            }
            held = k;
            taken++;
            return true;
        }
        if (state == MAILBOX_READING && MailboxWords.holder(word) != PID) {
            long now = System.nanoTime();
            if (now - nextHolderCheckNs >= 0) {
                nextHolderCheckNs = now + MailboxSender.HOLDER_CHECK_NS;
                if (MailboxWords.recover(writable, geometry, word, stateAddress)) {
                    recovered++;
                }
            }
        } else if (state != MAILBOX_EMPTY && state != MAILBOX_ERROR && state != MAILBOX_READING) {
            throw new CorruptRegionException("mailbox \"" + name + "\": state word " + state + " at offset "
                    + MailboxWords.wordOffset(geometry) + "; expected 0 to 3");
        }
        return false;
    }

    /** Waits up to {@code timeoutNs} for a message and takes it into {@code view}; false when none came. */
    public boolean take(RecordView view, long timeoutNs) {
        long deadline = System.nanoTime() + Math.max(0, timeoutNs);
        boolean wokenEmpty = false;
        while (true) {
            if (poll(view)) {
                idle.reset();
                return true;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return false;
            }
            if (wokenEmpty || now - nextLivenessNs >= 0) {
                state(); // follows a new writer or file; a closing writer wakes its consumers
            }
            long wait = Math.min(deadline - now, Math.max(0, nextLivenessNs - now));
            if (writable != null && MailboxWords.state(target.seen) == MAILBOX_READING) {
                wait = Math.min(wait, Math.max(0, nextHolderCheckNs - now));
            }
            waitSet.resetOutcome();
            idle.idle(waitSet, wait);
            wokenEmpty = waitSet.lastOutcome() == WaitSet.Outcome.WOKEN;
        }
    }

    /** Answers the held message: handled. */
    public void done() {
        requireHeld("done()");
        answer(MAILBOX_EMPTY, 0, held);
    }

    /** Answers the held message with error {@code code} (1 or more), which its writer reads back. */
    public void fail(int code) {
        if (code < 1) {
            throw new IllegalArgumentException("error codes are 1 or more (0 is done, -1 a dead consumer): code="
                    + code);
        }
        requireHeld("fail(" + code + ")");
        answer(MAILBOX_ERROR, code, held);
    }

    private void requireHeld(String call) {
        if (held < 0) {
            throw new IllegalStateException(call + " answers the message taken last, and none is held: take one"
                    + " first (each message is answered once; taking the next answers the last done)");
        }
    }

    private void answer(int state, int code, long message) {
        MailboxWords.setHolderStart(heldBuffer, heldGeometry, 0);
        if (state == MAILBOX_ERROR) {
            MailboxWords.setCode(heldBuffer, heldGeometry, code);
        }
        if (CrashPoint.ENABLED) {
            CrashPoint.reached(CrashPoint.MAILBOX_ANSWERING);
        }
        long expected = MailboxWords.word(MAILBOX_READING, PID);
        boolean ok = MailboxWords.transition(heldBuffer, heldGeometry, expected, MailboxWords.word(state, message + 1));
        held = -1;
        if (!ok) {
            throw new IllegalStateException("mailbox \"" + name + "\": message " + message + " was answered by someone"
                    + " else (state " + MailboxWords.stateName(MailboxWords.state(MailboxWords.word(heldBuffer,
                            heldGeometry)))
                    + "): this consumer was taken for dead");
        }
        MailboxWords.wake(heldBuffer, heldGeometry, heldAddress);
    }

    /** Index of the message held (taken, not answered yet), -1 when none. */
    public long heldMessage() {
        return held;
    }

    /** Messages this receiver took. */
    public long taken() {
        return taken;
    }

    /** Messages this receiver answered {@link MailboxSender#CONSUMER_DIED} because it found their consumer dead. */
    public long recoveredMessages() {
        return recovered;
    }

    /** The mailbox's handshake state now; null while no region is attached. */
    public MailboxState mailboxState() {
        return attach() ? MailboxState.of(MailboxWords.state(MailboxWords.word(writable, geometry))) : null;
    }

    /** Answers a held message done, and releases the region. */
    @Override
    public void close() {
        try {
            if (held >= 0) {
                done();
            }
        } finally {
            subscriber.close();
        }
    }

    /** True when a region is attached, with its writable mapping; follows the subscriber to a new file. */
    private boolean attach() {
        if (!subscriber.attached()) {
            return false;
        }
        Region region = subscriber.region();
        if (region != mapped) {
            if (!subscriber.record().isMailbox()) {
                throw new IncompatibleLayoutException("record \"" + subscriber.record().name() + "\" of region \""
                        + region.name() + "\" is a ring, not a mailbox: read it with a Subscriber (shmtel echo)");
            }
            ByteBuffer b = region.sleeperBuffer();
            if (b == null) {
                throw new RegionPermissionException("cannot consume mailbox \"" + name + "\": taking a message writes"
                        + " its state, and this process has " + region.writeRefusal() + ". Only the writer's user may"
                        + " write a region (readers refuse one that group or others may write): run the consumer as"
                        + " the writer's user; to watch the messages without taking them, subscribe instead");
            }
            mapped = region;
            writable = b;
            geometry = subscriber.geometry();
            target.attach(b, geometry);
            stateAddress = target.address();
        }
        return true;
    }

    private long livenessPeriodNs() {
        Region r = subscriber.region();
        long period = r == null ? 0 : r.heartbeatPeriodNs();
        return period > 0 ? period : 50_000_000L;
    }
}
