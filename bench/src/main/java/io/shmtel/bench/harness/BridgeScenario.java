package io.shmtel.bench.harness;

import static io.shmtel.bench.harness.Bench.budget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/** The bridge scenario: shmtel's network bridge on loopback, after its transport floor. */
final class BridgeScenario {
    /** The bridge's UDP port is this plus the harness's pid modulo {@link #PORT_SPREAD}. */
    private static final int PORT_BASE = 40700;
    private static final int PORT_SPREAD = 200;
    /** How often the harness looks for the mirror region, ns. */
    private static final long MIRROR_POLL_NS = 20_000_000;
    /** Expected time per UDP round trip of the transport floor, ns (for the time bound only). */
    private static final double UDP_ROUND_TRIP_NS = 1_000_000;

    private final Bench bench;
    private final Profile profile;

    BridgeScenario(Bench bench) {
        this.bench = bench;
        this.profile = bench.profile;
    }

    /**
     * The network bridge on loopback: a 1 kHz publisher, {@code shmtel bridge send} and {@code
     * receive} (each its own process, Aeron UDP over 127.0.0.1, default idling), and a busy-spin
     * subscriber of the mirror; one-way latency from publish at the source to observe at the
     * mirror. Its floor, measured right before: an Aeron UDP ping-pong over loopback, busy-spin.
     */
    void bridge(Results results) throws IOException {
        Histogram transportFloor = transportFloor(results);
        Path a = bench.scenarioDir("bridge-a");
        Path b = bench.scenarioDir("bridge-b");
        int port = PORT_BASE + (int) (ProcessHandle.current().pid() % PORT_SPREAD);
        int warmup = profile.bridgeWarmup();
        int count = profile.bridgeCount();
        Duration budget = budget((warmup + count) * (double) profile.bridgeGapNs());
        try (Processes procs = bench.processes()) {
            Proc pub = procs.launch(Child.class, "bridge-pub", "oneway-pub", a, profile.bridgeGapNs(),
                    profile.bridgeGapNs(), warmup, count);
            Proc receiver = procs.launch(BridgeChild.class, "bridge-receive", "receive", b, port);
            Proc sender = procs.launch(BridgeChild.class, "bridge-send", "send", a, port);
            Processes.awaitReady(pub, receiver, sender);
            Path mirror = b.resolve("shmtel.oneway");
            long deadline = System.nanoTime() + Bench.START.toNanos();
            while (!Files.exists(mirror)) {
                if (System.nanoTime() - deadline > 0) {
                    throw receiver.failure("made no mirror " + mirror + " in " + Bench.START.toSeconds() + " s");
                }
                LockSupport.parkNanos(MIRROR_POLL_NS);
            }
            Proc sub = procs.start(Child.class, "bridge-sub", "oneway-sub", b, BenchIdle.BUSY_SPIN, "stream");
            pub.send("GO");
            Processes.collect(budget, pub, sub);
            sender.send("STOP");
            receiver.send("STOP");
            Processes.collect(budget, sender, receiver);
            results.rows.add(Row.measured("bridge", "shmtel bridge one-way over loopback UDP, 1 kHz", Row.ONE_WAY,
                    sub.histogram("latency"), String.format("publisher -> bridge send -> Aeron UDP -> bridge receive"
                            + " -> busy-spin subscriber of the mirror, a sample every %d us; received %.0f, lost %.0f"
                            + " (lost before sending %.0f, bridge sender idle max park 2 ms); floor columns: the Aeron"
                            + " UDP row above",
                            profile.bridgeGapNs() / 1000, sub.metric("received"), sub.metric("lost"),
                            sender.metric("lost_at_sender"))).withAdjacentFloor(transportFloor));
        }
    }

    /** The Aeron UDP ping-pong over loopback (its own row), the bridge row's floor. */
    private Histogram transportFloor(Results results) throws IOException {
        Path dir = bench.scenarioDir("bridge-floor");
        Duration budget = budget((profile.bridgeWarmup() + profile.bridgeCount()) * UDP_ROUND_TRIP_NS);
        try (Processes procs = bench.processes()) {
            Proc ping = procs.start(AeronChild.class, "aeron-udp-ping", "aeron-ping", dir, profile.bridgeWarmup(),
                    profile.bridgeCount(), "udp");
            procs.start(AeronChild.class, "aeron-udp-pong", "aeron-pong", dir, "udp");
            procs.go(ping, budget);
            results.rows.add(Row.measured("aeron-udp", "Aeron UDP ping-pong over loopback, yielding", Row.ROUND_TRIP,
                    ping.histogram("latency"), "aeron-all " + Bench.aeronVersion() + ", one embedded driver, 8-byte"
                            + " messages, half of each round trip: the bridge's transport floor"));
            return ping.histogram("latency");
        }
    }
}
