package io.shmtel.core.view;

import java.nio.ByteBuffer;

/** Where a {@link RecordWriter} publishes: one record's ring (or anything that takes whole payloads). */
public interface SampleSink {

    /** Payload bytes each sample of this sink holds. */
    int payloadLength();

    /**
     * Publishes bytes {@code [0, length)} of {@code payload} as the next sample, stamped with
     * {@code timestampNs} (CLOCK_MONOTONIC, the clock of {@code System.nanoTime()} on Linux);
     * returns the sample's index.
     */
    long publish(ByteBuffer payload, int length, long timestampNs);
}
