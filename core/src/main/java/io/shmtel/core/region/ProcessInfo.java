package io.shmtel.core.region;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process identity beyond the pid: the start time, so that a reused pid is not taken for the original. */
public final class ProcessInfo {
    /**
     * Where process entries are read, {@code /proc}; the tests set {@code -Dshmtel.procRoot} to a
     * directory without a process's entry to play a /proc that hides it (hidepid, another PID namespace).
     */
    public static final String PROC_ROOT_PROPERTY = "shmtel.procRoot";
    private static final Path PROC = Path.of(System.getProperty(PROC_ROOT_PROPERTY, "/proc"));

    private ProcessInfo() {}

    public static int currentPid() {
        return (int) ProcessHandle.current().pid();
    }

    /**
     * Start time of process {@code pid} in clock ticks after boot (field 22 of /proc/PID/stat), or
     * -1 when it cannot be read: no such process, or one this process may not see (hidepid, another
     * PID namespace), or no file descriptor left. -1 alone never proves a process dead.
     */
    public static long startTime(int pid) {
        try {
            String stat = Files.readString(PROC.resolve(Integer.toString(pid)).resolve("stat"),
                    StandardCharsets.US_ASCII);
            // The command name (field 2) may contain spaces and parentheses: fields after the last ')' are safe.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[22 - 3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** True when process {@code pid} exists and started at {@code startTime} (so it is the same process). */
    public static boolean isAlive(int pid, long startTime) {
        return pid > 0 && startTime >= 0 && startTime(pid) == startTime;
    }

    /** The real user id of this process. */
    public static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the user id of this process from /proc/self", e);
        }
    }
}
