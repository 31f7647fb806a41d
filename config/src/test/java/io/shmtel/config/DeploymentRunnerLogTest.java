package io.shmtel.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.Publisher;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.sensors.BuiltInSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a deployment with removeRegionsOnExit says when it stops (java.util.logging, where
 * System.Logger goes): the regions it really removed, and those it left with why: one taken over
 * by a new writer, one it did not write.
 */
class DeploymentRunnerLogTest {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger("io.shmtel.config");
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getLevel() + " " + record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Path dir;

    @BeforeEach
    void capture() {
        dir = ShmDirectory.create();
        logger.addHandler(handler);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void release() throws IOException {
        logger.removeHandler(handler);
        ShmDirectory.delete(dir);
    }

    @Test
    void stoppingLogsOnlyTheRegionsItRemovedAndWhyItLeftTheOthers() throws Exception {
        String schemas = Path.of("../schema/examples").toAbsolutePath().normalize().toString();
        Path file = dir.resolve("deploy.json");
        Files.writeString(file, """
                {
                  "deployment": "tidy",
                  "directory": "%1$s",
                  "heartbeatPeriodMs": 20,
                  "removeRegionsOnExit": true,
                  "regions": [
                    { "name": "ramp", "schema": "%2$s/status_flag.json" },
                    { "name": "manual", "schema": "%2$s/status_flag.json" },
                    { "name": "other", "schema": "%2$s/status_flag.json" }
                  ],
                  "nodes": [ { "name": "all",
                    "drivers": [ { "type": "sim-status", "region": "ramp", "rateHz": 100 } ] } ]
                }
                """.formatted(dir, schemas));
        RegionOptions options = RegionOptions.defaults().withDirectory(dir);
        try (Publisher other = Publisher.create("other", BuiltInSchemas.statusFlag(), options)) {
            Publisher newWriter;
            try (Shmtel.Running running = Shmtel.run(file, null)) {
                running.runner().publisher("manual").close(); // user code hands "manual" over to a new writer
                newWriter = Publisher.create("manual", BuiltInSchemas.statusFlag(), options);
            }
            try (newWriter) {
                assertThat(options.regionDirectory().list()).containsExactly("manual", "other");
                assertThat(lines).contains("INFO deployment tidy: stopped; removed ramp, ramp.stats; left manual (it "
                        + "has"
                        + " a new writer), other (not written by this process)");
                assertThat(String.join("\n", lines)).doesNotContain("removed its regions");
            }
        }
    }
}
