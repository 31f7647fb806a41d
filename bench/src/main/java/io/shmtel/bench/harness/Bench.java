package io.shmtel.bench.harness;

import io.aeron.AeronVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One run of {@code shmtel bench} as its scenarios see it: the profile, the work and log
 * directories, the command-line choices they read, and how child processes are launched (the JVM
 * command line) and how long a run may take.
 */
final class Bench {
    /** How long a child may take to say READY. */
    static final Duration START = Duration.ofSeconds(60);
    /** The fixed part of a run's time bound: start-up, JIT and a slow machine. */
    private static final Duration BUDGET_BASE = Duration.ofSeconds(120);
    /** How many times its expected duration a run may take on top of {@link #BUDGET_BASE}. */
    private static final double BUDGET_FACTOR = 4;
    /** The only child classes that run with {@link #aeronJvmFlags()}. */
    private static final Set<Class<?>> AERON_CHILDREN = Set.of(AeronChild.class, BridgeChild.class);

    final Profile profile;
    /** Private directory of this run's regions and other work files, removed at the end. */
    final Path work;
    /** Where each child's stderr goes, one file per child. */
    final Path logs;
    /** Subscriber process counts of the fan-out scenario ({@code --fanout}). */
    final List<Integer> fanout;
    /** Whether fan-out counts that need more cores than this machine has run anyway. */
    final boolean oversubscribe;
    /** Which placements the placeable scenarios run ({@code --placement}, {@code --cpus}, {@code --fifo}). */
    final Placements placements;
    private final Predicate<String> selected;

    Bench(Profile profile, Path work, Path logs, List<Integer> fanout, boolean oversubscribe,
            Placements placements, Predicate<String> selected) {
        this.profile = profile;
        this.work = work;
        this.logs = logs;
        this.fanout = fanout;
        this.oversubscribe = oversubscribe;
        this.placements = placements;
        this.selected = selected;
    }

    /** Whether {@code --only} (or its absence) selects the scenario of this name. */
    boolean selected(String scenario) {
        return selected.test(scenario);
    }

    /** A new set of child processes for one run, closed (every process ended) by try-with-resources. */
    Processes processes() {
        return new Processes(this, Placement.UNPLACED);
    }

    /** As {@link #processes()}, the n-th process launched placed on the n-th CPU of {@code placement}. */
    Processes processes(Placement placement) {
        return new Processes(this, placement);
    }

    Path scenarioDir(String name) throws IOException {
        return Files.createDirectories(work.resolve(name));
    }

    /** Generous bound for a run expected to take {@code expectedNs}: start-up, JIT and a slow machine. */
    static Duration budget(double expectedNs) {
        return BUDGET_BASE.plusNanos((long) (expectedNs * BUDGET_FACTOR));
    }

    /**
     * What the Aeron child processes get, and no other process: Agrona reaches
     * {@code jdk.internal.misc.Unsafe}, which java.base exports only on request (JDK 17 and 25
     * alike); bounds checks off as in Aeron's own latency samples, to give the peer its best run.
     */
    static List<String> aeronJvmFlags() {
        return List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-Dagrona.disable.bounds.checks=true");
    }

    /** The command line of a child JVM running {@code main} with {@code args}, on this JVM's class path. */
    List<String> jvm(Class<?> main, Object... args) {
        return jvm(main, List.of(), args);
    }

    /** As {@link #jvm(Class, Object...)} with {@code options} (the child's placement) among the JVM options. */
    List<String> jvm(Class<?> main, List<String> options, Object... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"));
        command.addAll(options);
        if (AERON_CHILDREN.contains(main)) {
            command.addAll(aeronJvmFlags());
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        for (Object arg : args) {
            command.add(String.valueOf(arg));
        }
        return command;
    }

    static String aeronVersion() {
        return AeronVersion.VERSION;
    }

    /**
     * Runs a program that is not a {@link Child} (gcc, the C floor) to its end; fails on a non-zero status.
     * Returns what it printed (stdout and stderr together).
     */
    static String exec(List<String> command, String what, Duration timeout) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                throw new IOException(what + " did not finish in " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException(what + " interrupted", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(what + " failed (status " + process.exitValue() + "): " + output.strip());
        }
        return output;
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    System.err.println("shmtel bench: cannot delete " + p + ": " + e.getMessage());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("shmtel bench: cannot clean " + root + ": " + e.getMessage());
        }
    }
}
