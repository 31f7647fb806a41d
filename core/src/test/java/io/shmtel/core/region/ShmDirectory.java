package io.shmtel.core.region;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test its own region directory under /dev/shm (real tmpfs; the system temp directory
 * when there is no /dev/shm) as {@link RegionOptions} with short timings, and removes it after the
 * test, so no region file outlives the run.
 */
public final class ShmDirectory implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ShmDirectory.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RegionOptions.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Path dir = context.getStore(NS).getOrComputeIfAbsent("dir", k -> create(), Path.class);
        return options(dir);
    }

    public static RegionOptions options(Path dir) {
        return RegionOptions.defaults().withDirectory(dir).withHeartbeatPeriod(Duration.ofMillis(20))
                .withInitTimeout(Duration.ofMillis(300));
    }

    /** A fresh directory under /dev/shm (or the system temp directory); remove it with {@link #delete}. */
    public static Path create() {
        Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm")
                : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            return Files.createTempDirectory(base, "shmtel-test-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a test region directory in " + base, e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        Path dir = context.getStore(NS).remove("dir", Path.class);
        if (dir != null) {
            delete(dir);
        }
    }

    public static void delete(Path dir) throws IOException {
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
