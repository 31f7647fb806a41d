package io.shmtel.core.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * Scheduling calls on the calling thread: CPU affinity ({@code sched_setaffinity}), policy and real-time
 * priority ({@code sched_setscheduler}), nice value ({@code setpriority} on the thread's id), {@code mlockall},
 * and the limits that decide whether they are allowed ({@code RLIMIT_RTPRIO}, {@code RLIMIT_NICE},
 * {@code CAP_SYS_NICE}). The setters return 0 or the errno; callers turn errors into messages
 * ({@code io.shmtel.core.placement.ThreadPlacement}). Not on hot paths.
 */
public final class SchedCalls {
    /** Bits in a {@code cpu_set_t} (glibc's CPU_SETSIZE): the highest CPU number a mask can name, plus one. */
    public static final int CPU_SETSIZE = 1024;
    public static final int SCHED_OTHER = 0;
    public static final int SCHED_FIFO = 1;
    public static final int SCHED_RR = 2;
    /** A flag {@code sched_getscheduler} may add to the policy; not part of it. */
    private static final int SCHED_RESET_ON_FORK = 0x40000000;
    public static final int MCL_CURRENT = 1;
    public static final int MCL_FUTURE = 2;
    private static final int PRIO_PROCESS = 0;
    private static final int RLIMIT_NICE = 13;
    private static final int RLIMIT_RTPRIO = 14;
    private static final int RLIMIT_SIZE = 16;
    private static final int CAP_SYS_NICE = 23;
    private static final int CAPABILITY_DIGITS = 16;
    /** The calling thread, for the sched_* calls. */
    private static final int SELF = 0;
    private static final long SYS_GETTID = Platform.isARM() ? 178 : 186;
    /** RLIM_INFINITY, reported as {@link Long#MAX_VALUE}. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private SchedCalls() {}

    private static long[] mask(BitSet cpus) {
        long[] mask = new long[CPU_SETSIZE / Long.SIZE];
        long[] words = cpus.toLongArray();
        System.arraycopy(words, 0, mask, 0, Math.min(words.length, mask.length));
        return mask;
    }

    /** Runs the calling thread only on {@code cpus} (each below {@link #CPU_SETSIZE}); 0 or errno. */
    public static int setAffinity(BitSet cpus) {
        long[] mask = mask(cpus);
        try {
            LibC.INSTANCE.sched_setaffinity(SELF, mask.length * (long) Long.BYTES, mask);
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
    }

    /** The CPUs the calling thread may run on. */
    public static BitSet affinity() {
        return affinity(SELF);
    }

    /**
     * The CPUs thread {@code tid} may run on; the process's id gives its main thread's set, which is the set
     * the process was started with unless the main thread was pinned since.
     */
    public static BitSet affinity(long tid) {
        long[] mask = new long[CPU_SETSIZE / Long.SIZE];
        LibC.INSTANCE.sched_getaffinity((int) tid, mask.length * (long) Long.BYTES, mask);
        return BitSet.valueOf(mask);
    }

    /** Sets the calling thread's policy and real-time priority (0 for {@link #SCHED_OTHER}); 0 or errno. */
    public static int setScheduler(int policy, int priority) {
        try {
            LibC.INSTANCE.sched_setscheduler(SELF, policy, new int[] {priority});
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
    }

    /** The calling thread's policy: {@link #SCHED_OTHER}, {@link #SCHED_FIFO}, {@link #SCHED_RR} or another. */
    public static int scheduler() {
        return LibC.INSTANCE.sched_getscheduler(SELF) & ~SCHED_RESET_ON_FORK;
    }

    /** The calling thread's real-time priority (0 under {@link #SCHED_OTHER}). */
    public static int priority() {
        int[] param = new int[1];
        LibC.INSTANCE.sched_getparam(SELF, param);
        return param[0];
    }

    /** Sets the calling thread's nice value (-20..19); 0 or errno (EACCES or EPERM when lowering is refused). */
    public static int setNice(int nice) {
        try {
            LibC.INSTANCE.setpriority(PRIO_PROCESS, (int) gettid(), nice);
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
    }

    /** The calling thread's nice value. */
    public static int nice() {
        return LibC.INSTANCE.getpriority(PRIO_PROCESS, (int) gettid());
    }

    /** The calling thread's kernel id (gettid). */
    public static long gettid() {
        return DirectLibC.syscall(SYS_GETTID, 0, 0, 0, 0, 0, 0);
    }

    /** Locks every page of the process in RAM, now and future ({@code mlockall}); 0 or errno. */
    public static int lockAllMemory() {
        try {
            LibC.INSTANCE.mlockall(MCL_CURRENT | MCL_FUTURE);
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
    }

    /** The soft and hard {@code RLIMIT_RTPRIO}: the highest real-time priority allowed without CAP_SYS_NICE. */
    public static long[] rtprioLimit() {
        return limit(RLIMIT_RTPRIO);
    }

    /** The soft and hard {@code RLIMIT_NICE}: a thread may lower its nice value to {@code 20 - soft}. */
    public static long[] niceLimit() {
        return limit(RLIMIT_NICE);
    }

    private static long[] limit(int resource) {
        try (Memory limits = new Memory(RLIMIT_SIZE)) {
            LibC.INSTANCE.getrlimit(resource, limits);
            long soft = limits.getLong(0);
            long hard = limits.getLong(Long.BYTES);
            return new long[] {soft == -1 ? UNLIMITED : soft, hard == -1 ? UNLIMITED : hard};
        }
    }

    /**
     * Whether the calling thread has {@code CAP_SYS_NICE} in its effective set (capabilities are per thread:
     * read from /proc/thread-self/status); false when it cannot tell.
     */
    public static boolean hasCapSysNice() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), CAPABILITY_DIGITS);
                    return (caps & (1L << CAP_SYS_NICE)) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** The text of an error number, for messages: "Operation not permitted (errno 1)". */
    public static String describe(int errno) {
        return Posix.describe(errno);
    }
}
