package io.shmtel.sensors.kinematics;

import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.view.DynamicView;
import io.shmtel.schema.FieldType;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.sensors.BuiltInSchemas;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverParameter;
import io.shmtel.sensors.RecordDriver;
import io.shmtel.sensors.gen.arm_tf.TransformsView;
import io.shmtel.sensors.gen.arm_tf.TransformsWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Forward kinematics of a serial arm ({@code arm_tf.transforms}): each sample it reads the newest joint angles of
 * another region (a numeric array field, e.g. {@code demo.arm}'s {@code joint_state.position}) and writes the
 * frame tree of the {@link KinematicChain} its parameters declare: transform 0 is world to base_link (the fixed
 * {@code base} offset), transform i is link i-1 to link i (its joint's offset, then the rotation by its joint's angle
 * about its axis); slots past the chain hold the identity. What Foxglove's 3D panel draws from the schema's
 * {@code foxglove.FrameTransforms} annotation.
 *
 * <p>The source is read through a {@link Subscriber} opened at the first sample, and may start later than this
 * driver or restart: until its first sample is read, the chain is published at its zero pose (every angle 0, so the
 * rotations are the identity and the translations the link offsets) with {@code source_index} -1. Publishing rather
 * than skipping keeps the region live at its rate, as every driver's (the framework commits each due sample), and
 * shows the tree's shape at once; {@code source_index} tells a reader the angles are not measured yet. After that, a
 * sample with nothing newer repeats the last angles read. A source record whose field is missing, not numeric or
 * shorter than the joints the chain reads fails each sample (counted as the driver's errors, and logged) until the
 * source is fixed. Nothing is allocated per sample once the source is attached.
 */
public final class KinematicsDriver extends RecordDriver<TransformsWriter> {
    public static final String TYPE = "kinematics";
    /** How often a source that does not exist yet is looked for. */
    static final long ATTACH_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String source;
    private final String sourceRecord;
    private final String sourceField;
    private final KinematicChain chain;
    private final int links;
    private final double[] angles;
    /** Each link's unit axis, x, y, z, link after link; and the index of the angle that drives it. */
    private final double[] axes;
    private final int[] joints;
    private final double[] translation = new double[TransformsView.TRANSLATION_COUNT];
    private final double[] rotation = new double[TransformsView.ROTATION_COUNT];
    private RegionOptions options = RegionOptions.defaults();
    private Subscriber subscriber;
    private DynamicView view;
    private FieldLayout field;
    private long nextAttachNs;
    private long sourceIndex = -1;

    /**
     * @throws IllegalArgumentException the source is not named, or the chain needs more transforms (its base and one
     *     per link) than the record holds
     */
    public KinematicsDriver(String source, String sourceRecord, String sourceField, KinematicChain chain) {
        super(BuiltInSchemas.armTf(), TransformsView.RECORD_NAME, TransformsWriter::new);
        if (source.isEmpty() || sourceRecord.isEmpty() || sourceField.isEmpty()) {
            throw new IllegalArgumentException("parameters \"source\", \"record\" and \"field\" name where the joint"
                    + " angles are read (e.g. \"source\": \"demo.arm\", \"record\": \"joint_state\", \"field\":"
                    + " \"position\"); found source \"" + source + "\", record \"" + sourceRecord + "\", field \""
                    + sourceField + "\"");
        }
        int capacity = Math.min(TransformsView.TRANSLATION_COUNT / Quaternions.VECTOR,
                TransformsView.ROTATION_COUNT / Quaternions.SIZE);
        this.links = chain.links().size();
        if (links + 1 > capacity) {
            throw new IllegalArgumentException(links + " links need " + (links + 1) + " transforms (the base's and"
                    + " one per link), record \"" + TransformsView.RECORD_NAME + "\" of " + layout().source()
                    + " holds " + capacity + " (translation count " + TransformsView.TRANSLATION_COUNT
                    + ", rotation count " + TransformsView.ROTATION_COUNT + "): give at most " + (capacity - 1)
                    + " links");
        }
        this.source = source;
        this.sourceRecord = sourceRecord;
        this.sourceField = sourceField;
        this.chain = chain;
        this.angles = new double[chain.jointsRead()];
        for (int t = 0; t < capacity; t++) {
            Quaternions.identity(rotation, t * Quaternions.SIZE);
        }
        System.arraycopy(chain.base(), 0, translation, 0, Quaternions.VECTOR);
        this.axes = new double[links * Quaternions.VECTOR];
        this.joints = new int[links];
        for (int i = 0; i < links; i++) {
            KinematicChain.Link link = chain.links().get(i);
            System.arraycopy(link.xyz(), 0, translation, (i + 1) * Quaternions.VECTOR, Quaternions.VECTOR);
            System.arraycopy(link.axis(), 0, axes, i * Quaternions.VECTOR, Quaternions.VECTOR);
            joints[i] = link.joint();
        }
    }

    public static DriverFactory factory() {
        return DriverFactory.of(TYPE, "forward kinematics of a serial arm from another region's joint angles"
                + " (arm_tf.transforms)",
                List.of(DriverParameter.text("source", "", "the region whose joint angles are read, e.g. demo.arm"),
                DriverParameter.text("record", "joint_state", "the source's record"),
                DriverParameter.text("field", "position", "the source's numeric array field of joint angles, rad"),
                DriverParameter.list("base", "x, y, z of base_link in the world, metres (default [0, 0, 0])"),
                DriverParameter.list("links", "per link, base to tip: { \"xyz\": offset from the parent, m,"
                        + " \"axis\": joint axis, \"joint\": angle index (default: its place) }")),
                p -> new KinematicsDriver(p.text("source"), p.text("record"), p.text("field"),
                        KinematicChain.parse(p.list("links"), p.list("base"))));
    }

    @Override
    public void open(RegionOptions regionOptions) {
        this.options = regionOptions;
    }

    /** The chain this driver computes. */
    public KinematicChain chain() {
        return chain;
    }

    @Override
    public void sample(TransformsWriter w, long k, long dueNs) {
        readAngles();
        for (int i = 0; i < links; i++) {
            int a = i * Quaternions.VECTOR;
            Quaternions.axisAngle(axes[a], axes[a + 1], axes[a + 2], angles[joints[i]], rotation,
                    (i + 1) * Quaternions.SIZE);
        }
        w.translation(translation).rotation(rotation).sourceIndex(sourceIndex);
    }

    /** The newest joint angles into {@link #angles}, when the source has a sample (attaching it first if need be). */
    private void readAngles() {
        if (subscriber == null) {
            subscriber = Subscriber.open(source, sourceRecord, options);
        }
        RecordLayout record = subscriber.record();
        if (record == null) {
            // WAITING: look for the region now and then (state() attaches it once it exists)
            long now = System.nanoTime();
            if (now - nextAttachNs > 0) {
                nextAttachNs = now + ATTACH_RETRY_NS;
                subscriber.state();
            }
            return;
        }
        if (view == null || view.record() != record) {
            view = null;
            field = checkedField(record);
            view = new DynamicView(record);
        }
        if (subscriber.latest(view)) {
            for (int j = 0; j < angles.length; j++) {
                angles[j] = view.number(field, j);
            }
            sourceIndex = view.sampleIndex();
        }
    }

    private FieldLayout checkedField(RecordLayout record) {
        FieldLayout f = record.fields().stream().filter(x -> x.name().equals(sourceField)).findFirst()
                .orElseThrow(() -> new IllegalStateException("kinematics driver: record \"" + sourceRecord
                        + "\" of region \"" + source + "\" has no field \"" + sourceField + "\"; its fields: "
                        + record.fields().stream().map(FieldLayout::name).toList() + " (fix the \"field\" parameter)"));
        if (f.type() == FieldType.STRING || f.type() == FieldType.BOOL) {
            throw new IllegalStateException("kinematics driver: field \"" + sourceField + "\" of " + source + "/"
                    + sourceRecord + " is " + f.type().schemaName() + "; joint angles are numbers (rad)");
        }
        int elements = Math.max(1, f.count()); // count 0: a scalar
        if (elements < angles.length) {
            throw new IllegalStateException("kinematics driver: field \"" + sourceField + "\" of " + source + "/"
                    + sourceRecord + " holds " + elements + (elements == 1 ? " angle" : " angles")
                    + ", the chain reads " + angles.length + " (joints 0 to " + (angles.length - 1)
                            + "): give a source with enough joints or fewer links");
        }
        return f;
    }

    @Override
    public void close() {
        if (subscriber != null) {
            subscriber.close();
            subscriber = null;
        }
    }
}
