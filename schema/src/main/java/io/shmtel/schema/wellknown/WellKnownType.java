package io.shmtel.schema.wellknown;

import static io.shmtel.schema.wellknown.Slot.optional;
import static io.shmtel.schema.wellknown.Slot.required;
import static io.shmtel.schema.wellknown.SlotKind.NUMBER;
import static io.shmtel.schema.wellknown.SlotKind.NUMBERS;
import static io.shmtel.schema.wellknown.SlotKind.POSE;
import static io.shmtel.schema.wellknown.SlotKind.QUATERNION;
import static io.shmtel.schema.wellknown.SlotKind.TEXT;
import static io.shmtel.schema.wellknown.SlotKind.TEXTS;
import static io.shmtel.schema.wellknown.SlotKind.TRANSFORMS;
import static io.shmtel.schema.wellknown.SlotKind.VECTOR3;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The well-known message types a record can be mapped to with the schema key {@code "wellKnown"}: Foxglove's
 * schemas that its 3D panel draws, and ROS 2's {@code sensor_msgs/JointState}. Each lists the fields a mapping
 * gives (named as in the target message; the timestamp is always the sample's own). One row per type: the
 * parser, the editor schema, the encoders and the docs read this table.
 */
public enum WellKnownType {
    VECTOR3_MESSAGE("foxglove.Vector3", "a vector: x, y, z",
            required("x", NUMBER, "x coordinate"),
            required("y", NUMBER, "y coordinate"),
            required("z", NUMBER, "z coordinate")),
    QUATERNION_MESSAGE("foxglove.Quaternion", "a rotation quaternion: x, y, z, w",
            required("x", NUMBER, "x value"),
            required("y", NUMBER, "y value"),
            required("z", NUMBER, "z value"),
            required("w", NUMBER, "w value")),
    POSE_IN_FRAME("foxglove.PoseInFrame", "a position and orientation in a named frame",
            required("frame_id", TEXT, "the frame the pose is in"),
            optional("pose", POSE, "position and orientation (default: the identity)")),
    FRAME_TRANSFORM("foxglove.FrameTransform", "one transform between two frames",
            required("parent_frame_id", TEXT, "the parent frame"),
            required("child_frame_id", TEXT, "the child frame"),
            optional("translation", VECTOR3, "the child origin in the parent frame (default: 0, 0, 0)"),
            optional("rotation", QUATERNION, "the child's rotation in the parent frame (default: the identity)")),
    FRAME_TRANSFORMS("foxglove.FrameTransforms", "several transforms (a robot's frame tree) in one sample",
            required("transforms", TRANSFORMS, "the transforms, each a foxglove.FrameTransform mapping")),
    LASER_SCAN("foxglove.LaserScan", "a planar laser scan: ranges at evenly spaced angles",
            required("frame_id", TEXT, "the frame of the scan"),
            optional("pose", POSE, "the scan's origin in its frame (default: the identity)"),
            required("start_angle", NUMBER, "the angle of the first range, in radians"),
            required("end_angle", NUMBER, "the angle of the last range, in radians"),
            required("ranges", NUMBERS, "the ranges, in metres"),
            optional("intensities", NUMBERS, "the intensities, as many as ranges")),
    POINT_CLOUD("foxglove.PointCloud", "a fixed-capacity point cloud: x, y, z (and intensity) arrays",
            required("frame_id", TEXT, "the frame of the points"),
            optional("pose", POSE, "the cloud's origin in its frame (default: the identity)"),
            required("x", NUMBERS, "the points' x coordinates"),
            required("y", NUMBERS, "the points' y coordinates, as many as x"),
            required("z", NUMBERS, "the points' z coordinates, as many as x"),
            optional("intensity", NUMBERS, "the points' intensities, as many as x"),
            optional("count", NUMBER, "an integer field: how many points are valid (default: all)")),
    JOINT_STATE("sensor_msgs/JointState", "a robot's joint states, as ROS 2's sensor_msgs/msg/JointState",
            optional("frame_id", TEXT, "the header's frame id (default: empty)"),
            required("name", TEXTS, "the joint names"),
            required("position", NUMBERS, "the joint positions, one per name"),
            optional("velocity", NUMBERS, "the joint velocities, one per name"),
            optional("effort", NUMBERS, "the joint efforts, one per name"));

    /** The members of a {@link SlotKind#POSE pose}. */
    public static final List<Slot> POSE_MEMBERS = List.of(
            optional("position", VECTOR3, "the position (default: 0, 0, 0)"),
            optional("orientation", QUATERNION, "the orientation (default: the identity)"));

    private final String typeName;
    private final String description;
    private final List<Slot> slots;

    WellKnownType(String typeName, String description, Slot... slots) {
        this.typeName = typeName;
        this.description = description;
        this.slots = List.of(slots);
    }

    /** The name a schema's {@code "type"} gives, e.g. {@code foxglove.FrameTransforms}. */
    public String typeName() {
        return typeName;
    }

    /** The name after the package: {@code FrameTransforms}, {@code JointState}. */
    public String shortName() {
        return typeName.substring(Math.max(typeName.lastIndexOf('.'), typeName.lastIndexOf('/')) + 1);
    }

    public String description() {
        return description;
    }

    /** The fields a mapping gives, in the target message's order (the canonical order). */
    public List<Slot> slots() {
        return slots;
    }

    public Optional<Slot> slot(String key) {
        return slots.stream().filter(s -> s.key().equals(key)).findFirst();
    }

    /** The members of each element of a slot of kind {@link SlotKind#TRANSFORMS} or {@link SlotKind#POSE}. */
    public static List<Slot> members(SlotKind kind) {
        return switch (kind) {
            case POSE -> POSE_MEMBERS;
            case TRANSFORMS -> FRAME_TRANSFORM.slots;
            default -> List.of();
        };
    }

    public static Optional<WellKnownType> byName(String typeName) {
        return Arrays.stream(values()).filter(t -> t.typeName.equals(typeName)).findFirst();
    }

    /** Every type name, in table order (for "did you mean" and the editor schema). */
    public static List<String> typeNames() {
        return Arrays.stream(values()).map(WellKnownType::typeName).toList();
    }
}
