package io.shmtel.samples;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.name.Names;
import io.shmtel.config.LogFormat;
import io.shmtel.config.Shmtel;
import io.shmtel.config.ShmtelBindings;
import io.shmtel.core.Subscriber;
import io.shmtel.samples.gen.status_flag.StatusFlagSchema;
import io.shmtel.samples.gen.status_flag.StatusView;
import io.shmtel.samples.gen.status_flag.StatusWriter;
import io.shmtel.schema.layout.Layout;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverParameter;
import io.shmtel.sensors.RecordDriver;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A user's own driver type, wired from a deployment file without touching shmtel: a Guice module
 * registers the "tank-level" driver (a water tank that fills and drains, into the status_flag
 * record through the generated writer), and the consumer gets its subscriber injected by name and
 * reads it through the generated view. See {@code samples/custom.json}.
 */
public final class CustomDriverSample {
    private CustomDriverSample() {}

    /** The driver: level in metres filling at {@code fillRate} until full (status DATA_READY), then draining. */
    public static final class TankLevelDriver extends RecordDriver<StatusWriter> {
        static final Layout LAYOUT = StatusFlagSchema.layout();
        private final double fillPerSample;
        private final double capacityM;

        TankLevelDriver(double fillPerSample, double capacityM) {
            super(LAYOUT, StatusView.RECORD_NAME, StatusWriter::new);
            this.fillPerSample = fillPerSample;
            this.capacityM = capacityM;
        }

        @Override
        public void sample(StatusWriter writer, long k, long dueNs) {
            double cycle = 2 * capacityM / fillPerSample;
            double phase = k % (long) cycle;
            double level = phase * fillPerSample <= capacityM ? phase * fillPerSample
                    : 2 * capacityM - phase * fillPerSample;
            writer.value(level).status(level >= capacityM - fillPerSample ? StatusView.Status.DATA_READY
                    : StatusView.Status.EMPTY);
        }
    }

    /** The user's Guice module: registers the driver type under the name the deployment file uses. */
    public static final class TankModule extends AbstractModule {
        @Override
        protected void configure() {
            ShmtelBindings.registerDriver(binder(), DriverFactory.of("tank-level", "a water tank filling and draining",
                    List.of(DriverParameter.number("fillPerSample", 0.01, "metres per sample"),
                            DriverParameter.number("capacityM", 2.0, "tank height in metres")),
                    p -> new TankLevelDriver(p.number("fillPerSample"), p.number("capacityM"))));
        }
    }

    /** Runs samples/custom.json for {@code seconds} and prints the tank level the injected subscriber reads. */
    public static void main(String[] args) throws InterruptedException {
        LogFormat.installUnlessConfigured();
        Path file = Path.of(args.length > 0 ? args[0] : "samples/custom.json");
        try (Shmtel.Running running = Shmtel.run(file, null, new TankModule())) {
            Subscriber tank = running.injector().getInstance(Key.get(Subscriber.class, Names.named("tank")));
            StatusView view = new StatusView();
            for (int i = 0; i < 10; i++) {
                if (tank.awaitLatest(view, TimeUnit.SECONDS.toNanos(1))) {
                    System.out.printf("tank #%d level %.2f m %s%n", view.sampleIndex(), view.value(), view.status());
                }
                Thread.sleep(200);
            }
        }
    }
}
