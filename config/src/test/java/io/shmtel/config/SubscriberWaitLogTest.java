package io.shmtel.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Key;
import com.google.inject.name.Names;
import io.shmtel.core.Publisher;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.view.DynamicWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A subscriber started before its region's writer says it waits, once, and says when the region appears. */
class SubscriberWaitLogTest {
    static final Logger CONFIG_LOG = Logger.getLogger("io.shmtel.config");

    Path dir;
    final List<String> messages = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            messages.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void setUp() {
        dir = ShmDirectory.create();
        CONFIG_LOG.addHandler(capture);
    }

    @AfterEach
    void tearDown() throws IOException {
        CONFIG_LOG.removeHandler(capture);
        ShmDirectory.delete(dir);
    }

    List<String> about(String subscriber) {
        return messages.stream().filter(m -> m.startsWith("subscriber " + subscriber + ": ")).toList();
    }

    void awaitMessage(String message) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!messages.contains(message) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(messages).contains(message);
    }

    @Test
    void waitingForARegionIsLoggedOnceThenItsAppearance() throws Exception {
        Path file = dir.resolve("late.json");
        Files.writeString(file, """
                { "deployment": "late", "directory": ".", "heartbeatPeriodMs": 20, "removeRegionsOnExit": true,
                  "regions": [ { "name": "late", "schema": "%1$s/status_flag.json" },
                               { "name": "early", "schema": "%1$s/status_flag.json" },
                               { "name": "inbox", "schema": "%1$s/commands.json" } ],
                  "nodes": [ { "name": "n",
                    "drivers": [ { "type": "sim-status", "region": "early", "rateHz": 50 } ],
                    "subscribers": [ { "name": "watcher", "region": "late", "action": { "type": "log", "everyMs": \
                10 } },
                                     { "name": "on-time", "region": "early" },
                                     { "name": "taker", "region": "inbox", "take": true } ] } ] }
                """.formatted(Path.of("../schema/examples").toAbsolutePath()));
        try (Shmtel.Running running = Shmtel.run(file, null)) {
            awaitMessage("subscriber watcher: waiting for region late (no writer has created it yet; reading starts "
                    + "when one does)");
            awaitMessage("subscriber taker: waiting for region inbox (no writer has created it yet; reading starts "
                    + "when one does)");
            Thread.sleep(500); // five turns of each subscriber's loop
            assertThat(about("watcher")).hasSize(1);
            assertThat(about("taker")).hasSize(1);

            Publisher late = running.injector().getInstance(Key.get(Publisher.class, Names.named("late")));
            new DynamicWriter(late.sink("status"), late.layout().record("status").orElseThrow()).set("value", "7.5")
                    .commit();
            awaitMessage("subscriber watcher: region late appeared");
            Publisher inbox = running.injector().getInstance(Key.get(Publisher.class, Names.named("inbox")));
            assertThat(inbox).isNotNull();
            awaitMessage("subscriber taker: region inbox appeared");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (messages.stream().noneMatch(m -> m.startsWith("watcher LIVE ")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(messages).as("then the log action's lines").anyMatch(m -> m.startsWith("watcher LIVE ")
                    && m.contains("value=7.5"));
            assertThat(about("watcher")).hasSize(2);
            assertThat(about("on-time")).as("a region there from the start: nothing about waiting")
                    .noneMatch(m -> m.contains("waiting") || m.contains("appeared"));
        }
    }
}
