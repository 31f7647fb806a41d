package io.shmtel.schema;

import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;

/**
 * The names a schema file declares (schema, record and field names, enum constants): checking one against
 * {@link Names#IDENTIFIER} and suggesting a valid spelling of an invalid one, for the parsers of a schema's
 * parts.
 */
final class IdentifierChecks {
    private IdentifierChecks() {
    }

    /** The identifier value of {@code key} (a {@code what}, e.g. "record name"); null after a problem. */
    static String identifier(JsonProblems problems, Node.ObjectNode obj, String key, String what) {
        Node node = problems.require(obj, key, "a " + what + " matching [a-z][a-z0-9_]*");
        if (node == null) {
            return null;
        }
        if (!(node instanceof Node.StringNode s)) {
            problems.problem(node, "expected a " + what + " (a string matching [a-z][a-z0-9_]*); found "
                    + problems.describe(node));
            return null;
        }
        String value = s.value();
        if (!Names.IDENTIFIER.matcher(value).matches() || value.length() > SchemaLimits.MAX_IDENTIFIER_LENGTH) {
            String suggestion = suggestIdentifier(value);
            problems.problem(node, "invalid " + what + " \"" + value + "\": names must match [a-z][a-z0-9_]* (at most "
                    + SchemaLimits.MAX_IDENTIFIER_LENGTH + " characters)"
                    + JsonProblems.didYouMean(value.equals(suggestion) ? null : suggestion));
            return null;
        }
        return value;
    }

    /** {@code JointState}, {@code joint-state} → {@code joint_state}; null when nothing sensible. */
    static String suggestIdentifier(String value) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length() && sb.length() < SchemaLimits.MAX_IDENTIFIER_LENGTH; i++) {
            char c = value.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '_') {
                    sb.append('_');
                }
                sb.append((char) (c + ('a' - 'A')));
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                sb.append(c);
            } else if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '_') {
                sb.append('_');
            }
        }
        while (sb.length() > 0 && (sb.charAt(0) == '_' || Character.isDigit(sb.charAt(0)))) {
            sb.deleteCharAt(0);
        }
        while (sb.length() > 0 && sb.charAt(sb.length() - 1) == '_') {
            sb.setLength(sb.length() - 1);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** {@code fault-code} → {@code FAULT_CODE}; null when nothing sensible. */
    static String suggestConstant(String value) {
        String id = suggestIdentifier(value);
        return id == null ? null : Names.upperSnake(id);
    }
}
