package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The skip paths of the optional tools, proved on a machine that has the tools (CI installs them all, so it never
 * sees a skip): the tests that need python3, zsh, Node.js or nft/tc run in a child JVM ({@link SkipRun}) whose
 * PATH holds every command of this one's except the optional tools, with no {@code SHMTEL_REQUIRE_*} variable
 * set. Each of them is skipped with a reason naming what is missing, and none fails or errors (the README: the
 * build passes "with and without the optional tools", skips named).
 */
class OptionalToolsSkipTest {
    /** Commands left out of the child's PATH (and their versioned names: python3.11, gcc-12). */
    static final List<String> OPTIONAL = List.of("python3", "zsh", "node", "npm", "npx", "nft", "tc", "gcc", "g++",
            "cc", "c++", "clang", "clang++", "spin", "chromium");
    static final long CHILD_TIMEOUT_S = 300;

    static boolean optional(String command) {
        return OPTIONAL.stream().anyMatch(t -> command.equals(t) || command.startsWith(t + ".")
                || command.startsWith(t + "-"));
    }

    /** A directory of links to every command on {@code path} except the optional ones, first one of a name wins. */
    static Path pathWithout(String path, Path into) throws IOException {
        for (String dir : path.split(File.pathSeparator)) {
            Path d = Path.of(dir.isEmpty() ? "." : dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> commands = Files.list(d)) {
                for (Path c : commands.toList()) {
                    Path link = into.resolve(c.getFileName().toString());
                    if (!optional(c.getFileName().toString()) && !Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, c.toAbsolutePath());
                    }
                }
            }
        }
        return into;
    }

    @Test
    void withoutTheOptionalToolsTheirTestsAreSkippedWithTheReasonAndNoneFails() throws Exception {
        // Not a @TempDir: JUnit warns of each link it deletes there.
        Path bin = pathWithout(System.getenv("PATH"), Files.createTempDirectory("shmtel-no-tools"));
        // The namespace test's reason here: not root, no ip, or (tc and nft left out) nftables to install.
        String noNamespaces = BridgeHosts.namespacesUnavailable("root".equals(System.getProperty("user.name")),
                bin.toString(), () -> "not probed: no tc");
        Map<String, String> reasons = new LinkedHashMap<>();
        reasons.put(PythonReaderTest.class.getName(), "python3 is not on the PATH");
        reasons.put(PythonWriterTest.class.getName(), "python3 is not on the PATH");
        reasons.put(CompletionTest.class.getName() + "#zshCompletesRegionsThroughBashcompinit",
                "zsh is not on the PATH");
        reasons.put(McapRecordReplayTest.class.getName() + "#aLargeFileHasSeveralIndexedChunksThatBothReadersFollow",
                "Node.js not found");
        reasons.put(BridgeTest.class.getName()
                + "#acrossTwoNetworkNamespacesTheMirrorIsCompleteAndLossIsRepairedOrCounted", noNamespaces);

        String out;
        try {
            out = runWithPath(bin, reasons.keySet());
        } finally {
            try (Stream<Path> links = Files.list(bin)) {
                for (Path link : links.toList()) {
                    Files.delete(link);
                }
            }
            Files.delete(bin);
        }
        assertThat(noNamespaces).as("the namespace test cannot run without tc and nft").isNotNull();
        List<String> lines = out.lines().filter(l -> l.matches("^(SUCCESSFUL|ABORTED|FAILED|SKIPPED) .*")).toList();
        assertThat(lines).as(out).noneMatch(l -> l.startsWith("FAILED "));
        for (Map.Entry<String, String> e : reasons.entrySet()) {
            String test = e.getKey();
            List<String> ran = lines.stream().filter(l -> l.startsWith("ABORTED " + test)
                    || l.startsWith("SUCCESSFUL " + test)).toList();
            assertThat(ran).as(test + "\n" + out).isNotEmpty()
                    .allMatch(l -> l.startsWith("ABORTED ") && l.contains(e.getValue()));
        }
    }

    /** The output of {@link SkipRun} run on {@code tests} with PATH={@code bin}, after checking it exited 0. */
    static String runWithPath(Path bin, Collection<String> tests) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SkipRun.class.getName()));
        command.addAll(tests);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("SHMTEL_REQUIRE_"));
        pb.environment().put("PATH", bin.toString());
        Process child = pb.start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS)).as(out).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        return out;
    }
}
