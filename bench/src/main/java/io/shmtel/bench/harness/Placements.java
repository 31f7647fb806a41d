package io.shmtel.bench.harness;

import io.shmtel.core.nativeio.SchedCalls;
import io.shmtel.core.placement.CpuList;
import io.shmtel.core.placement.PlacementException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * Which placements a run's scenarios go through ({@code --placement}, {@code --cpus}, {@code --fifo}) and the
 * CPUs they use: by default one CPU per physical core among those the harness may use (its own affinity),
 * highest first (CPU 0 takes most of the housekeeping interrupts), each process on a core of its own as
 * {@code taskset} would put it. A scenario with more processes than those CPUs runs unplaced only and its placed
 * row says why.
 */
final class Placements {
    /** {@code --placement}'s values. */
    enum Mode {
        /** Every placeable scenario unplaced, then placed (the default). */
        BOTH,
        /** Placed only (unplaced where the machine has too few CPUs). */
        PLACED,
        /** Unplaced only, as before issue 25. */
        UNPLACED;

        static Mode parse(String text) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(text)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("--placement must be both, placed or unplaced, not " + text);
        }
    }

    private static final Path CPU_DIR = Path.of("/sys/devices/system/cpu");

    private final Mode mode;
    /** The CPUs placed processes go on, in launch order. */
    private final List<Integer> cpus;
    /** Whether {@link #cpus} came from {@code --cpus} (not checked here: the children say what they were refused). */
    private final boolean given;
    private final int fifoPriority;
    /** Whether two of {@link #cpus} are hyperthread siblings of one core (fewer cores than CPUs asked). */
    private final boolean siblings;

    Placements(Mode mode, List<Integer> given, int fifoPriority) {
        this.mode = mode;
        this.fifoPriority = fifoPriority;
        this.given = given != null && !given.isEmpty();
        if (this.given) {
            this.cpus = List.copyOf(given);
            this.siblings = false;
        } else {
            List<Integer> ordered = new ArrayList<>();
            List<Integer> sharing = new ArrayList<>();
            BitSet taken = new BitSet();
            BitSet usable = usableCpus();
            for (int cpu = usable.length() - 1; cpu >= 0; cpu--) {
                if (!usable.get(cpu)) {
                    continue;
                }
                BitSet core = coreOf(cpu);
                if (core.intersects(taken)) {
                    sharing.add(cpu);
                } else {
                    ordered.add(cpu);
                }
                taken.set(cpu);
            }
            this.siblings = !sharing.isEmpty();
            ordered.addAll(sharing);
            this.cpus = List.copyOf(ordered);
        }
    }

    /** The CPUs this process may run on (its affinity: taskset, cgroup cpuset). */
    static BitSet usableCpus() {
        try {
            BitSet mine = SchedCalls.affinity();
            if (!mine.isEmpty()) {
                return mine;
            }
        } catch (RuntimeException | LinkageError e) {
            // No JNA or not Linux: count CPUs instead.
        }
        BitSet all = new BitSet();
        all.set(0, Runtime.getRuntime().availableProcessors());
        return all;
    }

    private static BitSet coreOf(int cpu) {
        try {
            return CpuList.parse(Files.readString(CPU_DIR.resolve("cpu" + cpu).resolve("topology")
                    .resolve("thread_siblings_list")));
        } catch (IOException | PlacementException e) {
            BitSet self = new BitSet();
            self.set(cpu);
            return self;
        }
    }

    /**
     * The runs of a scenario with {@code processes} processes to place, in the order they go and print:
     * unplaced, then placed (or a skipped placed run saying why), as {@code --placement} asks.
     */
    List<Placement> forProcesses(int processes) {
        List<Placement> runs = new ArrayList<>();
        if (mode != Mode.PLACED) {
            runs.add(Placement.UNPLACED);
        }
        if (mode != Mode.UNPLACED) {
            Placement placed = placed(processes);
            if (placed.placed() || mode == Mode.BOTH) {
                runs.add(placed);
            } else {
                runs.add(Placement.UNPLACED);
            }
        }
        return runs;
    }

    /** One run for {@code processes}: placed when the CPUs allow and {@code --placement} is not unplaced. */
    Placement best(int processes) {
        if (mode == Mode.UNPLACED) {
            return Placement.UNPLACED;
        }
        Placement placed = placed(processes);
        return placed.placed() ? placed : Placement.UNPLACED;
    }

    private Placement placed(int processes) {
        if (cpus.size() < processes) {
            return Placement.skipped(String.format(Locale.ROOT, "not placed: %d processes need %d CPUs of their"
                    + " own, %s %d (%s)", processes, processes, given ? "--cpus names" : "this machine lets the"
                    + " harness use", cpus.size(), given ? cpus.toString() : CpuList.format(usableCpus())));
        }
        return new Placement(cpus.subList(0, processes), fifoPriority, null);
    }

    /** For the report's header: the CPUs placed runs use and how they were chosen. */
    String describe() {
        if (mode == Mode.UNPLACED) {
            return "unplaced only (--placement unplaced)";
        }
        return "placed runs put each process's measuring thread on its own CPU, in launch order " + cpus
                + (given ? " (--cpus)" : " (one per core, highest first" + (siblings ? "; then hyperthread siblings"
                        : "") + ")") + (fifoPriority > 0 ? ", SCHED_FIFO " + fifoPriority : "");
    }
}
