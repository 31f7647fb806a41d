package io.shmtel.core.region;

import io.shmtel.error.ShmtelException;

/** The directory has no room for the region; nothing is left behind. */
public final class NoSpaceException extends ShmtelException {
    private static final long serialVersionUID = 1L;

    public NoSpaceException(String message) {
        super(message);
    }

    public NoSpaceException(String message, Throwable cause) {
        super(message, cause);
    }
}
