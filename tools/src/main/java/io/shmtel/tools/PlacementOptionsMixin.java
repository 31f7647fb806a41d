package io.shmtel.tools;

import io.shmtel.core.nativeio.SchedCalls;
import io.shmtel.core.placement.CpuList;
import io.shmtel.core.placement.ThreadPlacement;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --cpu}, {@code --fifo}, {@code --rr}, {@code --nice}, {@code --lock-memory}: where and how the thread that
 * reads or publishes runs (the commands with a loop: pub, echo, stat, record, bridge). Values are checked when the
 * command line is read (exit 2); the command calls {@link #apply} on that thread before its loop, and a setting the
 * system refuses ends it with exit 17 naming the limit and the fix ({@link ThreadPlacement#apply()}).
 */
final class PlacementOptionsMixin {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--cpu", paramLabel = "LIST", converter = OptionValues.Cpus.class, description = "Run the"
            + " thread of the command's loop (reading, publishing or bridging) on these CPUs only: a Linux CPU list"
            + " such as 2 or 2-3,6 (shmtel doctor lists isolated CPUs).")
    BitSet cpus;

    @Option(names = "--fifo", paramLabel = "PRIORITY", converter = OptionValues.RealTimePriority.class,
            description = "Run the thread of the command's loop under SCHED_FIFO at this real-time priority, 1 to 99"
                    + " (needs CAP_SYS_NICE or ulimit -r; shmtel doctor reports the limit).")
    Integer fifo;

    @Option(names = "--rr", paramLabel = "PRIORITY", converter = OptionValues.RealTimePriority.class,
            description = "Run the thread of the command's loop under SCHED_RR at this real-time priority, 1 to 99:"
                    + " as --fifo, taking turns with threads of the same priority.")
    Integer rr;

    @Option(names = "--nice", paramLabel = "N", converter = OptionValues.Nice.class, description = "Run the"
            + " thread of the command's loop at nice value N, -20 to 19 (below 0 needs CAP_SYS_NICE or ulimit -e).")
    Integer nice;

    @Option(names = "--lock-memory", description = "Lock all of the process's memory in RAM (mlockall), now and"
            + " future (needs CAP_IPC_LOCK or ulimit -l unlimited).")
    boolean lockMemory;

    /**
     * The placement asked for, {@link ThreadPlacement#none()} when no option was given. Two policies at once
     * ({@code --fifo} with {@code --rr} or {@code --nice}) are a usage error.
     */
    ThreadPlacement placement() {
        List<String> policies = new ArrayList<>();
        if (fifo != null) {
            policies.add("--fifo " + fifo);
        }
        if (rr != null) {
            policies.add("--rr " + rr);
        }
        if (nice != null) {
            policies.add("--nice " + nice);
        }
        if (policies.size() > 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join(" and ", policies)
                    + " exclude each other: a thread has one scheduling policy (--fifo or --rr with a real-time"
                    + " priority, or --nice under the normal policy); give one");
        }
        ThreadPlacement placement = cpus == null ? ThreadPlacement.none()
                : ThreadPlacement.onCpus(CpuList.format(cpus));
        if (fifo != null) {
            placement = placement.fifo(fifo);
        } else if (rr != null) {
            placement = placement.roundRobin(rr);
        } else if (nice != null) {
            placement = placement.normal(nice);
        }
        return lockMemory ? placement.lockingMemory() : placement;
    }

    /**
     * Places the calling thread as asked, and when anything was asked says so on {@code err} in one line naming the
     * thread: {@code "echo demo/arm: thread 4711 placed: CPUs 2, SCHED_FIFO priority 80"}. Nothing asked: nothing
     * done, nothing said. A refused setting throws the PlacementException of {@link ThreadPlacement#apply()}
     * (exit 17), which names the setting, the limit and the fix.
     */
    void apply(String who, PrintWriter err) {
        ThreadPlacement placement = placement();
        if (placement.equals(ThreadPlacement.none())) {
            return;
        }
        placement.apply();
        confirm(who, "thread " + SchedCalls.gettid(), err);
    }

    /**
     * Says on {@code err} that {@code thread} ("thread 4711", or "the bridge thread": a thread the command started,
     * which placed itself with {@link #placement()}) runs as asked; nothing when nothing was asked.
     */
    void confirm(String who, String thread, PrintWriter err) {
        ThreadPlacement placement = placement();
        if (!placement.equals(ThreadPlacement.none())) {
            err.println(who + ": " + thread + " placed: " + describe(placement));
            err.flush();
        }
    }

    /** The settings of {@code placement} in words: "CPUs 2-3, SCHED_FIFO priority 80, memory locked". */
    static String describe(ThreadPlacement placement) {
        List<String> parts = new ArrayList<>();
        if (!placement.cpus().isEmpty()) {
            parts.add("CPUs " + CpuList.format(placement.cpuSet()));
        }
        if (placement.policy() == ThreadPlacement.Policy.OTHER) {
            parts.add(placement.policy().kernelName() + " nice " + placement.nice());
        } else if (placement.policy() != null) {
            parts.add(placement.policy().kernelName() + " priority " + placement.priority());
        }
        if (placement.lockMemory()) {
            parts.add("memory locked");
        }
        return String.join(", ", parts);
    }
}
