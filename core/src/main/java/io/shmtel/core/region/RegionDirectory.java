package io.shmtel.core.region;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where regions live: {@code /dev/shm} unless an explicit directory, the system property
 * {@code shmtel.dir} or the environment variable {@code SHMTEL_DIR} says otherwise. A region named {@code arm} is the file {@code shmtel.arm}.
 */
public record RegionDirectory(Path path) {
    public static final String ENV = "SHMTEL_DIR";
    /** System property that, when set, wins over {@link #ENV} (for tests and embedding applications). */
    public static final String PROPERTY = "shmtel.dir";
    public static final Path DEFAULT = Path.of("/dev/shm");
    public static final String FILE_PREFIX = "shmtel.";
    /** The longest region name, in characters. */
    public static final int MAX_NAME_LENGTH = 128;
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_NAME_LENGTH - 1) + "}");

    /** The directory from the {@code shmtel.dir} property, else {@code SHMTEL_DIR}, else {@code /dev/shm}. */
    public static RegionDirectory fromEnvironment() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return new RegionDirectory(Path.of(property));
        }
        String env = System.getenv(ENV);
        return new RegionDirectory(env == null || env.isBlank() ? DEFAULT : Path.of(env));
    }

    /** {@code explicit} when given, else {@link #fromEnvironment()}. */
    public static RegionDirectory of(Path explicit) {
        return explicit == null ? fromEnvironment() : new RegionDirectory(explicit);
    }

    /** Refuses names that could leave the directory or confuse tools, before any file call. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            String shown = name == null ? "null" : name.chars().allMatch(c -> c >= 0x20 && c < 0x7f)
                    ? "\"" + name + "\"" : "\"" + name.replaceAll("[^\\x20-\\x7e]", "?") + "\" (with control or non-ASCII characters)";
            throw new InvalidRegionNameException("invalid region name " + shown + ": names match "
                    + "[A-Za-z0-9][A-Za-z0-9._-]{0,127} (letters, digits, '.', '_', '-'; no '/', no leading '.')");
        }
        return name;
    }

    /** The file of region {@code name} (checked). */
    public Path file(String name) {
        return path.resolve(FILE_PREFIX + checkName(name));
    }

    /** Names of the regions in this directory, sorted; empty when the directory does not exist. */
    public List<String> list() {
        if (!Files.isDirectory(path)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(path)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(f -> f.startsWith(FILE_PREFIX))
                    .map(f -> f.substring(FILE_PREFIX.length()))
                    .filter(n -> NAME.matcher(n).matches())
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path, e);
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
