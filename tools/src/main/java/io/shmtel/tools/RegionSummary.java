package io.shmtel.tools;

import io.shmtel.core.region.Region;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.schema.layout.RecordLayout;

/** What ls and inspect show of an open region's writer and records. */
record RegionSummary(Region region, WriterState state, double heartbeatAgeMs, long[] published) {

    static RegionSummary of(Region region) {
        WriterState state = region.writerState(5);
        double age = (System.nanoTime() - region.heartbeatNs()) / 1e6;
        long[] published = new long[region.layout().records().size()];
        for (RecordLayout r : region.layout().records()) {
            published[r.index()] = new RingReader(region.buffer(), RingGeometry.of(r)).publishedAcquire();
        }
        return new RegionSummary(region, state, age, published);
    }

    static String formatAge(double ms) {
        if (ms < 0) {
            return "-";
        }
        if (ms < 1000) {
            return String.format("%.0f ms", ms);
        }
        if (ms < 120_000) {
            return String.format("%.1f s", ms / 1000);
        }
        return String.format("%.0f min", ms / 60_000);
    }

    static String formatBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.0f KiB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format("%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format("%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
