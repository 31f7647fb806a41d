package io.shmtel.core.view;

import io.shmtel.schema.FieldType;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.RecordLayout;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Writes any field of a record by name, from the record layout: the generic publisher of tools
 * ({@code shmtel pub}, replay). Numeric setters allocate nothing. Setters write where
 * {@link RecordWriter} points them: the staging payload, or a claimed slot.
 */
public final class DynamicWriter extends RecordWriter {
    private final RecordLayout record;
    private final FieldIndex fieldIndex;

    public DynamicWriter(SampleSink sink, RecordLayout record) {
        super(sink, record.payloadLength());
        this.record = record;
        this.fieldIndex = new FieldIndex(record);
    }

    public RecordLayout record() {
        return record;
    }

    public FieldLayout field(String name) {
        return fieldIndex.get(name);
    }

    /**
     * Claims the ring's next slot: the setters write straight into it until {@link #commit()} completes it
     * or {@link #abortClaim()} gives it up ({@link RecordWriter}, claim mode). The slot holds an old
     * sample's bytes: set every field; the staged values are not copied into it.
     */
    public DynamicWriter claim() {
        beginClaim();
        return this;
    }

    /**
     * Sets element {@code index} to {@code value}, converted to the field's type as a Java cast would
     * (bool: non-zero).
     */
    public DynamicWriter setLong(FieldLayout f, int index, long value) {
        int at = elementOffset(f, index);
        switch (f.type()) {
            case BOOL -> target().put(base + at, (byte) (value != 0 ? 1 : 0));
            case I8, U8 -> target().put(base + at, (byte) value);
            case I16, U16 -> target().putShort(base + at, (short) value);
            case I32, U32 -> target().putInt(base + at, (int) value);
            case I64 -> target().putLong(base + at, value);
            case F32 -> target().putFloat(base + at, value);
            case F64 -> target().putDouble(base + at, value);
            case STRING -> throw new IllegalArgumentException("field " + f.name() + " is a string, not a number");
        }
        return this;
    }

    /** Sets element {@code index} to {@code value}; integer fields take the value truncated toward zero. */
    public DynamicWriter setDouble(FieldLayout f, int index, double value) {
        switch (f.type()) {
            case F32 -> target().putFloat(base + elementOffset(f, index), (float) value);
            case F64 -> target().putDouble(base + elementOffset(f, index), value);
            case BOOL, I8, U8, I16, U16, I32, U32, I64, STRING -> setLong(f, index, (long) value);
        }
        return this;
    }

    public DynamicWriter setText(FieldLayout f, CharSequence value) {
        if (f.type() != FieldType.STRING) {
            throw new IllegalArgumentException("field " + f.name() + " is " + f.type().schemaName() + ", not a string");
        }
        Utf8.encode(value, target(), base + f.offset(), f.length(), f.name());
        return this;
    }

    /**
     * Sets a field from text, as typed on a command line: numbers (within the type's range),
     * {@code true}/{@code false}, enum constant names, strings as they are; arrays take
     * comma-separated elements, or one value for every element.
     */
    public DynamicWriter set(String field, String text) {
        FieldLayout f = field(field);
        if (f.type() == FieldType.STRING) {
            return setText(f, text);
        }
        List<String> parts = f.isArray() ? List.of(text.split(",", -1)) : List.of(text);
        int count = f.isArray() ? f.count() : 1;
        if (parts.size() != 1 && parts.size() != count) {
            throw new IllegalArgumentException("field " + f.name() + " has " + count + " elements; got " + parts.size()
                    + " values (give one value for all, or " + count + " separated by commas)");
        }
        for (int i = 0; i < count; i++) {
            setParsed(f, i, parts.get(parts.size() == 1 ? 0 : i).trim());
        }
        return this;
    }

    private void setParsed(FieldLayout f, int index, String text) {
        if (f.isEnum() && f.enumConstants().containsKey(text)) {
            setLong(f, index, f.enumConstants().get(text));
            return;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        switch (f.type().kind()) {
            case BOOLEAN -> setParsedBool(f, index, text, lower);
            case FLOAT -> setParsedFloat(f, index, text, lower);
            case SIGNED_INTEGER, UNSIGNED_INTEGER -> setParsedInteger(f, index, text);
            case TEXT -> throw new IllegalArgumentException("field " + f.name() + " is a string, not a number");
        }
    }

    private void setParsedBool(FieldLayout f, int index, String text, String lower) {
        if (!lower.equals("true") && !lower.equals("false") && !lower.equals("1") && !lower.equals("0")) {
            throw new IllegalArgumentException("field " + f.name() + " is bool: use true, false, 1 or 0; got \"" + text
                    + "\"");
        }
        setLong(f, index, lower.equals("true") || lower.equals("1") ? 1 : 0);
    }

    private void setParsedFloat(FieldLayout f, int index, String text, String lower) {
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field " + f.name() + " is " + f.type().schemaName()
                    + ": expected a number, got \"" + text + "\"");
        }
        // NaN and infinities are values of the type when asked for by name; a number too large is not
        boolean named = lower.contains("nan") || lower.contains("infinity");
        double max = f.type().maxFiniteMagnitude();
        if (!named && (Double.isInfinite(value) || Math.abs(value) > max)) {
            throw new IllegalArgumentException("field " + f.name() + " is " + f.type().schemaName() + ": " + text
                    + " does not fit (the largest magnitude is " + max + ")");
        }
        setDouble(f, index, value);
    }

    private void setParsedInteger(FieldLayout f, int index, String text) {
        long value;
        try {
            value = Long.decode(text);
        } catch (NumberFormatException e) {
            if (text.matches("[+-]?([0-9]+|0[xX][0-9a-fA-F]+)") && !f.isEnum()) {
                throw outOfRange(f, text);
            }
            String constants = f.isEnum() ? " or one of " + f.enumConstants().keySet() : "";
            throw new IllegalArgumentException("field " + f.name() + " is "
                    + (f.isEnum() ? "an enum" : f.type().schemaName()) + ": expected an integer" + constants
                    + ", got \"" + text + "\"");
        }
        if (value < f.type().minValue() || value > f.type().maxValue()) {
            throw outOfRange(f, text);
        }
        if (f.isEnum() && !f.enumConstants().containsValue((int) value)) {
            throw new IllegalArgumentException("field " + f.name() + " is an enum: " + text
                    + " is not one of its values "
                    + f.enumConstants().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(", ")));
        }
        setLong(f, index, value);
    }

    private static IllegalArgumentException outOfRange(FieldLayout f, String text) {
        return new IllegalArgumentException("field " + f.name() + " is " + f.type().schemaName() + ": " + text
                + " is out of range [" + f.type().minValue() + ", " + f.type().maxValue() + "]");
    }

    private int elementOffset(FieldLayout f, int index) {
        Objects.checkIndex(index, f.isArray() ? f.count() : 1);
        return f.offset() + index * f.type().sizeBytes();
    }
}
