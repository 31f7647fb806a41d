package io.shmtel.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A private region directory under /dev/shm for one suite, removed with everything in it on close. */
public final class Scratch implements AutoCloseable {
    private final Path dir;

    public Scratch(String prefix) {
        Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm")
                : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            dir = Files.createTempDirectory(base, "shmtel-" + prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory in " + base, e);
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
