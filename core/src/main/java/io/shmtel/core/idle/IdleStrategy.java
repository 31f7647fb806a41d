package io.shmtel.core.idle;

/**
 * What a polling subscriber does when there was nothing to read. Call {@link #idle()} (or
 * {@link #idle(WakeSignal, long)} with the records polled) after an empty poll and
 * {@link #reset()} after a poll that found data. Not thread-safe: one per poller.
 */
public interface IdleStrategy {

    /** Waits a little, more the longer nothing arrives. */
    void idle();

    /**
     * Waits a little, with a way to sleep until a writer publishes: a blocking strategy sleeps on
     * {@code signal} for at most {@code maxWaitNs}; the polling strategies ignore it and {@link #idle()}.
     */
    default void idle(WakeSignal signal, long maxWaitNs) {
        idle();
    }

    /** Data arrived: start again from the shortest wait. */
    void reset();

    /** A name for logs and tools, with the parameters. */
    String describe();
}
