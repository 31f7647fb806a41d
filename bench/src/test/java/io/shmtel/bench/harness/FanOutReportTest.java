package io.shmtel.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The fan-out section's comparison: p99 with the most subscribers over p99 with one, taken against the
 * 1-subscriber line of the same placement when there is one, printed with the placement of each line and the
 * machine's cores.
 */
class FanOutReportTest {
    private static Histogram constant(long ns) {
        Histogram h = Child.histogram();
        h.recordValueWithCount(ns, 100);
        return h;
    }

    private static Results.FanOut line(int subscribers, long p99, String placement) {
        return new Results.FanOut(subscribers, constant(p99), constant(p99), constant(40), 100, 0, null, placement,
                placement.equals("placed") ? "CPUs 1,0" : "");
    }

    private static Results results() {
        return new Results(Profile.SMOKE, "shmtel bench", Map.of("cores", "16", "usableCpus", "0-15"));
    }

    @Test
    void theRatioComparesLinesOfTheSamePlacement() {
        Results r = results();
        r.fanOut.add(line(1, 1_000, "unplaced"));
        r.fanOut.add(line(1, 500, "placed"));
        r.fanOut.add(line(2, 700, "placed"));
        r.fanOut.add(line(8, 1_500, "placed"));
        ReportSections.FanOutRatio ratio = ReportSections.FanOutRatio.of(r);
        assertThat(ratio.most().subscribers()).isEqualTo(8);
        assertThat(ratio.one().placement()).isEqualTo("placed");
        assertThat(ratio.value()).isCloseTo(1_500.0 / 500, offset(0.01));
        StringBuilder out = new StringBuilder();
        ReportSections.fanOut(out, r);
        assertThat(out.toString()).contains("this machine: 16 cores, usable CPUs 0-15", "p99 with 8 / p99 with 1:"
                + " 3.00x", "placed with 8, placed with 1", "on CPUs 1,0");
    }

    @Test
    void withoutALineOfTheSamePlacementTheOtherOneServesAndNoRatioWithoutTwoCounts() {
        Results r = results();
        r.fanOut.add(line(1, 1_000, "placed"));
        assertThat(ReportSections.FanOutRatio.of(r)).isNull();
        r.fanOut.add(line(4, 4_000, "unplaced"));
        ReportSections.FanOutRatio ratio = ReportSections.FanOutRatio.of(r);
        assertThat(ratio.one().placement()).isEqualTo("placed");
        assertThat(ratio.value()).isCloseTo(4.0, offset(0.01));
    }
}
