package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.region.ShmDirectory;
import io.shmtel.tools.DoctorCommand.Finding;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code shmtel doctor}'s real-time findings ({@link RealtimeChecks}), each read from planted files. */
class DoctorRealtimeTest {
    static final String LIMITS_HEADER = "Limit                     Soft Limit           Hard Limit           Units\n"
            + "Max locked memory         8388608              8388608              bytes\n";
    /** CapEff with only CAP_SYS_NICE set, and with no capability. */
    static final String CAP_SYS_NICE_ONLY = Long.toHexString(1L << RealtimeChecks.CAP_SYS_NICE);
    static final String NO_CAPS = "0000000000000000";

    @TempDir
    Path root;
    Path sysCpu;
    Path proc;
    Path regions;

    @BeforeEach
    void plant() throws IOException {
        sysCpu = Files.createDirectories(root.resolve("sys/devices/system/cpu"));
        proc = Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(proc.resolve("sys/kernel"));
        Files.writeString(sysCpu.resolve("online"), "0-3\n");
        Files.writeString(sysCpu.resolve("isolated"), "\n");
        Files.writeString(proc.resolve("cmdline"), "console=ttyS0 quiet\n");
        limits("0", "0");
        capEff(NO_CAPS);
        throttling("950000", "1000000");
        regions = ShmDirectory.create();
    }

    @AfterEach
    void removeRegions() throws IOException {
        ShmDirectory.delete(regions);
    }

    RealtimeChecks checks() {
        return new RealtimeChecks(sysCpu, proc.resolve("cmdline"), proc.resolve("limits"), proc.resolve("status"),
                proc.resolve("sys/kernel"));
    }

    void limits(String soft, String hard) throws IOException {
        Files.writeString(proc.resolve("limits"), LIMITS_HEADER + String.format("%-26s%-21s%-21s%n",
                RealtimeChecks.RTPRIO_LINE, soft, hard));
    }

    void capEff(String mask) throws IOException {
        Files.writeString(proc.resolve("status"), "Name:\tjava\nCapInh:\t0000000000000000\nCapEff:\t" + mask + "\n");
    }

    void throttling(String runtime, String period) throws IOException {
        Files.writeString(proc.resolve("sys/kernel/sched_rt_runtime_us"), runtime + "\n");
        Files.writeString(proc.resolve("sys/kernel/sched_rt_period_us"), period + "\n");
    }

    void governor(int cpu, String governor) throws IOException {
        Path dir = Files.createDirectories(sysCpu.resolve("cpu" + cpu).resolve("cpufreq"));
        Files.writeString(dir.resolve("scaling_governor"), governor + "\n");
    }

    @Test
    void isolatedCpusAreListedAndNoneIsOnlyInformation() throws IOException {
        assertThat(checks().isolated()).isEqualTo(new Finding("ok", "isolated CPUs", "none ("
                + sysCpu.resolve("isolated") + "; isolcpus= not set): real-time threads share every CPU with the rest"
                + " of the system", ""));
        Files.writeString(sysCpu.resolve("isolated"), "2-3\n");
        assertThat(checks().isolated()).isEqualTo(new Finding("ok", "isolated CPUs", "2-3 ("
                + sysCpu.resolve("isolated") + "): the scheduler keeps other tasks off them; pin real-time threads"
                + " there", ""));
        Files.delete(sysCpu.resolve("isolated"));
        assertThat(checks().isolated().message()).isEqualTo("cannot tell: no " + sysCpu.resolve("isolated"));
    }

    @Test
    void nohzFullComesFromSysfsElseFromTheCommandLine() throws IOException {
        assertThat(checks().nohzFull()).isEqualTo(new Finding("ok", "nohz_full CPUs", "none (neither "
                + sysCpu.resolve("nohz_full") + " nor " + proc.resolve("cmdline") + " names any): every CPU takes the"
                + " scheduler tick", ""));
        Files.writeString(proc.resolve("cmdline"), "quiet isolcpus=2-3 nohz_full=2-3 rcu_nocbs=2-3\n");
        assertThat(checks().nohzFull().message()).isEqualTo("2-3 (" + proc.resolve("cmdline") + ", nohz_full=): a CPU"
                + " running a single task there takes no scheduler tick");
        Files.writeString(sysCpu.resolve("nohz_full"), "1,3\n");
        assertThat(checks().nohzFull().message()).isEqualTo("1,3 (" + sysCpu.resolve("nohz_full") + "): a CPU"
                + " running a single task there takes no scheduler tick");
        Files.writeString(sysCpu.resolve("nohz_full"), "(null)\n");
        Files.writeString(proc.resolve("cmdline"), "quiet\n");
        assertThat(checks().nohzFull().message()).startsWith("none (neither ");
    }

    @Test
    void rtprioZeroIsAdviceWithTheFix() {
        Finding f = checks().rtprio();
        assertThat(f).isEqualTo(new Finding("warn", "RLIMIT_RTPRIO", "0 (hard limit 0): this user's threads cannot"
                + " take a real-time priority (SCHED_FIFO / SCHED_RR); only real-time use needs it", "raise it for the"
                + " processes that run real-time threads: ulimit -r 99 after raising the hard limit ('USER - rtprio 99'"
                + " in /etc/security/limits.conf, then log in again), or LimitRTPRIO=99 in a systemd unit", true));
    }

    @Test
    void rtprioZeroWithCapSysNiceIsOk() throws IOException {
        capEff(CAP_SYS_NICE_ONLY);
        limits("0", "99");
        assertThat(checks().rtprio()).isEqualTo(new Finding("ok", "RLIMIT_RTPRIO", "0 (hard limit 99), but this"
                + " process has CAP_SYS_NICE (root), which ignores the limit; a process without it cannot take a"
                + " real-time priority", ""));
    }

    @Test
    void rtprioSetOrUnlimitedIsOk() throws IOException {
        limits("99", "99");
        assertThat(checks().rtprio()).isEqualTo(new Finding("ok", "RLIMIT_RTPRIO", "99 (hard limit 99): this"
                + " user's threads may take SCHED_FIFO / SCHED_RR priorities up to 99", ""));
        limits("unlimited", "unlimited");
        assertThat(checks().rtprio()).isEqualTo(new Finding("ok", "RLIMIT_RTPRIO", "unlimited (hard limit"
                + " unlimited): this user's threads may take SCHED_FIFO / SCHED_RR priorities up to 99", ""));
    }

    @Test
    void governorsAllPerformanceAreOk() throws IOException {
        for (int cpu = 0; cpu < 4; cpu++) {
            governor(cpu, "performance");
        }
        assertThat(checks().governors()).isEqualTo(new Finding("ok", "CPU frequency governor",
                "performance on CPUs 0-3", ""));
    }

    @Test
    void governorsMixedAreAdviceNamingEachCpu() throws IOException {
        governor(0, "powersave");
        governor(1, "performance");
        governor(3, "powersave");
        Finding f = checks().governors();
        assertThat(f.level()).isEqualTo("warn");
        assertThat(f.advice()).isTrue();
        assertThat(f.message()).isEqualTo("performance on CPU 1, powersave on CPUs 0,3, no cpufreq on CPU 2: a CPU"
                + " that lowers its clock when idle wakes slower and runs a busy-spinning thread at a varying speed");
        assertThat(f.fix()).isEqualTo("for real-time use set the CPUs it runs on to performance: cpupower"
                + " frequency-set -g performance, or echo performance | sudo tee "
                + sysCpu.resolve("cpu*/cpufreq/scaling_governor"));
    }

    @Test
    void governorsAbsentAsInAVirtualMachineAreOk() throws IOException {
        Files.createDirectories(sysCpu.resolve("cpu0"));
        assertThat(checks().governors()).isEqualTo(new Finding("ok", "CPU frequency governor", "none: no "
                + sysCpu.resolve("cpu*/cpufreq/scaling_governor") + " (usual in a virtual machine, whose host sets"
                + " the frequency)", ""));
    }

    @Test
    void governorsOfOfflineCpusAreLeftOut() throws IOException {
        Files.writeString(sysCpu.resolve("online"), "0\n");
        governor(0, "performance");
        governor(1, "powersave");
        assertThat(checks().governors().message()).isEqualTo("performance on CPU 0");
    }

    @Test
    void throttlingOnStatesTheBudget() {
        assertThat(checks().throttling()).isEqualTo(new Finding("ok", "real-time throttling", "on: real-time threads"
                + " get 950000 us of every 1000000 us (95%) of a CPU; a busy-spinning SCHED_FIFO thread is stopped for"
                + " the other 50 ms of each period (sysctl kernel.sched_rt_runtime_us=-1 turns it off)", ""));
    }

    @Test
    void throttlingOff() throws IOException {
        throttling("-1", "1000000");
        assertThat(checks().throttling()).isEqualTo(new Finding("ok", "real-time throttling", "off"
                + " (sched_rt_runtime_us -1): a real-time thread may keep a CPU to itself", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "2", "0-3", "0-1,4,6-7", "1,3,5"})
    void cpuListsRoundTrip(String list) {
        TreeSet<Integer> cpus = RealtimeChecks.parseCpuList(list);
        assertThat(RealtimeChecks.cpuListText(cpus)).isEqualTo(list);
    }

    /** Runs doctor on the planted files; its region directory is a fresh tmpfs one. */
    CliTest.Result doctor(String... args) {
        DoctorCommand doctor = new DoctorCommand();
        doctor.runSystemd = root.resolve("no-systemd");
        doctor.procLimits = proc.resolve("limits");
        doctor.sysCpu = sysCpu;
        doctor.procCmdline = proc.resolve("cmdline");
        doctor.procStatus = proc.resolve("status");
        doctor.procSysKernel = proc.resolve("sys/kernel");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(doctor);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "--dir=" + regions;
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cli.execute(all);
        return new CliTest.Result(code, out.toString(), err.toString());
    }

    @Test
    void realTimeAdviceLeavesTheExitStatus() throws IOException {
        governor(0, "powersave");
        CliTest.Result r = doctor();
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("ok    isolated CPUs: none (", "ok    nohz_full CPUs: none (",
                "warn  RLIMIT_RTPRIO: 0 (hard limit 0): ", "      fix (advice): raise it for the processes",
                "warn  CPU frequency governor: powersave on CPU 0, no cpufreq on CPUs 1-3: ",
                "ok    real-time throttling: on: ");
        assertThat(r.out().lines().toList()).last().isEqualTo("no problems found; 2 warn lines are advice for"
                + " real-time use only");
    }

    @Test
    void aRealTimeReadyMachineHasNoAdvice() throws IOException {
        Files.writeString(sysCpu.resolve("isolated"), "2-3\n");
        Files.writeString(sysCpu.resolve("nohz_full"), "2-3\n");
        limits("99", "99");
        throttling("-1", "1000000");
        for (int cpu = 0; cpu < 4; cpu++) {
            governor(cpu, "performance");
        }
        CliTest.Result r = doctor();
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("ok    isolated CPUs: 2-3 (", "ok    nohz_full CPUs: 2-3 (",
                "ok    RLIMIT_RTPRIO: 99 (hard limit 99)", "ok    CPU frequency governor: performance on CPUs 0-3",
                "ok    real-time throttling: off");
        assertThat(r.out().lines().toList()).last().isEqualTo("no problems found");
    }

    @Test
    void jsonMarksAdviceAndNothingElse() {
        CliTest.Result r = doctor("--json");
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).allMatch(l -> l.startsWith("{\"level\":\""));
        assertThat(lines).filteredOn(l -> l.contains("\"advice\":true")).singleElement().asString()
                .startsWith("{\"level\":\"warn\",\"subject\":\"RLIMIT_RTPRIO\",\"message\":\"0 (hard limit 0): ")
                .contains("\"fix\":\"raise it for the processes that run real-time threads: ulimit -r 99");
        assertThat(lines).contains("{\"level\":\"ok\",\"subject\":\"CPU frequency governor\",\"message\":\"none: no "
                + sysCpu.resolve("cpu*/cpufreq/scaling_governor") + " (usual in a virtual machine, whose host sets the"
                + " frequency)\"}");
    }
}
