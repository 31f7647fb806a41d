package io.shmtel.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shmtel.core.Subscriber;
import io.shmtel.core.region.IncompatibleLayoutException;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.view.DynamicView;
import io.shmtel.sensors.gen.imu.ImuSampleView;
import io.shmtel.sensors.sim.SimulatedImuDriver;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ShmDirectory.class)
@SuppressWarnings("try") // the runner is held open only to publish
class DriverRunnerTest {

    @Test
    void aRunnerPublishesTheDriversSamplesAndItsStatistics(RegionOptions options) throws Exception {
        try (DriverRunner<?> runner = DriverRunner.start(SimulatedImuDriver.TYPE, new SimulatedImuDriver(1, 0.02, 0.001,
                1000, 9), "imu", BuiltInSchemas.imu(), 250, options);
                Subscriber subscriber = Subscriber.open("imu", ImuSampleView.RECORD_NAME, BuiltInSchemas.imu(), options);
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
            assertThat((double) s.value("measured_rate_hz")).as("first interval, JIT warming up").isBetween(100.0, 260.0);
            assertThat((long) s.value("samples")).isPositive();
            assertThat((long) s.value("jitter_max_ns")).isGreaterThanOrEqualTo((long) s.value("jitter_p50_ns"));
            System.out.println("driver stats: " + s.appendJsonFields(new StringBuilder()));
        }
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
        assertThatThrownBy(() -> DriverRunner.start("thermal", new io.shmtel.sensors.linux.ThermalDriver(
                options.directory().resolve("no-sys")), "thermal", BuiltInSchemas.system(), 1, options))
                .isInstanceOf(SensorUnavailableException.class);
        assertThat(options.regionDirectory().list()).isEmpty();
    }
}
