package io.shmtel.core.ring;

import io.shmtel.core.fault.CrashPoint;
import io.shmtel.core.memory.Words;
import io.shmtel.core.nativeio.Futex;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionTruncatedException;
import io.shmtel.core.view.ClaimableSink;
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
 *
 * <p>Zero-copy writing: {@link #claim()} marks the next slot busy and lends it to the caller, who writes
 * the payload in place; {@link #commitClaim} then does publish's last steps ({@link #abortClaim} gives
 * the claim up; format.md, "Zero-copy claims").
 *
 * <p>Why over 400 lines: the claim shares the writer's index, its closed flag and {@code count} with
 * publish; a class of its own would need them opened to it.
 */
public final class RingWriter implements ClaimableSink {
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
        if (claimedIndex != NO_CLAIM) {
            throw claimOpen("resumeAt(" + k + ")");
        }
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
        if (closed || claimedIndex != NO_CLAIM || region != null && region.isTruncated()) {
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
        if (claimedIndex != NO_CLAIM) {
            return claimOpen("a publish");
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

    // ---- Zero-copy claims (issue 25): the caller writes the payload into the slot itself. ----

    /** {@link #claimedIndex} while no claim is open. */
    private static final long NO_CLAIM = -1;
    /** The index of the open claim, or {@link #NO_CLAIM}; written and read by the publishing thread only. */
    private long claimedIndex = NO_CLAIM;
    /** Offset of the claimed slot in {@link #buffer}. */
    private int claimedSlot;
    /** What {@link #claimBuffer()} hands out: the writer's buffer duplicated, so a caller cannot move its own. */
    private ByteBuffer claimView;

    /**
     * Claims the slot of the next sample and marks it busy ({@code seq = 2k+1}, store-store fence), as
     * {@link #publish} does first; returns the index {@code k}. The caller then writes the whole payload
     * at {@link #claimedPayloadOffset()} of {@link #claimBuffer()} and calls {@link #commitClaim} (which
     * stores the timestamp, completes the slot and counts it) or {@link #abortClaim}. Until then
     * {@link #publish}, {@link #writeSlot}, {@link #resumeAt} and another claim are refused.
     *
     * <p>The slot holds sample {@code k - depth} (or the bytes of an aborted claim): write every payload
     * byte readers rely on. Readers never see the claimed bytes before the commit: an open claim is, for
     * them and for a writer taking the region over, exactly a writer in the middle of a publish (or one
     * that died there, format.md rules R1 and R2). A claim that is aborted leaves the slot busy and the
     * next sample gets index {@code k} again, written whole (format.md, "Zero-copy claims").
     *
     * @throws IllegalStateException a claim is already open, or the ring is closed
     * @throws RegionTruncatedException the region's file was truncated
     */
    @Override
    public long claim() {
        if (claimedIndex != NO_CLAIM) {
            throw claimOpen("claim() again");
        }
        if (closed || region != null && region.isTruncated()) {
            throw closedOrTruncated();
        }
        long k = nextSampleIndex;
        int slot = slotsOffset + (int) (k & slotMask) * slotLength; // geometry.slotOffset(k), from the copies
        try {
            // Mark the slot busy first: a reader that sees 2k+1 (or sees it change) discards its copy.
            Words.putLongOpaque(buffer, slot + SlotDescriptor.SEQ_OFFSET, SlotDescriptor.writingSeq(k));
        } catch (InternalError e) {
            throw fault(e);
        }
        // The caller's payload stores must not become visible before the busy mark.
        VarHandle.storeStoreFence();
        claimedSlot = slot;
        claimedIndex = k;
        return k;
    }

    /**
     * The buffer the claimed payload is written into (little-endian, absolute puts only): this ring's
     * whole region, so write only {@code [claimedPayloadOffset(), claimedPayloadOffset() + payloadLength())}
     * and only while the claim is open. The same instance on every call.
     */
    @Override
    public ByteBuffer claimBuffer() {
        if (claimView == null) {
            claimView = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }
        return claimView;
    }

    /** Offset in {@link #claimBuffer()} of the open claim's payload (field offsets are relative to it). */
    @Override
    public int claimedPayloadOffset() {
        if (claimedIndex == NO_CLAIM) {
            throw new IllegalStateException("no claim is open: call claim() first");
        }
        return claimedSlot + SlotDescriptor.PAYLOAD_OFFSET;
    }

    /** True between {@link #claim()} and its {@link #commitClaim} or {@link #abortClaim}. */
    public boolean isClaimed() {
        return claimedIndex != NO_CLAIM;
    }

    /**
     * Completes the open claim as {@link #publish} completes a sample: the timestamp, {@code seq = 2k+2}
     * (release), {@code published = k+1} (release), sleepers woken; returns {@code k}. On a ring closed or
     * truncated since the claim, completes nothing and throws: the claim ends as a writer that died in
     * the middle of a publish (slot busy, index skipped by the next writer).
     */
    @Override
    public long commitClaim(long timestampNs) {
        long k = claimedIndex;
        if (k == NO_CLAIM) {
            throw new IllegalStateException("no claim is open: call claim() first");
        }
        claimedIndex = NO_CLAIM;
        if (closed || region != null && region.isTruncated()) {
            throw closedOrTruncated();
        }
        int slot = claimedSlot;
        try {
            buffer.putLong(slot + SlotDescriptor.TIMESTAMP_OFFSET, timestampNs);
            // Release: a reader that acquires 2k+2 sees the whole payload the caller wrote.
            Words.putLongRelease(buffer, slot + SlotDescriptor.SEQ_OFFSET, SlotDescriptor.completeSeq(k));
            count(k);
            return k;
        } catch (InternalError e) {
            throw fault(e);
        }
    }

    /**
     * Gives up the open claim without completing it (false when none is open, so it fits a
     * {@code finally}). The slot stays busy ({@code seq = 2k+1}) with whatever the caller wrote, and the
     * next publish or claim writes index {@code k} again: {@code published} never passed {@code k} and
     * no reader validates an odd seq, so no reader took {@code k} as complete or as abandoned (format.md,
     * "Zero-copy claims"). Completing the slot instead would publish a mix of the caller's bytes and
     * sample {@code k - depth}'s.
     */
    @Override
    public boolean abortClaim() {
        if (claimedIndex == NO_CLAIM) {
            return false;
        }
        claimedIndex = NO_CLAIM;
        return true;
    }

    private IllegalStateException claimOpen(String refused) {
        return new IllegalStateException("a claim of sample " + claimedIndex + " is open: " + refused
                + " is refused until commitClaim() or abortClaim() ends it");
    }

    /**
     * Makes {@code k} the next sample's index and leaves out the indexes in between, for a writer that
     * keeps another ring's numbering and did not get every sample of it (the bridge's mirror publishes
     * each sample at its source index). Each left-out index {@code j} among the last {@code depth - 1}
     * before {@code k} gets its slot marked started ({@code seq = 2j+1}) and is never completed, exactly
     * as a writer that died writing it leaves it: a stream reader counts it lost (abandoned) once
     * {@code published} passes it, instead of taking the older sample still in its slot for "not yet"
     * and waiting there until the ring laps (format.md, the stream reader's rule). Older left-out
     * indexes share their slot with a newer one and read as lapped. Publishes nothing: {@code published}
     * moves at the next publish. Nothing to do when {@code k} is already next; never goes back.
     */
    public void skipTo(long k) {
        if (claimedIndex != NO_CLAIM) {
            throw claimOpen("skipTo(" + k + ")");
        }
        if (k == nextSampleIndex) {
            return;
        }
        if (k < nextSampleIndex) {
            throw new IllegalArgumentException("a writer never goes back: next sample " + nextSampleIndex
                    + ", asked " + k);
        }
        if (closed || region != null && region.isTruncated()) {
            throw closedOrTruncated();
        }
        try {
            for (long j = Math.max(nextSampleIndex, k - geometry.depth() + 1); j < k; j++) {
                // Release: ordered after whatever this writer stored before; the next publish's release store
                // of published makes the marks visible to a reader that sees published pass them.
                Words.putLongRelease(buffer, geometry.slotOffset(j) + SlotDescriptor.SEQ_OFFSET,
                        SlotDescriptor.writingSeq(j));
            }
        } catch (InternalError e) {
            throw fault(e);
        }
        nextSampleIndex = k;
    }
}
