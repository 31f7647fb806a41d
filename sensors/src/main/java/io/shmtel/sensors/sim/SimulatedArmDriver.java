package io.shmtel.sensors.sim;

import io.shmtel.sensors.BuiltInSchemas;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverParameter;
import io.shmtel.sensors.RecordDriver;
import io.shmtel.sensors.gen.arm.JointStateView;
import io.shmtel.sensors.gen.arm.JointStateWriter;
import java.util.List;

/**
 * Joint encoders of a simulated 6-axis arm ({@code arm.joint_state}): each joint swings on a sine
 * whose amplitude, frequency and phase come from the seed; encoder noise is added to the angle;
 * velocity is the exact derivative; effort is a gravity torque. Deterministic in (seed, sample).
 */
public final class SimulatedArmDriver extends RecordDriver<JointStateWriter> {
    public static final String TYPE = "sim-arm";
    private final long seed;
    private final double noiseRad;
    private final double rateHz;
    private final double[] amplitude = new double[6];
    private final double[] omega = new double[6];
    private final double[] phase = new double[6];
    private static final double[] GRAVITY_NM = {0.0, 40.0, 25.0, 5.0, 2.0, 0.5};

    public SimulatedArmDriver(long seed, double noiseRad, double rateHz) {
        super(BuiltInSchemas.arm(), JointStateView.RECORD_NAME,
                sink -> new JointStateWriter(sink).frameId("base_link"));
        this.seed = seed;
        this.noiseRad = noiseRad;
        this.rateHz = rateHz;
        for (int j = 0; j < 6; j++) {
            amplitude[j] = 0.3 + 1.2 * Noise.uniform(seed, -1, j);
            omega[j] = 2 * Math.PI * (0.05 + 0.3 * Noise.uniform(seed, -2, j));
            phase[j] = 2 * Math.PI * Noise.uniform(seed, -3, j);
        }
    }

    public static DriverFactory factory() {
        return DriverFactory.of(TYPE, "simulated 6-axis arm joint encoders (arm.joint_state)",
                List.of(DriverParameter.integer("seed", 1, "seed of the motion and the noise"),
                DriverParameter.number("noiseRad", 0.0005, "encoder noise, standard deviation in rad"),
                DriverParameter.number("timeBaseHz", 500, "samples per simulated second")),
                p -> new SimulatedArmDriver(p.integer("seed"), p.number("noiseRad"), p.number("timeBaseHz")));
    }

    @Override
    public void sample(JointStateWriter w, long k, long dueNs) {
        double t = k / rateHz;
        boolean fault = false;
        for (int j = 0; j < 6; j++) {
            double angle = amplitude[j] * Math.sin(omega[j] * t + phase[j]);
            double measured = angle + noiseRad * Noise.gaussian(seed, k, j);
            w.position(j, measured)
                    .velocity(j, amplitude[j] * omega[j] * Math.cos(omega[j] * t + phase[j]))
                    .effort(j, GRAVITY_NM[j] * Math.cos(angle));
            fault |= Math.abs(angle) > 1.49; // near the simulated joint limit
        }
        w.status(fault ? JointStateView.Status.FAULT : JointStateView.Status.OK);
    }
}
