package io.shmtel.core;

import java.time.Instant;

/**
 * Converts the samples' timestamps (CLOCK_MONOTONIC, as {@link System#nanoTime()}) to wall-clock time for viewers and
 * files.
 */
public final class Clocks {
    private Clocks() {}

    /** Nanoseconds since the Unix epoch now. */
    public static long epochNowNs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * What to add to a monotonic timestamp to get wall-clock nanoseconds (taken now; the clocks drift apart slowly).
     */
    public static long monotonicToEpochOffsetNs() {
        return epochNowNs() - System.nanoTime();
    }
}
