package io.shmtel.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class FixedRateSchedulerTest {

    /**
     * Rate accuracy, measured: 200 Hz for about 1.5 s. The count over the run follows the due grid
     * (no drift), so it is within a few samples of rate x time even on a loaded 2-core machine.
     */
    @Test
    void runsAtItsRateWithoutDrift() throws InterruptedException {
        SamplingStats stats = new SamplingStats();
        List<long[]> runs = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        FixedRateScheduler scheduler = new FixedRateScheduler("t", 200, 0, stats,
                (k, due) -> runs.add(new long[] {k, due, System.nanoTime()})).start();
        Thread.sleep(1500);
        scheduler.close();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long done = stats.samples() + stats.missed();
        double measuredHz = done / elapsed;
        SamplingStats.Interval interval = stats.interval();
        System.out.printf("scheduler: %d runs (+%d missed) in %.3f s = %.2f Hz for 200 Hz; jitter p50 %d us, p99 %d us,"
                + " max %d us%n", stats.samples(), stats.missed(), elapsed, measuredHz,
                interval.jitterNs().getValueAtPercentile(50) / 1000,
                        interval.jitterNs().getValueAtPercentile(99) / 1000,
                interval.jitterNs().getMaxValue() / 1000);
        assertThat(measuredHz).as("measured rate").isBetween(190.0, 202.0);
        long firstDue = runs.get(0)[1];
        for (long[] run : runs) {
            long expectedDue = firstDue + Math.round(run[0] * 5_000_000.0);
            assertThat(run[1]).as("run %d is due on the grid", run[0]).isEqualTo(expectedDue);
            assertThat(run[2]).as("run %d never starts early", run[0]).isGreaterThanOrEqualTo(run[1]);
        }
    }

    @Test
    void aLateRunSkipsTheDueTimesItMissedAndCountsThem() throws InterruptedException {
        SamplingStats stats = new SamplingStats();
        List<Long> indices = Collections.synchronizedList(new ArrayList<>());
        FixedRateScheduler scheduler = new FixedRateScheduler("slow", 100, 0, stats, (k, due) -> {
            indices.add(k);
            if (k == 3) {
                Thread.sleep(55); // five and a half periods
            }
        }).start();
        Thread.sleep(300);
        scheduler.close();
        assertThat(stats.missed()).isBetween(4L, 6L);
        assertThat(indices).startsWith(0L, 1L, 2L, 3L);
        assertThat(indices.get(4)).as("the next run is on the grid after the gap").isBetween(8L, 10L);
    }

    @Test
    void aFailingRunIsCountedAndSamplingGoesOn() throws InterruptedException {
        SamplingStats stats = new SamplingStats();
        FixedRateScheduler scheduler = new FixedRateScheduler("flaky", 200, 0, stats, (k, due) -> {
            if (k % 2 == 0) {
                throw new IOException("sensor hiccup " + k);
            }
        }).start();
        Thread.sleep(200);
        scheduler.close();
        assertThat(stats.errors()).isPositive();
        assertThat(stats.samples()).isPositive();
        assertThat(scheduler.failure()).hasMessageStartingWith("sensor hiccup");
    }

    @Test
    void aRateMustBePositive() {
        assertThatThrownBy(() -> new FixedRateScheduler("x", 0, 0, new SamplingStats(), (k, d) -> { }))
                .hasMessage("rate must be a positive number of Hz: rateHz=0.0");
    }
}
