package io.shmtel.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.RecordWriter;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.wellknown.Binding;
import io.shmtel.schema.wellknown.WellKnownDef;
import io.shmtel.sensors.gen.arm.JointStateView;
import io.shmtel.sensors.gen.force_torque.WrenchView;
import io.shmtel.sensors.gen.imu.ImuSampleView;
import io.shmtel.sensors.gen.status_flag.StatusView;
import io.shmtel.sensors.kinematics.Quaternions;
import io.shmtel.sensors.sim.SimulatedArmDriver;
import io.shmtel.sensors.sim.SimulatedForceTorqueDriver;
import io.shmtel.sensors.sim.SimulatedImuDriver;
import io.shmtel.sensors.sim.SimulatedStatusDriver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SimulatedDriversTest {

    /**
     * Runs a driver for {@code samples} samples over an in-memory ring; returns every sample's field values as text.
     */
    static <W extends RecordWriter> List<String> run(SensorDriver<W> driver, int samples, List<ByteBuffer> slots)
            throws Exception {
        RecordLayout r = driver.layout().record(driver.record()).orElseThrow();
        ByteBuffer region = ByteBuffer.allocateDirect((int) driver.layout().regionLength())
                .order(ByteOrder.LITTLE_ENDIAN);
        RingGeometry g = RingGeometry.of(r);
        W writer = driver.newWriter(new RingWriter(region, g));
        RingReader reader = new RingReader(region, g);
        DynamicView view = new DynamicView(r);
        List<String> out = new ArrayList<>();
        driver.open();
        for (long k = 0; k < samples; k++) {
            driver.sample(writer, k, k);
            writer.commit(k);
            ByteBuffer snapshot = ByteBuffer.allocate(r.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(reader.readLatest(snapshot)).isEqualTo(k);
            view.wrap(snapshot, 0);
            StringBuilder sb = new StringBuilder();
            for (FieldLayout f : r.fields()) {
                sb.append(f.name()).append('=').append(view.value(f.name())).append(' ');
            }
            out.add(sb.toString());
            if (slots != null) {
                slots.add(snapshot);
            }
        }
        driver.close();
        return out;
    }

    static Stream<String> types() {
        return Stream.of(SimulatedArmDriver.TYPE, SimulatedImuDriver.TYPE, SimulatedForceTorqueDriver.TYPE,
                SimulatedStatusDriver.TYPE);
    }

    static SensorDriver<?> create(String type, long seed) {
        DriverFactory f = BuiltInDrivers.all().stream().filter(d -> d.type().equals(type)).findFirst().orElseThrow();
        return f.create(new DriverParams(type, f.parameters(), Map.of("seed", seed)));
    }

    @ParameterizedTest
    @MethodSource("types")
    void theSameSeedGivesTheSameSamplesAndAnotherSeedOthers(String type) throws Exception {
        List<String> a = run(create(type, 42), 300, null);
        List<String> b = run(create(type, 42), 300, null);
        List<String> c = run(create(type, 43), 300, null);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(a).doesNotHaveDuplicates();
    }

    @Test
    void theImuSeesGravityAndSmallRates() throws Exception {
        List<ByteBuffer> slots = new ArrayList<>();
        run(new SimulatedImuDriver(7, 0.02, 0.001, 1000, 3), 2000, slots);
        ImuSampleView v = new ImuSampleView();
        for (ByteBuffer s : slots) {
            v.wrap(s, 0);
            double g = Math.sqrt(v.accel(0) * v.accel(0) + v.accel(1) * v.accel(1) + v.accel(2) * v.accel(2));
            assertThat(g).isCloseTo(9.80665, within(0.2));
            assertThat(Math.abs(v.gyro(2))).isLessThan(0.02f);
            assertThat(v.temperature()).isBetween(32f, 38f);
            assertThat(v.sensorId()).isEqualTo(3);
            assertThat(v.saturated()).isFalse();
        }
    }

    @Test
    void theImuOrientationIsAUnitQuaternionIntegratedFromTheGyroThatAgreesWithGravity() throws Exception {
        int samples = 20_000; // 20 simulated seconds: several rocking periods
        List<ByteBuffer> slots = new ArrayList<>();
        run(new SimulatedImuDriver(7, 0, 0, 1000, 3), samples, slots);
        ImuSampleView v = new ImuSampleView();
        double[] q = new double[Quaternions.SIZE];
        double[] up = new double[Quaternions.VECTOR];
        double largestTilt = 0;
        for (int k = 0; k < samples; k++) {
            v.wrap(slots.get(k), 0);
            v.orientation(q);
            assertThat(Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3])).as("|q| at %d", k)
                    .isCloseTo(1.0, within(1e-12));
            // the world's up in the body frame (the inverse rotation) is where the accelerometer sees gravity
            double[] inverse = {-q[0], -q[1], -q[2], q[3]};
            up[0] = 0;
            up[1] = 0;
            up[2] = 1;
            Quaternions.rotate(inverse, 0, up, 0, up, 0);
            double g = Math.sqrt(v.accel(0) * v.accel(0) + v.accel(1) * v.accel(1) + v.accel(2) * v.accel(2));
            double cos = (up[0] * v.accel(0) + up[1] * v.accel(1) + up[2] * v.accel(2)) / g;
            assertThat(Math.acos(Math.min(1, cos))).as("angle between gravity and the orientation's up at %d", k)
                    .isLessThan(0.02);
            largestTilt = Math.max(largestTilt, Math.acos(up[2]));
        }
        v.wrap(slots.get(0), 0);
        assertThat(v.orientation(new double[Quaternions.SIZE])).containsExactly(0, 0, 0, 1);
        assertThat(largestTilt).as("the platform rocks visibly").isGreaterThan(0.1);

        // sample k depends on (seed, k) only: a driver that skipped samples reports the same orientation
        SimulatedImuDriver skipping = new SimulatedImuDriver(7, 0, 0, 1000, 3);
        RecordLayout r = skipping.layout().record(skipping.record()).orElseThrow();
        ByteBuffer region = ByteBuffer.allocateDirect((int) skipping.layout().regionLength())
                .order(ByteOrder.LITTLE_ENDIAN);
        RingGeometry g = RingGeometry.of(r);
        var writer = skipping.newWriter(new RingWriter(region, g));
        RingReader reader = new RingReader(region, g);
        ImuSampleView read = new ImuSampleView();
        for (long k : new long[] {0, 1, 7, 500, 12_345}) {
            skipping.sample(writer, k, k);
            writer.commit(k);
            ByteBuffer snapshot = ByteBuffer.allocate(r.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
            reader.readLatest(snapshot);
            read.wrap(snapshot, 0);
            v.wrap(slots.get((int) k), 0);
            assertThat(read.orientation(new double[Quaternions.SIZE])).as("sample %d", k)
                    .containsExactly(v.orientation(new double[Quaternions.SIZE]));
        }
    }

    /** The shipped schemas map the simulated fields to the well-known messages the demo shows in Foxglove. */
    @Test
    void theImuAndArmSchemasMapTheirFieldsToWellKnownMessages() {
        WellKnownDef imu = BuiltInSchemas.imu().record(ImuSampleView.RECORD_NAME).orElseThrow().wellKnown().get(0);
        assertThat(imu.type().typeName()).isEqualTo("foxglove.FrameTransform");
        assertThat(imu.get("parent_frame_id")).isEqualTo(new Binding.Text("world"));
        assertThat(imu.get("child_frame_id")).isEqualTo(new Binding.Text("imu"));
        assertThat(imu.get("rotation")).isEqualTo(new Binding.Vector(List.of(new Binding.NumberRef("orientation", 0),
                new Binding.NumberRef("orientation", 1), new Binding.NumberRef("orientation", 2),
                new Binding.NumberRef("orientation", 3))));
        WellKnownDef arm = BuiltInSchemas.arm().record(JointStateView.RECORD_NAME).orElseThrow().wellKnown().get(0);
        assertThat(arm.type().typeName()).isEqualTo("sensor_msgs/JointState");
        assertThat(arm.get("name")).isEqualTo(new Binding.Texts(List.of("joint1", "joint2", "joint3", "joint4",
                "joint5", "joint6")));
        assertThat(arm.get("frame_id")).isEqualTo(new Binding.TextField("frame_id"));
        assertThat(arm.get("position")).isEqualTo(new Binding.Numbers("position"));
    }

    @Test
    void theArmVelocityIsTheDerivativeOfItsPosition() throws Exception {
        List<ByteBuffer> slots = new ArrayList<>();
        run(new SimulatedArmDriver(5, 0.0, 500), 1001, slots);
        JointStateView a = new JointStateView();
        JointStateView b = new JointStateView();
        for (int k = 0; k < 1000; k += 100) {
            a.wrap(slots.get(k), 0);
            b.wrap(slots.get(k + 1), 0);
            for (int j = 0; j < 6; j++) {
                double finiteDifference = (b.position(j) - a.position(j)) * 500;
                assertThat(finiteDifference).isCloseTo((a.velocity(j) + b.velocity(j)) / 2, within(1e-3));
            }
            assertThat(a.frameId()).isEqualTo("base_link");
        }
    }

    @Test
    void theForceTorqueSensorHoldsThePayloadAndFlagsOverloads() throws Exception {
        List<ByteBuffer> slots = new ArrayList<>();
        run(new SimulatedForceTorqueDriver(3, 0.05, 1000, 1.5, 20), 8000, slots);
        WrenchView v = new WrenchView();
        int overloads = 0;
        for (ByteBuffer s : slots) {
            v.wrap(s, 0);
            assertThat(v.force(2)).isCloseTo(-1.5 * 9.80665, within(0.5));
            assertThat(v.torque(1)).isCloseTo(-v.force(2) * 0.08, within(1e-9));
            boolean over = Math.sqrt(v.force(0) * v.force(0) + v.force(1) * v.force(1) + v.force(2) * v.force(2)) > 20;
            assertThat(v.overload()).isEqualTo(over);
            overloads += over ? 1 : 0;
        }
        assertThat(overloads).as("contacts push above the 20 N limit now and then").isPositive();
    }

    @Test
    void theStatusFlagCyclesAndWalks() throws Exception {
        List<ByteBuffer> slots = new ArrayList<>();
        run(new SimulatedStatusDriver(9, 0.1, 0.5), 600, slots);
        StatusView v = new StatusView();
        int errors = 0;
        for (int k = 0; k < slots.size(); k++) {
            v.wrap(slots.get(k), 0);
            if (v.status() == StatusView.Status.ERROR) {
                errors++;
            } else {
                assertThat(v.status()).isEqualTo(List.of(StatusView.Status.EMPTY, StatusView.Status.DATA_READY,
                        StatusView.Status.BEING_READ).get(k % 3));
            }
        }
        assertThat(errors).isBetween(30, 90); // 10 % of 600
    }
}
