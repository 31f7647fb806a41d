package io.shmtel.core.region;

import io.shmtel.error.ShmtelException;

/** The region is still being created after the opener's wait (its creator may have died). */
public final class RegionNotReadyException extends ShmtelException {
    private static final long serialVersionUID = 1L;

    public RegionNotReadyException(String message) {
        super(message);
    }

    public RegionNotReadyException(String message, Throwable cause) {
        super(message, cause);
    }
}
