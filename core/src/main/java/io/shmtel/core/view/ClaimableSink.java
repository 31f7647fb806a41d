package io.shmtel.core.view;

import java.nio.ByteBuffer;

/**
 * A {@link SampleSink} that also lends its slot for zero-copy writing, as Aeron's {@code tryClaim}
 * does: {@link #claim()} marks the next sample's slot busy, the caller writes the payload straight
 * into {@link #claimBuffer()} at {@link #claimedPayloadOffset()}, and {@link #commitClaim} completes
 * and counts it (or {@link #abortClaim} gives it up). A {@link RecordWriter} in claim mode drives it;
 * {@code RingWriter} implements it and documents the protocol steps.
 */
public interface ClaimableSink extends SampleSink {

    /** Marks the next sample's slot busy and returns its index; one claim open at a time. */
    long claim();

    /** The buffer holding the claimed slot (little-endian); write with absolute puts only. */
    ByteBuffer claimBuffer();

    /** Offset in {@link #claimBuffer()} of the open claim's payload. */
    int claimedPayloadOffset();

    /** Completes the open claim stamped with {@code timestampNs} (CLOCK_MONOTONIC); returns its index. */
    long commitClaim(long timestampNs);

    /** Gives up the open claim without completing it; false when none was open. */
    boolean abortClaim();
}
