package io.shmtel.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shmtel.schema.testing.NativeTools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code shmtel bench --only cops} (smoke profile): cops.c compiles and prints every operation of
 * {@link COpsScenario#OPS}, each reported in the table beside its JMH name and in results.json. Figures are not
 * asserted beyond being positive (speed is measured, not tested). Without gcc the scenario says it skipped.
 */
class COpsScenarioTest {
    @TempDir
    static Path out;

    static int status;
    static String printed;
    static JsonNode json;

    static Stream<COpsScenario.Op> ops() {
        return COpsScenario.OPS.stream();
    }

    @BeforeAll
    static void runSmoke() throws IOException {
        System.setProperty("java.awt.headless", "true");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            status = new CommandLine(new Harness()).execute("--smoke", "--only", "cops", "--out", out.toString());
        } finally {
            System.setOut(old);
        }
        printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    }

    static boolean haveGcc() {
        return Harness.findExecutable("gcc", "cc") != null;
    }

    @Test
    void theScenarioRanOrSaidWhyNot() {
        assertThat(status).as(printed).isZero();
        assertThat(json.get("failures")).isEmpty();
        assertThat(printed).contains("C operations (cops.c");
        if (haveGcc()) {
            assertThat(json.get("cOps")).hasSize(COpsScenario.OPS.size());
            assertThat(json.get("cOpsSkipped").isNull()).isTrue();
        } else {
            assertThat(json.get("cOpsSkipped").asText()).contains("no gcc");
            assertThat(printed).contains("skipped: no gcc");
        }
    }

    @ParameterizedTest
    @MethodSource("ops")
    void everyOperationIsMeasuredAndPrintedBesideItsJmhName(COpsScenario.Op op) {
        NativeTools.require("gcc"); // without it the scenario's skip is checked above
        List<JsonNode> found = new ArrayList<>();
        json.get("cOps").forEach(c -> {
            if (c.get("op").asText().equals(op.name())) {
                found.add(c);
            }
        });
        assertThat(found).as("results.json cOps entry of %s", op.name()).hasSize(1);
        JsonNode c = found.get(0);
        assertThat(c.get("jmh").asText()).isEqualTo(op.jmh());
        assertThat(c.get("minNs").asDouble()).isPositive();
        assertThat(c.get("medianNs").asDouble()).isGreaterThanOrEqualTo(c.get("minNs").asDouble());
        assertThat(printed).containsPattern("  " + op.name() + " +[0-9.]+ ns +[0-9.]+ ns +"
                + Pattern.quote(op.jmh()));
    }

    @Test
    void aLineOfAnotherShapeIsRefusedNamingIt() throws IOException {
        assertThatThrownBy(() -> COpsScenario.parse(List.of("publish64 7.9")))
                .isInstanceOf(IOException.class).hasMessageContaining("\"publish64 7.9\"")
                .hasMessageContaining("NAME MIN_NS MEDIAN_NS");
        assertThatThrownBy(() -> COpsScenario.parse(List.of("publish64 fast 7.9")))
                .isInstanceOf(IOException.class).hasMessageContaining("\"publish64 fast 7.9\"");
        assertThat(COpsScenario.parse(List.of("publish64 7.9 8.0")).get("publish64")).containsExactly(7.9, 8.0);
    }
}
