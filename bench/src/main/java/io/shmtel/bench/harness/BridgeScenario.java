package io.shmtel.bench.harness;

import static io.shmtel.bench.harness.Bench.budget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/** The bridge scenario: shmtel's network bridge on loopback, after its transport floor. */
final class BridgeScenario {
    /** The bridge's UDP ports are this plus twice the harness's pid modulo {@link #PORT_SPREAD}, and one more. */
    private static final int PORT_BASE = 40700;
    private static final int PORT_SPREAD = 200;
    /** How often the harness looks for the mirror region, ns. */
    private static final long MIRROR_POLL_NS = 20_000_000;
    /** Expected time per UDP round trip of the transport floor, ns (for the time bound only). */
    private static final double UDP_ROUND_TRIP_NS = 1_000_000;
    /** Pause between the end of the 1 kHz run and the idle measurement (idle strategies back off), ns. */
    private static final long SETTLE_NS = 200_000_000;
    private static final double NS_PER_SECOND = 1e9;
    private static final long NS_PER_US = 1_000;
    private static final double PERCENT = 100;
    private static final double P50 = 50;
    private static final double P99 = 99;
    /** Fields of /proc/PID/stat, numbered from 1 as proc(5) does. */
    private static final int STATE_FIELD = 3;
    private static final int UTIME_FIELD = 14;
    private static final int STIME_FIELD = 15;
    private static final double DEFAULT_CLK_TCK = 100;
    private static final int GETCONF_SECONDS = 10;
    /** The mirror's reader of the unpaced run ends after this long without a sample (the end marker may be lost). */
    private static final long QUIET_MS = 3_000;

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
     * mirror. Its floor, measured right before: an Aeron UDP ping-pong over loopback. Then, the publisher
     * alive and silent, the CPU each bridge process uses idle; then, in fresh processes, the samples per second
     * the bridge carries from a publisher that publishes as fast as it can.
     */
    void bridge(Results results) throws IOException {
        Histogram transportFloor = transportFloor(results);
        Path a = bench.scenarioDir("bridge-a");
        Path b = bench.scenarioDir("bridge-b");
        int port = port();
        int warmup = profile.bridgeWarmup();
        int count = profile.bridgeCount();
        Duration budget = budget((warmup + count) * (double) profile.bridgeGapNs());
        try (Processes procs = bench.processes()) {
            Proc pub = procs.launch(Child.class, "bridge-pub", "oneway-pub", a, profile.bridgeGapNs(),
                    profile.bridgeGapNs(), warmup, count, -1, Child.LINGER);
            Proc receiver = procs.launch(BridgeChild.class, "bridge-receive", "receive", b, port);
            Proc sender = procs.launch(BridgeChild.class, "bridge-send", "send", a, port);
            Processes.awaitReady(pub, receiver, sender);
            awaitMirror(b.resolve("shmtel.oneway"), receiver);
            Proc sub = procs.start(Child.class, "bridge-sub", "oneway-sub", b, BenchIdle.BUSY_SPIN, "stream");
            pub.send("GO");
            Processes.collect(budget, sub);
            // The publisher is alive and silent now: what the bridge costs with nothing to carry.
            LockSupport.parkNanos(SETTLE_NS);
            long[] before = {cpuTicks(sender), cpuTicks(receiver)};
            long t0 = System.nanoTime();
            LockSupport.parkNanos((long) (profile.idleSeconds() * NS_PER_SECOND));
            long[] after = {cpuTicks(sender), cpuTicks(receiver)};
            double wall = (System.nanoTime() - t0) / NS_PER_SECOND;
            pub.send(Child.STOP);
            Processes.collect(budget, pub);
            sender.send(Child.STOP);
            receiver.send(Child.STOP);
            Processes.collect(budget, sender, receiver);
            Histogram latency = sub.histogram("latency");
            results.rows.add(Row.measured("bridge", "shmtel bridge one-way over loopback UDP, 1 kHz", Row.ONE_WAY,
                    latency, String.format(Locale.ROOT, "publisher -> bridge send -> Aeron UDP -> bridge receive"
                            + " -> busy-spin subscriber of the mirror, a sample every %d us; received %.0f, lost %.0f"
                            + " (lost before sending %.0f); default idle policies; floor columns: the Aeron UDP row"
                            + " above", profile.bridgeGapNs() / NS_PER_US, sub.metric("received"),
                            sub.metric("lost"), sender.metric("lost_at_sender"))).withAdjacentFloor(transportFloor));
            Map<String, Object> r = results.bridge;
            r.put("rateHz", NS_PER_SECOND / profile.bridgeGapNs());
            r.put("oneWayP50Ns", latency.getValueAtPercentile(P50));
            r.put("oneWayP99Ns", latency.getValueAtPercentile(P99));
            r.put("aeronUdpHalfRttP50Ns", transportFloor.getValueAtPercentile(P50));
            r.put("aeronUdpHalfRttP99Ns", transportFloor.getValueAtPercentile(P99));
            r.put("p50OverAeronUdp", ratio(latency, transportFloor, P50));
            r.put("p99OverAeronUdp", ratio(latency, transportFloor, P99));
            r.put("idleSeconds", wall);
            double tick = clockTicksPerSecond();
            r.put("senderIdleCpuPercent", PERCENT * (after[0] - before[0]) / tick / wall);
            r.put("receiverIdleCpuPercent", PERCENT * (after[1] - before[1]) / tick / wall);
        }
        carried(results, port);
    }

    /**
     * The bridge's throughput: fresh bridge processes forward region "tput" (a 65,536-slot ring), its publisher
     * publishing as fast as it can; a busy-spin stream subscriber of the mirror counts what arrives and when.
     */
    private void carried(Results results, int port) throws IOException {
        Path a = bench.scenarioDir("bridge-tput-a");
        Path b = bench.scenarioDir("bridge-tput-b");
        double seconds = profile.throughputSeconds();
        Duration budget = budget((seconds + profile.throughputWarmupSeconds()) * NS_PER_SECOND);
        try (Processes procs = bench.processes()) {
            Proc pub = procs.launch(Child.class, "bridge-tput-pub", "tput-pub", a, seconds, 0,
                    profile.throughputWarmupSeconds());
            Proc receiver = procs.launch(BridgeChild.class, "bridge-tput-receive", "receive", b, port + 1);
            Proc sender = procs.launch(BridgeChild.class, "bridge-tput-send", "send", a, port + 1, "tput");
            Processes.awaitReady(pub, receiver, sender);
            awaitMirror(b.resolve("shmtel.tput"), receiver);
            Proc sub = procs.start(Child.class, "bridge-tput-sub", "tput-sub", b, QUIET_MS);
            pub.send("GO");
            Processes.collect(budget, pub, sub);
            sender.send(Child.STOP);
            receiver.send(Child.STOP);
            Processes.collect(budget, sender, receiver);
            double window = (sub.metric("last-ns") - sub.metric("first-ns")) / NS_PER_SECOND;
            long received = (long) sub.metric("received");
            Map<String, Object> r = results.bridge;
            r.put("unpacedPublishedPerSecond", pub.metric("measured-published") / pub.metric("seconds"));
            r.put("carriedPerSecond", window > 0 ? received / window : 0.0);
            r.put("carriedReceived", received);
            r.put("carriedSeconds", window);
            r.put("carriedLostAtSender", (long) sender.metric("lost_at_sender"));
            r.put("carriedLostAtMirrorReader", (long) sub.metric("lost"));
            r.put("carriedEndMarkerLost", sub.metric("ended-quiet") > 0);
        }
    }

    private static int port() {
        return PORT_BASE + (int) (ProcessHandle.current().pid() % PORT_SPREAD) * 2;
    }

    private static double ratio(Histogram h, Histogram floor, double percentile) {
        return (double) h.getValueAtPercentile(percentile) / Math.max(1, floor.getValueAtPercentile(percentile));
    }

    /** Waits for the receiver to create the mirror region. */
    private static void awaitMirror(Path mirror, Proc receiver) {
        long deadline = System.nanoTime() + Bench.START.toNanos();
        while (!Files.exists(mirror)) {
            if (System.nanoTime() - deadline > 0) {
                throw receiver.failure("made no mirror " + mirror + " in " + Bench.START.toSeconds() + " s");
            }
            LockSupport.parkNanos(MIRROR_POLL_NS);
        }
    }

    /** utime + stime of a child process, all its threads, in clock ticks ({@code /proc/PID/stat}). */
    static long cpuTicks(Proc proc) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(proc.pid()), "stat"));
        // Fields after the command name (which may hold spaces, in parentheses): state is field 3, utime 14.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[UTIME_FIELD - STATE_FIELD]) + Long.parseLong(fields[STIME_FIELD - STATE_FIELD]);
    }

    /** USER_HZ, the unit of /proc/PID/stat's times ({@code getconf CLK_TCK}; 100 on every Linux we know). */
    private static double clockTicksPerSecond() {
        try {
            String out = Bench.exec(List.of("getconf", "CLK_TCK"), "getconf", Duration.ofSeconds(GETCONF_SECONDS));
            return Double.parseDouble(out.strip());
        } catch (IOException | NumberFormatException e) {
            return DEFAULT_CLK_TCK;
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
