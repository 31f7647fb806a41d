package io.shmtel.schema.layout;

import io.shmtel.schema.RecordSync;
import io.shmtel.schema.wellknown.WellKnownDef;
import java.util.List;
import java.util.Optional;

/**
 * A record placed in a region: its payload and slot lengths, its block's offset from the region
 * start, and its fingerprint. {@code rateHz} is {@code 0} when no nominal rate is declared. A
 * {@link RecordSync#MAILBOX mailbox} has one slot (depth 1) and handshake words in its block's first
 * line ({@link RecordBlockDescriptor}). {@code wellKnown}: the record's well-known message mappings (not part of
 * the fingerprint: they say how to show a sample, not where its bytes are).
 */
public record RecordLayout(int index, String name, int depth, double rateHz, String description,
        List<FieldLayout> fields, int payloadLength, int slotLength, long blockOffset, long blockLength,
        long fingerprint, RecordSync sync, List<WellKnownDef> wellKnown) {

    public RecordLayout {
        fields = List.copyOf(fields);
        wellKnown = wellKnown == null ? List.of() : List.copyOf(wellKnown);
    }

    /** A record without well-known mappings. */
    public RecordLayout(int index, String name, int depth, double rateHz, String description,
            List<FieldLayout> fields, int payloadLength, int slotLength, long blockOffset, long blockLength,
            long fingerprint, RecordSync sync) {
        this(index, name, depth, rateHz, description, fields, payloadLength, slotLength, blockOffset, blockLength,
                fingerprint, sync, List.of());
    }

    public boolean isMailbox() {
        return sync == RecordSync.MAILBOX;
    }

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
                .append(" payload=").append(payloadLength).append(" slot=").append(slotLength);
        if (isMailbox()) {
            sb.append(" sync=").append(sync.schemaName()); // rings keep the text (and fingerprints) of format 1.0
        }
        sb.append('\n');
        for (FieldLayout f : fields) {
            sb.append(f.canonicalLine());
        }
        return sb.toString();
    }
}
