package io.shmtel.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsARegularFileUpToTheLimit() throws IOException {
        Path f = Files.write(dir.resolve("a.json"), new byte[100]);
        assertThat(InputFiles.read(f, 100)).hasSize(100);
        assertThatThrownBy(() -> InputFiles.read(f, 99)).isInstanceOf(InputFiles.UnreadableFileException.class)
                .hasMessage(f + ": file too large: 100 bytes, more than the limit of 99 bytes");
    }

    @Test
    void refusesDevicesDirectoriesAndMissingFilesWithTheReason() {
        assertThatThrownBy(() -> InputFiles.read(Path.of("/dev/zero"), InputFiles.MAX_TEXT_BYTES))
                .hasMessage("/dev/zero: not a regular file (a device, pipe or socket): give a regular file");
        assertThatThrownBy(() -> InputFiles.read(dir, 10)).hasMessage(dir + ": is a directory, not a file");
        Path missing = dir.resolve("missing.json");
        assertThatThrownBy(() -> InputFiles.read(missing, 10)).hasMessage(missing + ": no such file: check the path");
    }

    @Test
    void aSchemaFileBeyondSixteenMibIsASchemaErrorNotAnOutOfMemoryError() throws IOException {
        Path big = dir.resolve("big.json");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(InputFiles.MAX_TEXT_BYTES + 1L);
        }
        assertThatThrownBy(() -> SchemaParser.parse(big)).isInstanceOf(SchemaException.class)
                .hasMessageContaining(big + ":1:1: /: file too large: 16777217 bytes, more than the limit of 16 MiB");
        assertThatThrownBy(() -> SchemaParser.parse(Path.of("/dev/zero"))).isInstanceOf(SchemaException.class)
                .hasMessageContaining("/dev/zero:1:1: /: not a regular file");
    }
}
