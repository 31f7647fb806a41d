package io.shmtel.foxglove.wellknown;

import io.shmtel.core.view.DynamicView;
import io.shmtel.foxglove.MessageEncoding;
import io.shmtel.schema.FieldType;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.wellknown.Binding;
import io.shmtel.schema.wellknown.SlotKind;
import io.shmtel.schema.wellknown.WellKnownDef;
import io.shmtel.schema.wellknown.WellKnownType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns samples of a record into one well-known message (a record's {@code "wellKnown"} mapping), as JSON or ROS 2
 * CDR. At creation each binding is resolved to the record's field layouts and the type's members become a plan of
 * steps, one per member in the message's order (the one description per type, {@link #plan}); encoding a sample
 * runs the plan against a reused {@link MessageSink}. One per channel, used by one thread.
 */
public final class WellKnownEncoder {
    /** A member of the message, written from a sample and its timestamp. */
    @FunctionalInterface
    private interface Step {
        void write(MessageSink sink, DynamicView sample, long timestampNs);
    }

    /** One number of a sample: a constant, a scalar field or one element of an array field. */
    private record Num(FieldLayout field, int index, double constant) {
        double get(DynamicView sample) {
            return field == null ? constant : sample.number(field, index);
        }
    }

    /** Foxglove's NumericType FLOAT32 (foxglove.PackedElementField). */
    private static final int NUMERIC_FLOAT32 = 7;
    private static final String[] POINT_FIELDS = {"x", "y", "z", "intensity"};
    private static final String[] XYZW = {"x", "y", "z", "w"};

    private final RecordLayout record;
    private final WellKnownDef def;
    private final MessageSink sink;
    private final List<Step> plan;

    private WellKnownEncoder(RecordLayout record, WellKnownDef def, MessageSink sink) {
        this.record = record;
        this.def = def;
        this.sink = sink;
        this.plan = plan(def.type());
    }

    /** The encoder of that mapping of the record, for messages of that encoding. */
    public static WellKnownEncoder create(RecordLayout record, WellKnownDef def, MessageEncoding encoding) {
        return new WellKnownEncoder(record, def, encoding == MessageEncoding.JSON ? new JsonSink() : new CdrSink());
    }

    /** The mapping this encodes. */
    public WellKnownDef def() {
        return def;
    }

    /** The message of one sample; {@code timestampNs}: its time, nanoseconds since the Unix epoch. */
    public byte[] encode(DynamicView sample, long timestampNs) {
        sink.begin();
        for (int i = 0; i < plan.size(); i++) {
            plan.get(i).write(sink, sample, timestampNs);
        }
        return sink.finish();
    }

    /** The members of each type, in the order of Foxglove's (ROS 2's) definition. */
    private List<Step> plan(WellKnownType type) {
        List<Step> steps = new ArrayList<>();
        switch (type) {
            case VECTOR3_MESSAGE, QUATERNION_MESSAGE -> {
                for (var slot : type.slots()) {
                    Num n = num(def.get(slot.key()));
                    steps.add((s, v, t) -> s.float64(slot.key(), n.get(v)));
                }
            }
            case POSE_IN_FRAME -> {
                steps.add(timestamp());
                steps.add(text("frame_id", def.get("frame_id")));
                steps.add(pose("pose", def.get("pose")));
            }
            case FRAME_TRANSFORM -> steps.addAll(transform(def.bindings()));
            case FRAME_TRANSFORMS -> {
                List<List<Step>> transforms = new ArrayList<>();
                for (Binding.Struct b : ((Binding.StructList) def.get("transforms")).items()) {
                    transforms.add(transform(b.members()));
                }
                steps.add((s, v, t) -> {
                    s.beginList("transforms", transforms.size());
                    for (int i = 0; i < transforms.size(); i++) {
                        s.beginStruct(null);
                        List<Step> members = transforms.get(i);
                        for (int m = 0; m < members.size(); m++) {
                            members.get(m).write(s, v, t);
                        }
                        s.endStruct();
                    }
                    s.endList();
                });
            }
            case LASER_SCAN -> {
                steps.add(timestamp());
                steps.add(text("frame_id", def.get("frame_id")));
                steps.add(pose("pose", def.get("pose")));
                steps.add(number("start_angle", def.get("start_angle")));
                steps.add(number("end_angle", def.get("end_angle")));
                steps.add(numbers("ranges", def.get("ranges")));
                steps.add(numbers("intensities", def.get("intensities")));
            }
            case POINT_CLOUD -> {
                steps.add(timestamp());
                steps.add(text("frame_id", def.get("frame_id")));
                steps.add(pose("pose", def.get("pose")));
                steps.add(points());
            }
            case JOINT_STATE -> {
                Step stamp = (s, v, t) -> s.time("stamp", "nanosec", t);
                Step frame = text("frame_id", def.get("frame_id"));
                steps.add((s, v, t) -> {
                    s.beginStruct("header");
                    stamp.write(s, v, t);
                    frame.write(s, v, t);
                    s.endStruct();
                });
                List<String> names = ((Binding.Texts) def.get("name")).values();
                steps.add((s, v, t) -> s.texts("name", names));
                steps.add(numbers("position", def.get("position")));
                steps.add(numbers("velocity", def.get("velocity")));
                steps.add(numbers("effort", def.get("effort")));
            }
        }
        return List.copyOf(steps);
    }

    private List<Step> transform(Map<String, Binding> members) {
        return List.of(timestamp(),
                text("parent_frame_id", members.get("parent_frame_id")),
                text("child_frame_id", members.get("child_frame_id")),
                vector("translation", members.get("translation"), SlotKind.VECTOR3),
                vector("rotation", members.get("rotation"), SlotKind.QUATERNION));
    }

    private static Step timestamp() {
        return (s, v, t) -> s.time("timestamp", "nsec", t);
    }

    private Step text(String name, Binding b) {
        Binding binding = b == null ? WellKnownDef.defaultOf(SlotKind.TEXT) : b;
        if (binding instanceof Binding.TextField tf) {
            FieldLayout f = field(tf.field());
            if (f.type() != FieldType.STRING) {
                throw new IllegalArgumentException(problem(tf.field(), "is " + f.type().schemaName()
                        + ", not a string"));
            }
            return (s, v, t) -> s.text(name, v.text(f));
        }
        String value = ((Binding.Text) binding).value();
        return (s, v, t) -> s.text(name, value);
    }

    private Step number(String name, Binding b) {
        Num n = num(b);
        return (s, v, t) -> s.float64(name, n.get(v));
    }

    private Step vector(String name, Binding b, SlotKind kind) {
        Binding binding = b == null ? WellKnownDef.defaultOf(kind) : b;
        List<Binding> items = ((Binding.Vector) binding).items();
        Num[] nums = new Num[kind.vectorSize()];
        if (items.size() != nums.length) {
            throw new IllegalArgumentException(problem(name, "has " + items.size() + " items, a "
                    + kind.name().toLowerCase(Locale.ROOT) + " has " + nums.length));
        }
        for (int i = 0; i < nums.length; i++) {
            nums[i] = num(items.get(i));
        }
        return (s, v, t) -> {
            s.beginStruct(name);
            for (int i = 0; i < nums.length; i++) {
                s.float64(XYZW[i], nums[i].get(v));
            }
            s.endStruct();
        };
    }

    private Step pose(String name, Binding b) {
        Binding.Struct pose = (Binding.Struct) (b == null ? WellKnownDef.defaultOf(SlotKind.POSE) : b);
        Step position = vector("position", pose.get("position"), SlotKind.VECTOR3);
        Step orientation = vector("orientation", pose.get("orientation"), SlotKind.QUATERNION);
        return (s, v, t) -> {
            s.beginStruct(name);
            position.write(s, v, t);
            orientation.write(s, v, t);
            s.endStruct();
        };
    }

    /** A float64[] from every element of an array field; absent: an empty sequence. */
    private Step numbers(String name, Binding b) {
        if (b == null) {
            double[] none = new double[0];
            return (s, v, t) -> s.float64s(name, none, 0);
        }
        FieldLayout f = numericField(((Binding.Numbers) b).field());
        int n = f.elementCount();
        double[] values = new double[n];
        return (s, v, t) -> {
            for (int i = 0; i < n; i++) {
                values[i] = v.number(f, i);
            }
            s.float64s(name, values, n);
        };
    }

    /** point_stride, fields and data of a foxglove.PointCloud: packed little-endian float32 x, y, z(, intensity). */
    private Step points() {
        List<FieldLayout> columns = new ArrayList<>();
        for (String key : POINT_FIELDS) {
            Binding b = def.get(key);
            if (b != null) {
                columns.add(numericField(((Binding.Numbers) b).field()));
            }
        }
        int capacity = columns.get(0).elementCount();
        for (FieldLayout c : columns) {
            if (c.elementCount() != capacity) {
                throw new IllegalArgumentException(problem(c.name(), "has " + c.elementCount() + " elements, "
                        + columns.get(0).name() + " " + capacity + ": a point cloud's arrays have one count"));
            }
        }
        Num count = def.get("count") == null ? null : num(def.get("count"));
        int stride = columns.size() * Float.BYTES;
        ByteBuffer data = ByteBuffer.allocate(capacity * stride)
                .order(ByteOrder.LITTLE_ENDIAN);
        return (s, v, t) -> {
            int n = count == null ? capacity : (int) Math.max(0, Math.min(capacity, count.get(v)));
            s.uint32("point_stride", stride);
            s.beginList("fields", columns.size());
            for (int c = 0; c < columns.size(); c++) {
                s.beginStruct(null);
                s.text("name", POINT_FIELDS[c]);
                s.uint32("offset", (long) c * Float.BYTES);
                s.uint8("type", NUMERIC_FLOAT32);
                s.endStruct();
            }
            s.endList();
            data.clear();
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < columns.size(); c++) {
                    data.putFloat((float) v.number(columns.get(c), i));
                }
            }
            s.bytes("data", data.array(), data.position());
        };
    }

    private Num num(Binding b) {
        if (b instanceof Binding.Constant c) {
            return new Num(null, 0, c.value());
        }
        Binding.NumberRef ref = (Binding.NumberRef) b;
        FieldLayout f = numericField(ref.field());
        int index = ref.isScalar() ? 0 : ref.index();
        if (ref.isScalar() != !f.isArray() || index >= f.elementCount()) {
            throw new IllegalArgumentException(problem(ref.field(), ref.isScalar() ? "is an array of "
                    + f.count() + ": name an element, " + ref.field() + "[i]" : "has no element " + index
                    + " (it has " + f.elementCount() + ")"));
        }
        return new Num(f, index, 0);
    }

    private FieldLayout numericField(String name) {
        FieldLayout f = field(name);
        if (f.type() == FieldType.STRING) {
            throw new IllegalArgumentException(problem(name, "is a string, not a number"));
        }
        return f;
    }

    private FieldLayout field(String name) {
        return record.field(name).orElseThrow(() -> new IllegalArgumentException(problem(name,
                "is no field of the record; its fields: " + record.fields().stream().map(FieldLayout::name)
                        .toList())));
    }

    private String problem(String what, String why) {
        return "record " + record.name() + ", " + def.type().typeName() + " mapping: " + what + " " + why;
    }
}
