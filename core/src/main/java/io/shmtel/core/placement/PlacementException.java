package io.shmtel.core.placement;

import io.shmtel.error.ShmtelException;

/**
 * A thread placement was refused: a CPU list that does not parse or names a CPU this machine lacks, a
 * CPU outside the set the process may use, a real-time priority without the right to it, a nice value
 * below {@code RLIMIT_NICE}, {@code mlockall} beyond {@code RLIMIT_MEMLOCK}. The message names the setting,
 * the limit and the fix.
 */
public final class PlacementException extends ShmtelException {
    private static final long serialVersionUID = 1L;

    public PlacementException(String message) {
        super(message);
    }

    /** A refusal that repeats or completes {@code cause} (e.g. the refusal a placed thread met, told its starter). */
    public PlacementException(String message, Throwable cause) {
        super(message, cause);
    }
}
