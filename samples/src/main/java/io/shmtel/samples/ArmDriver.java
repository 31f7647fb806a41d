package io.shmtel.samples;

import io.shmtel.core.Publisher;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.samples.gen.arm.ArmSchema;
import io.shmtel.samples.gen.arm.JointStateView;
import io.shmtel.samples.gen.arm.JointStateWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A simulated 6-axis arm: each joint swings on its own sine wave, deterministic in the sample
 * index, published through the writer generated from {@code arm.json} at the schema's nominal
 * rate (500 Hz), sample k due at start + k/rate. The layout comes from the generated
 * {@code ArmSchema.layout()}: no schema file at run time. SIGTERM or Ctrl-C closes the region
 * (CLOSED) through the publisher's shutdown hook.
 */
public final class ArmDriver {
    /** Amplitude (rad), frequency (Hz) and phase (rad) of each joint's motion. */
    static final double[] AMPLITUDE_RAD = {1.2, 0.8, 0.9, 1.5, 0.6, 2.0};
    static final double[] FREQUENCY_HZ = {0.10, 0.15, 0.20, 0.25, 0.30, 0.35};
    static final double[] PHASE_RAD = {0.0, 0.5, 1.0, 1.5, 2.0, 2.5};
    /** Link weight times lever arm (N*m) for a simple gravity torque model. */
    static final double[] GRAVITY_NM = {0.0, 40.0, 25.0, 5.0, 2.0, 0.5};

    private final Publisher publisher;
    private final JointStateWriter writer;
    private final double rateHz;
    private final double[] positions = new double[JointStateView.POSITION_COUNT];
    private final double[] velocities = new double[JointStateView.VELOCITY_COUNT];
    private final double[] efforts = new double[JointStateView.EFFORT_COUNT];

    public ArmDriver(Publisher publisher) {
        this.publisher = publisher;
        this.writer = new JointStateWriter(publisher.sink(JointStateView.RECORD_NAME));
        this.rateHz = JointStateView.RATE_HZ;
        writer.frameId("base_link").status(JointStateView.Status.OK);
    }


    /** Joint {@code j}'s angle at sample {@code k}. */
    static double position(int j, long k, double rateHz) {
        return AMPLITUDE_RAD[j] * Math.sin(2 * Math.PI * FREQUENCY_HZ[j] * k / rateHz + PHASE_RAD[j]);
    }

    static double velocity(int j, long k, double rateHz) {
        double w = 2 * Math.PI * FREQUENCY_HZ[j];
        return AMPLITUDE_RAD[j] * w * Math.cos(w * k / rateHz + PHASE_RAD[j]);
    }

    static double effort(int j, long k, double rateHz) {
        return GRAVITY_NM[j] * Math.cos(position(j, k, rateHz));
    }

    /** Publishes sample {@code k}; returns its index. */
    public long publish(long k) {
        for (int j = 0; j < JointStateView.POSITION_COUNT; j++) {
            positions[j] = position(j, k, rateHz);
            velocities[j] = velocity(j, k, rateHz);
            efforts[j] = effort(j, k, rateHz);
        }
        return writer.position(positions).velocity(velocities).effort(efforts).commit(); // bulk setters
    }

    /**
     * Publishes {@code samples} samples (forever when negative) at the nominal rate; ends early, quietly,
     * when the publisher is closed (SIGTERM or Ctrl-C: the shutdown hook closes it between two samples).
     */
    public void run(long samples) {
        long periodNs = (long) (1e9 / rateHz);
        long start = System.nanoTime();
        for (long k = 0; (samples < 0 || k < samples) && !publisher.isClosed(); k++) {
            long due = start + k * periodNs;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(10)));
            }
            try {
                publish(k);
            } catch (IllegalStateException closed) {
                if (publisher.isClosed()) {
                    return; // closed by the shutdown hook after the check above
                }
                throw closed;
            }
        }
    }

    /** {@code ArmDriver [REGION [SAMPLES]]}: publishes into region REGION (default "arm"). */
    public static void main(String[] args) {
        String region = args.length > 0 ? args[0] : "arm";
        long samples = args.length > 1 ? Long.parseLong(args[1]) : -1;
        try (Publisher publisher = Publisher.create(region, ArmSchema.layout(), RegionOptions.defaults())) {
            System.err.println("arm driver: publishing " + region + "/joint_state at " + JointStateView.RATE_HZ
                    + " Hz");
            new ArmDriver(publisher).run(samples);
        }
    }
}
