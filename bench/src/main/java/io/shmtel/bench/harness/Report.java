package io.shmtel.bench.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The harness's table (latency rows, then {@link ReportSections}, then the targets), and the
 * entry points of its JSON ({@link ReportJson}) and plot ({@link LatencyPlot}).
 */
final class Report {

    /** A target of issue 6, checked against this run's figures. */
    record Target(String name, String measured, Boolean met) {}

    /** Issue 25's factors: placed one-way against the placed floor, the bridge against Aeron UDP. */
    private static final double P50_FACTOR_25 = 1.3;
    private static final double P99_FACTOR_25 = 2;
    private static final double BRIDGE_P50_FACTOR = 2;
    private static final double BRIDGE_P99_FACTOR = 3;
    private static final double BRIDGE_IDLE_PERCENT = 2;
    private static final double BRIDGE_RATE = 1e6;

    private final Results results;

    Report(Results results) {
        this.results = results;
    }

    // ---- table ----

    String table() {
        StringBuilder out = new StringBuilder();
        Map<String, String> m = results.machine;
        out.append(String.format(Locale.ROOT,
                "shmtel bench, %s profile, %s%n%s, %s cores (usable CPUs %s), Linux %s, Java %s%ncommand: %s%n"
                        + "placement: %s%n%n",
                results.profile.name(), m.get("date"), m.get("cpu"), m.get("cores"), m.get("usableCpus"),
                m.get("kernel"), m.get("java"), results.command, m.getOrDefault("placement", "unplaced")));
        String header = String.format(Locale.ROOT, "%-50s %-12s %-9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s%n",
                "latency", "method", "placement", "samples", "p50", "p90", "p99", "p99.9", "max", "floor p50",
                "floor p99", "p50/floor", "p99/floor");
        out.append(header);
        List<String> notes = new ArrayList<>();
        for (Row row : results.rows) {
            if (!row.present()) {
                out.append(String.format(Locale.ROOT, "%-50s %-12s %-9s %s%n", row.label(), row.method(),
                        row.placement(), row.note()));
                continue;
            }
            Histogram floor = results.floorFor(row);
            long f50 = floor == null ? 0 : floor.getValueAtPercentile(50);
            long f99 = floor == null ? 0 : floor.getValueAtPercentile(99);
            out.append(String.format(Locale.ROOT, "%-50s %-12s %-9s %9d %9s %9s %9s %9s %9s %9s %9s %9s %9s%n",
                    row.label(), row.method(), row.placement(), row.latency().getTotalCount(), ns(row.p(50)),
                    ns(row.p(90)), ns(row.p(99)), ns(row.p(99.9)), ns(row.latency().getMaxValue()),
                    floor == null ? "" : ns(f50), floor == null ? "" : ns(f99), ratio(row.p(50), f50),
                    ratio(row.p(99), f99)));
            if (row.note() != null) {
                notes.add(row.label() + (row.isPlaced() ? " (placed on " + row.cpus() + ")"
                        : row.placement().equals(Placement.REFUSED_WORD) ? " (refused)" : "") + ": " + row.note());
            }
        }
        if (!notes.isEmpty()) {
            out.append(String.format("%nnotes:%n"));
            notes.forEach(n -> out.append("  ").append(n).append(System.lineSeparator()));
        }
        out.append(String.format("%nfloor p50/p99: the C floor of the row's method (one-way, or ping-pong for"
                + " round-trip/2) and placement, measured just before the row's scenario; ratios are against it%n"
                + "placement: unplaced = the scheduler puts the processes anywhere; placed = each process's"
                + " measuring thread pinned to a CPU of its own; refused = placement asked and refused (ran unplaced;"
                + " the note says why)%n"));
        String drift = floorDrift();
        if (drift != null) {
            out.append(drift).append(System.lineSeparator());
        }
        for (ReportSections.Section section : ReportSections.ALL) {
            section.append(out, results);
        }
        appendTargets(out, "targets (issue 6):", targets());
        appendTargets(out, "targets (issue 25, placed rows and the bridge):", targets25());
        return out.toString();
    }

    private static void appendTargets(StringBuilder out, String title, List<Target> targets) {
        if (targets.isEmpty()) {
            return;
        }
        out.append(String.format("%n%s%n", title));
        for (Target t : targets) {
            String verdict = t.met() == null ? "not measured" : t.met() ? "met" : "MISSED";
            out.append(String.format(Locale.ROOT, "  %-66s %-8s %s%n", t.name(), verdict, t.measured()));
        }
    }

    /**
     * Issue 25's targets: placed busy-spin one-way within 1.3x (p50) and 2x (p99) of the placed floor, the
     * placed ping-pong at or below placed Aeron IPC, the bridge against Aeron UDP, its idle cost and its rate.
     */
    List<Target> targets25() {
        List<Target> targets = new ArrayList<>();
        for (String id : List.of("shmtel-spin", "shmtel-spin-latest")) {
            Row placed = results.row(id + Results.PLACED_SUFFIX);
            if (placed == null) {
                continue;
            }
            String mode = id.endsWith("latest") ? "latest" : "stream";
            Histogram floor = placed.present() && placed.isPlaced() ? results.floorFor(placed) : null;
            if (floor == null) {
                targets.add(new Target("placed busy-spin one-way (" + mode + ") against the placed C floor",
                        placed.isPlaced() ? "needs the placed row and floor" : placed.note(), null));
                continue;
            }
            targets.add(check("placed busy-spin one-way (" + mode + ") p50 <= 1.3 x floor p50", placed.p(50),
                    P50_FACTOR_25, floor.getValueAtPercentile(50), "floor p50"));
            targets.add(check("placed busy-spin one-way (" + mode + ") p99 <= 2 x floor p99", placed.p(99),
                    P99_FACTOR_25, floor.getValueAtPercentile(99), "floor p99"));
        }
        Row rtt = results.row("shmtel-rtt" + Results.PLACED_SUFFIX);
        Row aeron = results.row("aeron-ipc" + Results.PLACED_SUFFIX);
        if (rtt != null && aeron != null && rtt.present() && aeron.present() && rtt.isPlaced() && aeron.isPlaced()) {
            targets.add(check("placed ping-pong RTT/2 p50 <= placed Aeron IPC p50", rtt.p(50), 1, aeron.p(50),
                    "Aeron p50"));
            targets.add(check("placed ping-pong RTT/2 p99 <= placed Aeron IPC p99", rtt.p(99), 1, aeron.p(99),
                    "Aeron p99"));
        }
        Map<String, Object> b = results.bridge;
        if (b.containsKey("oneWayP50Ns")) {
            targets.add(check("bridge one-way p50 <= 2 x Aeron UDP half RTT p50", (Long) b.get("oneWayP50Ns"),
                    BRIDGE_P50_FACTOR, (Long) b.get("aeronUdpHalfRttP50Ns"), "Aeron UDP p50"));
            targets.add(check("bridge one-way p99 <= 3 x Aeron UDP half RTT p99", (Long) b.get("oneWayP99Ns"),
                    BRIDGE_P99_FACTOR, (Long) b.get("aeronUdpHalfRttP99Ns"), "Aeron UDP p99"));
            double idle = Math.max((Double) b.get("senderIdleCpuPercent"), (Double) b.get("receiverIdleCpuPercent"));
            targets.add(new Target("bridge idle <= 2 % of a core per process", String.format(Locale.ROOT,
                    "send %.2f %%, receive %.2f %%", (Double) b.get("senderIdleCpuPercent"),
                    (Double) b.get("receiverIdleCpuPercent")), idle <= BRIDGE_IDLE_PERCENT));
        }
        if (b.containsKey("carriedPerSecond")) {
            double carried = (Double) b.get("carriedPerSecond");
            targets.add(new Target("bridge carries >= 1 M samples/s", rate(carried), carried >= BRIDGE_RATE));
        }
        return targets;
    }

    /** A warning when the one-way floor at the end differs from the one at the start by more than 20 %. */
    String floorDrift() {
        Row first = results.row(Harness.FLOOR_ONE_WAY);
        Row again = results.row(Harness.FLOOR_AGAIN);
        if (first == null || again == null || !first.present() || !again.present()) {
            return null;
        }
        double change = (double) again.p(50) / first.p(50);
        if (change > 0.8 && change < 1.25) {
            return String.format(Locale.ROOT, "floor stable: one-way p50 %s at the start, %s at the end",
                    ns(first.p(50)), ns(again.p(50)));
        }
        return String.format(Locale.ROOT, "WARNING: the one-way floor moved from p50 %s to %s during the run (the"
                + " hypervisor or the scheduler placed the processes differently); ratios of rows measured in between"
                + " are uncertain: run again", ns(first.p(50)), ns(again.p(50)));
    }

    List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        Row uds = results.row("uds");
        Row aeron = results.row("aeron-ipc");
        for (String id : List.of("shmtel-spin", "shmtel-spin-latest")) {
            Row spin = results.row(id);
            if (spin == null || !spin.present()) {
                continue;
            }
            String mode = id.endsWith("latest") ? "latest" : "stream";
            Histogram floor = results.floorFor(spin);
            if (floor != null) {
                targets.add(check("busy-spin one-way (" + mode + ") p50 <= 1.5 x floor p50", spin.p(50), 1.5,
                        floor.getValueAtPercentile(50), "floor p50"));
                targets.add(check("busy-spin one-way (" + mode + ") p99 <= 3 x floor p99", spin.p(99), 3,
                        floor.getValueAtPercentile(99), "floor p99"));
            } else {
                targets.add(new Target("busy-spin one-way (" + mode + ") against the C floor",
                        "needs the floor row (gcc)", null));
            }
            if (aeron != null && aeron.present()) {
                targets.add(check("busy-spin one-way (" + mode + ") p99 < Aeron IPC p99", spin.p(99), 1, aeron.p(99),
                        "Aeron p99"));
            }
            if (uds != null && uds.present()) {
                targets.add(check("one-way (" + mode + ") p50 <= 1/100 of the Unix-socket p50", spin.p(50), 0.01,
                        uds.p(50), "socket p50"));
            }
        }
        Results.FanOut one = results.fanOut(1);
        Results.FanOut eight = results.fanOut(8);
        if (one != null && eight != null) {
            Histogram c1 = one.publishCost();
            long p50at8 = eight.publishCost().getValueAtPercentile(50);
            boolean within = p50at8 >= c1.getValueAtPercentile(10) && p50at8 <= c1.getValueAtPercentile(90);
            targets.add(new Target("publisher cost p50 with 8 subscribers within the 1-subscriber p10..p90",
                    String.format(Locale.ROOT, "%s with 8, %s..%s with 1", ns(p50at8), ns(c1.getValueAtPercentile(10)),
                            ns(c1.getValueAtPercentile(90))), within));
            targets.add(check("fan-out p99 with 8 subscribers <= 2 x p99 with 1",
                    eight.latency().getValueAtPercentile(99), 2, one.latency().getValueAtPercentile(99), "p99 with 1"));
        } else if (!results.fanOut.isEmpty()) {
            String why = results.fanOut.stream().filter(f -> f.subscribers() == 8 && !f.present())
                    .map(Results.FanOut::note).findFirst().orElse("run --fanout with 1 and 8");
            targets.add(new Target("fan-out 8 against 1 (publisher cost, p99 <= 2x)", why, null));
        }
        return targets;
    }

    private static Target check(String name, long value, double factor, long reference, String referenceName) {
        double limit = factor * reference;
        return new Target(name, String.format(Locale.ROOT, "%s, limit %s (%.3g x the %s)", ns(value),
                ns(Math.round(limit)), reference == 0 ? 0 : (double) value / reference, referenceName), value <= limit);
    }


    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.2f M/s", perSecond / 1e6);
    }

    static String ratio(long value, long floor) {
        return floor <= 0 ? "" : String.format(Locale.ROOT, "%.1fx", (double) value / floor);
    }

    static String ns(long ns) {
        if (ns < 10_000) {
            return ns + " ns";
        }
        if (ns < 10_000_000) {
            return String.format(Locale.ROOT, "%.1f us", ns / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f ms", ns / 1e6);
    }

    // ---- JSON and plot ----

    void writeJson(Path file) throws IOException {
        ReportJson.write(this, results, file);
    }

    void plot(Path file) throws IOException {
        LatencyPlot.draw(results, file);
    }

    static String bytes(long n) {
        return n >= 1 << 20 ? (n >> 20) + " MiB" : (n >> 10) + " KiB";
    }
}
