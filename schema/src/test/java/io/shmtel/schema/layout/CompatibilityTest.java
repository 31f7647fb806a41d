package io.shmtel.schema.layout;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompatibilityTest {
    static final String V1 = """
            {"schema":"arm","version":1,"records":[{"name":"joint_state","depth":8,"fields":[
              {"name":"position","type":"f64","count":6,"unit":"rad"},
              {"name":"status","type":"i32","enum":{"OK":0,"FAULT":1}}]}]}""";

    static Layout layout(String json) {
        return LayoutCompilerTest.compile(json);
    }

    @Test
    void appendingFieldsRecordsAndConstantsIsCompatible() {
        Layout v2 = layout("""
                {"schema":"arm","version":2,"records":[{"name":"joint_state","depth":16,"fields":[
                  {"name":"position","type":"f64","count":6,"unit":"rad"},
                  {"name":"status","type":"i32","enum":{"OK":0,"FAULT":1,"ESTOP":2}},
                  {"name":"effort","type":"f64","count":6}]},
                  {"name":"tool","fields":[{"name":"grip","type":"f32"}]}]}""");
        Compatibility.Report report = Compatibility.check(layout(V1), v2);
        assertThat(report.compatible()).isTrue();
        assertThat(report.render()).isEqualTo("""
                compatible
                  compatible   joint_state: depth 8 -> 16 (ring geometry is read from the region)
                  compatible   joint_state.status: enum constant ESTOP added by the writer (the reader sees its raw \
                value)
                  compatible   joint_state.effort: field appended by the writer at offset 56 (not read by the reader)
                  compatible   tool: record added by the writer (ignored by the reader)""");
    }

    @Test
    void aNewerReaderCannotReadAnOlderWriter() {
        Layout v2 = layout(V1.replace("]}]}", ",{\"name\":\"effort\",\"type\":\"f64\"}]}]}"));
        Compatibility.Report report = Compatibility.check(v2, layout(V1));
        assertThat(report.compatible()).isFalse();
        assertThat(report.breaking()).extracting(Compatibility.Finding::toString).containsExactly(
                "INCOMPATIBLE joint_state.effort: field missing from the writer's layout (fields may only be "
                        + "appended, never removed)");
    }

    @Test
    void changedTypesCountsOrderAndConstantsAreReportedFieldByField() {
        Layout changed = layout("""
                {"schema":"arm","version":2,"records":[{"name":"joint_state","fields":[
                  {"name":"position","type":"f32","count":7,"unit":"deg"},
                  {"name":"status","type":"i32","enum":{"OK":1}}]}]}""");
        Compatibility.Report report = Compatibility.check(layout(V1), changed);
        assertThat(report.compatible()).isFalse();
        assertThat(report.render()).isEqualTo("""
                incompatible
                  compatible   joint_state: depth 8 -> 2 (ring geometry is read from the region)
                  INCOMPATIBLE joint_state.position: type f64 -> f32
                  INCOMPATIBLE joint_state.position: count 6 -> 7
                  compatible   joint_state.position: unit "rad" -> "deg"
                  INCOMPATIBLE joint_state.status: offset 48 -> 28
                  INCOMPATIBLE joint_state.status: enum constant OK = 0 -> 1
                  INCOMPATIBLE joint_state.status: enum constant FAULT removed by the writer""");
    }

    @Test
    void renamedOrReorderedFieldsAndMissingRecordsBreak() {
        Layout renamed = layout(V1.replace("\"position\"", "\"angles\""));
        assertThat(Compatibility.check(layout(V1), renamed).breaking()).extracting(Compatibility.Finding::message)
                .containsExactly("field 0 is \"position\" for the reader but \"angles\" for the writer: fields may "
                        + "only be appended");
        Layout otherRecord = layout(V1.replace("joint_state", "joints"));
        assertThat(Compatibility.check(layout(V1), otherRecord).breaking()).extracting(Compatibility.Finding::toString)
                .containsExactly("INCOMPATIBLE joint_state: record missing from the writer's layout");
        Layout otherSchema = layout(V1.replace("\"arm\"", "\"leg\""));
        assertThat(Compatibility.check(layout(V1), otherSchema).compatible()).isFalse();
    }

    @Test
    void aLayoutIsCompatibleWithItself() {
        assertThat(Compatibility.check(layout(V1), layout(V1)).findings()).isEmpty();
    }
}
