package io.shmtel.core.view;

import io.shmtel.schema.layout.SlotDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Base of generated typed views. A view reads one slot image (seq, timestamp, payload; see
 * {@link SlotDescriptor}) in a buffer, normally the subscriber's private snapshot that the seqlock
 * read validated. Views are flyweights: {@code wrap} re-points them, nothing is copied or allocated.
 *
 * <p>An optimistic read ({@code Subscriber.latestOptimistic}, {@code pollOptimistic}) points the view at
 * the live slot only for the duration of its {@link OptimisticReader} call, and {@link #unwrap}s it
 * afterwards. Every getter of a generated view and of {@link DynamicView} is safe on live bytes that a
 * writer is rewriting: fields sit at fixed offsets, so a torn slot gives wrong values but never an
 * exception or a loop (arrays are indexed by the caller's index, checked against the fixed count; text is
 * bounded by its capacity and decodes bad bytes as U+FFFD; an enum getter gives {@code null} for a value
 * the schema does not declare).
 */
public abstract class RecordView {
    protected ByteBuffer buffer;
    /** Offset of the slot image in {@link #buffer}. */
    protected int offset;
    /** Offset of the payload: {@code offset + PAYLOAD_OFFSET}; generated getters add field offsets to it. */
    protected int payloadOffset;

    /** Points this view at the slot image at {@code offset} of {@code buffer}; returns this view. */
    public abstract RecordView wrap(ByteBuffer buffer, int offset);

    /** Fingerprint of the record layout this view reads (the record-table fingerprint). */
    public abstract long recordFingerprint();

    /** Name of the record this view reads. */
    public abstract String recordName();

    /** Payload bytes this view reads. */
    public abstract int payloadLength();

    /** Points this view at the slot image at {@code offset}; the buffer must be little-endian. */
    protected final void wrapSlot(ByteBuffer buffer, int offset, int payloadLength) {
        if (buffer.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("views read little-endian buffers: order=" + buffer.order());
        }
        if (offset < 0 || (long) offset + SlotDescriptor.PAYLOAD_OFFSET + payloadLength > buffer.capacity()) {
            throw new IndexOutOfBoundsException("slot image out of buffer: offset=" + offset + " needs="
                    + (SlotDescriptor.PAYLOAD_OFFSET + payloadLength) + " capacity=" + buffer.capacity());
        }
        this.buffer = buffer;
        this.offset = offset;
        this.payloadOffset = offset + SlotDescriptor.PAYLOAD_OFFSET;
    }

    public final ByteBuffer buffer() {
        return buffer;
    }

    public final int offset() {
        return offset;
    }

    /** The slot's raw sequence word: {@code 2k+2} for a complete sample {@code k}. */
    public final long sequence() {
        return buffer.getLong(offset + SlotDescriptor.SEQ_OFFSET);
    }

    /** Index {@code k} of the sample in view (0 for the first sample ever published). */
    public final long sampleIndex() {
        return SlotDescriptor.sampleIndex(sequence());
    }

    /** Publish time, CLOCK_MONOTONIC nanoseconds (the clock of {@code System.nanoTime()} on Linux). */
    public final long timestampNs() {
        return buffer.getLong(offset + SlotDescriptor.TIMESTAMP_OFFSET);
    }

    /**
     * Detaches this view from its buffer (an optimistic read does so when its reader returns, so that no
     * getter reads the live slot outside the validated window): every getter then throws
     * {@link NullPointerException} until the view is wrapped again (a generated view's {@code toString} says
     * "unwrapped").
     */
    public final void unwrap() {
        this.buffer = null;
        this.offset = 0;
        this.payloadOffset = 0;
    }
}
