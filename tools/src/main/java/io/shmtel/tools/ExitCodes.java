package io.shmtel.tools;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CLI's exit codes: a contract for scripts, documented in docs/cli.md. Each code carries its
 * one-line {@link Meaning}; {@code shmtel --help} lists them from here ({@link #meanings()}).
 */
public final class ExitCodes {
    /** What an exit code means, as {@code shmtel --help} lists it. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    @interface Meaning {
        String value();
    }

    /** The command did what was asked. */
    @Meaning("success")
    public static final int OK = 0;
    /** An unexpected internal error (a bug: please report it with the stack trace). */
    @Meaning("internal error (a bug: the stack trace is on stderr; please report it)")
    public static final int INTERNAL = 1;
    /** Invalid input: a bad schema file or bad command-line arguments; every error is on stderr. */
    @Meaning("invalid input: a bad schema file, bad arguments, a bad region name")
    public static final int INVALID_INPUT = 2;
    /** Output could not be written (directory not writable, disk full). */
    @Meaning("output could not be written (directory not writable, disk full)")
    public static final int IO_ERROR = 3;
    /** The layouts are incompatible ({@code compat}), or a region's layout is not the one expected. */
    @Meaning("layouts incompatible (compat), or a region of another format major version")
    public static final int INCOMPATIBLE = 4;
    /** No region of that name (or no such directory). */
    @Meaning("region not found (or its directory does not exist)")
    public static final int REGION_NOT_FOUND = 5;
    /** A live writer owns the region: a second {@code pub}, or {@code rm} without {@code --force}. */
    @Meaning("a live writer owns the region (a second pub, or rm without --force)")
    public static final int REGION_OWNED = 6;
    /** The region's bytes contradict the format (wrong magic, impossible lengths, schema mismatch). */
    @Meaning("corrupt region, or echo --check saw a sample off the counter pattern")
    public static final int CORRUPT_REGION = 7;
    /** No room in the region directory. */
    @Meaning("no space for the region in its directory")
    public static final int NO_SPACE = 8;
    /** Permission denied, an untrusted owner, a link or a non-regular file. */
    @Meaning("permission denied, another user's region, a symbolic link or a non-regular file")
    public static final int PERMISSION = 9;
    /** Nothing arrived within {@code --timeout}, or the region stayed in creation. */
    @Meaning("timed out (echo --timeout), or a region still being created")
    public static final int TIMEOUT = 10;
    /** Another system call failed; the message names it and errno. */
    @Meaning("another system call failed (the message names it and errno)")
    public static final int SYSTEM_ERROR = 11;
    /** {@code run}: a required (not optional) driver's source is missing. */
    @Meaning("run: a required driver's sensor source is missing")
    public static final int SENSOR_UNAVAILABLE = 12;
    /** {@code doctor}: something in the environment needs attention (each finding says what to do). */
    @Meaning("doctor: something in the environment needs attention")
    public static final int DOCTOR_PROBLEMS = 13;
    /** {@code serve}: cannot listen (the port is in use, or the address is not this machine's). */
    @Meaning("serve: cannot listen (port in use, or an address not this machine's)")
    public static final int CANNOT_LISTEN = 14;
    /** {@code bridge}: the transport cannot run (a JVM flag missing, an address not this host's, a port in use) or failed. */
    @Meaning("bridge: the transport cannot run, or failed")
    public static final int BRIDGE_FAILED = 15;
    /** {@code pub} to a mailbox: a message was answered with an error code, or its consumer died holding it. */
    @Meaning("pub to a mailbox: a message was not answered done")
    public static final int MAILBOX_FAILED = 16;
    /** A region's memory options cannot be applied: a lock beyond RLIMIT_MEMLOCK, huge pages the system does not offer. */
    @Meaning("a region's memory options cannot be applied (--lock, --huge-pages)")
    public static final int MEMORY = 17;
    /**
     * {@code gc}, {@code stat} of every region: done, but files at region names that it may not
     * open or remove (links, non-regular files, another user's files) were skipped, each named on stderr.
     */
    @Meaning("gc, stat of every region: done, but files it may not open or remove were skipped (each named on stderr)")
    public static final int SKIPPED = 18;

    /** Every exit code declared here and its meaning, by code. */
    public static Map<Integer, String> meanings() {
        Map<Integer, String> meanings = new TreeMap<>();
        for (Field f : ExitCodes.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (f.getType() != int.class || !Modifier.isPublic(m) || !Modifier.isStatic(m) || !Modifier.isFinal(m)) {
                continue;
            }
            Meaning meaning = f.getAnnotation(Meaning.class);
            if (meaning == null) {
                throw new IllegalStateException("exit code " + f.getName() + " has no @Meaning");
            }
            try {
                if (meanings.put(f.getInt(null), meaning.value()) != null) {
                    throw new IllegalStateException("exit code " + f.getInt(null) + " declared twice");
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return meanings;
    }

    private ExitCodes() {}
}
