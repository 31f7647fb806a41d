package io.shmtel.core.region;

import io.shmtel.core.nativeio.Errno;
import io.shmtel.core.nativeio.Posix;
import io.shmtel.core.nativeio.Posix.FileStat;
import io.shmtel.core.nativeio.Posix.PosixException;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.ProtocolConstants;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

import static io.shmtel.schema.layout.RegionHeaderDescriptor.PAGE_LENGTH;

/**
 * Where a reader opens a region ({@link Region#open}), and the checks every opener of an existing
 * region file makes on its descriptor first (a regular file, its owner, its mode, its size), with
 * the messages a failed open gives. Writers make the same checks when they take a file over.
 */
final class RegionOpening {
    /** How long an opener sleeps between two looks at a region that is still being created. */
    private static final long CREATION_POLL_NS = ProtocolConstants.CREATION_POLL_NS;

    private RegionOpening() {
    }

    /** Opens region {@code name} read-only, waiting (bounded) while it is being created. */
    static Region open(String name, RegionOptions options) {
        RegionDirectory dir = options.regionDirectory();
        Path file = dir.file(name);
        int fd;
        try {
            fd = Posix.openExisting(file.toString(), false);
        } catch (PosixException e) {
            throw openError(name, dir, file, e);
        }
        try {
            FileStat stat = checkFile(name, file, fd, options, true);
            long deadline = System.nanoTime() + options.initTimeout().toNanos();
            while (stat.size() == 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(CREATION_POLL_NS);
                stat = RegionFiles.fstat(name, fd);
            }
            if (stat.size() == 0) {
                throw new RegionNotReadyException("region \"" + name + "\" (" + file + ") is an empty file after "
                        + options.initTimeout().toMillis() + " ms; shmtel writers never leave one (they link complete"
                        + " regions into place): remove it with: shmtel rm " + name);
            }
            if (stat.size() < PAGE_LENGTH) {
                throw new CorruptRegionException("region \"" + name + "\": file is " + stat.size() + " bytes, shorter"
                        + " than one header page (" + PAGE_LENGTH + " bytes)");
            }
            ByteBuffer buffer = RegionFiles.map(name, fd, stat.size(), false);
            while (RegionHeader.versionAcquire(buffer) == 0) {
                if (System.nanoTime() >= deadline) {
                    throw new RegionNotReadyException("region \"" + name + "\" (" + file + ") is still being created"
                            + " after " + options.initTimeout().toMillis() + " ms (format version word is 0); if its"
                            + " writer died while creating it, the next writer replaces it, or remove it with:"
                            + " shmtel rm " + name);
                }
                LockSupport.parkNanos(CREATION_POLL_NS);
            }
            Layout layout = RegionHeader.decode(buffer, name);
            RegionMemory.apply(name, file, buffer, stat.size(), false, options.memory());
            return new Region(name, file, fd, buffer, layout, false, stat);
        } catch (RuntimeException | Error e) { // Error: a fault on a file truncated while it was being opened
            Posix.close(fd);
            throw e;
        }
    }

    /**
     * A read-only descriptor of {@code file}, checked to be a regular file ({@link #checkType}), or
     * -1 when there is no such file.
     */
    static int openReadOnlyIfExists(String name, Path file, RegionOptions options) {
        int fd;
        try {
            fd = Posix.openExisting(file.toString(), false);
        } catch (PosixException e) {
            if (e.errno() == Errno.ENOENT) {
                return -1;
            }
            throw openError(name, options.regionDirectory(), file, e);
        }
        try {
            checkType(name, file, fd);
            return fd;
        } catch (RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
    }

    /**
     * The checks every opener of an existing region file makes on its descriptor before anything
     * else: a regular file ({@link #checkType}), owned by this user unless {@code anyOwner}, not
     * writable by group or others when {@code reader} (see {@link #foreignWriteRefusal}), at most
     * {@link Integer#MAX_VALUE} bytes.
     */
    static FileStat checkFile(String name, Path file, int fd, RegionOptions options, boolean reader) {
        FileStat stat = checkType(name, file, fd);
        int uid = ProcessInfo.currentUid();
        if (stat.uid() != uid && !options.anyOwner()) {
            throw new RegionPermissionException("region \"" + name + "\": " + file + " is owned by uid " + stat.uid()
                    + ", not by this user (uid " + uid + "); open it with anyOwner (CLI: --any-owner) if you trust"
                    + " that user");
        }
        if (reader && (stat.permissions() & RegionFiles.GROUP_OR_OTHERS_WRITE) != 0) {
            throw new RegionPermissionException(foreignWriteRefusal(name, file, stat));
        }
        if (stat.size() > Integer.MAX_VALUE) {
            throw new CorruptRegionException("region \"" + name + "\": file is " + stat.size()
                    + " bytes; regions are at most " + Integer.MAX_VALUE + " bytes");
        }
        return stat;
    }

    /**
     * Why a reader refuses a region file that group or others may write: a process other than its
     * one writer could change what readers read (or forge the writer's lock-free words). Trusting
     * another owner ({@code anyOwner}, {@code --any-owner}) does not lift it: the owner is trusted,
     * not everybody who may write the file.
     */
    static String foreignWriteRefusal(String name, Path file, FileStat stat) {
        return "region \"" + name + "\": " + file + " has mode 0" + Integer.toOctalString(stat.permissions())
                + ": group or others may write it, so another process than its writer could change what readers read;"
                + " refused (--any-owner does not lift this). Fix: chmod go-w " + file + " (its owner), or restart its"
                + " writer (writers create regions 0600, or 0640 for a reader group, and replace a writable one)";
    }

    /**
     * Checks with fstat, first of all, that the descriptor (opened with O_NONBLOCK | O_NOFOLLOW, so
     * the open itself never waits) is a regular file: a FIFO, socket, device or directory planted at
     * a region name is refused before anything reads, locks or maps it.
     */
    private static FileStat checkType(String name, Path file, int fd) {
        FileStat stat = RegionFiles.fstat(name, fd);
        if (!stat.isRegularFile()) {
            throw new RegionPermissionException("region \"" + name + "\": " + file + " is not a regular file ("
                    + stat.typeName() + ", mode 0" + Integer.toOctalString(stat.mode()) + "); shmtel opens only regular"
                    + " files in the region directory: remove it (rm " + file + ")");
        }
        return stat;
    }

    private static RuntimeException openError(String name, RegionDirectory dir, Path file, PosixException e) {
        return switch (e.errno()) {
            case Errno.ENOENT -> Files.isDirectory(dir.path())
                    ? new RegionNotFoundException("region \"" + name + "\" not found: no file " + file
                            + " (is its writer running? 'shmtel ls' lists the regions in " + dir + ")")
                    : new RegionNotFoundException("region \"" + name + "\" not found: directory " + dir
                            + " does not exist (set SHMTEL_DIR or --dir to the writer's directory)");
            case Errno.ELOOP -> new RegionPermissionException("region \"" + name + "\": " + file
                    + " is a symbolic link; shmtel never follows links in the region directory: remove it");
            case Errno.EACCES, Errno.EPERM -> new RegionPermissionException("region \"" + name + "\": permission"
                    + " denied on " + file + " (" + e.getMessage() + "); the writer creates regions with mode 0600 by"
                    + " default: let it use a wider mode (e.g. 0640 with a shared group) or run as its user");
            case Errno.ENOTDIR -> new RegionNotFoundException("region \"" + name + "\": " + dir
                    + " is not a directory");
            default -> RegionFiles.ioError(name, e);
        };
    }
}
