package io.shmtel.schema.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON text into a {@link Node} tree with locations, reporting duplicate keys (which Jackson
 * accepts silently) as problems rather than keeping the last value.
 */
public final class LocatedJsonReader {

    /** Deepest nesting accepted; schema files need four levels, this only stops pathological input. */
    public static final int MAX_DEPTH = 64;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    /** A problem found while reading: location, pointer and message. */
    public record Problem(int line, int column, String pointer, String message) {}

    /** Result of a read: the root (null when the text is not well-formed JSON) and the problems. */
    public record Result(Node root, List<Problem> problems) {}

    private final List<Problem> problems = new ArrayList<>();
    private String currentPointer = "";

    private LocatedJsonReader() {}

    public static Result read(String text) {
        LocatedJsonReader reader = new LocatedJsonReader();
        Node root = null;
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                reader.problems.add(new Problem(1, 1, "", "empty file: expected a JSON object"));
            } else {
                root = reader.value(parser, "");
                JsonToken trailing = parser.nextToken();
                if (trailing != null) {
                    JsonLocation at = parser.currentTokenLocation();
                    reader.problems.add(new Problem(at.getLineNr(), at.getColumnNr(), "",
                            "unexpected content after the end of the top-level value: " + trailing.asString()));
                }
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            int line = at == null ? 1 : Math.max(1, at.getLineNr());
            int column = at == null ? 1 : Math.max(1, at.getColumnNr());
            String message = e.getOriginalMessage();
            String hint = message.startsWith("Unexpected character (']'")
                    || message.startsWith("Unexpected character ('}'")
                    ? " (a trailing comma before it? JSON allows none)" : "";
            reader.problems.add(new Problem(line, column, reader.currentPointer, "malformed JSON: " + message + hint));
            root = null;
        } catch (IOException e) {
            reader.problems.add(new Problem(1, 1, "", "cannot read JSON: " + e.getMessage()));
            root = null;
        }
        return new Result(root, List.copyOf(reader.problems));
    }

    private Node value(JsonParser p, String pointer) throws IOException {
        currentPointer = pointer;
        JsonLocation at = p.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT: {
                Map<String, Node.Member> members = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonLocation keyAt = p.currentTokenLocation();
                    p.nextToken();
                    String childPointer = pointer + "/" + Node.escape(key);
                    Node child = value(p, childPointer);
                    currentPointer = pointer;
                    Node.Member previous = members.get(key);
                    if (previous != null) {
                        problems.add(new Problem(keyAt.getLineNr(), keyAt.getColumnNr(), childPointer,
                                "duplicate key \"" + key + "\" (first at line " + previous.keyLine() + ", column "
                                        + previous.keyColumn() + "); remove one of them"));
                    } else {
                        members.put(key, new Node.Member(key, keyAt.getLineNr(), keyAt.getColumnNr(), child));
                    }
                }
                return new Node.ObjectNode(line, column, pointer, members);
            }
            case START_ARRAY: {
                List<Node> elements = new ArrayList<>();
                int index = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    elements.add(value(p, pointer + "/" + index++));
                    currentPointer = pointer;
                }
                return new Node.ArrayNode(line, column, pointer, elements);
            }
            case VALUE_STRING:
                return new Node.StringNode(line, column, pointer, p.getText());
            case VALUE_NUMBER_INT:
                return new Node.NumberNode(line, column, pointer, new BigDecimal(p.getBigIntegerValue()), true);
            case VALUE_NUMBER_FLOAT: {
                // 8.0 is an integer, as JSON Schema counts it; 8.5 and 1e-3 are not.
                BigDecimal decimal = p.getDecimalValue();
                boolean integral = decimal.signum() == 0 || decimal.stripTrailingZeros().scale() <= 0;
                return new Node.NumberNode(line, column, pointer, decimal, integral);
            }
            case VALUE_TRUE:
                return new Node.BooleanNode(line, column, pointer, true);
            case VALUE_FALSE:
                return new Node.BooleanNode(line, column, pointer, false);
            case VALUE_NULL:
                return new Node.NullNode(line, column, pointer);
            default:
                throw new IllegalStateException("unexpected JSON token " + token + " at " + pointer);
        }
    }
}
