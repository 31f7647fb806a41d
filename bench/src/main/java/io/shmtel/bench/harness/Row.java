package io.shmtel.bench.harness;

import org.HdrHistogram.Histogram;

/**
 * One latency row of the harness's table: a distribution, or the reason there is none.
 *
 * @param id short stable name (JSON key, plot legend); a placed row's id ends in {@code -placed}
 * @param label what was measured, for the table (the same for a row's placed and unplaced runs)
 * @param method {@code one-way} (observer's clock minus the sender's timestamp) or
 *     {@code round-trip/2} (half of each measured round trip); ratios compare a row with the floor
 *     of the same method
 * @param latency nanoseconds; null when skipped or failed
 * @param note why a row is missing, or what to know about it
 * @param adjacentFloor the C floor of the same method measured just before this row's scenario
 *     (null when there is none): the machine may change during a run, ratios use this floor
 * @param placement {@code unplaced}, {@code placed} (each process's measuring thread on a CPU of its own) or
 *     {@code refused} (placement asked, refused by the system: ran unplaced; the note says why)
 * @param cpus where the placed processes ran ("CPUs 1,0"), or "" when unplaced
 */
record Row(String id, String label, String method, Histogram latency, String note, Histogram adjacentFloor,
        String placement, String cpus) {
    static final String ONE_WAY = "one-way";
    static final String ROUND_TRIP = "round-trip/2";

    static Row measured(String id, String label, String method, Histogram latency, String note) {
        return new Row(id, label, method, latency, note, null, Placement.UNPLACED_WORD, "");
    }

    Row withAdjacentFloor(Histogram floor) {
        return new Row(id, label, method, latency, note, floor, placement, cpus);
    }

    /**
     * This row as run with {@code p}: its id gets {@link Placement#idSuffix()}, and {@code refusals} (what the
     * processes were refused, null when none) makes it a {@code refused} row whose note says why.
     */
    Row placed(Placement p, String refusals) {
        if (refusals != null) {
            return new Row(id + p.idSuffix(), label, method, latency, (note == null ? "" : note + "; ")
                    + "placement on " + p.describe() + " refused, ran unplaced: " + refusals, adjacentFloor,
                    Placement.REFUSED_WORD, "");
        }
        return new Row(id + p.idSuffix(), label, method, latency, note, adjacentFloor,
                p.placed() || p.skipped() != null ? Placement.PLACED_WORD : Placement.UNPLACED_WORD,
                p.placed() ? p.describe() : "");
    }

    static Row missing(String id, String label, String method, String why) {
        return new Row(id, label, method, null, why, null, Placement.UNPLACED_WORD, "");
    }

    /** Whether this row's processes ran placed (not unplaced, not refused). */
    boolean isPlaced() {
        return placement.equals(Placement.PLACED_WORD);
    }

    boolean present() {
        return latency != null && latency.getTotalCount() > 0;
    }

    long p(double percentile) {
        return latency.getValueAtPercentile(percentile);
    }
}
