package io.shmtel.core.idle;

/**
 * What a polling subscriber does when there was nothing to read. Call {@link #idle()} after an
 * empty poll and {@link #reset()} after a poll that found data. Not thread-safe: one per poller.
 */
public interface IdleStrategy {

    /** Waits a little, more the longer nothing arrives. */
    void idle();

    /** Data arrived: start again from the shortest wait. */
    void reset();

    /** A name for logs and tools, with the parameters. */
    String describe();
}
