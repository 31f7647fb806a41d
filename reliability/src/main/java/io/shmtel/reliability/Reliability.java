package io.shmtel.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shmtel reliability}: the reliability suites, quick (as in {@code mvn verify}) or full.
 * Each runs in its own scratch directory under /dev/shm, removed afterwards. Exit 0 when every
 * criterion held, 1 otherwise.
 */
@Command(name = "shmtel reliability", mixinStandardHelpOptions = true, sortOptions = false,
        description =
                {"Tries hard to break shmtel: crashes, stalls, torn reads, races, hostile regions and input, soak.",
                "Quick sizes by default (those of mvn verify); --full for the sizes of docs/reliability.md.",
                "Example: bin/shmtel reliability all --full"},
        subcommands = {Reliability.Crash.class, Reliability.Stall.class, Reliability.Torn.class,
                Reliability.Races.class,
                Reliability.FuzzRegion.class, Reliability.FuzzInput.class, Reliability.Soak.class,
                        Reliability.All.class})
public final class Reliability {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Reliability()).execute(args));
    }

    abstract static class Suite implements Callable<Integer> {
        @Option(names = "--full", description = "Full sizes (minutes) instead of the quick ones (seconds).")
        boolean full;

        @Option(names = "--seed", description = "Seed of the random choices (default: the clock); printed.")
        Long seed;

        long seed() {
            return seed != null ? seed : System.nanoTime();
        }

        abstract SuiteResult run() throws Exception;

        @Override
        public Integer call() throws Exception {
            SuiteResult r = run();
            System.out.println(r.render());
            return r.passed() ? 0 : 1;
        }
    }

    @Command(name = "crash", description =
            "Writer killed at every step of publish, create and takeover; random SIGKILLs"
            + " (quick 50, full 1000).")
    static final class Crash extends Suite {
        @Option(names = "--kills", description = "Random SIGKILLs (default: 50, full 1000).")
        Integer kills;

        @Override
        SuiteResult run() throws Exception {
            try (Scratch s = new Scratch("crash")) {
                return CrashSuite.run(s.dir(), kills != null ? kills : full ? 1000 : 50, seed());
            }
        }
    }

    @Command(name = "stall", description = "SIGSTOP/SIGCONT and a dead writer whose pid names a live process.")
    static final class Stall extends Suite {
        @Override
        SuiteResult run() throws Exception {
            try (Scratch s = new Scratch("stall")) {
                return StallSuite.run(s.dir());
            }
        }
    }

    @Command(name = "torn", description =
            "Reader JVMs validating every snapshot of a full-rate writer (quick 10^7 reads,"
            + " full 10^9), and the unvalidated control.")
    static final class Torn extends Suite {
        @Option(names = "--reads", description = "Validated reads in all (default: 10000000, full 1000000000).")
        Long reads;

        @Option(names = "--readers", description = "Reader JVMs (default: 8).")
        int readers = 8;

        @Override
        SuiteResult run() throws Exception {
            long n = reads != null ? reads : full ? 1_000_000_000L : 10_000_000L;
            try (Scratch s = new Scratch("torn")) {
                return TornSuite.run(s.dir(), n, readers, (int) Math.max(60, n / 200_000));
            }
        }
    }

    @Command(name = "races", description = "Two writers creating one region (quick 1000 rounds, full 10000); gc during"
            + " churn; subscriber open/close (quick 2000, full 100000).")
    static final class Races extends Suite {
        @Override
        SuiteResult run() throws Exception {
            try (Scratch s = new Scratch("races")) {
                return full ? RaceSuite.run(s.dir(), 10_000, 20_000, 100_000)
                        : RaceSuite.run(s.dir(), 1_000, 2_000, 2_000);
            }
        }
    }

    @Command(name = "fuzz-region", description =
            "Corrupted regions opened and read (quick 1000, full 100000), and a live"
            + " region corrupted under readers.")
    static final class FuzzRegion extends Suite {
        @Override
        SuiteResult run() throws Exception {
            try (Scratch s = new Scratch("fuzz")) {
                return RegionFuzzSuite.run(s.dir(), full ? 100_000 : 1_000, seed(), full ? 60_000 : 2_000);
            }
        }
    }

    @Command(name = "fuzz-input", description = "Mutated schema and deployment files (quick 4000, full 1000000); run"
            + " inside the repository (it mutates schema/examples and samples).")
    static final class FuzzInput extends Suite {
        @Override
        SuiteResult run() throws Exception {
            return InputFuzzSuite.run(InputFuzzSuite.findRoot(), full ? 1_000_000 : 4_000, seed());
        }
    }

    @Command(name = "soak", description = "Publishers, validating subscribers, random kills and restarts, gc, for a"
            + " duration. Example: bin/shmtel reliability soak --duration 8h")
    static final class Soak extends Suite {
        @Option(names = "--duration", description = "How long, e.g. 30s, 10m, 8h (default: 10s, full 10m).")
        String duration;

        @Option(names = "--writers", description = "Writer JVMs (default: 2).")
        int writers = 2;

        @Option(names = "--readers", description = "Reader JVMs (default: 4).")
        int readers = 4;

        @Override
        SuiteResult run() throws Exception {
            Duration d = parseDuration(duration != null ? duration : full ? "10m" : "10s");
            try (Scratch s = new Scratch("soak")) {
                return SoakSuite.run(s.dir(), d, writers, readers, Duration.ofMillis(100), seed());
            }
        }
    }

    @Command(name = "all", description = "Every suite in turn (soak: 10 s, or 10 min with --full).")
    static final class All extends Suite {
        @Override
        SuiteResult run() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Integer call() throws Exception {
            List<Suite> suites = List.of(new Crash(), new Stall(), new Torn(), new Races(), new FuzzRegion(),
                    new FuzzInput(), new Soak());
            List<SuiteResult> results = new ArrayList<>();
            for (Suite s : suites) {
                s.full = full;
                s.seed = seed;
                results.add(s.run());
            }
            System.out.println();
            results.forEach(r -> System.out.print(r.render()));
            return results.stream().allMatch(SuiteResult::passed) ? 0 : 1;
        }
    }

    /** "90s", "10m", "8h", "1d" or an ISO-8601 duration. */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(text);
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new CommandLine.ParameterException(new CommandLine(new Reliability()),
                    "--duration " + text + ": use a number with s, m, h or d (e.g. 8h)");
        };
    }
}
