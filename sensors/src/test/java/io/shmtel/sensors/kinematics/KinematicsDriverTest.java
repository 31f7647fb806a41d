package io.shmtel.sensors.kinematics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.sun.management.ThreadMXBean;
import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.wellknown.Binding;
import io.shmtel.schema.wellknown.WellKnownDef;
import io.shmtel.sensors.BuiltInDrivers;
import io.shmtel.sensors.BuiltInSchemas;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverParams;
import io.shmtel.sensors.DriverRunner;
import io.shmtel.sensors.gen.arm.JointStateView;
import io.shmtel.sensors.gen.arm.JointStateWriter;
import io.shmtel.sensors.gen.arm_tf.TransformsView;
import io.shmtel.sensors.gen.arm_tf.TransformsWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code kinematics} driver: joint angles written into a real region by a test writer come back as each link's
 * local transform; a source that appears late; a source that does not fit; and its parameters, each refused with
 * what to give instead.
 */
@ExtendWith(ShmDirectory.class)
class KinematicsDriverTest {
    private static final double EPS = 1e-12;
    private static final double HALF_SQRT2 = Math.sqrt(0.5);
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final double RATE_HZ = 200;

    /** The demo arm's chain as the deployment file gives it: plain values, as the config module hands them over. */
    static List<Object> sixAxisLinks() {
        return List.of(link(List.of(0.0, 0.0, 0.3), List.of(0.0, 0.0, 1.0)),
                link(List.of(0.0, 0.0, 0.05), List.of(0.0, 1.0, 0.0)),
                link(List.of(0.0, 0.0, 0.4), List.of(0.0, 2.0, 0.0)), // any length: normalised
                link(List.of(0.35, 0.0, 0.0), List.of(1.0, 0.0, 0.0)),
                link(List.of(0.08, 0.0, 0.0), List.of(0.0, 1.0, 0.0)),
                link(List.of(0.06, 0.0, 0.0), List.of(1.0, 0.0, 0.0)));
    }

    static Map<String, Object> link(List<Double> xyz, List<Double> axis) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("xyz", xyz);
        m.put("axis", axis);
        return m;
    }

    static DriverFactory factory() {
        return BuiltInDrivers.all().stream().filter(f -> f.type().equals(KinematicsDriver.TYPE)).findFirst()
                .orElseThrow();
    }

    static KinematicsDriver create(Map<String, Object> params) {
        DriverFactory f = factory();
        return (KinematicsDriver) f.create(new DriverParams(f.type(), f.parameters(), params));
    }

    static Map<String, Object> params(String source, List<?> links) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("source", source);
        p.put("links", links);
        return p;
    }

    static void assertTransform(TransformsView v, int t, double[] xyz, double... q) {
        for (int c = 0; c < Quaternions.VECTOR; c++) {
            assertThat(v.translation(t * Quaternions.VECTOR + c)).as("transform %d translation %d", t, c)
                    .isCloseTo(xyz[c], within(EPS));
        }
        for (int c = 0; c < Quaternions.SIZE; c++) {
            assertThat(v.rotation(t * Quaternions.SIZE + c)).as("transform %d rotation %d", t, c)
                    .isCloseTo(q[c], within(EPS));
        }
    }

    /** The newest sample of {@code tf} whose source_index is {@code sourceIndex}; fails after a few seconds. */
    static TransformsView awaitSourceIndex(Subscriber tf, long sourceIndex) {
        TransformsView v = new TransformsView();
        long deadline = System.nanoTime() + WAIT_NS;
        while (System.nanoTime() - deadline < 0) {
            if (tf.awaitLatest(v, TimeUnit.MILLISECONDS.toNanos(100)) && v.sourceIndex() == sourceIndex) {
                return v;
            }
        }
        throw new AssertionError("no transforms from source sample " + sourceIndex + " in 5 s; last source_index "
                + v.sourceIndex());
    }

    @Test
    void theSourcesJointAnglesBecomeEachLinksLocalTransformInARealRegion(RegionOptions options) throws Exception {
        Map<String, Object> p = params("arm", sixAxisLinks());
        p.put("base", List.of(1.0, 2.0, 0.5));
        try (Publisher arm = Publisher.create("arm", BuiltInSchemas.arm(), options)) {
            JointStateWriter joints = new JointStateWriter(arm.sink(JointStateView.RECORD_NAME));
            long k = joints.position(new double[] {Math.PI / 2, -Math.PI / 2, Math.PI, 0.3, 0, 0}).commit();
            try (DriverRunner<?> runner = DriverRunner.start(KinematicsDriver.TYPE, create(p), "tf",
                    BuiltInSchemas.armTf(), RATE_HZ, options);
                    Subscriber tf = Subscriber.open("tf", TransformsView.RECORD_NAME, BuiltInSchemas.armTf(),
                            options)) {
                TransformsView v = awaitSourceIndex(tf, k);
                double s = Math.sin(0.15);
                double c = Math.cos(0.15);
                assertTransform(v, 0, new double[] {1, 2, 0.5}, 0, 0, 0, 1); // world -> base_link: fixed
                assertTransform(v, 1, new double[] {0, 0, 0.3}, 0, 0, HALF_SQRT2, HALF_SQRT2); // +90 deg about z
                assertTransform(v, 2, new double[] {0, 0, 0.05}, 0, -HALF_SQRT2, 0, HALF_SQRT2); // -90 deg about y
                assertTransform(v, 3, new double[] {0, 0, 0.4}, 0, 1, 0, Math.cos(Math.PI / 2)); // 180 deg about y
                assertTransform(v, 4, new double[] {0.35, 0, 0}, s, 0, 0, c); // 0.3 rad about x
                assertTransform(v, 5, new double[] {0.08, 0, 0}, 0, 0, 0, 1);
                assertTransform(v, 6, new double[] {0.06, 0, 0}, 0, 0, 0, 1);

                long k2 = joints.position(0, -Math.PI / 2).commit(); // the writer keeps the other angles
                v = awaitSourceIndex(tf, k2);
                assertTransform(v, 1, new double[] {0, 0, 0.3}, 0, 0, -HALF_SQRT2, HALF_SQRT2);
                assertTransform(v, 4, new double[] {0.35, 0, 0}, s, 0, 0, c);
            }
        }
    }

    @Test
    void untilTheSourceExistsTheChainIsPublishedAtItsZeroPoseThenFollowsIt(RegionOptions options) throws Exception {
        List<Object> links = new ArrayList<>(sixAxisLinks().subList(0, 2));
        try (DriverRunner<?> runner = DriverRunner.start(KinematicsDriver.TYPE, create(params("late", links)), "tf",
                BuiltInSchemas.armTf(), RATE_HZ, options);
                Subscriber tf = Subscriber.open("tf", TransformsView.RECORD_NAME, BuiltInSchemas.armTf(), options)) {
            TransformsView v = awaitSourceIndex(tf, -1);
            assertTransform(v, 0, new double[] {0, 0, 0}, 0, 0, 0, 1);
            assertTransform(v, 1, new double[] {0, 0, 0.3}, 0, 0, 0, 1);
            assertTransform(v, 2, new double[] {0, 0, 0.05}, 0, 0, 0, 1);
            for (int t = 3; t < TransformsView.ROTATION_COUNT / Quaternions.SIZE; t++) {
                assertTransform(v, t, new double[] {0, 0, 0}, 0, 0, 0, 1); // slots past the chain: the identity
            }
            assertThat(runner.stats().interval().errors()).as("a missing source is no error").isZero();
            try (Publisher late = Publisher.create("late", BuiltInSchemas.arm(), options)) {
                JointStateWriter joints = new JointStateWriter(late.sink(JointStateView.RECORD_NAME));
                long k = joints.position(1, Math.PI / 2).commit();
                v = awaitSourceIndex(tf, k);
                assertTransform(v, 2, new double[] {0, 0, 0.05}, 0, HALF_SQRT2, 0, HALF_SQRT2);
            }
        }
    }

    /** One sample of {@code driver} over a ring in memory (the driver reads its source from {@code options}). */
    static void sampleOnce(KinematicsDriver driver, RegionOptions options) throws Exception {
        RecordLayout r = driver.layout().record(driver.record()).orElseThrow();
        ByteBuffer ring = ByteBuffer.allocateDirect((int) driver.layout().regionLength())
                .order(ByteOrder.LITTLE_ENDIAN);
        TransformsWriter w = driver.newWriter(new RingWriter(ring, RingGeometry.of(r)));
        driver.open(options);
        try {
            driver.sample(w, 0, 0);
        } finally {
            driver.close();
        }
    }

    @Test
    void aSourceFieldThatDoesNotFitFailsEachSampleNamingItAndTheFix(RegionOptions options) throws Exception {
        try (Publisher arm = Publisher.create("arm", BuiltInSchemas.arm(), options)) {
            new JointStateWriter(arm.sink(JointStateView.RECORD_NAME)).commit();
            Map<String, Object> p = params("arm", sixAxisLinks());
            p.put("field", "positon");
            assertThatThrownBy(() -> sampleOnce(create(p), options)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("kinematics driver: record \"joint_state\" of region \"arm\" has no field \"positon\";"
                            + " its fields: [position, velocity, effort, status, frame_id] (fix the \"field\""
                            + " parameter)");
            p.put("field", "status");
            assertThatThrownBy(() -> sampleOnce(create(p), options))
                    .hasMessage("kinematics driver: field \"status\" of arm/joint_state holds 1 angle, the chain reads"
                            + " 6 (joints 0 to 5): give a source with enough joints or fewer links");
            p.put("field", "frame_id");
            assertThatThrownBy(() -> sampleOnce(create(p), options))
                    .hasMessage("kinematics driver: field \"frame_id\" of arm/joint_state is string; joint angles are"
                            + " numbers (rad)");
            Map<String, Object> seventh = link(List.of(0.0, 0.0, 0.1), List.of(0.0, 0.0, 1.0));
            seventh.put("joint", 6.0);
            Map<String, Object> q = params("arm", List.of(seventh));
            assertThatThrownBy(() -> sampleOnce(create(q), options))
                    .hasMessageContaining("holds 6 angles, the chain reads 7 (joints 0 to 6)");
            p.put("field", "velocity");
            sampleOnce(create(p), options); // any numeric array long enough
        }
    }

    @Test
    void aChainLongerThanTheRecordHoldsIsRefusedNamingBothNumbers() {
        List<Object> seven = new ArrayList<>(sixAxisLinks());
        seven.add(link(List.of(0.0, 0.0, 0.02), List.of(0.0, 0.0, 1.0)));
        assertThatThrownBy(() -> create(params("arm", seven))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("7 links need 8 transforms (the base's and one per link), record \"transforms\" of"
                        + " schema/examples/arm_tf.json holds 7 (translation count 21, rotation count 28): give at most"
                        + " 6 links");
        assertThat(create(params("arm", sixAxisLinks())).chain().links()).hasSize(6);
    }

    @Test
    void badParametersAreRefusedWithWhatToGive() {
        Map<String, String> cases = new LinkedHashMap<>();
        Object good = link(List.of(0.0, 0.0, 0.1), List.of(0.0, 0.0, 1.0));
        cases.put("source missing", "parameters \"source\", \"record\" and \"field\" name where the joint angles are"
                + " read (e.g. \"source\": \"demo.arm\", \"record\": \"joint_state\", \"field\": \"position\");"
                + " found source \"\", record \"joint_state\", field \"position\"");
        cases.put("no links", "parameter \"links\" is missing or empty: give one object per joint, base to tip, e.g."
                + " [{ \"xyz\": [0, 0, 0.3], \"axis\": [0, 0, 1] }, ...]");
        cases.put("not an object", "links[1] must be an object with \"xyz\" and \"axis\"; found 0.5");
        cases.put("unknown key", "links[0] has no key \"axiz\"; did you mean \"axis\"? (keys: xyz, axis, joint)");
        cases.put("no axis", "links[0] lacks \"axis\": every link gives \"xyz\" and \"axis\"");
        cases.put("short xyz", "links[0].xyz must be 3 numbers (the joint's offset from the parent frame, metres);"
                + " found [0.0, 0.1]");
        cases.put("text axis", "links[0].axis must be 3 numbers (the joint's axis, e.g. [0, 0, 1]); found \"z\"");
        cases.put("zero axis", "links[0].axis is [0, 0, 0]: a joint turns about a direction; give one such"
                + " as [0, 0, 1]");
        cases.put("bad joint", "links[0].joint must be an integer from 0 (an index into the source's joint angles);"
                + " found -1.0");
        cases.put("bad base", "base must be 3 numbers (the base's x, y, z in the world, metres); found [1.0]");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Map<String, Object> p = params("arm", List.of(good));
            switch (c.getKey()) {
                case "source missing" -> p.remove("source");
                case "no links" -> p.remove("links");
                case "not an object" -> p.put("links", List.of(good, 0.5));
                case "unknown key" -> p.put("links", List.of(Map.of("xyz", List.of(0.0, 0.0, 0.1), "axiz", "z")));
                case "no axis" -> p.put("links", List.of(Map.of("xyz", List.of(0.0, 0.0, 0.1))));
                case "short xyz" -> p.put("links", List.of(link(List.of(0.0, 0.1), List.of(0.0, 0.0, 1.0))));
                case "text axis" -> p.put("links", List.of(Map.of("xyz", List.of(0.0, 0.0, 0.1), "axis", "z")));
                case "zero axis" -> p.put("links", List.of(link(List.of(0.0, 0.0, 0.1), List.of(0.0, 0.0, 0.0))));
                case "bad joint" -> {
                    Map<String, Object> l = link(List.of(0.0, 0.0, 0.1), List.of(0.0, 0.0, 1.0));
                    l.put("joint", -1.0);
                    p.put("links", List.of(l));
                }
                case "bad base" -> p.put("base", List.of(1.0));
                default -> throw new AssertionError(c.getKey());
            }
            assertThatThrownBy(() -> create(p)).as(c.getKey()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(c.getValue());
        }
    }

    /** An axis of any finite non-zero length is normalised to a unit one: huge and tiny ones too. */
    @Test
    void axesOfExtremeLengthsAreNormalised() {
        for (List<Double> axis : List.of(List.of(1e308, 1e308, 0.0), List.of(1e-320, 0.0, 0.0),
                List.of(0.0, 3e-200, 4e-200))) {
            Map<String, Object> p = params("arm", List.of(link(List.of(0.0, 0.0, 0.1), axis)));
            double[] unit = create(p).chain().links().get(0).axis();
            assertThat(Math.sqrt(unit[0] * unit[0] + unit[1] * unit[1] + unit[2] * unit[2])).as(axis.toString())
                    .isCloseTo(1.0, within(EPS));
            assertThat(unit[0] * axis.get(0) + unit[1] * axis.get(1) + unit[2] * axis.get(2)).as("same direction")
                    .isPositive();
        }
    }

    @Test
    void aListParameterOfTheWrongKindIsRefusedByName() {
        DriverFactory f = factory();
        Map<String, Object> p = params("arm", List.of());
        p.put("links", "[{}]");
        assertThatThrownBy(() -> f.create(new DriverParams(f.type(), f.parameters(), p)))
                .hasMessage("parameter \"links\" of driver type \"kinematics\" must be a JSON array; found [{}]");
    }

    /**
     * arm_tf.json's FrameTransforms annotation names transform t at the slots the driver writes it to
     * (translation[3t], rotation[4t]), and the frames world, base_link, link1..link6 as a chain.
     */
    @Test
    void theSchemasFrameTransformsAnnotationNamesTheSlotsTheDriverWrites() {
        List<WellKnownDef> defs = BuiltInSchemas.armTf().record(TransformsView.RECORD_NAME).orElseThrow().wellKnown();
        assertThat(defs).hasSize(1);
        assertThat(defs.get(0).type().typeName()).isEqualTo("foxglove.FrameTransforms");
        List<Binding.Struct> transforms = ((Binding.StructList) defs.get(0).get("transforms")).items();
        int capacity = TransformsView.ROTATION_COUNT / Quaternions.SIZE;
        assertThat(transforms).hasSize(capacity);
        List<String> frames = new ArrayList<>(List.of("world", "base_link"));
        for (int i = 1; i < capacity; i++) {
            frames.add("link" + i);
        }
        for (int t = 0; t < capacity; t++) {
            Binding.Struct s = transforms.get(t);
            assertThat(s.get("parent_frame_id")).as("transform %d", t).isEqualTo(new Binding.Text(frames.get(t)));
            assertThat(s.get("child_frame_id")).as("transform %d", t).isEqualTo(new Binding.Text(frames.get(t + 1)));
            List<Binding> xyz = new ArrayList<>();
            for (int c = 0; c < Quaternions.VECTOR; c++) {
                xyz.add(new Binding.NumberRef("translation", t * Quaternions.VECTOR + c));
            }
            List<Binding> q = new ArrayList<>();
            for (int c = 0; c < Quaternions.SIZE; c++) {
                q.add(new Binding.NumberRef("rotation", t * Quaternions.SIZE + c));
            }
            assertThat(s.get("translation")).as("transform %d", t).isEqualTo(new Binding.Vector(xyz));
            assertThat(s.get("rotation")).as("transform %d", t).isEqualTo(new Binding.Vector(q));
        }
    }

    /** Once its source is attached, a sample reads the angles and writes the tree without allocating. */
    private static final int WARM_UP_ROUNDS = 10;

    @Test
    void aSampleAllocatesNothingOnceTheSourceIsAttached(RegionOptions options) throws Exception {
        var mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        try (Publisher arm = Publisher.create("arm", BuiltInSchemas.arm(), options)) {
            long k = new JointStateWriter(arm.sink(JointStateView.RECORD_NAME)).position(2, 1.0).commit();
            KinematicsDriver driver = create(params("arm", sixAxisLinks()));
            RecordLayout r = driver.layout().record(driver.record()).orElseThrow();
            ByteBuffer ring = ByteBuffer.allocateDirect((int) driver.layout().regionLength())
                    .order(ByteOrder.LITTLE_ENDIAN);
            TransformsWriter w = driver.newWriter(new RingWriter(ring, RingGeometry.of(r)));
            driver.open(options);
            try {
                long least = Long.MAX_VALUE;
                // Rounds before the measured ones let the JIT compile the loop (interpreted code allocates
                // temporaries that compiled code keeps in registers); the least of the measured rounds counts.
                for (int round = -WARM_UP_ROUNDS; round < 3; round++) {
                    long before = mx.getThreadAllocatedBytes(thread);
                    for (int i = 0; i < 20_000; i++) {
                        driver.sample(w, i, i);
                        w.commit(i);
                    }
                    if (round >= 0) {
                        least = Math.min(least, mx.getThreadAllocatedBytes(thread) - before);
                    }
                }
                ByteBuffer snapshot = ByteBuffer.allocateDirect(r.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
                assertThat(new RingReader(ring, RingGeometry.of(r)).readLatest(snapshot)).isNotNegative();
                TransformsView v = new TransformsView().wrap(snapshot, 0);
                assertThat(v.sourceIndex()).as("the samples read the source").isEqualTo(k);
                assertTransform(v, 3, new double[] {0, 0, 0.4}, 0, Math.sin(0.5), 0, Math.cos(0.5));
                assertThat(least).as("bytes allocated by 20,000 samples").isZero();
            } finally {
                driver.close();
            }
        }
    }
}
