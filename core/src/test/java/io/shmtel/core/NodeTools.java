package io.shmtel.core;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the Node side of tests: installs a directory's npm packages (package.json and
 * package-lock.json, from the npm registry with {@code npm ci}) once into a target directory with
 * its scripts, then runs scripts there. Without Node.js (or without the registry) the tests are
 * skipped with the reason printed, unless {@code SHMTEL_REQUIRE_NODE_TESTS=1} (set by CI, see the
 * README) makes that a failure.
 */
public final class NodeTools {
    static final boolean REQUIRED = "1".equals(System.getenv("SHMTEL_REQUIRE_NODE_TESTS"));
    private static final Map<Path, Path> INSTALLED = new HashMap<>();

    private NodeTools() {}

    /** Skips the test (or fails it, when required) with {@code reason}. */
    public static void unavailable(String reason) {
        if (REQUIRED) {
            fail(reason + " (SHMTEL_REQUIRE_NODE_TESTS=1)");
        }
        System.err.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
    }

    /**
     * Copies the files of {@code source} into {@code target} and runs {@code npm ci} there (once per
     * JVM); returns {@code target}. Skips the test when Node.js or the registry is missing.
     */
    public static synchronized Path install(Path source, Path target) throws IOException, InterruptedException {
        Path done = INSTALLED.get(source);
        if (done != null) {
            return done;
        }
        Result version = run(Path.of("."), 30, "node", "--version");
        if (version == null || version.code() != 0) {
            unavailable("Node.js not found: install Node.js 18 or newer (with npm) to run the Foxglove client and "
                    + "browser tests");
        }
        Path dir = target;
        Files.createDirectories(dir);
        try (var files = Files.list(source)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Result npm = run(dir, 300, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        if (npm == null || npm.code() != 0) {
            unavailable("npm ci failed (no npm, or the npm registry is not reachable): "
                    + (npm == null ? "npm not found" : npm.output()));
        }
        INSTALLED.put(source, dir);
        return dir;
    }

    public record Result(int code, String output) {
        public List<String> lines() {
            return output.lines().toList();
        }

        /** The JSON after the script's {@code RESULT } line. */
        public String resultJson() {
            return lines().stream().filter(l -> l.startsWith("RESULT ")).map(l -> l.substring(7)).findFirst()
                    .orElseThrow(() -> new AssertionError("no RESULT line in:\n" + output));
        }
    }

    /** Runs a command to completion; null when the program does not exist. */
    public static Result run(Path dir, int timeoutSeconds, String... command) throws IOException, InterruptedException {
        Running r = start(dir, command);
        return r == null ? null : r.finish(timeoutSeconds);
    }

    /** Starts a command whose output lines are watched; null when the program does not exist. */
    public static Running start(Path dir, String... command) {
        try {
            return new Running(new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start());
        } catch (IOException notFound) {
            return null;
        }
    }

    /** A started process: its output, line by line, as it comes. */
    public static final class Running {
        private final Process process;
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;

        /** Closes the process's stdin: scripts that wait for the driver see the end. */
        public void closeInput() throws IOException {
            process.getOutputStream().close();
        }

        Running(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        synchronized (lines) {
                            lines.add(l);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "node-output");
            reader.start();
        }

        /** Waits for a line equal to {@code line}; false when the process ended or the time ran out first. */
        public boolean awaitLine(String line, long timeoutMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            synchronized (lines) {
                while (!lines.contains(line)) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                        return false;
                    }
                    lines.wait(Math.min(left, 100));
                }
                return true;
            }
        }

        public String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        public Result finish(int timeoutSeconds) throws InterruptedException {
            boolean exited = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly().waitFor();
            }
            reader.join(5_000);
            synchronized (lines) {
                if (!exited) {
                    lines.add("(killed: still running after " + timeoutSeconds + " s)");
                }
                return new Result(exited ? process.exitValue() : -1, String.join("\n", lines));
            }
        }
    }
}
