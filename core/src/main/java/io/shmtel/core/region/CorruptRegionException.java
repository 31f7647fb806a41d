package io.shmtel.core.region;

import io.shmtel.error.ShmtelException;

/**
 * The region's bytes contradict the format: wrong magic, impossible lengths or offsets, a schema that does not match
 * its fingerprint.
 */
public class CorruptRegionException extends ShmtelException {
    private static final long serialVersionUID = 1L;

    public CorruptRegionException(String message) {
        super(message);
    }

    public CorruptRegionException(String message, Throwable cause) {
        super(message, cause);
    }
}
