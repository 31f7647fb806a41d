package io.shmtel.schema.layout;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.schema.SchemaParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The byte-exact examples of docs/format.md, which an implementer in another language copies,
 * checked against what the layout compiler produces for schema/examples: the canonical layout
 * text and its fingerprint, a mailbox record's layout line, and the canonical schema text that
 * decides the header length.
 */
class FormatDocTest {
    private static final Path FORMAT_MD = Path.of("..", "docs", "format.md");

    static String doc() throws IOException {
        return Files.readString(FORMAT_MD, StandardCharsets.UTF_8);
    }

    static Layout example(String name) {
        return LayoutCompiler.compile(SchemaParser.parse(Path.of("examples", name)));
    }

    /** The first fenced block after {@code marker}, without its fences. */
    static String blockAfter(String doc, String marker) {
        int at = doc.indexOf(marker);
        assertThat(at).as("docs/format.md contains " + marker).isNotNegative();
        int open = doc.indexOf("```", at);
        int start = doc.indexOf('\n', open) + 1;
        int end = doc.indexOf("```", start);
        return doc.substring(start, end);
    }

    @Test
    void theCanonicalLayoutTextAndFingerprintOfTheArmExampleAreTheCompilers() throws IOException {
        String doc = doc();
        Layout arm = example("arm.json");
        assertThat(blockAfter(doc, "The **layout fingerprint**")).isEqualTo(arm.canonicalLayoutText());
        Matcher m = Pattern.compile("the layout fingerprint is `(0x[0-9a-f]{16})`").matcher(doc);
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo(Fingerprint.hex(arm.fingerprint()));
    }

    @Test
    void aMailboxRecordsLayoutLineIsTheCompilers() throws IOException {
        String doc = doc().replaceAll("\\s+", " ");
        String line = example("commands.json").canonicalLayoutText().lines()
                .filter(l -> l.startsWith("record ")).findFirst().orElseThrow();
        assertThat(doc.contains("`" + line + "`")).as("docs/format.md shows the line `%s`", line).isTrue();
    }

    @Test
    void theCanonicalSchemaTextOfTheArmExampleIsTheCompilersByteForByte() throws IOException {
        String doc = doc();
        Layout arm = example("arm.json");
        String marker = "For `schema/examples/arm.json`";
        String shown = blockAfter(doc, marker).replace("\n", ""); // broken into lines for reading only
        assertThat(shown).isEqualTo(arm.canonicalJson());
        Matcher m = Pattern.compile(Pattern.quote(marker) + "[^`]*? these (\\d+) bytes").matcher(doc);
        assertThat(m.find()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(arm.canonicalJson().getBytes(StandardCharsets.UTF_8).length);
    }
}
