package io.shmtel.core.nativeio;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * Linux futexes and {@code membarrier}, the two system calls behind wake-on-publish, through JNA
 * direct mapping of {@code syscall(2)} with plain {@code long} arguments: no boxing, no proxy, no
 * exception on the expected failures (a timeout, a word that changed), so a sleeping subscriber
 * allocates nothing. Words are 32 bits, in shared mappings (no {@code FUTEX_PRIVATE_FLAG}), so
 * that the kernel keys them by file and offset and a wake in one process reaches sleepers in others.
 *
 * <p>Addresses are raw native addresses ({@link #address(ByteBuffer)} of a mapping plus an offset).
 */
public final class Futex {
    private static final long SYS_FUTEX = Platform.isARM() ? 98 : 202;
    private static final long SYS_MEMBARRIER = Platform.isARM() ? 283 : 324;
    private static final long SYS_FUTEX_WAITV = 449; // the same number on x86-64 and aarch64 (Linux 5.16)
    private static final long SYS_KILL = Platform.isARM() ? 129 : 62;

    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final int FUTEX2_SIZE_U32 = 0x02;
    private static final int CLOCK_MONOTONIC = 1;
    private static final int MEMBARRIER_CMD_QUERY = 0;
    private static final int MEMBARRIER_CMD_GLOBAL_EXPEDITED = 1 << 1;
    private static final int MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED = 1 << 2;

    /** Bytes of one {@code struct futex_waitv}: u64 val, u64 uaddr, u32 flags, u32 reserved. */
    public static final int WAITV_LENGTH = 24;

    /** Whether {@code futex_waitv} (several words in one wait) exists on this kernel (Linux 5.16+). */
    public static final boolean WAITV_AVAILABLE;
    /** Whether {@code MEMBARRIER_CMD_GLOBAL_EXPEDITED} exists on this kernel (Linux 4.16+). */
    public static final boolean GLOBAL_EXPEDITED_AVAILABLE;

    static {
        long query = DirectLibC.syscall(SYS_MEMBARRIER, MEMBARRIER_CMD_QUERY, 0, 0, 0, 0, 0);
        GLOBAL_EXPEDITED_AVAILABLE = query >= 0 && (query & MEMBARRIER_CMD_GLOBAL_EXPEDITED) != 0
                && (query & MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED) != 0
                && !Boolean.getBoolean("shmtel.wake.noMembarrier");
        // A zero-length wait set is refused with EINVAL by a kernel that has the call, ENOSYS by one that has not.
        long probe = DirectLibC.syscall(SYS_FUTEX_WAITV, 0, 0, 0, 0, CLOCK_MONOTONIC, 0);
        WAITV_AVAILABLE = !(probe < 0 && Native.getLastError() == Errno.ENOSYS)
                && !Boolean.getBoolean("shmtel.wake.noWaitv");
    }

    private Futex() {}

    /** The native address of a direct buffer's first byte (once per mapping: it allocates a Pointer). */
    public static long address(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            return 0;
        }
        return Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
    }

    /** Native memory for one timespec or one waitv array, owned by the caller for its whole life. */
    public static Memory allocate(int bytes) {
        Memory m = new Memory(bytes);
        m.clear();
        return m;
    }

    /**
     * Sleeps while the 32-bit word at {@code address} equals {@code expected}, at most
     * {@code timeoutNs} (relative, CLOCK_MONOTONIC); {@code timespec} is 16 bytes from {@link #allocate}.
     * Returns 0 when woken, else the errno: {@code EAGAIN} (the word differed), {@code ETIMEDOUT}, {@code EINTR}.
     */
    public static int await(long address, int expected, long timeoutNs, Memory timespec) {
        writeTimespec(timespec, timeoutNs);
        long r = DirectLibC.syscall(SYS_FUTEX, address, FUTEX_WAIT, expected & 0xFFFF_FFFFL,
                Pointer.nativeValue(timespec), 0, 0);
        return r < 0 ? Native.getLastError() : 0;
    }

    /** Fills entry {@code index} of a {@code futex_waitv} array (from {@link #allocate}). */
    public static void setWaitv(Memory waitv, int index, long address, int expected) {
        long entry = (long) index * WAITV_LENGTH;
        waitv.setLong(entry, expected & 0xFFFF_FFFFL);
        waitv.setLong(entry + 8, address);
        waitv.setInt(entry + 16, FUTEX2_SIZE_U32);
        waitv.setInt(entry + 20, 0);
    }

    /**
     * Sleeps until one of the first {@code count} words in {@code waitv} differs from its expected
     * value or is woken, or until {@code deadlineNs} (absolute CLOCK_MONOTONIC, the clock of
     * {@link System#nanoTime()} on Linux). Returns the index woken (&gt;= 0), or minus the errno.
     */
    public static int awaitAny(Memory waitv, int count, long deadlineNs, Memory timespec) {
        writeTimespec(timespec, deadlineNs);
        long r = DirectLibC.syscall(SYS_FUTEX_WAITV, Pointer.nativeValue(waitv), count, 0,
                Pointer.nativeValue(timespec), CLOCK_MONOTONIC, 0);
        return r < 0 ? -Native.getLastError() : (int) r;
    }

    /** Wakes every sleeper on the word at {@code address}; returns how many there were. */
    public static int wakeAll(long address) {
        long r = DirectLibC.syscall(SYS_FUTEX, address, FUTEX_WAKE, Integer.MAX_VALUE, 0, 0, 0);
        return r < 0 ? 0 : (int) r;
    }

    /**
     * Registers this process for {@link #globalBarrier()}: from then on a barrier issued by any
     * process runs a full memory barrier on every CPU that runs one of this process's threads.
     * Returns false when the kernel refuses (old kernel, seccomp).
     */
    public static boolean registerForGlobalBarrier() {
        return GLOBAL_EXPEDITED_AVAILABLE
                && DirectLibC.syscall(SYS_MEMBARRIER, MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0, 0, 0, 0) == 0;
    }

    /** A full memory barrier on every CPU running a thread of a registered process; false when refused. */
    public static boolean globalBarrier() {
        return DirectLibC.syscall(SYS_MEMBARRIER, MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, 0, 0, 0, 0) == 0;
    }

    /** Whether a process with this pid exists (signal 0); a process of another user counts as existing. */
    public static boolean processExists(int pid) {
        if (pid <= 0) {
            return false;
        }
        long r = DirectLibC.syscall(SYS_KILL, pid, 0, 0, 0, 0, 0);
        return r == 0 || Native.getLastError() != Errno.ESRCH;
    }

    private static void writeTimespec(Memory timespec, long ns) {
        long clamped = Math.max(0, ns);
        timespec.setLong(0, clamped / 1_000_000_000L);
        timespec.setLong(8, clamped % 1_000_000_000L);
    }
}
