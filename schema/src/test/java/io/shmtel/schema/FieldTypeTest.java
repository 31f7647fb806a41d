package io.shmtel.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shmtel.schema.FieldType.Kind;
import io.shmtel.schema.testing.Examples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The field-type table ({@link FieldType}) over every type: its facts agree with each other (size,
 * alignment, Java buffer primitive, integer range, JSON/C/ROS names), and the files that list the types
 * outside Java (the editors' JSON Schema, the all-types example, the types table of docs/schema.md) list
 * every one as the table has it.
 */
class FieldTypeTest {
    /** Bytes of each Java primitive a ByteBuffer stores (facts of Java, not of the table). */
    static final Map<String, Integer> JAVA_PRIMITIVE_BYTES = Map.of("byte", Byte.BYTES, "short", Short.BYTES,
            "int", Integer.BYTES, "long", Long.BYTES, "float", Float.BYTES, "double", Double.BYTES);
    /** The integer range of each Java integer type, {min, max}. */
    static final Map<String, long[]> JAVA_INTEGER_RANGES = Map.of(
            "byte", new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE}, "short", new long[] {Short.MIN_VALUE, Short.MAX_VALUE},
            "int", new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE},
            "long", new long[] {Long.MIN_VALUE, Long.MAX_VALUE});
    static final Set<Integer> SIZES = Set.of(1, 2, 4, 8);
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path SCHEMA_DOCS = Path.of("../docs/schema.md");

    @ParameterizedTest
    @EnumSource(FieldType.class)
    void schemaNameRoundTripsAndIsLowerCase(FieldType t) {
        assertThat(FieldType.fromSchemaName(t.schemaName())).contains(t);
        assertThat(t.schemaName()).matches("[a-z][a-z0-9]*");
        assertThat(FieldType.schemaNames()).containsOnlyOnce(t.schemaName());
    }

    @ParameterizedTest
    @EnumSource(FieldType.class)
    void sizeIsAlignmentAndTheBufferPrimitivesSize(FieldType t) {
        assertThat(SIZES).contains(t.sizeBytes());
        assertThat(t.alignment()).isEqualTo(t.sizeBytes());
        assertThat(JAVA_PRIMITIVE_BYTES).containsEntry(t.javaBufferType(), t.sizeBytes());
    }

    @ParameterizedTest
    @EnumSource(FieldType.class)
    void javaTypeHoldsEveryValue(FieldType t) {
        switch (t.kind()) {
            case BOOLEAN -> assertThat(t.javaType()).isEqualTo("boolean");
            case TEXT -> assertThat(t.javaType()).isEqualTo("String");
            case FLOAT -> assertThat(t.javaType()).isEqualTo(t.javaBufferType());
            case SIGNED_INTEGER, UNSIGNED_INTEGER -> {
                long[] java = JAVA_INTEGER_RANGES.get(t.javaType());
                assertThat(java).as("Java type %s is an integer type", t.javaType()).isNotNull();
                assertThat(java[0]).isLessThanOrEqualTo(t.minValue());
                assertThat(java[1]).isGreaterThanOrEqualTo(t.maxValue());
            }
        }
        assertThat(t.javaArrayType()).isEqualTo(t.javaType() + "[]");
    }

    @ParameterizedTest
    @EnumSource(FieldType.class)
    void integerRangeFollowsFromSizeAndSign(FieldType t) {
        int bits = Byte.SIZE * t.sizeBytes();
        switch (t.kind()) {
            case BOOLEAN -> {
                assertThat(t.minValue()).isZero();
                assertThat(t.maxValue()).isOne();
            }
            case SIGNED_INTEGER -> {
                assertThat(t.maxValue()).isEqualTo(bits == Long.SIZE ? Long.MAX_VALUE : (1L << (bits - 1)) - 1);
                assertThat(t.minValue()).isEqualTo(-t.maxValue() - 1);
            }
            case UNSIGNED_INTEGER -> {
                assertThat(bits).as("unsigned types fit a long").isLessThan(Long.SIZE);
                assertThat(t.minValue()).isZero();
                assertThat(t.maxValue()).isEqualTo((1L << bits) - 1);
                assertThat(t.javaType()).as("held by a wider type than the buffer's").isNotEqualTo(t.javaBufferType());
            }
            case FLOAT, TEXT -> {
                assertThatThrownBy(t::minValue).isInstanceOf(IllegalStateException.class);
                assertThatThrownBy(t::maxValue).isInstanceOf(IllegalStateException.class);
            }
        }
        if (t.isFloat()) {
            double largest = t.sizeBytes() == Float.BYTES ? Float.MAX_VALUE : Double.MAX_VALUE;
            assertThat(t.maxFiniteMagnitude()).isEqualTo(largest);
        } else {
            assertThatThrownBy(t::maxFiniteMagnitude).isInstanceOf(IllegalStateException.class);
        }
        assertThat(t.isUnsigned()).isEqualTo(t.kind() == Kind.UNSIGNED_INTEGER);
    }

    @ParameterizedTest
    @EnumSource(FieldType.class)
    void jsonSchemaTypeFollowsTheKind(FieldType t) {
        String expected = switch (t.kind()) {
            case BOOLEAN -> "boolean";
            case SIGNED_INTEGER, UNSIGNED_INTEGER -> "integer";
            case FLOAT -> "number";
            case TEXT -> "string";
        };
        assertThat(t.jsonType()).isEqualTo(expected);
    }

    /** The C and ROS 2 names are the ones the "did you mean" hints map back to the type. */
    @ParameterizedTest
    @EnumSource(FieldType.class)
    void cAndRosNamesMeanTheType(FieldType t) {
        for (String name : List.of(t.cType(), t.rosType())) {
            String ours = name.equals(t.schemaName()) ? name : FieldType.alias(name).orElse(null);
            assertThat(ours).as("%s means %s", name, t.schemaName()).isEqualTo(t.schemaName());
        }
        if (t.kind() == Kind.SIGNED_INTEGER || t.kind() == Kind.UNSIGNED_INTEGER) {
            String bits = Integer.toString(Byte.SIZE * t.sizeBytes());
            String sign = t.isUnsigned() ? "u" : "";
            assertThat(t.cType()).isEqualTo(sign + "int" + bits + "_t");
            assertThat(t.rosType()).isEqualTo(sign + "int" + bits);
        }
    }

    @Test
    void theEditorsJsonSchemaListsEveryTypeInOrder() throws IOException {
        JsonNode schema = JSON.readTree(JsonSchemaAgreementTest.JSON_SCHEMA.toFile());
        List<String> listed = new ArrayList<>();
        schema.at("/$defs/field/properties/type/enum").forEach(n -> listed.add(n.asText()));
        assertThat(listed).isEqualTo(FieldType.schemaNames());
    }

    /**
     * docs/schema.md's "Types" table gives each type's size, Java getter type and C type: rows such as
     * {@code | `i8` / `u8` | 1 | `byte` / `int` | `int8_t` / `uint8_t` | |}, the n-th name of a cell going with
     * the n-th type of the row.
     */
    @ParameterizedTest
    @EnumSource(FieldType.class)
    void theSchemaDocsTypesTableAgrees(FieldType t) throws IOException {
        String docs = Files.readString(SCHEMA_DOCS, StandardCharsets.UTF_8);
        String table = docs.substring(docs.indexOf("### Types"));
        String name = "`" + t.schemaName() + "`";
        String row = table.lines().filter(l -> l.startsWith("| " + name + " ") || l.contains(" / " + name + " |"))
                .findFirst().orElseThrow(() -> new AssertionError("no row for " + name + " in " + SCHEMA_DOCS));
        String[] cells = row.split("\\|");
        List<String> types = docNames(cells[1]);
        int n = types.indexOf(t.schemaName());
        List<String> sizes = List.of(cells[2].trim().split(" / "));
        if (t != FieldType.STRING) {
            assertThat(sizes.get(Math.min(n, sizes.size() - 1))).isEqualTo(Integer.toString(t.sizeBytes()));
        }
        assertThat(docNames(cells[3]).get(n)).as("Java type").isEqualTo(t.javaType());
        assertThat(docNames(cells[4]).get(n)).as("C type").isEqualTo(t.cType());
    }

    /** The first `name` of each " / "-separated part of a table cell, without an array suffix. */
    private static List<String> docNames(String cell) {
        List<String> names = new ArrayList<>();
        for (String part : cell.split(" / ")) {
            int open = part.indexOf('`');
            String name = part.substring(open + 1, part.indexOf('`', open + 1));
            names.add(name.contains("[") ? name.substring(0, name.indexOf('[')) : name);
        }
        return names;
    }

    /** all_types.json, the example generator, view and tool tests run over, has each type as scalar and array. */
    @Test
    void allTypesExampleHasEveryTypeAsScalarAndAsArray() {
        SchemaDef schema = SchemaParser.parse(Examples.example("all_types.json"));
        Set<FieldType> scalars = EnumSet.noneOf(FieldType.class);
        Set<FieldType> arrays = EnumSet.noneOf(FieldType.class);
        for (RecordDef r : schema.records()) {
            for (FieldDef f : r.fields()) {
                (f.isArray() ? arrays : scalars).add(f.type());
            }
        }
        assertThat(scalars).containsExactlyInAnyOrder(FieldType.values());
        Set<FieldType> arrayable = EnumSet.complementOf(EnumSet.of(FieldType.STRING)); // strings have no count
        assertThat(arrays).containsExactlyInAnyOrderElementsOf(arrayable);
    }
}
