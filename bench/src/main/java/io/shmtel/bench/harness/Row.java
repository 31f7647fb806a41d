package io.shmtel.bench.harness;

import org.HdrHistogram.Histogram;

/**
 * One latency row of the harness's table: a distribution, or the reason there is none.
 *
 * @param id short stable name (JSON key, plot legend)
 * @param label what was measured, for the table
 * @param method {@code one-way} (observer's clock minus the sender's timestamp) or
 *     {@code round-trip/2} (half of each measured round trip); ratios compare a row with the floor
 *     of the same method
 * @param latency nanoseconds; null when skipped or failed
 * @param note why a row is missing, or what to know about it
 * @param adjacentFloor the C floor of the same method measured just before this row's scenario
 *     (null when there is none): the machine may change during a run, ratios use this floor
 */
record Row(String id, String label, String method, Histogram latency, String note, Histogram adjacentFloor) {
    static final String ONE_WAY = "one-way";
    static final String ROUND_TRIP = "round-trip/2";

    static Row measured(String id, String label, String method, Histogram latency, String note) {
        return new Row(id, label, method, latency, note, null);
    }

    Row withAdjacentFloor(Histogram floor) {
        return new Row(id, label, method, latency, note, floor);
    }

    static Row missing(String id, String label, String method, String why) {
        return new Row(id, label, method, null, why, null);
    }

    boolean present() {
        return latency != null && latency.getTotalCount() > 0;
    }

    long p(double percentile) {
        return latency.getValueAtPercentile(percentile);
    }
}
