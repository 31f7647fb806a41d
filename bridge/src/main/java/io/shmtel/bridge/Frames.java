package io.shmtel.bridge;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The bridge's wire format, version 1 (docs/bridge.md): one frame per transport message, all
 * integers little-endian. Every frame starts with a 24-byte header: magic {@code "SHBR"}, version,
 * type, the sender's random id (new at each sender start) and the stream index (one stream per
 * mirrored record of the sender). Then, by type:
 * <ul>
 * <li>{@link #SCHEMA}: source epoch, layout and record fingerprints, the region and record names,
 *     the sender's label and the region's canonical schema text: everything a receiver needs to
 *     create the same region; sent before a stream's first sample, on a new epoch, when a
 *     receiver connects, and every second for late joiners.</li>
 * <li>{@link #SAMPLE}: source epoch, source sample index, the sender's own count of samples sent
 *     on this stream (gaps in it are samples lost on the link), publish time (ns since the Unix
 *     epoch, the source host's clock) and the payload bytes of the record.</li>
 * <li>{@link #STATUS}: source epoch, the source writer's state, samples sent so far (so a lost
 *     tail is counted too), samples the sender's reader lost, and the sender's clock; every
 *     100 ms.</li>
 * <li>{@link #SAMPLES}: several samples of one stream and epoch in one message, sent when the
 *     sender's reader finds more than one waiting (a fast publisher): source epoch, the count, the
 *     payload length (the record's, the same for each), then per sample its index, the sender's
 *     count, its publish time and its payload. A receiver applies each as the {@link #SAMPLE}
 *     frame {@link #unbatch} makes of it.</li>
 * </ul>
 * <pre>
 *  SAMPLES (type 4), after the 24-byte header:
 *   24  source epoch           u64
 *   32  count (>= 1)           u32
 *   36  payload length P       u32
 *   40  entry 0: sample index u64 | sent count u64 | publish ns u64 | P payload bytes   (24 + P bytes)
 *   ..  entry 1 at 40 + (24 + P), and so on: frame length = 40 + count * (24 + P)
 * </pre>
 */
public final class Frames {
    public static final int MAGIC = 0x52424853; // "SHBR" little-endian
    public static final int VERSION = 1;
    public static final int SCHEMA = 1;
    public static final int SAMPLE = 2;
    public static final int STATUS = 3;
    public static final int SAMPLES = 4;

    public static final int HEADER_LENGTH = 24;
    static final int EPOCH = 24;
    // SCHEMA
    static final int LAYOUT_FINGERPRINT = 32;
    static final int RECORD_FINGERPRINT = 40;
    static final int REGION_NAME_LENGTH = 48;
    static final int RECORD_NAME_LENGTH = 50;
    static final int LABEL_LENGTH = 52;
    static final int SCHEMA_LENGTH = 56;
    static final int SCHEMA_STRINGS = 60;
    // SAMPLE
    static final int SAMPLE_INDEX = 32;
    static final int SENT_COUNT = 40;
    static final int PUBLISH_EPOCH_NS = 48;
    static final int PAYLOAD_LENGTH = 56;
    public static final int SAMPLE_PAYLOAD = 64;
    // STATUS
    static final int WRITER_STATE = 32;
    static final int SENT_TOTAL = 40;
    static final int SENDER_LOST = 48;
    static final int SENDER_CLOCK_NS = 56;
    public static final int STATUS_LENGTH = 64;
    // SAMPLES
    static final int BATCH_COUNT = 32;
    static final int BATCH_PAYLOAD_LENGTH = 36;
    public static final int BATCH_ENTRIES = 40;
    /** Offsets within one entry of a SAMPLES frame. */
    static final int ENTRY_SAMPLE_INDEX = 0;
    static final int ENTRY_SENT_COUNT = 8;
    static final int ENTRY_PUBLISH_EPOCH_NS = 16;
    public static final int ENTRY_PAYLOAD = 24;

    private Frames() {}

    static void header(ByteBuffer b, int type, long senderId, int stream) {
        b.putInt(0, MAGIC);
        b.put(4, (byte) VERSION);
        b.put(5, (byte) type);
        b.putShort(6, (short) 0);
        b.putLong(8, senderId);
        b.putInt(16, stream);
        b.putInt(20, 0);
    }

    /** Writes a SCHEMA frame into {@code b} (large enough: {@link #schemaLength}); returns its length. */
    static int schema(ByteBuffer b, long senderId, int stream, long epoch, long layoutFingerprint,
            long recordFingerprint, byte[] region, byte[] record, byte[] label, byte[] schemaText) {
        header(b, SCHEMA, senderId, stream);
        b.putLong(EPOCH, epoch);
        b.putLong(LAYOUT_FINGERPRINT, layoutFingerprint);
        b.putLong(RECORD_FINGERPRINT, recordFingerprint);
        b.putShort(REGION_NAME_LENGTH, (short) region.length);
        b.putShort(RECORD_NAME_LENGTH, (short) record.length);
        b.putInt(LABEL_LENGTH, label.length);
        b.putInt(SCHEMA_LENGTH, schemaText.length);
        int at = SCHEMA_STRINGS;
        b.put(at, region);
        at += region.length;
        b.put(at, record);
        at += record.length;
        b.put(at, label);
        at += label.length;
        b.put(at, schemaText);
        return at + schemaText.length;
    }

    static int schemaLength(byte[] region, byte[] record, byte[] label, byte[] schemaText) {
        return SCHEMA_STRINGS + region.length + record.length + label.length + schemaText.length;
    }

    /**
     * Writes a SAMPLE frame header; the caller has put the payload at {@link #SAMPLE_PAYLOAD}. Returns the frame
     * length.
     */
    static int sample(ByteBuffer b, long senderId, int stream, long epoch, long sampleIndex, long sentCount,
            long publishEpochNs, int payloadLength) {
        header(b, SAMPLE, senderId, stream);
        b.putLong(EPOCH, epoch);
        b.putLong(SAMPLE_INDEX, sampleIndex);
        b.putLong(SENT_COUNT, sentCount);
        b.putLong(PUBLISH_EPOCH_NS, publishEpochNs);
        b.putInt(PAYLOAD_LENGTH, payloadLength);
        b.putInt(PAYLOAD_LENGTH + 4, 0);
        return SAMPLE_PAYLOAD + payloadLength;
    }

    /**
     * Writes a SAMPLES frame header for {@code count} entries of {@code payloadLength} bytes each (the caller has
     * put them at {@link #entryOffset}); returns the frame length.
     */
    static int samples(ByteBuffer b, long senderId, int stream, long epoch, int count, int payloadLength) {
        header(b, SAMPLES, senderId, stream);
        b.putLong(EPOCH, epoch);
        b.putInt(BATCH_COUNT, count);
        b.putInt(BATCH_PAYLOAD_LENGTH, payloadLength);
        return entryOffset(count, payloadLength);
    }

    /** Where entry {@code i} of a SAMPLES frame starts (for {@code i} = count: the frame's length). */
    static int entryOffset(int i, int payloadLength) {
        return BATCH_ENTRIES + i * (ENTRY_PAYLOAD + payloadLength);
    }

    /**
     * Writes the fixed fields of the entry at {@code at}; the caller puts the payload at {@code at + ENTRY_PAYLOAD}.
     */
    static void entry(ByteBuffer b, int at, long sampleIndex, long sentCount, long publishEpochNs) {
        b.putLong(at + ENTRY_SAMPLE_INDEX, sampleIndex);
        b.putLong(at + ENTRY_SENT_COUNT, sentCount);
        b.putLong(at + ENTRY_PUBLISH_EPOCH_NS, publishEpochNs);
    }

    /** The number of samples in a (checked) SAMPLES frame. */
    static int batchCount(ByteBuffer b) {
        return b.getInt(BATCH_COUNT);
    }

    /**
     * Writes entry {@code i} of the checked SAMPLES frame {@code batch} as the SAMPLE frame it stands for into
     * {@code sample} (at least {@link #SAMPLE_PAYLOAD} plus the payload length long); returns its length.
     */
    static int unbatch(ByteBuffer batch, int i, ByteBuffer sample) {
        int payloadLength = batch.getInt(BATCH_PAYLOAD_LENGTH);
        int at = entryOffset(i, payloadLength);
        sample.put(SAMPLE_PAYLOAD, batch, at + ENTRY_PAYLOAD, payloadLength);
        return sample(sample, senderId(batch), stream(batch), epoch(batch), batch.getLong(at + ENTRY_SAMPLE_INDEX),
                batch.getLong(at + ENTRY_SENT_COUNT), batch.getLong(at + ENTRY_PUBLISH_EPOCH_NS), payloadLength);
    }

    static int status(ByteBuffer b, long senderId, int stream, long epoch, int writerState, long sentTotal,
            long senderLost, long senderClockNs) {
        header(b, STATUS, senderId, stream);
        b.putLong(EPOCH, epoch);
        b.putLong(WRITER_STATE, writerState);
        b.putLong(SENT_TOTAL, sentTotal);
        b.putLong(SENDER_LOST, senderLost);
        b.putLong(SENDER_CLOCK_NS, senderClockNs);
        return STATUS_LENGTH;
    }

    /** Null when the frame is well-formed for its type, else what is wrong with it. */
    static String check(ByteBuffer b, int length) {
        if (length < HEADER_LENGTH) {
            return "frame of " + length + " bytes is shorter than the " + HEADER_LENGTH + "-byte header";
        }
        if (b.getInt(0) != MAGIC) {
            return String.format("bad magic 0x%08x (expected 0x%08x: not a shmtel bridge frame)", b.getInt(0), MAGIC);
        }
        int version = b.get(4) & 0xFF;
        if (version != VERSION) {
            return "wire format version " + version + "; this receiver reads version " + VERSION
                    + " (run the same shmtel version on both hosts)";
        }
        int type = type(b);
        if (type == SAMPLES && length >= BATCH_ENTRIES && (b.getInt(BATCH_COUNT) < 1
                || b.getInt(BATCH_PAYLOAD_LENGTH) < 0)) {
            return "frame type " + type + " with " + b.getInt(BATCH_COUNT) + " samples of "
                    + b.getInt(BATCH_PAYLOAD_LENGTH) + " bytes (need at least 1 sample, a length of at least 0)";
        }
        int need = switch (type) {
            case SCHEMA -> length < SCHEMA_STRINGS ? SCHEMA_STRINGS
                    : SCHEMA_STRINGS + (b.getShort(REGION_NAME_LENGTH) & 0xFFFF)
                            + (b.getShort(RECORD_NAME_LENGTH) & 0xFFFF)
                            + Math.max(0, b.getInt(LABEL_LENGTH)) + Math.max(0, b.getInt(SCHEMA_LENGTH));
            case SAMPLE -> length < SAMPLE_PAYLOAD ? SAMPLE_PAYLOAD : SAMPLE_PAYLOAD
                    + Math.max(0, b.getInt(PAYLOAD_LENGTH));
            case STATUS -> STATUS_LENGTH;
            case SAMPLES -> length < BATCH_ENTRIES ? BATCH_ENTRIES : batchLength(b);
            default -> -1;
        };
        if (need < 0) {
            return "unknown frame type " + type;
        }
        if (length != need) {
            return "frame type " + type + " of " + length + " bytes; its fields say " + need;
        }
        return null;
    }

    /** The length a SAMPLES frame's count and payload length give (both checked to be in range first). */
    private static int batchLength(ByteBuffer b) {
        long count = b.getInt(BATCH_COUNT);
        long payload = b.getInt(BATCH_PAYLOAD_LENGTH);
        return (int) Math.min(Integer.MAX_VALUE, BATCH_ENTRIES + count * (ENTRY_PAYLOAD + payload));
    }

    static int type(ByteBuffer b) {
        return b.get(5) & 0xFF;
    }

    static long senderId(ByteBuffer b) {
        return b.getLong(8);
    }

    static int stream(ByteBuffer b) {
        return b.getInt(16);
    }

    static long epoch(ByteBuffer b) {
        return b.getLong(EPOCH);
    }

    static String string(ByteBuffer b, int at, int length) {
        byte[] bytes = new byte[length];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The SCHEMA frame's strings: region, record, label, schema text. */
    static String[] schemaStrings(ByteBuffer b) {
        int region = b.getShort(REGION_NAME_LENGTH) & 0xFFFF;
        int record = b.getShort(RECORD_NAME_LENGTH) & 0xFFFF;
        int label = b.getInt(LABEL_LENGTH);
        int schema = b.getInt(SCHEMA_LENGTH);
        int at = SCHEMA_STRINGS;
        String[] s = new String[4];
        s[0] = string(b, at, region);
        at += region;
        s[1] = string(b, at, record);
        at += record;
        s[2] = string(b, at, label);
        at += label;
        s[3] = string(b, at, schema);
        return s;
    }
}
