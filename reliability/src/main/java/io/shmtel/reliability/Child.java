package io.shmtel.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One {@link Worker} JVM: started with the same class path, read line by line, signalled, reaped. */
public final class Child implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;

    private Child(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Starts {@code Worker args...}; {@code jvmProperties} are -D settings (e.g. a crash point). */
    public static Child start(List<String> jvmProperties, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xss512k"));
        command.addAll(jvmProperties);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Worker.class.getName()));
        command.addAll(List.of(args));
        try {
            return new Child(new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a worker JVM: " + command, e);
        }
    }

    public static Child start(String... args) {
        return start(List.of(), args);
    }

    public long pid() {
        return process.pid();
    }

    /** The next line of output; fails with everything printed so far when the child ends without one. */
    public String line() {
        try {
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("worker " + pid() + " ended without output (exit "
                        + (process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : "?") + ")");
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads lines until one starts with {@code prefix}; fails with the lines seen otherwise. */
    public String await(String prefix) {
        StringBuilder seen = new StringBuilder();
        while (true) {
            String line;
            try {
                line = line();
            } catch (IllegalStateException e) {
                throw new IllegalStateException(e.getMessage() + "; output:\n" + seen, e);
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            seen.append(line).append('\n');
        }
    }

    public void send(String line) {
        in.println(line);
    }

    /** Sends {@code signal} (KILL, STOP, CONT, TERM) with kill(1). */
    public void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * True once the process stopped (state T in /proc/PID/stat: SIGSTOP, e.g. a stall point) within {@code seconds}.
     */
    public boolean awaitStopped(int seconds) {
        Path stat = Path.of("/proc", Long.toString(pid()), "stat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            while (process.isAlive() && System.nanoTime() - deadline < 0) {
                String s = Files.readString(stat);
                if (s.charAt(s.lastIndexOf(')') + 2) == 'T') {
                    return true;
                }
                Thread.sleep(2);
            }
        } catch (IOException e) {
            return false; // gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** SIGKILL through the JDK (no extra process, so the kill moment is precise). */
    public void kill() {
        process.destroyForcibly();
    }

    /** Waits for the exit; returns the exit code (137 after SIGKILL), or fails after {@code seconds}. */
    public int waitExit(int seconds) {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException("worker " + pid() + " still running after " + seconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** The rest of the output (after the process ended). */
    public String rest() {
        try {
            StringBuilder sb = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null) {
                sb.append(line).append('\n');
            }
            return sb.toString();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
