package io.shmtel.schema.json;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A JSON value that remembers where it was written: the line and column (1-based) of its first
 * character and its JSON pointer. Jackson's own trees drop locations, and every schema error must
 * name them, so the schema parser builds this small tree instead.
 */
public sealed interface Node {

    int line();

    int column();

    String pointer();

    /** A short name of the JSON kind, for messages: "object", "array", "string", ... */
    String kind();

    /** A member of an object: its key's location and its value. */
    record Member(String key, int keyLine, int keyColumn, Node value) {}

    record ObjectNode(int line, int column, String pointer, Map<String, Member> members) implements Node {
        @Override
        public String kind() {
            return "object";
        }

        public Node get(String key) {
            Member m = members.get(key);
            return m == null ? null : m.value();
        }
    }

    record ArrayNode(int line, int column, String pointer, List<Node> elements) implements Node {
        @Override
        public String kind() {
            return "array";
        }
    }

    record StringNode(int line, int column, String pointer, String value) implements Node {
        @Override
        public String kind() {
            return "string";
        }
    }

    /** A number, kept exact: {@code 8}, {@code 8.0} and {@code 8e0} are told apart by {@link #isIntegral()}. */
    record NumberNode(int line, int column, String pointer, BigDecimal value, boolean isIntegral) implements Node {
        @Override
        public String kind() {
            return isIntegral ? "integer" : "number";
        }
    }

    record BooleanNode(int line, int column, String pointer, boolean value) implements Node {
        @Override
        public String kind() {
            return "boolean";
        }
    }

    record NullNode(int line, int column, String pointer) implements Node {
        @Override
        public String kind() {
            return "null";
        }
    }

    /** Escapes one reference token of a JSON pointer (RFC 6901). */
    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
