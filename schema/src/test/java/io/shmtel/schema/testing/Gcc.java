package io.shmtel.schema.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** gcc (or clang) and the programs it builds, run as real processes (shared with core's tests through the test jar). */
public final class Gcc {
    public static final List<String> STRICT_C11 = List.of("-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic",
            "-O2");
    /** The C++ counterpart of {@link #STRICT_C11}: a generated C header must compile included from C++17 too. */
    public static final List<String> STRICT_CXX17 = List.of("-std=c++17", "-Wall", "-Wextra", "-Werror", "-pedantic",
            "-O2");

    /** Set to 1 to make a missing clang or clang++ a failure instead of a skip. */
    public static final String REQUIRE_CLANG = "SHMTEL_REQUIRE_CLANG";

    private Gcc() {}

    /**
     * The gate of a test that runs {@code compiler}: gcc and g++ through {@link NativeTools#require}; clang and
     * clang++ keep their own gate, a skip with the reason unless {@value #REQUIRE_CLANG}=1 makes it a failure.
     */
    public static void require(String compiler) {
        if (compiler.startsWith("clang")) {
            NativeTools.skipOrFail(NativeTools.available(compiler) ? null : NativeTools.missing(compiler, null),
                    "1".equals(System.getenv(REQUIRE_CLANG)));
        } else {
            NativeTools.require(compiler);
        }
    }

    public static boolean available() {
        return available("gcc");
    }

    /** Whether {@code compiler} (gcc, clang) runs. */
    public static boolean available(String compiler) {
        try {
            Process p = new ProcessBuilder(compiler, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Compiles {@code source} with {@code flags} and {@code -I dir} into {@code dir/name}; fails the test on any
     * diagnostic.
     */
    public static Path compile(Path dir, Path source, String name, List<String> flags)
            throws IOException, InterruptedException {
        return compile("gcc", dir, source, name, flags);
    }

    /** As {@link #compile(Path, Path, String, List)} with another compiler driver (clang). */
    public static Path compile(String compiler, Path dir, Path source, String name, List<String> flags)
            throws IOException, InterruptedException {
        Path binary = dir.resolve(name);
        List<String> command = new ArrayList<>(List.of(compiler));
        command.addAll(flags);
        command.addAll(List.of("-I", dir.toString(), "-o", binary.toString(), source.toString()));
        run(command, 120);
        return binary;
    }

    /**
     * Compiles the C++ {@code source} with {@code compiler} (g++, clang++) under {@link #STRICT_CXX17} and {@code -I
     * dir} into {@code dir/name}; fails the test on any diagnostic.
     */
    public static Path compileCpp(String compiler, Path dir, Path source, String name)
            throws IOException, InterruptedException {
        return compile(compiler, dir, source, name, STRICT_CXX17);
    }

    /** Runs a command, expects exit 0 within the timeout, returns its output (stdout and stderr). */
    public static String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        assertThat(p.exitValue()).as("%s failed:\n%s", command, output).isZero();
        return output;
    }
}
