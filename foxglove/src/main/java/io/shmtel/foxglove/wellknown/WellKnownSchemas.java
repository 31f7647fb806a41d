package io.shmtel.foxglove.wellknown;

import io.shmtel.foxglove.MessageEncoding;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.wellknown.WellKnownDef;
import io.shmtel.schema.wellknown.WellKnownType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The names and definitions a well-known channel is advertised with, and its topic. Foxglove's types are as
 * {@code @foxglove/schemas} publishes them (copied into this module's resources by
 * {@code src/test/node/wellknown-schemas.mjs}, which a test runs to check they still match; the package is MIT
 * licensed): JSON schema name {@code foxglove.LaserScan}, ROS 2 {@code foxglove_msgs/msg/LaserScan}. Joint states
 * are ROS 2's {@code sensor_msgs/msg/JointState} in both encodings.
 */
public final class WellKnownSchemas {
    private static final String RESOURCES = "/io/shmtel/foxglove/wellknown/";
    private static final String ROS2_FOXGLOVE_PACKAGE = "foxglove_msgs/msg/";
    private static final String JOINT_STATE = "sensor_msgs/msg/JointState";
    private static final Map<MessageEncoding, Map<WellKnownType, String>> TEXTS = new EnumMap<>(MessageEncoding.class);

    private WellKnownSchemas() {}

    /** The channel's schema name: {@code foxglove.FrameTransforms} (JSON), {@code foxglove_msgs/msg/...} (CDR). */
    public static String schemaName(WellKnownType type, MessageEncoding encoding) {
        if (type == WellKnownType.JOINT_STATE) {
            return JOINT_STATE;
        }
        return encoding == MessageEncoding.JSON ? type.typeName() : ROS2_FOXGLOVE_PACKAGE + type.shortName();
    }

    /** The channel's schema: Foxglove's JSON Schema of the type (JSON), its ROS 2 definitions (CDR). */
    public static synchronized String schema(WellKnownType type, MessageEncoding encoding) {
        return TEXTS.computeIfAbsent(encoding, e -> new EnumMap<>(WellKnownType.class)).computeIfAbsent(type,
                t -> load(resource(t) + (encoding == MessageEncoding.JSON ? ".json" : ".msg")));
    }

    private static String resource(WellKnownType type) {
        return type == WellKnownType.JOINT_STATE ? "sensor_msgs.JointState" : type.typeName();
    }

    private static String load(String name) {
        try (InputStream in = WellKnownSchemas.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCES + name + " missing from the shmtel-foxglove"
                        + " jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
