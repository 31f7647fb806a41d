package io.shmtel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.name.Names;
import io.shmtel.core.MailboxSender;
import io.shmtel.core.Publisher;
import io.shmtel.core.ShutdownCloser;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.core.view.SampleSink;
import io.shmtel.schema.layout.Layout;
import io.shmtel.sensors.BuiltInSchemas;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverParameter;
import io.shmtel.sensors.DriverParams;
import io.shmtel.sensors.SensorDriver;
import io.shmtel.sensors.SensorUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deployment files wired through Guice, with a user-defined driver type and action. */
class GuiceWiringTest {
    Path dir;

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
    }

    @AfterEach
    void removeDir() throws IOException {
        ShmDirectory.delete(dir);
    }

    /** A user's own driver type: a counter into the status_flag record, "value" = k * gain. */
    static final class RampDriver implements SensorDriver<DynamicWriter> {
        final double gain;

        RampDriver(double gain) {
            this.gain = gain;
        }

        @Override
        public Layout layout() {
            return BuiltInSchemas.statusFlag();
        }

        @Override
        public String record() {
            return "status";
        }

        @Override
        public DynamicWriter newWriter(SampleSink sink) {
            return new DynamicWriter(sink, layout().record("status").orElseThrow());
        }

        @Override
        public void sample(DynamicWriter w, long k, long dueNs) {
            w.setDouble(w.field("value"), 0, k * gain).setLong(w.field("status"), 0, 1);
        }
    }

    static final class RampModule extends AbstractModule {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        protected void configure() {
            ShmtelBindings.registerDriver(binder(), new DriverFactory() {
                @Override
                public String type() {
                    return "ramp";
                }

                @Override
                public String description() {
                    return "a test ramp";
                }

                @Override
                public List<DriverParameter> parameters() {
                    return List.of(DriverParameter.number("gain", 1, "value per sample"));
                }

                @Override
                public SensorDriver<?> create(DriverParams params) {
                    return new RampDriver(params.number("gain"));
                }
            });
            ShmtelBindings.registerAction(binder(), "collect", (subscriber, view) ->
                    seen.add(view.recordName() + "#" + view.sampleIndex()));
        }
    }

    Path deployment(String nodesJson) throws IOException {
        Path file = dir.resolve("deploy.json");
        String schemas = Path.of("../schema/examples").toAbsolutePath().normalize().toString();
        Files.writeString(file, """
                {
                  "deployment": "wired",
                  "directory": "%s",
                  "heartbeatPeriodMs": 20,
                  "removeRegionsOnExit": true,
                  "regions": [
                    { "name": "ramp", "schema": "%s/status_flag.json" },
                    { "name": "manual", "schema": "%s/status_flag.json" },
                    { "name": "heat", "schema": "%s/system.json" },
                    { "name": "commands", "schema": "%s/commands.json" }
                  ],
                  "nodes": %s
                }
                """.formatted(dir, schemas, schemas, schemas, schemas, nodesJson));
        return file;
    }

    @Test
    void aUserDriverTypeAndActionRunFromTheFileAndNamedSubscribersAndPublishersAreInjected() throws Exception {
        RampModule module = new RampModule();
        Path file = deployment("""
                [ { "name": "all",
                    "drivers": [ { "type": "ramp", "region": "ramp", "rateHz": 200, "params": { "gain": 0.5 } },
                                 { "type": "thermal", "region": "heat", "record": "thermal", "optional": true,
                                   "params": { "sysRoot": "no-such-sys" } } ],
                    "subscribers": [ { "name": "ramp-in", "region": "ramp", "action": { "type": "collect" } } ] } ]
                """);
        try (Shmtel.Running running = Shmtel.run(file, null, module)) {
            assertThat(running.runner().skippedDrivers()).containsExactly("thermal->heat");
            Subscriber ramp = running.injector().getInstance(Key.get(Subscriber.class, Names.named("ramp-in")));
            DynamicView view = new DynamicView(BuiltInSchemas.statusFlag().record("status").orElseThrow());
            assertThat(ramp.awaitLatest(view, TimeUnit.SECONDS.toNanos(3))).isTrue();
            // value = k * 0.5 for the scheduler's run k; k >= the sample index (skipped due times consume k, not
            // samples)
            double value = view.number("value");
            assertThat(value % 0.5).isZero();
            assertThat(value).isGreaterThanOrEqualTo(view.sampleIndex() * 0.5);
            assertThat(ramp.state()).isEqualTo(WriterState.LIVE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (module.seen.size() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(module.seen).hasSizeGreaterThanOrEqualTo(5).allMatch(s -> s.startsWith("status#"));

            Publisher manual = running.injector().getInstance(Key.get(Publisher.class, Names.named("manual")));
            DynamicWriter w = new DynamicWriter(manual.sink("status"), manual.layout().record("status").orElseThrow());
            w.set("value", "42.5").set("status", "ERROR").commit();
            try (Subscriber check = Subscriber.open("manual", "status", RegionOptions.defaults().withDirectory(dir))) {
                DynamicView v = new DynamicView(check.record());
                assertThat(check.latest(v)).isTrue();
                assertThat(v.value("status")).isEqualTo("ERROR");
            }
            assertThat(RegionOptions.defaults().withDirectory(dir).regionDirectory().list())
                    .contains("ramp", "ramp.stats", "manual").doesNotContain("heat");
        }
        assertThat(RegionOptions.defaults().withDirectory(dir).regionDirectory().list())
                .as("removeRegionsOnExit").isEmpty();
    }

    /** A user's command handler: MOVE done, TEACH refused with code 7, SHUTDOWN throws, HOLD answers a bad code. */
    static final class ObeyModule extends AbstractModule {
        final List<String> handled = new CopyOnWriteArrayList<>();

        @Override
        protected void configure() {
            ShmtelBindings.registerAction(binder(), "obey", new SubscriberAction() {
                @Override
                public void onSample(Subscriber subscriber, DynamicView view) {
                    throw new AssertionError("a taking subscriber's action gets onMessage");
                }

                @Override
                public int onMessage(Subscriber subscriber, DynamicView view) {
                    String mode = String.valueOf(view.value("mode"));
                    handled.add(view.sampleIndex() + ":" + mode);
                    return switch (mode) {
                        case "MOVE" -> DONE;
                        case "TEACH" -> 7;
                        case "SHUTDOWN" -> throw new IllegalStateException("not while moving");
                        default -> -3;
                    };
                }
            });
        }
    }

    @Test
    void aSubscriberThatTakesAMailboxAnswersEachMessageWithWhatItsActionReturned() throws Exception {
        ObeyModule module = new ObeyModule();
        Path file = deployment("""
                [ { "name": "driver",
                    "subscribers": [ { "name": "arm-commands", "region": "commands", "take": true,
                                       "idle": { "strategy": "blocking" }, "action": { "type": "obey" } } ] } ]
                """);
        try (Shmtel.Running running = Shmtel.run(file, null, module)) {
            Publisher commands = running.injector().getInstance(Key.get(Publisher.class, Names.named("commands")));
            MailboxSender sender = commands.mailbox("arm_command");
            DynamicWriter w = new DynamicWriter(sender, commands.layout().record("arm_command").orElseThrow());
            List<Integer> answers = new ArrayList<>();
            for (String mode : List.of("MOVE", "TEACH", "SHUTDOWN", "HOLD", "MOVE")) {
                assertThat(w.set("mode", mode).put(Duration.ofSeconds(10))).as("%s put", mode).isTrue();
                assertThat(sender.awaitAnswer(TimeUnit.SECONDS.toNanos(10))).as("%s answered", mode).isTrue();
                answers.add(sender.lastAnswerCode());
            }
            assertThat(answers).containsExactly(SubscriberAction.DONE, 7, SubscriberAction.FAILED,
                    SubscriberAction.FAILED,
                    SubscriberAction.DONE);
            assertThat(module.handled).containsExactly("0:MOVE", "1:TEACH", "2:SHUTDOWN", "3:HOLD", "4:MOVE");
            assertThat(sender.failures()).isEqualTo(3);
        }
    }

    @Test
    void onlyTheChosenNodeStarts() throws Exception {
        Path file = deployment("""
                [ { "name": "a", "drivers": [ { "type": "sim-status", "region": "ramp", "rateHz": 50 } ] },
                  { "name": "b", "drivers": [ { "type": "sim-status", "region": "manual", "rateHz": 50 } ] } ]
                """);
        int before = ShutdownCloser.registered();
        try (Shmtel.Running running = Shmtel.run(file, "b")) {
            assertThat(running.runner().drivers()).extracting(d -> d.publisher().region().name())
                    .containsExactly("manual");
            // SIGTERM stops the runner (drivers first, then their regions), not each publisher on its own
            assertThat(ShutdownCloser.registered()).as("the runner alone is closed at shutdown")
                    .isEqualTo(before + 1);
        }
        assertThat(ShutdownCloser.registered()).as("unregistered when closed").isEqualTo(before);
        assertThatThrownBy(() -> Shmtel.run(file, "c")).hasMessageContaining("no node \"c\"");
    }

    @Test
    void aMissingSourceOfARequiredDriverStopsEverythingStarted() throws Exception {
        Path file = deployment("""
                [ { "name": "n", "drivers": [ { "type": "sim-status", "region": "ramp", "rateHz": 50 },
                    { "type": "thermal", "region": "heat", "record": "thermal", "params": { "sysRoot": \
                "no-such-sys" } } ] } ]
                """);
        assertThatThrownBy(() -> Shmtel.run(file, null)).isInstanceOf(SensorUnavailableException.class)
                .hasMessageContaining("thermal driver: no temperature sensors");
        assertThat(RegionOptions.defaults().withDirectory(dir).regionDirectory().list()).isEmpty();
    }

    @Test
    void anUnknownUserTypeIsABadFileError() throws Exception {
        Path file = deployment("""
                [ { "name": "n", "drivers": [ { "type": "ramp", "region": "ramp", "rateHz": 50 } ] } ]
                """);
        assertThatThrownBy(() -> Shmtel.run(file, null)).isInstanceOf(DeploymentException.class)
                .hasMessageContaining("unknown driver type \"ramp\"");
    }
}
