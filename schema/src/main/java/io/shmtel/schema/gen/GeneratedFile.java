package io.shmtel.schema.gen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** One generated source file: its path relative to the output directory, and its text. */
public record GeneratedFile(String relativePath, String content) {

    /** Writes the file under {@code outputDir}, creating directories; returns its path. */
    public Path writeTo(Path outputDir) throws IOException {
        Path target = outputDir.resolve(relativePath);
        Files.createDirectories(target.getParent());
        Files.writeString(target, content, StandardCharsets.UTF_8);
        return target;
    }
}
