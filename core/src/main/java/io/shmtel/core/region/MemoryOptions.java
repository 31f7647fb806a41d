package io.shmtel.core.region;

import io.shmtel.core.nativeio.MemoryCalls;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How a process holds a region's mapping in memory, for hot paths that cannot afford a page fault.
 *
 * @param prefault  fault every page in when the region is mapped ({@code MADV_POPULATE_WRITE} for
 *                  writers, {@code MADV_POPULATE_READ} for readers; touching each page on kernels
 *                  before 5.14), so the first publish or read of each slot does not fault
 * @param lock      lock the mapping in RAM ({@code mlock}): never paged out; needs
 *                  {@code RLIMIT_MEMLOCK} (or {@code CAP_IPC_LOCK}) for the region's length
 * @param advice    an access-pattern hint ({@code madvise}); {@link Advice#NORMAL} gives none
 * @param hugePages back the region with transparent huge pages ({@code MADV_HUGEPAGE}), which needs
 *                  a tmpfs region directory and shmem huge pages enabled
 */
public record MemoryOptions(boolean prefault, boolean lock, Advice advice, boolean hugePages) {

    /** {@code madvise} access hints, by their deployment-file and CLI names. */
    public enum Advice {
        NORMAL("normal", MemoryCalls.MADV_NORMAL),
        RANDOM("random", MemoryCalls.MADV_RANDOM),
        SEQUENTIAL("sequential", MemoryCalls.MADV_SEQUENTIAL),
        WILLNEED("willneed", MemoryCalls.MADV_WILLNEED);

        private final String configName;
        private final int value;

        Advice(String configName, int value) {
            this.configName = configName;
            this.value = value;
        }

        public String configName() {
            return configName;
        }

        /** The {@code madvise} constant. */
        public int value() {
            return value;
        }

        public static Optional<Advice> byName(String name) {
            return Arrays.stream(values()).filter(a -> a.configName.equals(name)).findFirst();
        }

        public static List<String> names() {
            return Arrays.stream(values()).map(Advice::configName).toList();
        }
    }

    public MemoryOptions {
        advice = advice == null ? Advice.NORMAL : advice;
    }

    /** Nothing: the kernel faults pages in on first use and may page them out. */
    public static MemoryOptions defaults() {
        return new MemoryOptions(false, false, Advice.NORMAL, false);
    }

    public boolean isDefault() {
        return equals(defaults());
    }

    public MemoryOptions withPrefault(boolean p) {
        return new MemoryOptions(p, lock, advice, hugePages);
    }

    public MemoryOptions withLock(boolean l) {
        return new MemoryOptions(prefault, l, advice, hugePages);
    }

    public MemoryOptions withAdvice(Advice a) {
        return new MemoryOptions(prefault, lock, a, hugePages);
    }

    public MemoryOptions withHugePages(boolean h) {
        return new MemoryOptions(prefault, lock, advice, h);
    }

    @Override
    public String toString() {
        return "memory(prefault=" + prefault + ", lock=" + lock + ", advice=" + advice.configName() + ", hugePages="
                + hugePages + ")";
    }
}
