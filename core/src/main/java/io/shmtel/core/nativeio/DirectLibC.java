package io.shmtel.core.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * libc calls made on repeating paths, through JNA direct mapping: no argument boxing, no proxy,
 * so a subscriber's liveness check (one per heartbeat period, for ever) allocates nothing.
 */
final class DirectLibC {
    static {
        Native.register("c");
    }

    private DirectLibC() {}

    static native int fcntl(int fd, int cmd, Pointer flock) throws LastErrorException;

    /**
     * {@code syscall(2)} with six integer arguments (the unused ones 0): errors come back as -1 with
     * errno in {@link Native#getLastError()}, never as an exception, for calls whose failures are expected.
     */
    static native long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);
}
