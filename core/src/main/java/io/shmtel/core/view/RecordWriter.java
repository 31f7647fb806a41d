package io.shmtel.core.view;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/**
 * Base of generated typed writers. Setters write into a private staging payload; {@link #commit()}
 * publishes the whole staging payload as one sample. Fields not set since the last commit keep
 * their previous values, so every sample is the writer's complete current state.
 */
public abstract class RecordWriter {
    /** The staging payload (little-endian); generated setters write at the field offsets. */
    protected final ByteBuffer staging;
    private final SampleSink sink;
    private final int payloadLength;

    protected RecordWriter(SampleSink sink, int payloadLength) {
        if (sink.payloadLength() != payloadLength) {
            throw new IllegalArgumentException("writer and ring disagree on the payload length: writer="
                    + payloadLength + " ring=" + sink.payloadLength()
                    + " (was the region created from another version of the schema?)");
        }
        this.sink = sink;
        this.payloadLength = payloadLength;
        this.staging = ByteBuffer.allocateDirect(payloadLength).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Publishes the staged payload stamped with {@code System.nanoTime()}; returns the sample index. */
    public final long commit() {
        return sink.publish(staging, payloadLength, System.nanoTime());
    }

    /** Publishes the staged payload stamped with {@code timestampNs} (CLOCK_MONOTONIC ns); returns the sample index. */
    public final long commit(long timestampNs) {
        return sink.publish(staging, payloadLength, timestampNs);
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
