package io.shmtel.foxglove.wellknown;

import static io.shmtel.foxglove.wellknown.Member.enumeration;
import static io.shmtel.foxglove.wellknown.Member.field;
import static io.shmtel.foxglove.wellknown.Member.message;
import static io.shmtel.foxglove.wellknown.Member.messages;
import static io.shmtel.foxglove.wellknown.Member.sequence;
import static io.shmtel.foxglove.wellknown.Primitive.BYTES;
import static io.shmtel.foxglove.wellknown.Primitive.FLOAT64;
import static io.shmtel.foxglove.wellknown.Primitive.INT32;
import static io.shmtel.foxglove.wellknown.Primitive.NANOSECONDS;
import static io.shmtel.foxglove.wellknown.Primitive.STRING;
import static io.shmtel.foxglove.wellknown.Primitive.UINT32;
import static io.shmtel.foxglove.wellknown.Primitive.UINT8;

import io.shmtel.foxglove.wellknown.Member.Constant;
import io.shmtel.schema.wellknown.WellKnownType;
import java.util.List;

/**
 * Our description of the structure of every well-known message and of the messages nested in them: the one table
 * {@link WellKnownSchemas} generates the {@code jsonschema} and {@code ros2msg} definitions from. Member names,
 * kinds and order follow the published interfaces (Foxglove's message schemas, ROS 2's {@code sensor_msgs} and
 * {@code std_msgs}) so that Foxglove and ROS 2 tools read what the encoders write; a Node test checks the
 * generated definitions against the {@code @foxglove/schemas} package member by member. The descriptions are ours.
 */
public enum MessageStructure {
    /**
     * Foxglove's timestamp: JSON {@code {sec, nsec}}, whose schema does not require its members; ROS 2's built-in
     * {@code builtin_interfaces/Time}.
     */
    TIME(null, "time", "builtin_interfaces/Time", false, "a point in time",
            field("sec", UINT32, "whole seconds since the epoch"),
            field("nsec", NANOSECONDS, "nanoseconds after sec")),
    /** ROS 2's {@code builtin_interfaces/msg/Time} in JSON: {@code {sec, nanosec}}. */
    ROS_TIME(null, "builtin_interfaces/msg/Time", "builtin_interfaces/Time", "a point in time",
            field("sec", INT32, "whole seconds since the epoch"),
            field("nanosec", NANOSECONDS, "nanoseconds after sec")),
    /** A direction or offset (ROS 2 {@code geometry_msgs/Vector3}); alone, the message foxglove.Vector3. */
    VECTOR3(WellKnownType.VECTOR3_MESSAGE, "foxglove.Vector3", "geometry_msgs/Vector3", "three coordinates",
            field("x", FLOAT64, "first coordinate"),
            field("y", FLOAT64, "second coordinate"),
            field("z", FLOAT64, "third coordinate")),
    /** A position: the same three coordinates, ROS 2's {@code geometry_msgs/Point}. */
    POINT(null, "foxglove.Vector3", "geometry_msgs/Point", "a position given by three coordinates",
            field("x", FLOAT64, "first coordinate"),
            field("y", FLOAT64, "second coordinate"),
            field("z", FLOAT64, "third coordinate")),
    /** A rotation; alone, the message foxglove.Quaternion. */
    QUATERNION(WellKnownType.QUATERNION_MESSAGE, "foxglove.Quaternion", "geometry_msgs/Quaternion",
            "a rotation as a unit quaternion, vector part first",
            field("x", FLOAT64, "vector part, first coordinate"),
            field("y", FLOAT64, "vector part, second coordinate"),
            field("z", FLOAT64, "vector part, third coordinate"),
            field("w", FLOAT64, "scalar part")),
    /** A position and an orientation. */
    POSE(null, "foxglove.Pose", "geometry_msgs/Pose", "where something is and how it is turned",
            message("position", POINT, "where it is"),
            message("orientation", QUATERNION, "how it is turned")),
    /** One edge of a frame tree; alone, the message foxglove.FrameTransform. */
    FRAME_TRANSFORM(WellKnownType.FRAME_TRANSFORM, "foxglove.FrameTransform", "foxglove_msgs/FrameTransform",
            "how a child frame sits in its parent frame",
            message("timestamp", TIME, "when the transform holds"),
            field("parent_frame_id", STRING, "the frame the transform is expressed in"),
            field("child_frame_id", STRING, "the frame the transform places"),
            message("translation", VECTOR3, "the child frame's origin, in the parent frame"),
            message("rotation", QUATERNION, "the child frame's rotation relative to the parent frame")),
    /** How one value is laid out inside each packed element (point) of a point cloud. */
    PACKED_ELEMENT_FIELD(null, "foxglove.PackedElementField", "foxglove_msgs/PackedElementField",
            "one named value inside each packed element",
            field("name", STRING, "the value's name (x, y, z, intensity...)"),
            field("offset", UINT32, "where the value starts, in bytes from the element's start"),
            enumeration("type", UINT8, "how the value is stored (little-endian)",
                    new Constant("UNKNOWN", 0), new Constant("UINT8", 1), new Constant("INT8", 2),
                    new Constant("UINT16", 3), new Constant("INT16", 4), new Constant("UINT32", 5),
                    new Constant("INT32", 6), new Constant("FLOAT32", 7), new Constant("FLOAT64", 8))),
    /** ROS 2's message header: when and in which frame. */
    HEADER(null, "std_msgs/msg/Header", "std_msgs/Header", "when the data was taken and in which frame",
            message("stamp", ROS_TIME, "when the data was taken"),
            field("frame_id", STRING, "the frame the data is given in")),
    /** foxglove.PoseInFrame. */
    POSE_IN_FRAME(WellKnownType.POSE_IN_FRAME, "foxglove.PoseInFrame", "foxglove_msgs/PoseInFrame",
            "a pose at a time in a named frame",
            message("timestamp", TIME, "when the pose holds"),
            field("frame_id", STRING, "the frame the pose is given in"),
            message("pose", POSE, "the position and orientation")),
    /** foxglove.FrameTransforms. */
    FRAME_TRANSFORMS(WellKnownType.FRAME_TRANSFORMS, "foxglove.FrameTransforms", "foxglove_msgs/FrameTransforms",
            "several edges of a frame tree at once",
            messages("transforms", FRAME_TRANSFORM, "the transforms")),
    /** foxglove.LaserScan. */
    LASER_SCAN(WellKnownType.LASER_SCAN, "foxglove.LaserScan", "foxglove_msgs/LaserScan",
            "distances measured in a fan of evenly spaced directions in one plane",
            message("timestamp", TIME, "when the scan was taken"),
            field("frame_id", STRING, "the frame the scan is given in"),
            message("pose", POSE, "the scanner's origin and orientation in that frame"),
            field("start_angle", FLOAT64, "direction of the first distance, in radians"),
            field("end_angle", FLOAT64, "direction of the last distance, in radians"),
            sequence("ranges", FLOAT64, "the distances, in metres"),
            sequence("intensities", FLOAT64, "the return strengths, one per distance or none")),
    /** foxglove.PointCloud. */
    POINT_CLOUD(WellKnownType.POINT_CLOUD, "foxglove.PointCloud", "foxglove_msgs/PointCloud",
            "points packed into bytes, each with the same named values",
            message("timestamp", TIME, "when the points were taken"),
            field("frame_id", STRING, "the frame the points are given in"),
            message("pose", POSE, "the cloud's origin and orientation in that frame"),
            field("point_stride", UINT32, "bytes from one point to the next in data"),
            messages("fields", PACKED_ELEMENT_FIELD, "the values each point holds and where"),
            field("data", BYTES, "the packed points")),
    /** ROS 2's sensor_msgs/msg/JointState. */
    JOINT_STATE(WellKnownType.JOINT_STATE, "sensor_msgs/msg/JointState", "sensor_msgs/JointState",
            "the state of a robot's joints, listed by name; an empty list where a quantity is not known",
            message("header", HEADER, "when the state was taken and in which frame"),
            sequence("name", STRING, "the joints' names"),
            sequence("position", FLOAT64, "each named joint's position (rad or m)"),
            sequence("velocity", FLOAT64, "each named joint's velocity (rad/s or m/s)"),
            sequence("effort", FLOAT64, "each named joint's effort (N m or N)"));

    private final WellKnownType type;
    private final String jsonTitle;
    private final String rosType;
    private final boolean jsonRequired;
    private final String description;
    private final List<Member> members;

    MessageStructure(WellKnownType type, String jsonTitle, String rosType, String description, Member... members) {
        this(type, jsonTitle, rosType, true, description, members);
    }

    MessageStructure(WellKnownType type, String jsonTitle, String rosType, boolean jsonRequired, String description,
            Member... members) {
        this.type = type;
        this.jsonTitle = jsonTitle;
        this.rosType = rosType;
        this.jsonRequired = jsonRequired;
        this.description = description;
        this.members = List.of(members);
    }

    /** The structure of a well-known message type. */
    public static MessageStructure of(WellKnownType type) {
        for (MessageStructure s : values()) {
            if (s.type == type) {
                return s;
            }
        }
        throw new IllegalStateException("no message structure for " + type + ": add a row to MessageStructure");
    }

    /** The well-known type this structure is the message of, or null for a structure only nested. */
    public WellKnownType type() {
        return type;
    }

    /** The JSON Schema {@code title}: {@code foxglove.Pose}, {@code std_msgs/msg/Header}. */
    public String jsonTitle() {
        return jsonTitle;
    }

    /** The ROS 2 type a member refers to it by: {@code geometry_msgs/Pose}, {@code builtin_interfaces/Time}. */
    public String rosType() {
        return rosType;
    }

    /** Whether ROS 2 knows the type without a definition ({@code builtin_interfaces/Time}). */
    public boolean rosBuiltIn() {
        return rosType.startsWith("builtin_interfaces/");
    }

    /** Whether its JSON Schema lists every member as {@code required} (all but Foxglove's time do). */
    public boolean jsonRequired() {
        return jsonRequired;
    }

    /** What the message holds, in our words. */
    public String description() {
        return description;
    }

    /** The members, in wire order. */
    List<Member> members() {
        return members;
    }

    /** The member names, in wire order. */
    public List<String> memberNames() {
        return members.stream().map(Member::name).toList();
    }
}
