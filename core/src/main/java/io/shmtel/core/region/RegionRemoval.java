package io.shmtel.core.region;

import io.shmtel.core.nativeio.Errno;
import io.shmtel.core.nativeio.Posix;
import io.shmtel.core.nativeio.Posix.FileStat;
import io.shmtel.core.nativeio.Posix.PosixException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where region files are removed ({@code shmtel rm}, {@code shmtel gc}): {@link Region#removeUnowned}
 * without a window for a writer to take the file over, {@link Region#unlink} whoever holds it, and
 * {@link Region#isWriterLockHeld(String, RegionOptions)}, the lock probe a remover makes first.
 */
final class RegionRemoval {
    private RegionRemoval() {
    }

    /** See {@link Region#isWriterLockHeld(String, RegionOptions)}. */
    static boolean isWriterLockHeld(String name, RegionOptions options) {
        Path file = options.regionDirectory().file(name);
        int fd = RegionOpening.openReadOnlyIfExists(name, file, options);
        if (fd < 0) {
            return false;
        }
        try {
            return Posix.isWriteLocked(fd);
        } catch (PosixException e) {
            throw RegionFiles.ioError(name, e);
        } finally {
            Posix.close(fd);
        }
    }

    /** See {@link Region#removeUnowned}. */
    static boolean removeUnowned(String name, RegionOptions options) {
        Path file = options.regionDirectory().file(name);
        int fd = RegionOpening.openReadOnlyIfExists(name, file, options);
        if (fd < 0) {
            return false;
        }
        try {
            if (!Posix.tryLockShared(fd)) {
                throw new RegionOwnedException("region \"" + name + "\" has a live writer (it holds the region's"
                        + " lock); stop the writer first");
            }
            FileStat stat = Posix.fstat(fd);
            if (!RegionFiles.namesFile(file, stat)) {
                return false; // replaced meanwhile by a new file, which is not the one we looked at
            }
            try {
                return Posix.unlink(file.toString());
            } catch (PosixException e) {
                if (e.errno() == Errno.EPERM || e.errno() == Errno.EACCES) {
                    throw new RegionPermissionException("cannot remove region \"" + name + "\": " + e.getMessage()
                            + "; the file is owned by uid " + stat.uid() + ", and removing it needs write access to "
                            + file.getParent() + " (in a sticky directory such as /dev/shm, only the file's owner or"
                            + " root may remove it)");
                }
                throw new RegionIoException("cannot remove region \"" + name + "\": " + e.getMessage(), e);
            }
        } catch (PosixException e) {
            throw RegionFiles.ioError(name, e);
        } finally {
            Posix.close(fd);
        }
    }

    /** See {@link Region#unlink}. */
    static boolean unlink(String name, RegionOptions options) {
        Path file = options.regionDirectory().file(name);
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new RegionIoException("cannot remove region \"" + name + "\" (" + file + "): " + e, e);
        }
    }
}
