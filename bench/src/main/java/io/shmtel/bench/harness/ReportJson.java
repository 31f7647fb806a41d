package io.shmtel.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.shmtel.bench.harness.Report.Target;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/** results.json: every figure of a run, the percentile distributions, the targets and the machine. */
final class ReportJson {
    private ReportJson() {}

    static void write(Report report, Results results, Path file) throws IOException {
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
            r.put("placement", row.placement());
            r.put("cpus", row.cpus());
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
        List<Object> cOps = new ArrayList<>();
        for (Results.COp c : results.cOps) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("op", c.op().name());
            r.put("jmh", c.op().jmh());
            r.put("description", c.op().description());
            r.put("minNs", c.minNs());
            r.put("medianNs", c.medianNs());
            cOps.add(r);
        }
        root.put("cOps", cOps);
        root.put("cOpsSkipped", results.cOpsSkipped);
        List<Object> fan = new ArrayList<>();
        for (Results.FanOut f : results.fanOut) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("subscribers", f.subscribers());
            r.put("placement", f.placement());
            r.put("cpus", f.cpus());
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
        ReportSections.FanOutRatio ratio = ReportSections.FanOutRatio.of(results);
        if (ratio != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("subscribers", ratio.most().subscribers());
            r.put("placement", ratio.most().placement());
            r.put("onePlacement", ratio.one().placement());
            r.put("p99OverP99WithOne", ratio.value());
            root.put("fanOutRatio", r);
        }
        root.put("bridge", results.bridge);
        List<Object> targets = new ArrayList<>();
        for (Target t : report.targets()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("target", t.name());
            r.put("measured", t.measured());
            r.put("met", t.met());
            targets.add(r);
        }
        root.put("targets", targets);
        List<Object> targets25 = new ArrayList<>();
        for (Target t : report.targets25()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("target", t.name());
            r.put("measured", t.measured());
            r.put("met", t.met());
            targets25.add(r);
        }
        root.put("targetsIssue25", targets25);
        root.put("floorDrift", report.floorDrift());
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
    static List<double[]> distribution(Histogram h) {
        List<double[]> points = new ArrayList<>();
        for (HistogramIterationValue v : h.percentiles(5)) {
            points.add(new double[] {v.getPercentileLevelIteratedTo(), v.getValueIteratedTo()});
            if (v.getPercentileLevelIteratedTo() >= 100) {
                break;
            }
        }
        return points;
    }
}
