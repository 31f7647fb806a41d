package io.shmtel.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.schema.testing.Examples;
import io.shmtel.schema.wellknown.Slot;
import io.shmtel.schema.wellknown.WellKnownType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * docs/schema.md's "Well-known messages" section agrees with the parser: its types table lists every
 * {@link WellKnownType} with each key (required ones in bold), its JSON examples parse, and its error lines are
 * the golden files' own.
 */
class WellKnownDocsTest {
    static final Path SCHEMA_DOCS = Path.of("../docs/schema.md");
    /** Fields the section's {@code "wellKnown": ...} snippets draw from. */
    static final String SNIPPET_FIELDS = """
            [ { "name": "position", "type": "f64", "count": 6 }, { "name": "velocity", "type": "f64", "count": 6 },
              { "name": "effort", "type": "f64", "count": 6 }, { "name": "frame_id", "type": "string", "length": 16 },
              { "name": "tool", "type": "f64", "count": 7 }, { "name": "ranges", "type": "f32", "count": 360 },
              { "name": "intensities", "type": "f32", "count": 360 },
              { "name": "sensor_frame", "type": "string", "length": 32 } ]""";

    static String section() throws IOException {
        String docs = Files.readString(SCHEMA_DOCS, StandardCharsets.UTF_8);
        int start = docs.indexOf("\n## Well-known messages\n");
        assertThat(start).as("docs/schema.md has a section \"Well-known messages\"").isPositive();
        return docs.substring(start, docs.indexOf("\n## ", start + 1));
    }

    /** The fenced blocks of {@code section} opened with {@code ```language} ("" for a plain fence). */
    static List<String> blocks(String section, String language) {
        List<String> blocks = new ArrayList<>();
        String open = null;
        StringBuilder block = new StringBuilder();
        for (String line : section.split("\n", -1)) {
            if (open == null && line.startsWith("```")) {
                open = line.substring("```".length());
                block.setLength(0);
            } else if (open != null && line.equals("```")) {
                if (open.equals(language)) {
                    blocks.add(block.toString());
                }
                open = null;
            } else if (open != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    @ParameterizedTest
    @EnumSource(WellKnownType.class)
    void theTypesTableListsEveryKeyRequiredOnesInBold(WellKnownType type) throws IOException {
        String row = section().lines().filter(l -> l.startsWith("| `" + type.typeName() + "` |")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + type.typeName()));
        String keys = row.split("\\|")[2];
        for (Slot slot : type.slots()) {
            String bold = "**`" + slot.key() + "`**";
            if (slot.required()) {
                assertThat(keys).as("%s: %s required", type, slot.key()).contains(bold);
            } else {
                assertThat(keys).as("%s: %s optional", type, slot.key()).contains("`" + slot.key() + "`")
                        .doesNotContain(bold);
            }
        }
    }

    @Test
    void theJsonExamplesParse() throws IOException {
        List<String> json = blocks(section(), "json");
        assertThat(json).hasSizeGreaterThanOrEqualTo(3);
        for (String block : json) {
            String record = block.startsWith("{") ? block
                    : "{ \"name\": \"r\", \"fields\": " + SNIPPET_FIELDS + ", " + block + " }";
            String schema = "{ \"schema\": \"s\", \"version\": 1, \"records\": [" + record + "] }";
            RecordDef r = SchemaParser.parse(schema, "docs").records().get(0);
            assertThat(r.wellKnown()).as(block).isNotEmpty();
        }
    }

    @Test
    void theErrorLinesAreTheGoldenFilesOwn() throws IOException {
        List<String> lines = blocks(section(), "").stream().flatMap(String::lines).toList();
        assertThat(lines).isNotEmpty();
        StringBuilder golden = new StringBuilder();
        try (Stream<Path> files = Files.list(Examples.badDir())) {
            for (Path p : files.filter(f -> f.toString().endsWith(".expected")).toList()) {
                golden.append(Files.readString(p, StandardCharsets.UTF_8).replace("src/test/resources/bad/", ""));
            }
        }
        assertThat(lines).allSatisfy(l -> assertThat(golden.toString()).contains(l + "\n"));
    }
}
