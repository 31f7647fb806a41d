package io.shmtel.config;

import io.shmtel.error.ShmtelException;

/** A {@link ShmtelExtension} could not be loaded, or names a type or action that is taken. */
public final class ExtensionException extends ShmtelException {
    private static final long serialVersionUID = 1L;

    public ExtensionException(String message, Throwable cause) {
        super(message, cause);
    }
}
