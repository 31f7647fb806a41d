package io.shmtel.sensors.sim;

import io.shmtel.sensors.BuiltInSchemas;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverParameter;
import io.shmtel.sensors.RecordDriver;
import io.shmtel.sensors.gen.status_flag.StatusView;
import io.shmtel.sensors.gen.status_flag.StatusWriter;
import java.util.List;

/**
 * The record of the shared-memory tutorials ({@code status_flag.status}): an i32 status cycling
 * EMPTY, DATA_READY, BEING_READ, with an occasional ERROR, next to an f64 value on a random walk.
 * Deterministic in (seed, sample).
 */
public final class SimulatedStatusDriver extends RecordDriver<StatusWriter> {
    public static final String TYPE = "sim-status";
    private final long seed;
    private final double errorRate;
    private final double step;

    public SimulatedStatusDriver(long seed, double errorRate, double step) {
        super(BuiltInSchemas.statusFlag(), StatusView.RECORD_NAME, StatusWriter::new);
        this.seed = seed;
        this.errorRate = errorRate;
        this.step = step;
    }

    public static DriverFactory factory() {
        return DriverFactory.of(TYPE, "status flag and value of the shared-memory tutorials (status_flag.status)",
                List.of(DriverParameter.integer("seed", 1, "seed of the errors and the walk"),
                DriverParameter.number("errorRate", 0.02, "fraction of samples in ERROR"),
                DriverParameter.number("step", 0.1, "random-walk step, standard deviation")),
                p -> new SimulatedStatusDriver(p.integer("seed"), p.number("errorRate"), p.number("step")));
    }

    /** The walk's value at sample k: a sum of k steps, as a closed form over the step noise would need all of them. */
    private double value = 0;
    private long valueAt = 0;

    @Override
    public void sample(StatusWriter w, long k, long dueNs) {
        while (valueAt < k) {
            value += step * Noise.gaussian(seed, valueAt, 1);
            valueAt++;
        }
        boolean error = Noise.uniform(seed, k, 0) < errorRate;
        StatusView.Status status = error ? StatusView.Status.ERROR : switch ((int) (k % 3)) {
            case 0 -> StatusView.Status.EMPTY;
            case 1 -> StatusView.Status.DATA_READY;
            default -> StatusView.Status.BEING_READ;
        };
        w.status(status).value(value);
    }
}
