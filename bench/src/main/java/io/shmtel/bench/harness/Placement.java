package io.shmtel.bench.harness;

import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.placement.ThreadPlacement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where the processes of one harness run go. Unplaced: the scheduler decides, as for any program. Placed: the
 * measuring thread of the n-th process launched runs on CPU {@code cpus[n]} (through {@link ThreadPlacement}, in
 * the child; the C floor calls {@code sched_setaffinity} itself), optionally with {@code SCHED_FIFO} at
 * {@code fifoPriority}. A placement a child is refused is not an error: the child runs unplaced and says why,
 * and the row says "refused" with the reason ({@link #applyInChild}).
 *
 * @param cpus the CPU of each process in launch order; empty: unplaced
 * @param fifoPriority SCHED_FIFO priority of the placed threads, 0 for none
 * @param skipped why this placement is not run (the machine has too few CPUs), else null
 */
record Placement(List<Integer> cpus, int fifoPriority, String skipped) {
    /** The system property a child reads its CPU from, and its SCHED_FIFO priority. */
    static final String CPU_PROPERTY = "shmtel.bench.cpu";
    static final String FIFO_PROPERTY = "shmtel.bench.fifo";
    /** The line a placed child prints before DONE: {@code PLACEMENT ok ...} or {@code PLACEMENT refused ...}. */
    static final String LINE = "PLACEMENT";
    static final String OK = "ok";
    static final String REFUSED = "refused";
    /** What the table's placement column says. */
    static final String PLACED_WORD = "placed";
    static final String UNPLACED_WORD = "unplaced";
    static final String REFUSED_WORD = "refused";

    static final Placement UNPLACED = new Placement(List.of(), 0, null);

    /** The outcome of {@link #applyInChild}, printed by {@link #reportInChild} (null: nothing was asked). */
    private static String childOutcome;

    Placement {
        cpus = List.copyOf(cpus);
    }

    static Placement skipped(String why) {
        return new Placement(List.of(), 0, why);
    }

    boolean placed() {
        return !cpus.isEmpty();
    }

    /** The table's word for this placement: placed or unplaced. */
    String word() {
        return placed() ? PLACED_WORD : UNPLACED_WORD;
    }

    /** What row ids get for this placement: "" unplaced (the ids earlier runs used), "-placed" placed. */
    String idSuffix() {
        return placed() || skipped != null ? Results.PLACED_SUFFIX : "";
    }

    /** The CPU of the {@code index}-th process launched, or -1 (unplaced, or more processes than CPUs). */
    int cpuOf(int index) {
        return index < cpus.size() ? cpus.get(index) : -1;
    }

    /** "CPUs 1,0" with " SCHED_FIFO 10" when asked; "unplaced" when not placed. */
    String describe() {
        if (!placed()) {
            return UNPLACED_WORD;
        }
        return "CPUs " + cpus.stream().map(String::valueOf).collect(Collectors.joining(","))
                + (fifoPriority > 0 ? " SCHED_FIFO " + fifoPriority : "");
    }

    /** The JVM options that tell the {@code index}-th child its placement (none when unplaced). */
    List<String> jvmOptions(int index) {
        int cpu = cpuOf(index);
        if (cpu < 0) {
            return List.of();
        }
        return fifoPriority > 0 ? List.of("-D" + CPU_PROPERTY + "=" + cpu, "-D" + FIFO_PROPERTY + "=" + fifoPriority)
                : List.of("-D" + CPU_PROPERTY + "=" + cpu);
    }

    // ---- in the child ----

    /**
     * In a child: places the calling (measuring) thread as the harness asked through {@link #CPU_PROPERTY} and
     * {@link #FIFO_PROPERTY}, if it asked. Never fails: a refused SCHED_FIFO leaves the thread on its CPU, a
     * refused CPU leaves it unplaced; either way the reason goes to stderr and into the outcome line.
     *
     * @return the outcome ({@code "ok CPU 1"}, {@code "refused CPU 5: ..."}), or null when nothing was asked
     */
    static String applyInChild() {
        String cpu = System.getProperty(CPU_PROPERTY);
        if (cpu == null) {
            return null;
        }
        int fifo = Integer.getInteger(FIFO_PROPERTY, 0);
        String outcome;
        try {
            ThreadPlacement.onCpus(cpu).apply();
            outcome = OK + " CPU " + cpu;
        } catch (PlacementException e) {
            outcome = REFUSED + " CPU " + cpu + ": " + e.getMessage();
            return childOutcome(outcome);
        }
        if (fifo > 0) {
            try {
                ThreadPlacement.onCpus(cpu).fifo(fifo).apply();
                outcome += " SCHED_FIFO " + fifo;
            } catch (PlacementException e) {
                outcome += "; SCHED_FIFO " + fifo + " refused: " + e.getMessage() + " (ran SCHED_OTHER)";
            }
        }
        return childOutcome(outcome);
    }

    private static String childOutcome(String outcome) {
        childOutcome = outcome;
        System.err.println("shmtel bench child: placement " + outcome);
        return outcome;
    }

    /** In a child, before DONE: the {@link #LINE} line with the outcome, when a placement was asked. */
    static void reportInChild() {
        if (childOutcome != null) {
            System.out.println(LINE + " " + childOutcome);
            System.out.flush();
        }
    }

    /** Whether a child's outcome line says its placement was refused (it ran unplaced). */
    static boolean refused(String outcome) {
        return outcome != null && outcome.startsWith(REFUSED);
    }
}
