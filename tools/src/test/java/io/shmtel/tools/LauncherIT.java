package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's commands, run through bin/shmtel in a separate process against the packaged jar. */
class LauncherIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    record Result(int code, String out, String err) {}

    static Result shmtel(String... args) throws IOException, InterruptedException {
        assertThat(ROOT.resolve("tools/target/shmtel-tools.jar")).as("packaged jar").exists();
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/shmtel").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = builder.start();
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

    @Test
    void genFromTheLauncherWritesFiles(@TempDir Path dir) throws Exception {
        Result r = shmtel("gen", "--lang", "c", "-o", dir.toString(), "schema/examples/force_torque.json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(dir.resolve("force_torque.h"))).contains("force_torque_wrench_publish");
    }
}
