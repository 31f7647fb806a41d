package io.shmtel.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.testing.Examples;
import io.shmtel.schema.wellknown.Binding;
import io.shmtel.schema.wellknown.Binding.Constant;
import io.shmtel.schema.wellknown.Binding.NumberRef;
import io.shmtel.schema.wellknown.Binding.Numbers;
import io.shmtel.schema.wellknown.Binding.Vector;
import io.shmtel.schema.wellknown.Slot;
import io.shmtel.schema.wellknown.WellKnownDef;
import io.shmtel.schema.wellknown.WellKnownType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The schema key {@code "wellKnown"}: every type parses, fills in its defaults, is written back in canonical form
 * and parses from that to the same record, without changing the fingerprint; refusals name the place and the fix.
 */
class WellKnownParserTest {
    /** The fields every mapping below draws from. */
    static final String FIELDS = """
            [ { "name": "pos", "type": "f64", "count": 3 }, { "name": "quat", "type": "f32", "count": 4 },
              { "name": "joints", "type": "f64", "count": 8 }, { "name": "x", "type": "f64" },
              { "name": "n", "type": "u32" }, { "name": "frame", "type": "string", "length": 16 },
              { "name": "ranges", "type": "f32", "count": 5 }, { "name": "strength", "type": "u16", "count": 5 },
              { "name": "flag", "type": "bool" } ]""";

    /** One mapping per type, as a user might write it (every value form appears at least once). */
    static final Map<WellKnownType, String> MAPPINGS = new EnumMap<>(Map.of(
            WellKnownType.VECTOR3_MESSAGE, """
                    { "type": "foxglove.Vector3", "x": "pos[0]", "y": 1.5, "z": "x" }""",
            WellKnownType.QUATERNION_MESSAGE, """
                    { "type": "foxglove.Quaternion", "x": 0, "y": "quat[1]", "z": -0.0, "w": 1e0 }""",
            WellKnownType.POSE_IN_FRAME, """
                    { "type": "foxglove.PoseInFrame", "frame_id": { "field": "frame" },
                      "pose": { "position": "joints[5]", "orientation": { "x": 0, "y": 0, "z": "x", "w": 1 } } }""",
            WellKnownType.FRAME_TRANSFORM, """
                    { "type": "foxglove.FrameTransform", "parent_frame_id": "world", "child_frame_id": "tool",
                      "translation": "pos", "rotation": "quat" }""",
            WellKnownType.FRAME_TRANSFORMS, """
                    { "type": "foxglove.FrameTransforms", "transforms": [
                      { "parent_frame_id": "world", "child_frame_id": "a", "rotation": "joints[1]" },
                      { "parent_frame_id": "a", "child_frame_id": { "field": "frame" }, "translation": [1, 2, "x"] }
                    ] }""",
            WellKnownType.LASER_SCAN, """
                    { "type": "foxglove.LaserScan", "frame_id": "laser", "start_angle": -1.25, "end_angle": "x",
                      "ranges": "ranges", "intensities": "strength" }""",
            WellKnownType.POINT_CLOUD, """
                    { "type": "foxglove.PointCloud", "frame_id": "cam", "x": "ranges", "y": "ranges", "z": "strength",
                      "count": "n" }""",
            WellKnownType.JOINT_STATE, """
                    { "type": "sensor_msgs/JointState", "name": ["j1", "j2", "j3", "j4", "j5", "j6", "j7", "j8"],
                      "position": "joints", "effort": "joints" }"""));

    static String schema(String wellKnown) {
        return "{ \"schema\": \"s\", \"version\": 1, \"records\": [ { \"name\": \"r\", \"fields\": " + FIELDS
                + (wellKnown == null ? "" : ", \"wellKnown\": " + wellKnown) + " } ] }";
    }

    static RecordDef record(String wellKnown) {
        return SchemaParser.parse(schema(wellKnown), "test.json").records().get(0);
    }

    @Test
    void everyTypeHasAMappingHere() {
        assertThat(MAPPINGS.keySet()).containsExactlyInAnyOrder(WellKnownType.values());
    }

    @ParameterizedTest
    @EnumSource(WellKnownType.class)
    void everyTypeRoundTripsThroughCanonicalTextAndLeavesTheFingerprint(WellKnownType type) {
        Layout plain = LayoutCompiler.compile(SchemaParser.parse(schema(null), "plain.json"));
        SchemaDef mapped = SchemaParser.parse(schema(MAPPINGS.get(type)), "mapped.json");
        Layout layout = LayoutCompiler.compile(mapped);
        assertThat(mapped.records().get(0).wellKnown()).hasSize(1).first()
                .extracting(WellKnownDef::type).isEqualTo(type);
        SchemaDef again = SchemaParser.parse(layout.canonicalJson(), "canonical");
        assertThat(again.records()).isEqualTo(mapped.records());
        assertThat(LayoutCompiler.compile(again).canonicalJson()).isEqualTo(layout.canonicalJson());
        assertThat(layout.fingerprint()).isEqualTo(plain.fingerprint());
        assertThat(layout.records().get(0).fingerprint()).isEqualTo(plain.records().get(0).fingerprint());
        assertThat(layout.records().get(0).wellKnown()).isEqualTo(mapped.records().get(0).wellKnown());
        assertThat(plain.canonicalJson()).doesNotContain("wellKnown");
        assertThat(layout.canonicalJson()).startsWith(plain.canonicalJson().substring(0,
                plain.canonicalJson().length() - "}]}".length()) + ",\"wellKnown\":[{\"type\":\"" + type.typeName()
                + "\"");
    }

    @Test
    void canonicalFormWritesDefaultsItemsAndNormalisedNumbers() {
        String all = "[" + String.join(",", MAPPINGS.values()) + "]";
        String canonical = LayoutCompiler.compile(SchemaParser.parse(schema(all), "t.json")).canonicalJson();
        String wellKnown = canonical.substring(canonical.indexOf(",\"wellKnown\":") + 1, canonical.length() - 3);
        assertThat(wellKnown).isEqualTo("\"wellKnown\":["
                + "{\"type\":\"foxglove.Vector3\",\"x\":\"pos[0]\",\"y\":1.5,\"z\":\"x\"},"
                + "{\"type\":\"foxglove.Quaternion\",\"x\":0,\"y\":\"quat[1]\",\"z\":0,\"w\":1},"
                + "{\"type\":\"foxglove.PoseInFrame\",\"frame_id\":{\"field\":\"frame\"},\"pose\":{\"position\":"
                + "[\"joints[5]\",\"joints[6]\",\"joints[7]\"],\"orientation\":[0,0,\"x\",1]}},"
                + "{\"type\":\"foxglove.FrameTransform\",\"parent_frame_id\":\"world\",\"child_frame_id\":\"tool\","
                + "\"translation\":[\"pos[0]\",\"pos[1]\",\"pos[2]\"],"
                + "\"rotation\":[\"quat[0]\",\"quat[1]\",\"quat[2]\",\"quat[3]\"]},"
                + "{\"type\":\"foxglove.FrameTransforms\",\"transforms\":["
                + "{\"parent_frame_id\":\"world\",\"child_frame_id\":\"a\",\"translation\":[0,0,0],"
                + "\"rotation\":[\"joints[1]\",\"joints[2]\",\"joints[3]\",\"joints[4]\"]},"
                + "{\"parent_frame_id\":\"a\",\"child_frame_id\":{\"field\":\"frame\"},\"translation\":[1,2,\"x\"],"
                + "\"rotation\":[0,0,0,1]}]},"
                + "{\"type\":\"foxglove.LaserScan\",\"frame_id\":\"laser\",\"pose\":{\"position\":[0,0,0],"
                + "\"orientation\":[0,0,0,1]},\"start_angle\":-1.25,\"end_angle\":\"x\",\"ranges\":\"ranges\","
                + "\"intensities\":\"strength\"},"
                + "{\"type\":\"foxglove.PointCloud\",\"frame_id\":\"cam\",\"pose\":{\"position\":[0,0,0],"
                + "\"orientation\":[0,0,0,1]},\"x\":\"ranges\",\"y\":\"ranges\",\"z\":\"strength\",\"count\":\"n\"},"
                + "{\"type\":\"sensor_msgs/JointState\",\"frame_id\":\"\",\"name\":[\"j1\",\"j2\",\"j3\",\"j4\","
                + "\"j5\",\"j6\",\"j7\",\"j8\"],\"position\":\"joints\",\"effort\":\"joints\"}]");
        assertThat(SchemaParser.parse(canonical, "c").records().get(0).wellKnown()).hasSize(MAPPINGS.size());
    }

    @Test
    void numbersBeyondIntegersAreWrittenAsJavaWritesDoubles() {
        String canonical = LayoutCompiler.compile(SchemaParser.parse(schema(
                "{ \"type\": \"foxglove.Vector3\", \"x\": 1e20, \"y\": 0.1, \"z\": -9007199254740992 }"), "t"))
                .canonicalJson();
        assertThat(canonical).contains("\"x\":1.0E20,\"y\":0.1,\"z\":-9007199254740992}");
        assertThat(SchemaParser.parse(canonical, "c").records().get(0).wellKnown().get(0).get("x"))
                .isEqualTo(new Constant(1e20));
    }

    @Test
    void oneObjectAndAnArrayOfOneAreTheSameAndDefaultsAreFilledIn() {
        String mapping = "{ \"type\": \"foxglove.FrameTransform\", \"parent_frame_id\": \"a\","
                + " \"child_frame_id\": \"b\" }";
        RecordDef single = record(mapping);
        assertThat(record("[" + mapping + "]")).isEqualTo(single);
        WellKnownDef def = single.wellKnown().get(0);
        assertThat(def.bindings().keySet()).containsExactly("parent_frame_id", "child_frame_id", "translation",
                "rotation");
        assertThat(def.get("translation")).isEqualTo(Vector.of(0, 0, 0));
        assertThat(def.get("rotation")).isEqualTo(Vector.of(0, 0, 0, 1));
        assertThat(record(null).wellKnown()).isEmpty();
    }

    @Test
    void vectorsAreHeldItemByItem() {
        WellKnownDef def = record(MAPPINGS.get(WellKnownType.POSE_IN_FRAME)).wellKnown().get(0);
        Binding.Struct pose = (Binding.Struct) def.get("pose");
        assertThat(pose.get("position")).isEqualTo(new Vector(List.of(new NumberRef("joints", 5),
                new NumberRef("joints", 6), new NumberRef("joints", 7))));
        assertThat(pose.get("orientation")).isEqualTo(new Vector(List.of(new Constant(0), new Constant(0),
                new NumberRef("x", NumberRef.SCALAR), new Constant(1))));
        assertThat(def.get("frame_id")).isEqualTo(new Binding.TextField("frame"));
    }

    @Test
    void theShippedExamplesMapAsTheyShould() {
        RecordDef scan = SchemaParser.parse(Examples.example("laser_scan.json")).records().get(0);
        assertThat(scan.wellKnown()).singleElement().satisfies(d -> {
            assertThat(d.type()).isEqualTo(WellKnownType.LASER_SCAN);
            assertThat(d.get("ranges")).isEqualTo(new Numbers("ranges"));
            assertThat(d.get("frame_id")).isEqualTo(new Binding.TextField("sensor_frame"));
        });
        RecordDef cloud = SchemaParser.parse(Examples.example("point_cloud.json")).records().get(0);
        assertThat(cloud.wellKnown().get(0).get("count")).isEqualTo(new NumberRef("points", NumberRef.SCALAR));
        RecordDef pose = SchemaParser.parse(Examples.example("pose.json")).records().get(0);
        assertThat(pose.wellKnown()).extracting(WellKnownDef::type).containsExactly(WellKnownType.POSE_IN_FRAME,
                WellKnownType.VECTOR3_MESSAGE, WellKnownType.FRAME_TRANSFORM, WellKnownType.QUATERNION_MESSAGE);
    }

    static String problem(String wellKnown) {
        SchemaException e = catchThrowableOfType(SchemaException.class,
                () -> SchemaParser.parse(schema(wellKnown), "t.json"));
        assertThat(e).as("refused: %s", wellKnown).isNotNull();
        assertThat(e.problems()).as("one problem: %s", e.getMessage()).hasSize(1);
        return e.problems().get(0).message();
    }

    @Test
    void refusalsSayWhatIsWrongAndTheFix() {
        assertThat(problem("{ \"type\": \"sensor_msgs/JointState\", \"name\": [\"a\",\"b\",\"c\",\"d\",\"e\","
                + "\"f\",\"g\",\"h\"], \"position\": \"jonts\" }")).isEqualTo("unknown field \"jonts\" in"
                + " \"position\"; did you mean \"joints\"? (fields: pos, quat, joints, x, n, frame, ranges,"
                + " strength, flag)");
        assertThat(problem("{ \"type\": \"foxglove.FrameTransform\", \"parent_frame_id\": \"a\","
                + " \"child_frame_id\": \"b\", \"translation\": \"joints\" }")).isEqualTo("\"translation\": \"joints\""
                + " has 8 elements; a Vector3 takes 3: write \"joints[0]\" for elements 0 to 2, or list 3 items");
        assertThat(problem("{ \"type\": \"sensor_msgs/JointState\", \"name\": [\"a\",\"b\",\"c\",\"d\",\"e\"],"
                + " \"position\": \"joints\" }")).isEqualTo("JointState \"position\" has 8 elements but \"name\""
                + " lists 5 joints: name a field of 5 elements");
        assertThat(problem("{ \"type\": \"foxglove.PointCloud\", \"frame_id\": \"c\", \"x\": \"ranges\","
                + " \"y\": \"ranges\", \"z\": \"ranges\", \"count\": \"ranges\" }")).isEqualTo("\"count\" must be an"
                + " integer scalar field; \"ranges\" is f32[5]: declare e.g. { \"name\": \"count\","
                + " \"type\": \"u32\" }");
        assertThat(problem("{ \"type\": \"foxglove.LaserScn\" }")).startsWith("unknown well-known type"
                + " \"foxglove.LaserScn\"; did you mean \"foxglove.LaserScan\"? (types: foxglove.Vector3,");
        assertThat(problem("{ \"type\": \"sensor_msgs/msg/JointState\" }")).contains("did you mean"
                + " \"sensor_msgs/JointState\"?");
        assertThat(problem("{ \"type\": \"foxglove.Vector3\", \"x\": 1, \"y\": 2, \"z\": 3, \"w\": 4 }"))
                .isEqualTo("unknown key \"w\"; did you mean \"x\"? (allowed keys: type, x, y, z)");
        assertThat(problem("{ \"type\": \"foxglove.Vector3\", \"x\": 1, \"y\": 2 }")).isEqualTo("missing required"
                + " key \"z\": z coordinate: a number, or a numeric field: \"NAME\" (a scalar) or \"NAME[i]\""
                + " (an element)");
        assertThat(problem("{ \"type\": \"foxglove.Vector3\", \"x\": \"frame\", \"y\": 2, \"z\": 3 }"))
                .isEqualTo("\"x\" takes a numeric field; \"frame\" is a string field (length 16): name an integer or"
                        + " float field, or write a number");
        assertThat(problem("{ \"type\": \"foxglove.Vector3\", \"x\": \"flag\", \"y\": 2, \"z\": 3 }"))
                .startsWith("\"x\" takes a numeric field; \"flag\" is bool");
        assertThat(problem("{ \"type\": \"foxglove.PoseInFrame\", \"frame_id\": { \"field\": \"x\" } }"))
                .isEqualTo("\"frame_id\" takes a string field or a text constant; \"x\" is f64: declare a string"
                        + " field, or write the frame id as a constant");
        assertThat(problem("{ \"type\": \"foxglove.Vector3\", \"x\": \"pos[3]\", \"y\": 2, \"z\": 3 }"))
                .isEqualTo("\"pos[3]\": element 3 is out of range; \"pos\" is f64[3] (elements 0 to 2)");
        assertThat(problem("{ \"type\": \"foxglove.Vector3\", \"x\": \"x[0]\", \"y\": 2, \"z\": 3 }"))
                .isEqualTo("\"x[0]\": \"x\" is a scalar (f64) and has no elements: write \"x\"");
        assertThat(problem("{ \"type\": \"foxglove.Vector3\", \"x\": \"pos\", \"y\": 2, \"z\": 3 }"))
                .isEqualTo("\"x\" takes one number; \"pos\" is f64[3]: name one element, e.g. \"pos[0]\"");
        assertThat(problem("{ \"type\": \"foxglove.FrameTransform\", \"parent_frame_id\": \"a\","
                + " \"child_frame_id\": \"b\", \"rotation\": \"joints[5]\" }")).isEqualTo("\"rotation\":"
                + " \"joints[5]\" would take elements 5 to 8 but \"joints\" has 8 (0 to 7); a Quaternion takes 4:"
                + " start at 4 at most");
        assertThat(problem("{ \"type\": \"foxglove.LaserScan\", \"frame_id\": \"l\", \"start_angle\": 0,"
                + " \"end_angle\": 1, \"ranges\": \"ranges\", \"intensities\": \"pos\" }")).isEqualTo("LaserScan"
                + " \"intensities\" has 3 elements but \"ranges\" has 5 elements: name a field of 5 elements");
        assertThat(problem("{ \"type\": \"foxglove.LaserScan\", \"frame_id\": \"l\", \"start_angle\": 0,"
                + " \"end_angle\": 1, \"ranges\": \"ranges[1]\" }")).isEqualTo("\"ranges\" takes a whole array"
                + " field: write \"ranges\", not \"ranges[1]\"");
        assertThat(problem("{ \"type\": \"foxglove.FrameTransforms\", \"transforms\": [ { \"type\":"
                + " \"foxglove.FrameTransform\", \"parent_frame_id\": \"a\", \"child_frame_id\": \"b\" } ] }"))
                .isEqualTo("a transform of \"transforms\" takes no \"type\" (each is a foxglove.FrameTransform):"
                        + " remove it");
        assertThat(problem("[]")).startsWith("\"wellKnown\" must hold at least one mapping");
        assertThat(problem("\"foxglove.Vector3\"")).startsWith("expected a mapping { \"type\":");
        assertThat(problem("{ \"type\": \"foxglove.Quaternion\", \"x\": 1, \"y\": 2, \"z\": 3, \"w\": 1e999 }"))
                .startsWith("\"w\": 1E+999 is beyond the range of a double");
    }

    /** Values of every JSON kind and the edge cases of field references, for {@link #anyValueIsRefusedOrTaken}. */
    static final List<String> ODD_VALUES = List.of("-1", "0", "1e309", "-1e-400", "1.5", "\"\"", "null", "true", "[]",
            "{}", "[1, 2, 3]", "[1, 2, 3, 4]", "[\"x\", \"x\"]", "{ \"x\": 1 }", "{ \"field\": 5 }",
            "{ \"field\": \"frame\" }", "\"x\"", "\"pos\"", "\"pos[2]\"", "\"pos[999999999]\"",
            "\"pos[99999999999]\"", "\"[0]\"", "\"pos[\"", "\"joints[7]\"", "\"frame\"", "\"n\"", "\"flag\"",
            "[{ \"parent_frame_id\": \"a\", \"child_frame_id\": \"b\" }]", "[{}]", "[null]");

    @ParameterizedTest
    @EnumSource(WellKnownType.class)
    void anyValueIsRefusedOrTaken(WellKnownType type) {
        String head = "{ \"type\": \"" + type.typeName() + "\", ";
        for (String value : ODD_VALUES) {
            check("{ \"type\": " + value + " }");
            check(value);
            for (Slot slot : type.slots()) {
                check(head + "\"" + slot.key() + "\": " + value + " }");
                check(head + "\"" + slot.key() + "\": [" + value + ", " + value + ", " + value + "] }");
                for (Slot member : WellKnownType.members(slot.kind())) {
                    String inner = "{ \"" + member.key() + "\": " + value + " }";
                    check(head + "\"" + slot.key() + "\": " + inner + " }");
                    check(head + "\"" + slot.key() + "\": [" + inner + "] }");
                }
            }
        }
    }

    /** The parser takes the mapping or refuses it with located problems; it never throws anything else. */
    private static void check(String mapping) {
        String text = schema(mapping);
        try {
            SchemaParser.parse(text, "t.json");
        } catch (SchemaException e) {
            assertThat(e.problems()).as(text).isNotEmpty().allSatisfy(p -> assertThat(p.line()).isPositive());
        }
    }

    @Test
    void problemsAreLocated() {
        SchemaException e = catchThrowableOfType(SchemaException.class, () -> SchemaParser.parse(
                schema("{ \"type\": \"foxglove.Vector3\", \"x\": \"pos[9]\", \"y\": 2, \"z\": 3 }"), "t.json"));
        SchemaProblem p = e.problems().get(0);
        assertThat(p.pointer()).isEqualTo("/records/0/wellKnown/x");
        assertThat(p.line()).isEqualTo(schema(null).split("\n", -1).length);
    }
}
