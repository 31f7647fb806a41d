package io.shmtel.core.ring;

import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_CODE_OFFSET;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_EMPTY;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_ERROR;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_HOLDER_START_OFFSET;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_READING;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_READY;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_RECOVERED_OFFSET;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_STATE_OFFSET;

import io.shmtel.core.fault.CrashPoint;
import io.shmtel.core.memory.Words;
import io.shmtel.core.nativeio.Futex;
import io.shmtel.core.region.ProcessInfo;
import io.shmtel.schema.layout.RecordBlockDescriptor;
import io.shmtel.schema.layout.SlotDescriptor;
import java.nio.ByteBuffer;

/**
 * The handshake word of a mailbox record (format 1.2; see {@link RecordBlockDescriptor}): one u64
 * changed only by compare-and-set, the state in its low half and in its high half the holder's pid
 * while READING, else a count: messages put (READY) or answered (EMPTY, ERROR), low 32 bits. So
 * taking a message records who holds it, and answering it counts it, in the same atomic step: no
 * crash between two stores can leave the counts wrong. Transitions:
 *
 * <pre>
 *   writer:    EMPTY|k -&gt; READY|k+1 (after writing slot k)    ERROR|n -&gt; EMPTY|n (after reading the code)
 *   consumer:  READY|n -&gt; READING|pid   READING|pid -&gt; EMPTY|k+1 (done) or ERROR|k+1 (code &gt;= 1)
 *   anyone:    READING|pid -&gt; READING|own pid -&gt; ERROR|k+1 (code -1) when that pid's process is dead (recovery)
 * </pre>
 *
 * The low half, the state, is the futex word both sides sleep on; a side that moves the state
 * another side may wait for loads the sleeper bits afterwards (every access here is sequentially
 * consistent) and wakes the word when one is set. Static helpers; no allocation but in
 * {@link #holderDead} (reads /proc, during recovery only).
 */
public final class MailboxWords {
    private static final int PID = ProcessInfo.currentPid();

    private MailboxWords() {}

    /** Offset of the u64 handshake word of {@code geometry}'s mailbox in the region buffer. */
    public static int wordOffset(RingGeometry geometry) {
        return geometry.blockOffset() + MAILBOX_STATE_OFFSET;
    }

    /** The u64 handshake word (volatile). */
    public static long word(ByteBuffer region, RingGeometry geometry) {
        return Words.getLongVolatile(region, wordOffset(geometry));
    }

    public static int state(long word) {
        return (int) word;
    }

    /** The high half: the holder's pid while READING, else a count's low 32 bits. */
    public static int holder(long word) {
        return (int) (word >>> 32);
    }

    /** A word of {@code state} with {@code high} (a pid, or a count whose low 32 bits are kept) in the high half. */
    public static long word(int state, long high) {
        return (state & 0xffff_ffffL) | (high << 32);
    }

    /** Moves the word from {@code expected} to {@code next} (compare-and-set, volatile). */
    public static boolean transition(ByteBuffer writable, RingGeometry geometry, long expected, long next) {
        return Words.compareAndSetLong(writable, wordOffset(geometry), expected, next);
    }

    /** The messages put so far ({@code published}; the writer stores it right after the READY transition). */
    public static long published(ByteBuffer region, RingGeometry geometry) {
        return Words.getLongVolatile(region, geometry.publishedOffset());
    }

    /** The full count whose low 32 bits are {@code low}, within 2^31 of {@code near}. */
    public static long widen(int low, long near) {
        return near + (low - (int) near);
    }

    /**
     * Messages answered so far, exact whatever died when: the count in the word while EMPTY or
     * ERROR, else the index of the message in the box (READY: the count in the word less one;
     * READING: from its slot, which nobody writes meanwhile).
     */
    public static long answered(ByteBuffer region, RingGeometry geometry) {
        long word = word(region, geometry);
        long near = published(region, geometry);
        switch (state(word)) {
            case MAILBOX_EMPTY:
            case MAILBOX_ERROR:
                return widen(holder(word), near);
            case MAILBOX_READY:
                return widen(holder(word), near) - 1;
            default:
                return slotMessage(region, geometry);
        }
    }

    /** The index of the message in the single slot (seq 2k+2), -1 when the slot holds no complete message. */
    public static long slotMessage(ByteBuffer region, RingGeometry geometry) {
        long seq = Words.getLongVolatile(region, geometry.slotOffset(0) + SlotDescriptor.SEQ_OFFSET);
        return seq >= 2 && (seq & 1) == 0 ? seq / 2 - 1 : -1;
    }

    /**
     * The index the single slot shows complete (seq 2k+2) or in progress (seq 2k+1), -1 when it was never
     * written (seq 0): a writer taking over resumes past it.
     */
    public static long slotIndex(ByteBuffer region, RingGeometry geometry) {
        long seq = Words.getLongVolatile(region, geometry.slotOffset(0) + SlotDescriptor.SEQ_OFFSET);
        return seq <= 0 ? -1 : (seq - 1) / 2;
    }

    public static int code(ByteBuffer region, RingGeometry geometry) {
        return Words.getIntVolatile(region, geometry.blockOffset() + MAILBOX_CODE_OFFSET);
    }

    public static void setCode(ByteBuffer writable, RingGeometry geometry, int code) {
        Words.putIntVolatile(writable, geometry.blockOffset() + MAILBOX_CODE_OFFSET, code);
    }

    public static long recovered(ByteBuffer region, RingGeometry geometry) {
        return Words.getLongVolatile(region, geometry.blockOffset() + MAILBOX_RECOVERED_OFFSET);
    }

    public static long holderStart(ByteBuffer region, RingGeometry geometry) {
        return Words.getLongVolatile(region, geometry.blockOffset() + MAILBOX_HOLDER_START_OFFSET);
    }

    /** Stored by a consumer right after it took a message; cleared (0) before it answers. */
    public static void setHolderStart(ByteBuffer writable, RingGeometry geometry, long startTime) {
        Words.putLongVolatile(writable, geometry.blockOffset() + MAILBOX_HOLDER_START_OFFSET, startTime);
    }

    /**
     * Whether the process that holds the message of {@code word} is gone: no such pid (kill(pid, 0)
     * = ESRCH), or a pid now used by a process whose start time is readable and not the non-zero one
     * the holder stored. A start time that cannot be read (hidepid, another PID namespace, a race with
     * the process's exit) means alive: the next check decides.
     */
    public static boolean holderDead(ByteBuffer region, RingGeometry geometry, long word) {
        int pid = holder(word);
        if (state(word) != MAILBOX_READING || pid <= 0) {
            return false;
        }
        if (!Futex.processExists(pid)) {
            return true;
        }
        long start = holderStart(region, geometry);
        if (start <= 0) {
            return false; // no start time stored (yet, or a recoverer holds it): the pid alone decides
        }
        long now = ProcessInfo.startTime(pid);
        return now >= 0 && now != start;
    }

    /**
     * Answers, for a dead holder, its message with {@link RecordBlockDescriptor#MAILBOX_CODE_CONSUMER_DIED}
     * (never delivers it again: the holder may have acted on it); true when this call did it. The
     * recoverer first becomes the holder (CAS READING|dead pid -&gt; READING|own pid), then answers as a
     * consumer does: a recoverer that stalled after looking stores nothing but the harmless holder
     * start = 0 once the box has moved on, so no stale code lands on a later answer.
     */
    public static boolean recover(ByteBuffer writable, RingGeometry geometry, long word, long stateWordAddress) {
        // The slot's message first, then the word, the liveness check, and the slot again: the holder start
        // read by the check belongs to this message's holder only when the slot did not change around it
        // (else a later holder's start time could make a live pid look dead; spec/mailbox.pml,
        // live_holder_never_taken, mutant RECOVER_NO_SLOT_RECHECK).
        long k = slotMessage(writable, geometry);
        if (k < 0) {
            return false; // not a message the writer put: nothing to answer (a corrupt region; readers say so)
        }
        if (word(writable, geometry) != word || !holderDead(writable, geometry, word)
                || slotMessage(writable, geometry) != k) {
            return false;
        }
        if (CrashPoint.ENABLED) {
            CrashPoint.reached(CrashPoint.MAILBOX_RECOVERING);
        }
        // Cleared before the claim: this recoverer stores no start time of its own (it is found dead by its
        // pid alone); a stale clear after the box moved on only makes its holder's check pid-only.
        setHolderStart(writable, geometry, 0);
        long own = word(MAILBOX_READING, PID);
        if (!transition(writable, geometry, word, own)) {
            return false; // someone moved first
        }
        long held = slotMessage(writable, geometry); // again: nobody writes the slot while the box is held
        if (held >= 0) {
            k = held;
        }
        setCode(writable, geometry, RecordBlockDescriptor.MAILBOX_CODE_CONSUMER_DIED);
        if (!transition(writable, geometry, own, word(MAILBOX_ERROR, k + 1))) {
            return false; // a live holder is never taken from: only a region writer outside the protocol gets here
        }
        Words.getAndAddLong(writable, geometry.blockOffset() + MAILBOX_RECOVERED_OFFSET, 1L);
        wake(writable, geometry, stateWordAddress);
        return true;
    }

    /** Wakes whoever sleeps on the state word, when a sleeper bit is set (a volatile load after the transition). */
    public static void wake(ByteBuffer region, RingGeometry geometry, long stateWordAddress) {
        if (stateWordAddress != 0 && Words.getIntVolatile(region, Sleepers.maskOffset(geometry)) != 0) {
            Futex.wakeAll(stateWordAddress);
        }
    }

    /** Native address of the state word in {@code mapping}, 0 for a heap buffer. */
    public static long stateWordAddress(ByteBuffer mapping, RingGeometry geometry) {
        long base = Futex.address(mapping);
        return base == 0 ? 0 : base + wordOffset(geometry);
    }

    /** A name for the state value, for tools and messages. */
    public static String stateName(int state) {
        switch (state) {
            case MAILBOX_EMPTY: return "EMPTY";
            case MAILBOX_READY: return "READY";
            case MAILBOX_READING: return "READING";
            case MAILBOX_ERROR: return "ERROR";
            default: return "INVALID(" + state + ")";
        }
    }
}
