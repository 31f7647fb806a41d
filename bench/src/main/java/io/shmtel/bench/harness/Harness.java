package io.shmtel.bench.harness;

import io.shmtel.core.Publisher;
import io.shmtel.core.idle.IdleStrategies;
import io.shmtel.core.region.RegionOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shmtel bench}: the cross-process latency and throughput harness. Runs shmtel, the C
 * cache-line floor and the peers (Aeron IPC, a Unix-domain socket, the tutorials' flag + sleep
 * loop) side by side in one invocation, each side in its own process, and prints one table with
 * every row's ratio to the floor measured in the same run; writes results.json and latency.png.
 */
@Command(name = "shmtel bench", mixinStandardHelpOptions = true, version = "shmtel bench (development build)", sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Cross-process latency and throughput: shmtel against the C cache-line floor, Aeron IPC, a Unix-domain "
                    + "socket and a flag + sleep(10 ms) loop, side by side in one run.",
            "Prints one table; writes results.json, latency.png and the children's logs to --out."},
        footer = {"", "Scenarios (--only): " + Harness.SCENARIO_LIST, "",
            "Examples:",
            "  shmtel bench --quick                 about a minute",
            "  shmtel bench                         the full profile, a few minutes",
            "  shmtel bench --quick --only floor,oneway,aeron",
            "  shmtel bench --fanout 1,2,4,8,16     on a machine with 17 cores or more"})
public final class Harness implements Callable<Integer> {
    static final String FLOOR_ONE_WAY = "floor-oneway";
    static final String FLOOR_ROUND_TRIP = "floor-rtt";
    static final String FLOOR_AGAIN = "floor-oneway-end";
    static final String SCENARIO_LIST = "floor, oneway, backoff, roundtrip, mailbox, aeron, uds, naive, throughput, idle, wake, memory, fanout, bridge";
    static final Set<String> SCENARIOS = Set.of(SCENARIO_LIST.split(", "));

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Short runs (about a minute in all) instead of the full profile.")
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

    @Option(names = "--no-plot", description = "Do not draw latency.png.")
    boolean noPlot;

    private Profile profile;
    private Path work;
    private Path logs;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new Harness()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        if (only != null) {
            for (String s : only) {
                if (!SCENARIOS.contains(s)) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "unknown scenario \"" + s + "\" for --only: use " + SCENARIO_LIST);
                }
            }
        }
        for (int n : fanout) {
            if (n < 1 || n > 256) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--fanout counts must be 1 to 256, not " + n);
            }
        }
        profile = smoke ? Profile.SMOKE : quick ? Profile.QUICK : Profile.FULL;
        Files.createDirectories(out);
        logs = Files.createDirectories(out.resolve("logs"));
        Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        work = Files.createTempDirectory(base, "shmtel-bench-");
        Thread cleanup = new Thread(() -> deleteTree(work), "shmtel-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        Results results = new Results(profile, commandLine(), Machine.describe());
        System.out.printf("shmtel bench: %s profile on %s (%s cores), Java %s; work files in %s%n", profile.name(),
                results.machine.get("cpu"), results.machine.get("cores"), results.machine.get("java"), work);
        try {
            run(results, "floor", () -> floor(results));
            run(results, "oneway", () -> fanOut(results, 1, true));
            run(results, "backoff", () -> backoff(results));
            run(results, "roundtrip", () -> roundTrip(results));
            run(results, "mailbox", () -> mailbox(results));
            run(results, "aeron", () -> aeron(results));
            run(results, "uds", () -> uds(results));
            run(results, "naive", () -> naive(results));
            run(results, "throughput", () -> throughput(results));
            run(results, "idle", () -> idle(results));
            run(results, "wake", () -> wake(results));
            run(results, "memory", () -> memory(results));
            run(results, "fanout", () -> {
                for (int n : fanout) {
                    if (n > 1 || !selected("oneway")) {
                        fanOut(results, n, n == 1);
                    }
                }
            });
            run(results, "bridge", () -> bridge(results));
            if (selected("floor") && results.rows.size() > 2) {
                run(results, "floor again", () -> floorAgain(results));
            }
        } finally {
            deleteTree(work);
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
                + (fanout.equals(List.of(1, 2, 4, 8)) ? "" : " --fanout " + fanout.stream().map(String::valueOf)
                        .reduce((a, b) -> a + "," + b).orElse(""))
                + (oversubscribe ? " --oversubscribe" : "");
    }

    private boolean selected(String scenario) {
        return only == null || only.contains(scenario);
    }

    private interface Scenario {
        void run() throws IOException;
    }

    /** Latency scenarios whose rows get floors measured right before them. */
    private static final Set<String> LATENCY_SCENARIOS = Set.of("oneway", "backoff", "roundtrip", "mailbox", "aeron", "uds",
            "naive");

    private void run(Results results, String scenario, Scenario body) {
        if (!selected(scenario)) {
            return;
        }
        long start = System.nanoTime();
        System.out.printf("  %-11s ", scenario);
        System.out.flush();
        int rowsBefore = results.rows.size();
        try {
            Histogram[] floors = LATENCY_SCENARIOS.contains(scenario) ? adjacentFloors() : null;
            body.run();
            if (floors != null) {
                for (int i = rowsBefore; i < results.rows.size(); i++) {
                    Row row = results.rows.get(i);
                    results.rows.set(i, row.withAdjacentFloor(row.method().equals(Row.ONE_WAY) ? floors[0] : floors[1]));
                }
            }
            System.out.printf("done in %.1f s%n", (System.nanoTime() - start) / 1e9);
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            System.out.println("FAILED: " + message);
            results.failures.add(scenario + ": " + message.lines().findFirst().orElse(""));
        }
    }

    /**
     * Short one-way and ping-pong floors, measured just before a scenario: on a virtual machine
     * the hypervisor can move the vCPUs during a run (onto hyperthread siblings or apart), which
     * moves every figure by a factor; a floor taken seconds before a row is the fair reference.
     * Null when there is no floor program (no gcc).
     */
    private Histogram[] adjacentFloors() throws IOException {
        Path binary = work.resolve("floor").resolve("floor");
        if (!Files.isExecutable(binary)) {
            return null;
        }
        int count = Math.max(1_000, profile.floorOnewayCount() / 5);
        Path data = work.resolve("floor").resolve("adjacent.bin");
        exec(List.of(binary.toString(), "oneway", String.valueOf(count / 5), String.valueOf(count), "5000",
                data.toString()), "floor oneway", budget(count * 5_000.0));
        Histogram oneWay = readUint32(data);
        exec(List.of(binary.toString(), "pingpong", String.valueOf(count / 5), String.valueOf(count), "0",
                data.toString()), "floor pingpong", budget(count * 1_000.0));
        return new Histogram[] {oneWay, readUint32(data)};
    }

    // ---- child processes ----

    /**
     * What the Aeron child processes get, and no other process: Agrona reaches
     * {@code jdk.internal.misc.Unsafe}, which java.base exports only on request (JDK 17 and 25
     * alike); bounds checks off as in Aeron's own latency samples, to give the peer its best run.
     */
    static List<String> aeronJvmFlags() {
        return List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dagrona.disable.bounds.checks=true");
    }

    private List<String> jvm(Class<?> main, boolean aeron, Object... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"));
        if (aeron) {
            command.addAll(aeronJvmFlags());
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        for (Object arg : args) {
            command.add(String.valueOf(arg));
        }
        return command;
    }

    private Proc child(String name, Object... args) {
        return Proc.start(name, jvm(Child.class, false, args), logs);
    }

    private Path scenarioDir(String name) throws IOException {
        return Files.createDirectories(work.resolve(name));
    }

    private static final Duration START = Duration.ofSeconds(60);

    /** Generous bound for a run expected to take {@code expectedNs}: start-up, JIT and a slow machine. */
    private static Duration budget(double expectedNs) {
        return Duration.ofSeconds(120).plusNanos((long) (expectedNs * 4));
    }

    // ---- scenarios ----

    private void floor(Results results) throws IOException {
        String gcc = findExecutable("gcc", "cc");
        if (gcc == null) {
            String why = "skipped: no gcc or cc on PATH (install gcc to measure the floor; ratios need it)";
            results.rows.add(Row.missing(FLOOR_ONE_WAY, "C floor: seqlock on one cache line", Row.ONE_WAY, why));
            results.rows.add(Row.missing(FLOOR_ROUND_TRIP, "C floor: 64-bit word ping-pong", Row.ROUND_TRIP, why));
            return;
        }
        Path binary = floorBinary(gcc);
        Path dir = binary.getParent();
        Path data = dir.resolve("oneway.bin");
        exec(List.of(binary.toString(), "oneway", String.valueOf(profile.floorWarmup()),
                String.valueOf(profile.floorOnewayCount()), String.valueOf(5_000), data.toString()), "floor oneway",
                budget(profile.floorOnewayCount() * 5_000.0));
        Histogram oneway = readUint32(data);
        long missed = profile.floorOnewayCount() - oneway.getTotalCount();
        results.rows.add(Row.measured(FLOOR_ONE_WAY, "C floor: seqlock on one cache line, busy-spin", Row.ONE_WAY, oneway,
                "writer stamps CLOCK_MONOTONIC and a sequence, reader spins; " + missed
                        + " samples overwritten unseen (reader descheduled)"));
        data = dir.resolve("pingpong.bin");
        exec(List.of(binary.toString(), "pingpong", String.valueOf(profile.floorWarmup()),
                String.valueOf(profile.floorCount()), "0", data.toString()), "floor pingpong",
                budget(profile.floorCount() * 1_000.0));
        results.rows.add(Row.measured(FLOOR_ROUND_TRIP, "C floor: 64-bit word ping-pong, busy-spin", Row.ROUND_TRIP,
                readUint32(data), "half of each round trip"));
    }

    /** The C floor program, compiled once per run into the floor scenario's directory. */
    private Path floorBinary(String gcc) throws IOException {
        Path dir = work.resolve("floor");
        Path binary = dir.resolve("floor");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Files.createDirectories(dir);
        Path source = dir.resolve("floor.c");
        try (InputStream in = Harness.class.getResourceAsStream("floor.c")) {
            Files.copy(in, source, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        exec(List.of(gcc, "-O2", "-std=c11", "-o", binary.toString(), source.toString()), "gcc", Duration.ofSeconds(60));
        return binary;
    }

    /**
     * The one-way floor once more, last: on a virtual machine the hypervisor may move the vCPUs
     * (onto hyperthread siblings, another core complex) during a run, which shifts every figure.
     * A floor that moved says the ratios of this run are uncertain; the report says so.
     */
    private void floorAgain(Results results) throws IOException {
        Path binary = work.resolve("floor").resolve("floor");
        if (!Files.isExecutable(binary)) {
            return;
        }
        Path data = work.resolve("floor").resolve("again.bin");
        exec(List.of(binary.toString(), "oneway", String.valueOf(profile.floorWarmup()),
                String.valueOf(profile.floorOnewayCount()), String.valueOf(5_000), data.toString()), "floor oneway",
                budget(profile.floorOnewayCount() * 5_000.0));
        results.rows.add(Row.measured(FLOOR_AGAIN, "C floor again, at the end of the run", Row.ONE_WAY,
                readUint32(data), "the first floor row repeated, to see whether the machine changed during the run"));
    }

    private void fanOut(Results results, int subscribers, boolean mainRow) throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        if (subscribers + 1 > cores && !oversubscribe && subscribers > 1) {
            results.fanOut.add(new Results.FanOut(subscribers, null, null, null, 0, 0,
                    "skipped: " + subscribers + " busy-spinning subscribers and the publisher need " + (subscribers + 1)
                            + " cores, this machine has " + cores + " (--oversubscribe runs it anyway)"));
            return;
        }
        int warmup = mainRow ? profile.onewayWarmup() : profile.fanoutWarmup();
        int count = mainRow ? profile.onewayCount() : profile.fanoutCount();
        OneWay run = oneWay("fanout-" + subscribers, subscribers, IdleStrategies.BUSY_SPIN, "stream", profile.spinGapNs(),
                profile.spinGapNs(), warmup, count);
        String note = subscribers + 1 > cores ? "oversubscribed: " + (subscribers + 1) + " spinning processes on "
                + cores + " cores" : null;
        results.fanOut.add(new Results.FanOut(subscribers, run.latency, run.worst, run.publishCost, run.received, run.lost,
                note));
        if (mainRow) {
            results.rows.add(Row.measured("shmtel-spin", "shmtel one-way, busy-spin, stream (every sample)", Row.ONE_WAY,
                    run.latency, "awaitNext: publisher to subscriber process, a sample every " + profile.spinGapNs() / 1000
                            + " us; lost " + run.lost + " (lapped while descheduled; the samples after a stall arrive"
                            + " late, which is the tail)"));
            OneWay latest = oneWay("latest", 1, IdleStrategies.BUSY_SPIN, "latest", profile.spinGapNs(),
                    profile.spinGapNs(), warmup, count);
            results.rows.add(Row.measured("shmtel-spin-latest", "shmtel one-way, busy-spin, latest (newest only)",
                    Row.ONE_WAY, latest.latency, "awaitLatest: the semantics of the one-slot floor (a sample"
                            + " overwritten unseen is skipped); reads the published count, then the slot"));
        }
    }

    private void backoff(Results results) throws IOException {
        OneWay run = oneWay("backoff", 1, IdleStrategies.BACKOFF, "stream", profile.backoffGapMinNs(), profile.backoffGapMaxNs(), 0,
                profile.backoffCount());
        results.rows.add(Row.measured("shmtel-backoff", "shmtel one-way, default backoff subscriber", Row.ONE_WAY,
                run.latency, "wake-up latency: a sample every " + profile.backoffGapMinNs() / 1_000_000 + "-"
                        + profile.backoffGapMaxNs() / 1_000_000 + " ms, the subscriber parked in between"));
    }

    private record OneWay(Histogram latency, Histogram worst, Histogram publishCost, long received, long lost) {}

    private OneWay oneWay(String name, int subscribers, String idle, String read, long gapMinNs, long gapMaxNs, int warmup,
            int count) throws IOException {
        return oneWay(name, subscribers, idle, read, gapMinNs, gapMaxNs, warmup, count, -1);
    }

    /** A one-way run whose warm-up samples are paced at {@code warmupGapNs} (when positive) to warm up long-gap runs quickly. */
    private OneWay oneWay(String name, int subscribers, String idle, String read, long gapMinNs, long gapMaxNs, int warmup,
            int count, long warmupGapNs) throws IOException {
        Path dir = scenarioDir(name);
        List<Proc> subs = new ArrayList<>();
        try (Proc pub = child(name + "-pub", "oneway-pub", dir, gapMinNs, gapMaxNs, warmup, count, warmupGapNs)) {
            pub.awaitReady(START);
            try {
                for (int i = 0; i < subscribers; i++) {
                    subs.add(child(name + "-sub" + i, "oneway-sub", dir, idle, read));
                }
                for (Proc sub : subs) {
                    sub.awaitReady(START);
                }
                pub.send("GO");
                Duration budget = budget(warmup * (double) Math.max(warmupGapNs, 200_000)
                        + count * (double) (gapMinNs + gapMaxNs) / 2);
                pub.collect(budget);
                Histogram all = Child.histogram();
                Histogram worst = null;
                long lost = 0;
                long received = 0;
                for (Proc sub : subs) {
                    sub.collect(budget);
                    Histogram h = sub.histogram("latency");
                    all.add(h);
                    if (worst == null || h.getValueAtPercentile(99) > worst.getValueAtPercentile(99)) {
                        worst = h;
                    }
                    lost += (long) sub.metric("lost");
                    received += (long) sub.metric("received");
                }
                return new OneWay(all, worst, pub.histogram("publish-cost"), received, lost);
            } finally {
                subs.forEach(Proc::close);
            }
        }
    }

    private void roundTrip(Results results) throws IOException {
        Path dir = scenarioDir("roundtrip");
        try (Proc pong = child("roundtrip-pong", "pong", dir)) {
            pong.awaitReady(START);
            try (Proc ping = child("roundtrip-ping", "ping", dir, profile.pingWarmup(), profile.pingCount())) {
                ping.awaitReady(START);
                ping.send("GO");
                Duration budget = budget((profile.pingWarmup() + profile.pingCount()) * 2_000.0);
                ping.collect(budget);
                pong.collect(budget);
                results.rows.add(Row.measured("shmtel-rtt", "shmtel ping-pong over two regions, busy-spin",
                        Row.ROUND_TRIP, ping.histogram("latency"), "half of each round trip"));
            }
        }
    }

    /** Gap between messages of the sleeping mailbox runs: both ends are asleep when a message comes. */
    static final long MAILBOX_GAP_NS = 500_000;

    /**
     * The mailbox handshake between two processes (put, take, answer done, answer seen by the
     * sender), back to back with both ends busy-spinning, then a message every 0.5 ms with both
     * ends blocking (asleep in the kernel in between) and with the default backoff.
     */
    private void mailbox(Results results) throws IOException {
        mailboxRow(results, "mailbox-spin", "shmtel mailbox handshake, busy-spin", IdleStrategies.BUSY_SPIN,
                profile.pingWarmup(), profile.pingCount(), 0, "put, take, done, answer seen; back to back");
        int sleeping = Math.max(20, profile.pingCount() / 50);
        mailboxRow(results, "mailbox-blocking", "shmtel mailbox handshake, blocking", IdleStrategies.BLOCKING,
                Math.max(20, sleeping / 10), sleeping, MAILBOX_GAP_NS, "a message every "
                        + MAILBOX_GAP_NS / 1000 + " us; both ends asleep in the kernel until the other's move");
        mailboxRow(results, "mailbox-backoff", "shmtel mailbox handshake, default backoff", IdleStrategies.BACKOFF,
                Math.max(20, sleeping / 10), sleeping, MAILBOX_GAP_NS, "a message every "
                        + MAILBOX_GAP_NS / 1000 + " us; both ends parked by the backoff in between");
    }

    private void mailboxRow(Results results, String id, String label, String idle, int warmup, int count, long gapNs,
            String note) throws IOException {
        Path dir = scenarioDir(id);
        try (Proc sender = child(id + "-send", "mb-send", dir, idle, warmup, count, gapNs)) {
            sender.awaitReady(START);
            try (Proc receiver = child(id + "-recv", "mb-recv", dir, idle)) {
                receiver.awaitReady(START);
                sender.send("GO");
                Duration budget = budget((warmup + count) * (double) (gapNs + 200_000));
                sender.collect(budget);
                receiver.collect(budget);
                if ((long) receiver.metric("taken") != warmup + count) {
                    throw new IOException(id + ": the receiver took " + (long) receiver.metric("taken") + " of "
                            + (warmup + count) + " messages");
                }
                results.rows.add(Row.measured(id, label, Row.ROUND_TRIP, sender.histogram("latency"),
                        note + "; half of each handshake"));
            }
        } finally {
            deleteTree(dir);
        }
    }

    private void aeron(Results results) throws IOException {
        Path dir = scenarioDir("aeron");
        try (Proc ping = Proc.start("aeron-ping", jvm(AeronChild.class, true, "aeron-ping", dir, profile.pingWarmup(),
                profile.pingCount()), logs)) {
            ping.awaitReady(START);
            try (Proc pong = Proc.start("aeron-pong", jvm(AeronChild.class, true, "aeron-pong", dir), logs)) {
                pong.awaitReady(START);
                ping.send("GO");
                Duration budget = budget((profile.pingWarmup() + profile.pingCount()) * 2_000.0);
                ping.collect(budget);
                pong.collect(budget);
                results.rows.add(Row.measured("aeron-ipc", "Aeron IPC ping-pong, embedded driver, busy-spin",
                        Row.ROUND_TRIP, ping.histogram("latency"), "aeron-all " + aeronVersion()
                                + ", 8-byte messages, half of each round trip"));
            }
        }
    }

    /**
     * The network bridge on loopback: a 1 kHz publisher, {@code shmtel bridge send} and {@code
     * receive} (each its own process, Aeron UDP over 127.0.0.1, default idling), and a busy-spin
     * subscriber of the mirror; one-way latency from publish at the source to observe at the
     * mirror. Its floor, measured right before: an Aeron UDP ping-pong over loopback, busy-spin.
     */
    private void bridge(Results results) throws IOException {
        Path dir = scenarioDir("bridge-floor");
        Histogram transportFloor;
        try (Proc ping = Proc.start("aeron-udp-ping", jvm(AeronChild.class, true, "aeron-ping", dir, profile.bridgeWarmup(),
                profile.bridgeCount(), "udp"), logs)) {
            ping.awaitReady(START);
            try (Proc pong = Proc.start("aeron-udp-pong", jvm(AeronChild.class, true, "aeron-pong", dir, "udp"), logs)) {
                pong.awaitReady(START);
                ping.send("GO");
                Duration budget = budget((profile.bridgeWarmup() + profile.bridgeCount()) * 1_000_000.0);
                ping.collect(budget);
                pong.collect(budget);
                transportFloor = ping.histogram("latency");
                results.rows.add(Row.measured("aeron-udp", "Aeron UDP ping-pong over loopback, yielding", Row.ROUND_TRIP,
                        ping.histogram("latency"), "aeron-all " + aeronVersion() + ", one embedded driver, 8-byte"
                                + " messages, half of each round trip: the bridge's transport floor"));
            }
        }
        Path a = scenarioDir("bridge-a");
        Path b = scenarioDir("bridge-b");
        int port = 40700 + (int) (ProcessHandle.current().pid() % 200);
        int warmup = profile.bridgeWarmup();
        int count = profile.bridgeCount();
        try (Proc pub = child("bridge-pub", "oneway-pub", a, profile.bridgeGapNs(), profile.bridgeGapNs(), warmup, count);
                Proc receiver = Proc.start("bridge-receive", jvm(BridgeChild.class, true, "receive", b, port), logs);
                Proc sender = Proc.start("bridge-send", jvm(BridgeChild.class, true, "send", a, port), logs)) {
            pub.awaitReady(START);
            receiver.awaitReady(START);
            sender.awaitReady(START);
            Path mirror = b.resolve("shmtel.oneway");
            long deadline = System.nanoTime() + START.toNanos();
            while (!Files.exists(mirror)) {
                if (System.nanoTime() - deadline > 0) {
                    throw receiver.failure("made no mirror " + mirror + " in " + START.toSeconds() + " s");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
            }
            try (Proc sub = child("bridge-sub", "oneway-sub", b, IdleStrategies.BUSY_SPIN, "stream")) {
                sub.awaitReady(START);
                pub.send("GO");
                Duration budget = budget((warmup + count) * (double) profile.bridgeGapNs());
                pub.collect(budget);
                sub.collect(budget);
                sender.send("STOP");
                receiver.send("STOP");
                sender.collect(budget);
                receiver.collect(budget);
                results.rows.add(Row.measured("bridge", "shmtel bridge one-way over loopback UDP, 1 kHz", Row.ONE_WAY,
                        sub.histogram("latency"), String.format("publisher -> bridge send -> Aeron UDP -> bridge receive"
                                + " -> busy-spin subscriber of the mirror, a sample every %d us; received %.0f, lost %.0f"
                                + " (lost before sending %.0f, bridge sender idle max park 2 ms); floor columns: the Aeron"
                                + " UDP row above",
                                profile.bridgeGapNs() / 1000, sub.metric("received"), sub.metric("lost"),
                                sender.metric("lost_at_sender"))).withAdjacentFloor(transportFloor));
            }
        }
    }

    private void uds(Results results) throws IOException {
        Path dir = scenarioDir("uds");
        try (Proc server = child("uds-server", "uds-server", dir)) {
            server.awaitReady(START);
            try (Proc client = child("uds-client", "uds-client", dir, profile.udsWarmup(), profile.udsCount())) {
                client.awaitReady(START);
                client.send("GO");
                Duration budget = budget((profile.udsWarmup() + profile.udsCount()) * 100_000.0);
                client.collect(budget);
                server.collect(budget);
                results.rows.add(Row.measured("uds", "Java Unix-domain socket ping-pong, blocking", Row.ROUND_TRIP,
                        client.histogram("latency"), "SocketChannel, 8-byte messages, half of each round trip"));
            }
        }
    }

    private void naive(Results results) throws IOException {
        Path dir = scenarioDir("naive");
        try (Proc sub = child("naive-sub", "naive-sub", dir, 10)) {
            sub.awaitReady(START);
            try (Proc pub = child("naive-pub", "naive-pub", dir, profile.naiveGapMinNs(), profile.naiveGapMaxNs(), 0,
                    profile.naiveCount())) {
                pub.awaitReady(START);
                pub.send("GO");
                Duration budget = budget(profile.naiveCount() * (profile.naiveGapMaxNs() + 10e6));
                pub.collect(budget);
                sub.collect(budget);
                results.rows.add(Row.measured("flag-sleep", "flag + sleep(10 ms) poll loop on a mapped file",
                        Row.ONE_WAY, sub.histogram("latency"), "the shared-memory tutorials' reader"));
            }
        }
    }

    /**
     * After a warm-up at the same rate (not counted), first as fast as the publisher can with a
     * stream subscriber attached (losses counted), then
     * at paced rates rising by steps (up to what the publisher reached alone) until the subscriber
     * loses samples: the highest received rate of a run without a loss is the rate one publisher
     * sustains into one subscriber that keeps up. When the unpaced run loses nothing, the publisher,
     * not the subscriber, is the limit.
     */
    private void throughput(Results results) throws IOException {
        Map<String, Object> unthrottled = throughputRun("throughput-max", 0, profile.throughputSeconds());
        results.throughput.put("record", "64-byte slot (48-byte payload), ring depth 65536");
        results.throughput.put("unthrottled", unthrottled);
        List<Object> steps = new ArrayList<>();
        double publisherMax = (Double) unthrottled.get("publishedPerSecond");
        double sustained = (Long) unthrottled.get("lost") == 0 ? (Double) unthrottled.get("receivedPerSecond") : 0;
        for (double rate : THROUGHPUT_STEPS) {
            if (rate > publisherMax) {
                break;
            }
            Map<String, Object> step = throughputRun("throughput-" + (long) rate, rate, profile.throughputSeconds() / 2);
            steps.add(step);
            if ((Long) step.get("lost") > 0) {
                break;
            }
            sustained = Math.max(sustained, (Double) step.get("receivedPerSecond"));
        }
        results.throughput.put("steps", steps);
        results.throughput.put("sustainedLossFreePerSecond", sustained);
        results.throughput.put("publisherBound", (Long) unthrottled.get("lost") == 0);
    }

    /** Paced publishing rates tried by {@link #throughput}, samples per second. */
    static final double[] THROUGHPUT_STEPS = {0.5e6, 1e6, 2e6, 5e6, 10e6, 20e6, 50e6};

    private Map<String, Object> throughputRun(String name, double rate, double seconds) throws IOException {
        Path dir = scenarioDir(name);
        try (Proc pub = child(name + "-pub", "tput-pub", dir, seconds, rate, profile.throughputWarmupSeconds())) {
            pub.awaitReady(START);
            try (Proc sub = child(name + "-sub", "tput-sub", dir)) {
                sub.awaitReady(START);
                pub.send("GO");
                Duration budget = budget(seconds * 1e9);
                pub.collect(budget);
                sub.collect(budget);
                double elapsed = pub.metric("seconds");
                long published = (long) pub.metric("measured-published");
                long received = (long) sub.metric("measured-received");
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("targetPerSecond", rate);
                r.put("seconds", elapsed);
                r.put("published", published);
                r.put("publishedPerSecond", published / elapsed);
                r.put("received", received);
                r.put("receivedPerSecond", received / elapsed);
                r.put("lost", published - received);
                r.put("outOfOrder", (long) sub.metric("out-of-order"));
                // The whole run, warm-up included: what the subscriber's own loss counter says.
                r.put("totalPublished", (long) pub.metric("published"));
                r.put("totalReceived", (long) sub.metric("received"));
                r.put("totalLostCounted", (long) sub.metric("lost"));
                return r;
            }
        } finally {
            deleteTree(dir);
        }
    }

    private void idle(Results results) throws IOException {
        Path dir = scenarioDir("idle");
        RegionOptions options = RegionOptions.defaults().withDirectory(dir);
        try (Publisher silent = Publisher.create("silent", Child.layout(), options);
                Proc sub = child("idle-sub", "idle-sub", dir, profile.idleSeconds())) {
            sub.awaitReady(START);
            sub.collect(budget(profile.idleSeconds() * 1e9));
            double wall = sub.metric("wall-ns");
            results.idle.put("seconds", wall / 1e9);
            results.idle.put("threadCpuPercent", 100 * sub.metric("thread-cpu-ns") / wall);
            results.idle.put("processCpuPercent", 100 * sub.metric("process-cpu-ns") / wall);
            results.idle.put("strategy", "backoff: 100 spins, 20 yields, then park 10 us doubling to 1 ms");
        }
    }

    /** Sleeping subscribers in the wake scenario's publisher-cost runs. */
    static final int WAKE_SLEEPERS = 4;
    /** Warm-up samples of each wake run, 100 us apart: the subscriber's sleep and wake paths get compiled first. */
    static final int WAKE_WARMUP = 10_000;
    static final long WAKE_WARMUP_GAP_NS = 100_000;

    /**
     * Wake-on-publish against the polling strategies: for each idle strategy, one-way latency of
     * samples 2-10 ms apart and CPU on a silent record; then the publisher's cost per sample with
     * 0, 1 and {@link #WAKE_SLEEPERS} blocking subscribers asleep on its record.
     */
    private void wake(Results results) throws IOException {
        String gcc = findExecutable("gcc", "cc");
        if (gcc != null) {
            Path binary = floorBinary(gcc);
            Path data = binary.getParent().resolve("futex.bin");
            exec(List.of(binary.toString(), "futex", "20", String.valueOf(profile.backoffCount()),
                    String.valueOf(profile.backoffGapMinNs()), data.toString()), "floor futex",
                    budget(profile.backoffCount() * 3.0 * profile.backoffGapMinNs()));
            results.wake.add(new Results.Wake("C futex floor", readUint32(data), 0, Double.NaN, Double.NaN));
        }
        for (String strategy : IdleStrategies.NAMES) {
            OneWay run = oneWay("wake-" + strategy, 1, strategy, "stream", profile.backoffGapMinNs(),
                    profile.backoffGapMaxNs(), WAKE_WARMUP, profile.backoffCount(), WAKE_WARMUP_GAP_NS);
            double[] cpu = idleCpu("wake-idle-" + strategy, strategy);
            results.wake.add(new Results.Wake(strategy, run.latency, run.lost, cpu[0], cpu[1]));
            if (strategy.equals(IdleStrategies.BLOCKING)) {
                results.rows.add(Row.measured("shmtel-blocking", "shmtel one-way, blocking (wake-on-publish) subscriber",
                        Row.ONE_WAY, run.latency, "wake-up latency: a sample every " + profile.backoffGapMinNs() / 1_000_000
                                + "-" + profile.backoffGapMaxNs() / 1_000_000 + " ms, the subscriber asleep in the kernel"
                                + " in between; idle CPU " + String.format(Locale.ROOT, "%.2f", cpu[0]) + " % of a core"));
            }
        }
        for (int sleepers : new int[] {0, 1, WAKE_SLEEPERS}) {
            OneWay run = oneWay("wake-cost-" + sleepers, sleepers, IdleStrategies.BLOCKING, "stream",
                    profile.backoffGapMinNs() / 10, profile.backoffGapMaxNs() / 10, WAKE_WARMUP, profile.backoffCount() * 3,
                    WAKE_WARMUP_GAP_NS);
            results.wakeCost.add(new Results.WakeCost(sleepers, run.publishCost, sleepers == 0 ? null : run.latency));
        }
    }

    /** Payload bytes that make a slot exactly one 4 KiB page (16 bytes of seq and timestamp). */
    static final int PAGE_PAYLOAD = 4096 - 16;

    /**
     * First-touch cost: publishing into a fresh ring of one-page slots with each memory mode (none,
     * prefault, lock), every sample on a page this process has not touched yet, then the same pages
     * again (the floor, from the same run). In this process: the cost is the writer's own page faults.
     */
    private void memory(Results results) throws IOException {
        int pages = switch (profile.name()) {
            case "smoke" -> 256;
            case "quick" -> 4096;
            default -> 16384;
        };
        Path dir = scenarioDir("memory");
        try {
            Path schema = dir.resolve("pages.json");
            Files.writeString(schema, "{\"schema\": \"pages\", \"version\": 1, \"records\": [{\"name\": \"page\", \"depth\": "
                    + pages + ", \"fields\": [{\"name\": \"bytes\", \"type\": \"u8\", \"count\": " + PAGE_PAYLOAD + "}]}]}");
            io.shmtel.schema.layout.Layout layout = io.shmtel.schema.layout.LayoutCompiler.compile(
                    io.shmtel.schema.SchemaParser.parse(schema));
            java.nio.ByteBuffer payload = java.nio.ByteBuffer.allocateDirect(PAGE_PAYLOAD);
            RegionOptions base = RegionOptions.defaults().withDirectory(dir);
            // Two rounds, the first discarded: the first region this JVM creates pays for class loading and the JIT.
            for (int round = 0; round < 2; round++) {
            for (String mode : List.of("default", "prefault", "lock")) {
                io.shmtel.core.region.MemoryOptions m = io.shmtel.core.region.MemoryOptions.defaults()
                        .withPrefault(mode.equals("prefault")).withLock(mode.equals("lock"));
                long t0 = System.nanoTime();
                try (Publisher p = Publisher.create("mem-" + mode, layout, base.withMemory(m))) {
                    long setup = System.nanoTime() - t0;
                    io.shmtel.core.ring.RingWriter sink = p.sink("page");
                    Histogram first = new Histogram(3);
                    Histogram second = new Histogram(3);
                    for (Histogram h : new Histogram[] {first, second}) {
                        for (int i = 0; i < pages; i++) {
                            long t = System.nanoTime();
                            sink.publish(payload, PAGE_PAYLOAD, t);
                            h.recordValue(System.nanoTime() - t);
                        }
                    }
                    if (round == 1) {
                        results.memory.add(new Results.Memory(mode, pages * 4096L, setup, first, second, null));
                    }
                } catch (io.shmtel.core.region.RegionMemoryException refused) {
                    if (round == 1) {
                        results.memory.add(new Results.Memory(mode, pages * 4096L, 0, null, null, refused.getMessage()));
                    }
                }
                deleteTree(dir.resolve("shmtel.mem-" + mode));
            }
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** Thread and process CPU (% of a core) of a subscriber with {@code strategy} on a silent record. */
    private double[] idleCpu(String name, String strategy) throws IOException {
        Path dir = scenarioDir(name);
        RegionOptions options = RegionOptions.defaults().withDirectory(dir);
        try (Publisher silent = Publisher.create("silent", Child.layout(), options);
                Proc sub = child(name, "idle-sub", dir, profile.idleSeconds(), strategy)) {
            sub.awaitReady(START);
            sub.collect(budget(profile.idleSeconds() * 1e9));
            double wall = sub.metric("wall-ns");
            return new double[] {100 * sub.metric("thread-cpu-ns") / wall, 100 * sub.metric("process-cpu-ns") / wall};
        } finally {
            deleteTree(dir);
        }
    }

    // ---- helpers ----

    private static void exec(List<String> command, String what, Duration timeout) throws IOException {
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
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(what + " failed (status " + process.exitValue() + "): " + output.strip());
        }
    }

    private static Histogram readUint32(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.nativeOrder());
        Histogram h = Child.histogram();
        while (bytes.remaining() >= 4) {
            h.recordValue(Integer.toUnsignedLong(bytes.getInt()));
        }
        return h;
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

    static String aeronVersion() {
        return io.aeron.AeronVersion.VERSION;
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
