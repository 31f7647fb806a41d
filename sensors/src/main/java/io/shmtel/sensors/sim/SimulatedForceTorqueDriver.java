package io.shmtel.sensors.sim;

import io.shmtel.sensors.BuiltInSchemas;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverParameter;
import io.shmtel.sensors.RecordDriver;
import io.shmtel.sensors.gen.force_torque.WrenchView;
import io.shmtel.sensors.gen.force_torque.WrenchWriter;
import java.util.List;

/**
 * A simulated wrist force-torque sensor ({@code force_torque.wrench}): a held payload's weight,
 * a contact push every few seconds, the torque of both about the sensor, and noise; overload when
 * the force exceeds the limit. Deterministic in (seed, sample).
 */
public final class SimulatedForceTorqueDriver extends RecordDriver<WrenchWriter> {
    public static final String TYPE = "sim-force-torque";
    private final long seed;
    private final double noiseN;
    private final double rateHz;
    private final double payloadKg;
    private final double limitN;
    private final double contactPeriodS;

    public SimulatedForceTorqueDriver(long seed, double noiseN, double rateHz, double payloadKg, double limitN) {
        super(BuiltInSchemas.forceTorque(), WrenchView.RECORD_NAME,
                sink -> new WrenchWriter(sink).frameId("ft_sensor"));
        this.seed = seed;
        this.noiseN = noiseN;
        this.rateHz = rateHz;
        this.payloadKg = payloadKg;
        this.limitN = limitN;
        this.contactPeriodS = 3 + 4 * Noise.uniform(seed, -1, 0);
    }

    public static DriverFactory factory() {
        return DriverFactory.of(TYPE, "simulated wrist force-torque sensor (force_torque.wrench)",
                List.of(DriverParameter.integer("seed", 1, "seed of the contacts and the noise"),
                DriverParameter.number("noiseN", 0.05, "force noise, N standard deviation"),
                DriverParameter.number("timeBaseHz", 1000, "samples per simulated second"),
                DriverParameter.number("payloadKg", 1.5, "mass held by the gripper"),
                DriverParameter.number("limitN", 60, "force above which overload is set")),
                p -> new SimulatedForceTorqueDriver(p.integer("seed"), p.number("noiseN"), p.number("timeBaseHz"),
                        p.number("payloadKg"), p.number("limitN")));
    }

    @Override
    public void sample(WrenchWriter w, long k, long dueNs) {
        double t = k / rateHz;
        double phase = (t % contactPeriodS) / contactPeriodS;
        double push = phase < 0.1 ? 50 * Math.sin(Math.PI * phase / 0.1) : 0; // a half-sine contact, 10 % of the time
        double fx = push + noiseN * Noise.gaussian(seed, k, 0);
        double fy = noiseN * Noise.gaussian(seed, k, 1);
        double fz = -payloadKg * SimulatedImuDriver.G + noiseN * Noise.gaussian(seed, k, 2);
        double lever = 0.08; // payload centre 8 cm out along x
        w.force(0, fx).force(1, fy).force(2, fz)
                .torque(0, 0.01 * noiseN * Noise.gaussian(seed, k, 3))
                .torque(1, -fz * lever)
                .torque(2, fy * lever)
                .overload(Math.sqrt(fx * fx + fy * fy + fz * fz) > limitN);
    }
}
