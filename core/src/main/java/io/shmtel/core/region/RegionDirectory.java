package io.shmtel.core.region;

import io.shmtel.schema.layout.ProtocolConstants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where regions live: {@code /dev/shm} unless an explicit directory, the system property
 * {@code shmtel.dir} or the environment variable {@code SHMTEL_DIR} says otherwise. A region named {@code arm} is the
 * file {@code shmtel.arm}.
 */
public record RegionDirectory(Path path) {
    public static final String ENV = "SHMTEL_DIR";
    /** System property that, when set, wins over {@link #ENV} (for tests and embedding applications). */
    public static final String PROPERTY = "shmtel.dir";
    public static final Path DEFAULT = Path.of("/dev/shm");
    public static final String FILE_PREFIX = "shmtel.";
    /** The longest region name, in characters. */
    public static final int MAX_NAME_LENGTH = ProtocolConstants.MAX_REGION_NAME_LENGTH;
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_NAME_LENGTH - 1) + "}");
    /**
     * What a receiving bridge appends to a mirror's name to name the region of its link statistics
     * ({@code arm} mirrors into {@code arm} and {@code arm.bridge}).
     */
    public static final String BRIDGE_STATS_SUFFIX = ".bridge";
    /**
     * The longest name of a region a bridge can send: its mirror's statistics region,
     * NAME{@link #BRIDGE_STATS_SUFFIX}, must fit {@link #MAX_NAME_LENGTH}. The bridge sender and the
     * deployment parser both refuse a longer one.
     */
    public static final int MAX_BRIDGED_NAME_LENGTH = MAX_NAME_LENGTH - BRIDGE_STATS_SUFFIX.length();

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
                    ? "\"" + name + "\"" : "\"" + name.replaceAll("[^\\x20-\\x7e]", "?")
                            + "\" (with control or non-ASCII characters)";
            throw new InvalidRegionNameException("invalid region name " + shown + ": names match "
                    + "[A-Za-z0-9][A-Za-z0-9._-]{0,127} (letters, digits, '.', '_', '-'; 1 to 128 characters,"
                    + " not starting with '.', '_' or '-'; no '/')");
        }
        return name;
    }

    /** The file of region {@code name} (checked). */
    public Path file(String name) {
        return path.resolve(FILE_PREFIX + checkName(name));
    }

    /**
     * Kernel file systems that hold no files of ours: a directory there exists, yet a region cannot be created in it.
     */
    static final Set<String> PSEUDO_FILE_SYSTEMS = Set.of("proc", "sysfs", "cgroup", "cgroup2", "debugfs", "tracefs",
            "securityfs", "devpts", "configfs", "bpf", "pstore", "mqueue", "fusectl", "efivarfs", "binfmt_misc",
            "autofs", "selinuxfs");

    /**
     * Why regions cannot live here, if they cannot: the path is not a directory, or a directory of a
     * kernel file system ({@code /proc}, {@code /sys}) that holds no regions. Empty for a usable
     * directory and for one that does not exist (yet).
     */
    public Optional<String> unusable() {
        if (Files.exists(path) && !Files.isDirectory(path)) {
            return Optional.of(path + " is not a directory");
        }
        if (Files.isDirectory(path)) {
            String type;
            try {
                type = Files.getFileStore(path).type();
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
            if (PSEUDO_FILE_SYSTEMS.contains(type)) {
                return Optional.of(path + " is a directory of the kernel's " + type + " file system, which holds no"
                        + " regions: use a tmpfs such as /dev/shm (or a real file system for durable regions)");
            }
        }
        return Optional.empty();
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
