package io.shmtel.core.region;

import io.shmtel.error.ShmtelException;

/**
 * A region's memory options could not be applied: locking beyond {@code RLIMIT_MEMLOCK}, huge pages
 * the system does not offer, a hint the kernel refuses. The message names the limit or setting and
 * how to change it. Nothing was created or changed on disk because of it.
 */
public final class RegionMemoryException extends ShmtelException {
    private static final long serialVersionUID = 1L;

    public RegionMemoryException(String message) {
        super(message);
    }
}
