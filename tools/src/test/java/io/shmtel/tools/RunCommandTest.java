package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shmtel.core.nativeio.SchedCalls;
import io.shmtel.core.placement.CpuList;
import io.shmtel.core.region.ShmDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RunCommandTest {
    Path dir;

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
    }

    @AfterEach
    void removeDir() throws IOException {
        ShmDirectory.delete(dir);
    }

    @Test
    void checkValidatesTheShippedDeployments() {
        CliTest.Result demo = CliTest.run("run", "--check", "../samples/demo.json");
        assertThat(demo.code()).as(demo.err()).isZero();
        assertThat(demo.out()).isEqualTo("../samples/demo.json: ok: deployment \"demo\", 8 regions, 1 nodes\n");
        for (String bridged : new String[] {"board", "planner"}) {
            CliTest.Result r = CliTest.run("run", "--check", "../samples/bridge-" + bridged + ".json");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("ok: deployment \"" + bridged + "\"");
        }
    }

    @Test
    void aBadDeploymentExits2WithEveryError() {
        CliTest.Result bad = CliTest.run("run", "../config/src/test/resources/deployments/bad/unknown_names.json");
        assertThat(bad.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(bad.err().lines()).hasSize(9).allMatch(l -> l.startsWith(
                "../config/src/test/resources/deployments/bad/unknown_names.json:"));
    }

    @Test
    void aMissingRequiredSensorExits12AndLeavesNoRegion() throws IOException {
        Path file = dir.resolve("hot.json");
        Files.writeString(file, """
                { "deployment": "hot", "directory": ".",
                  "regions": [ { "name": "t", "schema": "%s" } ],
                  "nodes": [ { "name": "n", "drivers": [ { "type": "thermal", "region": "t", "record": "thermal",
                                                         "params": { "sysRoot": "no-sys" } } ] } ] }
                """.formatted(Path.of("../schema/examples/system.json").toAbsolutePath()));
        CliTest.Result run = CliTest.run("run", file.toString());
        assertThat(run.code()).isEqualTo(ExitCodes.SENSOR_UNAVAILABLE);
        assertThat(run.err()).contains("shmtel run: thermal driver: no temperature sensors under");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("hot.json");
        }
    }

    /** A CPU this machine lacks: the file may be written for another machine, so the start refuses it, exit 17. */
    @Test
    void aRefusedPlacementExits17NamingTheKeyTheLimitAndTheFix() throws IOException {
        BitSet present = CpuList.parse(Files.readString(Path.of("/sys/devices/system/cpu/present")));
        int missing = present.length();
        assumeTrue(missing < SchedCalls.CPU_SETSIZE, "every CPU number exists");
        Path file = dir.resolve("placed.json");
        Files.writeString(file, """
                { "deployment": "placed", "directory": ".",
                  "regions": [ { "name": "s", "schema": "%s" } ],
                  "nodes": [ { "name": "n", "drivers": [ { "type": "sim-status", "region": "s", "rateHz": 20,
                                                         "cpu": [%d] } ] } ] }
                """.formatted(Path.of("../schema/examples/status_flag.json").toAbsolutePath(), missing));
        CliTest.Result run = CliTest.run("run", file.toString());
        assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.MEMORY);
        assertThat(run.err()).isEqualTo("shmtel run: " + file + ": /nodes/0/drivers/0/cpu: driver sim-status of region"
                + " s: CPU " + missing + " does not exist: this machine has CPUs " + CpuList.format(present)
                + " (/sys/devices/system/cpu/present; fix: choose CPUs from " + CpuList.format(present) + ")\n");
    }

    /**
     * A bridge's placement refused: the bridges run in run's child process, which exits 17 naming the bridge's key;
     * run stops the deployment and exits with the child's status.
     */
    @Test
    void aRefusedBridgePlacementEndsTheRunWith17() throws Exception {
        BitSet present = CpuList.parse(Files.readString(Path.of("/sys/devices/system/cpu/present")));
        int missing = present.length();
        assumeTrue(missing < SchedCalls.CPU_SETSIZE, "every CPU number exists");
        Path file = dir.resolve("bridged.json");
        Files.writeString(file, """
                { "deployment": "bridged", "directory": ".",
                  "regions": [ { "name": "s", "schema": "%s" } ],
                  "nodes": [ { "name": "n", "bridges": [ { "name": "out", "direction": "send", "to": "127.0.0.1:9",
                                                         "targets": ["s"], "cpu": [%d] } ] } ] }
                """.formatted(Path.of("../schema/examples/status_flag.json").toAbsolutePath(), missing));
        Path errFile = Files.createTempFile("shmtel-run-bridge", ".err");
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    ShmtelCli.class.getName(), "run", file.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(errFile.toFile()).start();
            boolean ended = p.waitFor(90, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            String log = Files.readString(errFile);
            assertThat(ended).as(log).isTrue();
            assertThat(p.exitValue()).as(log).isEqualTo(ExitCodes.MEMORY);
            assertThat(log).contains("shmtel bridge run: " + file + ": /nodes/0/bridges/0/cpu: bridge out: CPU "
                    + missing + " does not exist: this machine has CPUs " + CpuList.format(present),
                    "shmtel run: the bridge process exited with status 17; stopping the deployment");
        } finally {
            Files.deleteIfExists(errFile);
        }
    }

    /** `shmtel run` in a process of its own: every line on stderr is one record, time level source: message. */
    @Test
    void aRunLogsOneLinePerRecord() throws Exception {
        Path file = dir.resolve("lines.json");
        Files.writeString(file, """
                { "deployment": "lines", "directory": ".", "removeRegionsOnExit": true,
                  "regions": [ { "name": "s", "schema": "%1$s/status_flag.json" },
                               { "name": "later", "schema": "%1$s/status_flag.json" },
                               { "name": "t", "schema": "%1$s/system.json" } ],
                  "nodes": [ { "name": "n",
                    "drivers": [ { "type": "sim-status", "region": "s", "rateHz": 20 },
                                 { "type": "thermal", "region": "t", "record": "thermal", "rateHz": 1, "optional": true,
                                   "params": { "sysRoot": "no-such-sys" } } ],
                    "subscribers": [ { "name": "w", "region": "later" } ] } ] }
                """.formatted(Path.of("../schema/examples").toAbsolutePath()));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                        ShmtelCli.class.getName(),
                "run", file.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        StringBuilder err = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (err) {
                        err.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // the child ended
            }
        });
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && p.isAlive()) {
                synchronized (err) {
                    if (err.indexOf("deployment lines: started") >= 0) {
                        break;
                    }
                }
                Thread.sleep(50);
            }
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(5000);
        }
        String log;
        synchronized (err) {
            log = err.toString();
        }
        assertThat(log.lines().toList()).as(log).hasSizeGreaterThanOrEqualTo(4)
                .allMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO|WARNING|SEVERE) [a-z.]+: \\S.*"));
        assertThat(log).contains(" INFO sensors: driver sim-status publishing s/status at 20.0 Hz",
                " WARNING config: node n: optional driver thermal skipped: thermal driver: no temperature sensors "
                        + "under ",
                " INFO config: subscriber w: waiting for region later (",
                " INFO config: deployment lines: started 1 drivers and 1 subscribers in nodes [n]");
    }

    /**
     * SIGTERM to a real `run` process: the deployment's stop line, logged from run's shutdown hook while
     * the JDK's LogManager closes its handlers in a hook of its own, still reaches stderr, naming the
     * regions removed; the exit status is the JVM's for SIGTERM, 143.
     */
    @Test
    void sigtermLogsTheStopLineWithTheRegionsRemoved() throws Exception {
        Path file = dir.resolve("stop.json");
        Files.writeString(file, """
                { "deployment": "stop", "directory": ".", "removeRegionsOnExit": true,
                  "regions": [ { "name": "s", "schema": "%s" } ],
                  "nodes": [ { "name": "n", "drivers": [ { "type": "sim-status", "region": "s", "rateHz": 20 } ] } ] }
                """.formatted(Path.of("../schema/examples/status_flag.json").toAbsolutePath()));
        Path errFile = Files.createTempFile("shmtel-run-stop", ".err");
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                            ShmtelCli.class.getName(),
                    "run", file.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(errFile.toFile()).start();
            int code;
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline && p.isAlive()
                        && !Files.readString(errFile).contains("deployment stop: started")) {
                    Thread.sleep(50);
                }
            } finally {
                p.destroy(); // SIGTERM
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                code = p.exitValue();
            }
            String log = Files.readString(errFile);
            assertThat(log).contains(" INFO config: deployment stop: started");
            assertThat(log).as("exit %d: %s", code,
                    log).contains(" INFO config: deployment stop: stopped; removed s, s.stats");
            assertThat(code).as(log).isEqualTo(143); // 128 + SIGTERM, as for any JVM
            try (var files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString())).containsExactly("stop.json");
            }
        } finally {
            Files.deleteIfExists(errFile);
        }
    }
}
