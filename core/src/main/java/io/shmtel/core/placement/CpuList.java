package io.shmtel.core.placement;

import io.shmtel.core.nativeio.SchedCalls;
import java.util.BitSet;

/**
 * CPU lists in the format Linux uses in /sys and /proc ({@code Cpus_allowed_list}, {@code isolated}):
 * comma-separated CPU numbers and inclusive ranges, such as {@code "2"}, {@code "0-3"} or {@code "2-3,6"}.
 */
public final class CpuList {
    private CpuList() {}

    /**
     * The CPUs {@code text} names; each below {@link SchedCalls#CPU_SETSIZE}. An empty text names none.
     *
     * @throws PlacementException naming the text and the part that does not parse
     */
    public static BitSet parse(String text) {
        BitSet cpus = new BitSet();
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return cpus;
        }
        for (String part : trimmed.split(",", -1)) {
            String item = part.strip();
            int dash = item.indexOf('-');
            int first = number(text, dash < 0 ? item : item.substring(0, dash));
            int last = dash < 0 ? first : number(text, item.substring(dash + 1));
            if (last < first) {
                throw new PlacementException("CPU list \"" + text + "\": range \"" + item
                        + "\" runs backwards (write it as " + last + "-" + first + ")");
            }
            cpus.set(first, last + 1);
        }
        return cpus;
    }

    private static int number(String text, String digits) {
        String d = digits.strip();
        if (d.isEmpty() || !d.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new PlacementException("CPU list \"" + text + "\": \"" + d + "\" is not a CPU number (expected a"
                    + " list such as 2 or 2-3,6)");
        }
        if (d.length() > String.valueOf(SchedCalls.CPU_SETSIZE).length()
                || Integer.parseInt(d) >= SchedCalls.CPU_SETSIZE) {
            throw new PlacementException("CPU list \"" + text + "\": CPU " + d + " is beyond the highest CPU number"
                    + " a thread can be placed on (" + (SchedCalls.CPU_SETSIZE - 1) + ")");
        }
        return Integer.parseInt(d);
    }

    /** {@code cpus} in the Linux format, ranges joined: {2, 3, 6} gives "2-3,6"; none gives "". */
    public static String format(BitSet cpus) {
        StringBuilder out = new StringBuilder();
        for (int first = cpus.nextSetBit(0); first >= 0; first = cpus.nextSetBit(cpus.nextClearBit(first))) {
            int last = cpus.nextClearBit(first) - 1;
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(first);
            if (last > first) {
                out.append('-').append(last);
            }
        }
        return out.toString();
    }
}
