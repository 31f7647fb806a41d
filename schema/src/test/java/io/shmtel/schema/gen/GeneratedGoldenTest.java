package io.shmtel.schema.gen;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.testing.Examples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generated code for the arm example, pinned as golden files in src/test/resources/golden, so
 * that every change to the generators shows up as a reviewable diff. Behaviour is tested elsewhere
 * (GeneratedJavaTest, CGeneratorTest); this pins readability. Rewrite with -Dshmtel.updateGolden=true.
 */
class GeneratedGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/arm");

    @Test
    void armJavaAndCOutputMatchTheGoldenFiles() throws IOException {
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(Examples.example("arm.json")));
        List<GeneratedFile> files = new ArrayList<>(new JavaGenerator(layout, "com.example.arm").generate());
        files.addAll(new CGenerator(layout).generate());
        for (GeneratedFile f : files) {
            Path golden = GOLDEN.resolve(Path.of(f.relativePath()).getFileName().toString() + ".txt");
            if (Boolean.getBoolean("shmtel.updateGolden")) {
                Files.createDirectories(GOLDEN);
                Files.writeString(golden, f.content(), StandardCharsets.UTF_8);
            }
            assertThat(golden).as("golden file (create it with -Dshmtel.updateGolden=true)").exists();
            assertThat(f.content()).as(f.relativePath()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
        }
    }
}
