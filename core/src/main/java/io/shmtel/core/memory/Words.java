package io.shmtel.core.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one home of the little-endian 32- and 64-bit word accesses of shared memory: static methods
 * over a {@link ByteBuffer} and a byte offset, each named for its memory ordering (in the manner of
 * JCTools' {@code UnsafeRefArrayAccess}), so that a reader of the protocol code sees the ordering at
 * each call. Little-endian whatever the buffer's own byte order, as the region format requires.
 *
 * <p>Offsets are in bytes from the buffer's start and must be aligned to the word's size for every
 * ordering but plain (the VarHandle throws {@link IllegalStateException} otherwise); direct buffers
 * only for the atomic orderings (JDK 25 refuses them on heap buffers). Each VarHandle is declared here
 * once; the methods are small enough for the JIT to inline into the hot paths, where they cost what
 * the VarHandle call they wrap costs.
 */
public final class Words {
    /** Aligned little-endian u32 view of a byte buffer. */
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** Aligned little-endian u64 view of a byte buffer. */
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        preloadSignatureClass("jdk.internal.misc.ScopedMemoryAccess$Scope");
    }

    private Words() {}

    /**
     * Loads a JDK class that the buffer accessors name in their signatures. On JDK 17, C2 does not inline a method
     * whose signature names a class not loaded yet ("unloaded signature classes" in {@code -XX:+PrintInlining}):
     * {@code Buffer.scope()} and the buffer VarHandles' {@code scope(ByteBuffer)} return
     * {@code ScopedMemoryAccess$Scope}, which nothing loads until a buffer backed by a memory segment is used. In a
     * JVM where it was not loaded when the hot paths were compiled, every word access and every bulk copy of a
     * publish or read compiled to calls: readLatest64 measured 23.5 ns against 10.6 ns in the same jar, depending
     * only on the order in which the JVM had happened to load classes. Loading it does not initialise it.
     */
    private static void preloadSignatureClass(String name) {
        try {
            Class.forName(name, false, null);
        } catch (ClassNotFoundException e) {
            // another JDK, whose accessors do not name it: nothing to load
        }
    }

    // 64-bit words

    /** Plain load: no ordering; the JIT may reorder it or hoist it out of a loop. */
    public static long getLongPlain(ByteBuffer buffer, int offset) {
        return (long) LONG.get(buffer, offset);
    }

    /** Plain store: no ordering. */
    public static void putLongPlain(ByteBuffer buffer, int offset, long value) {
        LONG.set(buffer, offset, value);
    }

    /** Opaque load: atomic, never hoisted out of a loop, no ordering with other words. */
    public static long getLongOpaque(ByteBuffer buffer, int offset) {
        return (long) LONG.getOpaque(buffer, offset);
    }

    /** Opaque store: atomic and eventually visible, no ordering with other words. */
    public static void putLongOpaque(ByteBuffer buffer, int offset, long value) {
        LONG.setOpaque(buffer, offset, value);
    }

    /** Acquire load: later loads and stores are not moved before it. */
    public static long getLongAcquire(ByteBuffer buffer, int offset) {
        return (long) LONG.getAcquire(buffer, offset);
    }

    /** Release store: earlier loads and stores are not moved after it. */
    public static void putLongRelease(ByteBuffer buffer, int offset, long value) {
        LONG.setRelease(buffer, offset, value);
    }

    /** Volatile load: sequentially consistent with every other volatile access. */
    public static long getLongVolatile(ByteBuffer buffer, int offset) {
        return (long) LONG.getVolatile(buffer, offset);
    }

    /** Volatile store: sequentially consistent with every other volatile access. */
    public static void putLongVolatile(ByteBuffer buffer, int offset, long value) {
        LONG.setVolatile(buffer, offset, value);
    }

    /** Compare-and-set, volatile: stores {@code next} only when the word is {@code expected}; true when it did. */
    public static boolean compareAndSetLong(ByteBuffer buffer, int offset, long expected, long next) {
        return LONG.compareAndSet(buffer, offset, expected, next);
    }

    /** Atomic add, volatile; returns the value before the add. */
    public static long getAndAddLong(ByteBuffer buffer, int offset, long delta) {
        return (long) LONG.getAndAdd(buffer, offset, delta);
    }

    // 32-bit words

    /** Plain load: no ordering. */
    public static int getIntPlain(ByteBuffer buffer, int offset) {
        return (int) INT.get(buffer, offset);
    }

    /** Plain store: no ordering. */
    public static void putIntPlain(ByteBuffer buffer, int offset, int value) {
        INT.set(buffer, offset, value);
    }

    /** Opaque load: atomic, never hoisted out of a loop, no ordering with other words. */
    public static int getIntOpaque(ByteBuffer buffer, int offset) {
        return (int) INT.getOpaque(buffer, offset);
    }

    /** Opaque store: atomic and eventually visible, no ordering with other words. */
    public static void putIntOpaque(ByteBuffer buffer, int offset, int value) {
        INT.setOpaque(buffer, offset, value);
    }

    /** Acquire load: later loads and stores are not moved before it. */
    public static int getIntAcquire(ByteBuffer buffer, int offset) {
        return (int) INT.getAcquire(buffer, offset);
    }

    /** Release store: earlier loads and stores are not moved after it. */
    public static void putIntRelease(ByteBuffer buffer, int offset, int value) {
        INT.setRelease(buffer, offset, value);
    }

    /** Volatile load: sequentially consistent with every other volatile access. */
    public static int getIntVolatile(ByteBuffer buffer, int offset) {
        return (int) INT.getVolatile(buffer, offset);
    }

    /** Volatile store: sequentially consistent with every other volatile access. */
    public static void putIntVolatile(ByteBuffer buffer, int offset, int value) {
        INT.setVolatile(buffer, offset, value);
    }

    /** Compare-and-set, volatile: stores {@code next} only when the word is {@code expected}; true when it did. */
    public static boolean compareAndSetInt(ByteBuffer buffer, int offset, int expected, int next) {
        return INT.compareAndSet(buffer, offset, expected, next);
    }

    /** Atomic add, volatile; returns the value before the add. */
    public static int getAndAddInt(ByteBuffer buffer, int offset, int delta) {
        return (int) INT.getAndAdd(buffer, offset, delta);
    }

    /** Atomic bitwise or, volatile (a locked instruction on x86: a full barrier); returns the value before. */
    public static int getAndBitwiseOrInt(ByteBuffer buffer, int offset, int bits) {
        return (int) INT.getAndBitwiseOr(buffer, offset, bits);
    }

    /** Atomic bitwise and, volatile (a locked instruction on x86: a full barrier); returns the value before. */
    public static int getAndBitwiseAndInt(ByteBuffer buffer, int offset, int bits) {
        return (int) INT.getAndBitwiseAnd(buffer, offset, bits);
    }
}
