package io.shmtel.schema.layout;

import static io.shmtel.schema.layout.SlotDescriptor.CACHE_LINE_LENGTH;
import static io.shmtel.schema.layout.SlotDescriptor.SIZE_OF_INT;
import static io.shmtel.schema.layout.SlotDescriptor.SIZE_OF_LONG;

/**
 * Layout of a region's header (page 0 onwards) and of its record table. All integers
 * little-endian; docs/format.md, "Header" and "Record-table entry", draws the same.
 *
 * <pre>
 *   0     +--- fixed part: written once on create, read once on open ----------+
 *         | magic (u64): the bytes "SHMTEL\0\0"                                 |
 *   8     | format version (u32): major &lt;&lt; 16 | minor, written last on create    |
 *   12    | header length (u32), a multiple of 4096                            |
 *   16    | region length (u64), a multiple of 4096                            |
 *   24    | layout fingerprint (u64)                                           |
 *   32    | record count (u32)              | record table offset (u32) = 256  |
 *   40    | schema text offset (u32)        | schema text length (u32)         |
 *   48    | schema version (u32)            | reserved (u32), 0                |
 *   56    | last flush (u64): CLOCK_REALTIME ns, 0 = never flushed (1.2)       |
 *   64    +--- writer line (WRITER_LINE_OFFSET): written on open and close ----+
 *         | writer pid (i32)                | state (u32)                      |
 *   72    | writer process start time (u64): clock ticks after boot            |
 *   80    | writer epoch (u64): bumped by each new owner of the region         |
 *   88    | heartbeat period (u64, ns)                                         |
 *   96    | reserved to 128, 0                                                 |
 *   128   +--- heartbeat line (HEARTBEAT_LINE_OFFSET): written periodically ---+
 *         | heartbeat (u64): CLOCK_MONOTONIC ns of the writer's last beat      |
 *   136   | reserved to 256, 0                                                 |
 *   256   +--- record table (RECORD_TABLE_OFFSET): count x 128 bytes ----------+
 *         | entry 0 | entry 1 | ...                    (see RECORD_ENTRY_*)    |
 *         +--------------------------------------------------------------------+
 *         | canonical schema text: UTF-8 JSON, schema text length bytes        |
 *         +--------------------------------------------------------------------+
 *         | zero padding up to header length (a page multiple)                 |
 *         +--------------------------------------------------------------------+
 * </pre>
 *
 * <p>The writer line and the heartbeat line each have a cache line of their own, after the fixed
 * part: the periodic heartbeat store does not invalidate the words readers check on open, nor the
 * writer line they load to tell the writer's state. A record-table entry (128 bytes, two lines):
 *
 * <pre>
 *   +0    name (64 bytes): UTF-8, NUL-padded; not NUL-terminated when 64 bytes long
 *   +64   block offset (u64): from the region start
 *   +72   block length (u64)
 *   +80   record fingerprint (u64)
 *   +88   slot length (u32)
 *   +92   depth (u32)
 *   +96   payload length (u32)
 *   +100  field count (u32)
 *   +104  sync (u32): 0 a ring, 1 a mailbox (format 1.2; 0 before)
 *   +108  reserved (u32), 0
 *   +112  flushed (u64): this record's samples on storage as of the last flush (1.2; 0 = never)
 *   +120  reserved to 128, 0
 * </pre>
 */
public final class RegionHeaderDescriptor {
    /** "SHMTEL" followed by two NUL bytes, read as a little-endian u64. */
    public static final long MAGIC = 0x00004C45544D4853L;
    public static final int FORMAT_MAJOR = 1;
    /** 1.1: sleeper words (wake-on-publish); 1.2: mailbox records (record-table sync word, handshake words). */
    public static final int FORMAT_MINOR = 2;
    /** The format version word holds the major version above this bit, the minor below it. */
    public static final int FORMAT_MAJOR_SHIFT = 16;
    public static final int FORMAT_VERSION = FORMAT_MAJOR << FORMAT_MAJOR_SHIFT | FORMAT_MINOR;
    public static final int PAGE_LENGTH = 4096;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + SIZE_OF_LONG;
    public static final int HEADER_LENGTH_OFFSET = VERSION_OFFSET + SIZE_OF_INT;
    public static final int REGION_LENGTH_OFFSET = HEADER_LENGTH_OFFSET + SIZE_OF_INT;
    public static final int FINGERPRINT_OFFSET = REGION_LENGTH_OFFSET + SIZE_OF_LONG;
    public static final int RECORD_COUNT_OFFSET = FINGERPRINT_OFFSET + SIZE_OF_LONG;
    public static final int RECORD_TABLE_OFFSET_OFFSET = RECORD_COUNT_OFFSET + SIZE_OF_INT;
    public static final int SCHEMA_TEXT_OFFSET_OFFSET = RECORD_TABLE_OFFSET_OFFSET + SIZE_OF_INT;
    public static final int SCHEMA_TEXT_LENGTH_OFFSET = SCHEMA_TEXT_OFFSET_OFFSET + SIZE_OF_INT;
    public static final int SCHEMA_VERSION_OFFSET = SCHEMA_TEXT_LENGTH_OFFSET + SIZE_OF_INT;
    /** u32 reserved, 0: after the schema version. */
    public static final int FIXED_RESERVED_OFFSET = SCHEMA_VERSION_OFFSET + SIZE_OF_INT;
    /** u64 CLOCK_REALTIME ns when the last flush (msync) completed; 0 when the region was never flushed. */
    public static final int FLUSHED_AT_OFFSET = FIXED_RESERVED_OFFSET + SIZE_OF_INT;

    /** The writer line: the second cache line, right after the fixed part. */
    public static final int WRITER_LINE_OFFSET = FLUSHED_AT_OFFSET + SIZE_OF_LONG;
    public static final int WRITER_PID_OFFSET = WRITER_LINE_OFFSET;
    public static final int STATE_OFFSET = WRITER_PID_OFFSET + SIZE_OF_INT;
    public static final int WRITER_START_TIME_OFFSET = STATE_OFFSET + SIZE_OF_INT;
    public static final int WRITER_EPOCH_OFFSET = WRITER_START_TIME_OFFSET + SIZE_OF_LONG;
    public static final int HEARTBEAT_PERIOD_OFFSET = WRITER_EPOCH_OFFSET + SIZE_OF_LONG;
    /** Reserved, 0, from here to the heartbeat line. */
    public static final int WRITER_LINE_RESERVED_OFFSET = HEARTBEAT_PERIOD_OFFSET + SIZE_OF_LONG;

    /** State word: the region is being created or taken over. */
    public static final int STATE_INITIALISING = 0;
    /** State word: a writer owns the region. */
    public static final int STATE_LIVE = 1;
    /** State word: the writer closed the region cleanly. */
    public static final int STATE_CLOSED = 2;

    /** The heartbeat line: a cache line of its own, so that the periodic store invalidates nothing else. */
    public static final int HEARTBEAT_LINE_OFFSET = WRITER_LINE_OFFSET + CACHE_LINE_LENGTH;
    public static final int HEARTBEAT_OFFSET = HEARTBEAT_LINE_OFFSET;
    /** Reserved, 0, from here to the record table (the rest of the heartbeat line and one more line). */
    public static final int HEARTBEAT_LINE_RESERVED_OFFSET = HEARTBEAT_OFFSET + SIZE_OF_LONG;

    /** The record table: after the heartbeat line and one reserved line. */
    public static final int RECORD_TABLE_OFFSET = HEARTBEAT_LINE_OFFSET + 2 * CACHE_LINE_LENGTH;
    public static final int RECORD_ENTRY_NAME_OFFSET = 0;
    /** Bytes of a record name, NUL-padded (the longest name fills them, unterminated). */
    public static final int RECORD_ENTRY_NAME_LENGTH = 64;
    public static final int RECORD_ENTRY_BLOCK_OFFSET_OFFSET = RECORD_ENTRY_NAME_OFFSET + RECORD_ENTRY_NAME_LENGTH;
    public static final int RECORD_ENTRY_BLOCK_LENGTH_OFFSET = RECORD_ENTRY_BLOCK_OFFSET_OFFSET + SIZE_OF_LONG;
    public static final int RECORD_ENTRY_FINGERPRINT_OFFSET = RECORD_ENTRY_BLOCK_LENGTH_OFFSET + SIZE_OF_LONG;
    public static final int RECORD_ENTRY_SLOT_LENGTH_OFFSET = RECORD_ENTRY_FINGERPRINT_OFFSET + SIZE_OF_LONG;
    public static final int RECORD_ENTRY_DEPTH_OFFSET = RECORD_ENTRY_SLOT_LENGTH_OFFSET + SIZE_OF_INT;
    public static final int RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET = RECORD_ENTRY_DEPTH_OFFSET + SIZE_OF_INT;
    public static final int RECORD_ENTRY_FIELD_COUNT_OFFSET = RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET + SIZE_OF_INT;
    /** u32: {@link #SYNC_RING} or {@link #SYNC_MAILBOX} (format 1.2; zero, a ring, before). */
    public static final int RECORD_ENTRY_SYNC_OFFSET = RECORD_ENTRY_FIELD_COUNT_OFFSET + SIZE_OF_INT;
    /** u32 reserved, 0: after the sync word. */
    public static final int RECORD_ENTRY_RESERVED_OFFSET = RECORD_ENTRY_SYNC_OFFSET + SIZE_OF_INT;
    /** u64: this record's samples (its published count) on storage as of the last flush. */
    public static final int RECORD_ENTRY_FLUSHED_OFFSET = RECORD_ENTRY_RESERVED_OFFSET + SIZE_OF_INT;
    /** u64 reserved, 0: the entry's last word. */
    public static final int RECORD_ENTRY_TAIL_RESERVED_OFFSET = RECORD_ENTRY_FLUSHED_OFFSET + SIZE_OF_LONG;
    /** Bytes of one record-table entry: two cache lines. */
    public static final int RECORD_ENTRY_LENGTH = RECORD_ENTRY_TAIL_RESERVED_OFFSET + SIZE_OF_LONG;
    public static final int SYNC_RING = 0;
    public static final int SYNC_MAILBOX = 1;

    private RegionHeaderDescriptor() {}

    public static int recordEntryOffset(int recordIndex) {
        return RECORD_TABLE_OFFSET + recordIndex * RECORD_ENTRY_LENGTH;
    }

    public static int schemaTextOffset(int recordCount) {
        return RECORD_TABLE_OFFSET + recordCount * RECORD_ENTRY_LENGTH;
    }

    /** Header length: table and schema text rounded up to whole pages, so records start page-aligned. */
    public static long headerLength(int recordCount, int schemaTextLength) {
        return SlotDescriptor.align((long) schemaTextOffset(recordCount) + schemaTextLength, PAGE_LENGTH);
    }

    public static int major(int formatVersion) {
        return formatVersion >>> FORMAT_MAJOR_SHIFT;
    }

    public static int minor(int formatVersion) {
        return formatVersion & ((1 << FORMAT_MAJOR_SHIFT) - 1);
    }
}
