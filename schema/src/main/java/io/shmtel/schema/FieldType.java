package io.shmtel.schema;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The fixed-size element types of the schema language: the one table of what each type is in every
 * language shmtel maps it to. Each constant carries its schema name, size in bytes (= alignment), kind,
 * the Java types of generated code, the C type of the generated header and the ROS 2 primitive of the
 * {@code ros2msg} definition (also its CDR encoding); the integer range and JSON Schema type follow from
 * these.
 *
 * <p>To add a type: add a constant here, then fix what the compiler flags (the exhaustive {@code switch}
 * expressions over this enum in core's {@code DynamicView}/{@code DynamicWriter}/{@code CounterPattern}
 * and foxglove's CDR encoder), add it to {@code schema/shmtel.schema.json} and {@code
 * schema/examples/all_types.json}; the tests over every constant ({@code FieldTypeTest} in schema and
 * core) say what else is missing.
 */
public enum FieldType {
    //    schema    size  kind                    Java       buffer     C           ROS 2 / CDR
    BOOL("bool",      1, Kind.BOOLEAN,          "boolean", "byte",    "bool",     "bool"),
    I8("i8",          1, Kind.SIGNED_INTEGER,   "byte",    "byte",    "int8_t",   "int8"),
    U8("u8",          1, Kind.UNSIGNED_INTEGER, "int",     "byte",    "uint8_t",  "uint8"),
    I16("i16",        2, Kind.SIGNED_INTEGER,   "short",   "short",   "int16_t",  "int16"),
    U16("u16",        2, Kind.UNSIGNED_INTEGER, "int",     "short",   "uint16_t", "uint16"),
    I32("i32",        4, Kind.SIGNED_INTEGER,   "int",     "int",     "int32_t",  "int32"),
    U32("u32",        4, Kind.UNSIGNED_INTEGER, "long",    "int",     "uint32_t", "uint32"),
    I64("i64",        8, Kind.SIGNED_INTEGER,   "long",    "long",    "int64_t",  "int64"),
    F32("f32",        4, Kind.FLOAT,            "float",   "float",   "float",    "float32"),
    F64("f64",        8, Kind.FLOAT,            "double",  "double",  "double",   "float64"),
    /** Fixed-capacity UTF-8 text: {@code length} bytes, NUL-padded; its element is one byte. */
    STRING("string",  1, Kind.TEXT,             "String",  "byte",    "char",     "string");

    /** What values a type holds; code that treats types alike by kind switches over this. */
    public enum Kind {
        /** false or true, stored as one byte 0 or 1. */
        BOOLEAN("boolean"),
        /** Two's complement integer of {@link FieldType#sizeBytes()} bytes. */
        SIGNED_INTEGER("integer"),
        /** Unsigned integer of {@link FieldType#sizeBytes()} bytes, held by a wider Java type. */
        UNSIGNED_INTEGER("integer"),
        /** IEEE 754 binary floating point of {@link FieldType#sizeBytes()} bytes. */
        FLOAT("number"),
        /** UTF-8 text of a fixed capacity. */
        TEXT("string");

        private final String jsonType;

        Kind(String jsonType) {
            this.jsonType = jsonType;
        }

        /** The JSON Schema {@code type} of a value of this kind. */
        public String jsonType() {
            return jsonType;
        }
    }

    private static final int BITS_PER_BYTE = 8;

    private final String schemaName;
    private final int sizeBytes;
    private final Kind kind;
    private final String javaType;
    private final String javaBufferType;
    private final String cType;
    private final String rosType;

    FieldType(String schemaName, int sizeBytes, Kind kind, String javaType, String javaBufferType, String cType,
            String rosType) {
        this.schemaName = schemaName;
        this.sizeBytes = sizeBytes;
        this.kind = kind;
        this.javaType = javaType;
        this.javaBufferType = javaBufferType;
        this.cType = cType;
        this.rosType = rosType;
    }

    /** The name written in schema files, e.g. {@code "f64"}. */
    public String schemaName() {
        return schemaName;
    }

    /** Size of one element in bytes; also its alignment. */
    public int sizeBytes() {
        return sizeBytes;
    }

    /** Alignment of an element in the payload and in CDR: its size. */
    public int alignment() {
        return sizeBytes;
    }

    public Kind kind() {
        return kind;
    }

    /** True for f32 and f64. */
    public boolean isFloat() {
        return kind == Kind.FLOAT;
    }

    /** True for u8, u16 and u32: never negative, held by a wider Java type. */
    public boolean isUnsigned() {
        return kind == Kind.UNSIGNED_INTEGER;
    }

    /** The Java type of one element in generated views and writers, e.g. {@code "int"} for u16. */
    public String javaType() {
        return javaType;
    }

    /** The Java array type of a field of this type, e.g. {@code "long[]"} for u32. */
    public String javaArrayType() {
        return javaType + "[]";
    }

    /**
     * The primitive a {@code ByteBuffer} stores one element as, e.g. {@code "short"} for u16 ({@code getShort},
     * {@code putShort}); {@code "byte"} for bool and string ({@code get}, {@code put}).
     */
    public String javaBufferType() {
        return javaBufferType;
    }

    /** The C type of one element in the generated header, e.g. {@code "uint16_t"}; a string is a {@code char} array. */
    public String cType() {
        return cType;
    }

    /** The ROS 2 primitive of the {@code ros2msg} definition, e.g. {@code "float64"}; CDR encodes it as such. */
    public String rosType() {
        return rosType;
    }

    /** The JSON Schema {@code type} of one element, e.g. {@code "integer"}. */
    public String jsonType() {
        return kind.jsonType();
    }

    /** The smallest value of a bool or integer type (bool: 0); IllegalStateException for floats and strings. */
    public long minValue() {
        return switch (kind) {
            case BOOLEAN, UNSIGNED_INTEGER -> 0;
            case SIGNED_INTEGER -> Long.MIN_VALUE >> (Long.SIZE - BITS_PER_BYTE * sizeBytes);
            case FLOAT, TEXT -> throw new IllegalStateException(schemaName + " has no integer range");
        };
    }

    /** The largest value of a bool or integer type (bool: 1); IllegalStateException for floats and strings. */
    public long maxValue() {
        return switch (kind) {
            case BOOLEAN -> 1;
            case SIGNED_INTEGER -> ~minValue();
            case UNSIGNED_INTEGER -> -1L >>> (Long.SIZE - BITS_PER_BYTE * sizeBytes);
            case FLOAT, TEXT -> throw new IllegalStateException(schemaName + " has no integer range");
        };
    }

    /** The largest finite magnitude of a float type; IllegalStateException for the others. */
    public double maxFiniteMagnitude() {
        return switch (this) {
            case F32 -> Float.MAX_VALUE;
            case F64 -> Double.MAX_VALUE;
            case BOOL, I8, U8, I16, U16, I32, U32, I64, STRING ->
                    throw new IllegalStateException(schemaName + " is not a float type");
        };
    }

    public static Optional<FieldType> fromSchemaName(String name) {
        return Arrays.stream(values()).filter(t -> t.schemaName.equals(name)).findFirst();
    }

    /** Type names of other languages, mapped to ours for "did you mean" hints. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("double", "f64"), Map.entry("float64", "f64"),
            Map.entry("float", "f32"), Map.entry("float32", "f32"), Map.entry("real", "f64"),
            Map.entry("int", "i32"), Map.entry("int32", "i32"), Map.entry("int32_t", "i32"),
            Map.entry("uint", "u32"), Map.entry("uint32", "u32"), Map.entry("uint32_t", "u32"),
            Map.entry("long", "i64"), Map.entry("int64", "i64"), Map.entry("int64_t", "i64"),
            Map.entry("short", "i16"), Map.entry("int16", "i16"), Map.entry("int16_t", "i16"),
            Map.entry("uint16", "u16"), Map.entry("uint16_t", "u16"),
            Map.entry("byte", "i8"), Map.entry("int8", "i8"), Map.entry("int8_t", "i8"),
            Map.entry("uint8", "u8"), Map.entry("uint8_t", "u8"), Map.entry("char", "string"),
            Map.entry("boolean", "bool"), Map.entry("str", "string"), Map.entry("text", "string"));

    /** The type a name of another language most likely means, if any ({@code double} gives {@code f64}). */
    public static Optional<String> alias(String name) {
        return Optional.ofNullable(ALIASES.get(name.toLowerCase(Locale.ROOT)));
    }

    public static List<String> schemaNames() {
        return Arrays.stream(values()).map(FieldType::schemaName).toList();
    }
}
