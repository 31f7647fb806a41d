package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shmtel.core.region.ShmDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The two "hosts" of the bridge tests: host A (drivers and the sending bridge) and host B (the
 * receiving bridge and its readers), each with its own region directory. Either both on loopback,
 * or in two network namespaces joined by a veth pair (root only), where loss can be put on the link.
 * Processes are real JVMs running the CLI; the test's own JVM reads host B's directory.
 */
final class BridgeHosts implements AutoCloseable {
    static final String SCHEMA = "src/test/resources/bridge/counter.json";

    final Path dirA;
    final Path dirB;
    final Path logs;
    private final String nsA;
    private final String nsB;
    private final List<Child> children = new ArrayList<>();
    private String lossRule;

    private BridgeHosts(String nsA, String nsB) throws IOException {
        this.nsA = nsA;
        this.nsB = nsB;
        this.dirA = ShmDirectory.create();
        this.dirB = ShmDirectory.create();
        this.logs = Files.createTempDirectory("shmtel-bridge-test");
    }

    static BridgeHosts loopback() throws IOException {
        return new BridgeHosts(null, null);
    }

    /**
     * Why the namespace test cannot run here, or null when it can: namespaces can be made (root,
     * iproute2 with netns support) and loss can be put on a link (tc with a kernel that has netem,
     * else nftables, as {@link #loseTowardsB} does).
     */
    static String namespacesUnavailable() {
        return namespacesUnavailable("root".equals(System.getProperty("user.name")), System.getenv("PATH"),
                BridgeHosts::netemUnavailable);
    }

    /**
     * The same decision with its inputs given: whether this is root, the PATH the commands are
     * looked up on, and a probe saying why the kernel cannot put netem on a link (null: it can),
     * asked only when {@code tc} is there.
     */
    static String namespacesUnavailable(boolean root, String path, Supplier<String> netemProbe) {
        if (!root) {
            return "not root (network namespaces need CAP_SYS_ADMIN)";
        }
        Path ip = onPath(path, "ip");
        if (ip == null) {
            return "no `ip` command on the PATH (Debian package iproute2)";
        }
        try {
            Process p = new ProcessBuilder(ip.toString(), "netns", "list").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                return "`ip netns list` failed: " + out.strip();
            }
        } catch (IOException | InterruptedException e) {
            return "`ip netns list` failed: " + e.getMessage();
        }
        String noNetem = onPath(path, "tc") == null ? "no `tc` command on the PATH (Debian package iproute2)"
                : netemProbe.get();
        if (noNetem == null || onPath(path, "nft") != null) {
            return null;
        }
        return "cannot put loss on the link: the kernel has no netem (" + noNetem + ") and there is no `nft`"
                + " command on the PATH; install the Debian package nftables";
    }

    /**
     * Skips the calling test with {@code why} (printed), or fails it when {@code required} (the test's
     * SHMTEL_REQUIRE_NETNS_TESTS=1); does nothing when {@code why} is null.
     */
    static void assumeNamespaces(String why, boolean required) {
        if (why == null) {
            return;
        }
        if (required) {
            throw new AssertionError("SHMTEL_REQUIRE_NETNS_TESTS=1 but the namespace test cannot run: " + why);
        }
        System.out.println("BridgeTest: namespace test skipped: " + why);
        assumeTrue(false, why);
    }

    /** Why tc cannot put netem on a link here (tried in a throwaway namespace), or null when it can. */
    static String netemUnavailable() {
        String ns = "shmtelProbe" + ProcessHandle.current().pid();
        try {
            sh("ip netns add " + ns);
            try {
                sh("ip netns exec " + ns + " tc qdisc add dev lo root netem loss 1%");
                return null;
            } finally {
                sh("ip netns del " + ns + " 2>/dev/null || true");
            }
        } catch (Exception e) {
            return e.getMessage().strip();
        }
    }

    private static Path onPath(String path, String command) {
        for (String dir : (path == null ? "" : path).split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return Path.of(dir, command);
            }
        }
        return null;
    }

    /** Two namespaces, 10.213.0.1 (A) and 10.213.0.2 (B), joined by a veth pair. */
    static BridgeHosts namespaces() throws Exception {
        String id = Long.toString(ProcessHandle.current().pid());
        BridgeHosts hosts = new BridgeHosts("shmtelA" + id, "shmtelB" + id);
        try {
            sh("ip netns add " + hosts.nsA, "ip netns add " + hosts.nsB,
                    "ip link add shva" + id + " type veth peer name shvb" + id,
                    "ip link set shva" + id + " netns " + hosts.nsA, "ip link set shvb" + id + " netns " + hosts.nsB,
                    "ip -n " + hosts.nsA + " addr add 10.213.0.1/24 dev shva" + id,
                    "ip -n " + hosts.nsB + " addr add 10.213.0.2/24 dev shvb" + id,
                    "ip -n " + hosts.nsA + " link set lo up", "ip -n " + hosts.nsB + " link set lo up",
                    "ip -n " + hosts.nsA + " link set shva" + id + " up",
                            "ip -n " + hosts.nsB + " link set shvb" + id + " up");
        } catch (Exception e) {
            hosts.close();
            throw e;
        }
        return hosts;
    }

    String addressB() {
        return nsB == null ? "127.0.0.1" : "10.213.0.2";
    }

    private String vethB() {
        return "shvb" + nsB.substring("shmtelB".length());
    }

    private String vethA() {
        return "shva" + nsA.substring("shmtelA".length());
    }

    /**
     * Drops {@code percent} % of the UDP packets that cross the link towards B, at random: with
     * {@code tc netem} where the kernel has it, else with an nftables rule on B's ingress
     * ({@code numgen random}), which drops silently like a lossy wire. Returns what was applied.
     */
    String loseTowardsB(int percent) throws Exception {
        try {
            sh("ip netns exec " + nsA + " tc qdisc add dev " + vethA() + " root netem loss " + percent + "%");
            lossRule = "netem";
            return "tc netem loss " + percent + "% on A's side of the link";
        } catch (IllegalStateException netemMissing) {
            String rules = "table netdev shmtel_loss {\n  chain in {\n    type filter hook ingress device \"" + vethB()
                    + "\" priority 0;\n    meta l4proto udp numgen random mod 100 < " + percent
                            + " counter drop\n  }\n}\n";
            Path file = logs.resolve("loss.nft");
            Files.writeString(file, rules);
            try {
                sh("ip netns exec " + nsB + " nft -f " + file);
            } catch (IllegalStateException e) {
                throw new IllegalStateException("cannot put loss on the link: the kernel has no netem ("
                        + netemMissing.getMessage() + ") and nftables failed (" + e.getMessage()
                        + "); install the Debian package nftables", e);
            }
            lossRule = "nft";
            return "nftables: " + percent + "% of UDP packets dropped at random on B's ingress"
                    + " (this kernel has no netem: " + netemMissing.getMessage().strip() + ")";
        }
    }

    /** Packets the loss rule dropped so far (nftables counter), or -1 when unknown. */
    long droppedByRule() throws Exception {
        if (!"nft".equals(lossRule)) {
            return -1;
        }
        String out = sh("ip netns exec " + nsB + " nft list table netdev shmtel_loss");
        var m = Pattern.compile("counter packets (\\d+)").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    void clearLoss() throws Exception {
        if ("netem".equals(lossRule)) {
            sh("ip netns exec " + nsA + " tc qdisc del dev " + vethA() + " root");
        } else if ("nft".equals(lossRule)) {
            sh("ip netns exec " + nsB + " nft delete table netdev shmtel_loss");
        }
        lossRule = null;
    }

    /** Runs a CLI command on host A. */
    Child onA(String name, String... args) throws IOException {
        return start(nsA, dirA, name, args);
    }

    /** Runs a CLI command on host B. */
    Child onB(String name, String... args) throws IOException {
        return start(nsB, dirB, name, args);
    }

    /** Runs a CLI command as given (no --dir added), on loopback. */
    Child raw(String name, String... args) throws IOException {
        return start(null, null, name, args);
    }

    private Child start(String ns, Path dir, String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (ns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", ns));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ShmtelCli.class.getName()));
        if (dir == null) {
            cmd.addAll(List.of(args));
        } else if (args[0].equals("bridge")) {
            cmd.add(args[0]);
            cmd.add(args[1]);
            cmd.add("--dir=" + dir);
            cmd.addAll(List.of(args).subList(2, args.length));
        } else {
            cmd.add(args[0]);
            cmd.add("--dir=" + dir);
            cmd.addAll(List.of(args).subList(1, args.length));
        }
        Path log = logs.resolve(name + "-" + children.size() + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Child c = new Child(name, p, log);
        children.add(c);
        return c;
    }

    /** The logs of every process started, for failure messages. */
    String allLogs() {
        StringBuilder sb = new StringBuilder();
        for (Child c : children) {
            sb.append("---- ").append(c.name).append(" (pid ").append(c.process.pid()).append(")\n").append(c.log());
        }
        return sb.toString();
    }

    static String sh(String... commands) throws Exception {
        StringBuilder all = new StringBuilder();
        for (String command : commands) {
            Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("`" + command + "` failed: " + out.strip());
            }
            all.append(out);
        }
        return all.toString();
    }

    @Override
    public void close() throws Exception {
        for (Child c : children) {
            c.process.destroyForcibly();
        }
        for (Child c : children) {
            c.process.waitFor(10, TimeUnit.SECONDS);
            removeAeronDirectory(c.process.pid());
        }
        if (nsA != null) {
            sh("ip netns del " + nsA + " 2>/dev/null || true", "ip netns del " + nsB + " 2>/dev/null || true");
        }
        ShmDirectory.delete(dirA);
        ShmDirectory.delete(dirB);
        ShmDirectory.delete(logs);
    }

    /** A bridge killed with SIGKILL leaves its Aeron directory: remove it as the next bridge would. */
    static void removeAeronDirectory(long pid) throws IOException {
        Path dir = Path.of("/dev/shm/aeron-shmtel-" + pid);
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** A process of one host. */
    static final class Child {
        final String name;
        final Process process;
        final Path logFile;

        Child(String name, Process process, Path logFile) {
            this.name = name;
            this.process = process;
            this.logFile = logFile;
        }

        String log() {
            try {
                return Files.readString(logFile);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        /** Waits until the log has a line containing {@code text}. */
        void awaitLog(String text, long timeoutMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (!log().contains(text)) {
                assertThat(process.isAlive() || log().contains(text)).as(name + " exited early:\n" + log()).isTrue();
                assertThat(System.currentTimeMillis()).as(name + " did not log \"" + text + "\" in " + timeoutMs
                        + " ms:\n" + log()).isLessThan(deadline);
                Thread.sleep(20);
            }
        }

        /** SIGTERM (a clean stop through the shutdown hook), then waits. */
        int stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).as(name + " did not stop:\n" + log()).isTrue();
            return process.exitValue();
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }

        int await(long seconds) throws InterruptedException {
            assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as(name + " still runs:\n" + log()).isTrue();
            return process.exitValue();
        }
    }
}
