package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Fingerprint;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.testing.NativeTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Python package's reading side (python/shmtel) against Java: its own unit tests (python/tests), its layouts
 * against {@link LayoutCompiler} for every example schema, and real processes paired with a Java writer ({@code
 * shmtel pub --pattern counter}): stream and latest values, lost samples when lapped, the writer states a Python
 * reader sees when the writer is stopped, killed, restarted and closed, torn-checked reads against a flat-out
 * writer, a Python sleeper woken by the Java writer's publish, and {@code python3 -m shmtel ls/echo}.
 */
class PythonReaderTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path SCRIPTS = Path.of("src/test/resources/python-reader").toAbsolutePath();
    static final String ARM = ROOT.resolve("schema/examples/arm.json").toString();
    static final String RECORD = "joint_state";
    /** Torn-checked reads wanted, and the bound on the time they may take (a loaded 2-core machine: ~30 s). */
    static final int TORN_READS = 1_000_000;
    static final int TORN_BOUND_S = 150;
    /** Heartbeat periods after which Python reports STALLED, plus margin: pub's period is 100 ms. */
    static final long STATE_WAIT_S = 20;
    static final ObjectMapper JSON = new ObjectMapper();
    final List<Process> children = new ArrayList<>();
    Path dir;

    @BeforeEach
    void setUp() {
        NativeTools.require("python3");
        dir = ShmDirectory.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (dir != null) { // null: skipped before setUp made it (no python3)
            ShmDirectory.delete(dir);
        }
    }

    /** A child process whose output lines (stdout and stderr together) arrive in a queue. */
    final class Child {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final StringBuffer all = new StringBuffer();

        Child(List<String> command) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
            pb.environment().put("PYTHONPATH", ROOT.resolve("python").toString());
            process = pb.start();
            children.add(process);
            Thread pump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        all.append(line).append('\n');
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            pump.setDaemon(true);
            pump.start();
        }

        /** The next line starting with {@code prefix}, failing after {@code seconds}. */
        String await(String prefix, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertThat(line).as("a line starting with \"%s\" within %d s; output so far:\n%s", prefix, seconds,
                        all).isNotNull();
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }

        void send(String line) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        int exit(long seconds) throws InterruptedException {
            assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as("exited within %d s:\n%s", seconds, all)
                    .isTrue();
            return process.exitValue();
        }
    }

    Child python(String script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("python3", SCRIPTS.resolve(script).toString()));
        command.addAll(List.of(args));
        return new Child(command);
    }

    Child pythonModule(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("python3", "-m", "shmtel"));
        command.addAll(List.of(args));
        return new Child(command);
    }

    /** A Java writer, {@code shmtel pub arm --pattern counter}, once it says it is publishing. */
    Child pub(String... options) throws Exception {
        return pubWith(ARM, options);
    }

    /** {@code shmtel pub arm --pattern counter} with schema file {@code schema}, as a child process. */
    Child pubWith(String schema, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ShmtelCli.class.getName(), "pub", "arm", "--schema", schema, "--pattern", "counter", "--dir",
                dir.toString()));
        command.addAll(List.of(options));
        Child writer = new Child(command);
        writer.await("publishing", 60);
        return writer;
    }

    static JsonNode json(String line) throws IOException {
        return JSON.readTree(line);
    }

    @Test
    void thePackagesOwnUnitTestsPass() throws Exception {
        Child tests = new Child(List.of("python3", "-m", "unittest", "discover", "-s", "python/tests"));
        assertThat(tests.exit(600)).as("python3 -m unittest discover -s python/tests:\n%s", tests.all).isZero();
        assertThat(tests.all.toString()).contains("OK");
    }

    @Test
    void layoutsCanonicalTextsAndFingerprintsAreJavasForEveryExample() throws Exception {
        List<Path> examples;
        try (Stream<Path> files = Files.list(ROOT.resolve("schema/examples"))) {
            examples = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(examples).hasSizeGreaterThanOrEqualTo(8);
        List<Double> rates = new ArrayList<>(List.of(500.0, 333.3, 2.5, 1e-4, 0.001, 0.00099, 1e6, 999999.9999,
                0.1, 1.0 / 3, 123.456e-7));
        Random random = new Random(26);
        for (int i = 0; i < 200; i++) {
            rates.add(Math.pow(10, random.nextDouble() * 14 - 8));
        }
        StringBuilder expected = new StringBuilder();
        for (Path example : examples) {
            Layout layout = LayoutCompiler.compile(SchemaParser.parse(example));
            expected.append(layout.canonicalJson()).append('\n').append(layout.canonicalLayoutText())
                    .append(Fingerprint.hex(layout.fingerprint())).append(' ').append(layout.headerLength())
                    .append(' ').append(layout.regionLength()).append('\n');
            for (RecordLayout r : layout.records()) {
                expected.append(String.join(" ", r.name(), Fingerprint.hex(r.fingerprint()),
                        Long.toString(r.blockOffset()), Long.toString(r.blockLength()),
                        Integer.toString(r.slotLength()), Integer.toString(r.depth()),
                        Integer.toString(r.payloadLength()), r.sync().schemaName(), r.fields().stream()
                                .map(PythonReaderTest::fieldText).collect(Collectors.joining(" ")))).append('\n');
            }
        }
        rates.forEach(rate -> expected.append(rate).append('\n'));
        List<String> args = new ArrayList<>(examples.stream().map(Path::toString).toList());
        args.add("--rates");
        rates.forEach(rate -> args.add(Double.toString(rate)));
        Child dump = python("layout_dump.py", args.toArray(String[]::new));
        assertThat(dump.exit(60)).as(dump.all.toString()).isZero();
        assertThat(dump.all.toString()).isEqualTo(expected.toString());
    }

    private static String fieldText(FieldLayout f) {
        return f.name() + ":" + f.offset() + ":" + f.unit();
    }

    @Test
    void aPythonStreamReadsEveryJavaSampleWholeInOrderAndLatestAgrees() throws Exception {
        int count = 2000;
        Child writer = pub("--rate", "2000", "--count", Integer.toString(count));
        Child reader = python("stream_check.py", dir.toString(), "arm", RECORD, "all", Integer.toString(count));
        JsonNode result = json(reader.await("{", 120));
        assertThat(writer.exit(60)).isZero();
        assertThat(result.get("torn").asLong()).as(result.toString()).isZero();
        assertThat(result.get("out_of_order").asLong()).as(result.toString()).isZero();
        assertThat(result.get("unaccounted").asLong()).as("every gap counted lost: " + result).isZero();
        assertThat(result.get("last").asLong()).isEqualTo(count - 1);
        assertThat(result.get("read").asLong() + result.get("lost").asLong() - result.get("lost_before_first").asLong())
                .as("each index from the first read on read or counted lost: " + result)
                .isEqualTo(count - result.get("first").asLong());
        assertThat(result.get("latest").asLong()).isEqualTo(count - 1);
        assertThat(result.get("latest_equals_stream").asBoolean()).as(result.toString()).isTrue();
    }

    @Test
    void aPythonStreamLappedByAFlatOutJavaWriterCountsWhatItLost() throws Exception {
        pub("--rate", "0");
        Child reader = python("stream_check.py", dir.toString(), "arm", RECORD, "lapped", "0");
        JsonNode result = json(reader.await("{", 120));
        long first = result.get("first").asLong();
        long second = result.get("second").asLong();
        assertThat(result.get("whole").asBoolean()).as(result.toString()).isTrue();
        assertThat(result.get("lost").asLong()).as(result.toString()).isPositive().isEqualTo(second - first - 1);
    }

    @Test
    void aPythonReaderSeesStalledDeadRestartedAndClosedJavaWriters() throws Exception {
        Child writer = pub("--rate", "100");
        Child reader = python("states.py", dir.toString(), "arm");
        reader.await("open", 60);
        awaitState(reader, "LIVE 1");
        signal(writer.process, "STOP");
        awaitState(reader, "STALLED 1");
        signal(writer.process, "CONT");
        awaitState(reader, "LIVE 1");
        writer.process.destroyForcibly(); // SIGKILL
        writer.exit(30);
        awaitState(reader, "WRITER_DEAD 1");
        Child restarted = pub("--rate", "100");
        awaitState(reader, "LIVE 2");
        restarted.process.destroy(); // SIGTERM: pub's shutdown hook closes the region
        restarted.exit(30);
        awaitState(reader, "CLOSED 2");
    }

    private void awaitState(Child reader, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STATE_WAIT_S);
        String seen = null;
        while (System.nanoTime() < deadline) {
            reader.send("state");
            seen = reader.await("", 30);
            if (seen.equals(expected)) {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(seen).as("the Python reader's state and epoch").isEqualTo(expected);
    }

    private static void signal(Process p, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    @Test
    void aMillionTornCheckedPythonReadsOfAFlatOutJavaWriterAreAllWhole() throws Exception {
        // A deep ring, as the C and C++ torn tests use: at depth 8 a flat-out writer on the other core rewrites the
        // newest slot every few hundred nanoseconds, so most of Python's ~10 us copies were retried (contended),
        // and on a quiet 2-core machine 10^6 checked reads did not finish within the bound.
        Path deep = dir.resolve("arm_deep.json");
        Files.writeString(deep, Files.readString(Path.of(ARM)).replace("\"depth\": 8,", "\"depth\": 1024,"));
        assertThat(Files.readString(deep)).contains("\"depth\": 1024,");
        pubWith(deep.toString(), "--rate", "0");
        Child reader = python("torn.py", dir.toString(), "arm", RECORD, Integer.toString(TORN_READS),
                Integer.toString(TORN_BOUND_S));
        JsonNode result = json(reader.await("{", TORN_BOUND_S + 60));
        System.out.println("Python torn-checked reads against a flat-out Java writer: " + result);
        assertThat(result.get("torn").asLong()).as(result.toString()).isZero();
        assertThat(result.get("distinct").asLong()).as("the writer moved on while Python read: " + result)
                .isGreaterThan(1);
        assertThat(result.get("reads").asLong()).as("reads within %d s: %s", TORN_BOUND_S, result)
                .isEqualTo(TORN_READS);
    }

    @Test
    void aPythonSleeperSleepsInTheFutexUntilTheJavaWriterPublishes() throws Exception {
        pub("--rate", "0.25"); // sample 0 now, sample 1 four seconds later
        Child sleeper = python("sleeper.py", dir.toString(), "arm", RECORD);
        String sleeping = sleeper.await("sleeping", 60);
        assertThat(sleeping).as("sleeps rather than polls").endsWith("True");
        Path syscall = Path.of("/proc", Long.toString(sleeper.process.pid()), "syscall");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String[] call = {};
        while (System.nanoTime() < deadline) {
            call = Files.readString(syscall).trim().split(" ");
            if (call.length > 2 && call[0].equals("202") && call[2].equals("0x0")) {
                break; // futex(published, FUTEX_WAIT, shared)
            }
            Thread.sleep(5);
        }
        assertThat(call).as("the sleeper's system call (/proc/PID/syscall)").startsWith("202").contains("0x0");
        JsonNode woken = json(sleeper.await("{", 60));
        assertThat(woken.get("woken").asBoolean()).as(woken.toString()).isTrue();
        assertThat(woken.get("after").asLong()).as(woken.toString()).isGreaterThan(woken.get("before").asLong());
        assertThat(sleeper.exit(30)).isZero();
    }

    @Test
    void theReadingExampleOfDocsPythonMdRuns() throws Exception {
        String doc = Files.readString(ROOT.resolve("docs/python.md"));
        int section = doc.indexOf("\n## Reading\n");
        assertThat(section).as("docs/python.md has a \"## Reading\" section").isNotNegative();
        int start = doc.indexOf("```python\n", section);
        int end = doc.indexOf("\n```\n", start);
        assertThat(start).as("a python block in the Reading section").isPositive();
        Path example = dir.resolve("reading_example.py");
        Files.writeString(example, doc.substring(start + "```python\n".length(), end + 1));
        pub("--rate", "200");
        ProcessBuilder pb = new ProcessBuilder("python3", example.toString()).directory(ROOT.toFile())
                .redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", ROOT.resolve("python").toString());
        pb.environment().put("SHMTEL_DIR", dir.toString());
        Process p = pb.start();
        children.add(p);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.lines().findFirst()).hasValue("LIVE");
        assertThat(out).contains("joint_state 8 [('position', 'f64', 6, 'rad'), ", "lost ", "\nnew ");
        assertThat(out.lines().filter(l -> l.startsWith("stream "))).hasSize(10);
    }

    @Test
    void pythonShmtelLsAndEchoReadAJavaRegion() throws Exception {
        Child writer = pub("--rate", "0", "--count", "50");
        assertThat(writer.exit(60)).isZero();
        Child ls = pythonModule("ls", "--dir", dir.toString());
        assertThat(ls.exit(60)).as(ls.all.toString()).isZero();
        assertThat(ls.all.toString()).containsPattern("arm +arm v1 +CLOSED +1 +\\d+ +joint_state\\(50\\)");
        Child echo = pythonModule("echo", "arm", RECORD, "--from-oldest", "--count", "8", "--check", "--timeout",
                "30", "--dir", dir.toString());
        assertThat(echo.exit(60)).as(echo.all.toString()).isZero();
        String out = echo.all.toString();
        assertThat(out).contains("joint_state #42 t=", "position=[49.0, 49.0, 49.0, 49.0, 49.0, 49.0] rad ",
                "status=49 frame_id=\"49\"", "checked 8 samples, 0 off the counter pattern");
        assertThat(out.lines().filter(l -> l.startsWith("joint_state #"))).hasSize(8);
    }
}
