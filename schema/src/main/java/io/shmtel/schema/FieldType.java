package io.shmtel.schema;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The fixed-size element types of the schema language, with their size in bytes (= alignment). */
public enum FieldType {
    BOOL("bool", 1),
    I8("i8", 1),
    U8("u8", 1),
    I16("i16", 2),
    U16("u16", 2),
    I32("i32", 4),
    U32("u32", 4),
    I64("i64", 8),
    F32("f32", 4),
    F64("f64", 8),
    /** Fixed-capacity UTF-8 text: {@code length} bytes, NUL-padded. */
    STRING("string", 1);

    private final String schemaName;
    private final int sizeBytes;

    FieldType(String schemaName, int sizeBytes) {
        this.schemaName = schemaName;
        this.sizeBytes = sizeBytes;
    }

    /** The name written in schema files, e.g. {@code "f64"}. */
    public String schemaName() {
        return schemaName;
    }

    /** Size of one element in bytes; also its alignment. */
    public int sizeBytes() {
        return sizeBytes;
    }

    public static Optional<FieldType> fromSchemaName(String name) {
        return Arrays.stream(values()).filter(t -> t.schemaName.equals(name)).findFirst();
    }

    /** Type names of other languages, mapped to ours for "did you mean" hints. */
    private static final java.util.Map<String, String> ALIASES = java.util.Map.ofEntries(
            java.util.Map.entry("double", "f64"), java.util.Map.entry("float64", "f64"),
            java.util.Map.entry("float", "f32"), java.util.Map.entry("float32", "f32"), java.util.Map.entry("real", "f64"),
            java.util.Map.entry("int", "i32"), java.util.Map.entry("int32", "i32"), java.util.Map.entry("int32_t", "i32"),
            java.util.Map.entry("uint", "u32"), java.util.Map.entry("uint32", "u32"), java.util.Map.entry("uint32_t", "u32"),
            java.util.Map.entry("long", "i64"), java.util.Map.entry("int64", "i64"), java.util.Map.entry("int64_t", "i64"),
            java.util.Map.entry("short", "i16"), java.util.Map.entry("int16", "i16"), java.util.Map.entry("int16_t", "i16"),
            java.util.Map.entry("uint16", "u16"), java.util.Map.entry("uint16_t", "u16"),
            java.util.Map.entry("byte", "i8"), java.util.Map.entry("int8", "i8"), java.util.Map.entry("int8_t", "i8"),
            java.util.Map.entry("uint8", "u8"), java.util.Map.entry("uint8_t", "u8"), java.util.Map.entry("char", "string"),
            java.util.Map.entry("boolean", "bool"), java.util.Map.entry("str", "string"), java.util.Map.entry("text", "string"));

    /** The type a name of another language most likely means, if any ({@code double} gives {@code f64}). */
    public static Optional<String> alias(String name) {
        return Optional.ofNullable(ALIASES.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    public static List<String> schemaNames() {
        return Arrays.stream(values()).map(FieldType::schemaName).toList();
    }
}
