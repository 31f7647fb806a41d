package io.shmtel.schema.json;

import io.shmtel.schema.InputFiles;
import io.shmtel.schema.Names;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The problems found in one JSON input file (a schema file, a deployment file), each an {@link InputProblem}
 * located by file, line, column and JSON pointer, and the checking helpers that find them: reading the file,
 * unknown keys, required keys, strings, integers, booleans, arrays, free text. Parsers report every problem at
 * once instead of stopping at the first. "Did you mean" hints are worded here, in
 * {@link #didYouMean(String, Collection)} and {@link #didYouMean(String)}, for every parser.
 *
 * <p>Schema and deployment messages show a value found in two ways, pinned by their golden files; {@link Found}
 * says which one a collector uses.
 */
public final class JsonProblems {
    /** How messages show a value found where another was expected ("...; found integer 5" or "found 5"). */
    public enum Found {
        /** Its kind and value: {@code integer 5}, {@code boolean true}, strings cut at 40 characters (schemas). */
        KIND_AND_VALUE,
        /** Its value only: {@code 5}, {@code true}, strings with kind and in full (deployments). */
        VALUE
    }

    /** Strings longer than this are cut in {@link Found#KIND_AND_VALUE} messages. */
    static final int MAX_STRING_SHOWN = 40;

    private final String source;
    private final Found found;
    private final List<InputProblem> problems = new ArrayList<>();

    /** Collects the problems of the file named {@code source} (the name messages show). */
    public JsonProblems(String source, Found found) {
        this.source = source;
        this.found = found;
    }

    /** The name of the file the problems are in, as messages show it. */
    public String source() {
        return source;
    }

    /** The problems so far, in the order they were found. */
    public List<InputProblem> list() {
        return problems;
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /**
     * The problems in the order users read them: this file's first, by line and column, then those of other
     * files added with {@link #addAll}, by file, line and column.
     */
    public List<InputProblem> inFileOrder() {
        List<InputProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparing((InputProblem x) -> !x.source().equals(source))
                .thenComparing(InputProblem::source).thenComparingInt(InputProblem::line)
                .thenComparingInt(InputProblem::column));
        return sorted;
    }

    /** Records a problem at {@code at}. */
    public void problem(Node at, String message) {
        problems.add(new InputProblem(source, at.line(), at.column(), at.pointer(), message));
    }

    /** Records a problem at a location that is no node (an object key's position). */
    public void problem(int line, int column, String pointer, String message) {
        problems.add(new InputProblem(source, line, column, pointer, message));
    }

    /** Records a problem with the whole file (it cannot be read, it is no UTF-8), shown at its start. */
    public void fileProblem(String message) {
        problem(1, 1, "", message);
    }

    /** Adds problems found elsewhere (another file's), as they are. */
    public void addAll(Collection<? extends InputProblem> others) {
        problems.addAll(others);
    }

    // ---------------------------------------------------------------- reading

    /** The text of {@code file}, UTF-8; null after a {@link #fileProblem} when it cannot be read or decoded. */
    public String readText(Path file) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(InputFiles.read(file, InputFiles.MAX_TEXT_BYTES))).toString();
        } catch (InputFiles.UnreadableFileException e) {
            fileProblem(e.reason());
        } catch (CharacterCodingException e) {
            fileProblem("file is not valid UTF-8: save it as UTF-8");
        }
        return null;
    }

    /** The JSON tree of {@code text}, its syntax problems recorded; null when there is no tree at all. */
    public Node read(String text) {
        LocatedJsonReader.Result json = LocatedJsonReader.read(text);
        for (LocatedJsonReader.Problem p : json.problems()) {
            problem(p.line(), p.column(), p.pointer(), p.message());
        }
        return json.root();
    }

    // ---------------------------------------------------------------- hints

    /** {@code "; did you mean \"c\"?"} for the candidate closest to {@code value}, or "" when none is close. */
    public static String didYouMean(String value, Collection<String> candidates) {
        return didYouMean(Names.closest(value, candidates).orElse(null));
    }

    /** {@code "; did you mean \"suggestion\"?"}, or "" when {@code suggestion} is null. */
    public static String didYouMean(String suggestion) {
        return suggestion == null ? "" : "; did you mean \"" + suggestion + "\"?";
    }

    /** How messages of this collector show a value found: see {@link Found}. */
    public String describe(Node node) {
        return found == Found.KIND_AND_VALUE ? kindAndValue(node) : value(node);
    }

    /** {@code integer 5}, {@code number 1.5}, {@code boolean true}, {@code string "..."} (cut), or the kind. */
    public static String kindAndValue(Node node) {
        if (node instanceof Node.StringNode s) {
            String v = s.value().length() > MAX_STRING_SHOWN ? s.value().substring(0, MAX_STRING_SHOWN) + "..."
                    : s.value();
            return "string \"" + v + "\"";
        }
        if (node instanceof Node.NumberNode n) {
            return (n.isIntegral() ? "integer " : "number ") + n.value().toString();
        }
        if (node instanceof Node.BooleanNode b) {
            return "boolean " + b.value();
        }
        return node.kind();
    }

    /** {@code 5}, {@code true}, {@code string "..."} (whole), or the kind. */
    public static String value(Node n) {
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

    // ---------------------------------------------------------------- checks

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
            problem(node, "expected a string; found " + describe(node));
            return null;
        }
        return s.value();
    }

    /**
     * The optional string value of {@code key} as free text: "" when absent, or (with a problem) no string,
     * longer than {@code maxLength} or holding a control character.
     */
    public String text(Node.ObjectNode obj, String key, int maxLength) {
        String value = string(obj, key, false);
        if (value == null) {
            return "";
        }
        if (value.length() > maxLength) {
            problem(obj.get(key), key + " is " + value.length() + " characters long; the limit is " + maxLength);
            return "";
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                problem(obj.get(key), key + " contains the control character U+"
                        + String.format("%04X", (int) value.charAt(i)) + " at index " + i + "; remove it");
                return "";
            }
        }
        return value;
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
            problem(v, key + " must be an integer from " + min + " to " + max + "; found " + describe(v));
            return defaultValue;
        }
        return n.value().longValue();
    }

    /**
     * The integer value of {@code key} from {@code min} to {@code max}; null when it is absent (a problem when
     * {@code required}, naming {@code example} if given), no integer ("expected an integer; found ...") or out of
     * range ("KEY must be from MIN to MAX; found ..."; {@code rule}, when given, says what is allowed instead of
     * "from MIN to MAX", followed by the nearest bound).
     */
    public Integer integer(Node.ObjectNode obj, String key, boolean required, int min, int max, String example,
            String rule) {
        Node node = required ? require(obj, key, "an integer from " + min + " to " + max
                + (example == null ? "" : ", " + example)) : obj.get(key);
        if (node == null) {
            return null;
        }
        if (!(node instanceof Node.NumberNode num) || !num.isIntegral()) {
            problem(node, "expected an integer; found " + describe(node));
            return null;
        }
        BigDecimal v = num.value();
        if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
            problem(node, key + " must be " + (rule == null ? "from " + min + " to " + max : rule) + "; found "
                    + v.toPlainString() + (rule == null ? "" : v.compareTo(BigDecimal.valueOf(min)) < 0
                            ? " (the smallest allowed is " + min + ")" : " (the largest allowed is " + max + ")"));
            return null;
        }
        return v.intValueExact();
    }

    /** The optional boolean value of {@code key}; {@code defaultValue} when absent or (with a problem) no boolean. */
    public boolean bool(Node.ObjectNode obj, String key, boolean defaultValue) {
        Node v = obj.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Node.BooleanNode b)) {
            problem(v, "expected true or false; found " + describe(v));
            return defaultValue;
        }
        return b.value();
    }

    /**
     * The elements of the array {@code node} holding {@code what}: none when it is absent or (with a problem,
     * "expected an array of WHAT") no array; a problem, too, when it must not be empty and is.
     */
    public List<Node> array(Node node, String what, boolean nonEmpty) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof Node.ArrayNode a)) {
            problem(node, "expected an array of " + what + "; found " + node.kind());
            return List.of();
        }
        if (nonEmpty && a.elements().isEmpty()) {
            problem(a, "\"" + what + "\" must not be empty");
        }
        return a.elements();
    }
}
