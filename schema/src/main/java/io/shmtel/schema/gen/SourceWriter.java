package io.shmtel.schema.gen;

/** A line-oriented text builder with indentation, for generators. */
final class SourceWriter {
    private final StringBuilder sb = new StringBuilder();
    private final String indentUnit;
    private int indent;

    SourceWriter(String indentUnit) {
        this.indentUnit = indentUnit;
    }

    SourceWriter line(String text) {
        if (!text.isEmpty()) {
            sb.append(indentUnit.repeat(indent)).append(text);
        }
        sb.append('\n');
        return this;
    }

    SourceWriter line() {
        sb.append('\n');
        return this;
    }

    /** Each line of {@code text} (a text block), at the current indentation plus its own. */
    SourceWriter lines(String text) {
        text.lines().forEach(this::line);
        return this;
    }

    SourceWriter open(String text) {
        line(text);
        indent++;
        return this;
    }

    SourceWriter close(String text) {
        indent--;
        line(text);
        return this;
    }

    @Override
    public String toString() {
        return sb.toString();
    }

    /** Escapes text for a Java or C string literal (ASCII output; other characters as escapes). */
    static String literal(String text, boolean java) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c >= 0x20 && c < 0x7F) {
                        out.append(c);
                    } else if (java) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append('?');
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** Text safe inside a Java or C block comment and Javadoc. */
    static String comment(String text) {
        return text.replace("*/", "* /").replace("@", "&#64;").replace("\\u", "\\ u");
    }
}
