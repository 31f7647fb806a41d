package io.shmtel.core.region;

import io.shmtel.schema.layout.ProtocolConstants;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How regions are created and opened. Immutable; {@code with...} methods return changed copies.
 *
 * @param directory          where region files live; null: {@code SHMTEL_DIR}, else {@code /dev/shm}
 * @param mode               permission bits of created regions, applied with fchmod (default 0600)
 * @param initTimeout        how long an opener waits for a region still being created
 * @param heartbeatPeriod    how often a writer's heartbeat thread beats (written into the header for readers)
 * @param heartbeatThread    false: the writer calls {@code heartbeat()} itself (single-threaded drivers)
 * @param stalledAfterPeriods a reader calls a lock-holding writer STALLED after this many silent periods
 * @param anyOwner           accept regions owned by another user (default: only the current user's)
 * @param memory             prefaulting, locking, hints and huge pages for this process's mapping
 * @param flushPeriod        writers: {@code msync} the region this often (zero: only on {@code flush()}
 *                           and on a clean close); for durable regions on a real file system
 * @param closeOnShutdown    writers: close the region cleanly (state CLOSED, not WRITER_DEAD) when the JVM shuts
 *                           down on SIGTERM, SIGINT (Ctrl-C) or {@code System.exit} while it is still open, through
 *                           one shutdown hook shared by every open publisher (see
 *                           {@link io.shmtel.core.ShutdownCloser}); default true. False for programs that close their
 *                           publishers from their own shutdown handling. A SIGKILL still leaves WRITER_DEAD.
 */
public record RegionOptions(Path directory, int mode, Duration initTimeout, Duration heartbeatPeriod,
        boolean heartbeatThread, int stalledAfterPeriods, boolean anyOwner, MemoryOptions memory, Duration flushPeriod,
        boolean closeOnShutdown) {

    public static final int DEFAULT_MODE = 0600;

    public RegionOptions {
        if ((mode & ~0777) != 0 || (mode & 0600) != 0600) {
            throw new IllegalArgumentException("mode must keep owner read-write and use only permission bits: mode=0"
                    + Integer.toOctalString(mode));
        }
        if ((mode & 0022) != 0) {
            throw new IllegalArgumentException("mode must not let group or others write a region (one writer per "
                    + "region):"
                    + " mode=0" + Integer.toOctalString(mode) + "; use e.g. 0640 for a reader group");
        }
        if (initTimeout.isNegative() || heartbeatPeriod.isNegative() || heartbeatPeriod.isZero()) {
            throw new IllegalArgumentException("timeouts must be >= 0 and the heartbeat period > 0: initTimeout="
                    + initTimeout + " heartbeatPeriod=" + heartbeatPeriod);
        }
        memory = memory == null ? MemoryOptions.defaults() : memory;
        flushPeriod = flushPeriod == null ? Duration.ZERO : flushPeriod;
        if (flushPeriod.isNegative()) {
            throw new IllegalArgumentException("flushPeriod must be >= 0 (0: no periodic flush): flushPeriod="
                    + flushPeriod);
        }
        if (stalledAfterPeriods < 2) {
            throw new IllegalArgumentException("stalledAfterPeriods must be >= 2: stalledAfterPeriods="
                    + stalledAfterPeriods);
        }
    }

    /** The options without memory options or periodic flushes (the record's shape before they existed). */
    public RegionOptions(Path directory, int mode, Duration initTimeout, Duration heartbeatPeriod,
            boolean heartbeatThread,
            int stalledAfterPeriods, boolean anyOwner) {
        this(directory, mode, initTimeout, heartbeatPeriod, heartbeatThread, stalledAfterPeriods, anyOwner,
                MemoryOptions.defaults(), Duration.ZERO, true);
    }

    /** The options closing on shutdown (the record's shape before {@code closeOnShutdown} existed). */
    public RegionOptions(Path directory, int mode, Duration initTimeout, Duration heartbeatPeriod,
            boolean heartbeatThread,
            int stalledAfterPeriods, boolean anyOwner, MemoryOptions memory, Duration flushPeriod) {
        this(directory, mode, initTimeout, heartbeatPeriod, heartbeatThread, stalledAfterPeriods, anyOwner, memory,
                flushPeriod, true);
    }

    public static RegionOptions defaults() {
        return new RegionOptions(null, DEFAULT_MODE, Duration.ofNanos(ProtocolConstants.DEFAULT_INIT_TIMEOUT_NS),
                Duration.ofNanos(ProtocolConstants.DEFAULT_HEARTBEAT_PERIOD_NS), true,
                ProtocolConstants.DEFAULT_STALLED_AFTER_PERIODS, false,
                MemoryOptions.defaults(), Duration.ZERO, true);
    }

    public RegionDirectory regionDirectory() {
        return RegionDirectory.of(directory);
    }

    public RegionOptions withDirectory(Path dir) {
        return new RegionOptions(dir, mode, initTimeout, heartbeatPeriod, heartbeatThread, stalledAfterPeriods,
                anyOwner, memory, flushPeriod, closeOnShutdown);
    }

    public RegionOptions withMode(int newMode) {
        return new RegionOptions(directory, newMode, initTimeout, heartbeatPeriod, heartbeatThread, stalledAfterPeriods,
                anyOwner, memory, flushPeriod, closeOnShutdown);
    }

    public RegionOptions withInitTimeout(Duration timeout) {
        return new RegionOptions(directory, mode, timeout, heartbeatPeriod, heartbeatThread, stalledAfterPeriods,
                anyOwner, memory, flushPeriod, closeOnShutdown);
    }

    public RegionOptions withHeartbeatPeriod(Duration period) {
        return new RegionOptions(directory, mode, initTimeout, period, heartbeatThread, stalledAfterPeriods, anyOwner,
                memory, flushPeriod, closeOnShutdown);
    }

    public RegionOptions withHeartbeatThread(boolean thread) {
        return new RegionOptions(directory, mode, initTimeout, heartbeatPeriod, thread, stalledAfterPeriods, anyOwner,
                memory, flushPeriod, closeOnShutdown);
    }

    public RegionOptions withStalledAfterPeriods(int periods) {
        return new RegionOptions(directory, mode, initTimeout, heartbeatPeriod, heartbeatThread, periods, anyOwner,
                memory, flushPeriod, closeOnShutdown);
    }

    public RegionOptions withAnyOwner(boolean any) {
        return new RegionOptions(directory, mode, initTimeout, heartbeatPeriod, heartbeatThread, stalledAfterPeriods,
                any, memory, flushPeriod, closeOnShutdown);
    }

    public RegionOptions withMemory(MemoryOptions m) {
        return new RegionOptions(directory, mode, initTimeout, heartbeatPeriod, heartbeatThread, stalledAfterPeriods,
                anyOwner, m, flushPeriod, closeOnShutdown);
    }

    public RegionOptions withFlushPeriod(Duration period) {
        return new RegionOptions(directory, mode, initTimeout, heartbeatPeriod, heartbeatThread, stalledAfterPeriods,
                anyOwner, memory, period, closeOnShutdown);
    }

    /**
     * Writers: whether an open publisher closes the region cleanly when the JVM shuts down (SIGTERM,
     * SIGINT, {@code System.exit}); see the {@code closeOnShutdown} component.
     */
    public RegionOptions withCloseOnShutdown(boolean close) {
        return new RegionOptions(directory, mode, initTimeout, heartbeatPeriod, heartbeatThread, stalledAfterPeriods,
                anyOwner, memory, flushPeriod, close);
    }
}
