package io.shmtel.core.region;

import io.shmtel.core.memory.Words;
import io.shmtel.core.nativeio.MemoryCalls;
import io.shmtel.core.nativeio.Posix;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import java.nio.ByteBuffer;
import java.time.Instant;

import static io.shmtel.schema.layout.RegionHeaderDescriptor.FLUSHED_AT_OFFSET;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.RECORD_ENTRY_FLUSHED_OFFSET;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.recordEntryOffset;

/**
 * A writer's {@link Region#flush}: what makes a region on a file-backed directory durable (msync)
 * and records in its header which samples are on storage. The readers' side is
 * {@link Region#flushedSamples} and {@link Region#flushedAtEpochNs}.
 */
final class RegionFlush {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private RegionFlush() {
    }

    /** See {@link Region#flush}; the caller holds the region's monitor and checked it is the writer. */
    static long flush(Region region) {
        ByteBuffer buffer = region.buffer();
        Layout layout = region.layout();
        long start = System.nanoTime();
        long[] counts = new long[layout.records().size()];
        for (RecordLayout r : layout.records()) {
            counts[r.index()] = Words.getLongAcquire(buffer, (int) r.publishedOffset());
        }
        msync(region, 0, buffer.capacity());
        for (RecordLayout r : layout.records()) {
            Words.putLongRelease(buffer, recordEntryOffset(r.index()) + RECORD_ENTRY_FLUSHED_OFFSET,
                    counts[r.index()]);
        }
        Instant now = Instant.now();
        long nowNs = now.getEpochSecond() * NANOS_PER_SECOND + now.getNano();
        Words.putLongRelease(buffer, FLUSHED_AT_OFFSET, nowNs);
        msync(region, 0, (int) layout.headerLength());
        return System.nanoTime() - start;
    }

    private static void msync(Region region, int offset, int length) {
        int errno = MemoryCalls.msync(region.buffer(), offset, length, MemoryCalls.MS_SYNC);
        if (errno != 0) {
            throw new RegionIoException("region \"" + region.name() + "\" (" + region.file() + "): msync failed: "
                    + Posix.describe(errno) + "; its samples may not be on storage (a full or failing disk?)");
        }
    }
}
