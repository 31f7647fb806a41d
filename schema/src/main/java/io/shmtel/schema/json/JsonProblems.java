package io.shmtel.schema.json;

import io.shmtel.schema.Names;
import io.shmtel.schema.SchemaProblem;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The problems found in one JSON input file (a schema file, a deployment file), each located by file, line,
 * column and JSON pointer, and the checking helpers that find them: unknown keys, required keys, strings,
 * integers. Parsers report every problem at once instead of stopping at the first; "did you mean" hints are
 * assembled here, in {@link #didYouMean(String, Collection)}, for every parser.
 */
public final class JsonProblems {
    private final String source;
    private final List<SchemaProblem> problems = new ArrayList<>();

    /** Collects the problems of the file named {@code source} (the name messages show). */
    public JsonProblems(String source) {
        this.source = source;
    }

    /** The name of the file the problems are in, as messages show it. */
    public String source() {
        return source;
    }

    /** The problems so far, in the order they were found. */
    public List<SchemaProblem> list() {
        return problems;
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /** Records a problem at {@code at}. */
    public void problem(Node at, String message) {
        problems.add(new SchemaProblem(source, at.line(), at.column(), at.pointer(), message));
    }

    /** Records a problem at a location that is no node (an object key's position). */
    public void problem(int line, int column, String pointer, String message) {
        problems.add(new SchemaProblem(source, line, column, pointer, message));
    }

    /** Adds problems found elsewhere (another file's), as they are. */
    public void addAll(Collection<SchemaProblem> others) {
        problems.addAll(others);
    }

    /** {@code "; did you mean \"c\"?"} for the candidate closest to {@code value}, or "" when none is close. */
    public static String didYouMean(String value, Collection<String> candidates) {
        return Names.closest(value, candidates).map(JsonProblems::didYouMean).orElse("");
    }

    /** {@code "; did you mean \"suggestion\"?"}, or "" when {@code suggestion} is null. */
    public static String didYouMean(String suggestion) {
        return suggestion == null ? "" : "; did you mean \"" + suggestion + "\"?";
    }

    /** A problem at each key of {@code obj} that is not in {@code allowed}, with a hint and the allowed keys. */
    public void keys(Node.ObjectNode obj, List<String> allowed) {
        for (Node.Member m : obj.members().values()) {
            if (!allowed.contains(m.key())) {
                problem(m.keyLine(), m.keyColumn(), m.value().pointer(), "unknown key \"" + m.key() + "\""
                        + didYouMean(m.key(), allowed) + " (allowed keys: " + String.join(", ", allowed) + ")");
            }
        }
    }

    /** The value of {@code key}; null, and a problem saying {@code expected}, when it is missing. */
    public Node require(Node.ObjectNode obj, String key, String expected) {
        Node value = obj.get(key);
        if (value == null) {
            problem(obj, "missing required key \"" + key + "\": " + expected);
        }
        return value;
    }

    /** The string value of {@code key}; null when it is absent or (with a problem) no string or missing. */
    public String string(Node.ObjectNode obj, String key, boolean required) {
        Node node = required ? require(obj, key, "a string") : obj.get(key);
        if (node == null) {
            return null;
        }
        if (!(node instanceof Node.StringNode s)) {
            problem(node, "expected a string; found " + describeValue(node));
            return null;
        }
        return s.value();
    }

    /**
     * The optional integer value of {@code key} from {@code min} to {@code max}; {@code defaultValue} when it is
     * absent or (with one problem, "KEY must be an integer from MIN to MAX; found ...") no such integer.
     */
    public long integer(Node.ObjectNode obj, String key, long min, long max, long defaultValue) {
        Node v = obj.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Node.NumberNode n) || !n.isIntegral() || n.value().compareTo(BigDecimal.valueOf(min)) < 0
                || n.value().compareTo(BigDecimal.valueOf(max)) > 0) {
            problem(v, key + " must be an integer from " + min + " to " + max + "; found " + describeValue(v));
            return defaultValue;
        }
        return n.value().longValue();
    }

    /** A value as deployment messages show it: a string with its kind and quotes, other scalars as written. */
    public static String describeValue(Node n) {
        if (n instanceof Node.StringNode s) {
            return "string \"" + s.value() + "\"";
        }
        if (n instanceof Node.NumberNode num) {
            return num.value().toPlainString();
        }
        if (n instanceof Node.BooleanNode b) {
            return Boolean.toString(b.value());
        }
        return n.kind();
    }
}
