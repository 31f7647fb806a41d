package io.shmtel.core.region;

import io.shmtel.error.ShmtelException;

/** The region cannot be opened or is not trusted: permissions, owner or file type. */
public final class RegionPermissionException extends ShmtelException {
    private static final long serialVersionUID = 1L;

    public RegionPermissionException(String message) {
        super(message);
    }

    public RegionPermissionException(String message, Throwable cause) {
        super(message, cause);
    }
}
