package io.shmtel.core.ring;

import io.shmtel.core.memory.Words;
import io.shmtel.schema.layout.ProtocolConstants;
import io.shmtel.schema.layout.SlotDescriptor;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The reader side of one record's seqlock ring. Reads copy a whole slot into the caller's private
 * snapshot buffer and validate it:
 *
 * <pre>
 *   s0 = seq.getAcquire; s0 must be 2k+2; copy slot; loadLoadFence; s1 = seq.getOpaque; s1 must equal s0
 * </pre>
 *
 * so user code only ever sees consistent samples. When {@code s0 < 2k+2}, the read tells a sample
 * not written yet from one a dead writer abandoned (format.md, rule R2): it loads {@code published}
 * (acquire) and then the seq again (acquire); {@code published > k} with the seq still below
 * {@code 2k+2} means no writer will ever complete {@code k} ({@link #ABANDONED}). Works on
 * read-only buffers; never writes.
 */
public final class RingReader {
    /** {@link #read} outcome: the snapshot holds sample {@code k}. */
    public static final int OK = 0;
    /** {@link #read} outcome: sample {@code k} is not complete yet. */
    public static final int NOT_YET = 1;
    /** {@link #read} outcome: sample {@code k} was overwritten (the writer lapped the reader). */
    public static final int OVERWRITTEN = 2;
    /**
     * {@link #read} outcome: sample {@code k} will never be complete: a writer died while writing it
     * (or after completing an older index in its slot), and a later writer has published past it.
     * Writers complete indexes in increasing order and count {@code published = j+1} only after
     * completing {@code j}; a writer taking over resumes past every index a slot shows started
     * ({@link RingWriter#resumeIndex}). So once {@code published > k}, every index up to {@code k}
     * that will ever be complete already is: a stream reader counts {@code k} lost and moves on.
     */
    public static final int ABANDONED = 3;
    /** {@link #inProgress} outcome (never returned by {@link #read}): the slot now holds {@code k}, copy it. */
    private static final int COPY = -1;

    /** {@link #readLatest} result when nothing was ever published. */
    public static final long NONE = -1;
    /** {@link #readLatest} result when the writer kept overwriting the newest slot during every attempt. */
    public static final long CONTENDED = -2;

    /** Attempts of {@link #readLatest} before it gives up; each failure means the writer lapped a whole ring. */
    public static final int MAX_LATEST_ATTEMPTS = ProtocolConstants.MAX_LATEST_ATTEMPTS;

    private final ByteBuffer buffer;
    private final RingGeometry geometry;
    // The geometry's words the hot paths use, copied here: one load from this object instead of two in a row.
    private final int publishedOffset;
    /** Offset of slot 0 in the buffer. */
    private final int slotsOffset;
    /** depth - 1: a sample's slot is its index masked. */
    private final int slotMask;
    private final int slotLength;

    public RingReader(ByteBuffer region, RingGeometry geometry) {
        geometry.checkFits(region.capacity());
        this.buffer = region.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.geometry = geometry;
        this.publishedOffset = geometry.publishedOffset();
        this.slotsOffset = geometry.slotOffset(0);
        this.slotMask = geometry.depth() - 1;
        this.slotLength = geometry.slotLength();
    }

    public RingGeometry geometry() {
        return geometry;
    }

    /** Count of complete samples published so far (acquire: the newest one is complete in its slot). */
    public long publishedAcquire() {
        return Words.getLongAcquire(buffer, publishedOffset);
    }

    /**
     * Copies the newest complete sample into {@code snapshot} at offset 0 (a whole slot:
     * seq, timestamp, payload) and returns its index, or {@link #NONE} / {@link #CONTENDED}.
     */
    public long readLatest(ByteBuffer snapshot) {
        checkSnapshot(snapshot);
        return readLatestChecked(snapshot);
    }

    /** {@link #readLatest} for a snapshot already checked with {@link #checkSnapshot} (hot paths). */
    public long readLatestChecked(ByteBuffer snapshot) {
        for (int attempt = 0; attempt < MAX_LATEST_ATTEMPTS; attempt++) {
            long published = publishedAcquire();
            if (published <= 0) {
                return NONE;
            }
            long k = published - 1;
            if (readChecked(k, snapshot) == OK) {
                return k;
            }
        }
        return CONTENDED;
    }

    /**
     * The latest-value waiter's read: copies the newest complete sample into {@code snapshot} (as
     * {@link #readLatestChecked}) and returns its index when it is newer than {@code last}; returns {@link #NONE}
     * when there is none newer (or none at all), {@link #CONTENDED} as {@code readLatestChecked} does.
     *
     * <p>It watches the slot the next sample takes, {@code last + 1}'s, rather than {@code published}: while that
     * slot still holds an older complete sample nothing newer exists (a writer stores sample {@code last + 1}
     * there before counting it), and a call costs one load of a line the writer's next sample brings anyway. When
     * the slot shows {@code last + 1} complete, that sample is copied and {@code published} (a load independent of
     * the slot's, so the two cache misses overlap) says whether it is still the newest; when it shows anything
     * else (the writer lapped the reader, or {@code last + 1} is in progress or abandoned by a dead writer) this
     * reads as {@link #readLatestChecked} does: the newest sample by {@code published}, which settles every case.
     * {@code last} = -1: anything published is newer.
     */
    public long readLatestAfter(long last, ByteBuffer snapshot) {
        long k = last + 1;
        int slot = slotOffset(k);
        long expected = SlotDescriptor.completeSeq(k);
        long s0 = Words.getLongAcquire(buffer, slot + SlotDescriptor.SEQ_OFFSET);
        if (s0 == expected) {
            snapshot.put(0, buffer, slot, slotLength);
            // The copy's loads must complete before the seq is read again.
            VarHandle.loadLoadFence();
            if (Words.getLongOpaque(buffer, slot + SlotDescriptor.SEQ_OFFSET) == expected
                    && publishedAcquire() <= k + 1) {
                return k; // complete, unchanged during the copy, and nothing newer counted
            }
        } else if (below(s0, expected) && s0 != SlotDescriptor.writingSeq(k)) {
            return NONE; // the slot still holds an older sample: last + 1 is not even begun
        }
        long newest = readLatestChecked(snapshot);
        return newest > last || newest == CONTENDED ? newest : NONE;
    }

    /**
     * Copies sample {@code k} into {@code snapshot} at offset 0; returns {@link #OK},
     * {@link #NOT_YET}, {@link #OVERWRITTEN} or {@link #ABANDONED}.
     */
    public int read(long k, ByteBuffer snapshot) {
        checkSnapshot(snapshot);
        return readChecked(k, snapshot);
    }

    /** {@link #read} for a snapshot already checked with {@link #checkSnapshot} (hot paths). */
    public int readChecked(long k, ByteBuffer snapshot) {
        int slot = slotOffset(k);
        long expected = SlotDescriptor.completeSeq(k);
        long s0 = Words.getLongAcquire(buffer, slot + SlotDescriptor.SEQ_OFFSET);
        if (s0 != expected) {
            if (!below(s0, expected)) {
                return OVERWRITTEN;
            }
            if (s0 != SlotDescriptor.writingSeq(k)) {
                return NOT_YET; // the slot holds an older complete sample: an empty stream poll ends here
            }
            int settled = inProgress(k, slot);
            if (settled != COPY) {
                return settled;
            }
        }
        snapshot.put(0, buffer, slot, slotLength);
        // The copy's loads must complete before the seq is read again.
        VarHandle.loadLoadFence();
        long s1 = Words.getLongOpaque(buffer, slot + SlotDescriptor.SEQ_OFFSET);
        return s1 == expected ? OK : OVERWRITTEN;
    }

    /**
     * Sample {@code k}'s slot showed {@code 2k+1}: {@code k} in progress, or abandoned by a dead writer (R2). An
     * index a dead writer abandoned shows 2k+1 until it is lapped (the takeover rule skips only indexes a slot shows
     * started), so only then is {@code published} worth a load: an empty poll (the slot still holds an older
     * sample) costs none. {@code published} (acquire) first, THEN the seq again: a writer stores
     * {@code published = k+1} only after seq = 2k+2, so a seq still short of 2k+2 after {@code published > k} was
     * seen is one no writer will complete. Returns {@link #NOT_YET}, {@link #ABANDONED}, {@link #OVERWRITTEN}, or
     * {@link #COPY} when the seq now shows {@code k} complete.
     */
    private int inProgress(long k, int slot) {
        if (publishedAcquire() <= k) {
            return NOT_YET;
        }
        long expected = SlotDescriptor.completeSeq(k);
        long again = Words.getLongAcquire(buffer, slot + SlotDescriptor.SEQ_OFFSET);
        if (below(again, expected)) {
            return ABANDONED;
        }
        return again == expected ? COPY : OVERWRITTEN;
    }

    /** {@code a < b}, both read as unsigned 64-bit seq words. */
    private static boolean below(long a, long b) {
        return a + Long.MIN_VALUE < b + Long.MIN_VALUE;
    }

    /**
     * Offset in the buffer of the slot that holds sample {@code k}: {@code geometry().slotOffset(k)}, from this
     * reader's copies of the geometry's words (hot paths, optimistic reads among them).
     */
    public int slotOffset(long k) {
        return slotsOffset + (int) (k & slotMask) * slotLength;
    }

    /** The seq word of the slot that holds sample {@code k} (acquire). */
    public long slotSeqAcquire(long k) {
        return Words.getLongAcquire(buffer, slotOffset(k) + SlotDescriptor.SEQ_OFFSET);
    }

    /** Throws unless {@code snapshot} is writable and holds a whole slot of this ring. */
    public void checkSnapshot(ByteBuffer snapshot) {
        if (snapshot.capacity() < geometry.slotLength() || snapshot.isReadOnly()) {
            throw new IllegalArgumentException("snapshot must be writable and hold a slot: capacity="
                    + snapshot.capacity() + " slotLength=" + geometry.slotLength());
        }
    }

    // Optimistic reads (zero-copy, issue 25): StampedLock.tryOptimisticRead/validate for the seqlock.

    /**
     * Begins an optimistic read of the newest complete sample: the first half of {@link #readLatestChecked}
     * without the copy. Returns its index {@code k} (the stamp: its slot showed {@code seq = 2k+2}, acquire),
     * or {@link #NONE} / {@link #CONTENDED}. The caller then reads what it needs straight from the slot at
     * {@link #slotOffset(long) slotOffset(k)} of {@link #sharedBuffer()} and calls {@link #validate(long) validate(k)}:
     * only when that returns true were the bytes read one whole sample {@code k}. Until then they may be
     * anything (a writer may be rewriting the slot): read them with plain loads at fixed offsets, never
     * branch on them into loops or indexes, and never act on them. A failed validation means the writer
     * overwrote the slot meanwhile: begin again (the copying path retries {@link #MAX_LATEST_ATTEMPTS}
     * times). No copy, no snapshot; format.md's latest-value rule with the copy replaced by the reads.
     */
    public long optimisticLatest() {
        for (int attempt = 0; attempt < MAX_LATEST_ATTEMPTS; attempt++) {
            long published = publishedAcquire();
            if (published <= 0) {
                return NONE;
            }
            long k = published - 1;
            if (Words.getLongAcquire(buffer, slotOffset(k) + SlotDescriptor.SEQ_OFFSET)
                    == SlotDescriptor.completeSeq(k)) {
                return k;
            }
        }
        return CONTENDED;
    }

    /**
     * Begins an optimistic read of sample {@code k} (a stream reader's cursor): the first half of
     * {@link #readChecked} without the copy, with its outcomes. {@link #OK}: the slot showed
     * {@code seq = 2k+2} (acquire); read it in place, then {@link #validate(long) validate(k)}, whose
     * false is the copying path's second-load {@link #OVERWRITTEN} (lapped). {@link #NOT_YET},
     * {@link #OVERWRITTEN} and {@link #ABANDONED} mean what they mean for {@link #read}, and the stream
     * reader counts lost samples for them exactly as it does there (format.md, rule 16).
     */
    public int optimisticRead(long k) {
        int slot = slotOffset(k);
        long expected = SlotDescriptor.completeSeq(k);
        long s0 = Words.getLongAcquire(buffer, slot + SlotDescriptor.SEQ_OFFSET);
        if (Long.compareUnsigned(s0, expected) < 0) {
            // As in readChecked: published (acquire) only for a slot showing 2k+1, THEN the seq again (R2).
            if (s0 != SlotDescriptor.writingSeq(k) || publishedAcquire() <= k) {
                return NOT_YET;
            }
            s0 = Words.getLongAcquire(buffer, slot + SlotDescriptor.SEQ_OFFSET);
            if (Long.compareUnsigned(s0, expected) < 0) {
                return ABANDONED;
            }
        }
        return s0 == expected ? OK : OVERWRITTEN;
    }

    /**
     * Ends an optimistic read of sample {@code k} begun by {@link #optimisticLatest} or {@link #optimisticRead}:
     * true when every load from its slot since the begin read sample {@code k} whole (the seq still shows
     * {@code 2k+2}). A load-load fence first, so that the reads in the slot complete before the seq is
     * loaded again (opaque), as after the copy of {@link #readChecked}.
     */
    public boolean validate(long k) {
        VarHandle.loadLoadFence();
        return Words.getLongOpaque(buffer, slotOffset(k) + SlotDescriptor.SEQ_OFFSET)
                == SlotDescriptor.completeSeq(k);
    }

    /**
     * The region memory this reader reads (little-endian, absolute accesses only; read-only for a
     * subscriber's mapping): optimistic reads read the slot of sample {@code k} here, at
     * {@link #slotOffset(long) slotOffset(k)}.
     */
    public ByteBuffer sharedBuffer() {
        return buffer;
    }
}
