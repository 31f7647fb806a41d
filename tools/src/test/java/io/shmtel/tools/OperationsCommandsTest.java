package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.Publisher;
import io.shmtel.core.RegionChild;
import io.shmtel.core.region.ProcessInfo;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** gc, doctor, stat, top and completion against real regions, including a writer killed in another JVM. */
@SuppressWarnings("try")
class OperationsCommandsTest {
    static final String ALL_TYPES = Path.of("../schema/examples/all_types.json").toAbsolutePath().toString();
    static final Layout ARM = LayoutCompiler.compile(SchemaParser.parse(Path.of("../schema/examples/arm.json")));
    Path dir;
    RegionOptions options;
    final List<Process> children = new ArrayList<>();

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
        options = ShmDirectory.options(dir);
    }

    @AfterEach
    void removeDir() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        ShmDirectory.delete(dir);
    }

    CliTest.Result shmtel(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--dir=" + dir));
        all.addAll(List.of(args));
        return CliTest.run(all.toArray(String[]::new));
    }

    /** A writer in another JVM, killed with SIGKILL once it published: its region is left behind, dead. */
    void deadRegion(String name) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RegionChild.class.getName(), "publish", dir.toString(), name, ALL_TYPES, "every_type", "60")
                .redirectErrorStream(true).start();
        children.add(p);
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).startsWith("ready");
        p.destroyForcibly();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(6 * 20 + 50); // past 5 heartbeat periods of 20 ms: stale
    }

    @Test
    void gcRemovesDeadAndUnreadableRegionsAndKeepsLiveStalledAndClosedOnes() throws Exception {
        try (Publisher live = Publisher.create("live", ARM, options);
                Publisher stalled = Publisher.create("stalled", ARM, options.withHeartbeatThread(false))) {
            Publisher.create("closed", ARM, options).close();
            deadRegion("dead");
            Files.writeString(dir.resolve("shmtel.junk"), "not a region");

            CliTest.Result dry = shmtel("gc", "--dry-run");
            assertThat(dry.code()).isZero();
            assertThat(dry.out()).contains("kept     closed (closed cleanly; --closed removes it)",
                    "would remove dead (writer pid ", "would remove junk (unreadable and without a writer: ",
                    "kept     live (a writer holds its lock)", "kept     stalled (a writer holds its lock)",
                    "would remove 2, kept 3");
            assertThat(options.regionDirectory().list()).containsExactlyInAnyOrder("closed", "dead", "junk", "live",
                    "stalled");

            CliTest.Result gc = shmtel("gc");
            assertThat(gc.out()).contains("removed dead (writer pid ", "removed 2, kept 3");
            assertThat(options.regionDirectory().list()).containsExactlyInAnyOrder("closed", "live", "stalled");
            assertThat(shmtel("gc", "--closed").out()).contains("removed closed (closed cleanly)", "removed 1, kept 2");
            assertThat(options.regionDirectory().list()).containsExactlyInAnyOrder("live", "stalled");
        }
    }

    @Test
    void serveListensForItsDurationAndAPortInUseIsExit14() throws Exception {
        CliTest.Result ok = shmtel("serve", "--port", "0", "--duration", "0.5");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.err()).contains("serving every region of " + dir + " on ws://127.0.0.1:", "http://127.0.0.1:",
                "at most 1000 messages/s per channel");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliTest.Result busy = shmtel("serve", "--port", Integer.toString(taken.getLocalPort()), "--duration", "1");
            assertThat(busy.code()).isEqualTo(ExitCodes.CANNOT_LISTEN);
            assertThat(busy.err()).contains("shmtel serve: cannot listen on 127.0.0.1:" + taken.getLocalPort(),
                    "pick another port with --port");
        }
        CliTest.Result badRate = shmtel("serve", "--max-rate", "-5");
        assertThat(badRate.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(badRate.err()).contains("shmtel serve: invalid value for option '--max-rate': -5: expected a "
                + "finite rate in Hz >= 0 (0: no limit)");
        CliTest.Result badTarget = shmtel("serve", "arm/");
        assertThat(badTarget.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(badTarget.err()).contains("\"arm/\" is not REGION or REGION/RECORD");
    }

    /** Issue 23, hole 12: serve refuses WebSockets of other sites' pages unless --allow-origin names them. */
    @Test
    void serveAllowOriginLetsThatSitesPagesConnect() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        CompletableFuture<CliTest.Result> serve = CompletableFuture.supplyAsync(
                () -> shmtel("serve", "--port", Integer.toString(port), "--duration", "4", "--allow-origin",
                        "https://evil.example", "--allow-origin", "http://viewer.example:8080"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String evil = null;
        while (evil == null) {
            try {
                evil = handshake(port, "https://evil.example");
            } catch (ConnectException notYet) {
                assertThat(System.nanoTime() - deadline).as("serve listening on " + port).isNegative();
                Thread.sleep(50);
            }
        }
        assertThat(evil).startsWith("HTTP/1.1 101");
        assertThat(handshake(port, "http://viewer.example:8080")).startsWith("HTTP/1.1 101");
        assertThat(handshake(port, "https://other.example")).startsWith("HTTP/1.1 403");
        CliTest.Result served = serve.get(60, TimeUnit.SECONDS);
        assertThat(served.code()).as(served.err()).isZero();
        assertThat(served.err()).contains("web pages of https://evil.example, http://viewer.example:8080 may connect",
                "refused a WebSocket from a web page of origin https://other.example (",
                "to allow it, serve with --allow-origin https://other.example");

        CliTest.Result bad = shmtel("serve", "--allow-origin", "https://evil.example/page");
        assertThat(bad.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(bad.err()).contains("shmtel serve: --allow-origin \"https://evil.example/page\" is not an origin: an"
                + " origin is scheme://host[:port], without a path");
    }

    /** The status line of the server's answer to a WebSocket upgrade from a page of {@code origin}. */
    static String handshake(int port, String origin) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: "
                            + "13\r\n"
                    + "Sec-WebSocket-Protocol: foxglove.websocket.v1\r\nOrigin: " + origin + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void doctorNamesEachProblemWithItsFix() throws Exception {
        CliTest.Result clean = shmtel("doctor");
        assertThat(clean.out()).contains("ok    region directory " + dir + ": tmpfs");
        assertThat(clean.out()).contains("no problems found");
        assertThat(clean.code()).isZero();

        Publisher.create("open", ARM, options).close();
        Files.setPosixFilePermissions(options.regionDirectory().file("open"),
                PosixFilePermissions.fromString("rw-rw-rw-"));
        deadRegion("dead");
        Files.createSymbolicLink(dir.resolve("shmtel.link"), dir.resolve("shmtel.open"));
        CliTest.Result doctor = shmtel("doctor");
        assertThat(doctor.code()).isEqualTo(ExitCodes.DOCTOR_PROBLEMS);
        assertThat(doctor.out()).contains(
                "warn  region dead: its writer (pid ",
                "fix: shmtel gc removes dead regions",
                "FAIL  region link: " + dir.resolve("shmtel.link") + " is a symbolic link; shmtel never follows one",
                "FAIL  region open: mode 0666 lets other users write it",
                "fix: chmod go-w " + dir.resolve("shmtel.open"),
                "3 problems found");
        CliTest.Result json = shmtel("doctor", "--json");
        assertThat(json.out().lines()).allMatch(l -> l.startsWith("{\"level\":\""));
    }

    @Test
    void doctorWeighsTheMemlockLimitAgainstTheRegionsADeploymentLocks() throws Exception {
        Path schema = Path.of("../schema/examples/arm.json").toAbsolutePath().normalize();
        Path file = dir.resolve("locks.json");
        Files.writeString(file, "{\"deployment\": \"locks\", \"regions\": [{\"name\": \"arm\", \"schema\": \"" + schema
                + "\", \"memory\": {\"lock\": true, \"prefault\": true}}, {\"name\": \"free\", \"schema\": \"" + schema
                + "\"}], \"nodes\": [{\"name\": \"n\", \"drivers\": [{\"type\": \"sim-arm\", \"region\": \"arm\"}]}]}");
        CliTest.Result doctor = shmtel("doctor", file.toString());
        assertThat(doctor.out()).contains("ok    memory locking: deployment " + file
                + " locks 1 region [arm] needs 8 KiB;"
                + " RLIMIT_MEMLOCK is ");
        boolean root = ProcessInfo.currentUid() == 0;
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit"))
                && (!root || Files.isExecutable(Path.of("/usr/bin/setpriv"))), "needs prlimit (and setpriv as root)");
        List<String> command = new ArrayList<>();
        if (root) {
            command.addAll(List.of("setpriv", "--bounding-set=-ipc_lock", "--inh-caps=-ipc_lock"));
        }
        command.addAll(List.of("prlimit", "--memlock=4096:4096",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                        ShmtelCli.class.getName(),
                "doctor", "--dir=" + dir, file.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("FAIL  memory locking: deployment " + file + " locks 1 region [arm] needs 8 KiB;"
                + " RLIMIT_MEMLOCK is 4 KiB: locking fails",
                        "fix: raise the limit for the processes that lock (ulimit -l 9");
        assertThat(p.exitValue()).isEqualTo(ExitCodes.DOCTOR_PROBLEMS);
    }

    @Test
    void doctorReadsLogindsRemoveIpc() throws IOException {
        Path etc = dir.resolve("etc");
        Files.createDirectories(etc.resolve("systemd/logind.conf.d"));
        Files.writeString(etc.resolve("systemd/logind.conf"), "[Login]\n#RemoveIPC=yes\n");
        Files.writeString(etc.resolve("systemd/logind.conf.d/10-shm.conf"), "[Login]\nRemoveIPC=no\n");
        Path run = Files.createDirectories(dir.resolve("run-systemd"));
        DoctorCommand doctor = new DoctorCommand();
        doctor.etc = etc;
        doctor.runSystemd = run;
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(doctor);
        cli.setOut(new PrintWriter(out));
        cli.execute("--dir=" + dir);
        assertThat(out.toString()).contains("ok    systemd-logind RemoveIPC: no ("
                + etc.resolve("systemd/logind.conf.d/10-shm.conf"));
    }

    @Test
    void statMeasuresRateLossAndLatencyAndTopListsEveryRecord() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (Publisher publisher = Publisher.create("fast", ARM, options)) {
            Thread writer = new Thread(() -> {
                RingWriter sink = publisher.sink("joint_state");
                DynamicWriter w = new DynamicWriter(sink, ARM.record("joint_state").orElseThrow());
                long start = System.nanoTime();
                for (long k = 0; !stop.get(); k++) {
                    long due = start + k * 2_000_000L; // 500 Hz
                    while (System.nanoTime() < due) {
                        LockSupport.parkNanos(100_000);
                    }
                    CounterPattern.fill(w, sink.nextSampleIndex());
                    w.commit();
                }
            });
            writer.start();
            try {
                CliTest.Result stat = shmtel("stat", "fast", "--count", "2", "--interval", "0.5", "--json");
                assertThat(stat.code()).as(stat.err()).isZero();
                List<String> lines = stat.out().lines().toList();
                assertThat(lines).hasSize(2);
                String last = lines.get(1);
                System.out.println("stat: " + last);
                assertThat(last).startsWith("{\"region\":\"fast\",\"record\":\"joint_state\",\"state\":\"LIVE\"")
                        .contains("\"nominalRateHz\":500.0", "\"lost\":");
                double rate = Double.parseDouble(last.replaceAll(".*\"rateHz\":([0-9.]+).*", "$1"));
                assertThat(rate).as("measured rate of a 500 Hz writer").isBetween(300.0, 560.0);
                long read = Long.parseLong(last.replaceAll(".*\"read\":(\\d+).*", "$1"));
                assertThat(read).isPositive();
                // Every sample of the interval was read or counted lost (a reader descheduled for
                // longer than the ring's depth loses some: that is scheduling, not a failure).
                long lost = Long.parseLong(last.replaceAll(".*\"lost\":(\\d+).*", "$1"));
                assertThat((double) (read + lost)).as("read + lost against rate x interval")
                        .isBetween(0.8 * rate * 0.5, 1.2 * rate * 0.5);
                long p50 = Long.parseLong(last.replaceAll(".*\"latencyP50Ns\":(\\d+).*", "$1"));
                assertThat(p50).as("publish-to-observe p50").isPositive().isLessThan(Duration.ofMillis(100).toNanos());

                CliTest.Result text = shmtel("stat", "--count", "1", "--interval", "0.2");
                assertThat(text.out()).contains("REGION", "LAT p50", "fast", "joint_state", "LIVE");

                CliTest.Result top = shmtel("top", "--count", "2", "--interval", "0.3");
                assertThat(top.code()).isZero();
                String lastFrame = top.out().split("\n\n")[1];
                assertThat(lastFrame).contains("fast", "joint_state", "LIVE", "500.0");
            } finally {
                stop.set(true);
                writer.join();
            }
        }
    }

    @Test
    void statOfAMissingRegionSaysSo() {
        CliTest.Result stat = shmtel("stat", "--count", "1");
        assertThat(stat.code()).isEqualTo(ExitCodes.REGION_NOT_FOUND);
        assertThat(stat.err()).contains("shmtel stat: no regions in " + dir);
    }

    @Test
    void completionPrintsAValidBashScriptCoveringTheCommands() throws Exception {
        CliTest.Result completion = CliTest.run("completion", "bash");
        assertThat(completion.code()).isZero();
        assertThat(completion.out()).contains("complete -F", "validate", "echo", "stat", "doctor", "--dir");
        Path script = dir.resolve("shmtel.bash-completion");
        Files.writeString(script, completion.out());
        Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        String errors = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as(errors).isZero();
    }
}
