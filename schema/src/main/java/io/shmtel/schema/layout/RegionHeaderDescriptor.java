package io.shmtel.schema.layout;

/**
 * Layout of a region's header (page 0 onwards). All integers little-endian.
 *
 * <pre>
 *   0     +-------------------------------+-------------------------------+
 *         | magic "SHMTEL\0\0" (u64)                                       |
 *   8     +-------------------------------+-------------------------------+
 *         | format version (u32): major<<16|minor, written last on create  |
 *   12    | header length (u32), a multiple of 4096                        |
 *   16    | region length (u64), a multiple of 4096                        |
 *   24    | layout fingerprint (u64)                                       |
 *   32    | record count (u32)            | record table offset (u32)     |
 *   40    | schema text offset (u32)      | schema text length (u32)      |
 *   48    | schema version (u32)          | reserved (u32)                |
 *   56    | last flush (u64, CLOCK_REALTIME ns; 0: never flushed; 1.2)      |
 *   64    +------------------ writer line (written on open/close) ---------+
 *         | writer pid (i32)              | state (u32)                   |
 *   72    | writer process start time (u64, clock ticks after boot)        |
 *   80    | writer epoch (u64)                                             |
 *   88    | heartbeat period (u64, ns)                                     |
 *   96    | reserved to 128                                                |
 *   128   +------------------ heartbeat line (written periodically) -------+
 *         | heartbeat (u64, CLOCK_MONOTONIC ns)                            |
 *   136   | reserved to 256                                                |
 *   256   +------------------ record table: count x 128 bytes -------------+
 *         | entry 0 | entry 1 | ...            (see RECORD_ENTRY_* below)  |
 *         +----------------------------------------------------------------+
 *         | canonical schema JSON (UTF-8, schema text length bytes)        |
 *         +----------------------------------------------------------------+
 *         | zero padding to header length (a page multiple)                |
 *         +----------------------------------------------------------------+
 * </pre>
 *
 * <p>The heartbeat has its own cache line so that its periodic store does not invalidate the
 * immutable words readers check on open. A record-table entry:
 *
 * <pre>
 *   +0    name (64 bytes UTF-8, NUL-padded)
 *   +64   block offset (u64)       +72  block length (u64)
 *   +80   record fingerprint (u64) +88  slot length (u32)   +92  depth (u32)
 *   +96   payload length (u32)     +100 field count (u32)   +104 sync (u32): 0 ring, 1 mailbox (format 1.2)
 *   +108  reserved (u32)           +112 flushed (u64): samples on storage as of the last flush (1.2)
 *   +120  reserved to 128
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
    public static final int VERSION_OFFSET = MAGIC_OFFSET + 8;
    public static final int HEADER_LENGTH_OFFSET = VERSION_OFFSET + 4;
    public static final int REGION_LENGTH_OFFSET = HEADER_LENGTH_OFFSET + 4;
    public static final int FINGERPRINT_OFFSET = REGION_LENGTH_OFFSET + 8;
    public static final int RECORD_COUNT_OFFSET = FINGERPRINT_OFFSET + 8;
    public static final int RECORD_TABLE_OFFSET_OFFSET = RECORD_COUNT_OFFSET + 4;
    public static final int SCHEMA_TEXT_OFFSET_OFFSET = RECORD_TABLE_OFFSET_OFFSET + 4;
    public static final int SCHEMA_TEXT_LENGTH_OFFSET = SCHEMA_TEXT_OFFSET_OFFSET + 4;
    public static final int SCHEMA_VERSION_OFFSET = SCHEMA_TEXT_LENGTH_OFFSET + 4;
    /** u64 CLOCK_REALTIME ns when the last flush (msync) completed; 0 when the region was never flushed. */
    public static final int FLUSHED_AT_OFFSET = 56;

    public static final int WRITER_LINE_OFFSET = 64;
    public static final int WRITER_PID_OFFSET = WRITER_LINE_OFFSET;
    public static final int STATE_OFFSET = WRITER_PID_OFFSET + 4;
    public static final int WRITER_START_TIME_OFFSET = STATE_OFFSET + 4;
    public static final int WRITER_EPOCH_OFFSET = WRITER_START_TIME_OFFSET + 8;
    public static final int HEARTBEAT_PERIOD_OFFSET = WRITER_EPOCH_OFFSET + 8;

    /** State word: the region is being created or taken over. */
    public static final int STATE_INITIALISING = 0;
    /** State word: a writer owns the region. */
    public static final int STATE_LIVE = 1;
    /** State word: the writer closed the region cleanly. */
    public static final int STATE_CLOSED = 2;

    public static final int HEARTBEAT_LINE_OFFSET = WRITER_LINE_OFFSET + SlotDescriptor.CACHE_LINE_LENGTH;
    public static final int HEARTBEAT_OFFSET = HEARTBEAT_LINE_OFFSET;

    public static final int RECORD_TABLE_OFFSET = 256;
    public static final int RECORD_ENTRY_LENGTH = 128;
    public static final int RECORD_ENTRY_NAME_OFFSET = 0;
    public static final int RECORD_ENTRY_NAME_LENGTH = 64;
    public static final int RECORD_ENTRY_BLOCK_OFFSET_OFFSET = RECORD_ENTRY_NAME_OFFSET + RECORD_ENTRY_NAME_LENGTH;
    public static final int RECORD_ENTRY_BLOCK_LENGTH_OFFSET = RECORD_ENTRY_BLOCK_OFFSET_OFFSET + 8;
    public static final int RECORD_ENTRY_FINGERPRINT_OFFSET = RECORD_ENTRY_BLOCK_LENGTH_OFFSET + 8;
    public static final int RECORD_ENTRY_SLOT_LENGTH_OFFSET = RECORD_ENTRY_FINGERPRINT_OFFSET + 8;
    public static final int RECORD_ENTRY_DEPTH_OFFSET = RECORD_ENTRY_SLOT_LENGTH_OFFSET + 4;
    public static final int RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET = RECORD_ENTRY_DEPTH_OFFSET + 4;
    public static final int RECORD_ENTRY_FIELD_COUNT_OFFSET = RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET + 4;
    /** u32: {@link #SYNC_RING} or {@link #SYNC_MAILBOX} (format 1.2; zero, a ring, before). */
    public static final int RECORD_ENTRY_SYNC_OFFSET = RECORD_ENTRY_FIELD_COUNT_OFFSET + 4;
    /** u64 in a record-table entry: this record's samples (published count) on storage as of the last flush. */
    public static final int RECORD_ENTRY_FLUSHED_OFFSET = RECORD_ENTRY_SYNC_OFFSET + 8;
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
