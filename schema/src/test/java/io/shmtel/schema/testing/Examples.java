package io.shmtel.schema.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The shipped example schemas (schema/examples) and the bad ones (schema/src/test/resources/bad), from any module. */
public final class Examples {
    private Examples() {}

    /** schema/examples, resolved from the schema module or a sibling module. */
    public static Path examplesDir() {
        return moduleDir().resolve("examples");
    }

    public static Path badDir() {
        return moduleDir().resolve("src/test/resources/bad");
    }

    public static Path example(String fileName) {
        return examplesDir().resolve(fileName);
    }

    /** Every example schema, sorted. */
    public static Stream<Path> examples() {
        return jsonFiles(examplesDir());
    }

    /** Every bad schema, sorted. */
    public static Stream<Path> badFiles() {
        return jsonFiles(badDir());
    }

    private static Stream<Path> jsonFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path moduleDir() {
        Path here = Path.of("");
        return Files.isDirectory(here.resolve("examples")) ? here : Path.of("..", "schema");
    }
}
