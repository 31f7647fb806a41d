package io.shmtel.core.region;

import io.shmtel.core.nativeio.Errno;
import io.shmtel.core.memory.Words;
import io.shmtel.core.fault.CrashPoint;
import io.shmtel.core.nativeio.Posix;
import io.shmtel.core.nativeio.Posix.FileStat;
import io.shmtel.core.nativeio.Posix.PosixException;
import io.shmtel.schema.layout.Fingerprint;
import io.shmtel.schema.layout.Layout;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static io.shmtel.schema.layout.RegionHeaderDescriptor.PAGE_LENGTH;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.STATE_INITIALISING;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.STATE_OFFSET;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.WRITER_EPOCH_OFFSET;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.WRITER_PID_OFFSET;

/**
 * Where a writer meets a region file that already has the name it creates: a live writer's
 * ({@link RegionOwnedException}), a dead writer's with the same layout (taken over in place with a
 * new epoch), or a dead writer's it cannot reuse (removed under its lock, for {@link RegionCreation}
 * to replace). {@link RegionCreation#createOrTakeOver} loops over this and the creation of a new file.
 */
final class RegionTakeover {
    private static final System.Logger LOG = System.getLogger("io.shmtel.region");

    private RegionTakeover() {
    }

    /**
     * The outcome of meeting an existing file: taken over (region); gone or replaced, so create a
     * new one (epochToReplace: the dead file's epoch); or busy, so look again (retry).
     */
    record Existing(Region region, long epochToReplace, boolean retry) {
        static final Existing ABSENT = new Existing(null, 0, false);
        static final Existing RETRY = new Existing(null, 0, true);
    }

    /**
     * Meets the file at {@code file}; {@code epoch} 0: a takeover in place bumps the file's epoch, else
     * it sets exactly {@code epoch}, and only when that is greater than the file's (readers must see the
     * epoch change, liveness rule R3): otherwise the file is replaced, as for another layout.
     */
    static Existing openExisting(String name, Path file, Layout layout, RegionOptions options, long epoch) {
        int fd;
        try {
            fd = Posix.openExisting(file.toString(), true);
        } catch (PosixException e) {
            if (e.errno() == Errno.ENOENT) {
                return Existing.ABSENT;
            }
            throw RegionCreation.createError(name, RegionDirectory.of(file.getParent()), file, e);
        }
        boolean keep = false;
        try {
            FileStat stat = RegionOpening.checkFile(name, file, fd, options, false);
            if (!RegionFiles.tryLock(name, fd)) {
                if (!RegionFiles.isExclusiveLockHeld(name, fd)) {
                    return Existing.RETRY; // a remover (gc, rm) holds it to unlink it, or the lock was just released
                }
                throw owned(name, file, fd, stat);
            }
            if (!RegionFiles.namesFile(file, stat)) {
                return Existing.RETRY; // removed or replaced between our open and our lock
            }
            if (CrashPoint.ENABLED) {
                CrashPoint.reached(CrashPoint.TAKEOVER_LOCKED);
            }
            // We hold the lock: the previous owner is gone (or never finished creating the region).
            long oldEpoch = 0;
            Layout old = null;
            boolean foreignWritable = (stat.permissions() & RegionFiles.GROUP_OR_OTHERS_WRITE) != 0;
            if (stat.size() >= PAGE_LENGTH) {
                ByteBuffer buffer = RegionFiles.map(name, fd, stat.size(), true);
                if (RegionHeader.versionAcquire(buffer) != 0) {
                    try {
                        old = RegionHeader.decode(buffer, name);
                        oldEpoch = buffer.getLong(WRITER_EPOCH_OFFSET);
                    } catch (RuntimeException corrupt) {
                        LOG.log(Level.WARNING, "replacing unreadable region of a dead writer: " + corrupt.getMessage());
                    }
                }
                boolean epochAllowsInPlace = epoch == 0 || epoch > oldEpoch;
                if (old != null && old.fingerprint() == layout.fingerprint() && !foreignWritable
                        && epochAllowsInPlace) {
                    Region region = takeOverInPlace(name, file, fd, buffer, stat, layout,
                            epoch == 0 ? oldEpoch + 1 : epoch, options);
                    keep = true;
                    return new Existing(region, 0, false);
                }
            }
            if (foreignWritable) {
                LOG.log(Level.WARNING, "replacing region \"" + name + "\" of a dead writer: " + file + " has mode 0"
                        + Integer.toOctalString(stat.permissions()) + " (group or others may write it, and readers"
                        + " refuse it); its replacement has mode 0" + Integer.toOctalString(options.mode()));
            } else if (old != null && old.fingerprint() == layout.fingerprint()) {
                LOG.log(Level.INFO, "replacing region \"" + name + "\" of a dead writer: its epoch " + oldEpoch
                        + " is not below this writer's " + epoch + " (a takeover in place must change the epoch)");
            } else if (old != null) {
                LOG.log(Level.INFO, "replacing region \"" + name + "\" of a dead writer: its layout "
                        + Fingerprint.hex(old.fingerprint()) + " differs from this writer's "
                        + Fingerprint.hex(layout.fingerprint()));
            }
            RegionFiles.deleteQuietly(file); // still under our lock, and still our file (checked above)
            return new Existing(null, oldEpoch, false);
        } finally {
            if (!keep) {
                Posix.close(fd);
            }
        }
    }

    /** Takes a dead writer's region of the same layout over in place, under its lock, with epoch {@code epoch}. */
    private static Region takeOverInPlace(String name, Path file, int fd, ByteBuffer buffer, FileStat stat,
            Layout layout, long epoch, RegionOptions options) {
        // Reserve the whole file before writing the writer line (as a new region is reserved):
        // a sparse file on a full file system fails here, not with SIGBUS at a later publish.
        RegionCreation.reserve(name, file, fd, stat.size(), "take over");
        RegionMemory.apply(name, file, buffer, stat.size(), true, options.memory());
        // The new epoch before the state word 0 (release): a reader that finds the lock free and
        // then loads this 0 also loads this epoch, and looks again (liveness rule R3).
        Words.putLongRelease(buffer, WRITER_EPOCH_OFFSET, epoch);
        Words.putIntRelease(buffer, STATE_OFFSET, STATE_INITIALISING);
        RegionHeader.writeWriterLine(buffer, ProcessInfo.currentPid(), ProcessInfo.startTime(ProcessInfo.currentPid()),
                epoch, options.heartbeatPeriod().toNanos());
        RegionHeader.publishVersion(buffer); // a 1.0 or 1.1 region becomes 1.2: this writer wakes sleepers
        if (CrashPoint.ENABLED) {
            CrashPoint.reached(CrashPoint.TAKEOVER_WRITTEN);
        }
        return new Region(name, file, fd, buffer, layout, true, stat);
    }

    private static RegionOwnedException owned(String name, Path file, int fd, FileStat stat) {
        String owner = "";
        if (stat.size() >= PAGE_LENGTH) {
            ByteBuffer b = RegionFiles.map(name, fd, PAGE_LENGTH, false);
            int pid = b.getInt(WRITER_PID_OFFSET);
            owner = " (owner pid " + pid + (ProcessHandle.of(pid).isPresent() ? ", running" : "") + ")";
        }
        return new RegionOwnedException("region \"" + name + "\" is owned by a live writer" + owner + ": a region has"
                + " one writer; stop that writer first or publish under another name (" + file + ")");
    }
}
