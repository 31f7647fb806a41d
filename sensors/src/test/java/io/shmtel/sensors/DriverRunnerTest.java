package io.shmtel.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shmtel.core.Subscriber;
import io.shmtel.core.region.IncompatibleLayoutException;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.RegionTruncatedException;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.view.DynamicView;
import io.shmtel.sensors.gen.imu.ImuSampleView;
import io.shmtel.sensors.linux.ThermalDriver;
import io.shmtel.sensors.sim.SimulatedImuDriver;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ShmDirectory.class)
@SuppressWarnings("try") // the runner is held open only to publish
class DriverRunnerTest {

    @Test
    void aRunnerPublishesTheDriversSamplesAndItsStatistics(RegionOptions options) throws Exception {
        try (DriverRunner<?> runner = DriverRunner.start(SimulatedImuDriver.TYPE, new SimulatedImuDriver(1, 0.02, 0.001,
                1000, 9), "imu", BuiltInSchemas.imu(), 250, options);
                Subscriber subscriber = Subscriber.open("imu", ImuSampleView.RECORD_NAME, BuiltInSchemas.imu(),
                        options);
                Subscriber stats = Subscriber.open("imu" + DriverRunner.STATS_SUFFIX, "sampling", options)) {
            ImuSampleView view = new ImuSampleView();
            assertThat(subscriber.awaitLatest(view, TimeUnit.SECONDS.toNanos(2))).isTrue();
            assertThat(view.sensorId()).isEqualTo(9);
            assertThat(subscriber.state()).isEqualTo(WriterState.LIVE);
            DynamicView s = new DynamicView(stats.record());
            assertThat(stats.awaitLatest(s, TimeUnit.SECONDS.toNanos(3))).as("a statistics sample within 3 s").isTrue();
            assertThat(s.value("driver")).isEqualTo("sim-imu");
            assertThat(s.value("target_record")).isEqualTo("imu_sample");
            assertThat((double) s.value("nominal_rate_hz")).isEqualTo(250.0);
            assertThat((double) s.value("measured_rate_hz")).as("first interval, JIT warming up")
                    .isBetween(100.0, 260.0);
            assertThat((long) s.value("samples")).isPositive();
            assertThat((long) s.value("jitter_max_ns")).isGreaterThanOrEqualTo((long) s.value("jitter_p50_ns"));
            System.out.println("driver stats: " + s.appendJsonFields(new StringBuilder()));
        }
    }

    /**
     * The driver's region file truncated under it (ftruncate to 0): the sampling thread keeps running
     * (each commit fails with RegionTruncatedException, counted as errors), no thread dies of the
     * SIGBUS, and the runner says what happened once, not every second.
     */
    @Test
    void aRegionTruncatedUnderTheDriverIsReportedOnceAndNoThreadDies(RegionOptions options) throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("io.shmtel.sensors");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(handler);
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        try (DriverRunner<?> runner = DriverRunner.start(SimulatedImuDriver.TYPE, new SimulatedImuDriver(1, 0.02, 0.001,
                1000, 9), "imu", BuiltInSchemas.imu(), 2000, options)) {
            Thread.sleep(1500); // publishing, compiled
            long errorsBefore = runner.stats().errors();
            try (FileChannel c = FileChannel.open(
                    options.regionDirectory().file("imu"), StandardOpenOption.WRITE)) {
                c.truncate(0);
            }
            Thread.sleep(3500); // three reports of the runner
            assertThat(runner.scheduler().isRunning()).as("the sampling thread").isTrue();
            assertThat(runner.scheduler().failure()).isInstanceOf(RegionTruncatedException.class)
                    .hasMessageContaining("region \"imu\"").hasMessageContaining("truncated to 0 bytes");
            assertThat(runner.stats().errors()).as("commits that failed").isGreaterThan(errorsBefore);
            assertThat(warnings).filteredOn(w -> w.startsWith("driver sim-imu: region \"imu\"")).as("said once")
                    .hasSize(1).allMatch(w -> w.contains("corrupt") && w.contains("start it again"));
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
            logger.removeHandler(handler);
        }
        assertThat(uncaught).as("threads that died").isEmpty();
    }

    @Test
    void aRegionWhoseRecordHasAnotherLayoutIsRefusedWithTheFix(RegionOptions options) {
        assertThatThrownBy(() -> DriverRunner.start(SimulatedImuDriver.TYPE, new SimulatedImuDriver(1, 0, 0, 1000, 1),
                "arm", BuiltInSchemas.arm(), 100, options)).isInstanceOf(IncompatibleLayoutException.class)
                .hasMessage("driver sim-imu fills record \"imu_sample\" (schema \"imu\"), which region \"arm\"'s schema"
                        + " \"arm\" lacks");
        assertThat(options.regionDirectory().list()).isEmpty();
    }

    @Test
    void aMissingSourceFailsBeforeAnyRegionIsCreated(RegionOptions options) {
        assertThatThrownBy(() -> DriverRunner.start("thermal", new ThermalDriver(
                options.directory().resolve("no-sys")), "thermal", BuiltInSchemas.system(), 1, options))
                .isInstanceOf(SensorUnavailableException.class);
        assertThat(options.regionDirectory().list()).isEmpty();
    }
}
