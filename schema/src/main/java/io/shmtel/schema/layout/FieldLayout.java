package io.shmtel.schema.layout;

import io.shmtel.schema.FieldType;
import java.util.Map;

/**
 * A field placed in its record's payload. {@code offset} is relative to the payload start (slot
 * offset {@link SlotDescriptor#PAYLOAD_OFFSET}); {@code count} is {@code 0} for a scalar;
 * {@code length} is the string capacity in bytes ({@code 0} unless the type is string).
 */
public record FieldLayout(String name, FieldType type, int count, int length, int offset, int sizeBytes,
        String unit, String description, Map<String, Integer> enumConstants) {

    public boolean isArray() {
        return count > 0;
    }

    public boolean isEnum() {
        return !enumConstants.isEmpty();
    }

    /** The number of elements stored: array count, string capacity, or 1. */
    public int elementCount() {
        return type == FieldType.STRING ? length : (count > 0 ? count : 1);
    }

    /** One line of the canonical layout text hashed into fingerprints. */
    String canonicalLine() {
        StringBuilder sb = new StringBuilder("field ").append(name).append(' ').append(type.schemaName())
                .append(" count=").append(count).append(" length=").append(length).append(" offset=").append(offset);
        if (isEnum()) {
            sb.append(" enum=");
            boolean first = true;
            for (Map.Entry<String, Integer> e : enumConstants.entrySet()) {
                sb.append(first ? "" : ",").append(e.getKey()).append(':').append(e.getValue());
                first = false;
            }
        }
        return sb.append('\n').toString();
    }
}
