package io.shmtel.schema.layout;

/**
 * Layout of one record's block in a region: two control cache lines, then the ring of slots.
 *
 * <pre>
 *   block offset (a multiple of 64)
 *   +0    +---------------------------------------------------------------+
 *         | published (u64): count of complete samples    | pad to 64     |  written by the writer only
 *   +64   +---------------------------------------------------------------+
 *         | reserved (64 bytes, zero in format 1.0)                       |  kept for wake-up words
 *   +128  +---------------------------------------------------------------+
 *         | slot 0 | slot 1 | ... | slot depth-1     (see SlotDescriptor)  |
 *         +---------------------------------------------------------------+
 * </pre>
 *
 * <p>{@code published} sits alone on its cache line so that readers polling it do not share a
 * line with slot contents the writer is storing; the reserved line keeps words that readers
 * write (waiter counts) away from it in a later minor version.
 */
public final class RecordBlockDescriptor {
    public static final int PUBLISHED_OFFSET = 0;
    public static final int RESERVED_LINE_OFFSET = PUBLISHED_OFFSET + SlotDescriptor.CACHE_LINE_LENGTH;
    public static final int SLOTS_OFFSET = RESERVED_LINE_OFFSET + SlotDescriptor.CACHE_LINE_LENGTH;

    private RecordBlockDescriptor() {}

    /** Offset of slot {@code index} from the start of the block. */
    public static long slotOffset(int index, int slotLength) {
        return SLOTS_OFFSET + (long) index * slotLength;
    }

    public static long blockLength(int depth, long slotLength) {
        return SLOTS_OFFSET + depth * slotLength;
    }
}
