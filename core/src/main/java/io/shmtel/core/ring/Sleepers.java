package io.shmtel.core.ring;

import io.shmtel.core.memory.Words;
import io.shmtel.core.nativeio.Futex;
import io.shmtel.schema.layout.RecordBlockDescriptor;
import java.nio.ByteBuffer;

/**
 * The sleeper words of one record (format 1.1, the block's second cache line): a 32-bit set of
 * sleeper slots in use and one owner pid per slot. A reader that wants to sleep until the writer
 * publishes claims a free slot (pid 0 → its pid), sets the slot's bit, makes its bit visible to the
 * writer (a full barrier on the writer's CPUs: {@link Futex#globalBarrier()}), checks
 * {@code published} once more and sleeps on its low 32 bits; afterwards it clears the bit and frees
 * the slot. The writer loads the bit set after each publish and wakes the word only when a bit is set.
 *
 * <p>A reader killed while asleep leaves its bit set: the writer would then make a system call per
 * publish. Slots whose owner process no longer exists are freed by {@link #healDead}: the writer
 * runs it when its wake calls keep finding nobody to wake, and a reader when every slot is taken.
 */
public final class Sleepers {
    /** Marks a slot whose dead owner is being removed; never a pid. */
    private static final int HEALING = -1;

    private Sleepers() {}

    static int maskOffset(RingGeometry geometry) {
        return geometry.blockOffset() + RecordBlockDescriptor.SLEEPERS_OFFSET;
    }

    private static int pidOffset(RingGeometry geometry, int slot) {
        return geometry.blockOffset() + RecordBlockDescriptor.sleeperPidOffset(slot);
    }

    /** The bit set of slots in use (opaque: the caller orders it). */
    public static int mask(ByteBuffer region, RingGeometry geometry) {
        return Words.getIntOpaque(region, maskOffset(geometry));
    }

    /** The pid owning {@code slot}, 0 when free. */
    public static int owner(ByteBuffer region, RingGeometry geometry, int slot) {
        return Words.getIntOpaque(region, pidOffset(geometry, slot));
    }

    /**
     * Claims a free slot for {@code pid} and sets its bit (a full barrier: a locked instruction),
     * in a writable mapping; returns the slot, or -1 when all {@link RecordBlockDescriptor#SLEEPER_SLOTS} are taken.
     */
    public static int register(ByteBuffer writable, RingGeometry geometry, int pid) {
        for (int attempt = 0; attempt < 2; attempt++) {
            for (int slot = 0; slot < RecordBlockDescriptor.SLEEPER_SLOTS; slot++) {
                int offset = pidOffset(geometry, slot);
                if (Words.getIntOpaque(writable, offset) == 0 && Words.compareAndSetInt(writable, offset, 0, pid)) {
                    Words.getAndBitwiseOrInt(writable, maskOffset(geometry), 1 << slot);
                    return slot;
                }
            }
            if (healDead(writable, geometry) == 0) {
                return -1;
            }
        }
        return -1;
    }

    /** Clears {@code slot}'s bit, then frees the slot. */
    public static void unregister(ByteBuffer writable, RingGeometry geometry, int slot) {
        Words.getAndBitwiseAndInt(writable, maskOffset(geometry), ~(1 << slot));
        // Release: the slot is free only after its bit is clear.
        Words.putIntRelease(writable, pidOffset(geometry, slot), 0);
    }

    /**
     * Frees the slots whose owner process no longer exists (bit first, then pid, under a marker so
     * that two healers never free a slot twice); returns how many. Rare: allocates nothing anyway.
     */
    public static int healDead(ByteBuffer writable, RingGeometry geometry) {
        int healed = 0;
        for (int slot = 0; slot < RecordBlockDescriptor.SLEEPER_SLOTS; slot++) {
            int offset = pidOffset(geometry, slot);
            int pid = Words.getIntOpaque(writable, offset);
            if (pid > 0 && !Futex.processExists(pid) && Words.compareAndSetInt(writable, offset, pid, HEALING)) {
                Words.getAndBitwiseAndInt(writable, maskOffset(geometry), ~(1 << slot));
                // Release: the slot is free only after its bit is clear.
                Words.putIntRelease(writable, offset, 0);
                healed++;
            }
        }
        return healed;
    }
}
