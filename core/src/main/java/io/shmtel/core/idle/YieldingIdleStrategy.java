package io.shmtel.core.idle;

/** Yields the CPU between polls: low latency, other threads still run, a core busy while idle. */
public final class YieldingIdleStrategy implements IdleStrategy {
    @Override
    public void idle() {
        Thread.yield();
    }

    @Override
    public void reset() {
        // nothing to reset
    }

    @Override
    public String describe() {
        return "yield";
    }
}
