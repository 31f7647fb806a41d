package io.shmtel.bench.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * A child process of the harness and the line protocol of {@link Child}: READY, GO, METRIC, HIST,
 * PLACEMENT, DONE. Its stderr goes to a log file whose tail is quoted when the child fails.
 */
final class Proc implements AutoCloseable {
    private static final String EOF = "\u0000EOF";

    final String name;
    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Writer stdin;
    final Map<String, Double> metrics = new LinkedHashMap<>();
    final Map<String, Histogram> histograms = new LinkedHashMap<>();
    /** What the child said of its placement ({@link Placement#LINE}), null when it was not asked to place. */
    String placement;

    private Proc(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process went away; EOF below says so.
            } finally {
                lines.add(EOF);
            }
        }, "harness-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static Proc start(String name, List<String> command, Path logDir) {
        Path log = logDir.resolve(name + ".log");
        try {
            Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            return new Proc(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Waits for READY. */
    void awaitReady(Duration timeout) {
        String line = next(timeout);
        if (!line.equals("READY")) {
            throw failure("said \"" + line + "\" instead of READY");
        }
    }

    void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw failure("cannot be told " + line + ": " + e.getMessage());
        }
    }

    /** Reads METRIC, HIST and PLACEMENT lines up to DONE, then waits for a clean exit. */
    Proc collect(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (line.equals("DONE")) {
                break;
            }
            String[] parts = line.split(" ", 3);
            if (parts[0].equals("METRIC") && parts.length == 3) {
                metrics.put(parts[1], Double.parseDouble(parts[2]));
            } else if (parts[0].equals(Placement.LINE) && parts.length >= 2) {
                placement = line.substring(Placement.LINE.length() + 1);
            } else if (parts[0].equals("HIST") && parts.length == 3) {
                ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(parts[2]));
                try {
                    histograms.put(parts[1], Histogram.decodeFromCompressedByteBuffer(bytes, 0));
                } catch (DataFormatException e) {
                    throw failure("sent a corrupt histogram: " + e.getMessage());
                }
            } else {
                throw failure("said \"" + line + "\"");
            }
        }
        try {
            if (!process.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw failure("did not exit after DONE");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted");
        }
        if (process.exitValue() != 0) {
            throw failure("exited with status " + process.exitValue());
        }
        return this;
    }

    double metric(String key) {
        Double value = metrics.get(key);
        if (value == null) {
            throw failure("reported no " + key);
        }
        return value;
    }

    Histogram histogram(String key) {
        Histogram h = histograms.get(key);
        if (h == null) {
            throw failure("reported no histogram " + key);
        }
        return h;
    }

    private String next(Duration timeout) {
        try {
            String line = lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw failure("said nothing for " + timeout.toSeconds() + " s");
            }
            if (line.equals(EOF)) {
                process.waitFor(5, TimeUnit.SECONDS);
                throw failure(process.isAlive() ? "closed its output" : "exited with status " + process.exitValue());
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted");
        }
    }

    IllegalStateException failure(String what) {
        StringBuilder message = new StringBuilder(name).append(" (pid ").append(process.pid()).append(") ")
                .append(what);
        try {
            List<String> tail = Files.exists(log) ? Files.readAllLines(log) : List.of();
            List<String> last = new ArrayList<>(tail.subList(Math.max(0, tail.size() - 15), tail.size()));
            if (!last.isEmpty()) {
                message.append("; its stderr (").append(log).append(") ends with:\n  ")
                        .append(String.join("\n  ", last));
            }
        } catch (IOException | UncheckedIOException e) {
            message.append("; its stderr log ").append(log).append(" cannot be read: ").append(e.getMessage());
        }
        return new IllegalStateException(message.toString());
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // Already gone.
        }
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
