package io.shmtel.schema.layout;

import java.util.List;
import java.util.Optional;

/**
 * A record placed in a region: its payload and slot lengths, its block's offset from the region
 * start, and its fingerprint. {@code rateHz} is {@code 0} when no nominal rate is declared.
 */
public record RecordLayout(int index, String name, int depth, double rateHz, String description,
        List<FieldLayout> fields, int payloadLength, int slotLength, long blockOffset, long blockLength,
        long fingerprint) {

    public Optional<FieldLayout> field(String fieldName) {
        return fields.stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }

    /** Offset of the published-count word from the region start. */
    public long publishedOffset() {
        return blockOffset + RecordBlockDescriptor.PUBLISHED_OFFSET;
    }

    /** Offset of slot {@code i} from the region start. */
    public long slotOffset(int i) {
        return blockOffset + RecordBlockDescriptor.slotOffset(i, slotLength);
    }

    /** Canonical layout text of this record (hashed into its fingerprint). */
    String canonicalText() {
        StringBuilder sb = new StringBuilder("record ").append(name).append(" depth=").append(depth)
                .append(" payload=").append(payloadLength).append(" slot=").append(slotLength).append('\n');
        for (FieldLayout f : fields) {
            sb.append(f.canonicalLine());
        }
        return sb.toString();
    }
}
