package io.shmtel.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shmtel.core.Subscriber;
import io.shmtel.core.nativeio.SchedCalls;
import io.shmtel.core.nativeio.ThreadCapabilities;
import io.shmtel.core.placement.CpuList;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.placement.ThreadPlacement;
import io.shmtel.core.region.IncompatibleLayoutException;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.RegionTruncatedException;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.view.DynamicView;
import io.shmtel.sensors.gen.imu.ImuSampleView;
import io.shmtel.sensors.linux.ThermalDriver;
import io.shmtel.sensors.sim.SimulatedImuDriver;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ShmDirectory.class)
@SuppressWarnings("try") // the runner is held open only to publish
class DriverRunnerTest {
    private static final long JOIN_MILLIS = 10_000;

    /** {@code Cpus_allowed_list} of {@code /proc/self/task/TID/status}: what the kernel says of one thread. */
    static String cpusAllowedList(long tid) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/task/" + tid + "/status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow()
                .substring("Cpus_allowed_list:".length()).strip();
    }

    @Test
    void theSamplingThreadIsPlacedOnTheCpuAskedBeforeItsFirstSample(RegionOptions options) throws Exception {
        BitSet mine = SchedCalls.affinity();
        int cpu = mine.length() - 1; // the highest CPU this thread may use
        try (DriverRunner<?> runner = DriverRunner.start(SimulatedImuDriver.TYPE, new SimulatedImuDriver(1, 0.02,
                0.001, 1000, 9), "imu", BuiltInSchemas.imu(), 250, options,
                ThreadPlacement.onCpus(Integer.toString(cpu)));
                Subscriber subscriber = Subscriber.open("imu", ImuSampleView.RECORD_NAME, BuiltInSchemas.imu(),
                        options)) {
            long tid = runner.scheduler().nativeThreadId();
            assertThat(tid).as("the sampling thread's id").isPositive();
            assertThat(cpusAllowedList(tid)).isEqualTo(Integer.toString(cpu));
            assertThat(runner.scheduler().placement().cpus()).containsExactly(cpu);
            assertThat(subscriber.awaitLatest(new ImuSampleView(), TimeUnit.SECONDS.toNanos(2))).as("sampling")
                    .isTrue();
        }
        assertThat(cpusAllowedList(SchedCalls.gettid())).as("the starting thread, left as it was")
                .isEqualTo(CpuList.format(mine));
    }

    @Test
    void aCpuTheMachineLacksIsTheStartsPlacementExceptionAndNothingRuns(RegionOptions options) throws Exception {
        BitSet present = CpuList.parse(Files.readString(Path.of("/sys/devices/system/cpu/present")));
        int missing = present.length();
        assumeTrue(missing < SchedCalls.CPU_SETSIZE, "every CPU number exists");
        SimulatedImuDriver driver = new SimulatedImuDriver(1, 0, 0, 1000, 1);
        assertThatThrownBy(() -> DriverRunner.start(SimulatedImuDriver.TYPE, driver, "imu", BuiltInSchemas.imu(), 250,
                options, ThreadPlacement.onCpus(Integer.toString(missing)))).isInstanceOf(PlacementException.class)
                .hasMessage("driver sim-imu of region imu: CPU " + missing + " does not exist: this machine has CPUs "
                        + CpuList.format(present) + " (/sys/devices/system/cpu/present; fix: choose CPUs from "
                        + CpuList.format(present) + ")");
        try (Subscriber subscriber = Subscriber.open("imu", ImuSampleView.RECORD_NAME, BuiltInSchemas.imu(),
                options)) {
            assertThat(subscriber.state()).as("the region, closed by the failed start").isEqualTo(WriterState.CLOSED);
            assertThat(subscriber.latest(new ImuSampleView())).as("no sample").isFalse();
        }
    }

    /**
     * A real EPERM: the thread that starts the runner drops CAP_SYS_NICE, and the sampling thread it creates
     * inherits its capabilities; with RLIMIT_RTPRIO 0, SCHED_FIFO is refused there and the start says so.
     */
    @Test
    void fifoWithoutTheRightIsTheStartsPlacementException(RegionOptions options) throws Exception {
        assumeTrue(SchedCalls.rtprioLimit()[0] == 0, "RLIMIT_RTPRIO is not 0 here");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread starter = new Thread(() -> {
            assertThat(ThreadCapabilities.dropEffective(ThreadCapabilities.CAP_SYS_NICE)).isZero();
            try (DriverRunner<?> runner = DriverRunner.start(SimulatedImuDriver.TYPE, new SimulatedImuDriver(1, 0, 0,
                    1000, 1), "imu", BuiltInSchemas.imu(), 250, options, ThreadPlacement.none().fifo(80))) {
                thrown.set(new AssertionError("started: " + runner.scheduler()));
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "placement-starter");
        starter.start();
        starter.join(JOIN_MILLIS);
        assertThat(starter.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(PlacementException.class).hasMessage("driver sim-imu of region imu:"
                + " SCHED_FIFO priority 80 refused: this process lacks CAP_SYS_NICE and RLIMIT_RTPRIO is 0 (fix: ulimit"
                + " -r 80, or rtprio in /etc/security/limits.conf, or run with CAP_SYS_NICE)");
    }

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
