package io.shmtel.sensors.sim;

import io.shmtel.sensors.BuiltInSchemas;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverParameter;
import io.shmtel.sensors.RecordDriver;
import io.shmtel.sensors.gen.imu.ImuSampleView;
import io.shmtel.sensors.gen.imu.ImuSampleWriter;
import io.shmtel.sensors.kinematics.Quaternions;
import java.util.List;

/**
 * A simulated IMU ({@code imu.imu_sample}) on a gently rocking platform: roll and pitch oscillate,
 * the accelerometer sees gravity in the body frame plus noise, the gyroscope the angular rates plus
 * bias and noise, and the die temperature drifts slowly. Deterministic in (seed, sample).
 *
 * <p>The orientation (x, y, z, w) is integrated from the gyroscope's true angular rate (its reading without bias and
 * noise: the attitude a perfect filter would track, so it stays bounded however long the demo runs), starting at the
 * identity at sample 0: one exact rotation step per sample period at the period's midpoint rate, renormalised to unit
 * length after each step. Sample k integrates every step before it, also the steps of samples the scheduler skipped,
 * so it depends only on (seed, k) like every other field.
 */
public final class SimulatedImuDriver extends RecordDriver<ImuSampleWriter> {
    public static final String TYPE = "sim-imu";
    static final double G = 9.80665;
    private static final double HALF = 0.5;
    private final long seed;
    private final double accelNoise;
    private final double gyroNoise;
    private final double rateHz;
    private final int sensorId;
    private final double rollAmplitude;
    private final double pitchAmplitude;
    private final double rollOmega;
    private final double pitchOmega;
    private final double[] gyroBias = new double[3];
    /** The orientation at sample {@link #integratedTo}, x, y, z, w. */
    private final double[] orientation = {0, 0, 0, 1};
    private final double[] step = new double[Quaternions.SIZE];
    private long integratedTo;

    public SimulatedImuDriver(long seed, double accelNoise, double gyroNoise, double rateHz, int sensorId) {
        super(BuiltInSchemas.imu(), ImuSampleView.RECORD_NAME,
                sink -> new ImuSampleWriter(sink).sensorId(sensorId & 0xFFFF));
        this.seed = seed;
        this.accelNoise = accelNoise;
        this.gyroNoise = gyroNoise;
        this.rateHz = rateHz;
        this.sensorId = sensorId;
        this.rollAmplitude = 0.05 + 0.2 * Noise.uniform(seed, -1, 0);
        this.pitchAmplitude = 0.05 + 0.2 * Noise.uniform(seed, -1, 1);
        this.rollOmega = 2 * Math.PI * (0.1 + 0.4 * Noise.uniform(seed, -2, 0));
        this.pitchOmega = 2 * Math.PI * (0.1 + 0.4 * Noise.uniform(seed, -2, 1));
        for (int i = 0; i < 3; i++) {
            gyroBias[i] = 0.002 * Noise.gaussian(seed, -3, i);
        }
    }

    public static DriverFactory factory() {
        return DriverFactory.of(TYPE, "simulated IMU: accelerometer, gyroscope, die temperature (imu.imu_sample)",
                List.of(DriverParameter.integer("seed", 1, "seed of the motion and the noise"),
                DriverParameter.number("accelNoise", 0.02, "accelerometer noise, m/s^2 standard deviation"),
                DriverParameter.number("gyroNoise", 0.001, "gyroscope noise, rad/s standard deviation"),
                DriverParameter.number("timeBaseHz", 1000, "samples per simulated second"),
                DriverParameter.integer("sensorId", 1, "value of the sensor_id field")),
                p -> new SimulatedImuDriver(p.integer("seed"), p.number("accelNoise"), p.number("gyroNoise"),
                        p.number("timeBaseHz"), (int) p.integer("sensorId")));
    }

    /** Integrates {@link #orientation} up to sample {@code k} (from the identity again if k went back). */
    private void integrateTo(long k) {
        if (k < integratedTo) {
            Quaternions.identity(orientation, 0);
            integratedTo = 0;
        }
        for (; integratedTo < k; integratedTo++) {
            double mid = (integratedTo + HALF) / rateHz;
            double wx = rollAmplitude * rollOmega * Math.cos(rollOmega * mid);
            double wy = pitchAmplitude * pitchOmega * Math.cos(pitchOmega * mid);
            double rate = Math.sqrt(wx * wx + wy * wy);
            if (rate == 0) {
                continue;
            }
            Quaternions.axisAngle(wx / rate, wy / rate, 0, rate / rateHz, step, 0);
            Quaternions.multiply(orientation, 0, step, 0, orientation, 0); // body rates: the step applies last
            Quaternions.normalize(orientation, 0);
        }
    }

    @Override
    public void sample(ImuSampleWriter w, long k, long dueNs) {
        integrateTo(k);
        double t = k / rateHz;
        double roll = rollAmplitude * Math.sin(rollOmega * t);
        double pitch = pitchAmplitude * Math.sin(pitchOmega * t);
        double rollRate = rollAmplitude * rollOmega * Math.cos(rollOmega * t);
        double pitchRate = pitchAmplitude * pitchOmega * Math.cos(pitchOmega * t);
        double ax = -G * Math.sin(pitch);
        double ay = G * Math.sin(roll) * Math.cos(pitch);
        double az = G * Math.cos(roll) * Math.cos(pitch);
        w.accel(0, (float) (ax + accelNoise * Noise.gaussian(seed, k, 0)))
                .accel(1, (float) (ay + accelNoise * Noise.gaussian(seed, k, 1)))
                .accel(2, (float) (az + accelNoise * Noise.gaussian(seed, k, 2)))
                .gyro(0, (float) (rollRate + gyroBias[0] + gyroNoise * Noise.gaussian(seed, k, 3)))
                .gyro(1, (float) (pitchRate + gyroBias[1] + gyroNoise * Noise.gaussian(seed, k, 4)))
                .gyro(2, (float) (gyroBias[2] + gyroNoise * Noise.gaussian(seed, k, 5)))
                .temperature((float) (35.0 + 2.0 * Math.sin(2 * Math.PI * t / 600) + 0.05 * Noise.gaussian(seed, k, 6)))
                .saturated(Math.abs(ax) > 16 * G || Math.abs(ay) > 16 * G || Math.abs(az) > 16 * G)
                .orientation(orientation);
    }
}
