package io.shmtel.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.region.ShmDirectory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * A deployment whose driver's region file is truncated (ftruncate to 0) while the driver publishes
 * into it and a subscriber of the same deployment reads it: the deployment keeps running (no thread
 * dies of the SIGBUS), the driver's truncation is reported once and the subscriber's once.
 */
class DeploymentTruncationTest {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger("io.shmtel");
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                lines.add(record.getLoggerName() + " " + record.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Thread.UncaughtExceptionHandler previous;
    private Path dir;

    @BeforeEach
    void capture() {
        dir = ShmDirectory.create();
        logger.addHandler(handler);
        previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    }

    @AfterEach
    void release() throws IOException {
        Thread.setDefaultUncaughtExceptionHandler(previous);
        logger.removeHandler(handler);
        ShmDirectory.delete(dir);
    }

    @Test
    void aRegionTruncatedUnderADeploymentIsReportedAndNothingDies() throws Exception {
        String schemas = Path.of("../schema/examples").toAbsolutePath().normalize().toString();
        Path file = dir.resolve("deploy.json");
        Files.writeString(file, """
                {
                  "deployment": "cut",
                  "directory": "%1$s",
                  "heartbeatPeriodMs": 20,
                  "regions": [ { "name": "ramp", "schema": "%2$s/status_flag.json" } ],
                  "nodes": [ { "name": "all",
                    "drivers": [ { "type": "sim-status", "region": "ramp", "rateHz": 2000 } ],
                    "subscribers": [ { "name": "watch", "region": "ramp", "action": { "type": "log", "everyMs": \
                1000 } } ] } ]
                }
                """.formatted(dir, schemas));
        try (Shmtel.Running running = Shmtel.run(file, null)) {
            Thread.sleep(1500); // publishing and reading, compiled
            try (FileChannel c = FileChannel.open(dir.resolve("shmtel.ramp"), StandardOpenOption.WRITE)) {
                c.truncate(0);
            }
            Thread.sleep(3500); // three reports of the driver runner
            assertThat(Thread.getAllStackTraces().keySet()).as("the subscriber's thread")
                    .anyMatch(t -> t.getName().equals("shmtel-subscriber-watch") && t.isAlive());
            assertThat(running.runner().drivers().get(0).scheduler().isRunning()).as("the driver's thread").isTrue();
        }
        String said = "region \"ramp\" (" + dir.resolve("shmtel.ramp") + ") was truncated to 0 bytes";
        assertThat(lines).filteredOn(l -> l.startsWith("io.shmtel.sensors driver sim-status: " + said))
                .as("the driver, once")
                .hasSize(1);
        assertThat(lines).filteredOn(l -> l.startsWith("io.shmtel.subscriber " + said)).as("the subscriber, once")
                .hasSize(1);
        assertThat(uncaught).as("threads that died").isEmpty();
    }
}
