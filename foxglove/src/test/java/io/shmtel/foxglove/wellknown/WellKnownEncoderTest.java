package io.shmtel.foxglove.wellknown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shmtel.core.view.DynamicView;
import io.shmtel.foxglove.MessageEncoding;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.wellknown.Binding;
import io.shmtel.schema.wellknown.WellKnownDef;
import io.shmtel.schema.wellknown.WellKnownType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every well-known type, in both encodings, from one sample of the fixture record. */
class WellKnownEncoderTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long K = 7;
    static final long SEC = 1_700_000_000L;
    static final long NSEC = 123_456_789L;
    static final long T = SEC * 1_000_000_000L + NSEC;
    static final RecordLayout RECORD = WellKnownFixture.record();

    static DynamicView sample() {
        return new DynamicView(RECORD).wrap(WellKnownFixture.sample(RECORD, K), 0);
    }

    static JsonNode json(WellKnownType type) throws Exception {
        byte[] m = WellKnownEncoder.create(RECORD, WellKnownFixture.def(type), MessageEncoding.JSON)
                .encode(sample(), T);
        return JSON.readTree(m);
    }

    @ParameterizedTest
    @EnumSource(WellKnownType.class)
    void jsonHasExactlyTheMembersOfFoxglovesSchemaAndCdrDecodesToTheSameWithItsRos2Definition(WellKnownType type)
            throws Exception {
        JsonNode message = json(type);
        JsonNode schema = JSON.readTree(WellKnownSchemas.schema(type, MessageEncoding.JSON));
        assertThat(schema.get("title").asText()).isEqualTo(WellKnownSchemas.schemaName(type, MessageEncoding.JSON));
        checkMembers(message, schema, type.typeName());

        byte[] cdr = WellKnownEncoder.create(RECORD, WellKnownFixture.def(type), MessageEncoding.CDR)
                .encode(sample(), T);
        String definition = WellKnownSchemas.schema(type, MessageEncoding.CDR);
        assertThat(definition).startsWith("# " + WellKnownSchemas.schemaName(type, MessageEncoding.CDR) + "\n");
        JsonNode decoded = new Ros2CdrDecoder(definition).decode(cdr);
        assertThat(WellKnownFixture.comparable(decoded)).as("CDR of %s, read with its ROS 2 definition", type)
                .isEqualTo(WellKnownFixture.comparable(message));
    }

    /** Every member the schema requires is there, none it does not know, recursively through objects. */
    static void checkMembers(JsonNode value, JsonNode schema, String where) {
        if (schema.has("items") && value.isArray()) {
            value.forEach(v -> checkMembers(v, schema.get("items"), where + "[]"));
        }
        if (!schema.has("properties")) {
            return;
        }
        assertThat(value.isObject()).as(where + " is an object").isTrue();
        List<String> names = new ArrayList<>();
        value.fieldNames().forEachRemaining(names::add);
        List<String> known = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(known::add);
        assertThat(known).as(where + ": the schema's members").containsAll(names);
        schema.path("required").forEach(r -> assertThat(names).as(where).contains(r.asText()));
        for (String n : names) {
            checkMembers(value.get(n), schema.get("properties").get(n), where + "." + n);
        }
    }

    @Test
    void valuesComeFromTheMappedFieldsAndTheTimestamp() throws Exception {
        assertThat(json(WellKnownType.VECTOR3_MESSAGE).toString()).isEqualTo("{\"x\":7.5,\"y\":7.5,\"z\":-2.5}");
        assertThat(json(WellKnownType.QUATERNION_MESSAGE).toString())
                .isEqualTo("{\"x\":7.5,\"y\":8.5,\"z\":9.5,\"w\":10.5}");
        JsonNode tf = json(WellKnownType.FRAME_TRANSFORMS).get("transforms");
        assertThat(tf).hasSize(2);
        assertThat(tf.get(0).get("timestamp").toString()).isEqualTo("{\"sec\":" + SEC + ",\"nsec\":" + NSEC + "}");
        assertThat(tf.get(0).get("parent_frame_id").asText()).isEqualTo("world");
        assertThat(tf.get(0).get("child_frame_id").asText()).isEqualTo("base");
        assertThat(tf.get(1).get("child_frame_id").asText()).isEqualTo("link7");
        assertThat(tf.get(1).get("translation").toString()).isEqualTo("{\"x\":7.5,\"y\":8.5,\"z\":9.5}");
        assertThat(tf.get(1).get("rotation").get("w").asDouble()).isEqualTo(Math.sqrt(0.5));

        JsonNode scan = json(WellKnownType.LASER_SCAN);
        assertThat(scan.get("frame_id").asText()).isEqualTo("laser");
        assertThat(scan.get("pose").toString()).isEqualTo("{\"position\":{\"x\":7.5,\"y\":8.5,\"z\":9.5},"
                + "\"orientation\":{\"x\":7.5,\"y\":8.5,\"z\":9.5,\"w\":10.5}}");
        assertThat(scan.get("start_angle").asDouble()).isEqualTo(-1);
        assertThat(scan.get("end_angle").asDouble()).isEqualTo(7.5);
        assertThat(scan.get("ranges").toString()).isEqualTo("[7.5,8.5,9.5,10.5,11.5]");
        assertThat(scan.get("intensities").toString()).isEqualTo("[7,8,9,10,11]");

        JsonNode cloud = json(WellKnownType.POINT_CLOUD);
        assertThat(cloud.get("point_stride").asInt()).isEqualTo(16);
        assertThat(cloud.get("fields").toString()).isEqualTo("[{\"name\":\"x\",\"offset\":0,\"type\":7},"
                + "{\"name\":\"y\",\"offset\":4,\"type\":7},{\"name\":\"z\",\"offset\":8,\"type\":7},"
                + "{\"name\":\"intensity\",\"offset\":12,\"type\":7}]");
        ByteBuffer data = ByteBuffer.wrap(Base64.getDecoder().decode(cloud.get("data").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(data.remaining()).as("the valid points only").isEqualTo(WellKnownFixture.VALID_POINTS * 16);
        for (int p = 0; p < WellKnownFixture.VALID_POINTS; p++) {
            assertThat(new float[] {data.getFloat(), data.getFloat(), data.getFloat(), data.getFloat()})
                    .containsExactly(K + p + 0.5f, K + p + 0.5f, K + p + 0.5f, K + p);
        }
        assertThat(cloud.get("pose").get("orientation").get("w").asDouble()).isEqualTo(1);

        JsonNode joints = json(WellKnownType.JOINT_STATE);
        assertThat(joints.get("header").toString()).isEqualTo("{\"stamp\":{\"sec\":" + SEC + ",\"nanosec\":" + NSEC
                + "},\"frame_id\":\"link7\"}");
        assertThat(joints.get("name").toString()).isEqualTo("[\"shoulder\",\"elbow\",\"wrist\"]");
        assertThat(joints.get("position").toString()).isEqualTo("[7.5,8.5,9.5]");
        assertThat(joints.get("effort").toString()).as("unmapped: empty").isEqualTo("[]");
    }

    @Test
    void theAnnotatedFixtureMapsToEveryTypeAndEncodesAsTheDefsMadeInCode() {
        RecordLayout annotated = WellKnownFixture.annotated().record("probe").orElseThrow();
        assertThat(annotated.wellKnown().stream().map(WellKnownDef::type).distinct())
                .containsExactlyInAnyOrder(WellKnownType.values());
        assertThat(WellKnownSchemas.suffixes(annotated)).isEqualTo(WellKnownFixture.SUFFIXES);
        for (WellKnownDef def : annotated.wellKnown().subList(0, WellKnownType.values().length)) {
            for (MessageEncoding e : MessageEncoding.values()) {
                assertThat(WellKnownEncoder.create(annotated, def, e).encode(sample(), T)).as("%s %s", def.type(), e)
                        .asString(StandardCharsets.ISO_8859_1).isEqualTo(new String(WellKnownEncoder.create(RECORD,
                                WellKnownFixture.def(def.type()), e).encode(sample(), T), StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    void pointDataIsBase64AsTheJdkWritesItForEveryPaddingAndCount() throws Exception {
        for (int valid = 0; valid <= 4; valid++) {
            // 3 columns (no intensity): 12 bytes a point, so the padding cycles through none, one and two.
            Map<String, Binding> b = new LinkedHashMap<>(WellKnownFixture.def(WellKnownType.POINT_CLOUD)
                    .bindings());
            b.remove("intensity");
            b.put("count", new Binding.Constant(valid));
            byte[] m = WellKnownEncoder.create(RECORD, new WellKnownDef(WellKnownType.POINT_CLOUD, b),
                    MessageEncoding.JSON).encode(sample(), T);
            byte[] cdr = WellKnownEncoder.create(RECORD, new WellKnownDef(WellKnownType.POINT_CLOUD, b),
                    MessageEncoding.CDR).encode(sample(), T);
            JsonNode decoded = new Ros2CdrDecoder(WellKnownSchemas.schema(WellKnownType.POINT_CLOUD,
                    MessageEncoding.CDR)).decode(cdr);
            byte[] raw = new byte[decoded.get("data").size()];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = (byte) decoded.get("data").get(i).asInt();
            }
            assertThat(raw).hasSize(valid * 12);
            assertThat(JSON.readTree(m).get("data").asText()).isEqualTo(Base64.getEncoder().encodeToString(raw));
        }
        for (int n = 0; n < 7; n++) { // every remainder of the byte count mod 3
            byte[] bytes = new byte[n];
            for (int i = 0; i < n; i++) {
                bytes[i] = (byte) (0xF0 + i * 37);
            }
            JsonSink sink = new JsonSink();
            sink.begin();
            sink.bytes("data", bytes, n);
            assertThat(JSON.readTree(sink.finish()).get("data").asText())
                    .isEqualTo(Base64.getEncoder().encodeToString(bytes));
        }
    }

    /** The annotated example schemas (schema/examples): every mapping encodes a sample, in both encodings, alike. */
    @Test
    void everyMappingOfTheExampleSchemasEncodesInBothEncodingsAlike() throws Exception {
        List<String> seen = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("../schema/examples"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                if (!Files.readString(file).contains("\"wellKnown\"")) {
                    continue;
                }
                for (RecordLayout r : LayoutCompiler.compile(SchemaParser.parse(file)).records()) {
                    ByteBuffer slot = ByteBuffer.allocate(r.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
                    DynamicView v = new DynamicView(r).wrap(slot, 0);
                    for (WellKnownDef def : r.wellKnown()) {
                        JsonNode json = JSON.readTree(WellKnownEncoder.create(r, def, MessageEncoding.JSON)
                                .encode(v, T));
                        checkMembers(json, JSON.readTree(WellKnownSchemas.schema(def.type(), MessageEncoding.JSON)),
                                def.type().typeName());
                        byte[] cdr = WellKnownEncoder.create(r, def, MessageEncoding.CDR).encode(v, T);
                        assertThat(WellKnownFixture.comparable(new Ros2CdrDecoder(WellKnownSchemas.schema(def.type(),
                                MessageEncoding.CDR)).decode(cdr))).as("%s %s", file, def.type())
                                .isEqualTo(WellKnownFixture.comparable(json));
                        seen.add(def.type().typeName());
                    }
                }
            }
        }
        assertThat(seen).as("mappings in schema/examples").contains("foxglove.LaserScan", "foxglove.PointCloud",
                "foxglove.PoseInFrame");
    }

    @Test
    void theEncoderReusesItsBuffersAndFollowsTheSample() throws Exception {
        WellKnownEncoder enc = WellKnownEncoder.create(RECORD, WellKnownFixture.def(WellKnownType.LASER_SCAN),
                MessageEncoding.JSON);
        for (long k = 0; k < 3; k++) {
            DynamicView v = new DynamicView(RECORD).wrap(WellKnownFixture.sample(RECORD, k), 0);
            assertThat(JSON.readTree(enc.encode(v, T)).get("ranges").get(0).asDouble()).isEqualTo(k + 0.5);
        }
    }

    @Test
    void aBindingTheRecordCannotGiveIsRefusedWithTheReason() {
        WellKnownDef unknown = new WellKnownDef(WellKnownType.JOINT_STATE, Map.of("name",
                new Binding.Texts(List.of("a")), "position", new Binding.Numbers("angles")));
        assertThatThrownBy(() -> WellKnownEncoder.create(RECORD, unknown, MessageEncoding.JSON))
                .hasMessageContaining("record probe, sensor_msgs/JointState mapping: angles is no field")
                .hasMessageContaining("joints");
        WellKnownDef text = new WellKnownDef(WellKnownType.VECTOR3_MESSAGE, Map.of("x",
                new Binding.NumberRef("frame", Binding.NumberRef.SCALAR), "y", new Binding.Constant(0), "z",
                new Binding.Constant(0)));
        assertThatThrownBy(() -> WellKnownEncoder.create(RECORD, text, MessageEncoding.CDR))
                .hasMessageContaining("frame is a string, not a number");
    }

    @Test
    void topicsOfASecondMappingOfOneTypeAreNumbered() {
        RecordLayout r = RECORD;
        RecordLayout annotated = new RecordLayout(r.index(), r.name(), r.depth(), r.rateHz(), r.description(),
                r.fields(), r.payloadLength(), r.slotLength(), r.blockOffset(), r.blockLength(), r.fingerprint(),
                r.sync(), List.of(WellKnownFixture.def(WellKnownType.JOINT_STATE),
                        WellKnownFixture.def(WellKnownType.LASER_SCAN),
                        WellKnownFixture.def(WellKnownType.JOINT_STATE)));
        assertThat(WellKnownSchemas.suffixes(annotated)).containsExactly("JointState", "LaserScan", "JointState.2");
        assertThat(WellKnownSchemas.topic("arm", "joint_state", "JointState")).isEqualTo("arm/joint_state/JointState");
    }

    @ParameterizedTest
    @EnumSource(WellKnownType.class)
    void schemaNamesFollowTheEncoding(WellKnownType type) {
        String json = WellKnownSchemas.schemaName(type, MessageEncoding.JSON);
        String cdr = WellKnownSchemas.schemaName(type, MessageEncoding.CDR);
        if (type == WellKnownType.JOINT_STATE) {
            assertThat(json).isEqualTo("sensor_msgs/msg/JointState").isEqualTo(cdr);
        } else {
            assertThat(json).isEqualTo(type.typeName());
            assertThat(cdr).isEqualTo("foxglove_msgs/msg/" + type.shortName());
        }
    }
}
