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
    /** The layouts are incompatible ({@code compat}), or a region's layout is not the one expected. */
    public static final int INCOMPATIBLE = 4;
    /** No region of that name (or no such directory). */
    public static final int REGION_NOT_FOUND = 5;
    /** A live writer owns the region: a second {@code pub}, or {@code rm} without {@code --force}. */
    public static final int REGION_OWNED = 6;
    /** The region's bytes contradict the format (wrong magic, impossible lengths, schema mismatch). */
    public static final int CORRUPT_REGION = 7;
    /** No room in the region directory. */
    public static final int NO_SPACE = 8;
    /** Permission denied, an untrusted owner, a link or a non-regular file. */
    public static final int PERMISSION = 9;
    /** Nothing arrived within {@code --timeout}, or the region stayed in creation. */
    public static final int TIMEOUT = 10;
    /** Another system call failed; the message names it and errno. */
    public static final int SYSTEM_ERROR = 11;
    /** {@code run}: a required (not optional) driver's source is missing. */
    public static final int SENSOR_UNAVAILABLE = 12;
    /** {@code doctor}: something in the environment needs attention (each finding says what to do). */
    public static final int DOCTOR_PROBLEMS = 13;
    /** {@code serve}: cannot listen (the port is in use, or the address is not this machine's). */
    public static final int CANNOT_LISTEN = 14;
    /** {@code bridge}: the transport cannot run (a JVM flag missing, an address not this host's, a port in use) or failed. */
    public static final int BRIDGE_FAILED = 15;
    /** {@code pub} to a mailbox: a message was answered with an error code, or its consumer died holding it. */
    public static final int MAILBOX_FAILED = 16;
    /** A region's memory options cannot be applied: a lock beyond RLIMIT_MEMLOCK, huge pages the system does not offer. */
    public static final int MEMORY = 17;

    private ExitCodes() {}
}
