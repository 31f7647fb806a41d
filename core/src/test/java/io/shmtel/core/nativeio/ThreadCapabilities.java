package io.shmtel.core.nativeio;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Test helper: drops a capability from the calling thread's effective set (capget/capset act on one thread), so
 * that a test can meet the refusals an unprivileged process meets without touching the rest of the JVM. The
 * thread should end afterwards.
 */
public final class ThreadCapabilities {
    public static final int CAP_SYS_NICE = 23;
    private static final long SYS_CAPGET = Platform.isARM() ? 90 : 125;
    private static final long SYS_CAPSET = Platform.isARM() ? 91 : 126;
    /** _LINUX_CAPABILITY_VERSION_3: two 32-bit words per set. */
    private static final int VERSION_3 = 0x20080522;
    private static final int HEADER_SIZE = 8;
    /** Two struct __user_cap_data_struct {effective, permitted, inheritable}, 4 bytes each. */
    private static final int DATA_SIZE = 24;
    private static final int DATA_STRIDE = 12;
    private static final int CAPS_PER_WORD = 32;

    private ThreadCapabilities() {}

    /** Clears {@code capability} from the calling thread's effective set; 0 or errno. */
    public static int dropEffective(int capability) {
        try (Memory header = new Memory(HEADER_SIZE); Memory data = new Memory(DATA_SIZE)) {
            header.setInt(0, VERSION_3);
            header.setInt(Integer.BYTES, 0); // the calling thread
            data.clear();
            if (DirectLibC.syscall(SYS_CAPGET, Pointer.nativeValue(header), Pointer.nativeValue(data), 0, 0, 0, 0)
                    < 0) {
                return Native.getLastError();
            }
            long word = (long) (capability / CAPS_PER_WORD) * DATA_STRIDE; // the effective word holding it
            data.setInt(word, data.getInt(word) & ~(1 << (capability % CAPS_PER_WORD)));
            if (DirectLibC.syscall(SYS_CAPSET, Pointer.nativeValue(header), Pointer.nativeValue(data), 0, 0, 0, 0)
                    < 0) {
                return Native.getLastError();
            }
            return 0;
        }
    }
}
