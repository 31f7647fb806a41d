package io.shmtel.core.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The native calls of shmtel, through JNA: open without following links, statx on a descriptor,
 * posix_fallocate, fchmod, and open-file-description locks. Linux on x86-64 and aarch64 only;
 * the constants below differ on other architectures.
 */
public final class Posix {

    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_NOFOLLOW;
    /** The same on x86-64 and aarch64: an open that never waits (a FIFO without a writer, a device). */
    static final int O_NONBLOCK = 04000;
    /** Never makes a terminal planted at a region name the caller's controlling terminal. */
    static final int O_NOCTTY = 0400;
    /** __O_TMPFILE | O_DIRECTORY: an unnamed file in a directory, linked into place once complete. */
    static final int O_TMPFILE;
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_FOLLOW = 0x400;
    static final int SIGKILL = 9;
    static final int SIGCONT = 18;
    static final int SIGSTOP = 19;
    static final int O_CLOEXEC = 02000000;

    static final int F_OFD_GETLK = 36;
    static final int F_OFD_SETLK = 37;
    static final short F_RDLCK = 0;
    static final short F_WRLCK = 1;
    static final short F_UNLCK = 2;
    /** struct flock on 64-bit Linux: l_type, l_whence (shorts), l_start, l_len (off_t), l_pid. */
    static final int FLOCK_SIZE = 32;
    static final int FLOCK_TYPE = 0;
    static final int FLOCK_WHENCE = 2;
    static final int FLOCK_START = 8;
    static final int FLOCK_LEN = 16;
    static final int FLOCK_PID = 24;

    static final int AT_EMPTY_PATH = 0x1000;
    static final int STATX_BASIC_STATS = 0x7ff;
    /** struct statx is the same on every architecture. */
    static final int STATX_SIZE = 256;
    static final int STATX_UID = 20;
    static final int STATX_MODE = 28;
    static final int STATX_INO = 32;
    static final int STATX_SIZE_FIELD = 40;
    static final int STATX_DEV_MAJOR = 136;
    static final int STATX_DEV_MINOR = 140;
    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFIFO = 0010000;
    static final int S_IFCHR = 0020000;
    static final int S_IFDIR = 0040000;
    static final int S_IFBLK = 0060000;
    static final int S_IFLNK = 0120000;
    static final int S_IFSOCK = 0140000;

    static {
        if (!Platform.isLinux() || !(Platform.isIntel() || Platform.isARM()) || !Platform.is64Bit()) {
            throw new UnsupportedOperationException("shmtel runs on 64-bit Linux (x86-64, aarch64); this is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
        O_NOFOLLOW = Platform.isARM() ? 0100000 : 0400000;
        O_TMPFILE = 020000000 | (Platform.isARM() ? 040000 : 0200000);
    }

    private Posix() {}

    /** A failed system call: the call, the path or descriptor, and errno. */
    public static final class PosixException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int errno;

        PosixException(String call, String subject, int errno) {
            super(call + "(" + subject + "): " + describe(errno));
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }

    /** What a file descriptor refers to (statx). */
    public record FileStat(int mode, int uid, long size, long inode, long device) {
        public boolean isRegularFile() {
            return (mode & S_IFMT) == S_IFREG;
        }

        public int permissions() {
            return mode & 07777;
        }

        /** What kind of file this is, in words: "a regular file", "a FIFO", "a directory", ... */
        public String typeName() {
            return switch (mode & S_IFMT) {
                case S_IFREG -> "a regular file";
                case S_IFIFO -> "a FIFO";
                case S_IFCHR -> "a character device";
                case S_IFDIR -> "a directory";
                case S_IFBLK -> "a block device";
                case S_IFLNK -> "a symbolic link";
                case S_IFSOCK -> "a socket";
                default -> "a file of type 0" + Integer.toOctalString(mode & S_IFMT);
            };
        }
    }

    public static String describe(int errno) {
        String text;
        try {
            text = LibC.INSTANCE.strerror(errno);
        } catch (RuntimeException e) {
            text = null;
        }
        return (text == null ? "error" : text) + " (errno " + errno + ")";
    }

    /**
     * Opens an existing file without following a final symbolic link, read-only or read-write, and
     * without ever waiting: O_NONBLOCK, so that a FIFO (or a device) planted at a region name opens at
     * once instead of blocking until somebody writes to it; the caller checks with {@link #fstat} that
     * it is a regular file before anything else (O_NONBLOCK changes nothing for regular files).
     */
    public static int openExisting(String path, boolean writable) throws PosixException {
        return open(path, (writable ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
    }

    /** Creates a new file exclusively (never an existing one, never through a link) with {@code mode}. */
    public static int createExclusive(String path, int mode) throws PosixException {
        return open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    }

    /**
     * Creates an unnamed regular file in {@code directory} (O_TMPFILE) with {@code mode}, or returns
     * -1 when the file system cannot (then the caller falls back to a named file). Link it into place
     * with {@link #linkNew} once complete: until then nobody can open it, and a crash leaves nothing.
     */
    public static int createUnnamed(String directory, int mode) throws PosixException {
        try {
            return LibC.INSTANCE.open(directory, O_RDWR | O_TMPFILE | O_CLOEXEC, mode);
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            if (errno == Errno.EOPNOTSUPP || errno == Errno.EISDIR || errno == Errno.EINVAL) {
                return -1;
            }
            throw new PosixException("open(O_TMPFILE)", directory, errno);
        }
    }

    /**
     * Gives the file open as {@code fd} the name {@code path}, atomically, never replacing an
     * existing one: false when {@code path} exists (EEXIST).
     */
    public static boolean linkNew(int fd, String path) throws PosixException {
        try {
            LibC.INSTANCE.linkat(AT_FDCWD, "/proc/self/fd/" + fd, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EEXIST) {
                return false;
            }
            throw new PosixException("linkat", path, e.getErrorCode());
        }
    }

    /**
     * Removes the name {@code path} (never through a final link: unlink removes the link itself);
     * false when there was none.
     */
    public static boolean unlink(String path) throws PosixException {
        try {
            LibC.INSTANCE.unlink(path);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.ENOENT) {
                return false;
            }
            throw new PosixException("unlink", path, e.getErrorCode());
        }
    }

    /** SIGKILL to this very process: the abrupt death of the fault-injection tests (no shutdown hooks). */
    public static void killSelf() {
        LibC.INSTANCE.kill((int) ProcessHandle.current().pid(), SIGKILL);
    }

    /**
     * SIGSTOP to this very process, raised in the calling thread so that it stops before its next
     * step: a stall of the fault-injection tests, until {@link #resume} (SIGCONT).
     */
    public static void stopSelf() {
        LibC.INSTANCE.raise(SIGSTOP);
    }

    /** SIGCONT to process {@code pid} (one this user may signal): resumes a process {@link #stopSelf stopped}. */
    public static void resume(long pid) throws PosixException {
        try {
            LibC.INSTANCE.kill((int) pid, SIGCONT);
        } catch (LastErrorException e) {
            throw new PosixException("kill(SIGCONT)", Long.toString(pid), e.getErrorCode());
        }
    }

    private static int open(String path, int flags, int mode) throws PosixException {
        try {
            return LibC.INSTANCE.open(path, flags, mode);
        } catch (LastErrorException e) {
            throw new PosixException("open", path, e.getErrorCode());
        }
    }

    public static void close(int fd) {
        try {
            LibC.INSTANCE.close(fd);
        } catch (LastErrorException ignored) {
            // nothing useful to do: the descriptor is gone either way
        }
    }

    public static void fchmod(int fd, int mode) throws PosixException {
        try {
            LibC.INSTANCE.fchmod(fd, mode);
        } catch (LastErrorException e) {
            throw new PosixException("fchmod", "fd " + fd, e.getErrorCode());
        }
    }

    /** Reserves {@code length} bytes; returns 0 or the error number (ENOSPC when the file system is full). */
    public static int fallocate(int fd, long length) {
        return LibC.INSTANCE.posix_fallocate(fd, 0, length);
    }

    public static FileStat fstat(int fd) throws PosixException {
        try (Memory buf = new Memory(STATX_SIZE)) {
            buf.clear();
            try {
                LibC.INSTANCE.statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, buf);
            } catch (LastErrorException e) {
                throw new PosixException("statx", "fd " + fd, e.getErrorCode());
            }
            long device = ((long) buf.getInt(STATX_DEV_MAJOR) << 32) | (buf.getInt(STATX_DEV_MINOR) & 0xFFFF_FFFFL);
            return new FileStat(buf.getShort(STATX_MODE) & 0xFFFF, buf.getInt(STATX_UID), buf.getLong(STATX_SIZE_FIELD),
                    buf.getLong(STATX_INO), device);
        }
    }

    private static final long SYS_STATX = Platform.isARM() ? 291 : 332;
    private static final int STATX_SIZE_MASK = 0x200;
    /** The empty path statx needs with AT_EMPTY_PATH, in native memory once (never written). */
    private static final Memory EMPTY_PATH = new Memory(1);

    static {
        EMPTY_PATH.setByte(0, (byte) 0);
    }

    /** A struct statx buffer for {@link #fileSize(int, Memory)}: a periodic size check then allocates nothing. */
    public static Memory statxBuffer() {
        return new Memory(STATX_SIZE);
    }

    /**
     * The size of the file open as {@code fd}, in bytes (statx through a direct syscall into the
     * caller's buffer from {@link #statxBuffer()}: no allocation); {@code -errno} when the call fails.
     * Not thread-safe per buffer.
     */
    public static long fileSize(int fd, Memory statx) {
        long r = DirectLibC.syscall(SYS_STATX, fd, Pointer.nativeValue(EMPTY_PATH), AT_EMPTY_PATH, STATX_SIZE_MASK,
                Pointer.nativeValue(statx), 0);
        if (r < 0) {
            return -Math.max(1, Native.getLastError());
        }
        return statx.getLong(STATX_SIZE_FIELD);
    }

    /**
     * Takes an exclusive open-file-description lock on the whole file without waiting. Returns
     * false when another open file description (in any process, this one included) holds a lock.
     * The lock lives as long as the descriptor: the kernel drops it when the owner process dies.
     */
    public static boolean tryLockExclusive(int fd) throws PosixException {
        return trySetLock(fd, F_WRLCK);
    }

    /**
     * Takes a shared open-file-description lock on the whole file without waiting (read-only
     * descriptors may take it). It keeps writers from taking the file over while it is held: the
     * removers ({@code gc}, {@code rm}) hold it while they unlink. False when a writer holds the file.
     */
    public static boolean tryLockShared(int fd) throws PosixException {
        return trySetLock(fd, F_RDLCK);
    }

    private static boolean trySetLock(int fd, short type) throws PosixException {
        try (Memory flock = flock(type)) {
            try {
                LibC.INSTANCE.fcntl(fd, F_OFD_SETLK, flock);
                return true;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Errno.EAGAIN || e.getErrorCode() == Errno.EACCES) {
                    return false;
                }
                throw new PosixException("fcntl(F_OFD_SETLK)", "fd " + fd, e.getErrorCode());
            }
        }
    }

    /** True when some other open file description holds a write lock on the file (F_OFD_GETLK). */
    public static boolean isWriteLocked(int fd) throws PosixException {
        return conflictingLock(fd, F_RDLCK) != F_UNLCK;
    }

    /**
     * A struct flock buffer for {@link #isWriteLocked(int, Memory)}, so that liveness checks (a
     * subscriber makes one per heartbeat period, for ever) allocate nothing. Not thread-safe.
     */
    public static Memory lockQueryBuffer() {
        return new Memory(FLOCK_SIZE);
    }

    /** {@link #isWriteLocked(int)} with a caller's buffer from {@link #lockQueryBuffer()}: no allocation. */
    public static boolean isWriteLocked(int fd, Memory flock) throws PosixException {
        flock.clear();
        flock.setShort(FLOCK_TYPE, F_RDLCK);
        flock.setShort(FLOCK_WHENCE, (short) 0);
        try {
            DirectLibC.fcntl(fd, F_OFD_GETLK, flock);
        } catch (LastErrorException e) {
            throw new PosixException("fcntl(F_OFD_GETLK)", "fd " + fd, e.getErrorCode());
        }
        return flock.getShort(FLOCK_TYPE) != F_UNLCK;
    }

    /**
     * True when another open file description holds an exclusive lock (a writer's); false when
     * the only lock is shared (a remover at work) or when the lock has just been released.
     */
    public static boolean isExclusiveLockHeld(int fd) throws PosixException {
        return conflictingLock(fd, F_WRLCK) == F_WRLCK;
    }

    private static short conflictingLock(int fd, short probe) throws PosixException {
        try (Memory flock = flock(probe)) {
            try {
                LibC.INSTANCE.fcntl(fd, F_OFD_GETLK, flock);
            } catch (LastErrorException e) {
                throw new PosixException("fcntl(F_OFD_GETLK)", "fd " + fd, e.getErrorCode());
            }
            return flock.getShort(FLOCK_TYPE);
        }
    }

    private static Memory flock(short type) {
        Memory flock = new Memory(FLOCK_SIZE);
        flock.clear();
        flock.setShort(FLOCK_TYPE, type);
        flock.setShort(FLOCK_WHENCE, (short) 0); // SEEK_SET
        flock.setLong(FLOCK_START, 0);
        flock.setLong(FLOCK_LEN, 0); // to the end of the file, whatever its length
        flock.setInt(FLOCK_PID, 0);   // must be 0 for OFD locks
        return flock;
    }
}
