package io.shmtel.schema.layout;

/**
 * Layout of one slot of a record's ring.
 *
 * <pre>
 *   0                   8                   16
 *   +-------------------+-------------------+---------------------------+---------+
 *   | seq (u64)         | timestamp (u64)   | payload (fields)          | padding |
 *   +-------------------+-------------------+---------------------------+---------+
 *   |<------------------------- slot length: a multiple of 64 ----------------->|
 *   written by the writer only; readers copy the whole slot and check seq around the copy
 * </pre>
 *
 * <p>{@code seq} is {@code 2k+1} while sample {@code k} is being written and {@code 2k+2} once it
 * is complete; {@code 0} means the slot was never written. {@code timestamp} is the publish time in
 * CLOCK_MONOTONIC nanoseconds. The slot is padded to a multiple of 64 bytes so that no two slots
 * share a cache line: a reader copying slot {@code k-1} never contends with the writer of slot {@code k}.
 */
public final class SlotDescriptor {
    public static final int SIZE_OF_INT = 4;
    public static final int SIZE_OF_LONG = 8;
    public static final int CACHE_LINE_LENGTH = 64;

    public static final int SEQ_OFFSET = 0;
    public static final int TIMESTAMP_OFFSET = SEQ_OFFSET + SIZE_OF_LONG;
    public static final int PAYLOAD_OFFSET = TIMESTAMP_OFFSET + SIZE_OF_LONG;

    private SlotDescriptor() {}

    /** Slot length for a payload: header plus payload, rounded up to whole cache lines. */
    public static long slotLength(long payloadLength) {
        return align(PAYLOAD_OFFSET + payloadLength, CACHE_LINE_LENGTH);
    }

    /** {@code seq} value of a complete sample {@code k}. */
    public static long completeSeq(long sampleIndex) {
        return 2 * sampleIndex + 2;
    }

    /** {@code seq} value while sample {@code k} is being written. */
    public static long writingSeq(long sampleIndex) {
        return 2 * sampleIndex + 1;
    }

    /** The sample index a complete {@code seq} stands for. */
    public static long sampleIndex(long completeSeq) {
        return (completeSeq - 2) >>> 1;
    }

    static long align(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
