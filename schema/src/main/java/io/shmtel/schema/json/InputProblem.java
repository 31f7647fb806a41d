package io.shmtel.schema.json;

import java.util.Objects;

/**
 * One error found in a JSON input file (a schema file, a deployment file), located by line, column (both
 * 1-based) and JSON pointer.
 *
 * <p>Rendered as {@code file:line:column: /json/pointer: message}, the format compilers use, so editors and
 * terminals can jump to it. The root pointer is rendered as {@code /}. Not final only so that
 * {@link io.shmtel.schema.SchemaProblem}, the name existing callers use, can be one; it adds no state.
 */
public class InputProblem {
    private final String source;
    private final int line;
    private final int column;
    private final String pointer;
    private final String message;

    public InputProblem(String source, int line, int column, String pointer, String message) {
        this.source = source;
        this.line = line;
        this.column = column;
        this.pointer = pointer;
        this.message = message;
    }

    /** The file's name as messages show it. */
    public final String source() {
        return source;
    }

    public final int line() {
        return line;
    }

    public final int column() {
        return column;
    }

    /** The JSON pointer of the value at fault; "" for the whole file. */
    public final String pointer() {
        return pointer;
    }

    public final String message() {
        return message;
    }

    public final String render() {
        return source + ":" + line + ":" + column + ": " + (pointer.isEmpty() ? "/" : pointer) + ": " + message;
    }

    @Override
    public final String toString() {
        return render();
    }

    /** Problems are equal when they say the same at the same place, whichever of the two names they carry. */
    @Override
    public final boolean equals(Object o) {
        return o instanceof InputProblem p && line == p.line && column == p.column && source.equals(p.source)
                && pointer.equals(p.pointer) && message.equals(p.message);
    }

    @Override
    public final int hashCode() {
        return Objects.hash(source, line, column, pointer, message);
    }
}
