package io.shmtel.schema.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The gate of every test that runs a native tool (gcc, g++, clang, clang++, python3): a missing tool skips the
 * test with the reason and the Debian package to install, unless {@value #REQUIRE_VARIABLE}=1 (CI sets it), which
 * makes it a failure. Shared with the other modules' tests through schema's test jar.
 */
public final class NativeTools {
    /** Set to 1 (CI does) to make a missing native tool a failure instead of a skip. */
    public static final String REQUIRE_VARIABLE = "SHMTEL_REQUIRE_NATIVE_TESTS";

    /** The Debian package that provides each tool. */
    private static final Map<String, String> PACKAGES = Map.of("gcc", "gcc", "g++", "g++", "clang", "clang",
            "clang++", "clang", "python3", "python3");

    private NativeTools() {}

    /** Skips (or, when required, fails) the calling test unless {@code tool} is on the PATH. */
    public static void require(String tool) {
        skipOrFail(missing(tool, System.getenv("PATH")), "1".equals(System.getenv(REQUIRE_VARIABLE)));
    }

    /** True when {@code tool} is on the PATH. */
    public static boolean available(String tool) {
        return missing(tool, System.getenv("PATH")) == null;
    }

    /**
     * Why {@code tool} cannot run with commands looked up on {@code path} (the PATH variable's value), or null
     * when it is there.
     */
    public static String missing(String tool, String path) {
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                    return null;
                }
            }
        }
        return tool + " is not on the PATH: this test runs it (Debian: apt-get install "
                + PACKAGES.getOrDefault(tool, tool) + ")";
    }

    /** Nothing when {@code why} is null; else a skip with the reason, or a failure when {@code required}. */
    public static void skipOrFail(String why, boolean required) {
        if (why == null) {
            return;
        }
        if (required) {
            fail(REQUIRE_VARIABLE + "=1 but " + why);
        }
        Assumptions.abort(why);
    }
}
