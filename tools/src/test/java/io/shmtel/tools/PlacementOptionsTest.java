package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shmtel.core.Publisher;
import io.shmtel.core.nativeio.MemoryCalls;
import io.shmtel.core.nativeio.SchedCalls;
import io.shmtel.core.placement.CpuList;
import io.shmtel.core.placement.ThreadPlacement;
import io.shmtel.core.region.ShmDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --cpu}, {@code --fifo}, {@code --rr}, {@code --nice}, {@code --lock-memory} ({@link PlacementOptionsMixin}):
 * bad values are usage errors; in a real child process the placement lands on the thread that reads (its
 * {@code Cpus_allowed_list} and policy read back from /proc), and the refusals an unprivileged or confined process
 * meets end it with exit 17 naming the limit and the fix. Placing happens in child JVMs only: the test JVM's own
 * threads are never placed.
 */
class PlacementOptionsTest {
    /** The commands whose loop thread the options place (the command tree is walked to check the list is whole). */
    static final Set<String> PLACED = Set.of("shmtel echo", "shmtel stat", "shmtel record", "shmtel pub",
            "shmtel bridge send", "shmtel bridge receive");
    private static final List<String> OPTIONS = List.of("--cpu=LIST", "--fifo=PRIORITY", "--rr=PRIORITY", "--nice=N",
            "--lock-memory");
    private static final Pattern PLACED_LINE = Pattern.compile(": thread (\\d+) placed: (.*)$");
    private static final long CHILD_SECONDS = 60;
    private static final Path CPUSET_ROOT = Path.of("/sys/fs/cgroup/cpuset");
    /** Fields of /proc/PID/task/TID/stat after the command name: rt_priority is field 40, policy 41 (proc(5)). */
    private static final int STAT_RT_PRIORITY = 40;
    private static final int STAT_POLICY = 41;
    /** The fields before those counted from the text after ") ": pid and comm. */
    private static final int STAT_FIELDS_BEFORE_STATE = 2;
    private static final int PRIORITY = 80;
    /** A child JVM's heap: small, as --lock-memory locks what the JVM has mapped. */
    private static final String CHILD_HEAP = "-Xmx128m";
    private static final int LOW_PRIORITY = 1;
    private static final long BRIDGE_START_MILLIS = 40_000;

    Path dir;

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
    }

    @AfterEach
    void removeDir() throws IOException {
        ShmDirectory.delete(dir);
    }

    /** Every command of the tree that takes the options. */
    static List<CommandSpec> placedCommands() {
        return HelpTest.commands().stream().filter(s -> s.findOption("--cpu") != null).toList();
    }

    static Stream<String> placedCommandNames() {
        return placedCommands().stream().map(CommandSpec::qualifiedName);
    }

    @Test
    void theCommandsWithALoopTakeTheOptions() {
        assertThat(placedCommandNames()).containsExactlyInAnyOrderElementsOf(PLACED);
    }

    @ParameterizedTest
    @MethodSource("placedCommandNames")
    void theHelpListsEveryOption(String command) {
        List<String> path = List.of(command.split(" ")).subList(1, command.split(" ").length);
        CliTest.Result r = CliTest.run(HelpTest.args(path, List.of("--help")));
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains(OPTIONS).contains("shmtel doctor");
    }

    /** Parsed before anything runs: one line naming the option, the value and what is allowed; exit 2. */
    @ParameterizedTest
    @MethodSource("placedCommandNames")
    void badValuesAreUsageErrors(String command) {
        List<String> path = List.of(command.split(" ")).subList(1, command.split(" ").length);
        record Case(List<String> args, String error) {}
        for (Case c : List.of(
                new Case(List.of("--fifo", "0"), "invalid value for option '--fifo': 0: expected a real-time priority"
                        + " from 1 to 99"),
                new Case(List.of("--rr", "100"), "invalid value for option '--rr': 100: expected a real-time priority"
                        + " from 1 to 99"),
                new Case(List.of("--nice", "20"), "invalid value for option '--nice': 20: expected a nice value from"
                        + " -20 to 19"),
                new Case(List.of("--cpu", "x"), "invalid value for option '--cpu': CPU list \"x\": \"x\" is not a CPU"
                        + " number (expected a list such as 2 or 2-3,6)"),
                new Case(List.of("--cpu", "3-1"), "invalid value for option '--cpu': CPU list \"3-1\": range \"3-1\""
                        + " runs backwards (write it as 1-3)"),
                new Case(List.of("--cpu", " "), "invalid value for option '--cpu': \" \" names no CPU: expected a CPU"
                        + " list such as 2 or 2-3,6"))) {
            CliTest.Result r = CliTest.run(HelpTest.args(path, c.args()));
            assertThat(r.code()).as(command + " " + c.args()).isEqualTo(ExitCodes.INVALID_INPUT);
            assertThat(r.err().lines().findFirst().orElse("")).isEqualTo(command + ": " + c.error());
        }
    }

    /** Two policies at once: refused before the command does anything (no region is created, none waited for). */
    @Test
    void twoPoliciesAreAUsageError() throws IOException {
        CliTest.Result echo = CliTest.run("echo", "--dir=" + dir, "absent", "--fifo", "10", "--nice", "5");
        assertThat(echo.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(echo.err().lines().findFirst().orElse("")).isEqualTo("shmtel echo: --fifo 10 and --nice 5 exclude"
                + " each other: a thread has one scheduling policy (--fifo or --rr with a real-time priority, or --nice"
                + " under the normal policy); give one");
        CliTest.Result pub = CliTest.run("pub", "--dir=" + dir, "made", "--schema", "../schema/examples/arm.json",
                "--count", "0", "--fifo", "10", "--rr", "10");
        assertThat(pub.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(pub.err()).startsWith("shmtel pub: --fifo 10 and --rr 10 exclude each other");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    /** A shmtel command in a child JVM, {@code prefix} (a shell) in front of the java command. */
    private static ProcessBuilder child(List<String> prefix, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", CHILD_HEAP, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                ShmtelCli.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** Runs a child to its end: its exit status and its output (stdout and stderr together). */
    private static CliTest.Result runChild(ProcessBuilder builder) throws Exception {
        Process p = builder.redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)).as(output).isTrue();
        return new CliTest.Result(p.exitValue(), output, output);
    }

    /** The highest CPU this process may use: echo is asked to run there. */
    private static int allowedCpu() {
        BitSet allowed = SchedCalls.affinity();
        return allowed.length() - 1;
    }

    /** Field {@code field} (1-based, proc(5) numbering) of /proc/PID/task/TID/stat. */
    private static long statField(long pid, long tid, int field) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "stat"));
        String[] after = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
        return Long.parseLong(after[field - 1 - STAT_FIELDS_BEFORE_STATE]);
    }

    private static String cpusAllowed(long pid, long tid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "status");
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElseThrow();
    }

    /**
     * {@code echo --cpu N} (N the highest CPU this process may use), and with a real-time priority when this
     * process may set one: echo says which thread it placed, prints samples from that thread's loop, and /proc shows
     * that thread, and only it, on CPU N under the policy asked.
     */
    @Test
    void echoRunsItsReadingThreadOnTheCpuAsked() throws Exception {
        int cpu = allowedCpu();
        boolean realTime = SchedCalls.hasCapSysNice() || SchedCalls.rtprioLimit()[0] >= LOW_PRIORITY;
        List<String> args = new ArrayList<>(List.of("echo", "--dir=" + dir, "types/every_type", "--timeout", "30",
                "--cpu", Integer.toString(cpu)));
        if (realTime) {
            args.addAll(List.of("--fifo", Integer.toString(LOW_PRIORITY)));
        }
        AtomicBoolean stop = new AtomicBoolean();
        try (Publisher publisher = Publisher.create("types", McapRecordReplayTest.ALL_TYPES,
                ShmDirectory.options(dir))) {
            Thread writer = McapRecordReplayTest.publisher(publisher, stop);
            Process echo = child(List.of(), args.toArray(String[]::new)).redirectErrorStream(true).start();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(echo.getInputStream(),
                    StandardCharsets.UTF_8))) {
                List<String> seen = new ArrayList<>();
                long tid = -1;
                int samples = 0;
                for (String line; samples < 2 && (line = lines.readLine()) != null; ) {
                    seen.add(line);
                    Matcher m = PLACED_LINE.matcher(line);
                    if (m.find()) {
                        tid = Long.parseLong(m.group(1));
                        assertThat(m.group(2)).isEqualTo("CPUs " + cpu + (realTime ? ", SCHED_FIFO priority "
                                + LOW_PRIORITY : ""));
                    } else if (line.startsWith("every_type")) {
                        samples++;
                    }
                }
                assertThat(tid).as(String.join("\n", seen)).isPositive();
                assertThat(samples).as(String.join("\n", seen)).isEqualTo(2);
                long pid = echo.pid();
                assertThat(cpusAllowed(pid, tid)).isEqualTo(Integer.toString(cpu));
                if (realTime) {
                    assertThat(statField(pid, tid, STAT_POLICY)).isEqualTo(SchedCalls.SCHED_FIFO);
                    assertThat(statField(pid, tid, STAT_RT_PRIORITY)).isEqualTo(LOW_PRIORITY);
                }
                if (SchedCalls.affinity().cardinality() > 1) { // the process's other threads are left as they were
                    assertThat(cpusAllowed(pid, pid)).isEqualTo(CpuList.format(SchedCalls.affinity()));
                }
            } finally {
                echo.destroy();
                echo.waitFor(CHILD_SECONDS, TimeUnit.SECONDS);
                stop.set(true);
                writer.join();
            }
        }
    }

    /** The task of process {@code pid} whose name (comm, 15 characters of the Java thread's name) starts so. */
    private static long task(long pid, String namePrefix) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            List<Long> found = new ArrayList<>();
            for (Path t : tasks.toList()) {
                try {
                    if (Files.readString(t.resolve("comm")).strip().startsWith(namePrefix)) {
                        found.add(Long.parseLong(t.getFileName().toString()));
                    }
                } catch (IOException ended) {
                    // a thread that ended meanwhile
                }
            }
            assertThat(found).as("threads named " + namePrefix + "* in " + pid).hasSize(1);
            return found.get(0);
        }
    }

    /**
     * {@code bridge send} and {@code bridge receive} with {@code --cpu N}: each bridge thread runs on CPU N (read
     * from /proc by its name), each command says so; a CPU the machine lacks fails the start with exit 17.
     */
    @Test
    void bridgeThreadsRunOnTheCpuAsked() throws Exception {
        int cpu = allowedCpu();
        int port;
        try (DatagramSocket s = new DatagramSocket(0)) {
            port = s.getLocalPort();
        }
        try (BridgeHosts hosts = BridgeHosts.loopback()) {
            String address = hosts.addressB() + ":" + port;
            BridgeHosts.Child receiver = hosts.onB("receiver", "bridge", "receive", "--listen", address, "--cpu",
                    Integer.toString(cpu));
            BridgeHosts.Child sender = hosts.onA("sender", "bridge", "send", "--to", address, "counter", "--cpu",
                    Integer.toString(cpu));
            receiver.awaitLog("bridge receive: the bridge thread placed: CPUs " + cpu, BRIDGE_START_MILLIS);
            sender.awaitLog("bridge send: the bridge thread placed: CPUs " + cpu, BRIDGE_START_MILLIS);
            long receiving = task(receiver.process.pid(), "shmtel-bridge-r");
            long sending = task(sender.process.pid(), "shmtel-bridge-s");
            assertThat(cpusAllowed(receiver.process.pid(), receiving)).isEqualTo(Integer.toString(cpu));
            assertThat(cpusAllowed(sender.process.pid(), sending)).isEqualTo(Integer.toString(cpu));
            sender.stop();
            receiver.stop();

            BitSet present = CpuList.parse(Files.readString(Path.of("/sys/devices/system/cpu/present")));
            BridgeHosts.Child refused = hosts.onB("refused", "bridge", "receive", "--listen", address, "--cpu",
                    Integer.toString(present.length()));
            assertThat(refused.process.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(refused.process.exitValue()).as(refused.log()).isEqualTo(ExitCodes.MEMORY);
            assertThat(refused.log()).contains("shmtel bridge receive: CPU " + present.length() + " does not exist");
        }
    }

    /** A schema for the region a deployment must declare. */
    private static final Path STATUS_SCHEMA = Path.of("../schema/examples/status_flag.json");

    /** A deployment of one receiving bridge {@code mirror} on node {@code net}, listening on {@code port}. */
    private Path bridgeDeployment(String name, int port, String nodeKeys, String bridgeKeys) throws IOException {
        Path file = dir.resolve(name + ".json");
        Files.writeString(file, """
                { "deployment": "%s", "directory": ".",
                  "regions": [ { "name": "s", "schema": "%s" } ],
                  "nodes": [ { "name": "net"%s,
                    "bridges": [ { "name": "mirror", "direction": "receive", "listen": "127.0.0.1:%d"%s } ] } ] }
                """.formatted(name, STATUS_SCHEMA.toAbsolutePath().normalize(), nodeKeys, port, bridgeKeys));
        return file;
    }

    /**
     * {@code bridge run}: a deployment's bridge thread is placed as the file says (here its node's {@code cpu}, the
     * default of the node's bridges; read back from /proc by the thread's name), and a CPU the machine lacks on the
     * bridge itself ends the run with exit 17 naming the file, the key's location, the bridge, the limit and the fix.
     */
    @Test
    void bridgeRunPlacesTheDeploymentsBridgesAndARefusalNamesTheKey() throws Exception {
        int cpu = allowedCpu();
        BitSet present = CpuList.parse(Files.readString(Path.of("/sys/devices/system/cpu/present")));
        int missing = present.length();
        int port;
        try (DatagramSocket s = new DatagramSocket(0)) {
            port = s.getLocalPort();
        }
        Path placed = bridgeDeployment("placed", port, ", \"cpu\": [" + cpu + "]", "");
        Path refusing = bridgeDeployment("refusing", port, ", \"cpu\": [" + cpu + "]", ", \"cpu\": [" + missing + "]");
        try (BridgeHosts hosts = BridgeHosts.loopback()) {
            BridgeHosts.Child run = hosts.raw("run", "bridge", "run", placed.toString());
            run.awaitLog("receiving on", BRIDGE_START_MILLIS);
            long receiving = task(run.process.pid(), "shmtel-bridge-r");
            assertThat(cpusAllowed(run.process.pid(), receiving)).as(run.log()).isEqualTo(Integer.toString(cpu));
            run.stop();

            BridgeHosts.Child refused = hosts.raw("refused", "bridge", "run", refusing.toString());
            assertThat(refused.process.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(refused.process.exitValue()).as(refused.log()).isEqualTo(ExitCodes.MEMORY);
            assertThat(refused.log()).contains(refusing.toString()).contains("/nodes/0/bridges/0/cpu")
                    .contains("bridge mirror: CPU " + missing + " does not exist")
                    .contains("fix: choose CPUs from " + CpuList.format(present));
        }
    }

    /** A CPU number the machine lacks: exit 17 naming the CPU, the CPUs there are and the fix. */
    @Test
    void aCpuTheMachineLacksEndsTheCommandWithExit17() throws Exception {
        BitSet present = CpuList.parse(Files.readString(Path.of("/sys/devices/system/cpu/present")));
        int missing = present.length();
        assumeTrue(missing < SchedCalls.CPU_SETSIZE, "every CPU number exists on this machine");
        String machine = CpuList.format(present);
        CliTest.Result r = runChild(child(List.of(), "stat", "--dir=" + dir, "--count", "1", "--cpu",
                Integer.toString(missing)));
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCodes.MEMORY);
        assertThat(r.out().strip()).isEqualTo("shmtel stat: CPU " + missing + " does not exist: this machine has CPUs "
                + machine + " (/sys/devices/system/cpu/present; fix: choose CPUs from " + machine + ")");
    }

    /**
     * A CPU outside the process's cpuset: the child runs in a cgroup v1 cpuset of CPU 0 only and asks for the
     * highest CPU. Needs root and a writable cpuset hierarchy (skipped otherwise: a test JVM cannot confine itself).
     */
    @Test
    void aCpuOutsideTheCpusetEndsTheCommandWithExit17() throws Exception {
        int cpu = allowedCpu();
        assumeTrue(cpu > 0, "one CPU only: no CPU outside a cpuset of CPU 0");
        assumeTrue(Files.isWritable(CPUSET_ROOT.resolve("tasks")), "no writable cgroup v1 cpuset hierarchy at "
                + CPUSET_ROOT + " (needs root)");
        Path cpuset = CPUSET_ROOT.resolve("shmtel-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectory(cpuset);
        try {
            Files.writeString(cpuset.resolve("cpuset.cpus"), "0");
            Files.writeString(cpuset.resolve("cpuset.mems"), Files.readString(CPUSET_ROOT.resolve("cpuset.mems")));
            CliTest.Result r = runChild(child(List.of("sh", "-c", "echo $$ > " + cpuset.resolve("tasks")
                    + " && exec \"$@\"", "sh"), "echo", "--dir=" + dir, "absent", "--timeout", "10", "--cpu",
                    Integer.toString(cpu)));
            assertThat(r.code()).as(r.out()).isEqualTo(ExitCodes.MEMORY);
            assertThat(r.out().strip()).isEqualTo("shmtel echo: CPUs " + cpu + " refused: CPU " + cpu + " is not"
                    + " among the CPUs this process may use (0: its cpuset and the online CPUs) (fix: choose CPUs from"
                    + " 0, or widen the cpuset: cgroup cpuset.cpus, docker --cpuset-cpus)");
        } finally {
            Files.delete(cpuset);
        }
    }

    /** What an unprivileged process is refused: the options, the limit lowered for the child, the message. */
    record Refusal(List<String> options, String ulimit, String message) {}

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal(List.of("--fifo", "80"), "-r 0", "SCHED_FIFO priority 80 refused: this process"
                        + " lacks CAP_SYS_NICE and RLIMIT_RTPRIO is 0 (fix: ulimit -r 80, or rtprio in"
                        + " /etc/security/limits.conf, or run with CAP_SYS_NICE)"),
                new Refusal(List.of("--rr", "80"), "-r 0", "SCHED_RR priority 80 refused: this process"
                        + " lacks CAP_SYS_NICE and RLIMIT_RTPRIO is 0 (fix: ulimit -r 80, or rtprio in"
                        + " /etc/security/limits.conf, or run with CAP_SYS_NICE)"),
                new Refusal(List.of("--nice", "-5"), "-e 0", "nice value -5 refused: this process lacks CAP_SYS_NICE"
                        + " and RLIMIT_NICE is 0 (it allows nice values down to 20) (fix: ulimit -e 25, or nice in"
                        + " /etc/security/limits.conf, or run with CAP_SYS_NICE)"),
                new Refusal(List.of("--lock-memory"), "-l 64", "locking the process's memory (mlockall) refused:"
                        + " this process lacks CAP_IPC_LOCK and its memory exceeds RLIMIT_MEMLOCK of 64 KiB (fix:"
                        + " ulimit -l unlimited, or memlock in /etc/security/limits.conf, or LimitMEMLOCK=infinity in"
                        + " a systemd unit, or run with CAP_IPC_LOCK)"));
    }

    /**
     * A process without CAP_SYS_NICE and CAP_IPC_LOCK and with the limit lowered (ulimit in the child's shell; a
     * privileged test drops the capabilities from the child's bounding set with setpriv) is refused: exit 17
     * naming the limit and the fix.
     */
    @ParameterizedTest
    @MethodSource("refusals")
    void aSettingWithoutTheRightEndsTheCommandWithExit17(Refusal refusal) throws Exception {
        List<String> prefix = new ArrayList<>();
        if (SchedCalls.hasCapSysNice() || MemoryCalls.canLockBeyondLimit()) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "this test runs with CAP_SYS_NICE or"
                    + " CAP_IPC_LOCK and setpriv (util-linux), which drops them for the child, is not installed");
            prefix.addAll(List.of("/usr/bin/setpriv", "--bounding-set", "-sys_nice,-ipc_lock", "--inh-caps",
                    "-sys_nice,-ipc_lock"));
        }
        // bash: ulimit -e (RLIMIT_NICE) is not in every sh
        prefix.addAll(List.of("bash", "-c", "ulimit " + refusal.ulimit() + " && exec \"$@\"", "bash"));
        List<String> args = new ArrayList<>(List.of("echo", "--dir=" + dir, "absent", "--timeout", "10"));
        args.addAll(refusal.options());
        CliTest.Result r = runChild(child(prefix, args.toArray(String[]::new)));
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCodes.MEMORY);
        assertThat(r.out().strip()).isEqualTo("shmtel echo: " + refusal.message());
    }

    /** {@code --lock-memory} where the process may lock its memory: its locked size (VmLck) grows past 0. */
    @Test
    void lockMemoryLocksTheProcessMemory() throws Exception {
        assumeTrue(MemoryCalls.canLockBeyondLimit() || MemoryCalls.memlockLimit()[0] == MemoryCalls.UNLIMITED,
                "this process may not lock its memory (no CAP_IPC_LOCK, RLIMIT_MEMLOCK limited)");
        Process echo = child(List.of(), "echo", "--dir=" + dir, "absent", "--timeout", "30", "--lock-memory")
                .redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(echo.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = lines.readLine();
            assertThat(line).endsWith(": memory locked").contains("echo absent: thread ");
            String locked = Files.readAllLines(Path.of("/proc", Long.toString(echo.pid()), "status")).stream()
                    .filter(l -> l.startsWith("VmLck:")).findFirst().orElseThrow();
            assertThat(Long.parseLong(locked.replaceAll("\\D", ""))).as(locked).isPositive();
        } finally {
            echo.destroy();
            echo.waitFor(CHILD_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** The words of {@link PlacementOptionsMixin#describe}, each setting. */
    @Test
    void theConfirmationNamesEverySetting() {
        PlacementOptionsMixin mixin = new PlacementOptionsMixin();
        mixin.cpus = CpuList.parse("2-3,6");
        mixin.rr = PRIORITY;
        mixin.lockMemory = true;
        assertThat(PlacementOptionsMixin.describe(mixin.placement()))
                .isEqualTo("CPUs 2-3,6, SCHED_RR priority 80, memory locked");
        mixin.cpus = null;
        mixin.rr = null;
        mixin.nice = 3;
        mixin.lockMemory = false;
        assertThat(PlacementOptionsMixin.describe(mixin.placement())).isEqualTo("SCHED_OTHER nice 3");
        assertThat(new PlacementOptionsMixin().placement()).isEqualTo(ThreadPlacement.none());
    }
}
