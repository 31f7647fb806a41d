package io.shmtel.schema;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Identifier rules of the schema language and their mapping to Java and C names. */
public final class Names {

    /** Schema, record and field names. */
    public static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]*");
    /** Enum constant names. */
    public static final Pattern ENUM_CONSTANT = Pattern.compile("[A-Z][A-Z0-9_]*");

    /** Java keywords and literals (JLS 3.9, 3.10), including contextual ones a field getter cannot be. */
    public static final Set<String> JAVA_KEYWORDS = Set.of(
            "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
            "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
            "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native",
            "new", "package", "private", "protected", "public", "return", "short", "static", "strictfp",
            "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void",
            "volatile", "while", "true", "false", "null", "var", "yield", "record", "sealed", "permits",
            "_");

    /** C11 keywords (lower case ones; the others cannot match {@link #IDENTIFIER}). */
    public static final Set<String> C_KEYWORDS = Set.of(
            "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
            "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict",
            "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
            "unsigned", "void", "volatile", "while", "bool", "true", "false",
            // predefined by gcc in GNU modes (-std=gnu11), which would rewrite a field of that name
            "linux", "unix");

    /**
     * Field names the generated Java views and writers already use for their own members (in
     * schema spelling), and the methods of {@link Object}.
     */
    public static final Set<String> RESERVED_FIELD_NAMES = Set.of(
            "wrap", "buffer", "offset", "sequence", "sample_index", "timestamp_ns", "commit",
            "payload_offset", "staging", "meta", "fields", "record_fingerprint", "record_name", "payload_length",
                    "to_string", "hash_code", "equals", "get_class",
            "notify", "notify_all", "wait", "clone", "finalize");

    private Names() {}

    /** Whether the field's Java name is one of {@link #RESERVED_FIELD_NAMES} in Java spelling. */
    public static boolean isReservedMember(String identifier) {
        String camel = camelCase(identifier);
        return RESERVED_FIELD_NAMES.stream().anyMatch(r -> camelCase(r).equals(camel));
    }

    /** {@code joint_state} → {@code jointState}. */
    public static String camelCase(String identifier) {
        StringBuilder sb = new StringBuilder(identifier.length());
        boolean upper = false;
        for (int i = 0; i < identifier.length(); i++) {
            char c = identifier.charAt(i);
            if (c == '_') {
                upper = sb.length() > 0;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    /** {@code joint_state} → {@code JointState}. */
    public static String pascalCase(String identifier) {
        String camel = camelCase(identifier);
        return camel.isEmpty() ? camel : Character.toUpperCase(camel.charAt(0)) + camel.substring(1);
    }

    /** {@code joint_state} → {@code JOINT_STATE}. */
    public static String upperSnake(String identifier) {
        return identifier.toUpperCase(Locale.ROOT);
    }

    /** Where the identifier is a Java or C keyword, the languages it clashes with; empty otherwise. */
    public static Optional<String> keywordClash(String identifier) {
        boolean java = JAVA_KEYWORDS.contains(identifier) || JAVA_KEYWORDS.contains(camelCase(identifier));
        boolean c = C_KEYWORDS.contains(identifier);
        if (java && c) {
            return Optional.of("Java and C");
        }
        if (java) {
            return Optional.of("Java");
        }
        return c ? Optional.of("C") : Optional.empty();
    }

    /**
     * The closest candidate within a small edit distance, or one the input is a prefix of, for "did you mean" hints.
     */
    public static Optional<String> closest(String input, Collection<String> candidates) {
        if (input.length() >= 3) {
            for (String candidate : candidates) {
                if (candidate.toLowerCase(Locale.ROOT).startsWith(input.toLowerCase(Locale.ROOT))) {
                    return Optional.of(candidate);
                }
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = editDistance(input.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        int allowed = Math.max(1, Math.min(3, input.length() / 3));
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** Optimal string alignment distance (Levenshtein plus adjacent transposition). */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
