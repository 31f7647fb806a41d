package io.shmtel.sensors;

import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.sensors.gen.arm.ArmSchema;
import io.shmtel.sensors.gen.arm_tf.ArmTfSchema;
import io.shmtel.sensors.gen.force_torque.ForceTorqueSchema;
import io.shmtel.sensors.gen.imu.ImuSchema;
import io.shmtel.sensors.gen.status_flag.StatusFlagSchema;
import io.shmtel.sensors.gen.system.SystemSchema;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Layouts of the schemas the built-in drivers write, compiled once from the generated canonical text. */
public final class BuiltInSchemas {
    private static final Map<String, Layout> LAYOUTS = new ConcurrentHashMap<>();

    private BuiltInSchemas() {}

    /** The layout of {@code canonicalJson}, named {@code source} (the shipped file) in messages. */
    public static Layout layout(String canonicalJson, String source) {
        return LAYOUTS.computeIfAbsent(source, s -> LayoutCompiler.compile(SchemaParser.parse(canonicalJson, s)));
    }

    public static Layout arm() {
        return layout(ArmSchema.CANONICAL_JSON, "schema/examples/arm.json");
    }

    public static Layout armTf() {
        return layout(ArmTfSchema.CANONICAL_JSON, "schema/examples/arm_tf.json");
    }

    public static Layout imu() {
        return layout(ImuSchema.CANONICAL_JSON, "schema/examples/imu.json");
    }

    public static Layout forceTorque() {
        return layout(ForceTorqueSchema.CANONICAL_JSON,
                "schema/examples/force_torque.json");
    }

    public static Layout statusFlag() {
        return layout(StatusFlagSchema.CANONICAL_JSON, "schema/examples/status_flag.json");
    }

    public static Layout system() {
        return layout(SystemSchema.CANONICAL_JSON, "schema/examples/system.json");
    }
}
