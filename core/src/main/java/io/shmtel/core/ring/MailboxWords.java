package io.shmtel.core.ring;

import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_ANSWERED_OFFSET;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_CODE_OFFSET;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_HOLDER_START_OFFSET;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_RECOVERED_OFFSET;
import static io.shmtel.schema.layout.RecordBlockDescriptor.MAILBOX_STATE_OFFSET;

import io.shmtel.core.nativeio.Futex;
import io.shmtel.core.region.ProcessInfo;
import io.shmtel.schema.layout.RecordBlockDescriptor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The handshake words of a mailbox record (format 1.2; see {@link RecordBlockDescriptor}): the
 * state and the holder's pid form one u64 changed only by compare-and-set, so that taking a message
 * records who holds it in the same step. Transitions:
 *
 * <pre>
 *   writer:    EMPTY -&gt; READY (after writing the slot)      ERROR -&gt; EMPTY (after reading the code)
 *   consumer:  READY -&gt; READING|pid   READING|pid -&gt; EMPTY (done) or ERROR (code &gt;= 1)
 *   anyone:    READING|pid -&gt; ERROR (code -1) when that pid's process is dead (recovery)
 * </pre>
 *
 * The low half of the word, the state, is the futex word both sides sleep on; a side that moves
 * the state another side may wait for loads the sleeper bits afterwards (every access here is
 * sequentially consistent) and wakes the word when one is set. Static helpers over a writable
 * mapping; no allocation but in {@link #holderDead} (reads /proc, during recovery only).
 */
public final class MailboxWords {
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private MailboxWords() {}

    /** Offset of the u64 state|holder word of {@code geometry}'s mailbox in the region buffer. */
    public static int wordOffset(RingGeometry geometry) {
        return geometry.blockOffset() + MAILBOX_STATE_OFFSET;
    }

    /** The u64 state|holder word (volatile). */
    public static long word(ByteBuffer region, RingGeometry geometry) {
        return (long) LONG.getVolatile(region, wordOffset(geometry));
    }

    public static int state(long word) {
        return (int) word;
    }

    public static int holder(long word) {
        return (int) (word >>> 32);
    }

    public static long word(int state, int holderPid) {
        return (state & 0xffff_ffffL) | ((long) holderPid << 32);
    }

    /** Moves the word from {@code expected} to {@code next} (compare-and-set, volatile). */
    public static boolean transition(ByteBuffer writable, RingGeometry geometry, long expected, long next) {
        return LONG.compareAndSet(writable, wordOffset(geometry), expected, next);
    }

    public static int code(ByteBuffer region, RingGeometry geometry) {
        return (int) INT.getVolatile(region, geometry.blockOffset() + MAILBOX_CODE_OFFSET);
    }

    public static void setCode(ByteBuffer writable, RingGeometry geometry, int code) {
        INT.setVolatile(writable, geometry.blockOffset() + MAILBOX_CODE_OFFSET, code);
    }

    public static long answered(ByteBuffer region, RingGeometry geometry) {
        return (long) LONG.getVolatile(region, geometry.blockOffset() + MAILBOX_ANSWERED_OFFSET);
    }

    public static void countAnswer(ByteBuffer writable, RingGeometry geometry) {
        LONG.getAndAdd(writable, geometry.blockOffset() + MAILBOX_ANSWERED_OFFSET, 1L);
    }

    public static long recovered(ByteBuffer region, RingGeometry geometry) {
        return (long) LONG.getVolatile(region, geometry.blockOffset() + MAILBOX_RECOVERED_OFFSET);
    }

    public static long holderStart(ByteBuffer region, RingGeometry geometry) {
        return (long) LONG.getVolatile(region, geometry.blockOffset() + MAILBOX_HOLDER_START_OFFSET);
    }

    /** Stored by a consumer right after it took a message; cleared (0) before it answers. */
    public static void setHolderStart(ByteBuffer writable, RingGeometry geometry, long startTime) {
        LONG.setVolatile(writable, geometry.blockOffset() + MAILBOX_HOLDER_START_OFFSET, startTime);
    }

    /**
     * Whether the process that holds the message of {@code word} is gone: no such pid, or a pid now
     * used by a process that started at another time than the one the holder stored.
     */
    public static boolean holderDead(ByteBuffer region, RingGeometry geometry, long word) {
        int pid = holder(word);
        if (state(word) != RecordBlockDescriptor.MAILBOX_READING || pid <= 0) {
            return false;
        }
        if (!Futex.processExists(pid)) {
            return true;
        }
        long start = holderStart(region, geometry);
        return start > 0 && ProcessInfo.startTime(pid) != start;
    }

    /**
     * Answers, for a dead holder, its message with {@link RecordBlockDescriptor#MAILBOX_CODE_CONSUMER_DIED}
     * (never delivers it again: the holder may have acted on it); true when this call did it.
     */
    public static boolean recover(ByteBuffer writable, RingGeometry geometry, long word, long stateWordAddress) {
        if (!holderDead(writable, geometry, word)) {
            return false;
        }
        // Cleared before the transition, so a later holder's start time is the only one ever seen with its pid.
        setHolderStart(writable, geometry, 0);
        setCode(writable, geometry, RecordBlockDescriptor.MAILBOX_CODE_CONSUMER_DIED);
        if (!transition(writable, geometry, word, word(RecordBlockDescriptor.MAILBOX_ERROR, 0))) {
            return false;
        }
        LONG.getAndAdd(writable, geometry.blockOffset() + MAILBOX_RECOVERED_OFFSET, 1L);
        countAnswer(writable, geometry);
        wake(writable, geometry, stateWordAddress);
        return true;
    }

    /** Wakes whoever sleeps on the state word, when a sleeper bit is set (a volatile load after the transition). */
    public static void wake(ByteBuffer region, RingGeometry geometry, long stateWordAddress) {
        if (stateWordAddress != 0 && (int) INT.getVolatile(region, Sleepers.maskOffset(geometry)) != 0) {
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
            case RecordBlockDescriptor.MAILBOX_EMPTY: return "EMPTY";
            case RecordBlockDescriptor.MAILBOX_READY: return "READY";
            case RecordBlockDescriptor.MAILBOX_READING: return "READING";
            case RecordBlockDescriptor.MAILBOX_ERROR: return "ERROR";
            default: return "INVALID(" + state + ")";
        }
    }
}
