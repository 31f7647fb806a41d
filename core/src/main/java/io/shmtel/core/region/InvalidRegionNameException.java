package io.shmtel.core.region;

import io.shmtel.error.ShmtelException;

/** A region name outside [A-Za-z0-9][A-Za-z0-9._-]{0,127}; refused before any file call. */
public final class InvalidRegionNameException extends ShmtelException {
    private static final long serialVersionUID = 1L;

    public InvalidRegionNameException(String message) {
        super(message);
    }

    public InvalidRegionNameException(String message, Throwable cause) {
        super(message, cause);
    }
}
