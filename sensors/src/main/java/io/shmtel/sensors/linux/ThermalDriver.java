package io.shmtel.sensors.linux;

import io.shmtel.sensors.BuiltInSchemas;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverParameter;
import io.shmtel.sensors.RecordDriver;
import io.shmtel.sensors.SensorUnavailableException;
import io.shmtel.sensors.gen.system.ThermalView;
import io.shmtel.sensors.gen.system.ThermalWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Temperatures ({@code system.thermal}) from {@code /sys/class/thermal/thermal_zone*\/temp} and
 * {@code /sys/class/hwmon/hwmon*\/temp*_input} (millidegrees Celsius), at most 16, in a stable order.
 */
public final class ThermalDriver extends RecordDriver<ThermalWriter> {
    public static final String TYPE = "thermal";
    private final Path sysRoot;
    private List<Path> sensors = List.of();

    public ThermalDriver(Path sysRoot) {
        super(BuiltInSchemas.system(), ThermalView.RECORD_NAME, ThermalWriter::new);
        this.sysRoot = sysRoot;
    }

    public static DriverFactory factory() {
        return DriverFactory.of(TYPE, "temperatures from /sys/class/thermal and /sys/class/hwmon (system.thermal)",
                List.of(DriverParameter.path("sysRoot", "/sys", "where sysfs is mounted")),
                p -> new ThermalDriver(p.path("sysRoot")));
    }

    @Override
    public void open() throws IOException {
        List<Path> found = new ArrayList<>();
        Path thermal = sysRoot.resolve("class/thermal");
        Path hwmon = sysRoot.resolve("class/hwmon");
        for (Path zone : list(thermal, "thermal_zone")) {
            if (Files.isReadable(zone.resolve("temp"))) {
                found.add(zone.resolve("temp"));
            }
        }
        for (Path chip : list(hwmon, "hwmon")) {
            try (Stream<Path> files = Files.list(chip)) {
                files.filter(f -> f.getFileName().toString().matches("temp\\d+_input")).sorted().forEach(found::add);
            }
        }
        if (found.isEmpty()) {
            throw new SensorUnavailableException("thermal driver: no temperature sensors under " + thermal + " or "
                    + hwmon
                    + " (virtual machines and containers often expose none); leave this driver out, or mark it "
                            + "optional");
        }
        sensors = List.copyOf(found.subList(0, Math.min(found.size(), ThermalView.TEMPERATURE_COUNT)));
    }

    private static List<Path> list(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    @Override
    public void sample(ThermalWriter w, long k, long dueNs) {
        float max = Float.NaN;
        for (int i = 0; i < sensors.size(); i++) {
            float celsius = (float) (ProcFiles.number(sensors.get(i)) / 1000.0);
            w.temperature(i, celsius);
            if (!Float.isNaN(celsius) && (Float.isNaN(max) || celsius > max)) {
                max = celsius;
            }
        }
        w.sensors(sensors.size()).maxTemperature(max);
    }

    /** The files read, in field order. */
    public List<Path> sensorFiles() {
        return sensors;
    }
}
