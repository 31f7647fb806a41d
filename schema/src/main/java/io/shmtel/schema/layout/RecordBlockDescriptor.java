package io.shmtel.schema.layout;

/**
 * Layout of one record's block in a region: two control cache lines, then the ring of slots.
 *
 * <pre>
 *   block offset (a multiple of 64)
 *   +0    +---------------------------------------------------------------+
 *         | published (u64): count of complete samples    | pad to 64     |  written by the writer only
 *   +64   +---------------------------------------------------------------+
 *         | sleepers (u32): bit i set while sleeper slot i sleeps          |  written by sleeping readers
 *   +68   | sleeper pids (15 x u32): slot i's owner, 0 when free           |  (format 1.1; zero in 1.0)
 *   +128  +---------------------------------------------------------------+
 *         | slot 0 | slot 1 | ... | slot depth-1     (see SlotDescriptor)  |
 *         +---------------------------------------------------------------+
 * </pre>
 *
 * <p>{@code published} sits alone on its cache line so that readers polling it do not share a
 * line with slot contents the writer is storing; the second line holds the words that readers
 * write, the sleepers (format 1.1): a reader that sleeps on the low 32 bits of {@code published}
 * (a futex word) claims a slot by storing its pid, then sets the slot's bit; the writer, after
 * publishing, wakes the word when the bits are not all zero. In format 1.0 the line was reserved
 * and zero, so a 1.1 reader never sleeps on a 1.0 region (its writer would not wake it).
 */
public final class RecordBlockDescriptor {
    public static final int PUBLISHED_OFFSET = 0;
    public static final int RESERVED_LINE_OFFSET = PUBLISHED_OFFSET + SlotDescriptor.CACHE_LINE_LENGTH;
    public static final int SLOTS_OFFSET = RESERVED_LINE_OFFSET + SlotDescriptor.CACHE_LINE_LENGTH;
    /** u32 bit set of the sleeper slots in use: what a writer loads after each publish. */
    public static final int SLEEPERS_OFFSET = RESERVED_LINE_OFFSET;
    /** The first of {@link #SLEEPER_SLOTS} u32 pids, one per sleeper slot (0 = free). */
    public static final int SLEEPER_PIDS_OFFSET = SLEEPERS_OFFSET + 4;
    public static final int SLEEPER_SLOTS = (SLOTS_OFFSET - SLEEPER_PIDS_OFFSET) / 4;
    /** The first format minor version (of major 1) whose writers wake sleepers. */
    public static final int WAKE_MINOR_VERSION = 1;

    // A mailbox record (format 1.2) has one slot and its handshake words after published, in the first line:
    /**
     * u64 handshake word, changed only by compare-and-set: the state ({@link #MAILBOX_EMPTY} to
     * {@link #MAILBOX_ERROR}) in the low half (the futex word), and in the high half the holder's pid
     * while READING, else a count (low 32 bits): messages put while READY, messages answered while EMPTY or ERROR.
     */
    public static final int MAILBOX_STATE_OFFSET = PUBLISHED_OFFSET + 8;
    /** The high half of the handshake word: the holder pid, or the low 32 bits of a count (see {@link #MAILBOX_STATE_OFFSET}). */
    public static final int MAILBOX_HOLDER_PID_OFFSET = MAILBOX_STATE_OFFSET + 4;
    /** i32 the code of the answer in state {@link #MAILBOX_ERROR}. */
    public static final int MAILBOX_CODE_OFFSET = MAILBOX_STATE_OFFSET + 16;
    /** u64 start time (clock ticks after boot) of the holder process, stored right after it took the message, cleared before it answers. */
    public static final int MAILBOX_HOLDER_START_OFFSET = MAILBOX_CODE_OFFSET + 8;
    /** u64 messages answered {@link #MAILBOX_CODE_CONSUMER_DIED} because their consumer died holding them (a statistic). */
    public static final int MAILBOX_RECOVERED_OFFSET = MAILBOX_HOLDER_START_OFFSET + 8;
    /** Nothing in the box: the writer may put. */
    public static final int MAILBOX_EMPTY = 0;
    /** A message is ready: a consumer may take it. */
    public static final int MAILBOX_READY = 1;
    /** A consumer holds the message (reading or handling it). */
    public static final int MAILBOX_READING = 2;
    /** The consumer answered with an error code; the writer reads it and empties the box. */
    public static final int MAILBOX_ERROR = 3;
    /** The error code of a message whose consumer died holding it (codes given by consumers are >= 1). */
    public static final int MAILBOX_CODE_CONSUMER_DIED = -1;

    private RecordBlockDescriptor() {}

    /** Offset of slot {@code index} from the start of the block. */
    public static long slotOffset(int index, int slotLength) {
        return SLOTS_OFFSET + (long) index * slotLength;
    }

    public static long blockLength(int depth, long slotLength) {
        return SLOTS_OFFSET + depth * slotLength;
    }
}
