package io.shmtel.core.view;

import io.shmtel.schema.FieldType;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.RecordLayout;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads any field of a record by name, from the record layout (usually decoded from the region's
 * embedded schema): what tools and generic consumers use when they have no generated view. The
 * numeric accessors allocate nothing; {@link #value}, {@link #text} and the JSON writer do.
 */
public final class DynamicView extends RecordView {
    private final RecordLayout record;
    private final FieldIndex fieldIndex;

    public DynamicView(RecordLayout record) {
        this.record = Objects.requireNonNull(record, "record");
        this.fieldIndex = new FieldIndex(record);
    }

    public RecordLayout record() {
        return record;
    }

    public List<FieldLayout> fields() {
        return record.fields();
    }

    @Override
    public DynamicView wrap(ByteBuffer buffer, int offset) {
        wrapSlot(buffer, offset, record.payloadLength());
        return this;
    }

    @Override
    public long recordFingerprint() {
        return record.fingerprint();
    }

    @Override
    public String recordName() {
        return record.name();
    }

    @Override
    public int payloadLength() {
        return record.payloadLength();
    }

    /** The field called {@code name}; IllegalArgumentException naming the record's fields when there is none. */
    public FieldLayout field(String name) {
        return fieldIndex.get(name);
    }

    /** Element {@code index} of a numeric or bool field as a double (bool: 0 or 1). */
    public double number(FieldLayout f, int index) {
        int at = elementOffset(f, index);
        return switch (f.type()) {
            case BOOL -> buffer.get(at) != 0 ? 1 : 0;
            case I8 -> buffer.get(at);
            case U8 -> buffer.get(at) & 0xFF;
            case I16 -> buffer.getShort(at);
            case U16 -> buffer.getShort(at) & 0xFFFF;
            case I32 -> buffer.getInt(at);
            case U32 -> buffer.getInt(at) & 0xFFFF_FFFFL;
            case I64 -> buffer.getLong(at);
            case F32 -> buffer.getFloat(at);
            case F64 -> buffer.getDouble(at);
            case STRING -> throw new IllegalArgumentException("field " + f.name() + " is a string, not a number");
        };
    }

    /** Element {@code index} of an integer or bool field, exactly (floats are truncated). */
    public long integer(FieldLayout f, int index) {
        int at = elementOffset(f, index);
        return switch (f.type()) {
            case I64 -> buffer.getLong(at);
            case F32 -> (long) buffer.getFloat(at);
            case F64 -> (long) buffer.getDouble(at);
            // exact in a double; a string is refused there
            case BOOL, I8, U8, I16, U16, I32, U32, STRING -> (long) number(f, index);
        };
    }

    public double number(String field) {
        return number(field(field), 0);
    }

    /** A string field's text (allocates). */
    public String text(FieldLayout f) {
        if (f.type() != FieldType.STRING) {
            throw new IllegalArgumentException("field " + f.name() + " is " + f.type().schemaName() + ", not a string");
        }
        return Utf8.decode(buffer, payloadOffset + f.offset(), f.length());
    }

    /** A field's value as a Java object: Boolean, Long, Double, String, an enum constant's name, or a List of them. */
    public Object value(String field) {
        FieldLayout f = field(field);
        if (f.isArray()) {
            Object[] values = new Object[f.count()];
            for (int i = 0; i < values.length; i++) {
                values[i] = element(f, i);
            }
            return List.of(values);
        }
        return element(f, 0);
    }

    private Object element(FieldLayout f, int index) {
        if (f.type() == FieldType.STRING) {
            return text(f);
        }
        if (f.isEnum()) {
            int raw = (int) integer(f, 0);
            return f.enumConstants().entrySet().stream().filter(e -> e.getValue() == raw).map(Map.Entry::getKey)
                    .findFirst().map(Object.class::cast).orElse((long) raw);
        }
        return switch (f.type().kind()) {
            case BOOLEAN -> number(f, index) != 0;
            case FLOAT -> number(f, index);
            case SIGNED_INTEGER, UNSIGNED_INTEGER -> integer(f, index);
            case TEXT -> text(f);
        };
    }

    /** Appends {@code record #k name=value [unit] ...} as the CLI and logs print a sample (allocates). */
    public StringBuilder appendText(StringBuilder sb) {
        return appendText(sb, record.fields(), Integer.MAX_VALUE);
    }

    /**
     * Appends {@code record #k name=value [unit] ...} for the given fields of this record only, arrays cut
     * after {@code maxArrayElements} elements ({@code [1.0, 2.0, ... 354 more]}). f32 values are printed at
     * float precision ({@code 0.1}, not the widened double's {@code 0.10000000149011612}). Allocates.
     */
    public StringBuilder appendText(StringBuilder sb, List<FieldLayout> fields, int maxArrayElements) {
        sb.append(record.name()).append(" #").append(sampleIndex());
        for (FieldLayout f : fields) {
            sb.append(' ').append(f.name()).append('=');
            if (f.isArray()) {
                int shown = Math.min(f.count(), Math.max(0, maxArrayElements));
                sb.append('[');
                for (int i = 0; i < shown; i++) {
                    appendTextValue(sb.append(i > 0 ? ", " : ""), f, element(f, i));
                }
                if (shown < f.count()) {
                    sb.append(shown > 0 ? ", " : "").append("... ").append(f.count() - shown).append(" more");
                }
                sb.append(']');
            } else {
                appendTextValue(sb, f, element(f, 0));
            }
            if (!f.unit().isEmpty()) {
                sb.append(' ').append(f.unit());
            }
        }
        return sb;
    }

    private static void appendTextValue(StringBuilder sb, FieldLayout f, Object value) {
        if (value instanceof String s && f.type() == FieldType.STRING) {
            appendJsonString(sb, s);
        } else if (value instanceof Double d && f.type() == FieldType.F32) {
            sb.append((float) d.doubleValue());
        } else {
            sb.append(value);
        }
    }

    /**
     * Appends the fields as a JSON object's members ({@code "name":value,...}), enums by name, NaN and
     * infinities as strings.
     */
    public StringBuilder appendJsonFields(StringBuilder sb) {
        return appendJsonFields(sb, record.fields(), Integer.MAX_VALUE);
    }

    /**
     * Appends the given fields of this record as a JSON object's members, arrays cut after
     * {@code maxArrayElements} elements; f32 values at float precision, as
     * {@link #appendText(StringBuilder, List, int)}.
     */
    public StringBuilder appendJsonFields(StringBuilder sb, List<FieldLayout> fields, int maxArrayElements) {
        boolean first = true;
        for (FieldLayout f : fields) {
            sb.append(first ? "" : ",").append('"').append(f.name()).append("\":");
            first = false;
            if (f.isArray()) {
                int shown = Math.min(f.count(), Math.max(0, maxArrayElements));
                sb.append('[');
                for (int i = 0; i < shown; i++) {
                    appendJsonValue(sb, f, element(f, i), i > 0);
                }
                sb.append(']');
            } else {
                appendJsonValue(sb, f, element(f, 0), false);
            }
        }
        return sb;
    }

    private static void appendJsonValue(StringBuilder sb, FieldLayout f, Object value, boolean comma) {
        if (comma) {
            sb.append(',');
        }
        if (value instanceof String s) {
            appendJsonString(sb, s);
        } else if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            sb.append('"').append(d).append('"');
        } else if (value instanceof Double d && f.type() == FieldType.F32) {
            sb.append((float) d.doubleValue());
        } else {
            sb.append(value);
        }
    }

    /** Appends {@code s} as a JSON string literal. */
    public static void appendJsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private int elementOffset(FieldLayout f, int index) {
        Objects.checkIndex(index, f.isArray() ? f.count() : 1);
        return payloadOffset + f.offset() + index * f.type().sizeBytes();
    }
}
