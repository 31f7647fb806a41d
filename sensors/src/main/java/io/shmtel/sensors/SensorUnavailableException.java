package io.shmtel.sensors;

import io.shmtel.error.ShmtelException;

/** A driver's source is missing or unreadable; the message says what, where, and what to do. */
public final class SensorUnavailableException extends ShmtelException {
    private static final long serialVersionUID = 1L;

    public SensorUnavailableException(String message) {
        super(message);
    }
}
