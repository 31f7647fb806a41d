package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shmtel.core.Publisher;
import io.shmtel.core.RegionChild;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.gen.CGenerator;
import io.shmtel.schema.testing.Gcc;
import io.shmtel.schema.testing.NativeTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Python package's writer (python/shmtel: {@code shmtel.create}, {@code Writer.publish}, {@code .send}) and
 * its mailbox consumer, against Java in other processes: Java's {@code shmtel echo --check} reads a Python
 * writer's counter pattern with no mismatch; Java sees a Python writer LIVE, STALLED (SIGSTOP), WRITER_DEAD
 * (SIGKILL), CLOSED (SIGTERM: the package closes cleanly) and follows its restart (a takeover in place, epoch + 1,
 * the numbering continued); Python takes over a dead Java writer's region past the index it died in (rule R1)
 * and Java a dead Python writer's; a Java sleeper is woken by every Python publish; mailbox messages go both
 * ways with their answer codes (and rule R7 after a Java sender killed mid-message); the writer's errors. The
 * Python side is python/tests/writer_child.py run with {@code python3} (PYTHONPATH=python).
 */
class PythonWriterTest {
    static final Path PYTHON = Path.of("../python").toAbsolutePath().normalize();
    static final Path CHILD = PYTHON.resolve("tests/writer_child.py");
    static final Path EXAMPLES = Path.of("../schema/examples").toAbsolutePath().normalize();
    static final String ALL_TYPES = EXAMPLES.resolve("all_types.json").toString();
    static final String COMMANDS = EXAMPLES.resolve("commands.json").toString();
    static final int EXIT_SIGTERM = 143;
    static final int EXIT_SIGKILL = 137;
    static final int PATIENCE_S = 60;
    /** Set to 1, the shim does without libatomic (python/shmtel/_atomics.py). */
    static final String NO_LIBATOMIC = "SHMTEL_PY_NO_LIBATOMIC";
    /** pip 22.3 added {@code --python} (install for another interpreter, e.g. a venv made without pip). */
    static final int PIP_WITH_PYTHON_OPTION = 23;

    Path dir;
    RegionOptions options;
    final List<Process> children = new ArrayList<>();

    @BeforeEach
    void createDir() {
        NativeTools.require("python3");
        dir = ShmDirectory.create();
        options = ShmDirectory.options(dir);
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (dir != null) {
            ShmDirectory.delete(dir);
        }
    }

    /** A child process whose output (stdout and stderr together) is collected as it comes. */
    static final class Child {
        final Process process;
        final StringBuffer out = new StringBuffer();

        Child(Process process) {
            this.process = process;
            Thread t = new Thread(() -> pump(process.getInputStream()));
            t.setDaemon(true);
            t.start();
        }

        private void pump(InputStream in) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.append(line).append('\n');
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }

        /** The first line starting with {@code prefix}, waiting for it at most {@code seconds}. */
        String await(String prefix, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                for (String line : out.toString().split("\n")) {
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                }
                assertThat(System.nanoTime() - deadline).as("waiting for \"" + prefix + "\" from " + this).isNegative();
                Thread.sleep(10);
            }
        }

        /** Waits for the end; its output. */
        String finish(int seconds) throws InterruptedException {
            assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as("child finished: " + this).isTrue();
            Thread.sleep(50); // the pump's last lines
            return out.toString();
        }

        @Override
        public String toString() {
            return "pid " + process.pid() + ", output so far:\n" + out;
        }
    }

    Child python(String... args) throws IOException {
        return python(Atomics.LIBATOMIC, args);
    }

    /** writer_child.py with {@code args}, its atomics shim on {@code atomics}. */
    Child python(Atomics atomics, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("python3", CHILD.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PYTHONPATH", PYTHON.toString());
        if (atomics == Atomics.PLAIN_X86_64) {
            builder.environment().put(NO_LIBATOMIC, "1");
        }
        return started(builder);
    }

    /**
     * The atomics shim's backends (python/shmtel/_atomics.py): libatomic's functions, or (x86-64 without libatomic)
     * plain aligned loads and stores, with which a writer registers for membarrier instead of issuing full fences.
     */
    enum Atomics { LIBATOMIC, PLAIN_X86_64 }

    static void assumeBackend(Atomics atomics) {
        if (atomics == Atomics.PLAIN_X86_64) {
            String arch = System.getProperty("os.arch");
            assumeTrue(arch.equals("amd64") || arch.equals("x86_64"), "plain accesses are x86-64 only, not " + arch);
        }
    }

    Child java(List<String> jvmOptions, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return started(new ProcessBuilder(command).redirectErrorStream(true));
    }

    Child started(ProcessBuilder builder) throws IOException {
        Process p = builder.start();
        children.add(p);
        return new Child(p);
    }

    static Layout layout(String schemaFile) throws IOException {
        return LayoutCompiler.compile(SchemaParser.parse(Files.readString(Path.of(schemaFile)), schemaFile));
    }

    static WriterState awaitState(Subscriber s, WriterState wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        WriterState state = s.state();
        while (state != wanted && System.nanoTime() < deadline) {
            Thread.sleep(1);
            state = s.state();
        }
        return state;
    }

    static void signal(String name, Child child) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(child.process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /**
     * Java's echo --check, in its own JVM as bin/shmtel runs it, reads a flat-out Python writer: 0 mismatches, with
     * either backend of the atomics shim.
     */
    @ParameterizedTest
    @EnumSource(Atomics.class)
    void javaEchoCheckFindsEveryPythonSampleFollowingTheCounterPattern(Atomics atomics) throws Exception {
        assumeBackend(atomics);
        Child writer = python(atomics, "publish", dir.toString(), "py", ALL_TYPES, "every_type", "0", "0", "hold");
        writer.await("ready epoch=1 next=0", PATIENCE_S);
        int count = 5000;
        Child echo = java(List.of(), ShmtelCli.class, "echo", "py/every_type", "--dir", dir.toString(), "--check",
                "--stream", "--count", Integer.toString(count), "--timeout", "30");
        String out = echo.finish(PATIENCE_S);
        assertThat(echo.process.exitValue()).as(out).isZero();
        assertThat(out).contains("all " + count + " samples checked followed the counter pattern")
                .doesNotContain("did not follow");
    }

    /**
     * States as Java sees a Python writer: LIVE, STALLED while SIGSTOPped, LIVE again, WRITER_DEAD after SIGKILL
     * (the last sample still readable); a restarted writer takes the region over (epoch 2) and continues the
     * numbering; SIGTERM closes it cleanly (CLOSED, not WRITER_DEAD) and the process still dies of the signal.
     */
    @Test
    void javaSeesAPythonWriterLiveStalledDeadRestartedAndClosed() throws Exception {
        Child first = python("publish", dir.toString(), "st", ALL_TYPES, "every_type", "0", "0.002", "hold");
        first.await("ready epoch=1", PATIENCE_S);
        try (Subscriber subscriber = Subscriber.open("st", "every_type", options)) {
            DynamicView view = new DynamicView(subscriber.record());
            assertThat(subscriber.awaitLatest(view, TimeUnit.SECONDS.toNanos(10))).isTrue();
            assertThat(CounterPattern.check(view)).isTrue();
            assertThat(awaitState(subscriber, WriterState.LIVE, Duration.ofSeconds(5))).isEqualTo(WriterState.LIVE);

            signal("STOP", first);
            assertThat(awaitState(subscriber, WriterState.STALLED, Duration.ofSeconds(5)))
                    .isEqualTo(WriterState.STALLED);
            signal("CONT", first);
            assertThat(awaitState(subscriber, WriterState.LIVE, Duration.ofSeconds(5))).isEqualTo(WriterState.LIVE);

            first.process.destroyForcibly();
            assertThat(first.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(awaitState(subscriber, WriterState.WRITER_DEAD, Duration.ofSeconds(5)))
                    .isEqualTo(WriterState.WRITER_DEAD);
            assertThat(subscriber.latest(view)).as("the last complete sample stays readable").isTrue();
            assertThat(CounterPattern.check(view)).isTrue();
            long lastOfFirst = view.sampleIndex();

            Child second = python("publish", dir.toString(), "st", ALL_TYPES, "every_type", "0", "0.002", "hold");
            String ready = second.await("ready epoch=2", PATIENCE_S);
            long next = Long.parseLong(ready.replaceAll(".*next=", ""));
            assertThat(next).as("resumes past the dead writer's samples").isGreaterThan(lastOfFirst);
            assertThat(awaitState(subscriber, WriterState.LIVE, Duration.ofSeconds(5))).isEqualTo(WriterState.LIVE);
            assertThat(subscriber.epoch()).isEqualTo(2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            do {
                assertThat(subscriber.awaitLatest(view, TimeUnit.SECONDS.toNanos(5))).isTrue();
            } while (view.sampleIndex() < next && System.nanoTime() < deadline);
            assertThat(view.sampleIndex()).as("the numbering continues").isGreaterThanOrEqualTo(next);
            assertThat(CounterPattern.check(view)).isTrue();

            signal("TERM", second);
            assertThat(second.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(second.process.exitValue()).as("dies of SIGTERM as before\n" + second).isEqualTo(EXIT_SIGTERM);
            assertThat(awaitState(subscriber, WriterState.CLOSED, Duration.ofSeconds(5)))
                    .as("closed cleanly on SIGTERM").isEqualTo(WriterState.CLOSED);
        }
    }

    /**
     * A Java writer killed right after completing index 4 but before counting it (published 4, slot seq 10): the
     * Python writer that takes over numbers its first sample 5, never 4 again (rule R1), with epoch 2; Java
     * reads it.
     */
    @Test
    void pythonTakesOverADeadJavaWritersRegionPastTheIndexItDiedIn() throws Exception {
        Child dead = java(List.of("-Dshmtel.crashAt=publish.complete@5"), RegionChild.class, "publish",
                dir.toString(), "jp", ALL_TYPES, "every_type", "60");
        assertThat(dead.process.waitFor(PATIENCE_S, TimeUnit.SECONDS)).as(dead.toString()).isTrue();
        assertThat(dead.process.exitValue()).as("killed at publish.complete\n" + dead).isEqualTo(EXIT_SIGKILL);

        Child writer = python("publish", dir.toString(), "jp", ALL_TYPES, "every_type", "3", "0", "close");
        assertThat(writer.await("ready", PATIENCE_S)).isEqualTo("ready epoch=2 next=5");
        String out = writer.finish(PATIENCE_S);
        assertThat(writer.process.exitValue()).as(out).isZero();
        try (Subscriber subscriber = Subscriber.open("jp", "every_type", options)) {
            DynamicView view = new DynamicView(subscriber.record());
            assertThat(subscriber.latest(view)).isTrue();
            assertThat(view.sampleIndex()).isEqualTo(7);
            assertThat(CounterPattern.check(view)).isTrue();
            assertThat(subscriber.epoch()).isEqualTo(2);
            assertThat(subscriber.state()).isEqualTo(WriterState.CLOSED);
        }
    }

    /**
     * Python writers publishing flat out are SIGKILLed wherever they are (mid-publish included) and replaced, five
     * times, while a Java stream reader reads every sample: it never accepts a torn sample nor an index going
     * back, so no new writer ever wrote an index a dead one had started (rule R1), and each takes over in place.
     */
    @Test
    void pythonWritersKilledAnywhereAndTakenOverNeverGiveAJavaStreamReaderATornOrRepeatedSample() throws Exception {
        Child writer = python("publish", dir.toString(), "kill", ALL_TYPES, "every_type", "0", "0", "hold");
        writer.await("ready epoch=1", PATIENCE_S);
        Child reader = java(List.of(), RegionChild.class, "stream", dir.toString(), "kill", "every_type",
                Long.toString(Long.MAX_VALUE), "12");
        Random random = new Random();
        Thread.sleep(2000); // the reader attached
        int lives = 5;
        for (int life = 2; life <= lives + 1; life++) {
            Thread.sleep(200 + random.nextInt(400));
            writer.process.destroyForcibly();
            assertThat(writer.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            writer = python("publish", dir.toString(), "kill", ALL_TYPES, "every_type", "0", "0", "hold");
            writer.await("ready epoch=" + life + " ", PATIENCE_S);
        }
        String out = reader.finish(PATIENCE_S).trim();
        Matcher m = Pattern.compile("reads (\\d+) torn (\\d+) lost (\\d+) backwards (\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Long.parseLong(m.group(1))).as("samples read, " + out).isPositive();
        assertThat(Long.parseLong(m.group(2))).as("torn, " + out).isZero();
        assertThat(Long.parseLong(m.group(4))).as("indexes going back, " + out).isZero();
    }

    /**
     * A Python writer SIGKILLed: a Java writer takes its region over in place (epoch 2) and continues its numbering.
     */
    @Test
    void javaTakesOverADeadPythonWritersRegion() throws Exception {
        Child writer = python("publish", dir.toString(), "pj", ALL_TYPES, "every_type", "0", "0", "hold");
        writer.await("ready epoch=1", PATIENCE_S);
        long last;
        try (Subscriber subscriber = Subscriber.open("pj", "every_type", options)) {
            DynamicView view = new DynamicView(subscriber.record());
            assertThat(subscriber.awaitLatest(view, TimeUnit.SECONDS.toNanos(10))).isTrue();
            writer.process.destroyForcibly();
            assertThat(writer.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(subscriber.latest(view)).isTrue();
            last = view.sampleIndex();
        }
        Layout layout = layout(ALL_TYPES);
        try (Publisher publisher = Publisher.create("pj", layout, options)) {
            assertThat(publisher.epoch()).isEqualTo(2);
            RingWriter sink = publisher.sink("every_type");
            assertThat(sink.nextSampleIndex()).isGreaterThan(last);
            DynamicWriter w = new DynamicWriter(sink, layout.record("every_type").orElseThrow());
            CounterPattern.fill(w, sink.nextSampleIndex());
            w.commit();
        }
    }

    /**
     * A Java subscriber asleep in the kernel (a blocking WaitSet, sleeps of up to 10 s) is woken by every Python
     * publish: it reads 40 samples published 50 ms apart, none lost, with no sleep ended by its time-out. Without
     * libatomic the writer issues no fence of its own: it registered for membarrier, and the sleeper's barrier runs
     * it.
     */
    @ParameterizedTest
    @EnumSource(Atomics.class)
    void aJavaSleeperIsWokenByEveryPythonPublish(Atomics atomics) throws Exception {
        assumeBackend(atomics);
        Path go = dir.resolve("go");
        Child writer = python(atomics, "publish", dir.toString(), "wake", ALL_TYPES, "every_type", "0", "0.05", "hold",
                go.toString());
        writer.await("ready epoch=1", PATIENCE_S);
        Child sleeper = java(List.of(), RegionChild.class, "sleep", dir.toString(), "wake", "every_type", "40",
                "10000");
        sleeper.await("ready", PATIENCE_S);
        Files.createFile(go); // sample 0 is out; 1 to 40 follow, 50 ms apart
        String out = sleeper.finish(PATIENCE_S).trim();
        Matcher m = Pattern.compile("read (\\d+) lost (\\d+) torn (\\d+) backwards (\\d+) sleeps (\\d+) wakeups (\\d+)"
                + " timeouts (\\d+) fallbacks (\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Long.parseLong(m.group(2))).as("lost, " + out).isZero();
        assertThat(Long.parseLong(m.group(3))).as("torn, " + out).isZero();
        assertThat(Long.parseLong(m.group(6))).as("wake-ups, " + out).isPositive();
        assertThat(Long.parseLong(m.group(7))).as("sleeps ended by their 10 s time-out, " + out).isZero();
        assertThat(Long.parseLong(m.group(8))).as("polling fallbacks, " + out).isZero();
    }

    /** A Python sender hands 200 counter-pattern messages to a Java consumer asleep between them; each answered 0. */
    @Test
    void aPythonSenderHandsEveryMessageToAJavaConsumer() throws Exception {
        int count = 200;
        Path log = dir.resolve("taken.log");
        Child consumer = java(List.of(), RegionChild.class, "mbox-take", dir.toString(), "mb", "arm_command",
                Integer.toString(count), "blocking", log.toString());
        consumer.await("ready", PATIENCE_S);
        Child sender = python("mbox-send", dir.toString(), "mb", COMMANDS, "arm_command", Integer.toString(count));
        String sent = sender.finish(PATIENCE_S);
        assertThat(sender.process.exitValue()).as(sent).isZero();
        assertThat(sent).contains("sent " + count + " codes " + String.join(",", Collections.nCopies(count, "0")));
        String taken = consumer.finish(PATIENCE_S);
        assertThat(taken).contains("taken " + count + " recovered 0").doesNotContain("TORN", "BACKWARDS");
        assertThat(Files.size(log)).as("messages handled").isEqualTo(8L * count);
    }

    /**
     * A Java sender (asleep while its message waits) hands 200 messages to a Python consumer, which answers message
     * k with code k % 3: the Java sender counts the non-zero answers as failures.
     */
    @Test
    void aJavaSenderHandsEveryMessageToAPythonConsumerAndReadsItsAnswerCodes() throws Exception {
        int count = 200;
        Child sender = java(List.of(), RegionChild.class, "mbox-send", dir.toString(), "mj", COMMANDS, "arm_command",
                Integer.toString(count), "blocking");
        sender.await("ready next=0", PATIENCE_S);
        Child consumer = python("mbox-take", dir.toString(), "mj", COMMANDS, "arm_command", Integer.toString(count));
        String taken = consumer.finish(PATIENCE_S);
        assertThat(consumer.process.exitValue()).as(taken).isZero();
        assertThat(taken).contains("taken " + count + " torn 0 backwards 0");
        long failures = LongStream.range(0, count).filter(k -> k % 3 != 0).count();
        assertThat(sender.finish(PATIENCE_S)).contains("sent " + count + " failures " + failures + " recovered 0");
    }

    /** A Java consumer SIGKILLed holding a Python sender's message: the sender finds it dead and gets -1. */
    @Test
    void aJavaConsumerKilledHoldingAPythonMessageIsAnsweredConsumerDied() throws Exception {
        Child sender = python("mbox-send", dir.toString(), "jd", COMMANDS, "arm_command", "1");
        sender.await("ready next=0", PATIENCE_S);
        Child holder = java(List.of(), RegionChild.class, "mbox-hold", dir.toString(), "jd", "arm_command");
        holder.await("holding 0", PATIENCE_S);
        holder.process.destroyForcibly();
        assertThat(sender.finish(PATIENCE_S)).contains("sent 1 codes -1");
    }

    /**
     * A Python consumer SIGKILLed holding a Java sender's message: Java finds it dead (by the pid and start time the
     * Python consumer stored), answers it -1, and hands the next message to another Python consumer.
     */
    @Test
    void aPythonConsumerKilledHoldingAJavaMessageIsRecoveredByTheJavaSender() throws Exception {
        Child sender = java(List.of(), RegionChild.class, "mbox-send", dir.toString(), "pd", COMMANDS, "arm_command",
                "2", "blocking");
        sender.await("ready next=0", PATIENCE_S);
        Child holder = python("mbox-hold", dir.toString(), "pd", "arm_command");
        holder.await("holding 0", PATIENCE_S);
        holder.process.destroyForcibly();
        assertThat(holder.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Child consumer = python("mbox-take", dir.toString(), "pd", COMMANDS, "arm_command", "2");
        assertThat(consumer.finish(PATIENCE_S)).contains("taken 1 torn 0 backwards 0");
        // message 0: -1 (recovered), message 1: code 1 % 3 = 1
        assertThat(sender.finish(PATIENCE_S)).contains("sent 2 failures 2 recovered 1");
    }

    /**
     * A C program on the generated header's mailbox functions: it consumes or sends the counter pattern (every field
     * = k) and answers or expects code k % 3, as writer_child.py does.
     */
    static final String C_MAILBOX = """
            #include "commands.h"
            #include <fcntl.h>
            #include <sched.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <sys/mman.h>

            static int counter(const commands_arm_command_t *m, uint64_t k) {
                int ok = m->request_id == (uint32_t)k && m->mode == (int32_t)k && m->max_speed == (double)k;
                for (int i = 0; i < 6; i++) ok = ok && m->target[i] == (double)k;
                return ok;
            }

            /* usage: prog FILE consume N | prog FILE send N */
            int main(int argc, char **argv) {
                commands_arm_command_t m;
                uint64_t k = 0;
                long n = argc > 3 ? atol(argv[3]) : 0, wrong = 0;
                int r, fd = argc > 3 ? open(argv[1], O_RDWR) : -1;
                void *base;
                if (fd < 0) { perror("open"); return 2; }
                base = mmap(NULL, COMMANDS_REGION_LENGTH, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
                if (base == MAP_FAILED) { perror("mmap"); return 2; }
                if ((r = commands_check_region(base)) != SHMTEL_OK) { printf("check %d\\n", r); return 3; }
                for (long i = 0; i < n; i++) {
                    if (argv[2][0] == 'c') {
                        while ((r = commands_arm_command_take(base, &m, &k, NULL)) == 0) sched_yield();
                        if (r < 0) { printf("take %d\\n", r); return 4; }
                        if (!counter(&m, k) || k != (uint64_t)i) wrong++;
                        if ((r = commands_arm_command_answer(base, k, (int32_t)(k % 3))) != SHMTEL_OK) return 4;
                    } else {
                        int32_t code = -9;
                        m.request_id = (uint32_t)i;
                        m.mode = (int32_t)i;
                        m.max_speed = (double)i;
                        for (int j = 0; j < 6; j++) m.target[j] = (double)i;
                        while ((r = commands_arm_command_offer(base, &m, shmtel_now_ns(), &k)) == 0) sched_yield();
                        if (r < 0) { printf("offer %d\\n", r); return 4; }
                        while ((r = commands_arm_command_poll_answer(base, &code)) == 0) sched_yield();
                        if (r < 0 || k != (uint64_t)i || code != (int32_t)(i % 3)) wrong++;
                    }
                }
                printf("%s %ld wrong %ld\\n", argv[2], n, wrong);
                return 0;
            }
            """;

    Path compileCMailbox() throws Exception {
        NativeTools.require("gcc");
        Path build = Files.createDirectories(dir.resolve("c"));
        new CGenerator(layout(COMMANDS)).generate().get(0).writeTo(build);
        Files.writeString(build.resolve("xmailbox.c"), C_MAILBOX, StandardCharsets.UTF_8);
        List<String> flags = new ArrayList<>(Gcc.STRICT_C11);
        flags.add("-D_DEFAULT_SOURCE"); // mmap, open
        return Gcc.compile(build, build.resolve("xmailbox.c"), "xmailbox", flags);
    }

    /** Python sends 100 counter-pattern messages to a C consumer (the generated _take/_answer) and reads its codes. */
    @Test
    void aPythonSenderHandsEveryMessageToACConsumer() throws Exception {
        Path binary = compileCMailbox();
        int count = 100;
        Child sender = python("mbox-send", dir.toString(), "pc", COMMANDS, "arm_command", Integer.toString(count));
        sender.await("ready next=0", PATIENCE_S);
        Child c = started(new ProcessBuilder(binary.toString(), dir.resolve("shmtel.pc").toString(), "consume",
                Integer.toString(count)).redirectErrorStream(true));
        assertThat(c.finish(PATIENCE_S)).contains("consume " + count + " wrong 0");
        String codes = LongStream.range(0, count).mapToObj(k -> Long.toString(k % 3)).collect(Collectors.joining(","));
        assertThat(sender.finish(PATIENCE_S)).contains("sent " + count + " codes " + codes);
    }

    /** A C sender (the generated _offer/_poll_answer) hands 100 messages to a Python consumer and reads its codes. */
    @Test
    void aCSenderHandsEveryMessageToAPythonConsumer() throws Exception {
        Path binary = compileCMailbox();
        int count = 100;
        Child create = python("create", dir.toString(), "cp", COMMANDS, "600");
        assertThat(create.finish(PATIENCE_S)).startsWith("created epoch=1");
        Child consumer = python("mbox-take", dir.toString(), "cp", COMMANDS, "arm_command", Integer.toString(count));
        consumer.await("ready", PATIENCE_S);
        Child c = started(new ProcessBuilder(binary.toString(), dir.resolve("shmtel.cp").toString(), "send",
                Integer.toString(count)).redirectErrorStream(true));
        assertThat(c.finish(PATIENCE_S)).contains("send " + count + " wrong 0");
        assertThat(consumer.finish(PATIENCE_S)).contains("taken " + count + " torn 0 backwards 0");
    }

    /**
     * Rule R7 in Python: a Java sender killed after writing message 1 into the slot but before putting it; the
     * Python sender that takes the region over numbers its message 2 (skipping 1, which no consumer ever gets).
     */
    @Test
    void aPythonSenderResumesPastAMessageADeadJavaSenderWroteButNeverPut() throws Exception {
        Child dead = java(List.of("-Dshmtel.crashAt=publish.complete@2"), RegionChild.class, "mbox-send",
                dir.toString(), "r7", COMMANDS, "arm_command", "5", "yield");
        dead.await("ready next=0", PATIENCE_S);
        Child consumer = python("mbox-take", dir.toString(), "r7", COMMANDS, "arm_command", "3");
        consumer.await("ready", PATIENCE_S);
        assertThat(dead.process.waitFor(PATIENCE_S, TimeUnit.SECONDS)).isTrue();
        assertThat(dead.process.exitValue()).as("killed at publish.complete\n" + dead).isEqualTo(EXIT_SIGKILL);
        Child sender = python("mbox-send", dir.toString(), "r7", COMMANDS, "arm_command", "3");
        assertThat(sender.await("ready", PATIENCE_S)).isEqualTo("ready next=2 skipped=1");
        assertThat(sender.finish(PATIENCE_S)).contains("sent 1 codes 2");
        assertThat(consumer.finish(PATIENCE_S)).contains("taken 2 torn 0 backwards 0");
    }

    /**
     * {@code pip install} of the package works with no network (the in-tree backend needs nothing): into a target
     * directory, and into a venv made without pip when this pip can install for another interpreter; a program run
     * from elsewhere with only the installed copy on its path writes a region Java reads. Skipped with the reason
     * where pip is missing (a failure when native tests are required).
     */
    @Test
    void pipInstallsThePackageOfflineAndItWritesARegionJavaReads() throws Exception {
        Child pip = started(new ProcessBuilder("python3", "-m", "pip", "--version").redirectErrorStream(true));
        String version = pip.finish(PATIENCE_S);
        if (pip.process.exitValue() != 0) {
            String why = "python3 -m pip is missing (" + version.trim() + "): install python3-pip";
            if ("1".equals(System.getenv(NativeTools.REQUIRE_VARIABLE))) {
                throw new AssertionError(why + " (" + NativeTools.REQUIRE_VARIABLE + "=1)");
            }
            assumeTrue(false, why);
        }
        Path target = dir.resolve("site");
        Child install = started(new ProcessBuilder("python3", "-m", "pip", "install", "--no-index", "--no-cache-dir",
                "--disable-pip-version-check", "--target", target.toString(), PYTHON.toString())
                .redirectErrorStream(true));
        String out = install.finish(PATIENCE_S * 3);
        assertThat(install.process.exitValue()).as(out).isZero();
        List<String> interpreters = new ArrayList<>(List.of("python3"));
        Matcher pipVersion = Pattern.compile("pip (\\d+)\\.").matcher(version);
        if (pipVersion.find() && Integer.parseInt(pipVersion.group(1)) >= PIP_WITH_PYTHON_OPTION) {
            Path venv = dir.resolve("venv");
            Child make = started(new ProcessBuilder("python3", "-m", "venv", "--without-pip", venv.toString())
                    .redirectErrorStream(true));
            assertThat(make.process.waitFor(PATIENCE_S, TimeUnit.SECONDS)).isTrue();
            if (make.process.exitValue() == 0) {
                Child venvInstall = started(new ProcessBuilder("python3", "-m", "pip", "--python",
                        venv.resolve("bin/python").toString(), "install", "--no-index", "--no-cache-dir",
                        "--disable-pip-version-check", PYTHON.toString()).redirectErrorStream(true));
                String venvOut = venvInstall.finish(PATIENCE_S * 3);
                assertThat(venvInstall.process.exitValue()).as(venvOut).isZero();
                interpreters.add(venv.resolve("bin/python").toString());
            }
        }
        String program = "import shmtel, sys\n"
                + "print(shmtel.__file__)\n"
                + "with shmtel.create(sys.argv[1], sys.argv[2], dir=sys.argv[3]) as w:\n"
                + "    w.publish('joint_state', position=[1.5] * 6, status='FAULT', frame_id='installed')\n";
        Layout arm = layout(EXAMPLES.resolve("arm.json").toString());
        for (int i = 0; i < interpreters.size(); i++) {
            String region = "installed" + i;
            ProcessBuilder run = new ProcessBuilder(interpreters.get(i), "-c", program, region,
                    EXAMPLES.resolve("arm.json").toString(), dir.toString()).redirectErrorStream(true)
                    .directory(dir.toFile());
            run.environment().remove("PYTHONPATH");
            if (i == 0) {
                run.environment().put("PYTHONPATH", target.toString());
            }
            Child p = started(run);
            String said = p.finish(PATIENCE_S);
            assertThat(p.process.exitValue()).as(said).isZero();
            assertThat(said).as("imported the installed copy, not the source tree")
                    .doesNotContain(PYTHON.resolve("shmtel").toString()).contains("shmtel/__init__.py");
            try (Subscriber subscriber = Subscriber.open(region, "joint_state", arm, options)) {
                DynamicView view = new DynamicView(subscriber.record());
                assertThat(subscriber.latest(view)).isTrue();
                assertThat(view.number("position")).isEqualTo(1.5);
                assertThat(view.value("status")).hasToString("FAULT");
                assertThat(view.value("frame_id")).hasToString("installed");
                assertThat(subscriber.state()).isEqualTo(WriterState.CLOSED);
            }
        }
    }

    /** The complete writer of docs/python.md, run as its text says, writes a region whose samples Java reads. */
    @Test
    void theDocumentedWriterRunsAndJavaReadsItsRegion() throws Exception {
        String doc = Files.readString(PYTHON.resolveSibling("docs").resolve("python.md"));
        String section = doc.substring(doc.indexOf("## A complete writer"));
        Matcher block = Pattern.compile("```python\\n(.*?)```", Pattern.DOTALL).matcher(section);
        assertThat(block.find()).as("a python block under '## A complete writer'").isTrue();
        Path program = dir.resolve("example.py");
        Files.writeString(program, block.group(1));
        ProcessBuilder run = new ProcessBuilder("python3", program.toString()).redirectErrorStream(true)
                .directory(PYTHON.getParent().toFile());
        run.environment().put("PYTHONPATH", PYTHON.toString());
        run.environment().put("SHMTEL_DIR", dir.toString());
        Child p = started(run);
        String out = p.finish(PATIENCE_S);
        assertThat(p.process.exitValue()).as(out).isZero();
        assertThat(out).contains("published 50 samples (the last as index 49) at epoch 1");
        try (Subscriber subscriber = Subscriber.open("arm", "joint_state", options)) {
            DynamicView view = new DynamicView(subscriber.record());
            assertThat(subscriber.latest(view)).isTrue();
            assertThat(view.sampleIndex()).isEqualTo(49);
            FieldLayout position = view.field("position");
            for (int axis = 0; axis < 6; axis++) {
                assertThat(view.number(position, axis)).isCloseTo(0.49 * (axis + 1), within(1e-12));
            }
            assertThat(view.value("status")).hasToString("ESTOP");
            assertThat(view.value("frame_id")).hasToString("base_link");
            assertThat(subscriber.state()).isEqualTo(WriterState.CLOSED);
        }
    }

    /** A live Java writer holds the region: Python's create fails naming the Java process's pid. */
    @Test
    void aRegionHeldByALiveJavaWriterIsRefusedWithItsPid() throws Exception {
        Child owner = java(List.of(), RegionChild.class, "hold", dir.toString(), "held", ALL_TYPES, "every_type");
        owner.await("ready epoch=1", PATIENCE_S);
        Child second = python("create", dir.toString(), "held", ALL_TYPES, "600");
        String out = second.finish(PATIENCE_S);
        assertThat(second.process.exitValue()).as(out).isEqualTo(3);
        assertThat(out).startsWith("failed: RegionOwnedError: region \"held\" is owned by a live writer (owner pid "
                + owner.process.pid() + ", running): a region has one writer; stop that writer first or publish"
                + " under another name (" + dir.resolve("shmtel.held") + ")");
    }

    /** Bad names and modes are refused before any file call, with the rule and the fix; nothing is left behind. */
    @Test
    void badNamesAndGroupWritableModesAreRefusedAndLeaveNoFile() throws Exception {
        Map<List<String>, String> cases = Map.of(
                List.of("bad/name", "600"), "failed: InvalidRegionNameError: invalid region name \"bad/name\": names"
                        + " match [A-Za-z0-9][A-Za-z0-9._-]{0,127}",
                List.of(".hidden", "600"), "failed: InvalidRegionNameError: invalid region name \".hidden\"",
                List.of("ok", "664"), "failed: InvalidModeError: mode must not let group or others write a region"
                        + " (one writer per region): mode=0o664; use e.g. 0o640 for a reader group",
                List.of("ok", "400"), "failed: InvalidModeError: mode must keep owner read-write");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            Child p = python("create", dir.toString(), c.getKey().get(0), ALL_TYPES, c.getKey().get(1));
            String out = p.finish(PATIENCE_S);
            assertThat(p.process.exitValue()).as(out).isEqualTo(3);
            assertThat(out).startsWith(c.getValue());
        }
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
        Child ok = python("create", dir.toString(), "ok", ALL_TYPES, "640");
        assertThat(ok.finish(PATIENCE_S)).startsWith("created epoch=1");
        assertThat(Files.getPosixFilePermissions(dir.resolve("shmtel.ok")))
                .isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    }

    /** A region larger than its (private, 64 KiB) tmpfs: a no-space error with the bytes needed and free, no file. */
    @Test
    void aRegionTooLargeForItsTmpfsFailsWithTheBytesNeededAndLeavesNoFile() throws Exception {
        assumeTrue(canMountTmpfs(),
                "needs unshare and mount (root) for a private tiny tmpfs");
        Path tiny = dir.resolve("tiny");
        Files.createDirectory(tiny);
        Path schema = dir.resolve("big.json");
        Files.writeString(schema, "{\"schema\":\"big\",\"version\":1,\"records\":[{\"name\":\"cloud\",\"depth\":16,"
                + "\"fields\":[{\"name\":\"points\",\"type\":\"f64\",\"count\":1024}]}]}");
        ProcessBuilder builder = new ProcessBuilder("unshare", "-m", "sh", "-c",
                "mount -t tmpfs -o size=64k tmpfs \"$1\" && shift && exec \"$@\"", "sh",
                tiny.toString(), "python3", CHILD.toString(), "create", tiny.toString(), "big", schema.toString(),
                        "600")
                .redirectErrorStream(true);
        builder.environment().put("PYTHONPATH", PYTHON.toString());
        Child p = started(builder);
        String out = p.finish(PATIENCE_S);
        assertThat(p.process.exitValue()).as(out).isEqualTo(3);
        assertThat(out).startsWith("failed: NoSpaceError: cannot create region \"big\": it needs 139264 bytes and "
                + tiny + " has 65536 bytes free.").contains("in Docker: --shm-size=256m").contains("left: []");
    }

    static boolean canMountTmpfs() {
        try {
            Process p = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=4k tmpfs /mnt")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
