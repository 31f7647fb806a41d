package io.shmtel.foxglove.wellknown;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent reader of ROS 2 CDR (little-endian XCDR1) driven by a concatenated ROS 2 definition text (the
 * {@code MSG: pkg/Type} form): decodes a message into a JSON tree, {@code builtin_interfaces/Time} as
 * {@code {sec, nanosec}}, so a test can compare it with the JSON encoding of the same sample.
 */
final class Ros2CdrDecoder {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String TIME = "builtin_interfaces/Time";
    private static final int HEADER = 4;

    private record Member(String type, boolean array, String name) {}

    private final Map<String, List<Member>> types = new HashMap<>();
    /** The message's own type: the first section, which has no MSG: line. */
    private static final String ROOT = "";
    private ByteBuffer in;

    Ros2CdrDecoder(String definitions) {
        String[] sections = definitions.split("\n=+\n");
        for (int s = 0; s < sections.length; s++) {
            String name = "";
            List<Member> members = new ArrayList<>();
            for (String raw : sections[s].split("\n")) {
                String line = raw.replaceAll("#.*", "").strip();
                if (line.startsWith("MSG:")) {
                    name = line.substring("MSG:".length()).strip();
                    continue;
                }
                if (line.isEmpty() || line.contains("=")) {
                    continue; // a constant
                }
                String[] parts = line.split("\\s+");
                boolean array = parts[0].endsWith("[]");
                members.add(new Member(array ? parts[0].substring(0, parts[0].length() - 2) : parts[0], array,
                        parts[1]));
            }
            types.put(s == 0 ? "" : name, members);
        }
    }

    JsonNode decode(byte[] message) {
        in = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        if (message[1] != 1) {
            throw new IllegalArgumentException("not CDR_LE: encapsulation " + message[0] + "," + message[1]);
        }
        in.position(HEADER);
        JsonNode node = struct(ROOT);
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " bytes left after the message");
        }
        return node;
    }

    private ObjectNode struct(String type) {
        List<Member> members = types.get(type);
        if (members == null) {
            members = types.get(type.replace("/msg/", "/"));
        }
        if (members == null) {
            throw new IllegalArgumentException("no definition of " + type + " among " + types.keySet());
        }
        ObjectNode o = NODES.objectNode();
        for (Member m : members) {
            if (m.array()) {
                ArrayNode a = o.putArray(m.name());
                int n = align(Integer.BYTES).getInt();
                for (int i = 0; i < n; i++) {
                    a.add(value(m.type()));
                }
            } else {
                o.set(m.name(), value(m.type()));
            }
        }
        return o;
    }

    private JsonNode value(String type) {
        return switch (type) {
            case "float64" -> NODES.numberNode(align(Double.BYTES).getDouble());
            case "float32" -> NODES.numberNode(align(Float.BYTES).getFloat());
            case "uint32" -> NODES.numberNode(align(Integer.BYTES).getInt() & 0xFFFF_FFFFL);
            case "int32" -> NODES.numberNode(align(Integer.BYTES).getInt());
            case "uint8" -> NODES.numberNode(in.get() & 0xFF);
            case "string" -> {
                int n = align(Integer.BYTES).getInt();
                byte[] text = new byte[n - 1];
                in.get(text);
                if (in.get() != 0) {
                    throw new IllegalArgumentException("a string without its NUL");
                }
                yield NODES.textNode(new String(text, StandardCharsets.UTF_8));
            }
            case TIME -> {
                ObjectNode t = NODES.objectNode();
                t.put("sec", align(Integer.BYTES).getInt());
                t.put("nanosec", in.getInt() & 0xFFFF_FFFFL);
                yield t;
            }
            default -> struct(type);
        };
    }

    private ByteBuffer align(int size) {
        while ((in.position() - HEADER) % size != 0) {
            if (in.get() != 0) {
                throw new IllegalArgumentException("non-zero padding at " + (in.position() - 1));
            }
        }
        return in;
    }
}
