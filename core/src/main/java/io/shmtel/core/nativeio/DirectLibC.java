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
}
