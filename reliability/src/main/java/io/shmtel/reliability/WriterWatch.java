package io.shmtel.reliability;

import io.shmtel.core.Subscriber;
import io.shmtel.core.region.WriterState;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/** Waiting for a writer's state as a subscriber sees it, and printing the times it took: shared by the suites. */
final class WriterWatch {
    private WriterWatch() {}

    /** n, p50, p99 and max of {@code h} in ms. */
    static String percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "no samples";
        }
        return String.format("n %d, p50 %s, p99 %s, max %s", h.getTotalCount(), time(h.getValueAtPercentile(50)),
                time(h.getValueAtPercentile(99)), time(h.getMaxValue()));
    }

    static String time(long ns) {
        return ns >= 10_000_000 ? ns / 1_000_000 + " ms" : String.format("%.2f ms", ns / 1e6);
    }

    /** Polls state() every 100 us; returns the time until {@code wanted}, or -1 after {@code timeoutNs}. */
    static long awaitState(Subscriber s, WriterState wanted, long timeoutNs) {
        long start = System.nanoTime();
        while (s.state() != wanted) {
            if (System.nanoTime() - start > timeoutNs) {
                return -1;
            }
            LockSupport.parkNanos(100_000);
        }
        return System.nanoTime() - start;
    }

    static long awaitEpoch(Subscriber s, long before, long timeoutNs) {
        long start = System.nanoTime();
        while (s.state() != WriterState.LIVE || s.epoch() <= before) {
            if (System.nanoTime() - start > timeoutNs) {
                return -1;
            }
            LockSupport.parkNanos(100_000);
        }
        return System.nanoTime() - start;
    }
}
