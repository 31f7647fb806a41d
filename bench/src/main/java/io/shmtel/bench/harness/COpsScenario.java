package io.shmtel.bench.harness;

import static io.shmtel.bench.harness.Bench.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code cops} scenario: the operations of the JMH benchmarks ({@code SeqlockBenchmarks}) written in C
 * (cops.c, compiled with gcc once per run, beside floor.c) and timed on this machine, so that each JMH figure
 * has a same-machine floor: publish 64 (and 256) bytes into a seqlock slot, read the latest 64 (and 256)
 * validated, and a poll that finds nothing new.
 */
final class COpsScenario {
    /**
     * One operation cops.c times: its name in cops.c's output, the JMH benchmark(s) it is the floor of, and what
     * it does.
     */
    record Op(String name, String jmh, String description) {}

    /** Every operation cops.c prints, in its order; the report prints one line each. */
    static final List<Op> OPS = List.of(
            new Op("publish64", "publish64", "set a field, publish 48 bytes into a 64-byte slot"),
            new Op("publish64fence", "publish64 (-Dshmtel.wake.noMembarrier=true)",
                    "the same, with a C writer's full fence before loading the sleeper bits"),
            new Op("publish256", "publish256", "set a field, publish 240 bytes into a 256-byte slot"),
            new Op("readLatest64", "readLatest64", "published, then a validated copy of the newest 64-byte slot"),
            new Op("readLatest256", "readLatest256", "the same for a 256-byte slot"),
            new Op("pollNothingNew", "streamPollNothingNew, latestPollNothingNew",
                    "one acquire load of the watched slot's seq: an older sample, nothing new"));

    /** Batches of each operation; the fastest and the median batch are reported. */
    static final int BATCHES = 31;
    /** Expected time of one call, for the time bound only (generous: a loaded machine). */
    private static final double NS_PER_CALL = 200;
    private static final Duration GCC_TIMEOUT = Duration.ofSeconds(60);

    private final Bench bench;

    COpsScenario(Bench bench) {
        this.bench = bench;
    }

    void cops(Results results) throws IOException {
        String gcc = Harness.findExecutable("gcc", "cc");
        if (gcc == null) {
            results.cOpsSkipped = "skipped: no gcc or cc on PATH (install gcc to measure the C operations)";
            return;
        }
        Path dir = bench.work.resolve("cops");
        Files.createDirectories(dir);
        Path source = dir.resolve("cops.c");
        try (InputStream in = Harness.class.getResourceAsStream("cops.c")) {
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        Path binary = dir.resolve("cops");
        exec(List.of(gcc, "-O2", "-std=c11", "-o", binary.toString(), source.toString()), "gcc", GCC_TIMEOUT);
        long iterations = bench.profile.floorCount(); // 10,000 smoke, 1,000,000 quick, 5,000,000 full
        Path out = dir.resolve("cops.txt");
        exec(List.of(binary.toString(), dir.resolve("region").toString(), String.valueOf(iterations),
                String.valueOf(BATCHES), out.toString()), "cops",
                Bench.budget((BATCHES + 1) * (double) iterations * OPS.size() * NS_PER_CALL));
        Map<String, double[]> measured = parse(Files.readAllLines(out, StandardCharsets.UTF_8));
        for (Op op : OPS) {
            double[] ns = measured.get(op.name());
            if (ns == null) {
                throw new IOException("cops printed no line for " + op.name() + ": " + measured.keySet());
            }
            results.cOps.add(new Results.COp(op, ns[0], ns[1]));
        }
    }

    /** cops.c's lines, {@code NAME MIN_NS MEDIAN_NS}, by name. */
    static Map<String, double[]> parse(List<String> lines) throws IOException {
        Map<String, double[]> byName = new LinkedHashMap<>();
        for (String line : lines) {
            String[] words = line.trim().split(" ");
            if (words.length != 3) {
                throw new IOException("cops: a line is not NAME MIN_NS MEDIAN_NS: \"" + line + "\"");
            }
            try {
                byName.put(words[0], new double[] {Double.parseDouble(words[1]), Double.parseDouble(words[2])});
            } catch (NumberFormatException e) {
                throw new IOException("cops: a line is not NAME MIN_NS MEDIAN_NS: \"" + line + "\"", e);
            }
        }
        return byName;
    }

    /** The report's section: one line per operation, the JMH name beside it. */
    static void append(StringBuilder out, Results results) {
        if (results.cOps.isEmpty() && results.cOpsSkipped == null) {
            return;
        }
        out.append(String.format(Locale.ROOT, "%nC operations (cops.c, gcc -O2, this machine; thread CPU time per call,"
                + " the fastest and the median of %d batches): the floor of each JMH benchmark%n", BATCHES));
        if (results.cOpsSkipped != null) {
            out.append("  ").append(results.cOpsSkipped).append(System.lineSeparator());
            return;
        }
        out.append(String.format(Locale.ROOT, "  %-15s %9s %9s   %-44s %s%n", "C operation", "min", "median",
                "JMH (SeqlockBenchmarks)", "what it does"));
        for (Results.COp c : results.cOps) {
            out.append(String.format(Locale.ROOT, "  %-15s %6.2f ns %6.2f ns   %-44s %s%n", c.op().name(), c.minNs(),
                    c.medianNs(), c.op().jmh(), c.op().description()));
        }
    }
}
