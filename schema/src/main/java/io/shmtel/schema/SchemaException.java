package io.shmtel.schema;

import io.shmtel.error.ShmtelException;
import io.shmtel.schema.json.InputProblem;
import java.util.List;

/** A schema file is invalid; carries every problem found in it, in file order. */
public final class SchemaException extends ShmtelException {
    private static final long serialVersionUID = 1L;

    private final transient List<SchemaProblem> problems;

    public SchemaException(List<? extends InputProblem> problems) {
        super(render(problems));
        this.problems = problems.stream().map(SchemaProblem::of).toList();
    }

    public List<SchemaProblem> problems() {
        return problems;
    }

    private static String render(List<? extends InputProblem> problems) {
        StringBuilder sb = new StringBuilder();
        sb.append("schema had ").append(problems.size()).append(problems.size() == 1 ? " error" : " errors");
        for (InputProblem p : problems) {
            sb.append('\n').append(p.render());
        }
        return sb.toString();
    }
}
