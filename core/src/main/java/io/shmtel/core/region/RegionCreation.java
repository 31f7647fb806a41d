package io.shmtel.core.region;

import io.shmtel.core.nativeio.Errno;
import io.shmtel.core.fault.CrashPoint;
import io.shmtel.core.nativeio.Posix;
import io.shmtel.core.nativeio.Posix.PosixException;
import io.shmtel.core.region.RegionTakeover.Existing;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.ProtocolConstants;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Where a writer gets its region ({@link Region#createOrTakeOver}): a new file built complete and
 * linked under the name, or (through {@link RegionTakeover}) a dead writer's file taken over or
 * replaced; with the reservation of the file's space and the messages a failed creation gives.
 */
final class RegionCreation {
    /** How long creation may keep losing races for the name before it gives up. */
    private static final long GIVE_UP_SECONDS = TimeUnit.NANOSECONDS.toSeconds(ProtocolConstants.CREATE_GIVE_UP_NS);
    /** Attempts made in any case, however long they take, before giving up. */
    private static final int MIN_ATTEMPTS = ProtocolConstants.CREATE_MIN_ATTEMPTS;
    /** The pause before looking again at a file someone else is removing or has just released. */
    private static final long RETRY_PAUSE_NS = ProtocolConstants.CREATE_RETRY_PAUSE_NS;

    private RegionCreation() {
    }

    /**
     * See {@link Region#createOrTakeOver}; {@code epoch} 0: the format's epochs (1 for a new file, the
     * replaced file's + 1, + 1 at a takeover in place), else exactly this one
     * ({@link Region#createOrTakeOver(String, Layout, RegionOptions, long)}).
     */
    static Region createOrTakeOver(String name, Layout layout, RegionOptions options, long epoch) {
        RegionDirectory dir = options.regionDirectory();
        Path file = dir.file(name);
        if (layout.regionLength() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("region too large for one mapping: regionLength="
                    + layout.regionLength());
        }
        int textLength = layout.canonicalJson().getBytes(StandardCharsets.UTF_8).length;
        if (textLength > RegionHeader.MAX_SCHEMA_TEXT_LENGTH) {
            throw new IllegalArgumentException("schema \"" + layout.schemaName() + "\" is " + textLength + " bytes as"
                    + " canonical text; readers accept embedded schemas of at most "
                    + RegionHeader.MAX_SCHEMA_TEXT_LENGTH + " bytes: split it into several schemas");
        }
        long previousEpoch = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS);
        int attempts = 0;
        while (true) {
            attempts++;
            Existing existing = RegionTakeover.openExisting(name, file, layout, options, epoch);
            if (existing.region() != null) {
                return existing.region();
            }
            previousEpoch = Math.max(previousEpoch, existing.epochToReplace());
            if (!existing.retry()) {
                Region created = createNew(name, dir, file, layout, options, epoch > 0 ? epoch : previousEpoch + 1);
                if (created != null) {
                    return created;
                }
                // lost the race for the name: look at the winner's file
            } else {
                LockSupport.parkNanos(RETRY_PAUSE_NS);
            }
            if (attempts > MIN_ATTEMPTS && System.nanoTime() - deadline > 0) {
                throw new RegionIoException("region \"" + name + "\": could not create or take over " + file
                        + " in " + GIVE_UP_SECONDS + " s (" + attempts + " attempts: other processes keep creating"
                        + " and removing it)");
            }
        }
    }

    /** Builds the region in an unnamed file and links it in; null when another writer linked the name first. */
    private static Region createNew(String name, RegionDirectory dir, Path file, Layout layout, RegionOptions options,
            long epoch) {
        int fd;
        Path temp = null;
        try {
            fd = Posix.createUnnamed(dir.path().toString(), RegionOptions.DEFAULT_MODE);
            if (fd < 0) {
                temp = dir.path().resolve(".shmtel-tmp." + name + "." + ProcessInfo.currentPid() + "."
                        + System.nanoTime());
                fd = Posix.createExclusive(temp.toString(), RegionOptions.DEFAULT_MODE);
            }
        } catch (PosixException e) {
            throw createError(name, dir, file, e);
        }
        boolean done = false;
        try {
            if (CrashPoint.ENABLED) {
                CrashPoint.reached(CrashPoint.CREATE_FILE);
            }
            if (!RegionFiles.tryLock(name, fd)) {
                throw new RegionIoException("region \"" + name + "\": cannot lock the new, unnamed file");
            }
            if (CrashPoint.ENABLED) {
                CrashPoint.reached(CrashPoint.CREATE_LOCKED);
            }
            reserve(name, file, fd, layout.regionLength(), "create");
            Posix.fchmod(fd, options.mode());
            if (CrashPoint.ENABLED) {
                CrashPoint.reached(CrashPoint.CREATE_RESERVED);
            }
            ByteBuffer buffer = RegionFiles.map(name, fd, layout.regionLength(), true);
            RegionMemory.apply(name, file, buffer, layout.regionLength(), true, options.memory());
            int pid = ProcessInfo.currentPid();
            RegionHeader.write(buffer, layout, pid, ProcessInfo.startTime(pid), epoch,
                    options.heartbeatPeriod().toNanos());
            RegionHeader.publishVersion(buffer);
            if (CrashPoint.ENABLED) {
                CrashPoint.reached(CrashPoint.CREATE_HEADER);
            }
            if (!Posix.linkNew(fd, file.toString())) {
                return null;
            }
            if (CrashPoint.ENABLED) {
                CrashPoint.reached(CrashPoint.CREATE_LINKED);
            }
            Region region = new Region(name, file, fd, buffer, layout, true, Posix.fstat(fd));
            done = true;
            return region;
        } catch (PosixException e) {
            throw createError(name, dir, file, e);
        } finally {
            if (temp != null) {
                RegionFiles.deleteQuietly(temp);
            }
            if (!done) {
                Posix.close(fd); // an unnamed file vanishes with its last descriptor
            }
        }
    }

    /** posix_fallocate of the whole region file; {@code verb} ("create", "take over") for the message. */
    static void reserve(String name, Path file, int fd, long length, String verb) {
        int rc = Posix.fallocate(fd, length);
        if (rc == 0) {
            return;
        }
        if (rc == Errno.ENOSPC) {
            long free = -1;
            try {
                free = Files.getFileStore(file.getParent()).getUsableSpace();
            } catch (IOException ignored) {
                // the size of the hole is enough to go on
            }
            throw new NoSpaceException("cannot " + verb + " region \"" + name + "\": it needs " + length + " bytes and "
                    + file.getParent() + " has " + (free < 0 ? "less" : free + " bytes") + " free. Free space there"
                    + " ('shmtel ls', 'shmtel rm'), or give it more (in Docker: --shm-size=256m; on a host: mount -o"
                    + " remount,size=1G " + file.getParent() + ")");
        }
        throw new RegionIoException("region \"" + name + "\": posix_fallocate(" + length + " bytes) in "
                + file.getParent() + ": " + Posix.describe(rc));
    }

    /** Why creating (or opening for a takeover) region {@code name}'s file failed, as the exception to throw. */
    static RuntimeException createError(String name, RegionDirectory dir, Path file, PosixException e) {
        Optional<String> unusable = dir.unusable();
        // Not a directory, or one that holds no files (/proc): whatever errno the kernel chose.
        if (unusable.isPresent()) {
            return new RegionNotFoundException("cannot create region \"" + name + "\": " + unusable.get());
        }
        return switch (e.errno()) {
            case Errno.ENOENT, Errno.ENOTDIR -> new RegionNotFoundException("cannot create region \"" + name + "\": "
                    + (Files.isDirectory(dir.path())
                            ? "directory " + dir + " refuses new files (" + e.getMessage() + ")"
                            : "directory " + dir + " does not exist (create it, or set SHMTEL_DIR / --dir)"));
            case Errno.EACCES, Errno.EPERM, Errno.EROFS -> new RegionPermissionException("cannot create region \""
                    + name + "\" in " + dir + ": " + e.getMessage() + " (the writer needs write access to the"
                    + " directory)");
            case Errno.ELOOP -> new RegionPermissionException("region \"" + name + "\": " + file
                    + " is a symbolic link; shmtel never follows links in the region directory: remove it");
            default -> new RegionIoException("cannot create region \"" + name + "\": " + e.getMessage(), e);
        };
    }
}
