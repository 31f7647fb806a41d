package io.shmtel.tools;

import io.shmtel.bridge.BridgeException;
import io.shmtel.config.DeploymentException;
import io.shmtel.config.ExtensionException;
import io.shmtel.core.nativeio.Posix.PosixException;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.region.CorruptRegionException;
import io.shmtel.core.region.IncompatibleLayoutException;
import io.shmtel.core.region.InvalidRegionNameException;
import io.shmtel.core.region.NoSpaceException;
import io.shmtel.core.region.RegionIoException;
import io.shmtel.core.region.RegionMemoryException;
import io.shmtel.core.region.RegionNotFoundException;
import io.shmtel.core.region.RegionNotReadyException;
import io.shmtel.core.region.RegionOwnedException;
import io.shmtel.core.region.RegionPermissionException;
import io.shmtel.core.region.RegionTruncatedException;
import io.shmtel.error.ShmtelException;
import io.shmtel.foxglove.ServeException;
import io.shmtel.schema.InputFiles.UnreadableFileException;
import io.shmtel.schema.SchemaException;
import io.shmtel.sensors.SensorUnavailableException;
import io.shmtel.tools.mcap.McapReader.McapFormatException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CLI's exit codes, the one table of them: a contract for scripts. Each code carries its {@link Meaning}
 * (the row of docs/cli.md's exit-code table, word for word; {@code shmtel --help} lists it without the
 * Markdown) and the exception types that end a command with it ({@link #of(Throwable)}, read by
 * {@link ShmtelCli}'s handler). Tests check that the help and the doc list exactly these codes and that every
 * exception type of the modules the CLI runs is listed under exactly one code.
 *
 * <p>Adding a code: a constant here with its {@code @Meaning}, and its row in docs/cli.md. Adding an exception
 * type (in any module the CLI depends on): list it under its code here.
 */
public final class ExitCodes {
    /** What an exit code means, and the exceptions that end a command with it. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    @interface Meaning {
        /** The meaning as docs/cli.md's table shows it (Markdown: commands and options in backticks). */
        String value();

        /** The exception types (each exactly, not its subtypes) that end a command with this code. */
        Class<? extends Throwable>[] exceptions() default {};
    }

    @Meaning("success")
    public static final int OK = 0;
    @Meaning(value = "internal error (a bug: the stack trace is on stderr; please report it)",
            // Caught inside core (PosixException) or the abstract root: reaching the CLI is a bug.
            exceptions = {ShmtelException.class, PosixException.class})
    public static final int INTERNAL = 1;
    @Meaning(value = "invalid input: a bad schema file, bad arguments, a bad region name; an input file (schema,"
            + " deployment, MCAP) missing, not a regular file, too large or damaged; every error is on stderr",
            exceptions = {SchemaException.class, DeploymentException.class, UnreadableFileException.class,
                    McapFormatException.class, InvalidRegionNameException.class, ExtensionException.class})
    public static final int INVALID_INPUT = 2;
    @Meaning(value = "output could not be written (no such directory, a directory given as the file, not writable,"
            + " disk full)", exceptions = OutputException.class)
    public static final int IO_ERROR = 3;
    @Meaning(value = "layouts incompatible: `compat`, or a region of another format major version",
            exceptions = IncompatibleLayoutException.class)
    public static final int INCOMPATIBLE = 4;
    @Meaning(value = "region not found (or its directory does not exist)", exceptions = RegionNotFoundException.class)
    public static final int REGION_NOT_FOUND = 5;
    @Meaning(value = "a live writer owns the region: a second `pub`, or `rm` without `--force`",
            exceptions = RegionOwnedException.class)
    public static final int REGION_OWNED = 6;
    @Meaning(value = "corrupt region (wrong magic, impossible lengths, schema not matching its fingerprint);"
            + " `echo --check` saw a sample off the counter pattern",
            exceptions = {CorruptRegionException.class, RegionTruncatedException.class})
    public static final int CORRUPT_REGION = 7;
    @Meaning(value = "no space for the region in its directory", exceptions = NoSpaceException.class)
    public static final int NO_SPACE = 8;
    @Meaning(value = "permission denied, a region of another user (see `--any-owner`), a symbolic link or a"
            + " non-regular file", exceptions = RegionPermissionException.class)
    public static final int PERMISSION = 9;
    @Meaning(value = "timed out: `echo --timeout` with no sample or no region, or a region still being created",
            exceptions = RegionNotReadyException.class)
    public static final int TIMEOUT = 10;
    @Meaning(value = "another system call failed (the message names it and errno)",
            exceptions = RegionIoException.class)
    public static final int SYSTEM_ERROR = 11;
    @Meaning(value = "`run`: a required (not optional) driver's source is missing",
            exceptions = SensorUnavailableException.class)
    public static final int SENSOR_UNAVAILABLE = 12;
    @Meaning("`doctor`: something in the environment needs attention")
    public static final int DOCTOR_PROBLEMS = 13;
    @Meaning(value = "`serve`: cannot listen (the port is in use, or the address is not one of this machine's)",
            exceptions = ServeException.class)
    public static final int CANNOT_LISTEN = 14;
    @Meaning(value = "`bridge`: the transport cannot run (the JVM flag it needs is missing, the address is not this"
            + " host's, the port is in use) or failed", exceptions = BridgeException.class)
    public static final int BRIDGE_FAILED = 15;
    @Meaning("`pub` to a mailbox: a message was answered with an error code, or its consumer died holding it")
    public static final int MAILBOX_FAILED = 16;
    @Meaning(value = "a region's memory options or a thread placement cannot be applied: `--lock` beyond the"
            + " locked-memory limit, `--huge-pages` where the tmpfs has none, a CPU outside the allowed set, a"
            + " real-time priority or nice value without the right to it (the message names the limit or setting"
            + " and the fix)", exceptions = {RegionMemoryException.class, PlacementException.class})
    public static final int MEMORY = 17;
    @Meaning("`gc`, and `stat` of every region: done, but files at region names that it may not open or remove"
            + " (a symbolic link, a FIFO or other non-regular file, another user's file) were skipped, each named on"
            + " stderr")
    public static final int SKIPPED = 18;

    /** Every code's {@link Meaning}, by code, read once from the fields above. */
    private static final Map<Integer, Meaning> TABLE = table();
    /** The code of each exception type listed in a {@link Meaning}. */
    private static final Map<Class<?>, Integer> BY_EXCEPTION = byException();

    /** Every exit code declared here and its meaning as {@code shmtel --help} lists it, by code. */
    public static Map<Integer, String> meanings() {
        Map<Integer, String> meanings = new TreeMap<>();
        TABLE.forEach((code, meaning) -> meanings.put(code, meaning.value().replace("`", "")));
        return meanings;
    }

    /** Every exit code declared here and its meaning as docs/cli.md's table shows it (Markdown), by code. */
    static Map<Integer, String> documented() {
        Map<Integer, String> meanings = new TreeMap<>();
        TABLE.forEach((code, meaning) -> meanings.put(code, meaning.value()));
        return meanings;
    }

    /** Each exception type listed here and its code. */
    static Map<Class<?>, Integer> exceptions() {
        return Collections.unmodifiableMap(BY_EXCEPTION);
    }

    /**
     * The code a command ends with when it throws {@code e}: the code that lists its type or, for a type not
     * listed (a subtype from elsewhere), its nearest listed supertype; {@link #INTERNAL} for anything else.
     */
    public static int of(Throwable e) {
        for (Class<?> type = e.getClass(); type != null; type = type.getSuperclass()) {
            Integer code = BY_EXCEPTION.get(type);
            if (code != null) {
                return code;
            }
        }
        return INTERNAL;
    }

    private static Map<Integer, Meaning> table() {
        Map<Integer, Meaning> table = new TreeMap<>();
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
                if (table.put(f.getInt(null), meaning) != null) {
                    throw new IllegalStateException("exit code " + f.getInt(null) + " declared twice");
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return table;
    }

    private static Map<Class<?>, Integer> byException() {
        Map<Class<?>, Integer> codes = new HashMap<>();
        TABLE.forEach((code, meaning) -> {
            for (Class<?> type : meaning.exceptions()) {
                Integer was = codes.put(type, code);
                if (was != null) {
                    throw new IllegalStateException(type.getName() + " listed under exit codes " + was + " and "
                            + code);
                }
            }
        });
        return codes;
    }

    private ExitCodes() {}
}
