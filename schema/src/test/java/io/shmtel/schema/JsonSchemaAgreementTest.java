package io.shmtel.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.shmtel.schema.testing.Examples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSON Schema shipped for editors (schema/shmtel.schema.json) and the parser must agree: both
 * accept every example, both reject every bad file, except the few errors JSON Schema cannot
 * express, listed in {@link #PARSER_ONLY} and checked to really pass JSON Schema.
 */
class JsonSchemaAgreementTest {
    static final Path JSON_SCHEMA = Path.of("shmtel.schema.json");

    /**
     * Bad files whose only errors JSON Schema cannot see: duplicate keys, uniqueness, name mapping, sizes, and what
     * a well-known mapping's fields are (kind, count, element index), a frame tree's shape (one parent per
     * child frame).
     */
    static final Set<String> PARSER_ONLY = Set.of("duplicate_key.json", "duplicate_names.json", "camel_clash.json",
            "too_big.json", "enum_duplicate_value.json", "well_known_fields.json", "well_known_counts.json",
            "well_known_tree.json");

    static Schema jsonSchema;

    static Schema jsonSchema() throws IOException {
        if (jsonSchema == null) {
            SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
            jsonSchema = registry.getSchema(Files.readString(JSON_SCHEMA), InputFormat.JSON);
        }
        return jsonSchema;
    }

    /** True when JSON Schema accepts the text (text that is not JSON is rejected). */
    static boolean jsonSchemaAccepts(String text) throws IOException {
        List<Error> errors;
        try {
            errors = jsonSchema().validate(text, InputFormat.JSON);
        } catch (RuntimeException notJson) {
            return false;
        }
        return errors.isEmpty();
    }

    static boolean parserAccepts(String text) {
        try {
            SchemaParser.parse(text, "test.json");
            return true;
        } catch (SchemaException e) {
            return false;
        }
    }

    static Stream<Path> examples() {
        return Examples.examples();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void bothAcceptEveryExample(Path example) throws IOException {
        String text = Files.readString(example, StandardCharsets.UTF_8);
        assertThat(jsonSchema().validate(text, InputFormat.JSON)).as("JSON Schema errors").isEmpty();
        assertThat(parserAccepts(text)).as("parser accepts").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.shmtel.schema.SchemaErrorsTest#badFiles")
    void bothRejectEveryBadFile(Path bad) throws IOException {
        String text = Files.readString(bad, StandardCharsets.UTF_8);
        assertThat(parserAccepts(text)).isFalse();
        boolean parserOnly = PARSER_ONLY.contains(bad.getFileName().toString());
        assertThat(jsonSchemaAccepts(text)).as(parserOnly
                ? "listed as parser-only, so JSON Schema must accept it (else remove it from PARSER_ONLY)"
                : "JSON Schema must reject it too").isEqualTo(parserOnly);
    }

    @Test
    void bothRejectEveryKeywordAndReservedNameAndItsUnderscoreVariant() throws IOException {
        Set<String> names = new TreeSet<>();
        names.addAll(Names.JAVA_KEYWORDS);
        names.addAll(Names.C_KEYWORDS);
        names.addAll(Names.RESERVED_FIELD_NAMES);
        names.remove("_");
        for (String name : names) {
            for (String variant : List.of(name, name + "_")) {
                String text = withField(variant, "f64");
                boolean javaVisible = Names.JAVA_KEYWORDS.contains(Names.camelCase(variant))
                        || Names.isReservedMember(variant) || Names.C_KEYWORDS.contains(variant);
                assertThat(parserAccepts(text)).as("parser on field %s", variant).isEqualTo(!javaVisible);
                assertThat(jsonSchemaAccepts(text)).as("JSON Schema on field %s", variant).isEqualTo(!javaVisible);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classes", "integer", "value", "x", "sequence_number", "to_strings", "a1_b2"})
    void bothAcceptOrdinaryNames(String name) throws IOException {
        String text = withField(name, "f64");
        assertThat(parserAccepts(text)).isTrue();
        assertThat(jsonSchemaAccepts(text)).isTrue();
    }

    @Test
    void bothAgreeOnEveryDepthFromMinusOneTo70000() throws IOException {
        for (int depth = -1; depth <= 70_000; depth = depth < 70 ? depth + 1 : depth * 2 + 1) {
            checkDepth(depth);
        }
        for (int shift = 0; shift <= 20; shift++) {
            checkDepth(1 << shift);
        }
    }

    private static void checkDepth(int depth) throws IOException {
        String text = "{\"schema\":\"s\",\"version\":1,\"records\":[{\"name\":\"r\",\"depth\":" + depth
                + ",\"fields\":[{\"name\":\"x\",\"type\":\"u8\"}]}]}";
        assertThat(jsonSchemaAccepts(text)).as("JSON Schema on depth %d", depth).isEqualTo(parserAccepts(text));
    }

    private static String withField(String name, String type) {
        return "{\"schema\":\"s\",\"version\":1,\"records\":[{\"name\":\"r\",\"fields\":[{\"name\":\"" + name
                + "\",\"type\":\"" + type + "\"}]}]}";
    }
}
