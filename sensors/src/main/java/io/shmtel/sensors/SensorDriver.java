package io.shmtel.sensors;

import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.view.RecordWriter;
import io.shmtel.core.view.SampleSink;
import io.shmtel.schema.layout.Layout;
import java.io.IOException;

/**
 * A sensor driver: it declares the schema record it fills and fills samples into a typed writer.
 * The framework ({@link DriverRunner}) owns everything else: the region, the timing, the commit,
 * the heartbeat and the statistics.
 *
 * @param <W> the writer generated for the driver's record
 */
public interface SensorDriver<W extends RecordWriter> extends AutoCloseable {

    /** The layout of the schema that holds the record (the region's layout must have the same record). */
    Layout layout();

    /** The record this driver fills. */
    String record();

    /** The typed writer over the record's ring, usually a generated writer's constructor. */
    W newWriter(SampleSink sink);

    /**
     * Checks and opens the source. A missing source throws {@link SensorUnavailableException} saying what and where.
     */
    default void open() throws IOException {
    }

    /**
     * Opens the driver ({@link #open()}) given the options of the region it will publish: where a driver that reads
     * other regions (the {@code kinematics} one) finds them. {@link DriverRunner} calls this one.
     */
    default void open(RegionOptions regionOptions) throws IOException {
        open();
    }

    /**
     * Fills sample {@code sampleIndex} (0, 1, 2, ... in due order) into {@code writer}; {@code dueNs}
     * is when it was due (CLOCK_MONOTONIC). The framework commits the writer after this returns.
     */
    void sample(W writer, long sampleIndex, long dueNs) throws IOException;

    @Override
    default void close() {
    }
}
