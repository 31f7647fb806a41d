package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.region.ShmDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(demo.out()).isEqualTo("../samples/demo.json: ok: deployment \"demo\", 7 regions, 1 nodes\n");
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
}
