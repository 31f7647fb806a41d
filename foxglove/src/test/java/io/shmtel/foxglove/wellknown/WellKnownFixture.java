package io.shmtel.foxglove.wellknown;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.core.view.Utf8;
import io.shmtel.schema.FieldType;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.layout.SlotDescriptor;
import io.shmtel.schema.wellknown.Binding;
import io.shmtel.schema.wellknown.Binding.Constant;
import io.shmtel.schema.wellknown.Binding.NumberRef;
import io.shmtel.schema.wellknown.Binding.Numbers;
import io.shmtel.schema.wellknown.Binding.Text;
import io.shmtel.schema.wellknown.Binding.TextField;
import io.shmtel.schema.wellknown.WellKnownDef;
import io.shmtel.schema.wellknown.WellKnownType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A record with a field for every kind of well-known binding, a mapping of it to each {@link WellKnownType} (made
 * in code, as the schema parser would), and samples whose values follow from their number {@code k}.
 */
public final class WellKnownFixture {
    /** The record's fields; {@code n} says how many points of the cloud are valid. */
    public static final String FIELDS = """
            [ { "name": "frame", "type": "string", "length": 16 },
              { "name": "pos", "type": "f64", "count": 3 },
              { "name": "quat", "type": "f32", "count": 4 },
              { "name": "angle", "type": "f64" },
              { "name": "ranges", "type": "f32", "count": 5 },
              { "name": "intens", "type": "u16", "count": 5 },
              { "name": "px", "type": "f32", "count": 4 },
              { "name": "py", "type": "f32", "count": 4 },
              { "name": "pz", "type": "f32", "count": 4 },
              { "name": "pi", "type": "u8", "count": 4 },
              { "name": "n", "type": "i32" },
              { "name": "joints", "type": "f64", "count": 3 },
              { "name": "speeds", "type": "f64", "count": 3 } ]""";
    /** A mapping of the fixture record to every well-known type, as a schema gives them (JointState twice). */
    public static final String MAPPINGS = """
            [ { "type": "foxglove.Vector3", "x": "pos[0]", "y": "angle", "z": -2.5 },
              { "type": "foxglove.Quaternion", "x": "quat[0]", "y": "quat[1]", "z": "quat[2]", "w": "quat[3]" },
              { "type": "foxglove.PoseInFrame", "frame_id": { "field": "frame" },
                "pose": { "position": "pos", "orientation": "quat" } },
              { "type": "foxglove.FrameTransform", "parent_frame_id": "world", "child_frame_id": { "field": "frame" },
                "translation": "pos", "rotation": [0, 0, 0.7071067811865476, 0.7071067811865476] },
              { "type": "foxglove.FrameTransforms", "transforms": [
                { "parent_frame_id": "world", "child_frame_id": "base", "translation": "pos",
                  "rotation": [0, 0, 0.7071067811865476, 0.7071067811865476] },
                { "parent_frame_id": "base", "child_frame_id": { "field": "frame" }, "translation": "pos",
                  "rotation": { "x": 0, "y": 0, "z": 0.7071067811865476, "w": 0.7071067811865476 } } ] },
              { "type": "foxglove.LaserScan", "frame_id": "laser", "pose": { "position": "pos", "orientation": "quat" },
                "start_angle": -1, "end_angle": "angle", "ranges": "ranges", "intensities": "intens" },
              { "type": "foxglove.PointCloud", "frame_id": { "field": "frame" }, "x": "px", "y": "py", "z": "pz",
                "intensity": "pi", "count": "n" },
              { "type": "sensor_msgs/JointState", "frame_id": { "field": "frame" },
                "name": ["shoulder", "elbow", "wrist"], "position": "joints", "velocity": "speeds" },
              { "type": "sensor_msgs/JointState", "name": ["shoulder", "elbow", "wrist"], "position": "joints" } ]""";
    /** The topic suffixes of {@link #MAPPINGS}, in order. */
    public static final List<String> SUFFIXES = List.of("Vector3", "Quaternion", "PoseInFrame", "FrameTransform",
            "FrameTransforms", "LaserScan", "PointCloud", "JointState", "JointState.2");
    public static final int VALID_POINTS = 3;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    public static final List<String> JOINTS = List.of("shoulder", "elbow", "wrist");

    private WellKnownFixture() {}

    /** The schema of region {@code probe}: record {@code probe}, annotated with {@link #MAPPINGS}. */
    public static Layout annotated() {
        return LayoutCompiler.compile(SchemaParser.parse("{\"schema\":\"probe\",\"version\":1,\"records\":[{"
                + "\"name\":\"probe\",\"depth\":4,\"fields\":" + FIELDS + ",\"wellKnown\":" + MAPPINGS + "}]}",
                "probe.json"));
    }

    public static RecordLayout record() {
        return LayoutCompiler.compile(SchemaParser.parse("{\"schema\":\"probe\",\"version\":1,\"records\":[{\"name\":"
                + "\"probe\",\"depth\":4,\"fields\":" + FIELDS + "}]}", "probe.json")).record("probe").orElseThrow();
    }

    /** A mapping of the fixture record to {@code type} that uses field bindings wherever the type takes them. */
    public static WellKnownDef def(WellKnownType type) {
        Map<String, Binding> b = new LinkedHashMap<>();
        switch (type) {
            case VECTOR3_MESSAGE -> {
                b.put("x", new NumberRef("pos", 0));
                b.put("y", new NumberRef("angle", NumberRef.SCALAR));
                b.put("z", new Constant(-2.5));
            }
            case QUATERNION_MESSAGE -> {
                for (int i = 0; i < 4; i++) {
                    b.put(List.of("x", "y", "z", "w").get(i), new NumberRef("quat", i));
                }
            }
            case POSE_IN_FRAME -> {
                b.put("frame_id", new TextField("frame"));
                b.put("pose", pose());
            }
            case FRAME_TRANSFORM -> b.putAll(transform("world", new TextField("frame")).members());
            case FRAME_TRANSFORMS -> b.put("transforms", new Binding.StructList(List.of(
                    transform("world", new Text("base")), transform("base", new TextField("frame")))));
            case LASER_SCAN -> {
                b.put("frame_id", new Text("laser"));
                b.put("pose", pose());
                b.put("start_angle", new Constant(-1));
                b.put("end_angle", new NumberRef("angle", NumberRef.SCALAR));
                b.put("ranges", new Numbers("ranges"));
                b.put("intensities", new Numbers("intens"));
            }
            case POINT_CLOUD -> {
                b.put("frame_id", new TextField("frame"));
                b.put("x", new Numbers("px"));
                b.put("y", new Numbers("py"));
                b.put("z", new Numbers("pz"));
                b.put("intensity", new Numbers("pi"));
                b.put("count", new NumberRef("n", NumberRef.SCALAR));
            }
            case JOINT_STATE -> {
                b.put("frame_id", new TextField("frame"));
                b.put("name", new Binding.Texts(JOINTS));
                b.put("position", new Numbers("joints"));
                b.put("velocity", new Numbers("speeds"));
            }
        }
        return new WellKnownDef(type, b);
    }

    private static Binding.Struct pose() {
        Map<String, Binding> pose = new LinkedHashMap<>();
        pose.put("position", new Binding.Vector(List.of(new NumberRef("pos", 0), new NumberRef("pos", 1),
                new NumberRef("pos", 2))));
        pose.put("orientation", new Binding.Vector(List.of(new NumberRef("quat", 0), new NumberRef("quat", 1),
                new NumberRef("quat", 2), new NumberRef("quat", 3))));
        return new Binding.Struct(pose);
    }

    private static Binding.Struct transform(String parent, Binding child) {
        Map<String, Binding> t = new LinkedHashMap<>();
        t.put("parent_frame_id", new Text(parent));
        t.put("child_frame_id", child);
        t.put("translation", new Binding.Vector(List.of(new NumberRef("pos", 0), new NumberRef("pos", 1),
                new NumberRef("pos", 2))));
        t.put("rotation", Binding.Vector.of(0, 0, Math.sqrt(0.5), Math.sqrt(0.5)));
        return new Binding.Struct(t);
    }

    /** A sample's bytes (a slot: header then payload) with values from {@code k}. */
    public static ByteBuffer sample(RecordLayout record, long k) {
        ByteBuffer slot = ByteBuffer.allocate(record.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        for (FieldLayout f : record.fields()) {
            int at = SlotDescriptor.PAYLOAD_OFFSET + f.offset();
            if (f.type() == FieldType.STRING) {
                Utf8.encode("link" + k, slot, at, f.length(), f.name());
                continue;
            }
            for (int i = 0; i < f.elementCount(); i++) {
                double v = value(f, i, k);
                int e = at + i * f.type().sizeBytes();
                switch (f.type()) {
                    case F32 -> slot.putFloat(e, (float) v);
                    case F64 -> slot.putDouble(e, v);
                    case U8 -> slot.put(e, (byte) v);
                    case U16 -> slot.putShort(e, (short) v);
                    case I32 -> slot.putInt(e, (int) v);
                    default -> throw new IllegalArgumentException("no fixture value for " + f.type());
                }
            }
        }
        return slot;
    }

    /** Element {@code i} of field {@code f} in sample {@code k}. */
    static double value(FieldLayout f, int i, long k) {
        return f.name().equals("n") ? VALID_POINTS : k + i + (f.type().isFloat() ? 0.5 : 0);
    }

    /** Sets the writer's fields to sample {@code k}'s values (then commit it). */
    public static DynamicWriter fill(DynamicWriter w, long k) {
        for (FieldLayout f : w.record().fields()) {
            if (f.type() == FieldType.STRING) {
                w.setText(f, "link" + k);
            } else {
                for (int i = 0; i < f.elementCount(); i++) {
                    w.setDouble(f, i, value(f, i, k));
                }
            }
        }
        return w;
    }

    /** The JSON message as the CDR decoder writes it: time {sec, nanosec}, bytes as numbers, all numbers doubles. */
    public static JsonNode comparable(JsonNode json) {
        if (json.isObject()) {
            ObjectNode o = NODES.objectNode();
            for (Map.Entry<String, JsonNode> e : json.properties()) {
                if (e.getKey().equals("data") && e.getValue().isTextual()) {
                    ArrayNode bytes = o.putArray("data");
                    for (byte b : Base64.getDecoder().decode(e.getValue().asText())) {
                        bytes.add((double) (b & 0xFF));
                    }
                } else {
                    o.set(e.getKey().equals("nsec") ? "nanosec" : e.getKey(), comparable(e.getValue()));
                }
            }
            return o;
        }
        if (json.isArray()) {
            ArrayNode a = NODES.arrayNode();
            json.forEach(v -> a.add(comparable(v)));
            return a;
        }
        return json.isNumber() ? NODES.numberNode(json.doubleValue()) : json;
    }

    /** {@link #comparable} without the times ({@code timestamp}, {@code header.stamp}): for messages sent live. */
    public static JsonNode timeless(JsonNode json) {
        JsonNode c = comparable(json).deepCopy();
        strip(c);
        return c;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove(List.of("timestamp", "stamp"));
        }
        node.forEach(WellKnownFixture::strip);
    }
}
