package io.shmtel.core.view;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/**
 * Base of generated typed writers. Setters write into a private staging payload; {@link #commit()}
 * publishes the whole staging payload as one sample. Fields not set since the last commit keep
 * their previous values, so every sample is the writer's complete current state.
 *
 * <p>Claim mode (zero-copy, ring records only): a subclass's {@code claim()} calls {@link #beginClaim()},
 * which claims the ring's next slot; the setters then write straight into that slot until
 * {@link #commit()} completes it (or {@link #abortClaim()} gives it up), and the writer is back in staged
 * mode. The slot holds the bytes of an old sample, so a claim must set every field; staged values are
 * not copied into it, and the claim's values do not reach the staging payload.
 */
public abstract class RecordWriter {
    /** The staging payload (little-endian); generated setters write at the field offsets. */
    protected final ByteBuffer staging;
    /**
     * Offset of the payload in {@link #target()} (0 for the staging payload, the claimed slot's payload
     * during a claim): setters write field {@code f} at {@code base + f's offset}. Set only by this class.
     */
    protected int base;
    private final SampleSink sink;
    private final int payloadLength;
    /**
     * The sink as one that lends its slots, resolved once here (a type check of an interface per claim
     * costs a scan of the class's interfaces when it fails); null for a mailbox or a sink that lends none.
     */
    private final ClaimableSink claimable;
    /** The buffer that holds the claimable sink's slots; null when {@link #claimable} is. */
    private final ByteBuffer slots;
    /** True while a claim is open (a primitive: no reference store, so no GC write barrier, per claim). */
    private boolean claiming;

    protected RecordWriter(SampleSink sink, int payloadLength) {
        if (sink.payloadLength() != payloadLength) {
            throw new IllegalArgumentException("writer and ring disagree on the payload length: writer="
                    + payloadLength + " ring=" + sink.payloadLength()
                    + " (was the region created from another version of the schema?)");
        }
        this.sink = sink;
        this.payloadLength = payloadLength;
        this.staging = ByteBuffer.allocateDirect(payloadLength).order(ByteOrder.LITTLE_ENDIAN);
        this.claimable = sink instanceof ClaimableSink c && !(sink instanceof MailboxSink) ? c : null;
        this.slots = claimable == null ? null : claimable.claimBuffer();
    }

    /**
     * Where setters write: {@link #staging}, or during a claim the ring's buffer that holds the claimed slot
     * (at {@link #base}). Chosen per call between two final fields rather than kept in a field that a claim
     * re-points: a claim then stores no reference, and so pays no GC write barrier (a G1 post-barrier per
     * store, with a StoreLoad fence once the writer is in the old generation).
     */
    protected final ByteBuffer target() {
        return claiming ? slots : staging;
    }

    /**
     * Publishes the staged payload stamped with {@code System.nanoTime()}; returns the sample index. In
     * claim mode, completes the claimed slot instead (nothing is copied).
     */
    public final long commit() {
        if (claiming) {
            return commitClaim(System.nanoTime());
        }
        return sink.publish(staging, payloadLength, System.nanoTime());
    }

    /**
     * Publishes the staged payload stamped with {@code timestampNs} (CLOCK_MONOTONIC ns); returns the sample index.
     * In claim mode, completes the claimed slot instead (nothing is copied).
     */
    public final long commit(long timestampNs) {
        if (claiming) {
            return commitClaim(timestampNs);
        }
        return sink.publish(staging, payloadLength, timestampNs);
    }

    /**
     * Claims the ring's next slot and points the setters at it (see the class comment); a subclass's
     * public {@code claim()} calls it. Refused with {@link IllegalStateException} for a mailbox record,
     * a sink that lends no slots, and while a claim is open on the same ring; the writer then stays staged.
     */
    protected final void beginClaim() {
        if (claimable == null) {
            throw claimRefused();
        }
        claimable.claim();
        base = claimable.claimedPayloadOffset();
        claiming = true;
    }

    /** True between a claim and the {@link #commit()} or {@link #abortClaim()} that ends it. */
    public final boolean isClaimed() {
        return claiming;
    }

    /**
     * Gives up the open claim: the slot stays busy and the ring writes the same index again at its next
     * publish or claim, so readers never see the claim's bytes. False when no claim was open (it fits a
     * {@code finally} after {@code commit()}). The writer is staged again, its staging payload unchanged.
     */
    public final boolean abortClaim() {
        if (!claiming) {
            return false;
        }
        endClaim();
        return claimable.abortClaim();
    }

    private long commitClaim(long timestampNs) {
        endClaim(); // staged again even when the commit throws (a ring closed or truncated meanwhile)
        return claimable.commitClaim(timestampNs);
    }

    private void endClaim() {
        claiming = false;
        base = 0;
    }

    private IllegalStateException claimRefused() {
        if (sink instanceof MailboxSink) {
            return new IllegalStateException("claim() writes in place into a ring's slot; this writer's record is a"
                    + " mailbox, whose message is put whole: set the fields, then offer() or put()");
        }
        return new IllegalStateException("claim() needs a sink that lends its slots (a RingWriter); this writer's"
                + " sink " + sink.getClass().getName() + " does not: set the fields, then commit()");
    }

    /**
     * Mailbox records: puts the staged payload in the mailbox if it is empty (stamped with
     * {@code System.nanoTime()}); false when it still holds an unanswered message. Never waits.
     */
    public final boolean offer() {
        return mailbox().offer(staging, payloadLength, System.nanoTime());
    }

    /**
     * Mailbox records: like {@link #offer()}, waiting up to {@code timeout} for the mailbox to be empty; false when the
     * time ran out.
     */
    public final boolean put(Duration timeout) {
        return mailbox().put(staging, payloadLength, System.nanoTime(), timeout.toNanos());
    }

    private MailboxSink mailbox() {
        if (sink instanceof MailboxSink m) {
            return m;
        }
        throw new IllegalStateException("offer() and put() send to a mailbox record; this writer's record is a ring:"
                + " publish with commit()");
    }

    /** Checks an unsigned setter argument: {@code 0 <= value <= max}. */
    protected static void checkUnsigned(long value, long max, String fieldName) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("value out of range for " + fieldName + ": value=" + value
                    + " range=[0, " + max + "]");
        }
    }
}
