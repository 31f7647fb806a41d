package io.shmtel.core.idle;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The default: spin {@code maxSpins} times, then yield {@code maxYields} times, then park, starting
 * at {@code minParkNs} and doubling up to {@code maxParkNs}; {@link #reset()} on data starts over.
 * Idle CPU falls to almost nothing while a busy stream is still read with spin latency.
 */
public final class BackoffIdleStrategy implements IdleStrategy {
    public static final int DEFAULT_MAX_SPINS = 100;
    public static final int DEFAULT_MAX_YIELDS = 20;
    public static final long DEFAULT_MIN_PARK_NS = TimeUnit.MICROSECONDS.toNanos(10);
    public static final long DEFAULT_MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int maxSpins;
    private final int maxYields;
    private final long minParkNs;
    private final long maxParkNs;
    private int spins;
    private int yields;
    private long parkNs;

    public BackoffIdleStrategy() {
        this(DEFAULT_MAX_SPINS, DEFAULT_MAX_YIELDS, DEFAULT_MIN_PARK_NS, DEFAULT_MAX_PARK_NS);
    }

    public BackoffIdleStrategy(int maxSpins, int maxYields, long minParkNs, long maxParkNs) {
        if (maxSpins < 0 || maxYields < 0 || minParkNs < 1 || maxParkNs < minParkNs) {
            throw new IllegalArgumentException("need maxSpins >= 0, maxYields >= 0, 1 <= minParkNs <= maxParkNs:"
                    + " maxSpins=" + maxSpins + " maxYields=" + maxYields + " minParkNs=" + minParkNs
                    + " maxParkNs=" + maxParkNs);
        }
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.minParkNs = minParkNs;
        this.maxParkNs = maxParkNs;
        reset();
    }

    @Override
    public void idle() {
        if (spins < maxSpins) {
            spins++;
            Thread.onSpinWait();
        } else if (yields < maxYields) {
            yields++;
            Thread.yield();
        } else {
            LockSupport.parkNanos(parkNs);
            parkNs = Math.min(parkNs << 1, maxParkNs);
        }
    }

    @Override
    public void reset() {
        spins = 0;
        yields = 0;
        parkNs = minParkNs;
    }

    /** The current park period (for tests and tools). */
    public long currentParkNs() {
        return parkNs;
    }

    @Override
    public String describe() {
        return "backoff(spins=" + maxSpins + ", yields=" + maxYields + ", minParkNs=" + minParkNs + ", maxParkNs="
                + maxParkNs + ")";
    }
}
