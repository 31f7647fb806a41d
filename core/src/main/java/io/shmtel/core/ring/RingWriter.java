package io.shmtel.core.ring;

import io.shmtel.core.fault.CrashPoint;
import io.shmtel.core.memory.Words;
import io.shmtel.core.nativeio.Futex;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionTruncatedException;
import io.shmtel.core.view.SampleSink;
import io.shmtel.schema.layout.SlotDescriptor;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The writer side of one record's seqlock ring. Sample {@code k} goes to slot {@code k mod depth}:
 *
 * <pre>
 *   seq.setOpaque(2k+1); storeStoreFence; timestamp, payload (plain); seq.setRelease(2k+2);
 *   published.setRelease(k+1)
 * </pre>
 *
 * A writer killed between the first and last step leaves slot {@code k} marked busy and sample
 * {@code k-1}, in another slot, readable; the next writer resumes past {@code k}
 * ({@link #resumeIndex}), and stream readers count {@code k} lost. One writer per ring: not thread-safe.
 *
 * <p>Wake-on-publish: after the last store the writer loads the record's sleeper bits
 * ({@link Sleepers}) and, only when one is set, wakes the futex word (the low half of
 * {@code published}). The load needs no fence of its own: this process registered for
 * {@code membarrier}, and a reader issues the global barrier between setting its bit and its last
 * look at {@code published}, so either the writer sees the bit or the reader sees the sample
 * (where the kernel refuses the registration, the writer issues a full fence instead).
 */
public final class RingWriter implements SampleSink {
    /** Wake calls that found nobody in a row before the writer looks for sleepers that died asleep. */
    private static final int FRUITLESS_WAKES_BEFORE_HEAL = 64;
    private static final long HEAL_PERIOD_NS = 100_000_000L;

    private final ByteBuffer buffer;
    private final RingGeometry geometry;
    /** The region the buffer maps, to tell a truncated file's fault from others; null for a bare buffer. */
    private final Region region;
    private final int sleepersOffset;
    private final long publishedAddress;
    // The geometry's words the hot path uses, copied here: one load from this object instead of two in a row.
    private final int publishedOffset;
    /** Offset of slot 0 in the buffer. */
    private final int slotsOffset;
    /** depth - 1: a sample's slot is its index masked. */
    private final int slotMask;
    private final int slotLength;
    private final int payloadLength;
    private long nextSampleIndex;
    /**
     * Written by the thread that closes the publisher (any thread: {@code Publisher.close}, its
     * shutdown hook), read by the publishing thread at each publish: volatile, so that the read is
     * never hoisted out of a publishing loop and the loop stops at its next publish. A publish that
     * already passed the check when the close came still completes.
     */
    private volatile boolean closed;
    private long wakeCalls;
    private long healed;
    private int fruitlessWakes;
    private long nextHealNs;

    /**
     * Writes into {@code region}, numbering on from its {@code published} count: for a fresh ring,
     * and for a mailbox's slot, whose sender settles the next message index from its handshake word.
     * A writer that takes over a ring a previous writer may have died in uses
     * {@code new RingWriter(region, geometry, resumeIndex(region, geometry))} ({@code Publisher.sink} does).
     */
    public RingWriter(ByteBuffer region, RingGeometry geometry) {
        this(region, geometry, publishedCount(region, geometry), null);
    }

    /** Writes into {@code region}; the next sample published gets index {@code nextSampleIndex}. */
    public RingWriter(ByteBuffer region, RingGeometry geometry, long nextSampleIndex) {
        this(region, geometry, nextSampleIndex, null);
    }

    /**
     * Writes into {@code mapped}'s mapping, resuming past every index a previous writer published,
     * completed or started ({@link #resumeIndex}, takeover rule R1). A publish into a region whose file
     * was truncated throws {@link RegionTruncatedException}.
     */
    public RingWriter(Region mapped, RingGeometry geometry) {
        this(mapped.buffer(), geometry, resumeIndex(mapped.buffer(), geometry), mapped);
    }

    private RingWriter(ByteBuffer region, RingGeometry geometry, long nextSampleIndex, Region mapped) {
        this.region = mapped;
        geometry.checkFits(region.capacity());
        if (region.isReadOnly()) {
            throw new IllegalArgumentException("a ring writer needs a writable buffer");
        }
        this.buffer = region.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.geometry = geometry;
        this.sleepersOffset = Sleepers.maskOffset(geometry);
        this.publishedOffset = geometry.publishedOffset();
        this.slotsOffset = geometry.slotOffset(0);
        this.slotMask = geometry.depth() - 1;
        this.slotLength = geometry.slotLength();
        this.payloadLength = geometry.payloadLength();
        WriterBarrier.register();
        long base = Futex.address(region); // 0 for a heap buffer: nobody can sleep on one
        this.publishedAddress = base == 0 ? 0 : base + geometry.publishedOffset();
        if (nextSampleIndex < 0) {
            throw new IllegalArgumentException("next sample index must not be negative: " + nextSampleIndex);
        }
        this.nextSampleIndex = nextSampleIndex;
    }

    private static long publishedCount(ByteBuffer region, RingGeometry geometry) {
        geometry.checkFits(region.capacity());
        return Words.getLongAcquire(region, geometry.publishedOffset());
    }

    /**
     * Where a writer taking over the ring in {@code region} resumes (format.md, takeover rule R1):
     * {@code max(published, 1 + max{k : some slot's seq is 2k+1 or 2k+2})}. A previous writer can die
     * after completing index {@code k} (seq 2k+2) but before storing {@code published = k+1}, or in
     * the middle of writing it (seq 2k+1): resuming at {@code published} would write index {@code k}
     * again with other contents, and a stream reader that saw the first one complete could validate a
     * copy mixing both. Reads only; {@code published} stays as it is until the first publish.
     */
    public static long resumeIndex(ByteBuffer region, RingGeometry geometry) {
        long next = publishedCount(region, geometry);
        for (int i = 0; i < geometry.depth(); i++) {
            long seq = Words.getLongAcquire(region, geometry.slotOffset(i) + SlotDescriptor.SEQ_OFFSET);
            if (seq == 0) {
                continue; // never written
            }
            long after = ((seq - 1) >>> 1) + 1; // seq 2k+1 or 2k+2 names index k
            if (after > next) {
                next = after;
            }
        }
        return next;
    }

    @Override
    public int payloadLength() {
        return geometry.payloadLength();
    }

    /** Index the next published sample will get. */
    public long nextSampleIndex() {
        return nextSampleIndex;
    }

    /**
     * Makes {@code k} the next sample's index, for a writer that takes over past an index its
     * predecessor wrote or began and never counted (a mailbox message written but not put);
     * {@code published} is left as it is until the next publish.
     */
    public void resumeAt(long k) {
        if (k < nextSampleIndex) {
            throw new IllegalArgumentException("a writer never goes back: next sample " + nextSampleIndex
                    + ", asked " + k);
        }
        nextSampleIndex = k;
    }

    // One method on purpose, though writeSlot and countPublished below repeat its steps for mailboxes:
    // as the two calls, publish64 measured 16-21 ns in JMH against 14-15 ns in one piece (alternating
    // runs on the noisy 2-core VM; in one piece it measures as before the split).
    @Override
    public long publish(ByteBuffer payload, int length, long timestampNs) {
        checkPublishable(payload, length);
        try {
            long k = writeSlotOnly(payload, length, timestampNs);
            count(k);
            return k;
        } catch (InternalError e) {
            throw fault(e);
        }
    }

    /**
     * The first steps of {@link #publish}: writes the next sample complete into its slot but does not
     * count it published; {@link #countPublished} does. A mailbox moves its handshake state between the two.
     */
    public long writeSlot(ByteBuffer payload, int length, long timestampNs) {
        checkPublishable(payload, length);
        try {
            return writeSlotOnly(payload, length, timestampNs);
        } catch (InternalError e) {
            throw fault(e);
        }
    }

    private void checkPublishable(ByteBuffer payload, int length) {
        if (length < 0 || length > payloadLength || length > payload.capacity()) {
            throw new IllegalArgumentException("payload length out of range: length=" + length + " payloadLength="
                    + payloadLength + " capacity=" + payload.capacity());
        }
        if (closed || region != null && region.isTruncated()) {
            throw closedOrTruncated();
        }
    }

    private long writeSlotOnly(ByteBuffer payload, int length, long timestampNs) {
        long k = nextSampleIndex;
        int slot = slotsOffset + (int) (k & slotMask) * slotLength;
        // Mark the slot busy first: a reader that sees 2k+1 (or sees it change) discards its copy.
        Words.putLongOpaque(buffer, slot + SlotDescriptor.SEQ_OFFSET, SlotDescriptor.writingSeq(k));
        // The payload stores below must not become visible before the busy mark.
        VarHandle.storeStoreFence();
        buffer.putLong(slot + SlotDescriptor.TIMESTAMP_OFFSET, timestampNs);
        if (CrashPoint.ENABLED) { // constant false unless a fault-injection test set it: the JIT drops this block
            CrashPoint.reached(CrashPoint.PUBLISH_MARKED);
            buffer.put(slot + SlotDescriptor.PAYLOAD_OFFSET, payload, 0, length / 2);
            CrashPoint.reached(CrashPoint.PUBLISH_HALF);
        }
        buffer.put(slot + SlotDescriptor.PAYLOAD_OFFSET, payload, 0, length);
        if (CrashPoint.ENABLED) {
            CrashPoint.reached(CrashPoint.PUBLISH_WRITTEN);
        }
        // Release: a reader that acquires 2k+2 sees the whole payload.
        Words.putLongRelease(buffer, slot + SlotDescriptor.SEQ_OFFSET, SlotDescriptor.completeSeq(k));
        if (CrashPoint.ENABLED) {
            CrashPoint.reached(CrashPoint.PUBLISH_COMPLETE);
        }
        return k;
    }

    /**
     * The last step of {@link #publish}: counts sample {@code k} (written by {@link #writeSlot}) published
     * and wakes sleeping readers.
     */
    public void countPublished(long k) {
        if (region != null && region.isTruncated()) {
            throw closedOrTruncated();
        }
        try {
            count(k);
        } catch (InternalError e) {
            throw fault(e);
        }
    }

    private void count(long k) {
        // Release: a reader that acquires k+1 finds sample k complete in its slot.
        Words.putLongRelease(buffer, publishedOffset, k + 1);
        nextSampleIndex = k + 1;
        if (CrashPoint.ENABLED) {
            CrashPoint.reached(CrashPoint.PUBLISH_COUNTED);
        }
        if (WriterBarrier.FENCE) { // constant: false where membarrier registration worked
            VarHandle.fullFence();
        }
        if (Words.getIntOpaque(buffer, sleepersOffset) != 0) {
            wakeSleepers();
        }
    }

    /** Wakes every reader sleeping on this record now (also used on close, so that sleepers see CLOSED at once). */
    public void wakeSleepers() {
        if (publishedAddress == 0) {
            return;
        }
        wakeCalls++;
        if (Futex.wakeAll(publishedAddress) > 0) {
            fruitlessWakes = 0;
            return;
        }
        // Nobody was asleep: a reader between setting its bit and sleeping, or one killed asleep.
        if (++fruitlessWakes >= FRUITLESS_WAKES_BEFORE_HEAL) {
            long now = System.nanoTime();
            if (now - nextHealNs >= 0) {
                nextHealNs = now + HEAL_PERIOD_NS;
                fruitlessWakes = 0;
                healed += Sleepers.healDead(buffer, geometry);
            }
        }
    }

    /** Futex wake calls made so far (one per publish while some reader sleeps). */
    public long wakeCalls() {
        return wakeCalls;
    }

    /** Sleeper slots freed because their reader died asleep. */
    public long healedSleepers() {
        return healed;
    }

    /** What a publish on a closed ring, or one whose region's file was truncated, throws. */
    private RuntimeException closedOrTruncated() {
        if (region != null && region.isTruncated()) {
            return region.truncation(TRUNCATED_CONSEQUENCE);
        }
        return new IllegalStateException("this ring's publisher is closed: the region may have another writer now");
    }

    private static final String TRUNCATED_CONSEQUENCE = "this writer cannot publish to it: stop it and start it"
            + " again (a starting writer replaces the truncated file)";

    /**
     * A fault during a publish: when it comes from a truncated region's mapping (this ring's, or another
     * one's whose fault the JVM raised late, here), that truncation; else the error, rethrown.
     */
    private RuntimeException fault(InternalError e) {
        RegionTruncatedException found = Region.truncatedMappingFault(e);
        if (found == null) {
            throw e;
        }
        if (region != null && region.checkTruncated()) {
            return region.truncation(TRUNCATED_CONSEQUENCE);
        }
        return found;
    }

    /** Refuses every later {@link #publish} (the publisher closed: another writer may own the region now). */
    public void close() {
        closed = true;
    }
}
