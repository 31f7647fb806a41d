package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.region.ShmDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's commands, run through bin/shmtel in a separate process against the packaged jar. */
class LauncherIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    record Result(int code, String out, String err) {}

    static Path regionDir;

    @BeforeAll
    static void regionDirectory() {
        regionDir = ShmDirectory.create();
    }

    @AfterAll
    static void removeRegionDirectory() throws IOException {
        ShmDirectory.delete(regionDir);
    }

    static ProcessBuilder launcher(String script, String... args) {
        assertThat(ROOT.resolve("tools/target/shmtel-tools.jar")).as("packaged jar").exists();
        List<String> command = new ArrayList<>(List.of(ROOT.resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("SHMTEL_DIR", regionDir.toString());
        return builder;
    }

    static Result shmtel(String... args) throws IOException, InterruptedException {
        Process p = launcher("bin/shmtel", args).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }

    @Test
    void validateRunsFromTheLauncherWithoutRebuilding() throws Exception {
        Result r = shmtel("validate", "schema/examples/arm.json", "schema/examples/imu.json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).as("no rebuild, no JVM warnings").isEmpty();
        assertThat(r.out()).contains("schema/examples/arm.json: ok", "schema/examples/imu.json: ok");
    }

    @Test
    void badSchemaExits2WithEveryErrorOnStderr() throws Exception {
        Result r = shmtel("validate", "schema/src/test/resources/bad/bad_sizes.json");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).hasSize(7).last().isEqualTo("1 of 1 file invalid");
    }

    /** The README's two terminals: a publisher process and an echo process. */
    @Test
    void pubInOneProcessEchoInAnother() throws Exception {
        Process pub = launcher("bin/shmtel", "pub", "twoterm", "--schema", "schema/examples/arm.json", "--rate", "20",
                "--pattern", "counter", "--count", "200").redirectErrorStream(true).start();
        try {
            Result echo = shmtel("echo", "twoterm", "--count", "3", "--timeout", "20", "--json", "--check");
            assertThat(echo.code()).as(echo.err()).isZero();
            assertThat(echo.out().lines().toList()).hasSize(3)
                    .allMatch(l -> l.startsWith("{\"region\":\"twoterm\",\"record\":\"joint_state\",\"sample\":"))
                    .allMatch(l -> l.contains("\"consistent\":true"));
            Result ls = shmtel("ls");
            assertThat(ls.out()).contains("twoterm", "LIVE");
        } finally {
            pub.destroy(); // SIGTERM: the shutdown hook closes the region cleanly
            assertThat(pub.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(shmtel("ls", "--json").out()).contains("\"name\":\"twoterm\"", "\"state\":\"CLOSED\"");
        assertThat(shmtel("rm", "twoterm").code()).isZero();
    }

    @Test
    void theDemoShowsEveryDriverLiveAndCleansUp() throws Exception {
        Process demo = launcher("bin/demo", "25").start(); // 25 frames: 2.5 s
        String out = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(demo.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(demo.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(demo.exitValue()).as(err).isZero();
        String[] frames = out.split("\n\n");
        assertThat(frames.length).isGreaterThanOrEqualTo(20);
        String last = frames[frames.length - 1];
        for (String region : List.of("demo.arm ", "demo.tf ", "demo.imu ", "demo.wrench ", "demo.status ",
                "demo.cpu ", "demo.memory ")) {
            assertThat(last.lines().filter(l -> l.startsWith(region)).findFirst()).as(region + " in\n" + last)
                    .hasValueSatisfying(l -> assertThat(l).contains(" LIVE "));
        }
        assertThat(err).contains("demo stopped; driver log: ");
        try (var files = Files.list(regionDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("regions removed on exit")
                    .noneMatch(n -> n.startsWith("shmtel.demo."));
        }
    }

    @Test
    void genFromTheLauncherWritesFiles(@TempDir Path dir) throws Exception {
        Result r = shmtel("gen", "--lang", "c", "-o", dir.toString(), "schema/examples/force_torque.json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(dir.resolve("force_torque.h"))).contains("force_torque_wrench_publish");
    }

    /** The completion script sourced in bash completes a region by running bin/shmtel __complete. */
    @Test
    void completionThroughTheLauncherOffersTheRegions(@TempDir Path dir) throws Exception {
        Result pub = shmtel("pub", "launcher_comp", "--schema", "schema/examples/arm.json", "--count", "1");
        assertThat(pub.code()).as(pub.err()).isZero();
        Path script = dir.resolve("shmtel.completion");
        Files.writeString(script, shmtel("completion", "bash").out());
        Process bash = launcher("/usr/bin/env", "bash", "-c", "source \"$1\"; COMP_WORDS=(bin/shmtel echo launcher_c);"
                + " COMP_CWORD=2; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _complete_shmtel "
                        + "2>/dev/null;"
                + " printf '%s\\n' \"${COMPREPLY[@]}\"", "bash", script.toString()).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.lines()).containsExactly("launcher_comp");
        assertThat(shmtel("rm", "launcher_comp").code()).isZero();
    }
}
