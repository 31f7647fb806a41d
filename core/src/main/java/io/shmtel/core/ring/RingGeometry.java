package io.shmtel.core.ring;

import io.shmtel.schema.layout.RecordBlockDescriptor;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.layout.SlotDescriptor;

/**
 * Where one record's ring lies in a region buffer: block offset, depth, slot and payload lengths.
 * Checked once on construction so the hot paths can trust it.
 */
public record RingGeometry(int blockOffset, int depth, int slotLength, int payloadLength) {

    public RingGeometry {
        if (blockOffset < 0 || (blockOffset & (SlotDescriptor.CACHE_LINE_LENGTH - 1)) != 0) {
            throw new IllegalArgumentException("block offset must be a non-negative multiple of 64: blockOffset="
                    + blockOffset);
        }
        if (depth < 1 || Integer.bitCount(depth) != 1) { // 1: a mailbox's single slot
            throw new IllegalArgumentException("depth must be a power of two: depth=" + depth);
        }
        if (payloadLength < 0 || slotLength != SlotDescriptor.slotLength(payloadLength)) {
            throw new IllegalArgumentException("slot length must be the payload plus 16 rounded up to 64: slotLength="
                    + slotLength + " payloadLength=" + payloadLength);
        }
    }

    public static RingGeometry of(RecordLayout record) {
        return new RingGeometry(Math.toIntExact(record.blockOffset()), record.depth(), record.slotLength(),
                record.payloadLength());
    }

    /** Bytes from the block start to the end of the last slot. */
    public long blockLength() {
        return RecordBlockDescriptor.blockLength(depth, slotLength);
    }

    /** Offset of the published-count word in the region buffer. */
    public int publishedOffset() {
        return blockOffset + RecordBlockDescriptor.PUBLISHED_OFFSET;
    }

    /** Offset in the region buffer of the slot that holds sample {@code sampleIndex}. */
    public int slotOffset(long sampleIndex) {
        return blockOffset + RecordBlockDescriptor.SLOTS_OFFSET + (int) (sampleIndex & (depth - 1)) * slotLength;
    }

    /** Throws unless the whole block fits in a buffer of {@code capacity} bytes. */
    public void checkFits(int capacity) {
        if (blockOffset + blockLength() > capacity) {
            throw new IllegalArgumentException("ring does not fit the buffer: blockOffset=" + blockOffset
                    + " blockLength=" + blockLength() + " capacity=" + capacity);
        }
    }
}
