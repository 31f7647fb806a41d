package io.shmtel.bench.harness;

import io.shmtel.bench.harness.Scenario.Kind;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every scenario of {@code shmtel bench}, written once, in the order a run goes through them:
 * {@code --only}'s names and its error message, the help's scenario list and the progress lines
 * all come from {@link #ALL}. To add a scenario, add a line here (its body usually in one of the
 * {@code *Scenarios} classes, its child processes' modes in {@link Child}).
 */
final class Scenarios {
    /** The selectable scenarios, in run order. */
    static final List<Scenario> ALL = List.of(
            new Scenario("floor", "C floor: seqlock one-way and word ping-pong on one cache line", Kind.FLOOR, true,
                    true, (bench, results) -> new FloorScenarios(bench).floor(results)),
            new Scenario("oneway", "shmtel one-way, busy-spin subscriber, stream and latest", Kind.LATENCY, true, true,
                    (bench, results) -> new OneWayScenarios(bench).oneway(results)),
            new Scenario("backoff", "shmtel one-way, default backoff subscriber, samples ms apart", Kind.LATENCY,
                    true, false, (bench, results) -> new OneWayScenarios(bench).backoff(results)),
            new Scenario("roundtrip", "shmtel ping-pong over two regions, busy-spin", Kind.LATENCY, true, true,
                    (bench, results) -> new RoundTripScenarios(bench).roundTrip(results)),
            new Scenario("mailbox", "shmtel mailbox handshake: busy-spin, blocking, default backoff", Kind.LATENCY,
                    true, false, (bench, results) -> new RoundTripScenarios(bench).mailbox(results)),
            new Scenario("aeron", "Aeron IPC ping-pong, embedded driver, busy-spin", Kind.LATENCY, true, true,
                    (bench, results) -> new RoundTripScenarios(bench).aeron(results)),
            new Scenario("uds", "Java Unix-domain socket ping-pong, blocking", Kind.LATENCY, true, false,
                    (bench, results) -> new RoundTripScenarios(bench).uds(results)),
            new Scenario("naive", "the tutorials' flag + sleep(10 ms) loop on a mapped file", Kind.LATENCY, true, false,
                    (bench, results) -> new OneWayScenarios(bench).naive(results)),
            new Scenario("throughput", "one publisher into one stream subscriber, unpaced then paced",
                    Kind.THROUGHPUT, true, false,
                    (bench, results) -> new ThroughputScenario(bench).throughput(results)),
            new Scenario("idle", "CPU of a default backoff subscriber on a silent record", Kind.COST, true, false,
                    (bench, results) -> new CostScenarios(bench).idle(results)),
            new Scenario("wake", "wake-up latency and idle CPU per idle strategy; publisher cost with sleepers",
                    Kind.COST, true, false, (bench, results) -> new CostScenarios(bench).wake(results)),
            new Scenario("memory", "first touch of a ring's pages per memory mode", Kind.COST, true, false,
                    (bench, results) -> new CostScenarios(bench).memory(results)),
            new Scenario("fanout", "busy-spin one-way to 1, 2, 4, 8 (--fanout) subscriber processes", Kind.SCALING,
                    true, false, (bench, results) -> new OneWayScenarios(bench).fanOut(results)),
            new Scenario("bridge", "shmtel bridge one-way over loopback UDP, after the Aeron UDP floor",
                    Kind.NETWORK, true, false, (bench, results) -> new BridgeScenario(bench).bridge(results)),
            new Scenario("cops", "the JMH benchmarks' operations in C (publish, read latest, empty poll): their floor",
                    Kind.COST, true, (bench, results) -> new COpsScenario(bench).cops(results)));

    /**
     * Not selectable by {@code --only}: the one-way floor again at the end of a run without
     * {@code --only} that measured the floor and more, to see whether the machine changed.
     */
    static final Scenario FLOOR_AGAIN = new Scenario("floor again", "the one-way C floor again, last", Kind.FLOOR,
            true, false, (bench, results) -> new FloorScenarios(bench).floorAgain(results));

    /** The {@code --only} names, comma-separated, in run order (help text and error messages). */
    static final String NAMES = ALL.stream().map(Scenario::name).collect(Collectors.joining(", "));

    private Scenarios() {}

    static Optional<Scenario> byName(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
