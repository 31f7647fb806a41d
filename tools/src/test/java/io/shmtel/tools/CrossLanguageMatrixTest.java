package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.gen.CGenerator;
import io.shmtel.schema.gen.CppGenerator;
import io.shmtel.schema.gen.GeneratedFile;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.testing.CCounterPattern;
import io.shmtel.schema.testing.Examples;
import io.shmtel.schema.testing.Gcc;
import io.shmtel.schema.testing.NativeTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 26's cross-language matrix: each language's writer meets each language's reader, process to process on a
 * real region (all_types' every_type, the counter pattern of each sample's index), and every reader says the same
 * values and the same writer states: LIVE, STALLED under SIGSTOP, LIVE after SIGCONT, CLOSED after SIGTERM (each
 * writer closes cleanly), LIVE again when a writer restarts (a takeover in place: epoch + 1, the numbering
 * continued), WRITER_DEAD after SIGKILL and LIVE after the next restart. Then each writer wakes each native sleeper
 * (C, C++, Python) asleep in the futex, and the mailbox goes between C and Python both ways.
 *
 * <p>Every side speaks one line protocol (the resources under io/shmtel/tools/matrix: matrix.c, matrix.cpp,
 * matrix_child.py; Java: {@link JavaWriter} as a child JVM, the Java reader on a thread of this JVM): a writer
 * says {@code ready epoch=E first=K}, publishes sample K and on (every {@value #GAP_US} us) until SIGTERM; a reader
 * says {@code open 0}, then {@code state NAME} at each change and {@code sample K ok|bad} for each sample of its
 * stream (in order from the oldest the ring held; bad: not the counter pattern of K). The C and C++ programs are
 * compiled once for the class (gcc and g++, strict); a missing gcc, g++ or python3 skips only the cases that need
 * it ({@link NativeTools}).
 */
class CrossLanguageMatrixTest {
    /** The sides of the matrix, with the native tool each needs (Java needs none). */
    enum Lang {
        JAVA(null), C("gcc"), CPP("g++"), PYTHON("python3");

        final String tool;

        Lang(String tool) {
            this.tool = tool;
        }
    }

    static final Path SCHEMA = Examples.example("all_types.json").toAbsolutePath();
    static final Path COMMANDS = Examples.example("commands.json").toAbsolutePath();
    static final String RECORD = "every_type";
    static final String MAILBOX = "arm_command";
    static final Path PYTHON_PACKAGE = Path.of("../python").toAbsolutePath().normalize();
    static final Path PYTHON_WRITER_CHILD = PYTHON_PACKAGE.resolve("tests/writer_child.py");
    /** The writers' heartbeat period in the state cases: readers say STALLED after 5 unbeaten periods. */
    static final int PERIOD_MS = 50;
    /**
     * The writers' heartbeat period in the sleeper cases: longer than the wait allowed for a wake-up, so that a
     * sleeper which wakes only at its periodic liveness check (Python's wait does one every period) fails.
     */
    static final int SLEEPER_PERIOD_MS = 30_000;
    /** How long a woken sleeper may take to say so (well under {@link #SLEEPER_PERIOD_MS}). */
    static final int WAKE_PATIENCE_S = 15;
    /** Between two samples of a writer, microseconds. */
    static final int GAP_US = 2000;
    /** Samples each writer run publishes (at least) while the reader reads, each checked whole. */
    static final int SAMPLES_PER_RUN = 50;
    /** The most any awaited line may take (a loaded machine starts a JVM slowly). */
    static final int PATIENCE_S = 30;
    /** Messages through the mailbox in each direction. */
    static final int MESSAGES = 100;
    static final String X86_64_FUTEX = "202";
    static final String AARCH64_FUTEX = "98";

    static Path cBinary;
    static Path cppBinary;
    static Path pythonChild;

    Path dir;
    RegionOptions options;
    final List<Process> children = new ArrayList<>();
    final List<Thread> javaReaders = new ArrayList<>();
    volatile boolean stopReaders;

    /** Generates the headers and compiles the C and C++ programs once, where their compiler is installed. */
    @BeforeAll
    static void build(@TempDir Path build) throws Exception {
        Layout allTypes = layout(SCHEMA);
        Layout commands = layout(COMMANDS);
        String every = CCounterPattern.functions(allTypes.record(RECORD).orElseThrow(), "all_types_every_type_t",
                "every");
        String command = CCounterPattern.functions(commands.record(MAILBOX).orElseThrow(), "commands_arm_command_t",
                "cmd");
        pythonChild = resource(build, "matrix_child.py");
        if (NativeTools.available("gcc")) {
            Path c = Files.createDirectory(build.resolve("c"));
            new CGenerator(allTypes).generate().get(0).writeTo(c);
            new CGenerator(commands).generate().get(0).writeTo(c);
            Files.writeString(c.resolve("pattern.h"), every + command, StandardCharsets.UTF_8);
            List<String> flags = new ArrayList<>(Gcc.STRICT_C11);
            flags.addAll(List.of("-D_DEFAULT_SOURCE", "-pthread")); // usleep, access, mmap
            cBinary = Gcc.compile(c, resource(c, "matrix.c"), "matrix", flags);
        }
        if (NativeTools.available("g++")) {
            Path cpp = Files.createDirectory(build.resolve("cpp"));
            for (GeneratedFile f : new CppGenerator(allTypes).generate()) {
                f.writeTo(cpp);
            }
            Files.writeString(cpp.resolve("pattern.h"), every, StandardCharsets.UTF_8);
            List<String> flags = new ArrayList<>(Gcc.STRICT_CXX17);
            flags.add("-pthread");
            cppBinary = Gcc.compile("g++", cpp, resource(cpp, "matrix.cpp"), "matrix", flags);
        }
    }

    /** Copies resource matrix/{@code name} of this package into {@code dir}. */
    static Path resource(Path dir, String name) throws IOException {
        try (InputStream in = CrossLanguageMatrixTest.class.getResourceAsStream("matrix/" + name)) {
            assertThat(in).as("resource matrix/%s", name).isNotNull();
            Path file = dir.resolve(name);
            Files.write(file, in.readAllBytes());
            return file;
        }
    }

    static Layout layout(Path schema) throws IOException {
        return LayoutCompiler.compile(SchemaParser.parse(Files.readString(schema), schema.toString()));
    }

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
        options = ShmDirectory.options(dir);
    }

    @AfterEach
    void cleanUp() throws Exception {
        stopReaders = true;
        try {
            for (Thread t : javaReaders) {
                t.join(TimeUnit.SECONDS.toMillis(PATIENCE_S));
            }
            for (Process p : children) {
                p.destroyForcibly();
                p.waitFor(PATIENCE_S, TimeUnit.SECONDS);
            }
        } finally {
            ShmDirectory.delete(dir);
        }
    }

    /** The gate of a case: the native tool of each side it runs (Java needs none). */
    static void need(Lang... sides) {
        for (Lang side : sides) {
            if (side.tool != null) {
                NativeTools.require(side.tool);
            }
        }
    }

    /**
     * The lines a side says, as they come (from a child's output, or from the Java reader's thread): {@link #await}
     * takes them in order with a deadline; {@link #all} keeps every one.
     */
    static final class Lines {
        final String who;
        final Process process;
        final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        final List<String> all = Collections.synchronizedList(new ArrayList<>());

        Lines(String who, Process process) {
            this.who = who;
            this.process = process;
            if (process != null) {
                Thread pump = new Thread(() -> pump(process.getInputStream()), "lines of " + who);
                pump.setDaemon(true);
                pump.start();
            }
        }

        private void pump(InputStream in) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    add(line);
                }
            } catch (IOException ignored) {
                // the process is gone: its lines so far are all there is
            }
        }

        void add(String line) {
            all.add(line);
            queue.add(line);
        }

        /** Forgets the lines said so far (they stay in {@link #all}). */
        void drain() {
            queue.clear();
        }

        /** The next line starting with {@code prefix} (earlier ones are skipped), failing after PATIENCE_S. */
        String await(String prefix) throws InterruptedException {
            return await(prefix, PATIENCE_S);
        }

        String await(String prefix, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() - deadline < 0) {
                String line = queue.poll(10, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new AssertionError(who + " did not say \"" + prefix + "...\" within " + seconds + " s; it said "
                    + tail() + (process == null || process.isAlive() ? "" : " and exited " + process.exitValue()));
        }

        /** The next sample line of an index at least {@code min}; its index. */
        long awaitSample(long min) throws InterruptedException {
            while (true) {
                long k = Long.parseLong(await("sample ").split(" ")[1]);
                if (k >= min) {
                    return k;
                }
            }
        }

        /** The last lines said, for messages. */
        List<String> tail() {
            synchronized (all) {
                return new ArrayList<>(all.subList(Math.max(0, all.size() - 40), all.size()));
            }
        }

        @Override
        public String toString() {
            return who;
        }
    }

    ProcessBuilder builder(List<String> command) {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        b.environment().put("SHMTEL_DIR", dir.toString());
        b.environment().put("PYTHONPATH", PYTHON_PACKAGE.toString());
        return b;
    }

    Lines start(String who, List<String> command) throws IOException {
        Process p = builder(command).start();
        children.add(p);
        return new Lines(who + " (pid " + p.pid() + ")", p);
    }

    /** A writer of {@code lang} publishing region {@code name}; {@code go}: a file to wait for, or "-". */
    Lines writer(Lang lang, String name, int periodMs, String go) throws IOException {
        String period = Integer.toString(periodMs);
        String gap = Integer.toString(GAP_US);
        List<String> command = switch (lang) {
            case JAVA -> List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                    System.getProperty("java.class.path"), JavaWriter.class.getName(), dir.toString(), name,
                    SCHEMA.toString(), period, gap, go);
            case C -> List.of(cBinary.toString(), "writer", name, period, gap, go);
            case CPP -> List.of(cppBinary.toString(), "writer", name, period, gap, go);
            case PYTHON -> List.of("python3", pythonChild.toString(), "writer", name, SCHEMA.toString(), period, gap,
                    go);
        };
        return start(lang + " writer", command);
    }

    /** A reader of {@code lang} of region {@code name}: Java on a thread of this JVM, the others as processes. */
    Lines reader(Lang lang, String name) throws IOException {
        return switch (lang) {
            case JAVA -> javaReader(name);
            case C -> start("C reader", List.of(cBinary.toString(), "reader", name));
            case CPP -> start("C++ reader", List.of(cppBinary.toString(), "reader", name));
            case PYTHON -> start("Python reader", List.of("python3", pythonChild.toString(), "reader", name));
        };
    }

    /** The Java side of the reader protocol: a Subscriber's state and its stream from the oldest, every ms. */
    Lines javaReader(String name) {
        Lines lines = new Lines("Java reader", null);
        Thread t = new Thread(() -> {
            try (Subscriber s = Subscriber.open(name, RECORD, options)) {
                DynamicView view = new DynamicView(s.record());
                lines.add("open 0");
                WriterState previous = null;
                s.seekToOldest();
                while (!stopReaders) {
                    WriterState state = s.state();
                    if (state != previous) {
                        lines.add("state " + state.name());
                        previous = state;
                    }
                    while (s.poll(view)) {
                        lines.add("sample " + view.sampleIndex() + (CounterPattern.check(view) ? " ok" : " bad"));
                    }
                    Thread.sleep(1);
                }
            } catch (Exception | AssertionError e) {
                lines.add("error " + e);
            }
        }, "Java reader of " + name);
        t.setDaemon(true);
        javaReaders.add(t);
        t.start();
        return lines;
    }

    /** A sleeper of {@code lang} ({@code C}, {@code CPP}, {@code PYTHON}) waiting for region {@code name}'s next. */
    Lines sleeper(Lang lang, String name) throws IOException {
        String timeout = Long.toString(2L * SLEEPER_PERIOD_MS);
        return switch (lang) {
            case C -> start("C sleeper", List.of(cBinary.toString(), "sleep", name, timeout));
            case CPP -> start("C++ sleeper", List.of(cppBinary.toString(), "sleep", name, timeout));
            case PYTHON -> start("Python sleeper", List.of("python3", pythonChild.toString(), "sleep", name,
                    timeout));
            case JAVA -> throw new IllegalArgumentException("Java sleepers are PythonWriterTest's and"
                    + " CrossLanguageTest's");
        };
    }

    static void signal(String signal, Lines side) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(side.process.pid())).start();
        assertThat(kill.waitFor(PATIENCE_S, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %s", signal, side).isZero();
    }

    static void awaitExit(Lines side) throws InterruptedException {
        assertThat(side.process.waitFor(PATIENCE_S, TimeUnit.SECONDS)).as("%s ended: %s", side, side.tail())
                .isTrue();
    }

    /** Its "ready epoch=E first=K": K, after checking E. */
    static long ready(Lines writer, long epoch) throws InterruptedException {
        String line = writer.await("ready");
        assertThat(line).as("%s", writer).startsWith("ready epoch=" + epoch + " first=");
        return Long.parseLong(line.substring(line.indexOf("first=") + "first=".length()));
    }

    static Stream<Arguments> pairs() {
        return Arrays.stream(Lang.values()).flatMap(w -> Arrays.stream(Lang.values()).map(r -> Arguments.of(w, r)));
    }

    /**
     * Writer {@code w} and reader {@code r}: the reader's stream delivers whole samples in increasing order, and
     * the reader says each state the writer's fate gives it; each restart takes the region over in place (epoch +
     * 1) past every sample the reader saw.
     */
    @ParameterizedTest(name = "{0} writer, {1} reader")
    @MethodSource("pairs")
    void aReaderSeesAWritersValuesAndStates(Lang w, Lang r) throws Exception {
        need(w, r);
        String name = "mx";
        Lines first = writer(w, name, PERIOD_MS, "-");
        assertThat(ready(first, 1)).isZero();
        Lines reader = reader(r, name);
        assertThat(reader.await("open")).isEqualTo("open 0");
        reader.await("state LIVE");
        long seen = reader.awaitSample(SAMPLES_PER_RUN);

        reader.drain();
        signal("STOP", first);
        reader.await("state STALLED");
        reader.drain();
        signal("CONT", first);
        reader.await("state LIVE");
        reader.drain();
        signal("TERM", first);
        reader.await("state CLOSED");
        awaitExit(first);

        reader.drain();
        Lines second = writer(w, name, PERIOD_MS, "-");
        long resumed = ready(second, 2);
        assertThat(resumed).as("the numbering continued").isGreaterThan(seen);
        reader.await("state LIVE");
        seen = reader.awaitSample(resumed + SAMPLES_PER_RUN);
        reader.drain();
        signal("KILL", second);
        reader.await("state WRITER_DEAD");
        awaitExit(second);

        reader.drain();
        Lines third = writer(w, name, PERIOD_MS, "-");
        resumed = ready(third, 3);
        assertThat(resumed).as("past the dead writer's samples").isGreaterThan(seen);
        reader.await("state LIVE");
        reader.awaitSample(resumed + SAMPLES_PER_RUN);
        reader.drain();
        signal("TERM", third);
        reader.await("state CLOSED");
        awaitExit(third);

        List<String> samples;
        synchronized (reader.all) {
            samples = reader.all.stream().filter(l -> l.startsWith("sample ")).toList();
        }
        assertThat(samples).as("every sample whole").allSatisfy(l -> assertThat(l).endsWith(" ok"));
        List<Long> indexes = samples.stream().map(l -> Long.parseLong(l.split(" ")[1])).toList();
        assertThat(IntStream.range(1, indexes.size()).filter(i -> indexes.get(i) <= indexes.get(i - 1)).boxed()
                .map(i -> indexes.get(i - 1) + " then " + indexes.get(i)).collect(Collectors.toList()))
                .as("the stream in increasing order").isEmpty();
        assertThat(reader.all).as("no error").noneMatch(l -> l.startsWith("error"));
    }

    static Stream<Arguments> wakeUps() {
        return Arrays.stream(Lang.values()).flatMap(w -> Stream.of(Lang.C, Lang.CPP, Lang.PYTHON)
                .map(s -> Arguments.of(w, s)));
    }

    /**
     * A sleeper asleep in the futex (its slot in the record's sleeper words, {@code wait} with a timeout of twice
     * the writer's long heartbeat period) is woken by the writer's next publish, long before it would look again on
     * its own.
     */
    @ParameterizedTest(name = "{0} writer wakes a {1} sleeper")
    @MethodSource("wakeUps")
    void aWritersPublishWakesASleeper(Lang w, Lang s) throws Exception {
        need(w, s);
        Path go = dir.resolve("go");
        Lines writer = writer(w, "wake", SLEEPER_PERIOD_MS, go.toString());
        ready(writer, 1);
        Lines sleeper = sleeper(s, "wake");
        assertThat(sleeper.await("waiting")).isEqualTo("waiting asleep");
        awaitInFutex(sleeper);
        Files.createFile(go);
        assertThat(sleeper.await("woken", WAKE_PATIENCE_S)).isEqualTo("woken 1");
        awaitExit(sleeper);
    }

    /** Waits until {@code side} sleeps in the futex system call (state S, /proc/PID/syscall: its main thread). */
    static void awaitInFutex(Lines side) throws Exception {
        String futex = "aarch64".equals(System.getProperty("os.arch")) ? AARCH64_FUTEX : X86_64_FUTEX;
        Path stat = Path.of("/proc", Long.toString(side.process.pid()), "stat");
        Path syscall = Path.of("/proc", Long.toString(side.process.pid()), "syscall");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_S);
        while (true) {
            assertThat(side.process.isAlive()).as("%s alive: %s", side, side.tail()).isTrue();
            String s = Files.readString(stat);
            char state = s.charAt(s.lastIndexOf(')') + 2);
            String call = Files.readString(syscall).split(" ")[0].trim();
            if (state == 'S' && call.equals(futex)) {
                return;
            }
            assertThat(System.nanoTime() - deadline).as("%s asleep in futex: state %s, syscall %s", side, state,
                    call).isNegative();
            Thread.sleep(2);
        }
    }

    /** A Python sender (shmtel.create, Writer.send) hands every message to a C consumer (_take, _answer). */
    @Test
    void aPythonSenderHandsEveryMessageToACConsumer() throws Exception {
        need(Lang.PYTHON, Lang.C);
        Lines sender = start("Python sender", List.of("python3", PYTHON_WRITER_CHILD.toString(), "mbox-send",
                dir.toString(), "mb", COMMANDS.toString(), MAILBOX, Integer.toString(MESSAGES)));
        assertThat(sender.await("ready")).isEqualTo("ready next=0 skipped=0");
        Lines consumer = start("C consumer", List.of(cBinary.toString(), "mbox-take", "mb",
                Integer.toString(MESSAGES)));
        assertThat(consumer.await("taken")).isEqualTo("taken " + MESSAGES + " torn 0 backwards 0");
        String codes = IntStream.range(0, MESSAGES).mapToObj(k -> Integer.toString(k % 3))
                .collect(Collectors.joining(","));
        assertThat(sender.await("sent")).as("the C consumer's answer codes").isEqualTo("sent " + MESSAGES
                + " codes " + codes);
        awaitExit(sender);
        awaitExit(consumer);
    }

    /** A C sender (_region_create, _offer, _poll_answer) hands every message to a Python consumer (take, answer). */
    @Test
    void aCSenderHandsEveryMessageToAPythonConsumer() throws Exception {
        need(Lang.C, Lang.PYTHON);
        Lines sender = start("C sender", List.of(cBinary.toString(), "mbox-send", "mb", Integer.toString(MESSAGES)));
        assertThat(sender.await("ready")).isEqualTo("ready");
        Lines consumer = start("Python consumer", List.of("python3", PYTHON_WRITER_CHILD.toString(), "mbox-take",
                dir.toString(), "mb", COMMANDS.toString(), MAILBOX, Integer.toString(MESSAGES)));
        assertThat(consumer.await("taken")).isEqualTo("taken " + MESSAGES + " torn 0 backwards 0");
        assertThat(sender.await("sent")).as("each index as offered, each answer code k %% 3")
                .isEqualTo("sent " + MESSAGES + " wrong 0");
        awaitExit(sender);
        awaitExit(consumer);
    }

    /**
     * The Java side of the writer protocol, run as a child JVM: {@code DIR NAME SCHEMA PERIOD_MS GAP_US GO}
     * creates (or takes over) the region with that heartbeat period, publishes every_type's counter pattern, says
     * {@code ready epoch=E first=K}, then (once file GO exists, "-": at once) one sample every GAP_US until
     * SIGTERM, when the shutdown hook closes it (CLOSED).
     */
    public static final class JavaWriter {
        private JavaWriter() {}

        public static void main(String[] args) throws IOException {
            RegionOptions options = ShmDirectory.options(Path.of(args[0]))
                    .withHeartbeatPeriod(Duration.ofMillis(Long.parseLong(args[3])));
            Layout layout = layout(Path.of(args[2]));
            long gapNs = TimeUnit.MICROSECONDS.toNanos(Long.parseLong(args[4]));
            Path go = "-".equals(args[5]) ? null : Path.of(args[5]);
            try (Publisher publisher = Publisher.create(args[1], layout, options)) {
                RingWriter sink = publisher.sink(RECORD);
                DynamicWriter writer = new DynamicWriter(sink, layout.record(RECORD).orElseThrow());
                long first = sink.nextSampleIndex();
                CounterPattern.fill(writer, first);
                writer.commit();
                System.out.println("ready epoch=" + publisher.epoch() + " first=" + first);
                System.out.flush();
                while (go != null && !Files.exists(go)) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                while (true) {
                    CounterPattern.fill(writer, sink.nextSampleIndex());
                    writer.commit();
                    LockSupport.parkNanos(gapNs);
                }
            } catch (UncheckedIOException e) {
                System.out.println("error " + e);
            }
        }
    }
}
