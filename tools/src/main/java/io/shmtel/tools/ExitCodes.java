package io.shmtel.tools;

/** The CLI's exit codes: a contract for scripts, documented in docs/cli.md. */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** An unexpected internal error (a bug: please report it with the stack trace). */
    public static final int INTERNAL = 1;
    /** Invalid input: a bad schema file or bad command-line arguments; every error is on stderr. */
    public static final int INVALID_INPUT = 2;
    /** Output could not be written (directory not writable, disk full). */
    public static final int IO_ERROR = 3;
    /** {@code compat}: the writer's layout cannot be read by a reader of the other layout. */
    public static final int INCOMPATIBLE = 4;

    private ExitCodes() {}
}
