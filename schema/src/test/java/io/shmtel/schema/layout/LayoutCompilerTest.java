package io.shmtel.schema.layout;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.schema.SchemaDef;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.testing.Examples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LayoutCompilerTest {

    static Layout compile(String json) {
        return LayoutCompiler.compile(SchemaParser.parse(json, "test.json"));
    }

    static Layout example(String name) {
        return LayoutCompiler.compile(SchemaParser.parse(Path.of("examples", name)));
    }

    static Stream<Path> examples() {
        return Examples.examples();
    }

    @Test
    void armJointStateHasTheDocumentedOffsets() {
        Layout layout = example("arm.json");
        RecordLayout r = layout.record("joint_state").orElseThrow();
        assertThat(r.fields()).extracting(FieldLayout::name, FieldLayout::offset, FieldLayout::sizeBytes)
                .containsExactly(
                        Tuple.tuple("position", 0, 48),
                        Tuple.tuple("velocity", 48, 48),
                        Tuple.tuple("effort", 96, 48),
                        Tuple.tuple("status", 144, 4),
                        Tuple.tuple("frame_id", 148, 16));
        assertThat(r.payloadLength()).isEqualTo(168); // 164 rounded up to the 8-byte alignment of f64
        assertThat(r.slotLength()).isEqualTo(192);    // 16 + 168 = 184, rounded up to 64
        assertThat(layout.headerLength()).isEqualTo(4096);
        assertThat(r.blockOffset()).isEqualTo(4096);
        assertThat(r.blockLength()).isEqualTo(128 + 8 * 192);
        assertThat(r.slotOffset(3)).isEqualTo(4096 + 128 + 3 * 192);
        assertThat(layout.regionLength()).isEqualTo(8192);
    }

    @Test
    void fieldsSitAtNaturalAlignmentInDeclarationOrder() {
        Layout layout = compile("""
                {"schema":"s","version":1,"records":[{"name":"r","fields":[
                  {"name":"a","type":"u8"},{"name":"b","type":"f64"},{"name":"c","type":"u16"},
                  {"name":"d","type":"u8"},{"name":"e","type":"i32"},{"name":"f","type":"string","length":3},
                  {"name":"g","type":"f32","count":2}]}]}""");
        RecordLayout r = layout.records().get(0);
        assertThat(r.fields()).extracting(FieldLayout::offset).containsExactly(0, 8, 16, 18, 20, 24, 28);
        assertThat(r.payloadLength()).isEqualTo(40); // ends at 36, rounded to 8
        assertThat(r.slotLength()).isEqualTo(64);
    }

    @Test
    void payloadOfSmallTypesIsRoundedToItsOwnAlignmentOnly() {
        RecordLayout r = compile("""
                {"schema":"s","version":1,"records":[{"name":"r","fields":[
                  {"name":"a","type":"u8","count":3}]}]}""").records().get(0);
        assertThat(r.payloadLength()).isEqualTo(3);
        assertThat(r.slotLength()).isEqualTo(64);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyExampleKeepsTheLayoutInvariants(Path file) {
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(file));
        assertThat(layout.headerLength() % RegionHeaderDescriptor.PAGE_LENGTH).isZero();
        assertThat(layout.regionLength() % RegionHeaderDescriptor.PAGE_LENGTH).isZero();
        assertThat(layout.headerLength()).isGreaterThanOrEqualTo(RegionHeaderDescriptor.schemaTextOffset(
                layout.records().size()) + layout.canonicalJson().getBytes(StandardCharsets.UTF_8).length);
        long previousEnd = layout.headerLength();
        for (RecordLayout r : layout.records()) {
            assertThat(r.slotLength() % 64).as("slot of %s", r.name()).isZero();
            assertThat(r.slotLength()).isGreaterThanOrEqualTo(SlotDescriptor.PAYLOAD_OFFSET + r.payloadLength());
            assertThat(r.blockOffset() % 64).isZero();
            assertThat(r.blockOffset()).isGreaterThanOrEqualTo(previousEnd);
            previousEnd = r.blockOffset() + r.blockLength();
            int end = 0;
            for (FieldLayout f : r.fields()) {
                assertThat(f.offset() % f.type().sizeBytes()).as("alignment of %s", f.name()).isZero();
                assertThat(f.offset()).as("no overlap at %s", f.name()).isGreaterThanOrEqualTo(end);
                end = f.offset() + f.sizeBytes();
            }
            assertThat(r.payloadLength()).isGreaterThanOrEqualTo(end);
        }
        assertThat(layout.regionLength()).isGreaterThanOrEqualTo(previousEnd);
    }

    @Test
    void recordBlocksFollowEachOtherOnCacheLines() {
        Layout layout = example("scalars.json");
        RecordLayout counter = layout.records().get(0);
        RecordLayout reading = layout.records().get(1);
        assertThat(counter.blockLength()).isEqualTo(128 + 2 * 64);
        assertThat(reading.blockOffset()).isEqualTo(counter.blockOffset() + counter.blockLength());
    }

    @Test
    void headerGrowsByWholePagesWithTheEmbeddedSchema() {
        String description = "x".repeat(1000);
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            records.append(i == 0 ? "" : ",").append("{\"name\":\"r").append(i).append("\",\"description\":\"")
                    .append(description).append("\",\"fields\":[{\"name\":\"x\",\"type\":\"f64\"}]}");
        }
        Layout layout = compile("{\"schema\":\"s\",\"version\":1,\"records\":[" + records + "]}");
        assertThat(layout.canonicalJson().length()).isGreaterThan(20_000);
        assertThat(layout.headerLength()).isEqualTo(24_576); // 256 + 20*128 + ~20.9 KB of text -> 6 pages
        assertThat(layout.records().get(0).blockOffset()).isEqualTo(layout.headerLength());
    }

    @Test
    void fnv1aMatchesPublishedTestVectors() {
        assertThat(Fingerprint.fnv1a64("")).isEqualTo(0xcbf29ce484222325L);
        assertThat(Fingerprint.fnv1a64("a")).isEqualTo(0xaf63dc4c8601ec8cL);
        assertThat(Fingerprint.fnv1a64("foobar")).isEqualTo(0x85944171f73967e8L);
    }

    @Test
    void fingerprintOfTheArmExampleIsStable() {
        // Pinned: a change here changes the region format for every existing schema. Make it deliberately.
        assertThat(Fingerprint.hex(example("arm.json").fingerprint())).isEqualTo("0x1bb6d530886a84bc");
        assertThat(example("arm.json").canonicalLayoutText()).isEqualTo("""
                shmtel-layout 1 schema arm
                record joint_state depth=8 payload=168 slot=192
                field position f64 count=6 length=0 offset=0
                field velocity f64 count=6 length=0 offset=48
                field effort f64 count=6 length=0 offset=96
                field status i32 count=0 length=0 offset=144 enum=OK:0,FAULT:1,ESTOP:2
                field frame_id string count=0 length=16 offset=148
                """);
    }

    @Test
    void fingerprintFollowsTheLayoutNotTheProse() {
        String base =
                "{\"schema\":\"s\",\"version\":1,\"records\":[{\"name\":\"r\",\"depth\":4,\"fields\":[{\"name\":\"x\","
                + "\"type\":\"f64\"%s}]}]}";
        long fingerprint = compile(String.format(base, "")).fingerprint();
        assertThat(compile(String.format(base, ",\"unit\":\"m\",\"description\":\"d\"")).fingerprint())
                .isEqualTo(fingerprint);
        assertThat(compile(String.format(base, ",\"count\":1")).fingerprint()).isNotEqualTo(fingerprint);
        assertThat(compile(String.format(base, "").replace("f64", "i64")).fingerprint()).isNotEqualTo(fingerprint);
        assertThat(compile(String.format(base, "").replace("\"depth\":4", "\"depth\":8")).fingerprint())
                .isNotEqualTo(fingerprint);
        assertThat(compile(String.format(base, "").replace("\"x\"", "\"y\"")).fingerprint()).isNotEqualTo(fingerprint);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void canonicalTextParsesBackToTheSameLayout(Path file) {
        SchemaDef schema = SchemaParser.parse(file);
        Layout layout = LayoutCompiler.compile(schema);
        Layout again = LayoutCompiler.compile(SchemaParser.parse(layout.canonicalJson(), "canonical"));
        assertThat(again.canonicalJson()).isEqualTo(layout.canonicalJson());
        assertThat(again.fingerprint()).isEqualTo(layout.fingerprint());
        assertThat(again.records()).extracting(RecordLayout::fields).isEqualTo(
                layout.records().stream().map(RecordLayout::fields).toList());
        assertThat(layout.canonicalJson()).doesNotContain("$schema").doesNotContain("\n");
    }

    @Test
    void canonicalTextWritesDefaultsAndKeepsUnitsAndEnums() {
        Layout layout = example("status_flag.json");
        assertThat(layout.canonicalJson()).isEqualTo("{\"schema\":\"status_flag\",\"version\":1,\"description\":"
                + "\"The record of the shared-memory tutorials: an i32 status flag next to an f64 value\","
                + "\"records\":[{\"name\":\"status\",\"depth\":2,\"rateHz\":10,\"fields\":["
                + "{\"name\":\"status\",\"type\":\"i32\",\"enum\":{\"EMPTY\":0,\"DATA_READY\":1,\"BEING_READ\":2,"
                        + "\"ERROR\":3}},"
                + "{\"name\":\"value\",\"type\":\"f64\"}]}]}");
        assertThat(List.of(example("scalars.json").canonicalJson())).allMatch(s -> s.contains("\"depth\":2"));
    }
}
