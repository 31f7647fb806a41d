package io.shmtel.sensors.linux;

import io.shmtel.sensors.BuiltInSchemas;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverParameter;
import io.shmtel.sensors.RecordDriver;
import io.shmtel.sensors.SensorUnavailableException;
import io.shmtel.sensors.gen.imu.ImuSampleView;
import io.shmtel.sensors.gen.imu.ImuSampleWriter;
import io.shmtel.sensors.kinematics.Quaternions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Linux IIO accelerometer/gyroscope ({@code imu.imu_sample}) from
 * {@code /sys/bus/iio/devices/iio:deviceN}: {@code in_accel_{x,y,z}_raw} times
 * {@code in_accel_scale} (m/s^2), {@code in_anglvel_{x,y,z}_raw} times {@code in_anglvel_scale}
 * (rad/s), and {@code in_temp_*} when present. Channels the device lacks read as NaN. The orientation stays the
 * identity (0, 0, 0, 1): the driver reads raw channels and runs no attitude filter.
 */
public final class IioImuDriver extends RecordDriver<ImuSampleWriter> {
    public static final String TYPE = "iio-imu";
    private static final String[] AXES = {"x", "y", "z"};
    private final Path sysRoot;
    private final String deviceName;
    private Path device;
    private double accelScale;
    private double gyroScale;

    public IioImuDriver(Path sysRoot, String deviceName) {
        super(BuiltInSchemas.imu(), ImuSampleView.RECORD_NAME,
                sink -> new ImuSampleWriter(sink).orientation(Quaternions.W, 1.0)); // the identity: no attitude filter
        this.sysRoot = sysRoot;
        this.deviceName = deviceName;
    }

    public static DriverFactory factory() {
        return DriverFactory.of(TYPE, "a Linux IIO accelerometer/gyroscope under /sys/bus/iio/devices (imu.imu_sample)",
                List.of(DriverParameter.path("sysRoot", "/sys", "where sysfs is mounted"),
                DriverParameter.text("device", "",
                        "the device's name attribute (default: the first with an accelerometer)")),
                p -> new IioImuDriver(p.path("sysRoot"), p.text("device")));
    }

    @Override
    public void open() throws IOException {
        Path devices = sysRoot.resolve("bus/iio/devices");
        if (!Files.isDirectory(devices)) {
            throw new SensorUnavailableException("iio-imu driver: " + devices + " does not exist: this machine has no"
                    + " IIO sensors (or the industrial I/O subsystem is not loaded)");
        }
        try (Stream<Path> entries = Files.list(devices)) {
            device = entries.filter(d -> d.getFileName().toString().startsWith("iio:device")).sorted()
                    .filter(d -> Files.exists(d.resolve("in_accel_x_raw")))
                    .filter(d -> deviceName.isEmpty() || name(d).equals(deviceName))
                    .findFirst().orElseThrow(() -> new SensorUnavailableException("iio-imu driver: no IIO device"
                            + (deviceName.isEmpty() ? " with an accelerometer (in_accel_x_raw)" : " named \""
                                    + deviceName
                            + "\" with an accelerometer") + " under " + devices));
        }
        accelScale = ProcFiles.number(device.resolve("in_accel_scale"));
        gyroScale = ProcFiles.number(device.resolve("in_anglvel_scale"));
        if (Double.isNaN(accelScale)) {
            throw new SensorUnavailableException("iio-imu driver: " + device.resolve("in_accel_scale") + " is missing");
        }
    }

    private static String name(Path device) {
        try {
            return Files.readString(device.resolve("name")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** The device read, once open. */
    public Path device() {
        return device;
    }

    @Override
    public void sample(ImuSampleWriter w, long k, long dueNs) {
        boolean saturated = false;
        for (int i = 0; i < 3; i++) {
            double raw = ProcFiles.number(device.resolve("in_accel_" + AXES[i] + "_raw"));
            w.accel(i, (float) (raw * accelScale));
            w.gyro(i, (float) (ProcFiles.number(device.resolve("in_anglvel_" + AXES[i] + "_raw")) * gyroScale));
            saturated |= Math.abs(raw) >= 32767;
        }
        double tempRaw = ProcFiles.number(device.resolve("in_temp_raw"));
        double tempScale = ProcFiles.number(device.resolve("in_temp_scale"));
        double tempOffset = ProcFiles.number(device.resolve("in_temp_offset"));
        double celsius = (tempRaw + (Double.isNaN(tempOffset) ? 0 : tempOffset)) * tempScale / 1000.0;
        w.temperature((float) celsius).saturated(saturated);
    }
}
