package io.shmtel.bench.harness;

import static io.shmtel.bench.harness.Bench.budget;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The round-trip scenarios, each between two processes and reported as half of each round trip:
 * shmtel's ping-pong over two regions, the mailbox handshake, Aeron IPC and a Unix-domain socket.
 */
final class RoundTripScenarios {
    /** Gap between messages of the sleeping mailbox runs: both ends are asleep when a message comes. */
    static final long MAILBOX_GAP_NS = 500_000;
    /** Expected time per busy-spin round trip, ns (for the time bound only). */
    private static final double SPIN_ROUND_TRIP_NS = 2_000;
    /** Expected time per socket round trip, ns (for the time bound only). */
    private static final double SOCKET_ROUND_TRIP_NS = 100_000;
    /** What a mailbox run's time bound allows per message on top of its gap, ns. */
    private static final long MAILBOX_SLACK_NS = 200_000;
    /** The fewest messages of a sleeping mailbox run, and of its warm-up. */
    private static final int MAILBOX_MIN = 20;
    /** The sleeping mailbox runs send this fraction of the busy-spin run's messages, and warm up with a tenth. */
    private static final int MAILBOX_SLEEPING_SHARE = 50;
    private static final int MAILBOX_WARMUP_SHARE = 10;

    private final Bench bench;
    private final Profile profile;

    RoundTripScenarios(Bench bench) {
        this.bench = bench;
        this.profile = bench.profile;
    }

    /** The ping-pong over two regions, unplaced and placed. */
    void roundTrip(Results results) throws IOException {
        String label = "shmtel ping-pong over two regions, busy-spin";
        for (Placement p : bench.placements.forProcesses(2)) {
            if (p.skipped() != null) {
                results.rows.add(Row.missing("shmtel-rtt", label, Row.ROUND_TRIP, p.skipped()).placed(p, null));
                continue;
            }
            Path dir = bench.scenarioDir("roundtrip-" + p.word());
            Duration budget = budget((profile.pingWarmup() + profile.pingCount()) * SPIN_ROUND_TRIP_NS);
            try (Processes procs = bench.processes(p)) {
                procs.start(Child.class, "roundtrip-pong-" + p.word(), "pong", dir);
                Proc ping = procs.start(Child.class, "roundtrip-ping-" + p.word(), "ping", dir, profile.pingWarmup(),
                        profile.pingCount());
                procs.go(ping, budget);
                results.rows.add(Row.measured("shmtel-rtt", label, Row.ROUND_TRIP, ping.histogram("latency"),
                        "half of each round trip").placed(p, procs.refusals()));
            }
        }
    }

    /**
     * The mailbox handshake between two processes (put, take, answer done, answer seen by the
     * sender), back to back with both ends busy-spinning, then a message every 0.5 ms with both
     * ends blocking (asleep in the kernel in between) and with the default backoff.
     */
    void mailbox(Results results) throws IOException {
        mailboxRow(results, "mailbox-spin", "shmtel mailbox handshake, busy-spin", BenchIdle.BUSY_SPIN,
                profile.pingWarmup(), profile.pingCount(), 0, "put, take, done, answer seen; back to back");
        int sleeping = Math.max(MAILBOX_MIN, profile.pingCount() / MAILBOX_SLEEPING_SHARE);
        int sleepingWarmup = Math.max(MAILBOX_MIN, sleeping / MAILBOX_WARMUP_SHARE);
        mailboxRow(results, "mailbox-blocking", "shmtel mailbox handshake, blocking", BenchIdle.BLOCKING,
                sleepingWarmup, sleeping, MAILBOX_GAP_NS, "a message every "
                        + MAILBOX_GAP_NS / 1000 + " us; both ends asleep in the kernel until the other's move");
        mailboxRow(results, "mailbox-backoff", "shmtel mailbox handshake, default backoff", BenchIdle.BACKOFF,
                sleepingWarmup, sleeping, MAILBOX_GAP_NS, "a message every "
                        + MAILBOX_GAP_NS / 1000 + " us; both ends parked by the backoff in between");
    }

    private void mailboxRow(Results results, String id, String label, String idle, int warmup, int count, long gapNs,
            String note) throws IOException {
        Path dir = bench.scenarioDir(id);
        Duration budget = budget((warmup + count) * (double) (gapNs + MAILBOX_SLACK_NS));
        try (Processes procs = bench.processes()) {
            Proc sender = procs.start(Child.class, id + "-send", "mb-send", dir, idle, warmup, count, gapNs);
            Proc receiver = procs.start(Child.class, id + "-recv", "mb-recv", dir, idle);
            procs.go(sender, budget);
            if ((long) receiver.metric("taken") != warmup + count) {
                throw new IOException(id + ": the receiver took " + (long) receiver.metric("taken") + " of "
                        + (warmup + count) + " messages");
            }
            results.rows.add(Row.measured(id, label, Row.ROUND_TRIP, sender.histogram("latency"),
                    note + "; half of each handshake"));
        } finally {
            Bench.deleteTree(dir);
        }
    }

    /** Aeron IPC ping-pong, unplaced and placed (its media driver's threads float in both). */
    void aeron(Results results) throws IOException {
        String label = "Aeron IPC ping-pong, embedded driver, busy-spin";
        for (Placement p : bench.placements.forProcesses(2)) {
            if (p.skipped() != null) {
                results.rows.add(Row.missing("aeron-ipc", label, Row.ROUND_TRIP, p.skipped()).placed(p, null));
                continue;
            }
            Path dir = bench.scenarioDir("aeron-" + p.word());
            Duration budget = budget((profile.pingWarmup() + profile.pingCount()) * SPIN_ROUND_TRIP_NS);
            try (Processes procs = bench.processes(p)) {
                Proc ping = procs.start(AeronChild.class, "aeron-ping-" + p.word(), "aeron-ping", dir,
                        profile.pingWarmup(), profile.pingCount());
                procs.start(AeronChild.class, "aeron-pong-" + p.word(), "aeron-pong", dir);
                procs.go(ping, budget);
                results.rows.add(Row.measured("aeron-ipc", label, Row.ROUND_TRIP, ping.histogram("latency"),
                        "aeron-all " + Bench.aeronVersion() + ", 8-byte messages, half of each round trip")
                        .placed(p, procs.refusals()));
            }
        }
    }

    void uds(Results results) throws IOException {
        Path dir = bench.scenarioDir("uds");
        Duration budget = budget((profile.udsWarmup() + profile.udsCount()) * SOCKET_ROUND_TRIP_NS);
        try (Processes procs = bench.processes()) {
            procs.start(Child.class, "uds-server", "uds-server", dir);
            Proc client = procs.start(Child.class, "uds-client", "uds-client", dir, profile.udsWarmup(),
                    profile.udsCount());
            procs.go(client, budget);
            results.rows.add(Row.measured("uds", "Java Unix-domain socket ping-pong, blocking", Row.ROUND_TRIP,
                    client.histogram("latency"), "SocketChannel, 8-byte messages, half of each round trip"));
        }
    }
}
