package io.shmtel.core.region;

import io.shmtel.core.nativeio.Errno;
import io.shmtel.core.nativeio.Futex;
import io.shmtel.core.nativeio.MemoryCalls;
import io.shmtel.core.nativeio.Posix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.shmtel.schema.layout.RegionHeaderDescriptor.PAGE_LENGTH;

/**
 * How a region's mapping is held in memory ({@link MemoryOptions}: prefault, mlock, madvise, huge
 * pages), the reasons given when the system refuses one, and what {@code /proc/self/smaps} says
 * about a mapping. Opening, creation and takeover apply the options through {@link #apply}; the
 * public entry points are {@link Region#hugePageRefusal} and {@link Region#mappingBytes}.
 */
final class RegionMemory {
    /** The size of one transparent huge page (PMD-mapped) on x86-64 and arm64 with 4 KiB pages. */
    private static final long HUGE_PAGE_BYTES = 2L << 20;
    /** Bytes per KiB: {@code ulimit -l} and the smaps lines count KiB. */
    private static final long KIB = 1024;
    /** The tmpfs mount option that enables huge pages ({@code huge=advise}, {@code huge=always}, ...). */
    private static final String HUGE_OPTION = "huge=";
    /** Field of a {@code /proc/self/mountinfo} line (before " - ") that holds the mount point. */
    private static final int MOUNT_POINT_FIELD = 4;
    /** Field after " - " of a mountinfo line that holds the super-block options (after type and source). */
    private static final int SUPER_OPTIONS_FIELD = 2;
    private static final int HEX = 16;

    /** Keeps the page-touching loop of a prefault from being optimised away. */
    @SuppressWarnings("unused")
    private static volatile long PREFAULT_SINK;

    private RegionMemory() {
    }

    /**
     * Applies {@code memory} to a fresh mapping, before the region is used (a writer: before anything
     * is written or linked, so a refusal leaves the directory as it was).
     */
    static void apply(String name, Path file, ByteBuffer buffer, long length, boolean writer, MemoryOptions memory) {
        if (memory.isDefault()) {
            return;
        }
        if (memory.hugePages()) {
            String why = hugePageRefusal(file, length);
            if (why != null) {
                throw new RegionMemoryException("region \"" + name + "\": cannot use huge pages: " + why);
            }
            int errno = MemoryCalls.madvise(buffer, length, MemoryCalls.MADV_HUGEPAGE);
            if (errno != 0) {
                throw new RegionMemoryException("region \"" + name + "\": madvise(MADV_HUGEPAGE) failed: "
                        + Posix.describe(errno) + "; this kernel has no transparent huge pages"
                        + " (CONFIG_TRANSPARENT_HUGEPAGE): run without huge pages");
            }
        }
        if (memory.advice() != MemoryOptions.Advice.NORMAL) {
            int errno = MemoryCalls.madvise(buffer, length, memory.advice().value());
            if (errno != 0) {
                throw new RegionMemoryException("region \"" + name + "\": madvise(" + memory.advice().configName()
                        + ") failed: " + Posix.describe(errno));
            }
        }
        if (memory.lock()) {
            int errno = MemoryCalls.mlock(buffer, length); // faults every page in, too
            if (errno != 0) {
                throw new RegionMemoryException(lockRefusal(name, length, errno));
            }
        } else if (memory.prefault()) {
            int errno = MemoryCalls.madvise(buffer, length,
                    writer ? MemoryCalls.MADV_POPULATE_WRITE : MemoryCalls.MADV_POPULATE_READ);
            if (errno == Errno.EINVAL) { // before Linux 5.14: touch every page
                long sum = 0;
                for (int offset = 0; offset < length; offset += PAGE_LENGTH) {
                    sum += buffer.get(offset);
                }
                PREFAULT_SINK = sum;
            } else if (errno != 0) {
                throw new RegionMemoryException("region \"" + name + "\": cannot prefault its " + length + " bytes: "
                        + "madvise(MADV_POPULATE_" + (writer ? "WRITE" : "READ") + ") failed: "
                        + Posix.describe(errno));
            }
        }
    }

    private static String lockRefusal(String name, long length, int errno) {
        long[] limit = MemoryCalls.memlockLimit();
        long locked = MemoryCalls.lockedBytes();
        long neededKib = Math.max(1, (length + (locked > 0 ? locked : 0)) / KIB + 1);
        String fix = "raise it for this process: `ulimit -l " + neededKib
                + "` (KiB; or `ulimit -l unlimited`) in the shell that starts it (up to the hard limit "
                + MemoryCalls.bytes(limit[1]) + "; root raises that in /etc/security/limits.conf: `USER - memlock"
                + " unlimited`), `LimitMEMLOCK=infinity` in its systemd unit, or `--ulimit memlock=-1` for a container";
        if (errno == Errno.ENOMEM || errno == Errno.EPERM || errno == Errno.EAGAIN) {
            return "region \"" + name + "\": cannot lock its " + MemoryCalls.bytes(length) + " in RAM: mlock failed: "
                    + Posix.describe(errno) + ". The locked-memory limit (RLIMIT_MEMLOCK) of this process is "
                    + MemoryCalls.bytes(limit[0]) + (locked >= 0 ? " and it has " + MemoryCalls.bytes(locked)
                            + " locked already" : "") + "; " + fix
                    + ". Without the lock option the region works, pageable";
        }
        return "region \"" + name + "\": cannot lock its " + MemoryCalls.bytes(length) + " in RAM: mlock failed: "
                + Posix.describe(errno);
    }

    /** Why huge pages cannot back a region file of {@code length} bytes here; null when they can. */
    static String hugePageRefusal(Path file, long length) {
        if (length < HUGE_PAGE_BYTES) {
            return "the region is " + MemoryCalls.bytes(length) + ", smaller than one huge page (2 MiB): huge pages"
                    + " only help regions of 2 MiB and more";
        }
        Path dir = file.toAbsolutePath().getParent();
        String mountOptions = null;
        String mountPoint = null;
        String fsType = null;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] halves = line.split(" - ", 2);
                String[] f = halves[0].split(" ");
                String point = f[MOUNT_POINT_FIELD].replace("\\040", " ");
                if (dir.startsWith(point) && (mountPoint == null || point.length() >= mountPoint.length())) {
                    mountPoint = point;
                    String[] t = halves[1].split(" ");
                    fsType = t[0];
                    mountOptions = t.length > SUPER_OPTIONS_FIELD ? t[SUPER_OPTIONS_FIELD] : "";
                }
            }
        } catch (IOException | RuntimeException e) {
            return "cannot read /proc/self/mountinfo to see how " + dir + " is mounted: " + e.getMessage();
        }
        String shmem = selectedSetting(Path.of("/sys/kernel/mm/transparent_hugepage/shmem_enabled"));
        if (shmem == null) {
            return "this kernel has no transparent huge pages (no /sys/kernel/mm/transparent_hugepage)";
        }
        if (!"tmpfs".equals(fsType)) {
            return "the region directory " + dir + " is on " + fsType + ", and file mappings get huge pages only on"
                    + " tmpfs: use a tmpfs directory (the default /dev/shm, or one mounted with huge=advise)";
        }
        if (shmem.equals("force")) {
            return null;
        }
        if (shmem.equals("deny")) {
            return "huge pages for shared memory are denied on this system (/sys/kernel/mm/transparent_hugepage/"
                    + "shmem_enabled is [deny]); as root: echo advise >"
                    + " /sys/kernel/mm/transparent_hugepage/shmem_enabled";
        }
        String huge = "never";
        for (String o : mountOptions.split(",")) {
            if (o.startsWith(HUGE_OPTION)) {
                huge = o.substring(HUGE_OPTION.length());
            }
        }
        if (huge.equals("never")) {
            return "the tmpfs at " + mountPoint + " is mounted without huge pages (no huge= option, i.e. huge=never);"
                    + " as root: mount -o remount,huge=advise " + mountPoint + " (or mount a tmpfs with huge=advise for"
                    + " the regions and pass its directory with --dir / SHMTEL_DIR)";
        }
        return null;
    }

    private static String selectedSetting(Path file) {
        try {
            String text = Files.readString(file);
            int open = text.indexOf('[');
            int close = text.indexOf(']', open + 1);
            return open >= 0 && close > open ? text.substring(open + 1, close) : text.trim();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Sums the smaps lines starting with {@code key} (e.g. {@code "Rss:"}, {@code "Locked:"},
     * {@code "ShmemPmdMapped:"}) of this process's mapping that holds {@code buffer}; bytes, -1 when unknown.
     */
    static long mappingBytes(ByteBuffer buffer, String key) {
        long address = Futex.address(buffer);
        try {
            boolean inside = false;
            long total = -1;
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
                int dash = line.indexOf('-');
                int space = line.indexOf(' ');
                if (dash > 0 && space > dash
                        && line.substring(0, dash).chars().allMatch(c -> Character.digit(c, HEX) >= 0)) {
                    long start = Long.parseUnsignedLong(line.substring(0, dash), HEX);
                    long end = Long.parseUnsignedLong(line.substring(dash + 1, space), HEX);
                    inside = address >= start && address < end;
                    continue;
                }
                if (inside && line.startsWith(key)) {
                    total = Math.max(total, 0) + Long.parseLong(line.replaceAll("[^0-9]", "")) * KIB;
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
