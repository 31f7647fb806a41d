package io.shmtel.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/** The harness's table, its JSON and its plot of the latency percentile distributions. */
final class Report {
    static final double[] PERCENTILES = {50, 90, 99, 99.9, 100};

    /** A target of issue 6, checked against this run's figures. */
    record Target(String name, String measured, Boolean met) {}

    private final Results results;

    Report(Results results) {
        this.results = results;
    }

    // ---- table ----

    String table() {
        StringBuilder out = new StringBuilder();
        Map<String, String> m = results.machine;
        out.append(String.format(Locale.ROOT, "shmtel bench, %s profile, %s%n%s, %s cores, Linux %s, Java %s%ncommand: %s%n%n",
                results.profile.name(), m.get("date"), m.get("cpu"), m.get("cores"), m.get("kernel"), m.get("java"),
                results.command));
        String header = String.format(Locale.ROOT, "%-50s %-12s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s%n", "latency",
                "method", "samples", "p50", "p90", "p99", "p99.9", "max", "floor p50", "floor p99", "p50/floor",
                "p99/floor");
        out.append(header);
        List<String> notes = new ArrayList<>();
        for (Row row : results.rows) {
            if (!row.present()) {
                out.append(String.format(Locale.ROOT, "%-50s %-12s %s%n", row.label(), row.method(), row.note()));
                continue;
            }
            Histogram floor = results.floorFor(row);
            long f50 = floor == null ? 0 : floor.getValueAtPercentile(50);
            long f99 = floor == null ? 0 : floor.getValueAtPercentile(99);
            out.append(String.format(Locale.ROOT, "%-50s %-12s %9d %9s %9s %9s %9s %9s %9s %9s %9s %9s%n", row.label(),
                    row.method(), row.latency().getTotalCount(), ns(row.p(50)), ns(row.p(90)), ns(row.p(99)),
                    ns(row.p(99.9)), ns(row.latency().getMaxValue()), floor == null ? "" : ns(f50),
                    floor == null ? "" : ns(f99), ratio(row.p(50), f50), ratio(row.p(99), f99)));
            if (row.note() != null) {
                notes.add(row.label() + ": " + row.note());
            }
        }
        if (!notes.isEmpty()) {
            out.append(String.format("%nnotes:%n"));
            notes.forEach(n -> out.append("  ").append(n).append(System.lineSeparator()));
        }
        out.append(String.format("%nfloor p50/p99: the C floor of the row's method (one-way, or ping-pong for round-trip/2),"
                + " measured just before the row's scenario; ratios are against it%n"));
        String drift = floorDrift();
        if (drift != null) {
            out.append(drift).append(System.lineSeparator());
        }
        if (!results.throughput.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nthroughput: one publisher, one busy-spin stream subscriber, %s%n",
                    results.throughput.get("record")));
            out.append(String.format(Locale.ROOT, "  %-22s %9s %14s %14s %12s %8s%n", "publisher", "seconds",
                    "published/s", "received/s", "lost", "lost %"));
            List<Map<String, Object>> runs = new ArrayList<>();
            runs.add(map(results.throughput.get("unthrottled")));
            for (Object step : (List<?>) results.throughput.getOrDefault("steps", List.of())) {
                runs.add(map(step));
            }
            for (Map<String, Object> r : runs) {
                double target = (Double) r.get("targetPerSecond");
                long published = (Long) r.get("published");
                long lost = (Long) r.get("lost");
                out.append(String.format(Locale.ROOT, "  %-22s %9.1f %14s %14s %12d %7.2f%%%n",
                        target <= 0 ? "as fast as it can" : "paced at " + rate(target), (Double) r.get("seconds"),
                        rate((Double) r.get("publishedPerSecond")), rate((Double) r.get("receivedPerSecond")), lost,
                        100.0 * lost / Math.max(1, published)));
            }
            double sustained = (Double) results.throughput.get("sustainedLossFreePerSecond");
            boolean publisherBound = Boolean.TRUE.equals(results.throughput.get("publisherBound"));
            out.append(String.format(Locale.ROOT, "  sustained with nothing lost: %s%n", sustained <= 0
                    ? "below the first paced step"
                    : rate(sustained) + (publisherBound ? " (the publisher's own limit: the subscriber kept up with it)"
                            : " (the highest received rate of a run without a loss)")));
        }
        if (!results.idle.isEmpty()) {
            Map<String, Object> i = results.idle;
            out.append(String.format(Locale.ROOT,
                    "%nidle cost: default backoff subscriber on a silent record for %.1f s: polling thread %.2f %% of a core,"
                            + " whole JVM %.2f %%%n  (%s; wake-up latency: the backoff row above)%n",
                    (Double) i.get("seconds"), (Double) i.get("threadCpuPercent"), (Double) i.get("processCpuPercent"),
                    i.get("strategy")));
        }
        if (!results.wake.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nwake-up: one subscriber per idle strategy, a sample every %d-%d ms"
                    + " (one-way latency); CPU on a silent record for %.1f s%n", results.profile.backoffGapMinNs() / 1_000_000,
                    results.profile.backoffGapMaxNs() / 1_000_000, results.profile.idleSeconds()));
            out.append(String.format(Locale.ROOT, "  %-14s %9s %9s %9s %9s %8s %13s %11s%n", "strategy", "p50", "p90", "p99",
                    "max", "lost", "idle thread", "idle JVM"));
            for (Results.Wake w : results.wake) {
                out.append(String.format(Locale.ROOT, "  %-14s %9s %9s %9s %9s %8d %s%n", w.strategy(),
                        ns(w.latency().getValueAtPercentile(50)), ns(w.latency().getValueAtPercentile(90)),
                        ns(w.latency().getValueAtPercentile(99)), ns(w.latency().getMaxValue()), w.lost(),
                        Double.isNaN(w.threadCpuPercent()) ? "   (C: writer FUTEX_WAKE, reader FUTEX_WAIT; the kernel's"
                                + " wake-up)" : String.format(Locale.ROOT, "%11.2f %% %9.2f %%", w.threadCpuPercent(),
                                        w.processCpuPercent())));
            }
        }
        if (!results.wakeCost.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%npublisher cost per sample (commit(), nanoTime around it) with blocking"
                    + " subscribers asleep on the record, a sample every %d-%d us%n",
                    results.profile.backoffGapMinNs() / 10_000, results.profile.backoffGapMaxNs() / 10_000));
            out.append(String.format(Locale.ROOT, "  %-9s %9s %9s %9s %11s %13s %13s%n", "sleepers", "cost p50", "cost p90",
                    "cost p99", "cost mean", "wake-up p50", "wake-up p99"));
            for (Results.WakeCost c : results.wakeCost) {
                out.append(String.format(Locale.ROOT, "  %-9d %9s %9s %9s %11s %13s %13s%n", c.sleepers(),
                        ns(c.publishCost().getValueAtPercentile(50)), ns(c.publishCost().getValueAtPercentile(90)),
                        ns(c.publishCost().getValueAtPercentile(99)),
                        String.format(Locale.ROOT, "%.1f ns", c.publishCost().getMean()),
                        c.latency() == null ? "-" : ns(c.latency().getValueAtPercentile(50)),
                        c.latency() == null ? "-" : ns(c.latency().getValueAtPercentile(99))));
            }
        }
        if (!results.memory.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nmemory: publish latency into a fresh ring of %d one-page slots (%s), first"
                    + " pass (each page touched for the first time) and second pass (the same pages: the floor)%n",
                    results.memory.get(0).bytes() / 4096, bytes(results.memory.get(0).bytes())));
            out.append(String.format(Locale.ROOT, "  %-9s %9s %9s %9s %9s %9s   %9s %9s %9s %9s%n", "mode", "setup", "1st p50",
                    "1st p99", "1st p99.9", "1st max", "2nd p50", "2nd p99", "2nd p99.9", "2nd max"));
            for (Results.Memory mem : results.memory) {
                if (mem.refused() != null) {
                    out.append(String.format(Locale.ROOT, "  %-9s refused: %s%n", mem.mode(), mem.refused()));
                    continue;
                }
                out.append(String.format(Locale.ROOT, "  %-9s %9s %9s %9s %9s %9s   %9s %9s %9s %9s%n", mem.mode(), ns(mem.setupNs()),
                        ns(mem.firstPass().getValueAtPercentile(50)), ns(mem.firstPass().getValueAtPercentile(99)),
                        ns(mem.firstPass().getValueAtPercentile(99.9)), ns(mem.firstPass().getMaxValue()),
                        ns(mem.secondPass().getValueAtPercentile(50)), ns(mem.secondPass().getValueAtPercentile(99)),
                        ns(mem.secondPass().getValueAtPercentile(99.9)), ns(mem.secondPass().getMaxValue())));
            }
        }
        if (!results.fanOut.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nfan-out: busy-spin subscriber processes on one record, a sample every %d us;"
                    + " publisher cost = commit() per sample (nanoTime around it)%n", results.profile.spinGapNs() / 1000));
            out.append(String.format(Locale.ROOT, "%-11s %9s %9s %9s %13s %13s %13s %13s %9s%n", "subscribers",
                    "sub p50", "sub p99", "sub p99.9", "worst sub p99", "pub cost p50", "pub cost p99", "pub cost mean", "lost"));
            for (Results.FanOut f : results.fanOut) {
                if (!f.present()) {
                    out.append(String.format(Locale.ROOT, "%-11d %s%n", f.subscribers(), f.note()));
                    continue;
                }
                out.append(String.format(Locale.ROOT, "%-11d %9s %9s %9s %13s %13s %13s %13s %9d%s%n", f.subscribers(),
                        ns(f.latency().getValueAtPercentile(50)), ns(f.latency().getValueAtPercentile(99)),
                        ns(f.latency().getValueAtPercentile(99.9)), ns(f.worstSubscriber().getValueAtPercentile(99)),
                        ns(f.publishCost().getValueAtPercentile(50)), ns(f.publishCost().getValueAtPercentile(99)),
                        String.format(Locale.ROOT, "%.1f ns", f.publishCost().getMean()), f.lost(),
                        f.note() == null ? "" : "  (" + f.note() + ")"));
            }
        }
        List<Target> targets = targets();
        if (!targets.isEmpty()) {
            out.append(String.format("%ntargets (issue 6):%n"));
            for (Target t : targets) {
                String verdict = t.met() == null ? "not measured" : t.met() ? "met" : "MISSED";
                out.append(String.format(Locale.ROOT, "  %-66s %-8s %s%n", t.name(), verdict, t.measured()));
            }
        }
        return out.toString();
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
            return String.format(Locale.ROOT, "floor stable: one-way p50 %s at the start, %s at the end", ns(first.p(50)),
                    ns(again.p(50)));
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
            targets.add(check("fan-out p99 with 8 subscribers <= 2 x p99 with 1", eight.latency().getValueAtPercentile(99), 2,
                    one.latency().getValueAtPercentile(99), "p99 with 1"));
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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
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

    // ---- JSON ----

    void writeJson(Path file) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("command", results.command);
        root.put("profile", results.profile.name());
        root.put("machine", results.machine);
        List<Object> rows = new ArrayList<>();
        for (Row row : results.rows) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", row.id());
            r.put("label", row.label());
            r.put("method", row.method());
            r.put("note", row.note());
            if (row.present()) {
                r.put("latencyNs", summary(row.latency()));
                Histogram floor = results.floorFor(row);
                if (floor != null) {
                    r.put("floorNs", summary(floor));
                    r.put("p50OverFloor", (double) row.p(50) / floor.getValueAtPercentile(50));
                    r.put("p99OverFloor", (double) row.p(99) / floor.getValueAtPercentile(99));
                }
                r.put("distribution", distribution(row.latency()));
            }
            rows.add(r);
        }
        root.put("latency", rows);
        root.put("throughput", results.throughput);
        root.put("idle", results.idle);
        List<Object> wake = new ArrayList<>();
        for (Results.Wake w : results.wake) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("strategy", w.strategy());
            r.put("latencyNs", summary(w.latency()));
            r.put("lost", w.lost());
            r.put("idleThreadCpuPercent", w.threadCpuPercent());
            r.put("idleProcessCpuPercent", w.processCpuPercent());
            wake.add(r);
        }
        root.put("wake", wake);
        List<Object> wakeCost = new ArrayList<>();
        for (Results.WakeCost c : results.wakeCost) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("sleepers", c.sleepers());
            r.put("publishCostNs", summary(c.publishCost()));
            r.put("latencyNs", c.latency() == null ? null : summary(c.latency()));
            wakeCost.add(r);
        }
        root.put("wakeCost", wakeCost);
        List<Object> memory = new ArrayList<>();
        for (Results.Memory m : results.memory) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("mode", m.mode());
            r.put("bytes", m.bytes());
            r.put("refused", m.refused());
            r.put("setupNs", m.setupNs());
            r.put("firstPassNs", m.firstPass() == null ? null : summary(m.firstPass()));
            r.put("secondPassNs", m.secondPass() == null ? null : summary(m.secondPass()));
            memory.add(r);
        }
        root.put("memory", memory);
        List<Object> fan = new ArrayList<>();
        for (Results.FanOut f : results.fanOut) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("subscribers", f.subscribers());
            r.put("note", f.note());
            if (f.present()) {
                r.put("latencyNs", summary(f.latency()));
                r.put("worstSubscriberLatencyNs", summary(f.worstSubscriber()));
                r.put("publishCostNs", summary(f.publishCost()));
                r.put("received", f.received());
                r.put("lost", f.lost());
            }
            fan.add(r);
        }
        root.put("fanOut", fan);
        List<Object> targets = new ArrayList<>();
        for (Target t : targets()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("target", t.name());
            r.put("measured", t.measured());
            r.put("met", t.met());
            targets.add(r);
        }
        root.put("targets", targets);
        root.put("floorDrift", floorDrift());
        root.put("failures", results.failures);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }

    private static Map<String, Object> summary(Histogram h) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("count", h.getTotalCount());
        s.put("min", h.getMinValue());
        s.put("mean", h.getMean());
        s.put("p50", h.getValueAtPercentile(50));
        s.put("p90", h.getValueAtPercentile(90));
        s.put("p99", h.getValueAtPercentile(99));
        s.put("p99.9", h.getValueAtPercentile(99.9));
        s.put("p99.99", h.getValueAtPercentile(99.99));
        s.put("max", h.getMaxValue());
        return s;
    }

    /** [percentile, nanoseconds] pairs, denser toward the tail (HdrHistogram's percentile iteration). */
    private static List<double[]> distribution(Histogram h) {
        List<double[]> points = new ArrayList<>();
        for (HistogramIterationValue v : h.percentiles(5)) {
            points.add(new double[] {v.getPercentileLevelIteratedTo(), v.getValueIteratedTo()});
            if (v.getPercentileLevelIteratedTo() >= 100) {
                break;
            }
        }
        return points;
    }

    // ---- plot ----

    private static String decade(int d) {
        String[] units = {"ns", "us", "ms", "s"};
        int unit = Math.min(3, Math.max(0, d / 3));
        return (long) Math.pow(10, d - 3 * unit) + " " + units[unit];
    }

    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)
    };

    /** Latency by percentile, both axes logarithmic (x: 1 / (1 - p)), one line per row. */
    void plot(Path file) throws IOException {
        List<Row> rows = results.rows.stream().filter(Row::present).toList();
        int width = 1200;
        int left = 90;
        int right = 30;
        int top = 60;
        int bottom = 80 + 18 * rows.size();
        int height = 560 + bottom;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);

        long min = rows.stream().mapToLong(r -> Math.max(1, r.latency().getMinValue())).min().orElse(10);
        long max = rows.stream().mapToLong(r -> r.latency().getMaxValue()).max().orElse(1_000_000);
        double yLow = Math.floor(Math.log10(min));
        double yHigh = Math.ceil(Math.log10(Math.max(max, 10)));
        if (yHigh <= yLow) {
            yHigh = yLow + 1;
        }
        double xHigh = 5; // 99.999 %
        int plotW = width - left - right;
        int plotH = height - top - bottom;

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.setColor(Color.BLACK);
        g.drawString("Latency by percentile: " + results.command + " (" + results.machine.get("cpu") + ", "
                + results.machine.get("cores") + " cores)", left, 35);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int d = (int) yLow; d <= (int) yHigh; d++) {
            int y = top + plotH - (int) Math.round((d - yLow) / (yHigh - yLow) * plotH);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, y, left + plotW, y);
            g.setColor(Color.DARK_GRAY);
            String label = decade(d);
            g.drawString(label, left - 10 - g.getFontMetrics().stringWidth(label), y + 5);
        }
        String[] xLabels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int d = 0; d <= xHigh; d++) {
            int x = left + (int) Math.round(d / xHigh * plotW);
            g.setColor(new Color(0xdddddd));
            g.drawLine(x, top, x, top + plotH);
            g.setColor(Color.DARK_GRAY);
            g.drawString(xLabels[d], x - g.getFontMetrics().stringWidth(xLabels[d]) / 2, top + plotH + 20);
        }
        g.drawString("percentile", left + plotW / 2 - 30, top + plotH + 45);
        g.setColor(Color.BLACK);
        g.drawRect(left, top, plotW, plotH);

        g.setStroke(new BasicStroke(2.2f));
        for (int i = 0; i < rows.size(); i++) {
            g.setColor(COLORS[i % COLORS.length]);
            int px = -1;
            int py = -1;
            for (double[] point : distribution(rows.get(i).latency())) {
                double p = Math.min(point[0], 99.9999);
                double xv = Math.min(xHigh, Math.log10(100 / (100 - p)));
                double yv = Math.log10(Math.max(1, point[1]));
                int x = left + (int) Math.round(xv / xHigh * plotW);
                int y = top + plotH - (int) Math.round((yv - yLow) / (yHigh - yLow) * plotH);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
        List<String> legend = new ArrayList<>();
        for (Row row : rows) {
            legend.add(row.label() + " (" + row.method() + "), p50 " + ns(row.p(50)) + ", p99 " + ns(row.p(99)));
        }
        int boxX = left;
        int boxY = top + plotH + 55;
        for (int i = 0; i < legend.size(); i++) {
            int y = boxY + 18 * (i + 1);
            g.setColor(COLORS[i % COLORS.length]);
            g.fillRect(boxX + 8, y - 7, 22, 4);
            g.setColor(Color.BLACK);
            g.drawString(legend.get(i), boxX + 38, y - 1);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static String bytes(long n) {
        return n >= 1 << 20 ? (n >> 20) + " MiB" : (n >> 10) + " KiB";
    }
}
