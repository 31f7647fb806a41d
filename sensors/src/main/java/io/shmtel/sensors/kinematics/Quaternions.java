package io.shmtel.sensors.kinematics;

/**
 * Unit-quaternion maths on plain {@code double[]} arrays, in x, y, z, w order (Foxglove's and ROS's), without
 * allocating: each method writes into an array the caller keeps, at an offset, so that one array can hold many
 * quaternions (a record's {@code rotation} field holds one per transform). Rotations are active and right-handed:
 * {@code axisAngle} about +z by +90 degrees turns x into y.
 */
public final class Quaternions {
    /** Elements of a quaternion: x, y, z, w. */
    public static final int SIZE = 4;
    /** Index of the scalar part. */
    public static final int W = 3;
    /** Elements of a vector: x, y, z. */
    public static final int VECTOR = 3;

    private Quaternions() {}

    /** Writes the identity (0, 0, 0, 1) at {@code out[at..at+3]}. */
    public static void identity(double[] out, int at) {
        out[at] = 0;
        out[at + 1] = 0;
        out[at + 2] = 0;
        out[at + W] = 1;
    }

    /**
     * Writes the rotation by {@code angleRad} about the unit axis ({@code ux}, {@code uy}, {@code uz}) at
     * {@code out[at..at+3]}: (u sin(angle/2), cos(angle/2)). The axis must have length 1 (the result then has too).
     */
    public static void axisAngle(double ux, double uy, double uz, double angleRad, double[] out, int at) {
        double half = angleRad / 2;
        double s = Math.sin(half);
        out[at] = ux * s;
        out[at + 1] = uy * s;
        out[at + 2] = uz * s;
        out[at + W] = Math.cos(half);
    }

    /**
     * Writes the Hamilton product {@code a * b} (first b, then a, as rotations of a vector) at {@code out[o..o+3]};
     * {@code out} may be either operand's array and place.
     */
    public static void multiply(double[] a, int ai, double[] b, int bi, double[] out, int o) {
        double ax = a[ai];
        double ay = a[ai + 1];
        double az = a[ai + 2];
        double aw = a[ai + W];
        double bx = b[bi];
        double by = b[bi + 1];
        double bz = b[bi + 2];
        double bw = b[bi + W];
        out[o] = aw * bx + ax * bw + ay * bz - az * by;
        out[o + 1] = aw * by - ax * bz + ay * bw + az * bx;
        out[o + 2] = aw * bz + ax * by - ay * bx + az * bw;
        out[o + W] = aw * bw - ax * bx - ay * by - az * bz;
    }

    /**
     * Writes vector {@code v[vi..vi+2]} rotated by the unit quaternion {@code q[qi..qi+3]} at {@code out[o..o+2]}
     * ({@code out} may be {@code v}'s array and place).
     */
    public static void rotate(double[] q, int qi, double[] v, int vi, double[] out, int o) {
        double qx = q[qi];
        double qy = q[qi + 1];
        double qz = q[qi + 2];
        double qw = q[qi + W];
        double vx = v[vi];
        double vy = v[vi + 1];
        double vz = v[vi + 2];
        // v' = v + 2w (q x v) + 2 q x (q x v)
        double tx = 2 * (qy * vz - qz * vy);
        double ty = 2 * (qz * vx - qx * vz);
        double tz = 2 * (qx * vy - qy * vx);
        out[o] = vx + qw * tx + (qy * tz - qz * ty);
        out[o + 1] = vy + qw * ty + (qz * tx - qx * tz);
        out[o + 2] = vz + qw * tz + (qx * ty - qy * tx);
    }

    /** Scales {@code q[at..at+3]} back to length 1 (against rounding drift); a zero quaternion becomes the identity. */
    public static void normalize(double[] q, int at) {
        double n = Math.sqrt(q[at] * q[at] + q[at + 1] * q[at + 1] + q[at + 2] * q[at + 2] + q[at + W] * q[at + W]);
        if (n == 0) {
            identity(q, at);
            return;
        }
        q[at] /= n;
        q[at + 1] /= n;
        q[at + 2] /= n;
        q[at + W] /= n;
    }
}
