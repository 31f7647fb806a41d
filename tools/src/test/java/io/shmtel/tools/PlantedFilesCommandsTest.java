package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.region.PlantedFiles;
import io.shmtel.core.region.ShmDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What another local user can plant in a shared region directory (issue 23, holes 9 and 10): a
 * FIFO at a region name neither hangs nor stops a command, and gc and stat of every region skip
 * a link, a FIFO or a directory with one line each and go on with the others.
 */
class PlantedFilesCommandsTest {
    static final String ARM = "../schema/examples/arm.json";
    static final Duration BOUND = Duration.ofSeconds(10);
    Path dir;
    final List<Path> fifos = new ArrayList<>();

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
    }

    @AfterEach
    void removeDir() throws IOException {
        PlantedFiles.release(fifos);
        ShmDirectory.delete(dir);
    }

    CliTest.Result shmtel(String command, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(command, "--dir=" + dir));
        all.addAll(List.of(args));
        return PlantedFiles.within(BOUND, fifos, () -> CliTest.run(all.toArray(String[]::new)));
    }

    Path fifo(String name) throws Exception {
        Path fifo = PlantedFiles.mkfifo(dir.resolve("shmtel." + name));
        fifos.add(fifo);
        return fifo;
    }

    String refusal(Path fifo, String name) {
        return "region \"" + name + "\": " + fifo + " is not a regular file (a FIFO, mode 010644); shmtel opens only"
                + " regular files in the region directory: remove it (rm " + fifo + ")";
    }

    /** Each command that opens region files, with a FIFO planted beside a region: none waits on it. */
    @ParameterizedTest
    @ValueSource(strings = {"ls", "top", "inspect", "echo", "gc", "stat", "rm"})
    void aFifoAtARegionNameHangsNoCommand(String command) throws Exception {
        assertThat(shmtel("pub", "good", "--schema", ARM, "--count", "3", "--rate", "0").code()).isZero();
        Path fifo = fifo("trap");
        String refusal = refusal(fifo, "trap");
        switch (command) {
            case "ls" -> {
                CliTest.Result ls = shmtel("ls");
                assertThat(ls.code()).as(ls.err()).isZero();
                assertThat(ls.out()).contains("trap                 ERROR " + refusal)
                        .containsPattern("(?m)^good +arm v1 ");
            }
            case "top" -> {
                CliTest.Result top = shmtel("top", "--count", "1");
                assertThat(top.code()).as(top.err()).isZero();
                assertThat(top.out()).contains("trap                   ERROR " + refusal)
                        .containsPattern("(?m)^good +joint_state ");
            }
            case "inspect" -> {
                CliTest.Result inspect = shmtel("inspect", "trap");
                assertThat(inspect.code()).isEqualTo(ExitCodes.PERMISSION);
                assertThat(inspect.err()).contains(refusal);
            }
            case "echo" -> {
                CliTest.Result echo = shmtel("echo", "trap", "--timeout", "1");
                assertThat(echo.code()).isEqualTo(ExitCodes.PERMISSION);
                assertThat(echo.err()).contains(refusal);
            }
            case "gc" -> {
                CliTest.Result gc = shmtel("gc", "--closed");
                assertThat(gc.code()).as(gc.out() + gc.err()).isEqualTo(ExitCodes.SKIPPED);
                assertThat(gc.err()).isEqualTo("shmtel gc: skipped " + fifo + ": " + refusal + "\n");
                assertThat(gc.out()).contains("removed good (closed cleanly)",
                        "removed 1, kept 0, skipped 1 (see above)");
            }
            case "stat" -> {
                CliTest.Result stat = shmtel("stat", "--count", "1", "--interval", "0.2", "--json");
                assertThat(stat.code()).as(stat.err()).isEqualTo(ExitCodes.SKIPPED);
                assertThat(stat.err()).isEqualTo("shmtel stat: skipped " + fifo + ": " + refusal + "\n");
                assertThat(stat.out()).contains("{\"region\":\"good\",\"record\":\"joint_state\",\"state\":\"CLOSED\"");
            }
            case "rm" -> {
                CliTest.Result rm = shmtel("rm", "trap");
                assertThat(rm.code()).isEqualTo(ExitCodes.PERMISSION);
                assertThat(rm.err()).contains(refusal);
                assertThat(fifo).exists();
                assertThat(shmtel("rm", "--force", "trap").code()).isZero();
                assertThat(fifo).doesNotExist();
            }
            default -> throw new AssertionError(command);
        }
    }

    @Test
    void gcSkipsALinkAFifoAndADirectoryWithALineEachAndCollectsTheRest() throws Exception {
        for (String name : List.of("b-dead", "d-dead", "f-dead")) {
            assertThat(shmtel("pub", name, "--schema", ARM, "--count", "1", "--rate", "0").code()).isZero();
        }
        // Sorted first, so the first file gc meets is a planted one.
        Path link = Files.createSymbolicLink(dir.resolve("shmtel.a-link"), dir.resolve("shmtel.b-dead"));
        Path fifo = fifo("c-fifo");
        Path directory = Files.createDirectory(dir.resolve("shmtel.e-dir"));
        Files.writeString(directory.resolve("inside"), "x");

        CliTest.Result gc = shmtel("gc", "--closed");
        assertThat(gc.code()).as(gc.out() + gc.err()).isEqualTo(ExitCodes.SKIPPED);
        assertThat(gc.err().lines().toList()).containsExactly(
                "shmtel gc: skipped " + link + ": region \"a-link\": " + link
                        + " is a symbolic link; shmtel never follows"
                        + " links in the region directory: remove it",
                "shmtel gc: skipped " + fifo + ": " + refusal(fifo, "c-fifo"),
                "shmtel gc: skipped " + directory + ": region \"e-dir\": " + directory + " is not a regular file (a"
                        + " directory, mode 040" + Integer.toOctalString((Integer) Files.getAttribute(directory,
                                "unix:mode") & 0777) +
                                        "); shmtel opens only regular files in the region directory: remove"
                        + " it (rm " + directory + ")");
        assertThat(gc.out()).contains("removed b-dead (closed cleanly)", "removed d-dead (closed cleanly)",
                "removed f-dead (closed cleanly)", "removed 3, kept 0, skipped 3 (see above)");
        assertThat(dir.resolve("shmtel.b-dead")).doesNotExist();
        assertThat(dir.resolve("shmtel.f-dead")).doesNotExist();
        assertThat(link).isSymbolicLink();
        assertThat(directory.resolve("inside")).exists();

        CliTest.Result clean = shmtel("gc");
        assertThat(clean.out()).contains("removed 0, kept 0, skipped 3 (see above)");
    }

    @Test
    void statOfEveryRegionSkipsAPlantedLinkAndMeasuresTheRest() throws Exception {
        assertThat(shmtel("pub", "good", "--schema", ARM, "--count", "3", "--rate", "0").code()).isZero();
        Path link = Files.createSymbolicLink(dir.resolve("shmtel.a-link"), dir.resolve("shmtel.good"));
        CliTest.Result stat = shmtel("stat", "--count", "1", "--interval", "0.2", "--json");
        assertThat(stat.code()).as(stat.err()).isEqualTo(ExitCodes.SKIPPED);
        assertThat(stat.err()).isEqualTo("shmtel stat: skipped " + link + ": region \"a-link\": " + link
                + " is a symbolic link; shmtel never follows links in the region directory: remove it\n");
        assertThat(stat.out()).contains("{\"region\":\"good\",\"record\":\"joint_state\"");
        CliTest.Result named = shmtel("stat", "a-link", "--count", "1", "--interval", "0.2");
        assertThat(named.code()).as("a target named must open").isEqualTo(ExitCodes.PERMISSION);
    }

    /**
     * {@code shmtel serve} as a user runs it, in a process of its own, with a FIFO planted at a
     * region name: it says once that it does not serve it, serves the other region, and SIGTERM ends it.
     */
    @Test
    void serveInItsOwnProcessRefusesAPlantedFifoAndEndsOnSigterm() throws Exception {
        assertThat(shmtel("pub", "good", "--schema", ARM, "--count", "3", "--rate", "0").code()).isZero();
        Path fifo = fifo("trap");
        Process serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ShmtelCli.class.getName(), "serve", "--dir=" + dir, "--port", "0").redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(serve.getInputStream(),
                StandardCharsets.UTF_8)).lines().forEach(lines::add), "serve output");
        reader.setDaemon(true);
        reader.start();
        try {
            List<String> seen = new ArrayList<>();
            String refused = "region trap not served: " + refusal(fifo, "trap");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!seen.contains(refused) || seen.stream().noneMatch(l -> l.contains("advertised good"))) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertThat(line).as("serve's output so far: " + seen).isNotNull();
                seen.add(line);
            }
            serve.toHandle().destroy(); // SIGTERM
            assertThat(serve.waitFor(15, TimeUnit.SECONDS)).as("ended by SIGTERM").isTrue();
            assertThat(serve.exitValue()).isEqualTo(128 + 15);
        } finally {
            PlantedFiles.release(fifos);
            serve.destroyForcibly();
            serve.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
