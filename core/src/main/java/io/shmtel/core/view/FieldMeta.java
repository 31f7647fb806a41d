package io.shmtel.core.view;

import io.shmtel.schema.FieldType;

/**
 * Static description of one field of a generated view: name, schema type (the type's
 * {@link FieldType#schemaName()}, or {@code "enum"} for an enum field), offset from the payload start, array
 * count ({@code 0} for a scalar), string capacity ({@code 0} unless a string), size, unit and description
 * ({@code ""} when absent).
 */
public record FieldMeta(String name, String type, int offset, int count, int length, int sizeBytes, String unit,
        String description) {}
