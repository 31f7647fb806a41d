package io.shmtel.bench.harness;

import static io.shmtel.bench.harness.Bench.budget;
import static io.shmtel.bench.harness.Bench.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The C floor (floor.c, compiled with gcc once per run): the first scenario's one-way and
 * ping-pong rows, the short floors measured right before each latency scenario, and the one-way
 * floor again at the end.
 */
final class FloorScenarios {
    /** Gap between the one-way floor's samples, ns. */
    private static final long ONE_WAY_GAP_NS = 5_000;
    /** Expected time per ping-pong round trip of the floor, ns (for the time bound only). */
    private static final double PING_PONG_NS = 1_000;
    /** The adjacent floors take this fraction of the first floor's samples (and a fifth of those to warm up). */
    private static final int ADJACENT_SHARE = 5;
    private static final int ADJACENT_MIN = 1_000;
    private static final Duration GCC_TIMEOUT = Duration.ofSeconds(60);

    private final Bench bench;
    private final Profile profile;

    FloorScenarios(Bench bench) {
        this.bench = bench;
        this.profile = bench.profile;
    }

    void floor(Results results) throws IOException {
        String gcc = Harness.findExecutable("gcc", "cc");
        if (gcc == null) {
            String why = "skipped: no gcc or cc on PATH (install gcc to measure the floor; ratios need it)";
            results.rows.add(Row.missing(Harness.FLOOR_ONE_WAY, "C floor: seqlock on one cache line", Row.ONE_WAY,
                    why));
            results.rows.add(Row.missing(Harness.FLOOR_ROUND_TRIP, "C floor: 64-bit word ping-pong", Row.ROUND_TRIP,
                    why));
            return;
        }
        Path binary = floorBinary(gcc);
        Path dir = binary.getParent();
        String oneWayLabel = "C floor: seqlock on one cache line, busy-spin";
        for (Placement p : bench.placements.forProcesses(2)) {
            if (p.skipped() != null) {
                results.rows.add(Row.missing(Harness.FLOOR_ONE_WAY, oneWayLabel, Row.ONE_WAY, p.skipped())
                        .placed(p, null));
                continue;
            }
            FloorRun oneway = run(binary, "oneway", profile.floorWarmup(), profile.floorOnewayCount(),
                    ONE_WAY_GAP_NS, dir.resolve("oneway.bin"), p);
            long missed = profile.floorOnewayCount() - oneway.latency.getTotalCount();
            results.rows.add(Row.measured(Harness.FLOOR_ONE_WAY, oneWayLabel, Row.ONE_WAY, oneway.latency,
                    "writer stamps CLOCK_MONOTONIC and a sequence, reader spins; " + missed
                            + " samples overwritten unseen (reader descheduled)").placed(p, oneway.refusals));
        }
        String pingPongLabel = "C floor: 64-bit word ping-pong, busy-spin";
        for (Placement p : bench.placements.forProcesses(2)) {
            if (p.skipped() != null) {
                results.rows.add(Row.missing(Harness.FLOOR_ROUND_TRIP, pingPongLabel, Row.ROUND_TRIP, p.skipped())
                        .placed(p, null));
                continue;
            }
            FloorRun pingpong = run(binary, "pingpong", profile.floorWarmup(), profile.floorCount(), 0,
                    dir.resolve("pingpong.bin"), p);
            results.rows.add(Row.measured(Harness.FLOOR_ROUND_TRIP, pingPongLabel, Row.ROUND_TRIP, pingpong.latency,
                    "half of each round trip").placed(p, pingpong.refusals));
        }
    }

    /** What one run of the C program measured, and what its processes were refused of their placement (or null). */
    record FloorRun(Histogram latency, String refusals) {}

    /** One run of the floor program in {@code mode}, its two processes placed as {@code p} says. */
    FloorRun run(Path binary, String mode, int warmup, int count, long gapNs, Path data, Placement p)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), mode, String.valueOf(warmup),
                String.valueOf(count), String.valueOf(gapNs), data.toString()));
        if (p.placed()) {
            command.add(p.cpuOf(0) + "," + p.cpuOf(1));
            if (p.fifoPriority() > 0) {
                command.add(String.valueOf(p.fifoPriority()));
            }
        }
        double expected = mode.equals("pingpong") ? count * PING_PONG_NS : count * (double) gapNs;
        String output = exec(command, "floor " + mode, budget(expected));
        List<String> refused = output.lines().filter(l -> l.startsWith("placement " + Placement.REFUSED))
                .map(l -> "floor " + mode + ": " + l.substring("placement ".length())).toList();
        return new FloorRun(readUint32(data), refused.isEmpty() ? null : String.join("; ", refused));
    }

    /** The C floor program, compiled once per run into the floor scenario's directory. */
    Path floorBinary(String gcc) throws IOException {
        Path dir = bench.work.resolve("floor");
        Path binary = dir.resolve("floor");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Files.createDirectories(dir);
        Path source = dir.resolve("floor.c");
        try (InputStream in = Harness.class.getResourceAsStream("floor.c")) {
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        exec(List.of(gcc, "-O2", "-std=c11", "-o", binary.toString(), source.toString()), "gcc", GCC_TIMEOUT);
        return binary;
    }

    /**
     * The one-way floor once more, last: on a virtual machine the hypervisor may move the vCPUs
     * (onto hyperthread siblings, another core complex) during a run, which shifts every figure.
     * A floor that moved says the ratios of this run are uncertain; the report says so.
     */
    void floorAgain(Results results) throws IOException {
        Path binary = bench.work.resolve("floor").resolve("floor");
        if (!Files.isExecutable(binary)) {
            return;
        }
        Path data = bench.work.resolve("floor").resolve("again.bin");
        exec(List.of(binary.toString(), "oneway", String.valueOf(profile.floorWarmup()),
                String.valueOf(profile.floorOnewayCount()), String.valueOf(ONE_WAY_GAP_NS), data.toString()),
                "floor oneway", budget(profile.floorOnewayCount() * (double) ONE_WAY_GAP_NS));
        results.rows.add(Row.measured(Harness.FLOOR_AGAIN, "C floor again, at the end of the run", Row.ONE_WAY,
                readUint32(data), "the first floor row repeated, to see whether the machine changed during the run"));
    }

    /**
     * Short one-way and ping-pong floors, measured just before a scenario: on a virtual machine
     * the hypervisor can move the vCPUs during a run (onto hyperthread siblings or apart), which
     * moves every figure by a factor; a floor taken seconds before a row is the fair reference.
     * Unplaced, and with {@code withPlaced} placed on the placed runs' first two CPUs when they have them.
     * Null when there is no floor program (no gcc).
     */
    Floors adjacentFloors(boolean withPlaced) throws IOException {
        Path binary = bench.work.resolve("floor").resolve("floor");
        if (!Files.isExecutable(binary)) {
            return null;
        }
        Placement placed = withPlaced ? bench.placements.best(2) : Placement.UNPLACED;
        return new Floors(adjacent(binary, Placement.UNPLACED), placed.placed() ? adjacent(binary, placed) : null);
    }

    /**
     * The floors measured right before a latency scenario: {@code unplaced} (one-way, ping-pong) always,
     * {@code placed} when the placed runs have CPUs (else null).
     */
    record Floors(Histogram[] unplaced, Histogram[] placed) {
        /** The floor of {@code row}'s method and placement, or null. */
        Histogram forRow(Row row) {
            Histogram[] pair = row.isPlaced() && placed != null ? placed : unplaced;
            return row.method().equals(Row.ONE_WAY) ? pair[0] : pair[1];
        }
    }

    private Histogram[] adjacent(Path binary, Placement p) throws IOException {
        int count = Math.max(ADJACENT_MIN, profile.floorOnewayCount() / ADJACENT_SHARE);
        Path data = bench.work.resolve("floor").resolve("adjacent.bin");
        Histogram oneWay = run(binary, "oneway", count / ADJACENT_SHARE, count, ONE_WAY_GAP_NS, data, p).latency;
        return new Histogram[] {oneWay, run(binary, "pingpong", count / ADJACENT_SHARE, count, 0, data, p).latency};
    }

    /** The C futex wake-up floor of the wake scenario; null without gcc. */
    Histogram futexFloor() throws IOException {
        String gcc = Harness.findExecutable("gcc", "cc");
        if (gcc == null) {
            return null;
        }
        Path binary = floorBinary(gcc);
        Path data = binary.getParent().resolve("futex.bin");
        exec(List.of(binary.toString(), "futex", "20", String.valueOf(profile.backoffCount()),
                String.valueOf(profile.backoffGapMinNs()), data.toString()), "floor futex",
                budget(profile.backoffCount() * 3.0 * profile.backoffGapMinNs()));
        return readUint32(data);
    }

    /** The latencies the C program wrote: native-order unsigned 32-bit nanoseconds. */
    static Histogram readUint32(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.nativeOrder());
        Histogram h = Child.histogram();
        while (bytes.remaining() >= Integer.BYTES) {
            h.recordValue(Integer.toUnsignedLong(bytes.getInt()));
        }
        return h;
    }
}
