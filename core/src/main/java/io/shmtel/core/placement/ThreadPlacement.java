package io.shmtel.core.placement;

import io.shmtel.core.nativeio.Errno;
import io.shmtel.core.nativeio.MemoryCalls;
import io.shmtel.core.nativeio.SchedCalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;

/**
 * Where and how a thread runs: the CPUs it may run on, its scheduling policy with a real-time priority
 * ({@code SCHED_FIFO}, {@code SCHED_RR}) or a nice value ({@code SCHED_OTHER}), and whether the process's memory
 * is locked in RAM ({@code mlockall}). {@link #apply()} places the calling thread; a setting the system refuses
 * is a {@link PlacementException} naming the setting, the limit and the fix, never ignored.
 *
 * <pre>{@code
 * // in the thread to place, before its loop:
 * ThreadPlacement.onCpus("2-3").fifo(80).lockingMemory().apply();
 * // or a normal thread on CPU 6 with a lower nice value:
 * ThreadPlacement.onCpus("6").normal(-5).apply();
 * }</pre>
 *
 * <p>Real-time priorities need {@code CAP_SYS_NICE} or an {@code RLIMIT_RTPRIO} at least as high ({@code ulimit
 * -r}); a nice value below 0 needs {@code CAP_SYS_NICE} or {@code RLIMIT_NICE} ({@code ulimit -e}); locking memory
 * needs {@code CAP_IPC_LOCK} or an {@code RLIMIT_MEMLOCK} above the process's size ({@code ulimit -l}).
 * {@code shmtel doctor} reports these limits, isolated CPUs and real-time throttling.
 *
 * @param cpus the CPUs the thread may run on, ascending and distinct; empty leaves its affinity as it is
 * @param policy the scheduling policy; null leaves policy, priority and nice value as they are
 * @param priority the real-time priority, 1..99, for {@link Policy#FIFO} and {@link Policy#RR}; 0 otherwise
 * @param nice the nice value, -20..19, for {@link Policy#OTHER}; 0 otherwise
 * @param lockMemory whether to lock every page of the process in RAM, now and future
 */
public record ThreadPlacement(List<Integer> cpus, Policy policy, int priority, int nice, boolean lockMemory) {
    /** The lowest and highest real-time priorities of SCHED_FIFO and SCHED_RR on Linux. */
    public static final int MIN_PRIORITY = 1;
    public static final int MAX_PRIORITY = 99;
    /** The lowest and highest nice values. */
    public static final int MIN_NICE = -20;
    public static final int MAX_NICE = 19;
    /** The nice value {@code RLIMIT_NICE} counts from: a soft limit of n allows nice values down to 20 - n. */
    private static final int NICE_LIMIT_BASE = 20;
    private static final Path PRESENT_CPUS = Path.of("/sys/devices/system/cpu/present");

    /** A scheduling policy and the name the kernel gives it. */
    public enum Policy {
        /** The normal time-sharing policy, with a nice value. */
        OTHER("SCHED_OTHER", SchedCalls.SCHED_OTHER),
        /** Real-time, first in first out: runs until it blocks or a higher priority thread wakes. */
        FIFO("SCHED_FIFO", SchedCalls.SCHED_FIFO),
        /** Real-time round robin: as FIFO, taking turns with threads of the same priority. */
        RR("SCHED_RR", SchedCalls.SCHED_RR);

        private final String kernelName;
        private final int number;

        Policy(String kernelName, int number) {
            this.kernelName = kernelName;
            this.number = number;
        }

        /** The kernel's name for it: "SCHED_FIFO". */
        public String kernelName() {
            return kernelName;
        }

        /** The kernel's number for it (sched_setscheduler). */
        public int number() {
            return number;
        }

        boolean realTime() {
            return this != OTHER;
        }
    }

    /** Checks each value's range; the message names the value and the range. */
    public ThreadPlacement {
        for (int cpu : cpus) {
            if (cpu < 0 || cpu >= SchedCalls.CPU_SETSIZE) {
                throw new PlacementException("CPU " + cpu + " is out of range: CPU numbers run 0.."
                        + (SchedCalls.CPU_SETSIZE - 1));
            }
        }
        cpus = cpus.stream().sorted().distinct().toList();
        if (policy == null || !policy.realTime()) {
            if (priority != 0) {
                throw new PlacementException("priority " + priority + " needs a real-time policy (SCHED_FIFO or"
                        + " SCHED_RR); " + (policy == null ? "no policy" : policy.kernelName()) + " takes priority 0");
            }
        } else if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new PlacementException(policy.kernelName() + " priority " + priority + " is out of range: real-time"
                    + " priorities run " + MIN_PRIORITY + ".." + MAX_PRIORITY);
        }
        if (policy != Policy.OTHER && nice != 0) {
            throw new PlacementException("nice value " + nice + " needs SCHED_OTHER; "
                    + (policy == null ? "no policy" : policy.kernelName()) + " takes nice 0");
        }
        if (nice < MIN_NICE || nice > MAX_NICE) {
            throw new PlacementException("nice value " + nice + " is out of range: nice values run " + MIN_NICE
                    + ".." + MAX_NICE);
        }
    }

    /** A placement that changes nothing. */
    public static ThreadPlacement none() {
        return new ThreadPlacement(List.of(), null, 0, 0, false);
    }

    /** A placement on the CPUs of a Linux CPU list ("2", "2-3,6"), nothing else changed. */
    public static ThreadPlacement onCpus(String cpuList) {
        BitSet cpus = CpuList.parse(cpuList);
        if (cpus.isEmpty()) {
            throw new PlacementException("CPU list \"" + cpuList + "\" names no CPU (expected a list such as 2 or"
                    + " 2-3,6)");
        }
        return new ThreadPlacement(cpus.stream().boxed().toList(), null, 0, 0, false);
    }

    /** This placement with SCHED_FIFO at {@code realTimePriority} (1..99). */
    public ThreadPlacement fifo(int realTimePriority) {
        return new ThreadPlacement(cpus, Policy.FIFO, realTimePriority, 0, lockMemory);
    }

    /** This placement with SCHED_RR at {@code realTimePriority} (1..99). */
    public ThreadPlacement roundRobin(int realTimePriority) {
        return new ThreadPlacement(cpus, Policy.RR, realTimePriority, 0, lockMemory);
    }

    /** This placement with SCHED_OTHER at nice value {@code niceValue} (-20..19). */
    public ThreadPlacement normal(int niceValue) {
        return new ThreadPlacement(cpus, Policy.OTHER, 0, niceValue, lockMemory);
    }

    /** This placement, also locking the process's memory in RAM. */
    public ThreadPlacement lockingMemory() {
        return new ThreadPlacement(cpus, policy, priority, nice, true);
    }

    /** The CPUs as a set. */
    public BitSet cpuSet() {
        BitSet set = new BitSet();
        cpus.forEach(set::set);
        return set;
    }

    /**
     * Places the calling thread: its CPUs, then the process's memory lock, then its policy with priority or nice
     * value. A refused setting throws at once; those before it stay applied.
     *
     * @throws PlacementException naming the refused setting, the limit and the fix
     */
    public void apply() {
        if (!cpus.isEmpty()) {
            applyAffinity(cpuSet());
        }
        if (lockMemory) {
            int errno = SchedCalls.lockAllMemory();
            if (errno != 0) {
                throw memoryLockRefused(errno, MemoryCalls.memlockLimit()[0], MemoryCalls.canLockBeyondLimit());
            }
        }
        if (policy != null) {
            applyScheduling();
        }
    }

    private static void applyAffinity(BitSet asked) {
        BitSet present = presentCpus();
        if (present != null) {
            BitSet missing = (BitSet) asked.clone();
            missing.andNot(present);
            if (!missing.isEmpty()) {
                throw new PlacementException("CPU " + CpuList.format(missing) + " does not exist: this machine has"
                        + " CPUs " + CpuList.format(present) + " (" + PRESENT_CPUS + "; fix: choose CPUs from "
                        + CpuList.format(present) + ")");
            }
        }
        BitSet previous = SchedCalls.affinity();
        // Asking for every CPU gets exactly those the kernel lets this thread use (its cpuset, online CPUs):
        // it would silently drop the others from a narrower request.
        BitSet every = new BitSet();
        every.set(0, SchedCalls.CPU_SETSIZE);
        BitSet allowed = SchedCalls.setAffinity(every) == 0 ? SchedCalls.affinity() : null;
        if (allowed != null && !containsAll(allowed, asked)) {
            SchedCalls.setAffinity(previous);
            checkAllowed(asked, allowed);
        }
        int errno = SchedCalls.setAffinity(asked);
        BitSet granted = errno == 0 ? SchedCalls.affinity() : null;
        if (granted == null || !granted.equals(asked)) {
            SchedCalls.setAffinity(previous);
            String allowedText = allowed == null ? "" : "; this process may use CPUs " + CpuList.format(allowed);
            throw new PlacementException("CPUs " + CpuList.format(asked) + " refused: "
                    + (granted == null ? SchedCalls.describe(errno) : "the kernel granted CPUs "
                    + CpuList.format(granted) + " only") + allowedText);
        }
    }

    private static boolean containsAll(BitSet set, BitSet subset) {
        BitSet outside = (BitSet) subset.clone();
        outside.andNot(set);
        return outside.isEmpty();
    }

    /** Refuses CPUs outside {@code allowed}, naming them, the CPUs asked and the allowed set. */
    static void checkAllowed(BitSet asked, BitSet allowed) {
        if (!containsAll(allowed, asked)) {
            BitSet outside = (BitSet) asked.clone();
            outside.andNot(allowed);
            String allowedText = CpuList.format(allowed);
            throw new PlacementException("CPUs " + CpuList.format(asked) + " refused: CPU " + CpuList.format(outside)
                    + " is not among the CPUs this process may use (" + allowedText + ": its cpuset and the online"
                    + " CPUs) (fix: choose CPUs from " + allowedText + ", or widen the cpuset: cgroup cpuset.cpus,"
                    + " docker --cpuset-cpus)");
        }
    }

    /** The CPUs this machine has, or null when /sys does not say. */
    private static BitSet presentCpus() {
        try {
            return CpuList.parse(Files.readString(PRESENT_CPUS));
        } catch (IOException | PlacementException e) {
            return null;
        }
    }

    private void applyScheduling() {
        int errno = SchedCalls.setScheduler(policy.number(), priority);
        if (errno != 0) {
            throw schedulingRefused(policy, priority, errno, SchedCalls.hasCapSysNice(),
                    SchedCalls.rtprioLimit()[0]);
        }
        if (policy == Policy.OTHER) {
            errno = SchedCalls.setNice(nice);
            if (errno != 0) {
                throw niceRefused(nice, errno, SchedCalls.hasCapSysNice(), SchedCalls.niceLimit()[0]);
            }
        }
    }

    /** The refusal of a policy and priority: for EPERM the limit that refused it and the fix. */
    static PlacementException schedulingRefused(Policy policy, int priority, int errno, boolean capSysNice,
            long rtprioLimit) {
        String setting = policy.kernelName() + (policy.realTime() ? " priority " + priority : "") + " refused: ";
        if (errno != Errno.EPERM) {
            return new PlacementException(setting + SchedCalls.describe(errno));
        }
        if (capSysNice) {
            return new PlacementException(setting + "the kernel refused it although this thread has CAP_SYS_NICE"
                    + " (fix: real-time group scheduling may give this cgroup no run time; raise its"
                    + " cpu.rt_runtime_us, or run it in the root cgroup)");
        }
        String limit = rtprioLimit == SchedCalls.UNLIMITED ? "unlimited" : Long.toString(rtprioLimit);
        return new PlacementException(setting + "this process lacks CAP_SYS_NICE and RLIMIT_RTPRIO is " + limit
                + " (fix: ulimit -r " + priority + ", or rtprio in /etc/security/limits.conf, or run with"
                + " CAP_SYS_NICE)");
    }

    /** The refusal of a nice value: for EPERM or EACCES the RLIMIT_NICE that refused it and the fix. */
    static PlacementException niceRefused(int nice, int errno, boolean capSysNice, long niceLimit) {
        String setting = "nice value " + nice + " refused: ";
        if ((errno != Errno.EPERM && errno != Errno.EACCES) || capSysNice) {
            return new PlacementException(setting + SchedCalls.describe(errno));
        }
        String limit = niceLimit == SchedCalls.UNLIMITED ? "unlimited"
                : niceLimit + " (it allows nice values down to " + (NICE_LIMIT_BASE - niceLimit) + ")";
        return new PlacementException(setting + "this process lacks CAP_SYS_NICE and RLIMIT_NICE is " + limit
                + " (fix: ulimit -e " + (NICE_LIMIT_BASE - nice) + ", or nice in /etc/security/limits.conf, or run"
                + " with CAP_SYS_NICE)");
    }

    /** The refusal of mlockall: for ENOMEM or EPERM the RLIMIT_MEMLOCK that refused it and the fix. */
    static PlacementException memoryLockRefused(int errno, long memlockLimit, boolean capIpcLock) {
        String setting = "locking the process's memory (mlockall) refused: ";
        if ((errno != Errno.ENOMEM && errno != Errno.EPERM) || capIpcLock) {
            return new PlacementException(setting + SchedCalls.describe(errno));
        }
        return new PlacementException(setting + "this process lacks CAP_IPC_LOCK and its memory exceeds"
                + " RLIMIT_MEMLOCK of " + MemoryCalls.bytes(memlockLimit) + " (fix: ulimit -l unlimited, or memlock in"
                + " /etc/security/limits.conf, or LimitMEMLOCK=infinity in a systemd unit, or run with CAP_IPC_LOCK)");
    }
}
