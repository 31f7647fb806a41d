package io.shmtel.sensors;

import io.shmtel.core.Publisher;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.placement.ThreadPlacement;
import io.shmtel.core.region.IncompatibleLayoutException;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.RegionTruncatedException;
import io.shmtel.core.view.RecordWriter;
import io.shmtel.schema.layout.Fingerprint;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.sensors.gen.driver_stats.DriverStatsSchema;
import io.shmtel.sensors.gen.driver_stats.SamplingWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one driver: owns its region's {@link Publisher}, samples at the rate on a
 * {@link FixedRateScheduler}, commits each sample, and once a second publishes the sampling
 * statistics into the companion region {@code <region>.stats} (schema {@code driver_stats}), which
 * {@code shmtel echo REGION.stats} and {@code shmtel ls} show.
 *
 * <p>The sampling thread can be placed ({@link ThreadPlacement}: CPUs, real-time scheduling, locked memory): it
 * applies the placement before its first sample, and a refusal is the start's {@link PlacementException}. The
 * statistics thread, once a second, stays where it is.
 */
public final class DriverRunner<W extends RecordWriter> implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.shmtel.sensors");
    public static final String STATS_SUFFIX = ".stats";
    static final Layout STATS_LAYOUT = LayoutCompiler.compile(SchemaParser.parse(DriverStatsSchema.CANONICAL_JSON,
            "driver_stats"));

    private final String type;
    private final SensorDriver<W> driver;
    private final Publisher publisher;
    private final Publisher statsPublisher;
    private final SamplingStats stats = new SamplingStats();
    private final FixedRateScheduler scheduler;
    private final Thread reporter;
    private volatile boolean closed;
    private String reportedTruncation;

    private DriverRunner(String type, SensorDriver<W> driver, Publisher publisher, Publisher statsPublisher,
            double rateHz, long spinNs) {
        this.type = type;
        this.driver = driver;
        this.publisher = publisher;
        this.statsPublisher = statsPublisher;
        W writer = driver.newWriter(publisher.sink(driver.record()));
        this.scheduler = new FixedRateScheduler(publisher.region().name(), rateHz, spinNs, stats, (k, due) -> {
            driver.sample(writer, k, due);
            writer.commit(System.nanoTime());
        });
        this.reporter = new Thread(this::report, "shmtel-stats-" + publisher.region().name());
        this.reporter.setDaemon(true);
    }

    /**
     * Opens the driver, creates (or takes over) region {@code regionName} with the driver's layout
     * and starts sampling at {@code rateHz}. The region's record must have the driver's layout.
     */
    public static <W extends RecordWriter> DriverRunner<W> start(String type, SensorDriver<W> driver, String regionName,
            Layout regionLayout, double rateHz, RegionOptions options) throws IOException {
        return start(type, driver, regionName, regionLayout, rateHz, options, ThreadPlacement.none());
    }

    /**
     * As {@link #start(String, SensorDriver, String, Layout, double, RegionOptions)}, the sampling thread placed
     * first thing as {@code placement} says.
     *
     * @throws PlacementException the placement was refused (naming the driver, the setting, the limit and the fix):
     *     nothing runs, both regions are closed and the driver too
     */
    public static <W extends RecordWriter> DriverRunner<W> start(String type, SensorDriver<W> driver, String regionName,
            Layout regionLayout, double rateHz, RegionOptions options, ThreadPlacement placement) throws IOException {
        RecordLayout wanted = driver.layout().record(driver.record()).orElseThrow(() -> new IllegalStateException(
                "driver " + type + " declares record " + driver.record() + " missing from its own layout"));
        RecordLayout actual = regionLayout.record(driver.record()).orElseThrow(() -> new IncompatibleLayoutException(
                "driver " + type + " fills record \"" + driver.record() + "\" (schema \"" + driver.layout().schemaName()
                        + "\"), which region \"" + regionName + "\"'s schema \"" + regionLayout.schemaName()
                                + "\" lacks"));
        if (actual.fingerprint() != wanted.fingerprint()) {
            throw new IncompatibleLayoutException("driver " + type + " writes record \"" + driver.record()
                    + "\" with layout "
                    + Fingerprint.hex(wanted.fingerprint()) + " (schema \"" + driver.layout().schemaName()
                            + "\"), region \""
                    + regionName + "\" declares it with " + Fingerprint.hex(actual.fingerprint())
                    + ": give the region the driver's schema (" + driver.layout().source() + ")");
        }
        driver.open(options);
        Publisher publisher = Publisher.create(regionName, regionLayout, options);
        Publisher stats = null;
        try {
            stats = Publisher.create(regionName + STATS_SUFFIX, STATS_LAYOUT, options);
            DriverRunner<W> runner = new DriverRunner<>(type, driver, publisher, stats, rateHz, 0);
            try {
                runner.scheduler.start(placement);
            } catch (PlacementException e) {
                throw new PlacementException("driver " + type + " of region " + regionName + ": " + e.getMessage(), e);
            }
            runner.reporter.start();
            LOG.log(System.Logger.Level.INFO, "driver " + type + " publishing " + regionName + "/" + driver.record()
                    + " at " + rateHz + " Hz (stats in " + regionName + STATS_SUFFIX + ")");
            return runner;
        } catch (RuntimeException e) {
            publisher.close();
            if (stats != null) {
                stats.close();
            }
            driver.close();
            throw e;
        }
    }

    public SamplingStats stats() {
        return stats;
    }

    public Publisher publisher() {
        return publisher;
    }

    public String type() {
        return type;
    }

    public FixedRateScheduler scheduler() {
        return scheduler;
    }

    private void report() {
        // A fault on the mapping of the stats region truncated under it (raised by the JVM at a later instruction) is
        // said once (its publisher logs it) and the reporting goes on without the stats region.
        Region.surviving(() -> {
            reportLoop();
            return null;
        });
    }

    private void reportLoop() {
        SamplingWriter writer = new SamplingWriter(statsPublisher.sink("sampling"));
        writer.driver(truncate(type, 32)).targetRecord(truncate(driver.record(), 64)).nominalRateHz(scheduler.rateHz());
        long nextLog = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!closed) {
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            if (closed) {
                return;
            }
            SamplingStats.Interval i = stats.interval();
            writer.measuredRateHz(i.measuredRateHz()).samples(i.totalSamples()).missed(i.missed()).errors(i.errors())
                    .jitterP50Ns(i.jitterNs().getValueAtPercentile(50))
                            .jitterP99Ns(i.jitterNs().getValueAtPercentile(99))
                    .jitterMaxNs(i.jitterNs().getMaxValue()).publishP50Ns(i.publishNs().getValueAtPercentile(50))
                    .publishP99Ns(i.publishNs().getValueAtPercentile(99)).publishMaxNs(i.publishNs().getMaxValue());
            try {
                writer.commit();
            } catch (RegionTruncatedException e) {
                // the stats region's file was cut: its publisher said so; the driver and these log lines go on
            }
            if (System.nanoTime() - nextLog > 0) {
                nextLog = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                LOG.log(System.Logger.Level.INFO,
                        String.format("driver %s %s/%s: %.1f Hz, %d samples, %d missed, %d errors,"
                        + " jitter p50 %d us p99 %d us, publish p50 %d us", type, publisher.region().name(),
                                driver.record(),
                        i.measuredRateHz(), i.totalSamples(), i.missed(), i.errors(),
                        i.jitterNs().getValueAtPercentile(50) / 1000, i.jitterNs().getValueAtPercentile(99) / 1000,
                        i.publishNs().getValueAtPercentile(50) / 1000));
            }
            Throwable failure = scheduler.failure();
            if (failure instanceof RegionTruncatedException) {
                // Every commit fails alike from now on: said once, with what to do (errors keep counting in the stats).
                if (failure.getMessage() != null && !failure.getMessage().equals(reportedTruncation)) {
                    reportedTruncation = failure.getMessage();
                    LOG.log(System.Logger.Level.WARNING, "driver " + type + ": " + failure.getMessage());
                }
            } else if (failure != null) {
                LOG.log(System.Logger.Level.WARNING, "driver " + type + ": " + failure);
            }
        }
    }

    private static String truncate(String s, int bytes) {
        return s.length() > bytes ? s.substring(0, bytes) : s;
    }

    /** Stops sampling, closes both regions (state CLOSED) and the driver. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.close();
        LockSupport.unpark(reporter);
        publisher.close();
        statsPublisher.close();
        driver.close();
    }
}
