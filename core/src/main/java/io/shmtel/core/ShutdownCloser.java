package io.shmtel.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Closes what is still open when the JVM shuts down (SIGTERM, SIGINT/Ctrl-C, {@code System.exit},
 * the last non-daemon thread ending), newest first, through one JVM shutdown hook shared by all.
 * The hook is added when the first closeable registers and removed when the last unregisters, so a
 * program that closes everything itself leaves no hook behind.
 *
 * <p>Every {@link Publisher} opened with {@code RegionOptions.closeOnShutdown()} (the default)
 * registers here and unregisters on close, so a killed publishing program leaves its regions
 * CLOSED, not WRITER_DEAD. Programs with a shutdown of their own register that instead (the
 * deployment runner does) and open their publishers with {@code withCloseOnShutdown(false)}, so one
 * thing closes each region once. A SIGKILL runs no hook: readers then see WRITER_DEAD, as designed.
 */
public final class ShutdownCloser {
    private static final System.Logger LOG = System.getLogger("io.shmtel.shutdown");
    private static final Set<AutoCloseable> OPEN = new LinkedHashSet<>();
    private static Thread hook;
    private static boolean shuttingDown;

    private ShutdownCloser() {}

    /** Closes {@code closeable} at JVM shutdown unless {@link #unregister}ed first; registering twice is once. */
    public static synchronized void register(AutoCloseable closeable) {
        if (shuttingDown) {
            return; // too late for a hook; its owner closes it, or the JVM exits
        }
        OPEN.add(closeable);
        if (hook == null) {
            Thread h = new Thread(ShutdownCloser::closeAll, "shmtel-close-on-shutdown");
            try {
                Runtime.getRuntime().addShutdownHook(h);
                hook = h;
            } catch (IllegalStateException alreadyShuttingDown) {
                shuttingDown = true;
                OPEN.remove(closeable);
            }
        }
    }

    /** Forgets {@code closeable} (it was closed); removes the hook when nothing is left to close. */
    public static synchronized void unregister(AutoCloseable closeable) {
        if (!OPEN.remove(closeable) || !OPEN.isEmpty() || hook == null || shuttingDown) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            return; // the hook is running and finds nothing left to close
        }
        hook = null;
    }

    /** How many closeables would be closed at shutdown now (for tests and tools). */
    public static synchronized int registered() {
        return OPEN.size();
    }

    /** Whether the shared JVM hook is installed now (for tests). */
    static synchronized boolean hookInstalled() {
        return hook != null;
    }

    private static void closeAll() {
        List<AutoCloseable> toClose;
        synchronized (ShutdownCloser.class) {
            shuttingDown = true;
            toClose = new ArrayList<>(OPEN);
            OPEN.clear();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception | Error e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + toClose.get(i) + " at shutdown: " + e);
            }
        }
    }
}
