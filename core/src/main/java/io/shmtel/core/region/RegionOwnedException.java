package io.shmtel.core.region;

import io.shmtel.error.ShmtelException;

/** Another live writer owns the region (it holds the region's lock). */
public final class RegionOwnedException extends ShmtelException {
    private static final long serialVersionUID = 1L;

    public RegionOwnedException(String message) {
        super(message);
    }

    public RegionOwnedException(String message, Throwable cause) {
        super(message, cause);
    }
}
