package io.shmtel.core.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shmtel.core.nativeio.Errno;
import io.shmtel.core.nativeio.SchedCalls;
import io.shmtel.core.nativeio.ThreadCapabilities;
import io.shmtel.core.placement.ThreadPlacement.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ThreadPlacement} checks its values, places the calling thread with real system calls (read back with
 * sched_getaffinity, sched_getscheduler, getpriority) and refuses with the limit and the fix. Scheduling changes
 * run on fresh threads that end at once: the test JVM's own threads never turn real-time.
 */
class ThreadPlacementTest {
    private static final long JOIN_MILLIS = 5_000;

    /** Runs {@code body} on a fresh thread and hands back its result (or rethrows what it threw). */
    private static <T> T onFreshThread(Callable<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                result.set(body.call());
            } catch (Exception e) {
                failure.set(e);
            }
        }, "placement-test");
        thread.start();
        thread.join(JOIN_MILLIS);
        assertThat(thread.isAlive()).as("placement thread ended").isFalse();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    @Test
    void pinsTheCallingThreadToOneAllowedCpuAndRestores() {
        BitSet previous = SchedCalls.affinity();
        int cpu = previous.length() - 1;
        try {
            ThreadPlacement.onCpus(Integer.toString(cpu)).apply();
            BitSet only = new BitSet();
            only.set(cpu);
            assertThat(SchedCalls.affinity()).isEqualTo(only);
        } finally {
            assertThat(SchedCalls.setAffinity(previous)).isZero();
        }
        assertThat(SchedCalls.affinity()).isEqualTo(previous);
    }

    @Test
    void aCpuTheMachineLacksIsRefusedBeforeAnyCall() throws IOException {
        BitSet present = CpuList.parse(Files.readString(Path.of("/sys/devices/system/cpu/present")));
        int missing = present.length();
        assumeTrue(missing < SchedCalls.CPU_SETSIZE, "every CPU number exists");
        BitSet before = SchedCalls.affinity();
        String machine = CpuList.format(present);
        assertThatThrownBy(() -> ThreadPlacement.onCpus("0," + missing).apply())
                .isInstanceOf(PlacementException.class)
                .hasMessage("CPU " + missing + " does not exist: this machine has CPUs " + machine
                        + " (/sys/devices/system/cpu/present; fix: choose CPUs from " + machine + ")");
        assertThat(SchedCalls.affinity()).isEqualTo(before);
    }

    /** The allowed set here is every CPU of the machine, so a CPU outside it is planted. */
    @Test
    void aCpuOutsideTheAllowedSetIsRefusedWithBothSets() {
        assertThatThrownBy(() -> ThreadPlacement.checkAllowed(CpuList.parse("1,5-6"), CpuList.parse("0-3")))
                .isInstanceOf(PlacementException.class)
                .hasMessage("CPUs 1,5-6 refused: CPU 5-6 is not among the CPUs this process may use (0-3: its cpuset"
                        + " and the online CPUs) (fix: choose CPUs from 0-3, or widen the cpuset: cgroup cpuset.cpus,"
                        + " docker --cpuset-cpus)");
        ThreadPlacement.checkAllowed(CpuList.parse("1-2"), CpuList.parse("0-3"));
    }

    @ParameterizedTest
    @EnumSource(value = Policy.class, names = {"FIFO", "RR"})
    void aRealTimePolicyIsAppliedOnAFreshThreadWhenPermitted(Policy policy) throws Exception {
        assumeTrue(SchedCalls.hasCapSysNice() || SchedCalls.rtprioLimit()[0] >= 1, "real-time priorities refused");
        ThreadPlacement placement = policy == Policy.FIFO ? ThreadPlacement.none().fifo(1)
                : ThreadPlacement.none().roundRobin(1);
        int[] readBack = onFreshThread(() -> {
            placement.apply();
            return new int[] {SchedCalls.scheduler(), SchedCalls.priority()};
        });
        assertThat(readBack).containsExactly(policy.number(), 1);
        assertThat(SchedCalls.scheduler()).isEqualTo(SchedCalls.SCHED_OTHER);
    }

    /** A real EPERM: the fresh thread drops CAP_SYS_NICE from its effective set (capabilities are per thread). */
    @Test
    void fifoWithoutTheRightIsRefusedNamingTheLimitAndTheFix() throws Exception {
        assumeTrue(SchedCalls.rtprioLimit()[0] == 0, "RLIMIT_RTPRIO is not 0 here");
        String message = onFreshThread(() -> {
            assertThat(ThreadCapabilities.dropEffective(ThreadCapabilities.CAP_SYS_NICE)).isZero();
            try {
                ThreadPlacement.none().fifo(80).apply();
                return "applied";
            } catch (PlacementException e) {
                assertThat(SchedCalls.scheduler()).isEqualTo(SchedCalls.SCHED_OTHER);
                return e.getMessage();
            }
        });
        assertThat(message).isEqualTo("SCHED_FIFO priority 80 refused: this process lacks CAP_SYS_NICE and"
                + " RLIMIT_RTPRIO is 0 (fix: ulimit -r 80, or rtprio in /etc/security/limits.conf, or run with"
                + " CAP_SYS_NICE)");
    }

    @Test
    void aNiceValueIsAppliedOnAFreshThread() throws Exception {
        int[] readBack = onFreshThread(() -> {
            ThreadPlacement.none().normal(5).apply();
            return new int[] {SchedCalls.scheduler(), SchedCalls.nice()};
        });
        assertThat(readBack).containsExactly(SchedCalls.SCHED_OTHER, 5);
    }

    @Test
    void aLowerNiceValueWithoutTheRightIsRefused() throws Exception {
        assumeTrue(SchedCalls.niceLimit()[0] == 0, "RLIMIT_NICE is not 0 here");
        String message = onFreshThread(() -> {
            assertThat(ThreadCapabilities.dropEffective(ThreadCapabilities.CAP_SYS_NICE)).isZero();
            try {
                ThreadPlacement.none().normal(-5).apply();
                return "applied";
            } catch (PlacementException e) {
                return e.getMessage();
            }
        });
        assertThat(message).isEqualTo("nice value -5 refused: this process lacks CAP_SYS_NICE and RLIMIT_NICE is 0"
                + " (it allows nice values down to 20) (fix: ulimit -e 25, or nice in /etc/security/limits.conf, or"
                + " run with CAP_SYS_NICE)");
    }

    /** The messages for refusals this machine cannot produce (mlockall is not run: it would lock the test JVM). */
    @Test
    void refusalMessagesFromTheErrno() {
        assertThat(ThreadPlacement.schedulingRefused(Policy.RR, 50, Errno.EPERM, false, 10)).hasMessage(
                "SCHED_RR priority 50 refused: this process lacks CAP_SYS_NICE and RLIMIT_RTPRIO is 10 (fix: ulimit -r"
                + " 50, or rtprio in /etc/security/limits.conf, or run with CAP_SYS_NICE)");
        assertThat(ThreadPlacement.schedulingRefused(Policy.FIFO, 80, Errno.EPERM, true, 0)).hasMessage(
                "SCHED_FIFO priority 80 refused: the kernel refused it although this thread has CAP_SYS_NICE (fix:"
                + " real-time group scheduling may give this cgroup no run time; raise its cpu.rt_runtime_us, or run"
                + " it in the root cgroup)");
        assertThat(ThreadPlacement.schedulingRefused(Policy.FIFO, 80, Errno.EINVAL, false, 0))
                .hasMessageStartingWith("SCHED_FIFO priority 80 refused: ").hasMessageEndingWith("(errno 22)");
        assertThat(ThreadPlacement.memoryLockRefused(Errno.ENOMEM, 64 * 1024, false)).hasMessage(
                "locking the process's memory (mlockall) refused: this process lacks CAP_IPC_LOCK and its memory"
                + " exceeds RLIMIT_MEMLOCK of 64 KiB (fix: ulimit -l unlimited, or memlock in"
                + " /etc/security/limits.conf, or LimitMEMLOCK=infinity in a systemd unit, or run with CAP_IPC_LOCK)");
    }

    @Test
    void valuesAreCheckedWhenBuilt() {
        assertThatThrownBy(() -> ThreadPlacement.none().fifo(0)).isInstanceOf(PlacementException.class)
                .hasMessage("SCHED_FIFO priority 0 is out of range: real-time priorities run 1..99");
        assertThatThrownBy(() -> ThreadPlacement.none().roundRobin(100))
                .hasMessage("SCHED_RR priority 100 is out of range: real-time priorities run 1..99");
        assertThatThrownBy(() -> ThreadPlacement.none().normal(20))
                .hasMessage("nice value 20 is out of range: nice values run -20..19");
        assertThatThrownBy(() -> new ThreadPlacement(List.of(1024), null, 0, 0, false))
                .hasMessage("CPU 1024 is out of range: CPU numbers run 0..1023");
        assertThatThrownBy(() -> new ThreadPlacement(List.of(), Policy.OTHER, 5, 0, false))
                .hasMessage("priority 5 needs a real-time policy (SCHED_FIFO or SCHED_RR); SCHED_OTHER takes"
                        + " priority 0");
        assertThatThrownBy(() -> new ThreadPlacement(List.of(), Policy.FIFO, 5, 3, false))
                .hasMessage("nice value 3 needs SCHED_OTHER; SCHED_FIFO takes nice 0");
        assertThatThrownBy(() -> ThreadPlacement.onCpus(" ")).hasMessage("CPU list \" \" names no CPU (expected a"
                + " list such as 2 or 2-3,6)");
        assertThat(ThreadPlacement.onCpus("6,2-3").fifo(80).lockingMemory())
                .isEqualTo(new ThreadPlacement(List.of(2, 3, 6), Policy.FIFO, 80, 0, true));
    }
}
