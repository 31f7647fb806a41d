package io.shmtel.sensors.kinematics;

import io.shmtel.schema.json.JsonProblems;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A serial chain of revolute joints, as the {@code kinematics} driver's parameters declare it: the base's place in
 * the world, then per link the offset of its joint from the parent frame ({@code xyz}, metres, in the parent frame),
 * the joint's axis (in the same frame; any length but zero: it is normalised) and which element of the source's
 * joint angles drives it ({@code joint}, default: the link's own position in the list). Link i's local transform
 * (parent to child) is the translation {@code xyz} followed by the rotation of angle q about {@code axis}, as a URDF
 * revolute joint's origin and axis.
 */
public final class KinematicChain {
    /** Below this magnitude a whole double is written as an integer (2^53: every such integer is exact). */
    private static final double WHOLE_LIMIT = 0x1p53;

    /** The keys a link object takes. */
    public static final List<String> LINK_KEYS = List.of("xyz", "axis", "joint");

    /** One link: its joint's offset (metres), unit axis and joint-angle index; the arrays are copies. */
    public record Link(double[] xyz, double[] axis, int joint) {
        public Link {
            xyz = xyz.clone();
            axis = axis.clone();
        }

        @Override
        public double[] xyz() {
            return xyz.clone();
        }

        @Override
        public double[] axis() {
            return axis.clone();
        }
    }

    private final double[] base;
    private final List<Link> links;

    private KinematicChain(double[] base, List<Link> links) {
        this.base = base;
        this.links = List.copyOf(links);
    }

    /** The chain {@code links} (plain values of the "links" parameter) and {@code base} ("base") declare. */
    public static KinematicChain parse(List<?> links, List<?> base) {
        double[] baseXyz = base.isEmpty() ? new double[Quaternions.VECTOR] : vector(base, "base", "the base's x, y, z"
                + " in the world, metres");
        if (links.isEmpty()) {
            throw new IllegalArgumentException("parameter \"links\" is missing or empty: give one object per joint,"
                    + " base to tip, e.g. [{ \"xyz\": [0, 0, 0.3], \"axis\": [0, 0, 1] }, ...]");
        }
        List<Link> parsed = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) {
            parsed.add(link(links.get(i), i));
        }
        return new KinematicChain(baseXyz, parsed);
    }

    private static Link link(Object item, int i) {
        String where = "links[" + i + "]";
        if (!(item instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + " must be an object with \"xyz\" and \"axis\"; found "
                    + describe(item));
        }
        for (Object key : map.keySet()) {
            if (!LINK_KEYS.contains(key)) {
                throw new IllegalArgumentException(where + " has no key \"" + key + "\""
                        + JsonProblems.didYouMean(key.toString(), LINK_KEYS) + " (keys: "
                        + String.join(", ", LINK_KEYS) + ")");
            }
        }
        double[] xyz = vector(required(map, where, "xyz"), where + ".xyz", "the joint's offset from the parent frame,"
                + " metres");
        double[] axis = vector(required(map, where, "axis"), where + ".axis", "the joint's axis, e.g. [0, 0, 1]");
        // scaled by its largest component first, so that the squares neither overflow (an axis of 1e308s gave a
        // length of infinity and a zero axis, whose quaternion was not a unit one) nor underflow to 0
        double largest = Math.max(Math.abs(axis[0]), Math.max(Math.abs(axis[1]), Math.abs(axis[2])));
        if (largest == 0 || !Double.isFinite(largest)) {
            throw new IllegalArgumentException(where + ".axis is " + asWritten(axis) + ": a joint turns about"
                    + " a direction; give one such as [0, 0, 1]");
        }
        for (int c = 0; c < Quaternions.VECTOR; c++) {
            axis[c] /= largest;
        }
        double length = Math.sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
        for (int c = 0; c < Quaternions.VECTOR; c++) {
            axis[c] /= length;
        }
        int joint = i;
        Object j = map.get("joint");
        if (j != null) {
            if (!(j instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 0
                    || n.doubleValue() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + ".joint must be an integer from 0 (an index into the"
                        + " source's joint angles); found " + describe(j));
            }
            joint = n.intValue();
        }
        return new Link(xyz, axis, joint);
    }

    /** A vector as a file would write it: {@code [0, 0, 1e-320]}, whole numbers without ".0". */
    private static String asWritten(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int c = 0; c < v.length; c++) {
            sb.append(c == 0 ? "" : ", ");
            boolean whole = v[c] == Math.rint(v[c]) && Math.abs(v[c]) < WHOLE_LIMIT;
            sb.append(whole ? Long.toString((long) v[c]) : Double.toString(v[c]));
        }
        return sb.append(']').toString();
    }

    private static Object required(Map<?, ?> map, String where, String key) {
        Object v = map.get(key);
        if (v == null) {
            throw new IllegalArgumentException(where + " lacks \"" + key + "\": every link gives \"xyz\" and"
                    + " \"axis\"");
        }
        return v;
    }

    private static double[] vector(Object v, String where, String meaning) {
        if (v instanceof List<?> l && l.size() == Quaternions.VECTOR && l.stream().allMatch(Number.class::isInstance)) {
            double[] out = new double[Quaternions.VECTOR];
            for (int c = 0; c < Quaternions.VECTOR; c++) {
                out[c] = ((Number) l.get(c)).doubleValue();
            }
            return out;
        }
        throw new IllegalArgumentException(where + " must be 3 numbers (" + meaning + "); found " + describe(v));
    }

    private static String describe(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }

    /** The base's translation in the world (x, y, z, metres): the fixed transform before link 0. */
    public double[] base() {
        return base.clone();
    }

    public List<Link> links() {
        return links;
    }

    /** How many joint angles the chain reads: one more than the highest {@code joint} index. */
    public int jointsRead() {
        return links.stream().mapToInt(Link::joint).max().orElse(-1) + 1;
    }
}
