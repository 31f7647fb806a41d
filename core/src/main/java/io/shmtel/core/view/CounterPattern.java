package io.shmtel.core.view;

import io.shmtel.schema.FieldType;
import io.shmtel.schema.layout.FieldLayout;

/**
 * The counter pattern: sample {@code k} carries {@code k} in every element of every field, cast to
 * the field's type (bool: {@code k} odd; string: the decimal digits of {@code k}, cut to the
 * capacity). Any reader can then check that a snapshot is one whole sample, without knowing the
 * schema in advance: it is the check the cross-process tests and {@code shmtel echo} apply.
 */
public final class CounterPattern {
    private CounterPattern() {}

    /** Writes sample index {@code k} into every field of the writer's staging payload. */
    public static void fill(DynamicWriter writer, long k) {
        for (FieldLayout f : writer.record().fields()) {
            if (f.type() == FieldType.STRING) {
                String digits = Long.toString(k);
                writer.setText(f, digits.length() > f.length() ? digits.substring(0, f.length()) : digits);
            } else {
                for (int i = 0; i < (f.isArray() ? f.count() : 1); i++) {
                    writer.setLong(f, i, f.type() == FieldType.BOOL ? k & 1 : k);
                }
            }
        }
    }

    /** True when every field of the sample in view holds its own sample index, as {@link #fill} writes it. */
    public static boolean check(DynamicView view) {
        return check(view, view.sampleIndex());
    }

    /**
     * True when every field of the sample in view holds {@code k}, as {@link #fill} writes it: for
     * copies whose own index differs from the one the pattern was written with (a bridge's mirror).
     */
    public static boolean check(DynamicView view, long k) {
        for (FieldLayout f : view.fields()) {
            if (f.type() == FieldType.STRING) {
                String digits = Long.toString(k);
                String expected = digits.length() > f.length() ? digits.substring(0, f.length()) : digits;
                if (!expected.equals(view.text(f))) {
                    return false;
                }
                continue;
            }
            for (int i = 0; i < (f.isArray() ? f.count() : 1); i++) {
                if (!matches(view, f, i, k)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean matches(DynamicView view, FieldLayout f, int i, long k) {
        return switch (f.type()) {
            case BOOL -> view.integer(f, i) == (k & 1);
            case I8 -> view.integer(f, i) == (byte) k;
            case U8 -> view.integer(f, i) == (k & 0xFF);
            case I16 -> view.integer(f, i) == (short) k;
            case U16 -> view.integer(f, i) == (k & 0xFFFF);
            case I32 -> view.integer(f, i) == (int) k;
            case U32 -> view.integer(f, i) == (k & 0xFFFF_FFFFL);
            case I64 -> view.integer(f, i) == k;
            case F32 -> view.number(f, i) == (float) k;
            case F64 -> view.number(f, i) == (double) k;
            case STRING -> false;
        };
    }
}
