package io.shmtel.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.shmtel.core.view.RecordWriter;
import io.shmtel.core.view.SampleSink;
import io.shmtel.schema.layout.Layout;
import io.shmtel.sensors.gen.imu.ImuSampleView;
import io.shmtel.sensors.gen.system.CpuView;
import io.shmtel.sensors.gen.system.MemoryView;
import io.shmtel.sensors.gen.system.ThermalView;
import io.shmtel.sensors.linux.CpuLoadDriver;
import io.shmtel.sensors.linux.IioImuDriver;
import io.shmtel.sensors.linux.MemoryDriver;
import io.shmtel.sensors.linux.ThermalDriver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Linux drivers against fake /proc and /sys trees (and, where this machine has them, the real ones). */
class LinuxDriversTest {

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    /** A driver that rereads its files on each sample: the test rewrites them between samples. */
    static List<ByteBuffer> samples(SensorDriver<?> driver, int count, Runnable between) throws Exception {
        List<ByteBuffer> slots = new ArrayList<>();
        @SuppressWarnings("unchecked")
        SensorDriver<RecordWriter> d = (SensorDriver<RecordWriter>) driver;
        SimulatedDriversTest.run(new SensorDriver<RecordWriter>() {
            @Override
            public Layout layout() {
                return d.layout();
            }

            @Override
            public String record() {
                return d.record();
            }

            @Override
            public RecordWriter newWriter(SampleSink sink) {
                return d.newWriter(sink);
            }

            @Override
            public void open() throws IOException {
                d.open();
            }

            @Override
            public void sample(RecordWriter w, long k, long due) throws IOException {
                between.run();
                d.sample(w, k, due);
            }
        }, count, slots);
        return slots;
    }

    @Test
    void cpuLoadIsTheBusyShareOfTheJiffiesSinceTheLastSample(@TempDir Path proc) throws Exception {
        write(proc.resolve("stat"), "cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 50 0 50 400 0 0 0 0 0 0\n"
                + "cpu1 50 0 50 400 0 0 0 0 0 0\nintr 1\n");
        List<String> next = new ArrayList<>(List.of(
                // +1000 jiffies: 250 busy on cpu0 of 500, 50 busy on cpu1 of 500 (iowait counts as idle)
                "cpu  350 0 150 1450 50 0 0 0 0 0\ncpu0 250 0 100 650 0 0 0 0 0 0\ncpu1 100 0 50 800 50 0 0 0 0 0\n"));
        List<ByteBuffer> slots = samples(new CpuLoadDriver(proc), 1, () -> {
            try {
                write(proc.resolve("stat"), next.remove(0));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        CpuView v = new CpuView().wrap(slots.get(0), 0);
        assertThat(v.cores()).isEqualTo(2);
        assertThat(v.total()).isCloseTo(0.3f, within(1e-6f));      // 300 busy of 1000
        assertThat(v.core(0)).isCloseTo(0.5f, within(1e-6f));      // 250 of 500 (idle 50)
        assertThat(v.core(1)).isCloseTo(0.1f, within(1e-6f));      // 50 of 500 (idle 450 + iowait 50)
    }

    @Test
    void memoryComesFromMeminfoInBytes(@TempDir Path proc) throws Exception {
        write(proc.resolve("meminfo"), "MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    250 kB\n"
                + "SwapTotal:       400 kB\nSwapFree:        300 kB\n");
        MemoryView v = new MemoryView().wrap(samples(new MemoryDriver(proc), 1, () -> { }).get(0), 0);
        assertThat(v.totalBytes()).isEqualTo(1_024_000);
        assertThat(v.availableBytes()).isEqualTo(256_000);
        assertThat(v.usedFraction()).isCloseTo(0.75f, within(1e-6f));
        assertThat(v.swapTotalBytes()).isEqualTo(409_600);
        assertThat(v.swapFreeBytes()).isEqualTo(307_200);
    }

    @Test
    void thermalReadsThermalZonesAndHwmonInMillidegrees(@TempDir Path sys) throws Exception {
        write(sys.resolve("class/thermal/thermal_zone0/temp"), "45000\n");
        write(sys.resolve("class/thermal/thermal_zone1/temp"), "51500\n");
        write(sys.resolve("class/thermal/cooling_device0/cur_state"), "0\n");
        write(sys.resolve("class/hwmon/hwmon0/temp1_input"), "38250\n");
        write(sys.resolve("class/hwmon/hwmon0/temp1_label"), "Core 0\n");
        ThermalDriver driver = new ThermalDriver(sys);
        ThermalView v = new ThermalView().wrap(samples(driver, 1, () -> { }).get(0), 0);
        assertThat(v.sensors()).isEqualTo(3);
        assertThat(v.temperature(0)).isEqualTo(45.0f);
        assertThat(v.temperature(1)).isEqualTo(51.5f);
        assertThat(v.temperature(2)).isEqualTo(38.25f);
        assertThat(v.maxTemperature()).isEqualTo(51.5f);
    }

    @Test
    void iioReadsRawTimesScale(@TempDir Path sys) throws Exception {
        Path dev = sys.resolve("bus/iio/devices/iio:device0");
        write(dev.resolve("name"), "lsm6dsx\n");
        write(dev.resolve("in_accel_scale"), "0.000598\n");
        write(dev.resolve("in_accel_x_raw"), "100\n");
        write(dev.resolve("in_accel_y_raw"), "-200\n");
        write(dev.resolve("in_accel_z_raw"), "16400\n");
        write(dev.resolve("in_anglvel_scale"), "0.000153\n");
        write(dev.resolve("in_anglvel_x_raw"), "10\n");
        write(dev.resolve("in_anglvel_y_raw"), "0\n");
        write(dev.resolve("in_anglvel_z_raw"), "-10\n");
        write(dev.resolve("in_temp_raw"), "512\n");
        write(dev.resolve("in_temp_scale"), "62.5\n");
        write(dev.resolve("in_temp_offset"), "400\n");
        ImuSampleView v = new ImuSampleView().wrap(samples(new IioImuDriver(sys, "lsm6dsx"), 1, () -> { }).get(0), 0);
        assertThat(v.accel(0)).isCloseTo(0.0598f, within(1e-6f));
        assertThat(v.accel(2)).isCloseTo(9.8072f, within(1e-4f));
        assertThat(v.gyro(2)).isCloseTo(-0.00153f, within(1e-7f));
        assertThat(v.temperature()).isCloseTo(57.0f, within(1e-4f)); // (512 + 400) * 62.5 / 1000
        assertThat(v.orientation(new double[4])).as("no attitude filter: the identity").containsExactly(0, 0, 0, 1);
        assertThatThrownBy(() -> new IioImuDriver(sys, "bmi160").open()).isInstanceOf(SensorUnavailableException.class)
                .hasMessage("iio-imu driver: no IIO device named \"bmi160\" with an accelerometer under "
                        + sys.resolve("bus/iio/devices"));
    }

    @Test
    void missingSourcesAreClearMessages(@TempDir Path empty) {
        assertThatThrownBy(() -> new CpuLoadDriver(empty).open()).isInstanceOf(SensorUnavailableException.class)
                .hasMessage("cpu driver: " + empty.resolve("stat") + " does not exist (is this Linux, and is " + empty
                        + " mounted?)");
        assertThatThrownBy(() -> new MemoryDriver(empty).open()).isInstanceOf(SensorUnavailableException.class)
                .hasMessageStartingWith("memory driver: " + empty.resolve("meminfo") + " does not exist");
        assertThatThrownBy(() -> new ThermalDriver(empty).open()).isInstanceOf(SensorUnavailableException.class)
                .hasMessage("thermal driver: no temperature sensors under " + empty.resolve("class/thermal") + " or "
                        + empty.resolve("class/hwmon") + " (virtual machines and containers often expose none); leave"
                        + " this driver out, or mark it optional");
        assertThatThrownBy(() -> new IioImuDriver(empty, "").open()).isInstanceOf(SensorUnavailableException.class)
                .hasMessageStartingWith("iio-imu driver: " + empty.resolve("bus/iio/devices") + " does not exist");
    }

    @Test
    void theRealProcOfThisMachineReads() throws Exception {
        CpuView cpu = new CpuView().wrap(samples(new CpuLoadDriver(Path.of("/proc")), 2, () -> { }).get(1), 0);
        assertThat(cpu.cores()).isPositive();
        assertThat(cpu.total()).isBetween(0f, 1f);
        MemoryView mem = new MemoryView().wrap(samples(new MemoryDriver(Path.of("/proc")), 1, () -> { }).get(0), 0);
        assertThat(mem.totalBytes()).isPositive();
        assertThat(mem.usedFraction()).isBetween(0f, 1f);
    }
}
