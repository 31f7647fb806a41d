package io.shmtel.core.region;

import io.shmtel.error.ShmtelException;

/** Another system call failed on a region; the message names the call and errno. */
public final class RegionIoException extends ShmtelException {
    private static final long serialVersionUID = 1L;

    public RegionIoException(String message) {
        super(message);
    }

    public RegionIoException(String message, Throwable cause) {
        super(message, cause);
    }
}
