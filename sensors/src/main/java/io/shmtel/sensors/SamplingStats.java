package io.shmtel.sensors;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Sampling jitter (start of a sample after its due time) and publish cost (sampling plus commit)
 * in HdrHistogram recorders, plus counts. Recording is wait-free and allocation-free (the
 * scheduler thread); {@link #interval()} hands the reporter the histograms since its last call.
 */
public final class SamplingStats {
    static final long MAX_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(60);

    private final Recorder jitter = new Recorder(MAX_TRACKABLE_NS, 3);
    private final Recorder publish = new Recorder(MAX_TRACKABLE_NS, 3);
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong missed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private Histogram jitterInterval;
    private Histogram publishInterval;
    private long lastSamples;
    private long lastIntervalNs = System.nanoTime();

    /** Percentiles and counts of one reporting interval. */
    public record Interval(double seconds, long samples, long totalSamples, long missed, long errors,
            Histogram jitterNs,
            Histogram publishNs) {
        public double measuredRateHz() {
            return seconds > 0 ? samples / seconds : 0;
        }
    }

    void recordSample(long jitterNs, long publishNs) {
        jitter.recordValue(Math.min(Math.max(jitterNs, 0), MAX_TRACKABLE_NS));
        publish.recordValue(Math.min(Math.max(publishNs, 0), MAX_TRACKABLE_NS));
        samples.incrementAndGet();
    }

    void recordMissed(long count) {
        missed.addAndGet(count);
    }

    void recordError() {
        errors.incrementAndGet();
    }

    public long samples() {
        return samples.get();
    }

    public long missed() {
        return missed.get();
    }

    public long errors() {
        return errors.get();
    }

    /** The interval since the previous call (one reporting thread only). */
    public synchronized Interval interval() {
        jitterInterval = jitter.getIntervalHistogram(jitterInterval);
        publishInterval = publish.getIntervalHistogram(publishInterval);
        long now = System.nanoTime();
        long total = samples.get();
        Interval interval = new Interval((now - lastIntervalNs) / 1e9, total - lastSamples, total, missed.get(),
                errors.get(), jitterInterval.copy(), publishInterval.copy());
        lastSamples = total;
        lastIntervalNs = now;
        return interval;
    }
}
