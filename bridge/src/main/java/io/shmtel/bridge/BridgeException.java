package io.shmtel.bridge;

/**
 * A bridge cannot start or go on: bad configuration, a transport that cannot run here, a remote schema that does not
 * compile.
 */
public class BridgeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BridgeException(String message) {
        super(message);
    }

    public BridgeException(String message, Throwable cause) {
        super(message, cause);
    }
}
