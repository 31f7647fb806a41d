package io.shmtel.bench.harness;

import io.shmtel.core.placement.CpuList;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.placement.ThreadPlacement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shmtel bench}: the cross-process latency and throughput harness. Runs shmtel, the C
 * cache-line floor and the peers (Aeron IPC, a Unix-domain socket, the tutorials' flag + sleep
 * loop) side by side in one invocation, each side in its own process, and prints one table with
 * every row's ratio to the floor measured in the same run; writes results.json and latency.png.
 *
 * <p>This class is the command line and the run loop; the scenarios are listed in
 * {@link Scenarios}, their child processes launched and collected by {@link Processes}, the
 * output written by {@link Report}.
 */
@Command(name = "shmtel bench", mixinStandardHelpOptions = true, version = "shmtel bench (development build)",
        sortOptions = false, usageHelpAutoWidth = true, modelTransformer = Harness.ScenarioHelp.class,
        description = {
            "Cross-process latency and throughput: shmtel against the C cache-line floor, Aeron IPC, a Unix-domain "
                    + "socket and a flag + sleep(10 ms) loop, side by side in one run.",
            "Prints one table; writes results.json, latency.png and the children's logs to --out."},
        footer = {"", "Examples:",
            "  shmtel bench --quick                 about two minutes (placed and unplaced runs)",
            "  shmtel bench                         the full profile, a few minutes",
            "  shmtel bench --quick --only floor,oneway,aeron",
            "  shmtel bench --fanout 1,2,4,8,16     on a machine with 17 cores or more",
            "  shmtel bench --quick --only floor,oneway --cpus 2,3     placed on CPUs 2 and 3, beside unplaced"})
public final class Harness implements Callable<Integer> {
    static final String FLOOR_ONE_WAY = "floor-oneway";
    static final String FLOOR_ROUND_TRIP = "floor-rtt";
    static final String FLOOR_AGAIN = "floor-oneway-end";
    /** The most subscriber processes {@code --fanout} accepts. */
    static final int MAX_FANOUT = 256;
    /** {@code --fanout}'s default, which the echoed command line leaves out. */
    static final List<Integer> DEFAULT_FANOUT = List.of(1, 2, 4, 8);
    private static final double NS_PER_SECOND = 1e9;

    /** Puts the scenario list of {@link Scenarios#ALL} in front of the help's examples. */
    public static final class ScenarioHelp implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            List<String> footer = new ArrayList<>(List.of("", "Scenarios (--only): " + Scenarios.NAMES));
            footer.addAll(List.of(spec.usageMessage().footer()));
            spec.usageMessage().footer(footer.toArray(String[]::new));
            return spec;
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Short runs (a few minutes in all) instead of the full profile.")
    boolean quick;

    @Option(names = "--smoke", hidden = true, description = "Tiny runs that only prove every path works (tests).")
    boolean smoke;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "shmtel-bench",
            description = "Where results.json, latency.png and logs/ go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--only", split = ",", paramLabel = "SCENARIO", description = "Run only these scenarios.")
    List<String> only;

    @Option(names = "--fanout", split = ",", paramLabel = "N", defaultValue = "1,2,4,8",
            description = "Subscriber process counts of the fan-out run (default: ${DEFAULT-VALUE}).")
    List<Integer> fanout;

    @Option(names = "--oversubscribe",
            description = "Run fan-out counts that need more cores than this machine has (busy-spinning subscribers "
                    + "then share cores, and measure the scheduler).")
    boolean oversubscribe;

    @Option(names = "--placement", paramLabel = "MODE", defaultValue = "both",
            description = "both (default): the latency scenarios whose processes fit on CPUs of their own run unplaced"
                    + " and placed (each process's measuring thread on its own CPU), rows side by side; placed: placed"
                    + " only; unplaced: unplaced only.")
    String placement;

    @Option(names = "--cpus", paramLabel = "LIST",
            description = "CPUs for placed processes, in launch order (a CPU list: 2,3 or 2-5); default: one CPU per"
                    + " core among those this process may use, highest first. A CPU a child is refused is reported"
                    + " and the child runs unplaced.")
    String cpus;

    @Option(names = "--fifo", paramLabel = "PRIORITY",
            description = "Placed processes also ask SCHED_FIFO at PRIORITY (1..99); refused: they run SCHED_OTHER and"
                    + " the row says why. Careful: a busy-spinning real-time thread holds its CPU.")
    int fifo;

    @Option(names = "--no-plot", description = "Do not draw latency.png.")
    boolean noPlot;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new Harness()).execute(args));
    }

    /** Usage errors: an unknown {@code --only} name, a {@code --fanout} count out of range. */
    void validate() {
        if (only != null) {
            for (String s : only) {
                if (Scenarios.byName(s).isEmpty()) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "unknown scenario \"" + s + "\" for --only: use " + Scenarios.NAMES);
                }
            }
        }
        for (int n : fanout) {
            if (n < 1 || n > MAX_FANOUT) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--fanout counts must be 1 to " + MAX_FANOUT + ", not " + n);
            }
        }
        placements();
    }

    /** What --placement, --cpus and --fifo ask for; a usage error names the bad value. */
    Placements placements() {
        try {
            List<Integer> given = cpus == null ? List.of() : orderedCpus(cpus);
            if (fifo != 0 && (fifo < ThreadPlacement.MIN_PRIORITY || fifo > ThreadPlacement.MAX_PRIORITY)) {
                throw new IllegalArgumentException("--fifo must be " + ThreadPlacement.MIN_PRIORITY + " to "
                        + ThreadPlacement.MAX_PRIORITY + ", not " + fifo);
            }
            return new Placements(Placements.Mode.parse(placement), given, fifo);
        } catch (IllegalArgumentException | PlacementException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** A --cpus list in the order written ("3,1" puts the first process on CPU 3); ranges ascend. */
    private static List<Integer> orderedCpus(String text) {
        List<Integer> ordered = new ArrayList<>();
        for (String part : text.split(",")) {
            CpuList.parse(part).stream().filter(c -> !ordered.contains(c)).forEach(ordered::add);
        }
        if (ordered.isEmpty()) {
            throw new IllegalArgumentException("--cpus \"" + text + "\" names no CPU (expected a list such as 2,3)");
        }
        return ordered;
    }

    @Override
    public Integer call() throws IOException {
        validate();
        Profile profile = smoke ? Profile.SMOKE : quick ? Profile.QUICK : Profile.FULL;
        Files.createDirectories(out);
        Path logs = Files.createDirectories(out.resolve("logs"));
        Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm")
                : Path.of(System.getProperty("java.io.tmpdir"));
        Path work = Files.createTempDirectory(base, "shmtel-bench-");
        Thread cleanup = new Thread(() -> Bench.deleteTree(work), "shmtel-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        Placements placements = placements();
        Bench bench = new Bench(profile, work, logs, fanout, oversubscribe, placements, this::selected);
        Results results = new Results(profile, commandLine(), Machine.describe());
        results.machine.put("placement", placements.describe());
        System.out.printf("shmtel bench: %s profile on %s (%s cores), Java %s; work files in %s%n", profile.name(),
                results.machine.get("cpu"), results.machine.get("cores"), results.machine.get("java"), work);
        System.out.printf("  %s%n", placements.describe());
        try {
            for (Scenario scenario : Scenarios.ALL) {
                if (scenario.quick() || profile != Profile.QUICK) {
                    run(bench, results, scenario);
                }
            }
            if (selected("floor") && results.rows.size() > 2) {
                run(bench, results, Scenarios.FLOOR_AGAIN);
            }
        } finally {
            Bench.deleteTree(work);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        Report report = new Report(results);
        System.out.println();
        System.out.print(report.table());
        Path json = out.resolve("results.json");
        report.writeJson(json);
        System.out.println("results: " + json);
        if (!noPlot) {
            Path png = out.resolve("latency.png");
            report.plot(png);
            System.out.println("plot:    " + png);
        }
        if (!results.failures.isEmpty()) {
            System.err.println("shmtel bench: " + results.failures.size() + " scenario(s) failed: "
                    + String.join("; ", results.failures));
            return 1;
        }
        return 0;
    }

    private String commandLine() {
        return "shmtel bench" + (smoke ? " --smoke" : quick ? " --quick" : "")
                + (only != null ? " --only " + String.join(",", only) : "")
                + (fanout.equals(DEFAULT_FANOUT) ? "" : " --fanout " + fanout.stream().map(String::valueOf)
                        .reduce((a, b) -> a + "," + b).orElse(""))
                + (oversubscribe ? " --oversubscribe" : "")
                + (placement.equals("both") ? "" : " --placement " + placement)
                + (cpus == null ? "" : " --cpus " + cpus) + (fifo == 0 ? "" : " --fifo " + fifo);
    }

    private boolean selected(String scenario) {
        return only == null || only.contains(scenario);
    }

    /**
     * Runs one scenario if {@code --only} selects it, with its progress line; a failure is
     * reported and counted, and the run goes on. Latency scenarios get C floors measured right
     * before them (their rows' ratios are against those).
     */
    private void run(Bench bench, Results results, Scenario scenario) {
        if (!selected(scenario.name())) {
            return;
        }
        long start = System.nanoTime();
        System.out.printf("  %-11s ", scenario.name());
        System.out.flush();
        int rowsBefore = results.rows.size();
        try {
            FloorScenarios.Floors floors = scenario.kind().adjacentFloors()
                    ? new FloorScenarios(bench).adjacentFloors(scenario.placed()) : null;
            scenario.body().run(bench, results);
            if (floors != null) {
                for (int i = rowsBefore; i < results.rows.size(); i++) {
                    Row row = results.rows.get(i);
                    results.rows.set(i, row.withAdjacentFloor(floors.forRow(row)));
                }
            }
            System.out.printf("done in %.1f s%n", (System.nanoTime() - start) / NS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            System.out.println("FAILED: " + message);
            results.failures.add(scenario.name() + ": " + message.lines().findFirst().orElse(""));
        }
    }

    static String findExecutable(String... names) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String name : names) {
            for (String dir : path.split(":")) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }
}
