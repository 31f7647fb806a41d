package io.shmtel.schema;

/**
 * One error found in a schema file, located by line, column (both 1-based) and JSON pointer.
 *
 * <p>Rendered as {@code file:line:column: /json/pointer: message}, the format compilers use, so
 * editors and terminals can jump to it. The root pointer is rendered as {@code /}.
 */
public record SchemaProblem(String source, int line, int column, String pointer, String message) {

    public String render() {
        return source + ":" + line + ":" + column + ": " + (pointer.isEmpty() ? "/" : pointer) + ": " + message;
    }

    @Override
    public String toString() {
        return render();
    }
}
