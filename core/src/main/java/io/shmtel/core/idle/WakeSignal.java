package io.shmtel.core.idle;

/**
 * What a blocking idle strategy sleeps on: the records a poller reads (a
 * {@link io.shmtel.core.WaitSet}), whose writers wake it when they publish.
 */
public interface WakeSignal {

    /**
     * Sleeps until a watched writer publishes something the poller has not read yet, or someone
     * calls the signal's wake-up, or {@code maxWaitNs} passes; returns at once when there is
     * already something new. Spurious returns are allowed: the caller polls again.
     */
    void sleep(long maxWaitNs);
}
