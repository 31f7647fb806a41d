package io.shmtel.error;

/**
 * Root of shmtel's exceptions: one subtype per cause, so that callers and the CLI can map each
 * to its own handling and exit code. Messages name what went wrong, where, the value found, the
 * value expected and, when there is one, the fix.
 */
public abstract class ShmtelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected ShmtelException(String message) {
        super(message);
    }

    protected ShmtelException(String message, Throwable cause) {
        super(message, cause);
    }
}
