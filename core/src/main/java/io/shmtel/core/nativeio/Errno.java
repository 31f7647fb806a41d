package io.shmtel.core.nativeio;

/**
 * The Linux error numbers shmtel's native calls look at, declared once (x86-64 and aarch64 share
 * the generic numbering for all of these). Callers compare the {@code errno} a call returned, or a
 * {@code LastErrorException}'s code, against them.
 */
public final class Errno {
    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** No such process (kill(pid, 0) on a pid nobody has). */
    public static final int ESRCH = 3;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Try again: a lock held, a futex word that already differed, a resource limit. */
    public static final int EAGAIN = 11;
    /** Out of memory (or, for mlock, over RLIMIT_MEMLOCK). */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** File exists. */
    public static final int EEXIST = 17;
    /** Not a directory. */
    public static final int ENOTDIR = 20;
    /** Is a directory. */
    public static final int EISDIR = 21;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** No space left on device. */
    public static final int ENOSPC = 28;
    /** Read-only file system. */
    public static final int EROFS = 30;
    /** Function not implemented (a system call this kernel lacks). */
    public static final int ENOSYS = 38;
    /** Too many levels of symbolic links (O_NOFOLLOW met a link). */
    public static final int ELOOP = 40;
    /** Operation not supported. */
    public static final int EOPNOTSUPP = 95;
    /** Timed out (a futex wait that ran out of time). */
    public static final int ETIMEDOUT = 110;

    private Errno() {}
}
