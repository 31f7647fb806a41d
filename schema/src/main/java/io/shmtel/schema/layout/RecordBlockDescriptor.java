package io.shmtel.schema.layout;

import static io.shmtel.schema.layout.SlotDescriptor.CACHE_LINE_LENGTH;
import static io.shmtel.schema.layout.SlotDescriptor.SIZE_OF_INT;
import static io.shmtel.schema.layout.SlotDescriptor.SIZE_OF_LONG;

/**
 * Layout of one record's block in a region: two control cache lines, then the slots (a ring's
 * {@code depth} of them, a mailbox's one). All integers little-endian; docs/format.md, "Record
 * block" and "Mailbox records", draws the same.
 *
 * <pre>
 *   block offset (a multiple of 64)                                          written by
 *   +0    +--- published line (PUBLISHED_OFFSET) --------------------------+
 *         | published (u64): count of complete samples                     |  the writer
 *   +8    | a ring: pad to 64, 0; a mailbox: its handshake words (below)   |
 *   +64   +--- sleeper line (SLEEPER_LINE_OFFSET) -------------------------+
 *         | sleepers (u32): bit i set while sleeper slot i sleeps          |  sleepers: readers
 *   +68   | sleeper pids (15 x i32): slot i's owner, 0 free, -1 healing    |  (a mailbox: either end)
 *   +128  +--- slots (SLOTS_OFFSET) ---------------------------------------+  format 1.1; zero in 1.0
 *         | slot 0 | slot 1 | ... | slot depth-1      (see SlotDescriptor) |  the writer
 *         +----------------------------------------------------------------+
 *
 *   a mailbox's published line (format 1.2; depth 1, one slot):
 *   +0    published (u64): messages put so far                                the writer
 *   +8    handshake word (u64), changed by compare-and-set only:              the writer, consumers,
 *           +8   state (u32): EMPTY 0, READY 1, READING 2, ERROR 3;             recoverers
 *                the futex word of both ends
 *           +12  READING: the holder's pid; else a count's low 32 bits
 *   +16   reserved (u64), 0
 *   +24   code (i32): the answer's error code in state ERROR                  the holder
 *   +28   reserved (u32), 0
 *   +32   holder start time (u64): the holder process's start time, or 0      the holder
 *   +40   recovered (u64): messages answered CONSUMER_DIED (a statistic)      recoverers
 *   +48   reserved to 64, 0
 * </pre>
 *
 * <p>In a ring, {@code published} sits alone on its cache line, written by the writer only, so
 * that readers polling it do not share a line with slot contents the writer is storing. A
 * mailbox, which holds one message at a time, keeps its handshake words on that line: the writer,
 * consumers and recoverers all change them, and the message's slot is not written while a
 * consumer holds it. The second line holds the only words that readers of a ring write, the
 * sleepers (format 1.1), padded to a line of their own so that a reader registering to sleep
 * never invalidates the writer's {@code published} line: a reader that sleeps on the low 32 bits of
 * {@code published} (a futex word; a mailbox's state word) claims a slot by storing its pid, then
 * sets the slot's bit; the writer, after publishing, wakes the word when the bits are not all
 * zero. In format 1.0 the line was reserved and zero, so a 1.1 reader never sleeps on a 1.0 region
 * (its writer would not wake it).
 */
public final class RecordBlockDescriptor {
    /** u64 count of complete samples (a ring) or messages put (a mailbox); its low half is a ring's futex word. */
    public static final int PUBLISHED_OFFSET = 0;
    /** The second control line: the sleeper words, the only words a ring's readers write. */
    public static final int SLEEPER_LINE_OFFSET = PUBLISHED_OFFSET + CACHE_LINE_LENGTH;
    /** The first slot: after the two control lines. */
    public static final int SLOTS_OFFSET = SLEEPER_LINE_OFFSET + CACHE_LINE_LENGTH;
    /** u32 bit set of the sleeper slots in use: what a writer loads after each publish. */
    public static final int SLEEPERS_OFFSET = SLEEPER_LINE_OFFSET;
    /** The first of {@link #SLEEPER_SLOTS} u32 pids, one per sleeper slot (0 = free). */
    public static final int SLEEPER_PIDS_OFFSET = SLEEPERS_OFFSET + SIZE_OF_INT;
    /** Sleeper slots in a record: as many pids as fill the rest of the sleeper line (15). */
    public static final int SLEEPER_SLOTS = (SLOTS_OFFSET - SLEEPER_PIDS_OFFSET) / SIZE_OF_INT;
    /** The first format minor version (of major 1) whose writers wake sleepers. */
    public static final int WAKE_MINOR_VERSION = 1;

    // A mailbox record (format 1.2) has one slot and its handshake words after published, in the first line:
    /**
     * u64 handshake word, changed only by compare-and-set: the state ({@link #MAILBOX_EMPTY} to
     * {@link #MAILBOX_ERROR}) in the low half (the futex word), and in the high half the holder's pid
     * while READING, else a count (low 32 bits): messages put while READY, messages answered while
     * EMPTY or ERROR.
     */
    public static final int MAILBOX_STATE_OFFSET = PUBLISHED_OFFSET + SIZE_OF_LONG;
    /** The handshake word's high half: the holder pid, or a count's low 32 bits (see {@link #MAILBOX_STATE_OFFSET}). */
    public static final int MAILBOX_HOLDER_PID_OFFSET = MAILBOX_STATE_OFFSET + SIZE_OF_INT;
    /** u64 reserved, 0: after the handshake word. */
    public static final int MAILBOX_RESERVED_OFFSET = MAILBOX_STATE_OFFSET + SIZE_OF_LONG;
    /** i32 the code of the answer in state {@link #MAILBOX_ERROR}. */
    public static final int MAILBOX_CODE_OFFSET = MAILBOX_RESERVED_OFFSET + SIZE_OF_LONG;
    /** u32 reserved, 0: pads the code to 8 bytes, so the holder start time is 8-aligned. */
    public static final int MAILBOX_CODE_RESERVED_OFFSET = MAILBOX_CODE_OFFSET + SIZE_OF_INT;
    /**
     * u64 start time (clock ticks after boot) of the holder process, stored right after it took the
     * message, cleared before it answers.
     */
    public static final int MAILBOX_HOLDER_START_OFFSET = MAILBOX_CODE_RESERVED_OFFSET + SIZE_OF_INT;
    /** u64 messages answered {@link #MAILBOX_CODE_CONSUMER_DIED}: their consumer died holding them (a statistic). */
    public static final int MAILBOX_RECOVERED_OFFSET = MAILBOX_HOLDER_START_OFFSET + SIZE_OF_LONG;
    /** Reserved, 0, from here to the end of the published line ({@link #SLEEPER_LINE_OFFSET}). */
    public static final int MAILBOX_LINE_RESERVED_OFFSET = MAILBOX_RECOVERED_OFFSET + SIZE_OF_LONG;
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

    /** Offset of sleeper slot {@code slot}'s pid from the start of the block. */
    public static int sleeperPidOffset(int slot) {
        return SLEEPER_PIDS_OFFSET + slot * SIZE_OF_INT;
    }

    /** Bytes of a block: the two control lines and {@code depth} slots. */
    public static long blockLength(int depth, long slotLength) {
        return SLOTS_OFFSET + depth * slotLength;
    }
}
