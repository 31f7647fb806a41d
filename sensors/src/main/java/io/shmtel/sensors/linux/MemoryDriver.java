package io.shmtel.sensors.linux;

import io.shmtel.sensors.BuiltInSchemas;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverParameter;
import io.shmtel.sensors.RecordDriver;
import io.shmtel.sensors.SensorUnavailableException;
import io.shmtel.sensors.gen.system.MemoryView;
import io.shmtel.sensors.gen.system.MemoryWriter;
import java.nio.file.Path;
import java.util.List;

/** Memory from {@code /proc/meminfo} ({@code system.memory}): total, available, used fraction, swap. */
public final class MemoryDriver extends RecordDriver<MemoryWriter> {
    public static final String TYPE = "memory";
    private final Path meminfo;

    public MemoryDriver(Path procRoot) {
        super(BuiltInSchemas.system(), MemoryView.RECORD_NAME, MemoryWriter::new);
        this.meminfo = procRoot.resolve("meminfo");
    }

    public static DriverFactory factory() {
        return DriverFactory.of(TYPE, "memory and swap, from /proc/meminfo (system.memory)",
                List.of(DriverParameter.path("procRoot", "/proc", "where proc is mounted")),
                p -> new MemoryDriver(p.path("procRoot")));
    }

    @Override
    public void open() {
        if (kib(ProcFiles.read(meminfo, "memory driver"), "MemTotal") <= 0) {
            throw new SensorUnavailableException("memory driver: no MemTotal line in " + meminfo);
        }
    }

    @Override
    public void sample(MemoryWriter w, long k, long dueNs) {
        String text = ProcFiles.read(meminfo, "memory driver");
        long total = kib(text, "MemTotal") * 1024;
        long available = kib(text, "MemAvailable");
        if (available < 0) { // kernels before 3.14: estimate from free + buffers + cache
            available = Math.max(0, kib(text, "MemFree")) + Math.max(0, kib(text, "Buffers"))
                    + Math.max(0, kib(text, "Cached"));
        }
        available *= 1024;
        w.totalBytes(total).availableBytes(available)
                .usedFraction(total > 0 ? (float) (total - available) / total : 0f)
                .swapTotalBytes(Math.max(0, kib(text, "SwapTotal")) * 1024)
                .swapFreeBytes(Math.max(0, kib(text, "SwapFree")) * 1024);
    }

    /** The value of a "Key:   123 kB" line in KiB, or -1 when absent. */
    static long kib(String text, String key) {
        int at = text.indexOf("\n" + key + ":");
        int start = text.startsWith(key + ":") ? 0 : at < 0 ? -1 : at + 1;
        if (start < 0) {
            return -1;
        }
        int end = text.indexOf('\n', start);
        String[] f = text.substring(start, end < 0 ? text.length() : end).split("\\s+");
        try {
            return Long.parseLong(f[1]);
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
