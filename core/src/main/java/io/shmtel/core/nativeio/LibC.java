package io.shmtel.core.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The few libc calls shmtel makes; every other class reaches them through {@link Posix}. */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int open(String path, int flags, int mode) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int fchmod(int fd, int mode) throws LastErrorException;

    /** Returns an error number itself (0 on success) rather than setting errno. */
    int posix_fallocate(int fd, long offset, long length);

    int fcntl(int fd, int cmd, Pointer flock) throws LastErrorException;

    int statx(int dirfd, String path, int flags, int mask, Pointer statxbuf) throws LastErrorException;

    int linkat(int olddirfd, String oldpath, int newdirfd, String newpath, int flags) throws LastErrorException;

    int kill(int pid, int sig) throws LastErrorException;

    /**
     * Signals the calling thread (tgkill): delivered before it returns, unlike kill(getpid()), which
     * another thread may take.
     */
    int raise(int sig);

    int unlink(String path) throws LastErrorException;

    String strerror(int errnum);

    int mlock(Pointer address, long length) throws LastErrorException;

    int madvise(Pointer address, long length, int advice) throws LastErrorException;

    int msync(Pointer address, long length, int flags) throws LastErrorException;

    int getrlimit(int resource, Pointer limits) throws LastErrorException;

    int mlockall(int flags) throws LastErrorException;

    /** {@code cpu_set_t} as a {@code long[]}: CPU n is bit n % 64 of word n / 64. */
    int sched_setaffinity(int pid, long cpusetsize, long[] mask) throws LastErrorException;

    int sched_getaffinity(int pid, long cpusetsize, long[] mask) throws LastErrorException;

    /** {@code struct sched_param} as an {@code int[1]}: its one field, {@code sched_priority}. */
    int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;

    int sched_getscheduler(int pid) throws LastErrorException;

    int sched_getparam(int pid, int[] param) throws LastErrorException;

    int setpriority(int which, int who, int prio) throws LastErrorException;

    /** May return -1 as a nice value: errno (not the result) tells an error. */
    int getpriority(int which, int who) throws LastErrorException;
}
