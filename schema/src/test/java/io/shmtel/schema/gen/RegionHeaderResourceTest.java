package io.shmtel.schema.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.testing.Examples;
import io.shmtel.schema.testing.Gcc;
import io.shmtel.schema.testing.NativeTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The C text that owns and opens regions, the resource {@value CHeaderCommon#REGION_RESOURCE}: it compiles on its
 * own under strict C11 (gcc, clang) and C++17 (g++, clang++), its copy of the constants is what CGenerator writes
 * from the Java descriptors, every example's header holds it with its schema's layout descriptor, each error code
 * has its own text, and the descriptor's canonical text is the schema's byte for byte (pieces, escapes, UTF-8).
 */
class RegionHeaderResourceTest {
    /** Run with {@code -Wall -Wextra -Werror -pedantic} and the language standard. */
    static final List<String> STRICT_CPP17 = List.of("-x", "c++", "-std=c++17", "-Wall", "-Wextra", "-Werror",
            "-pedantic", "-O2");
    /** A define of an error code: {@code #define SHMTEL_ERR_NAME (-N)}. */
    static final Pattern ERROR_CODE = Pattern.compile("#define (SHMTEL_ERR_[A-Z_]+) \\((-\\d+)\\)");
    /** Pieces of text that the long schema's descriptions repeat: quotes, backslashes, '?', 2- and 3-byte UTF-8. */
    static final String TRICKY = "a \"quoted\" back\\slash?? é 日本 ";

    /** The gate of {@code compiler}: clang also keeps its own SHMTEL_REQUIRE_CLANG. */
    static void require(String compiler) {
        boolean required = "1".equals(System.getenv(NativeTools.REQUIRE_VARIABLE))
                || compiler.startsWith("clang") && "1".equals(System.getenv("SHMTEL_REQUIRE_CLANG"));
        NativeTools.skipOrFail(NativeTools.missing(compiler, System.getenv("PATH")), required);
    }

    static void writeResources(Path dir) throws Exception {
        Files.writeString(dir.resolve(CHeaderCommon.RESOURCE), CHeaderCommon.resourceText(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(CHeaderCommon.REGION_RESOURCE), CHeaderCommon.regionResourceText(),
                StandardCharsets.UTF_8);
    }

    /** A unit that includes the region resource twice, with the common one between (include guards, any order). */
    @ParameterizedTest
    @ValueSource(strings = {"gcc", "clang", "g++", "clang++"})
    void resourceCompilesOnItsOwnAsC11AndCpp17(String compiler, @TempDir Path dir) throws Exception {
        require(compiler);
        writeResources(dir);
        String region = "#include \"" + CHeaderCommon.REGION_RESOURCE + "\"\n";
        Path source = dir.resolve("region_alone.c");
        Files.writeString(source, region + "#include \"" + CHeaderCommon.RESOURCE + "\"\n" + region,
                StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(compiler));
        command.addAll(compiler.endsWith("++") ? STRICT_CPP17 : Gcc.STRICT_C11);
        command.addAll(List.of("-I", dir.toString(), "-c", "-o", dir.resolve("region_alone.o").toString(),
                source.toString()));
        assertThat(Gcc.run(command, 120)).as("%s diagnostics", compiler).isEmpty();
        assertThat(dir.resolve("region_alone.o")).isNotEmptyFile();
    }

    @Test
    void resourceConstantsAreWhatCGeneratorWrites() {
        SourceWriter w = new SourceWriter("    ");
        CHeaderCommon.writeRegionConstants(w);
        assertThat(CHeaderCommon.regionResourceConstants())
                .as("the constants in %s (between its region constants markers): copy what CGenerator writes",
                        CHeaderCommon.REGION_RESOURCE)
                .isEqualTo(w.toString().lines().toList());
    }

    static Stream<Path> examples() {
        return Examples.examples();
    }

    /** The region part, as the resource holds it, and the schema's own functions are in every example's header. */
    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleHeaderHoldsTheRegionText(Path example) {
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(example));
        String header = new CGenerator(layout).generate().get(0).content();
        String region = CHeaderCommon.regionResourceText().lines()
                .dropWhile(line -> !line.equals(CHeaderCommon.REGION_BEGIN)).skip(1)
                .takeWhile(line -> !line.equals(CHeaderCommon.REGION_END))
                .filter(line -> !line.equals(CHeaderCommon.REGION_CONSTANTS_BEGIN))
                .filter(line -> !line.equals(CHeaderCommon.REGION_CONSTANTS_END))
                .map(line -> line + "\n").reduce("", String::concat);
        assertThat(region).contains("shmtel_region_create_", "#define SHMTEL_DEFAULT_HEARTBEAT_PERIOD_NS");
        String prefix = layout.schemaName();
        assertThat(header).contains(region).contains("static inline int " + prefix + "_region_create(",
                "static inline int " + prefix + "_region_open(", prefix + "_layout_desc(void)");
        assertThat(header.indexOf(region)).as("after the common part")
                .isGreaterThan(header.indexOf("shmtel_mailbox_recover_"));
    }

    @ParameterizedTest
    @ValueSource(strings = {CHeaderCommon.REGION_BEGIN, CHeaderCommon.REGION_CONSTANTS_BEGIN,
        CHeaderCommon.REGION_CONSTANTS_END, CHeaderCommon.REGION_END})
    void aMissingMarkerIsReported(String marker) {
        String text = CHeaderCommon.regionResourceText().replace(marker + "\n", "");
        assertThatThrownBy(() -> CHeaderCommon.Sections.of(text, CHeaderCommon.REGION_RESOURCE,
                CHeaderCommon.REGION_BEGIN, CHeaderCommon.REGION_CONSTANTS_BEGIN, CHeaderCommon.REGION_CONSTANTS_END,
                CHeaderCommon.REGION_END)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(marker).hasMessageContaining(CHeaderCommon.REGION_RESOURCE);
    }

    /** Every SHMTEL_ERR_ code of both resources, in order, as name to value. */
    static Map<String, Integer> errorCodes() {
        Map<String, Integer> codes = new LinkedHashMap<>();
        for (String text : List.of(CHeaderCommon.resourceText(), CHeaderCommon.regionResourceText())) {
            Matcher m = ERROR_CODE.matcher(text);
            while (m.find()) {
                codes.put(m.group(1), Integer.parseInt(m.group(2)));
            }
        }
        return codes;
    }

    /** shmtel_strerror has a text of its own for SHMTEL_OK and every SHMTEL_ERR_ code, and the codes are -1..-N. */
    @Test
    void everyErrorCodeHasItsOwnText(@TempDir Path dir) throws Exception {
        require("gcc");
        writeResources(dir);
        Map<String, Integer> codes = errorCodes();
        assertThat(codes).containsKeys("SHMTEL_ERR_OWNED", "SHMTEL_ERR_SYSTEM", "SHMTEL_ERR_MODE");
        List<Integer> values = new ArrayList<>(codes.values());
        values.sort(Comparator.reverseOrder());
        for (int i = 0; i < values.size(); i++) {
            assertThat(values.get(i)).as("codes -1..-N without gaps or repeats").isEqualTo(-(i + 1));
        }
        StringBuilder program = new StringBuilder("#include \"" + CHeaderCommon.REGION_RESOURCE + "\"\n"
                + "#include <stdio.h>\nint main(void) {\n    puts(shmtel_strerror(SHMTEL_OK));\n");
        codes.keySet().forEach(name -> program.append("    puts(shmtel_strerror(").append(name).append("));\n"));
        program.append("    puts(shmtel_strerror(-1000));\n    return 0;\n}\n");
        Path source = dir.resolve("codes.c");
        Files.writeString(source, program, StandardCharsets.UTF_8);
        Path binary = Gcc.compile(dir, source, "codes", Gcc.STRICT_C11);
        List<String> texts = Gcc.run(List.of(binary.toString()), 30).lines().toList();
        assertThat(texts).hasSize(codes.size() + 2);
        String unknown = texts.get(texts.size() - 1);
        Set<String> seen = new HashSet<>();
        for (String text : texts.subList(0, texts.size() - 1)) {
            assertThat(text).isNotEqualTo(unknown).isNotBlank();
            assertThat(seen.add(text)).as("a text of its own: %s", text).isTrue();
        }
    }

    /**
     * The descriptor's canonical text, as C sees it after joining its pieces, is the schema's canonical JSON byte for
     * byte: every example, and a schema whose text runs over several 4000-byte pieces with quotes, backslashes,
     * question marks and multi-byte UTF-8 cut at piece boundaries. Compiled as strict C11 (no -Woverlength-strings)
     * and as C++17, every example header in one unit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gcc", "g++"})
    void theDescriptorHoldsTheCanonicalTextOfEverySchema(String compiler, @TempDir Path dir) throws Exception {
        require(compiler);
        List<Layout> layouts = new ArrayList<>();
        examples().forEach(example -> layouts.add(LayoutCompiler.compile(SchemaParser.parse(example))));
        layouts.add(LayoutCompiler.compile(SchemaParser.parse(longSchema(), "long_text.json")));
        assertThat(layouts.get(layouts.size() - 1).canonicalJson().getBytes(StandardCharsets.UTF_8).length)
                .isGreaterThan(2 * CGenerator.TEXT_PART_BYTES);
        StringBuilder program = new StringBuilder();
        for (Layout layout : layouts) {
            new CGenerator(layout).generate().get(0).writeTo(dir);
            program.append("#include \"").append(CGenerator.fileName(layout)).append("\"\n");
        }
        program.append("#include <stdio.h>\nstatic void print(const shmtel_layout_desc_t *d) {\n")
                .append("    size_t i, n = 0;\n    for (i = 0; d->schema_text_parts[i] != NULL; i++) {\n")
                .append("        n += strlen(d->schema_text_parts[i]);\n")
                .append("        fputs(d->schema_text_parts[i], stdout);\n    }\n")
                .append("    printf(\"\\n%u %zu\\n\", (unsigned)d->schema_text_length, n);\n}\n")
                .append("int main(void) {\n");
        layouts.forEach(layout -> program.append("    print(").append(layout.schemaName())
                .append("_layout_desc());\n"));
        program.append("    return 0;\n}\n");
        Path source = dir.resolve("texts.c");
        Files.writeString(source, program, StandardCharsets.UTF_8);
        Path binary = Gcc.compile(compiler, dir, source, "texts",
                compiler.endsWith("++") ? STRICT_CPP17 : Gcc.STRICT_C11);
        StringBuilder expected = new StringBuilder();
        for (Layout layout : layouts) {
            int length = layout.canonicalJson().getBytes(StandardCharsets.UTF_8).length;
            expected.append(layout.canonicalJson()).append('\n').append(length).append(' ').append(length)
                    .append('\n');
        }
        assertThat(Gcc.run(List.of(binary.toString()), 30)).isEqualTo(expected.toString());
    }

    /** A schema of 12 fields whose descriptions (the longest the language allows) fill several text pieces. */
    static String longSchema() {
        String description = TRICKY.repeat(50).substring(0, 1000).replace("\\", "\\\\").replace("\"", "\\\"");
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            fields.append(i == 0 ? "" : ",").append("{\"name\":\"f").append(i)
                    .append("\",\"type\":\"f64\",\"description\":\"").append(description).append("\"}");
        }
        return "{\"schema\":\"long_text\",\"version\":1,\"records\":[{\"name\":\"r\",\"fields\":[" + fields + "]}]}";
    }
}
