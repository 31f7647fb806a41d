package io.shmtel.foxglove.wellknown;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shmtel.foxglove.MessageEncoding;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.wellknown.WellKnownDef;
import io.shmtel.schema.wellknown.WellKnownType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names and definitions a well-known channel is advertised with, and its topic. The definitions are generated
 * from our own table of each message's structure, {@link MessageStructure}: the JSON Schema ({@code jsonschema}
 * encoding, schema name {@code foxglove.LaserScan}) and the ROS 2 definition with its dependencies in the
 * concatenated {@code MSG: pkg/Type} form ({@code ros2msg}, schema name {@code foxglove_msgs/msg/LaserScan}). Joint
 * states are ROS 2's {@code sensor_msgs/msg/JointState} in both encodings. A Node test checks the generated
 * definitions against the {@code @foxglove/schemas} package member by member and validates every message the
 * encoders write against the package's own JSON schemas.
 */
public final class WellKnownSchemas {
    private static final String ROS2_FOXGLOVE_PACKAGE = "foxglove_msgs/msg/";
    private static final String JOINT_STATE = "sensor_msgs/msg/JointState";
    private static final String SEPARATOR = "=".repeat(80) + "\n";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<MessageEncoding, Map<WellKnownType, String>> TEXTS = new EnumMap<>(MessageEncoding.class);

    private WellKnownSchemas() {}

    /** The channel's schema name: {@code foxglove.FrameTransforms} (JSON), {@code foxglove_msgs/msg/...} (CDR). */
    public static String schemaName(WellKnownType type, MessageEncoding encoding) {
        if (type == WellKnownType.JOINT_STATE) {
            return JOINT_STATE;
        }
        return encoding == MessageEncoding.JSON ? type.typeName() : ROS2_FOXGLOVE_PACKAGE + type.shortName();
    }

    /** The channel's schema: the type's JSON Schema (JSON), its ROS 2 definitions (CDR); generated once. */
    public static synchronized String schema(WellKnownType type, MessageEncoding encoding) {
        return TEXTS.computeIfAbsent(encoding, e -> new EnumMap<>(WellKnownType.class)).computeIfAbsent(type,
                t -> encoding == MessageEncoding.JSON ? jsonSchema(t) : ros2Definition(t));
    }

    private static String jsonSchema(WellKnownType type) {
        MessageStructure structure = MessageStructure.of(type);
        ObjectNode schema = object(structure, structure.description());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(schema) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON schema of " + type, e);
        }
    }

    private static ObjectNode object(MessageStructure structure, String description) {
        ObjectNode node = JSON.createObjectNode();
        node.put("title", structure.jsonTitle());
        node.put("description", description);
        node.put("type", "object");
        ObjectNode properties = node.putObject("properties");
        ArrayNode required = JSON.createArrayNode();
        for (Member m : structure.members()) {
            ObjectNode one;
            if (m.nested() != null) {
                one = object(m.nested(), m.description());
            } else if (!m.constants().isEmpty()) {
                one = JSON.createObjectNode();
                ArrayNode oneOf = one.putArray("oneOf");
                m.constants().forEach(c -> oneOf.addObject().put("title", c.name()).put("const", c.value()));
            } else {
                one = m.primitive().jsonSchema();
            }
            if (m.sequence()) {
                ObjectNode array = JSON.createObjectNode().put("type", "array");
                array.set("items", one);
                one = array;
            }
            one.put("description", m.description());
            properties.set(m.name(), one);
            required.add(m.name());
        }
        if (structure.jsonRequired()) {
            node.set("required", required);
        }
        return node;
    }

    private static String ros2Definition(WellKnownType type) {
        MessageStructure root = MessageStructure.of(type);
        Set<MessageStructure> dependencies = new LinkedHashSet<>();
        collect(root, dependencies);
        StringBuilder text = new StringBuilder("# ").append(schemaName(type, MessageEncoding.CDR)).append('\n');
        definition(root, text);
        for (MessageStructure d : dependencies) {
            text.append(SEPARATOR).append("MSG: ").append(d.rosType()).append("\n# ").append(d.rosType())
                    .append('\n');
            definition(d, text);
        }
        return text.toString();
    }

    /** The structures a ROS 2 definition of {@code s} needs, depth first in member order, built-ins left out. */
    private static void collect(MessageStructure s, Set<MessageStructure> into) {
        for (Member m : s.members()) {
            if (m.nested() != null && !m.nested().rosBuiltIn() && into.add(m.nested())) {
                collect(m.nested(), into);
            }
        }
    }

    private static void definition(MessageStructure s, StringBuilder text) {
        text.append("# ").append(s.description()).append('\n');
        for (Member m : s.members()) {
            text.append('\n');
            String type = m.nested() != null ? m.nested().rosType() : m.primitive().rosType();
            for (Member.Constant c : m.constants()) {
                text.append(type).append(' ').append(c.name()).append('=').append(c.value()).append('\n');
            }
            text.append("# ").append(m.description()).append('\n')
                    .append(type).append(m.sequence() ? "[] " : " ").append(m.name()).append('\n');
        }
    }

    /**
     * The topic suffix of each of the record's mappings, in order: the type's short name ({@code FrameTransforms},
     * {@code JointState}); a second mapping of one type {@code JointState.2}, a third {@code .3}.
     */
    public static List<String> suffixes(RecordLayout record) {
        Map<WellKnownType, Integer> seen = new HashMap<>();
        List<String> suffixes = new ArrayList<>();
        for (WellKnownDef def : record.wellKnown()) {
            int n = seen.merge(def.type(), 1, Integer::sum);
            suffixes.add(def.type().shortName() + (n == 1 ? "" : "." + n));
        }
        return suffixes;
    }

    /** The topic of a mapping: {@code REGION/RECORD/SUFFIX}. */
    public static String topic(String region, String record, String suffix) {
        return region + "/" + record + "/" + suffix;
    }
}
