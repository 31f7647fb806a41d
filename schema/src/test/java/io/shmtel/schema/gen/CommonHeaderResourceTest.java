package io.shmtel.schema.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.testing.Examples;
import io.shmtel.schema.testing.Gcc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The C text every generated header shares, the resource {@value CHeaderCommon#RESOURCE}: it compiles on its own
 * under strict C11 with gcc and clang (clang skipped with the reason when absent unless SHMTEL_REQUIRE_CLANG=1,
 * gcc skipped when absent as in {@link CGeneratorTest}), its copy of the format constants is what CGenerator
 * writes from the Java descriptors, and every example's header holds it.
 */
class CommonHeaderResourceTest {

    /** Compiles a translation unit that includes the resource twice (its include guard) and nothing else. */
    @ParameterizedTest
    @ValueSource(strings = {"gcc", "clang"})
    void resourceCompilesOnItsOwnUnderStrictC11(String compiler, @TempDir Path dir) throws Exception {
        Gcc.require(compiler);
        Files.writeString(dir.resolve(CHeaderCommon.RESOURCE), CHeaderCommon.resourceText(), StandardCharsets.UTF_8);
        String include = "#include \"" + CHeaderCommon.RESOURCE + "\"\n";
        Path source = dir.resolve("common_alone.c");
        Files.writeString(source, include + include, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(compiler));
        command.addAll(Gcc.STRICT_C11);
        command.addAll(List.of("-I", dir.toString(), "-c", "-o", dir.resolve("common_alone.o").toString(),
                source.toString()));
        assertThat(Gcc.run(command, 120)).as("%s diagnostics", compiler).isEmpty();
        assertThat(dir.resolve("common_alone.o")).isNotEmptyFile();
    }

    @Test
    void resourceConstantsAreWhatCGeneratorWrites() {
        SourceWriter w = new SourceWriter("    ");
        CHeaderCommon.writeConstants(w);
        assertThat(CHeaderCommon.resourceConstants())
                .as("the constants in %s (between its constants markers): copy what CGenerator writes",
                        CHeaderCommon.RESOURCE)
                .isEqualTo(w.toString().lines().toList());
    }

    static Stream<Path> examples() {
        return Examples.examples();
    }

    /** The common part, as the resource holds it (constants included), is in every example's header. */
    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleHeaderHoldsTheResourceText(Path example) {
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(example));
        String header = new CGenerator(layout).generate().get(0).content();
        String common = CHeaderCommon.resourceText().lines()
                .dropWhile(line -> !line.equals(CHeaderCommon.BEGIN)).skip(1)
                .takeWhile(line -> !line.equals(CHeaderCommon.END))
                .filter(line -> !line.equals(CHeaderCommon.CONSTANTS_BEGIN))
                .filter(line -> !line.equals(CHeaderCommon.CONSTANTS_END))
                .map(line -> line + "\n").reduce("", String::concat);
        assertThat(common).contains("shmtel_mailbox_recover_", "#define SHMTEL_MAX_LATEST_ATTEMPTS");
        assertThat(header).contains(common);
    }

    @ParameterizedTest
    @ValueSource(strings = {CHeaderCommon.BEGIN, CHeaderCommon.CONSTANTS_BEGIN, CHeaderCommon.CONSTANTS_END,
        CHeaderCommon.END})
    void aMissingMarkerIsReported(String marker) {
        String text = CHeaderCommon.resourceText().replace(marker + "\n", "");
        assertThatThrownBy(() -> CHeaderCommon.Sections.of(text)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(marker);
    }

    @Test
    void markersOutOfOrderAreReported() {
        String text = CHeaderCommon.resourceText();
        String swapped = text.replace(CHeaderCommon.CONSTANTS_BEGIN, "@@").replace(CHeaderCommon.CONSTANTS_END,
                CHeaderCommon.CONSTANTS_BEGIN).replace("@@", CHeaderCommon.CONSTANTS_END);
        assertThatThrownBy(() -> CHeaderCommon.Sections.of(swapped)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("out of order");
    }
}
