package io.shmtel.schema;

import io.shmtel.schema.json.InputProblem;

/**
 * One error found in a schema file (or in a deployment file: see {@link InputProblem}, the neutral name),
 * located by line, column (both 1-based) and JSON pointer.
 *
 * <p>Rendered as {@code file:line:column: /json/pointer: message}, the format compilers use, so
 * editors and terminals can jump to it. The root pointer is rendered as {@code /}. This name is kept for the
 * callers of {@link SchemaException#problems()}; new code can use {@link InputProblem}.
 */
public final class SchemaProblem extends InputProblem {

    public SchemaProblem(String source, int line, int column, String pointer, String message) {
        super(source, line, column, pointer, message);
    }

    /** {@code p} under this name: itself when it already is one. */
    public static SchemaProblem of(InputProblem p) {
        return p instanceof SchemaProblem s ? s
                : new SchemaProblem(p.source(), p.line(), p.column(), p.pointer(), p.message());
    }
}
