package io.shmtel.schema.gen;

import io.shmtel.schema.FieldType;
import java.util.Locale;

/**
 * How generated Java reads and stores one element of a field type through a {@code ByteBuffer}: the
 * expressions follow from the type's facts in {@link FieldType} (its Java type, the primitive the buffer
 * stores it as, its kind and range), so a new type needs no change here unless it brings a new kind.
 */
final class JavaAccess {
    /** Hex digits between the underscores of a long hex literal ({@code 0xFFFF_FFFFL}). */
    private static final int HEX_DIGITS_PER_GROUP = 4;

    private JavaAccess() {}

    /** The expression reading the element at byte {@code index} of {@code buffer}, as the type's Java type. */
    static String read(FieldType t, String index) {
        String get = "buffer.get" + accessorSuffix(t) + "(" + index + ")";
        return switch (t.kind()) {
            case BOOLEAN -> get + " != 0";
            case UNSIGNED_INTEGER -> get + " & " + maxLiteral(t);
            case SIGNED_INTEGER, FLOAT -> get;
            case TEXT -> throw new IllegalArgumentException("strings are read with Utf8");
        };
    }

    /**
     * The statement storing {@code value} (of the type's Java type) at payload byte {@code index}: at
     * {@code base + index} of {@code target()}, where the writer points its setters (its staging payload, or a
     * claimed slot).
     */
    static String store(FieldType t, String index, String value) {
        String stored = switch (t.kind()) {
            case BOOLEAN -> "(byte) (" + value + " ? 1 : 0)";
            case UNSIGNED_INTEGER -> "(" + t.javaBufferType() + ") " + value;
            case SIGNED_INTEGER, FLOAT -> value;
            case TEXT -> throw new IllegalStateException("strings are stored with Utf8");
        };
        return "target().put" + accessorSuffix(t) + "(base + " + index + ", " + stored + ");";
    }

    /** The largest value of an integer type as a Java literal: {@code 0xFF}, {@code 0xFFFF}, {@code 0xFFFF_FFFFL}. */
    static String maxLiteral(FieldType t) {
        long max = t.maxValue();
        String digits = Long.toHexString(max).toUpperCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder("0x");
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && (digits.length() - i) % HEX_DIGITS_PER_GROUP == 0) {
                sb.append('_');
            }
            sb.append(digits.charAt(i));
        }
        return sb.append(max > Integer.MAX_VALUE ? "L" : "").toString();
    }

    /** {@code ""} for {@code get}/{@code put} of a byte, else the buffer type capitalised ({@code getShort}). */
    private static String accessorSuffix(FieldType t) {
        String type = t.javaBufferType();
        return type.equals("byte") ? "" : Character.toUpperCase(type.charAt(0)) + type.substring(1);
    }
}
