package io.shmtel.schema.testing;

import io.shmtel.schema.FieldType;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.RecordLayout;

/**
 * Core's counter pattern (io.shmtel.core.view.CounterPattern) as C source for one record of a generated header:
 * {@code PREFIX_fill(type *s, uint64_t v)} writes {@code v} into every element of every field, cast to the field's
 * type (bool: {@code v} odd; string: the decimal digits of {@code v}, cut to the capacity, zero after), and
 * {@code PREFIX_check(const type *s, uint64_t v)} returns 1 when a sample holds exactly that, so C (and C++) programs
 * write and check the pattern Java's writers and readers use, field by field, for any schema.
 */
public final class CCounterPattern {
    /** The decimal digits of v into {@code digits[0..n)} (no stdio: the check runs a million times a test). */
    private static final String DIGITS = """
                char digits[24], reversed[24];
                int n = 0, d = 0;
                uint64_t x = v;
                do { reversed[d++] = (char)('0' + x % 10); x /= 10; } while (x != 0);
                while (d > 0) digits[n++] = reversed[--d];
            """;

    private CCounterPattern() {}

    /**
     * The two functions for record {@code r} whose C struct type is {@code type}, named {@code prefix_fill} and
     * {@code prefix_check}; the program includes the record's header before them.
     */
    public static String functions(RecordLayout r, String type, String prefix) {
        StringBuilder fill = new StringBuilder("static void " + prefix + "_fill(" + type + " *s, uint64_t v) {\n"
                + DIGITS
                + "    memset(s, 0, sizeof *s);\n");
        StringBuilder check = new StringBuilder("static int " + prefix + "_check(const " + type + " *s, uint64_t v) {\n"
                + DIGITS);
        for (FieldLayout f : r.fields()) {
            String name = "s->" + f.name();
            if (f.type() == FieldType.STRING) {
                String cut = "(n < " + f.length() + " ? n : " + f.length() + ")";
                fill.append("    memcpy(").append(name).append(", digits, (size_t)").append(cut).append(");\n");
                check.append("    if (memcmp(").append(name).append(", digits, (size_t)").append(cut)
                        .append(") != 0) return 0;\n");
                check.append("    if (n < ").append(f.length()).append(" && ").append(name)
                        .append("[n] != 0) return 0;\n");
                continue;
            }
            String value = f.type() == FieldType.BOOL ? "((v & 1) != 0)" : "(" + f.type().cType() + ")v";
            String element = f.isArray() ? name + "[i]" : name;
            String loop = f.isArray() ? "    for (int i = 0; i < " + f.count() + "; i++) " : "    ";
            fill.append(loop).append(element).append(" = ").append(value).append(";\n");
            check.append(loop).append("if (").append(element).append(" != ").append(value).append(") return 0;\n");
        }
        fill.append("    (void)n;\n    (void)digits;\n}\n");
        check.append("    (void)n;\n    (void)digits;\n    return 1;\n}\n");
        return fill + check.toString();
    }
}
