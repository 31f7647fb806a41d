package io.shmtel.reliability;

import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.SlotDescriptor;
import java.nio.ByteBuffer;

/**
 * The sample the reliability suites publish: fifteen 64-bit words derived from the sample index
 * and a checksum over them. A snapshot that mixes two samples, or pairs one sample's words with
 * another's index, fails {@link #check}. The ring is only four slots deep so that a full-rate
 * writer overwrites the slot a reader is copying as often as possible.
 */
public final class TortureSample {
    public static final String RECORD = "sample";
    public static final int WORDS = 15;
    public static final int PAYLOAD_LENGTH = (WORDS + 1) * Long.BYTES;
    public static final String SCHEMA = "{\"schema\":\"torture\",\"version\":1,\"records\":[{\"name\":\"sample\","
            + "\"depth\":4,\"fields\":[{\"name\":\"words\",\"type\":\"i64\",\"count\":" + WORDS + "},"
            + "{\"name\":\"checksum\",\"type\":\"i64\"}]}]}";
    public static final Layout LAYOUT = LayoutCompiler.compile(SchemaParser.parse(SCHEMA, "torture.json"));

    private TortureSample() {}

    /**
     * Contents variants: writer {@code v} fills sample {@code k} with words derived from {@code k}
     * and {@code v}, so that two writers give the same index different contents (the takeover
     * checks tell whose sample a reader got). Variant 0 is what every suite writes by default.
     */
    public static final int VARIANTS = 2;

    static long word(long k, int i) {
        return word(k, i, 0);
    }

    static long word(long k, int i, int variant) {
        long z = k * (WORDS + 1) + i + 0x9E3779B97F4A7C15L + variant * 0x5851F42D4C957F2DL; // splitmix64
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Fills {@code payload} (little-endian, at offset 0) with sample {@code k}. */
    public static void fill(ByteBuffer payload, long k) {
        fill(payload, k, 0);
    }

    /** Fills {@code payload} (little-endian, at offset 0) with sample {@code k} of contents variant {@code variant}. */
    public static void fill(ByteBuffer payload, long k, int variant) {
        fill(payload, 0, k, variant);
    }

    /**
     * Fills the payload at {@code offset} of {@code buffer} (little-endian) with sample {@code k} of contents
     * variant {@code variant}: a staging payload at 0, or a claimed slot's payload in place.
     */
    public static void fill(ByteBuffer buffer, int offset, long k, int variant) {
        long sum = k;
        for (int i = 0; i < WORDS; i++) {
            long w = word(k, i, variant);
            buffer.putLong(offset + i * Long.BYTES, w);
            sum = Long.rotateLeft(sum, 7) ^ w;
        }
        buffer.putLong(offset + WORDS * Long.BYTES, sum);
    }

    /**
     * Writes the first half of the words of sample {@code other} at {@code offset}: what a claimer that
     * gives up half-way leaves in a slot. Read as any sample, it fails {@link #check}.
     */
    public static void scribble(ByteBuffer buffer, int offset, long other) {
        for (int i = 0; i < WORDS / 2; i++) {
            buffer.putLong(offset + i * Long.BYTES, word(other, i));
        }
    }

    /**
     * True when the slot copy at {@code offset} of {@code slot} (seq, timestamp, payload) holds
     * exactly the sample its seq names (of any contents variant).
     */
    public static boolean check(ByteBuffer slot, int offset) {
        return variant(slot, offset) >= 0;
    }

    /**
     * The contents variant of the whole sample in the slot copy at {@code offset} (the one its seq
     * names), or -1 when the copy is not one whole sample of any variant.
     */
    public static int variant(ByteBuffer slot, int offset) {
        for (int v = 0; v < VARIANTS; v++) {
            if (check(slot, offset, v)) {
                return v;
            }
        }
        return -1;
    }

    private static boolean check(ByteBuffer slot, int offset, int variant) {
        long seq = slot.getLong(offset + SlotDescriptor.SEQ_OFFSET);
        long k = (seq - 1) >>> 1; // 2k+1 (being written) and 2k+2 (complete) both name sample k
        int payload = offset + SlotDescriptor.PAYLOAD_OFFSET;
        long sum = k;
        for (int i = 0; i < WORDS; i++) {
            long w = slot.getLong(payload + i * Long.BYTES);
            if (w != word(k, i, variant)) {
                return false;
            }
            sum = Long.rotateLeft(sum, 7) ^ w;
        }
        return slot.getLong(payload + WORDS * Long.BYTES) == sum;
    }
}
