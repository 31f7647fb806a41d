package io.shmtel.core.region;

import io.shmtel.error.ShmtelException;

/** No region of that name exists in the directory. */
public final class RegionNotFoundException extends ShmtelException {
    private static final long serialVersionUID = 1L;

    public RegionNotFoundException(String message) {
        super(message);
    }

    public RegionNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
