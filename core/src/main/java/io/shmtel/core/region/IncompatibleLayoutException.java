package io.shmtel.core.region;

import io.shmtel.error.ShmtelException;

/**
 * The region was written with a layout this reader cannot read (another fingerprint, not compatible by the evolution
 * rule).
 */
public final class IncompatibleLayoutException extends ShmtelException {
    private static final long serialVersionUID = 1L;

    public IncompatibleLayoutException(String message) {
        super(message);
    }

    public IncompatibleLayoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
