package io.shmtel.tools;

import java.io.IOException;

/** Output could not be written (exit 3): the message names the file, the reason and what was kept. */
final class OutputException extends IOException {
    private static final long serialVersionUID = 1L;

    OutputException(String message, Throwable cause) {
        super(message, cause);
    }
}
