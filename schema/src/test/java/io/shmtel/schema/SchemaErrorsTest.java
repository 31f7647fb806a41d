package io.shmtel.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.shmtel.schema.testing.Examples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Error messages are part of the product: each bad schema in src/test/resources/bad has its exact
 * expected stderr text beside it (NAME.expected). Run with -Dshmtel.updateGolden=true to rewrite
 * them after a deliberate change, then review the diff.
 */
class SchemaErrorsTest {
    static final Path BAD = Path.of("src/test/resources/bad");

    static Stream<Path> badFiles() {
        return Examples.badFiles();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void reportsEveryErrorAsGoldenText(Path file) throws IOException {
        SchemaException e = catchThrowableOfType(SchemaException.class, () -> SchemaParser.parse(file));
        assertThat(e).as("%s must be rejected", file).isNotNull();
        String actual = e.problems().stream().map(SchemaProblem::render).collect(Collectors.joining("\n")) + "\n";
        Path expectedFile = Path.of(file.toString().replaceAll("\\.json$", ".expected"));
        if (Boolean.getBoolean("shmtel.updateGolden")) {
            Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
        }
        assertThat(expectedFile).as("golden file for %s (create it with -Dshmtel.updateGolden=true)", file).exists();
        assertThat(actual).isEqualTo(Files.readString(expectedFile, StandardCharsets.UTF_8));
    }

    @Test
    void everyProblemNamesFileLineColumnAndPointer() {
        SchemaException e = catchThrowableOfType(SchemaException.class,
                () -> SchemaParser.parse(BAD.resolve("unknown_type.json")));
        assertThat(e.problems()).hasSize(3);
        SchemaProblem first = e.problems().get(0);
        assertThat(first.source()).endsWith("unknown_type.json");
        assertThat(first.line()).isEqualTo(8);
        assertThat(first.column()).isEqualTo(39);
        assertThat(first.pointer()).isEqualTo("/records/0/fields/0/type");
        assertThat(first.message()).isEqualTo("unknown type \"f46\"; did you mean \"f64\"? "
                + "(types: bool, i8, u8, i16, u16, i32, u32, i64, f32, f64, string)");
        assertThat(e.getMessage()).startsWith("schema had 3 errors\n");
    }

    @Test
    void missingFileIsAClearError() {
        assertThatThrownBy(() -> SchemaParser.parse(Path.of("no/such/schema.json")))
                .isInstanceOf(SchemaException.class)
                .hasMessage("schema had 1 error\nno/such/schema.json:1:1: /: no such file: check the path");
    }

    @Test
    void invalidUtf8FileIsRefusedWithTheFix(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("latin1.json");
        Files.write(file, new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'});
        assertThatThrownBy(() -> SchemaParser.parse(file))
                .isInstanceOf(SchemaException.class)
                .hasMessageEndingWith("latin1.json:1:1: /: file is not valid UTF-8: save it as UTF-8");
    }

    @Test
    void badFilesCoverTheIssueList() throws IOException {
        List<String> names = badFiles().map(p -> p.getFileName().toString()).toList();
        assertThat(names).contains("malformed.json", "unknown_key.json", "duplicate_key.json",
                "duplicate_names.json", "bad_identifiers.json", "bad_depth.json", "bad_sizes.json",
                "empty_records.json", "empty_fields.json", "too_big.json", "well_known_types.json",
                "well_known_keys.json", "well_known_fields.json", "well_known_counts.json");
    }
}
