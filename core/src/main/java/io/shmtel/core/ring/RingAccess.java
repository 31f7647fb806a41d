package io.shmtel.core.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** The ordered 64-bit accesses of the seqlock protocol; every offset must be 8-aligned. */
final class RingAccess {
    /** Aligned little-endian u64 view of a byte buffer: supports opaque, acquire and release modes. */
    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private RingAccess() {}
}
