package io.shmtel.core.idle;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Spins {@code maxSpins} times, then sleeps in the kernel until the writer publishes (a futex
 * wait, see {@link io.shmtel.core.WaitSet}): microseconds to wake up and no CPU while idle. Each
 * sleep lasts at most {@code maxWaitNs} and at most what the caller allows (a subscriber's await
 * wakes at its liveness period to check the writer's state). Used without a wake signal (a plain
 * {@link #idle()} from a hand-written loop) it parks like the backoff's longest park, {@code fallbackParkNs}.
 */
public final class BlockingIdleStrategy implements IdleStrategy {
    public static final int DEFAULT_MAX_SPINS = 100;
    public static final long DEFAULT_MAX_WAIT_NS = TimeUnit.SECONDS.toNanos(1);
    public static final long DEFAULT_FALLBACK_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int maxSpins;
    private final long maxWaitNs;
    private final long fallbackParkNs;
    private int spins;

    public BlockingIdleStrategy() {
        this(DEFAULT_MAX_SPINS, DEFAULT_MAX_WAIT_NS);
    }

    public BlockingIdleStrategy(int maxSpins, long maxWaitNs) {
        if (maxSpins < 0 || maxWaitNs < 1) {
            throw new IllegalArgumentException("need maxSpins >= 0 and maxWaitNs >= 1: maxSpins=" + maxSpins
                    + " maxWaitNs=" + maxWaitNs);
        }
        this.maxSpins = maxSpins;
        this.maxWaitNs = maxWaitNs;
        this.fallbackParkNs = Math.min(maxWaitNs, DEFAULT_FALLBACK_PARK_NS);
    }

    @Override
    public void idle() {
        if (spins < maxSpins) {
            spins++;
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(fallbackParkNs);
        }
    }

    @Override
    public void idle(WakeSignal signal, long maxWaitNs) {
        if (spins < maxSpins) {
            spins++;
            Thread.onSpinWait();
        } else {
            signal.sleep(Math.min(maxWaitNs, this.maxWaitNs));
        }
    }

    @Override
    public void reset() {
        spins = 0;
    }

    @Override
    public String describe() {
        return "blocking(spins=" + maxSpins + ", maxWaitNs=" + maxWaitNs + ")";
    }
}
