package io.shmtel.core.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory calls on a region's mapping: {@code mlock}, {@code madvise} (hints, huge pages,
 * populating), {@code msync}, and the {@code RLIMIT_MEMLOCK} limit. Each returns 0 or the errno;
 * callers turn errors into messages. Not on hot paths.
 */
public final class MemoryCalls {
    public static final int MADV_NORMAL = 0;
    public static final int MADV_RANDOM = 1;
    public static final int MADV_SEQUENTIAL = 2;
    public static final int MADV_WILLNEED = 3;
    public static final int MADV_HUGEPAGE = 14;
    public static final int MADV_POPULATE_READ = 22;
    public static final int MADV_POPULATE_WRITE = 23;
    public static final int MS_SYNC = 4;
    private static final int RLIMIT_MEMLOCK = 8;
    /** RLIM_INFINITY, reported as {@link Long#MAX_VALUE}. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private MemoryCalls() {}

    private static Pointer at(ByteBuffer mapping, long offset) {
        return new Pointer(Pointer.nativeValue(Native.getDirectBufferPointer(mapping)) + offset);
    }

    /** Locks {@code [0, length)} of the mapping in RAM (faulting every page in); 0 or errno. */
    public static int mlock(ByteBuffer mapping, long length) {
        try {
            LibC.INSTANCE.mlock(at(mapping, 0), length);
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
    }

    /** {@code madvise} on {@code [0, length)} of the mapping; 0 or errno. */
    public static int madvise(ByteBuffer mapping, long length, int advice) {
        try {
            LibC.INSTANCE.madvise(at(mapping, 0), length, advice);
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
    }

    /** {@code msync} on {@code [offset, offset + length)} (offset a page multiple); 0 or errno. */
    public static int msync(ByteBuffer mapping, long offset, long length, int flags) {
        try {
            LibC.INSTANCE.msync(at(mapping, offset), length, flags);
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
    }

    /** The soft and hard {@code RLIMIT_MEMLOCK} of this process, in bytes ({@link #UNLIMITED} for none). */
    public static long[] memlockLimit() {
        Memory limits = new Memory(16);
        LibC.INSTANCE.getrlimit(RLIMIT_MEMLOCK, limits);
        long soft = limits.getLong(0);
        long hard = limits.getLong(8);
        return new long[] {soft == -1 ? UNLIMITED : soft, hard == -1 ? UNLIMITED : hard};
    }

    /** Bytes this process has locked now ({@code VmLck} of /proc/self/status), -1 when unknown. */
    public static long lockedBytes() {
        return statusKb("VmLck:");
    }

    /** Whether this process may lock memory beyond its limit ({@code CAP_IPC_LOCK} in its effective set). */
    public static boolean canLockBeyondLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << 14)) != 0; // CAP_IPC_LOCK
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    private static long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** A byte count for messages: "64 KiB", "unlimited". */
    public static String bytes(long n) {
        if (n == UNLIMITED) {
            return "unlimited";
        }
        if (n >= 1 << 30 && n % (1 << 30) == 0) {
            return (n >> 30) + " GiB";
        }
        if (n >= 1 << 20 && n % (1 << 20) == 0) {
            return (n >> 20) + " MiB";
        }
        if (n >= 1024 && n % 1024 == 0) {
            return (n >> 10) + " KiB";
        }
        return n + " bytes";
    }
}
