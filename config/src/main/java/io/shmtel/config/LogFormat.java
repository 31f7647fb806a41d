package io.shmtel.config;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * shmtel's log line: one line per record, whatever it carries,
 * {@code 11:42:54.123 INFO sensors: driver sim-arm publishing demo.arm/joint_state at 500.0 Hz}: local
 * time, level, source (the logger's name without {@code io.shmtel.}: {@code config} for the
 * deployment's nodes and subscribers, {@code sensors} for drivers, {@code region},
 * {@code subscriber}, {@code publisher}), message. Line breaks inside a message become
 * {@code " | "}; an exception is appended as {@code " (java.io.IOException: why; caused by ...)"},
 * without its stack trace, so every record stays one line a program can split.
 */
public final class LogFormat extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());
    private static final String PREFIX = "io.shmtel.";

    /**
     * Gives the root logger's handlers (the JDK's console handler on stderr) this format, unless
     * logging is configured otherwise ({@code java.util.logging.config.file} or {@code .class}, or
     * {@code java.util.logging.SimpleFormatter.format}, or another {@code java.util.logging.manager} set):
     * how the command line and the samples' programs log. Called first thing in {@code main}, before
     * anything logs, it also installs {@link StopSafeManager}, so lines logged by shutdown hooks
     * (a deployment's stop line) still reach stderr.
     */
    public static void installUnlessConfigured() {
        for (String p : new String[] {"java.util.logging.config.file", "java.util.logging.config.class",
                "java.util.logging.SimpleFormatter.format", "java.util.logging.manager"}) {
            if (System.getProperty(p) != null && !System.getProperty(p).equals(StopSafeManager.class.getName())) {
                return;
            }
        }
        // Must be set before the first logger initialises the LogManager: the lines other shutdown
        // hooks log (a deployment's stop line) then still reach stderr. Harmless if it is too late.
        System.setProperty("java.util.logging.manager", StopSafeManager.class.getName());
        for (Handler h : Logger.getLogger("").getHandlers()) {
            h.setFormatter(new LogFormat());
        }
    }

    /**
     * The JDK's LogManager closes every handler in a shutdown hook of its own, which runs at the
     * same time as the program's hooks, so a line logged while a hook stops a deployment ("deployment
     * X: stopped; removed ...") would be lost. This manager leaves the handlers open (flushed) at
     * shutdown; the JVM's exit ends them. Installed by {@link #installUnlessConfigured()} through
     * {@code java.util.logging.manager}, or by a program itself
     * ({@code -Djava.util.logging.manager=io.shmtel.config.LogFormat$StopSafeManager}).
     */
    public static final class StopSafeManager extends LogManager {
        @Override
        public void reset() {
            if (Thread.currentThread().getClass().getName().equals("java.util.logging.LogManager$Cleaner")) {
                for (Handler h : Logger.getLogger("").getHandlers()) {
                    h.flush();
                }
                return;
            }
            super.reset();
        }
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder sb = new StringBuilder(128);
        TIME.formatTo(Instant.ofEpochMilli(record.getMillis()), sb);
        sb.append(' ').append(record.getLevel().getName()).append(' ');
        String source = record.getLoggerName();
        if (source == null || source.isEmpty()) {
            source = record.getSourceClassName() == null ? "-" : record.getSourceClassName();
        }
        sb.append(source.startsWith(PREFIX) ? source.substring(PREFIX.length()) : source).append(": ");
        oneLine(sb, formatMessage(record));
        Throwable t = record.getThrown();
        if (t != null) {
            sb.append(" (");
            for (int depth = 0; t != null && depth < 8; t = t.getCause(), depth++) {
                if (depth > 0) {
                    sb.append("; caused by ");
                }
                oneLine(sb, t.toString());
            }
            sb.append(')');
        }
        return sb.append(System.lineSeparator()).toString();
    }

    private static void oneLine(StringBuilder sb, String text) {
        if (text == null) {
            sb.append("null");
            return;
        }
        String trimmed = text.strip();
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c == '\r' || c == '\n') {
                sb.append(" | ");
                while (i + 1 < trimmed.length() && (trimmed.charAt(i + 1) == '\r' || trimmed.charAt(i + 1) == '\n')) {
                    i++;
                }
            } else {
                sb.append(c);
            }
        }
    }
}
