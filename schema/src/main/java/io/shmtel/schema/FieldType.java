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

    public static List<String> schemaNames() {
        return Arrays.stream(values()).map(FieldType::schemaName).toList();
    }
}
