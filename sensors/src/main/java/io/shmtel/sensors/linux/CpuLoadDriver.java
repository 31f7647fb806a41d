package io.shmtel.sensors.linux;

import io.shmtel.sensors.BuiltInSchemas;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverParameter;
import io.shmtel.sensors.RecordDriver;
import io.shmtel.sensors.SensorUnavailableException;
import io.shmtel.sensors.gen.system.CpuView;
import io.shmtel.sensors.gen.system.CpuWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU load from {@code /proc/stat} ({@code system.cpu}): for the whole machine and each core, the
 * fraction of jiffies not spent idle (idle + iowait) since the previous sample.
 */
public final class CpuLoadDriver extends RecordDriver<CpuWriter> {
    public static final String TYPE = "cpu";
    private final Path stat;
    private long[] previousBusy = new long[CpuView.CORE_COUNT + 1];
    private long[] previousTotal = new long[CpuView.CORE_COUNT + 1];

    public CpuLoadDriver(Path procRoot) {
        super(BuiltInSchemas.system(), CpuView.RECORD_NAME, CpuWriter::new);
        this.stat = procRoot.resolve("stat");
    }

    public static DriverFactory factory() {
        return DriverFactory.of(TYPE, "CPU load of the machine and of each core, from /proc/stat (system.cpu)",
                List.of(DriverParameter.path("procRoot", "/proc", "where proc is mounted")),
                p -> new CpuLoadDriver(p.path("procRoot")));
    }

    @Override
    public void open() {
        String text = ProcFiles.read(stat, "cpu driver");
        if (!text.startsWith("cpu ")) {
            throw new SensorUnavailableException("cpu driver: " + stat + " does not start with a \"cpu \" line");
        }
        update(text, null);
    }

    @Override
    public void sample(CpuWriter w, long k, long dueNs) {
        update(ProcFiles.read(stat, "cpu driver"), w);
    }

    /** Parses the cpu lines; with a writer, sets the load since the previous parse. */
    private void update(String text, CpuWriter w) {
        int cores = 0;
        for (String line : text.split("\n")) {
            if (!line.startsWith("cpu")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            int slot;
            if (f[0].equals("cpu")) {
                slot = 0;
            } else {
                int core;
                try {
                    core = Integer.parseInt(f[0].substring(3));
                } catch (NumberFormatException e) {
                    continue;
                }
                cores = Math.max(cores, core + 1);
                if (core >= CpuView.CORE_COUNT) {
                    continue;
                }
                slot = core + 1;
            }
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            long busy = total - idle;
            long dTotal = total - previousTotal[slot];
            float load = dTotal > 0 ? (float) (busy - previousBusy[slot]) / dTotal : 0f;
            if (w != null) {
                if (slot == 0) {
                    w.total(load);
                } else {
                    w.core(slot - 1, load);
                }
            }
            previousBusy[slot] = busy;
            previousTotal[slot] = total;
        }
        if (w != null) {
            w.cores(Math.min(cores, 0xFFFF));
        }
    }
}
