package io.shmtel.schema.wellknown;

/**
 * What a field of a well-known message holds, and so how a schema's mapping gives its value (docs/schema.md,
 * "Well-known messages"): a constant or a record field, one number or a whole array, a 3- or 4-vector, or a
 * composite of those.
 */
public enum SlotKind {
    /** A text (a frame id): a constant, or a {@code string} field. */
    TEXT,
    /** One number: a constant, a numeric scalar field, or one element of a numeric array field. */
    NUMBER,
    /** x, y, z: three numbers, from a 3-element array, three elements of a longer one, or three items. */
    VECTOR3,
    /** x, y, z, w: four numbers, as {@link #VECTOR3}; the identity when omitted. */
    QUATERNION,
    /** A position ({@link #VECTOR3}) and an orientation ({@link #QUATERNION}); the identity when omitted. */
    POSE,
    /** A sequence of numbers: every element of a numeric array field. */
    NUMBERS,
    /** A sequence of text constants (joint names). */
    TEXTS,
    /** A non-empty list of {@code foxglove.FrameTransform} mappings. */
    TRANSFORMS;

    /** How many numbers a vector kind holds; 0 for the others. */
    public int vectorSize() {
        return switch (this) {
            case VECTOR3 -> 3;
            case QUATERNION -> 4;
            default -> 0;
        };
    }
}
