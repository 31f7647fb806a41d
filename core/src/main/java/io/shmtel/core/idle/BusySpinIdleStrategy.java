package io.shmtel.core.idle;

/** Spins on {@link Thread#onSpinWait()}: the lowest latency, a whole core while idle. */
public final class BusySpinIdleStrategy implements IdleStrategy {
    @Override
    public void idle() {
        Thread.onSpinWait();
    }

    @Override
    public void reset() {
        // nothing to reset
    }

    @Override
    public String describe() {
        return "busy-spin";
    }
}
