package io.shmtel.core.ring;

import io.shmtel.core.fault.CrashPoint;
import io.shmtel.core.view.SampleSink;
import io.shmtel.schema.layout.SlotDescriptor;
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
 * {@code k-1}, in another slot, readable. One writer per ring: not thread-safe.
 */
public final class RingWriter implements SampleSink {
    private final ByteBuffer buffer;
    private final RingGeometry geometry;
    private long nextSampleIndex;
    private boolean closed;

    /** Writes into {@code region}; resumes after the samples already published there. */
    public RingWriter(ByteBuffer region, RingGeometry geometry) {
        geometry.checkFits(region.capacity());
        if (region.isReadOnly()) {
            throw new IllegalArgumentException("a ring writer needs a writable buffer");
        }
        this.buffer = region.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.geometry = geometry;
        this.nextSampleIndex = (long) RingAccess.LONG.getAcquire(buffer, geometry.publishedOffset());
    }

    @Override
    public int payloadLength() {
        return geometry.payloadLength();
    }

    /** Index the next published sample will get. */
    public long nextSampleIndex() {
        return nextSampleIndex;
    }

    @Override
    public long publish(ByteBuffer payload, int length, long timestampNs) {
        if (length < 0 || length > geometry.payloadLength() || length > payload.capacity()) {
            throw new IllegalArgumentException("payload length out of range: length=" + length + " payloadLength="
                    + geometry.payloadLength() + " capacity=" + payload.capacity());
        }
        if (closed) {
            throw new IllegalStateException("this ring's publisher is closed: the region may have another writer now");
        }
        long k = nextSampleIndex;
        int slot = geometry.slotOffset(k);
        // Mark the slot busy first: a reader that sees 2k+1 (or sees it change) discards its copy.
        RingAccess.LONG.setOpaque(buffer, slot + SlotDescriptor.SEQ_OFFSET, SlotDescriptor.writingSeq(k));
        // The payload stores below must not become visible before the busy mark.
        java.lang.invoke.VarHandle.storeStoreFence();
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
        RingAccess.LONG.setRelease(buffer, slot + SlotDescriptor.SEQ_OFFSET, SlotDescriptor.completeSeq(k));
        if (CrashPoint.ENABLED) {
            CrashPoint.reached(CrashPoint.PUBLISH_COMPLETE);
        }
        // Release: a reader that acquires k+1 finds sample k complete in its slot.
        RingAccess.LONG.setRelease(buffer, geometry.publishedOffset(), k + 1);
        nextSampleIndex = k + 1;
        if (CrashPoint.ENABLED) {
            CrashPoint.reached(CrashPoint.PUBLISH_COUNTED);
        }
        return k;
    }

    /** Refuses every later {@link #publish} (the publisher closed: another writer may own the region now). */
    public void close() {
        closed = true;
    }
}
