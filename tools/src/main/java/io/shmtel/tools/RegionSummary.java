package io.shmtel.tools;

import io.shmtel.core.region.Region;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.schema.layout.RecordLayout;
import java.util.Arrays;

/** What ls, top, stat and inspect show of an open region's writer and records. */
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

    /**
     * Whether ls, top and stat list a record: a record the region has never published is left out
     * when the region publishes others (a region that one driver fills from a schema of several
     * records), unless {@code all} ({@code --all-records}). A region that has published nothing
     * lists every record.
     */
    boolean listed(RecordLayout record, boolean all) {
        return all || published[record.index()] > 0 || Arrays.stream(published).allMatch(n -> n == 0);
    }

    /** How many records {@link #listed} leaves out (shown as {@code +N unpublished}). */
    int unlisted(boolean all) {
        return (int) region.layout().records().stream().filter(r -> !listed(r, all)).count();
    }

    /** {@code " +N unpublished"} for the records {@link #listed} leaves out, or "" when none. */
    String unlistedNote(boolean all) {
        int n = unlisted(all);
        return n == 0 ? "" : " +" + n + " unpublished";
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
