package io.shmtel.schema;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A field as declared: name, element type, array count ({@code 0} for a scalar), string capacity
 * ({@code 0} unless {@link FieldType#STRING}), unit and description ({@code ""} when absent), and
 * enum constants (empty unless the field is an enum, which is stored as {@link FieldType#I32}).
 */
public record FieldDef(String name, FieldType type, int count, int length, String unit, String description,
        Map<String, Integer> enumConstants) {

    public FieldDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        unit = unit == null ? "" : unit;
        description = description == null ? "" : description;
        enumConstants = enumConstants == null ? Map.of() : Collections.unmodifiableMap(
                new LinkedHashMap<>(enumConstants));
    }

    public boolean isArray() {
        return count > 0;
    }

    public boolean isEnum() {
        return !enumConstants.isEmpty();
    }

    /** Number of elements stored: the array count, the string capacity, or 1. */
    public int elementCount() {
        if (type == FieldType.STRING) {
            return length;
        }
        return isArray() ? count : 1;
    }

    public long sizeBytes() {
        return (long) elementCount() * type.sizeBytes();
    }
}
