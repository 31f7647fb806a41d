package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.gen.CGenerator;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.testing.Examples;
import io.shmtel.schema.testing.Gcc;
import io.shmtel.schema.testing.NativeTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A C driver owns its region with no Java process involved (the generated header's {@code arm_region_create},
 * heartbeat thread, {@code shmtel_region_close}), and Java sees it as it sees a Java writer: the values, the states
 * (LIVE, STALLED under SIGSTOP, WRITER_DEAD after SIGKILL, CLOSED after a clean close), a restart that takes the
 * region over in place (epoch + 1, indexes continuing), takeovers across the languages both ways, the errors with
 * their codes and texts; and a C reader ({@code arm_region_open}, {@code shmtel_region_state}) sees a Java writer's
 * states. Real processes, real /dev/shm regions in a per-test directory.
 */
@ExtendWith(ShmDirectory.class)
class CRegionOwnerTest {
    static final String ARM = Examples.example("arm.json").toAbsolutePath().toString();
    static final String IMU = Examples.example("imu.json").toAbsolutePath().toString();
    static final String RECORD = "joint_state";
    /** The C writers' heartbeat period in these tests, ms (STALLED after 5 of them). */
    static final int PERIOD_MS = 20;
    /** Samples each C writer run publishes: fewer than the ring's depth (8), so a subscriber loses none. */
    static final int SAMPLES = 5;
    static final Duration STATE_WAIT = Duration.ofSeconds(10);

    /** The C program: modes owner, try and watch (see its comments). */
    static final String PROGRAM = """
            #include "arm.h"
            #include <signal.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <unistd.h>

            static volatile sig_atomic_t stop;
            static void on_signal(int sig) { (void)sig; stop = 1; }

            /* count samples whose values follow the index they get (published before the publish) */
            static void publish(shmtel_region_t *r, long count) {
                uint64_t *published = shmtel_u64_(r->base, ARM_JOINT_STATE_BLOCK_OFFSET + SHMTEL_PUBLISHED_OFFSET);
                arm_joint_state_t s;
                long n;
                int j;
                memset(&s, 0, sizeof s);
                for (n = 0; n < count; n++) {
                    uint64_t k = SHMTEL_LOAD_(published, RELAXED);
                    double sum = 0;
                    for (j = 0; j < 6; j++) {
                        s.position[j] = (double)k + j;
                        s.velocity[j] = -(double)k;
                        sum += s.position[j] + s.velocity[j];
                    }
                    for (j = 0; j < 6; j++) s.effort[j] = sum;
                    s.status = (int32_t)(k % 3);
                    snprintf(s.frame_id, sizeof s.frame_id, "c%llu", (unsigned long long)k);
                    arm_joint_state_publish(r->base, &s, shmtel_now_ns());
                }
            }

            int main(int argc, char **argv) {
                shmtel_region_t r;
                int rc, last = -100, state, replaced = 0;
                setvbuf(stdout, NULL, _IOLBF, 0);
                if (argc < 3) return 2;
                if (strcmp(argv[1], "owner") == 0) { /* owner NAME PERIOD_MS COUNT: create, publish, close on TERM */
                    signal(SIGTERM, on_signal);
                    signal(SIGINT, on_signal);
                    rc = arm_region_create(&r, argv[2], 0600);
                    if (rc != SHMTEL_OK) {
                        printf("error rc=%d pid=%d errno=%d text=%s\\n", rc, (int)r.owner_pid, r.sys_errno,
                               shmtel_strerror(rc));
                        return 3;
                    }
                    shmtel_region_set_heartbeat_period(&r, (uint64_t)atol(argv[3]) * 1000000u);
                    rc = shmtel_region_start_heartbeat(&r);
                    printf("created rc=%d epoch=%llu\\n", rc, (unsigned long long)r.epoch);
                    publish(&r, atol(argv[4]));
                    printf("published state=%d\\n", shmtel_region_state(&r));
                    while (!stop) usleep(1000);
                    shmtel_region_close(&r);
                    printf("closed state=%d\\n", shmtel_region_state(&r));
                    return 0;
                }
                if (strcmp(argv[1], "try") == 0) { /* try NAME MODE: create with MODE (octal), say how, close */
                    rc = arm_region_create(&r, argv[2], (unsigned)strtoul(argv[3], NULL, 8));
                    printf("rc=%d pid=%d errno=%d epoch=%llu text=%s\\n", rc, (int)r.owner_pid, r.sys_errno,
                           (unsigned long long)r.epoch, shmtel_strerror(rc));
                    if (rc == SHMTEL_OK) shmtel_region_close(&r);
                    return 0;
                }
                if (strcmp(argv[1], "forkowner") == 0) { /* forkowner NAME: create, fork a child that keeps the
                                                            mapping (fd closed, as c.md says), close on TERM */
                    pid_t child;
                    int i;
                    signal(SIGTERM, on_signal);
                    rc = arm_region_create(&r, argv[2], 0600);
                    if (rc != SHMTEL_OK) { printf("error rc=%d\\n", rc); return 3; }
                    child = fork();
                    if (child == 0) {
                        close(r.fd); /* the child's copy of the locked descriptor; its mapping stays */
                        printf("child ready pid=%d\\n", (int)getpid());
                        for (i = 0; i < 60000; i++) usleep(1000); /* the test kills it sooner */
                        _exit(0);
                    }
                    while (!stop) usleep(1000);
                    shmtel_region_close(&r);
                    printf("closed\\n");
                    return 0;
                }
                if (strcmp(argv[1], "sleep") == 0) { /* sleep NAME MS: open, _wait for a sample after the newest */
                    uint64_t seen, start;
                    rc = arm_region_open(&r, argv[2]);
                    if (rc != SHMTEL_OK) { printf("open rc=%d\\n", rc); return 3; }
                    seen = arm_joint_state_published(r.base);
                    printf("waiting %s\\n", r.sleepers != NULL ? "asleep" : "polling");
                    start = shmtel_now_ns();
                    rc = arm_joint_state_wait(r.base, r.sleepers, seen, (uint64_t)atol(argv[3]) * 1000000u);
                    printf("woken %d after %llu ms state %d\\n", rc,
                           (unsigned long long)((shmtel_now_ns() - start) / 1000000u), shmtel_region_state(&r));
                    shmtel_region_close(&r);
                    return 0;
                }
                if (strcmp(argv[1], "watch") == 0) { /* watch NAME: open, then say each change of the state */
                    rc = arm_region_open(&r, argv[2]);
                    printf("open rc=%d epoch=%llu sleepers=%d\\n", rc, (unsigned long long)r.epoch,
                           r.sleepers != NULL);
                    if (rc != SHMTEL_OK) return 3;
                    for (;;) {
                        state = shmtel_region_state(&r);
                        if (state != last) printf("state %d\\n", state);
                        last = state;
                        if (!replaced && shmtel_region_replaced(&r) == 1) printf("replaced\\n");
                        replaced = replaced || shmtel_region_replaced(&r) == 1;
                        usleep(2000);
                    }
                }
                return 2;
            }
            """;

    static Path binary;

    final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void build(@TempDir Path dir) throws Exception {
        NativeTools.require("gcc");
        Layout layout = RegionChild.layout(ARM);
        new CGenerator(layout).generate().get(0).writeTo(dir);
        Files.writeString(dir.resolve("owner.c"), PROGRAM, StandardCharsets.UTF_8);
        List<String> flags = new ArrayList<>(Gcc.STRICT_C11);
        flags.addAll(List.of("-D_DEFAULT_SOURCE", "-pthread")); // usleep
        binary = Gcc.compile(dir, dir.resolve("owner.c"), "owner", flags);
    }

    @AfterEach
    void killChildren() throws InterruptedException {
        RegionChild.killAll(children);
    }

    /** A child's output lines, read on a thread into a queue, so that a test waits for a line with a deadline. */
    static final class Lines {
        final Process process;
        final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        final List<String> seen = new ArrayList<>();

        Lines(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        queue.add(line);
                    }
                } catch (IOException ignored) {
                    // the process is gone: the lines so far are all there is
                }
            }, "lines of " + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits until a line starting with each prefix has come, in any order, failing after 30 s. */
        void awaitAll(String... prefixes) throws InterruptedException {
            List<String> missing = new ArrayList<>(List.of(prefixes));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!missing.isEmpty() && System.nanoTime() < deadline) {
                String line = queue.poll(10, TimeUnit.MILLISECONDS);
                if (line != null) {
                    seen.add(line);
                    missing.removeIf(line::startsWith);
                }
            }
            if (!missing.isEmpty()) {
                throw new AssertionError("process " + process.pid() + " did not say " + missing + " within 30 s;"
                        + " it said " + seen + (process.isAlive() ? "" : " and exited " + process.exitValue()));
            }
        }

        /** Forgets the lines said so far (they stay in {@link #seen} for messages). */
        void drain() {
            queue.drainTo(seen);
        }

        /** The next line starting with {@code prefix} (lines before it are skipped), failing after 30 s. */
        String await(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                String line = queue.poll(10, TimeUnit.MILLISECONDS);
                if (line != null) {
                    seen.add(line);
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                }
            }
            throw new AssertionError("process " + process.pid() + " did not say \"" + prefix + "...\" within 30 s;"
                    + " it said " + seen + (process.isAlive() ? "" : " and exited " + process.exitValue()));
        }
    }

    Lines c(RegionOptions options, String... args) throws IOException {
        return c(options.directory(), args);
    }

    /** The C program with {@code SHMTEL_DIR=dir}. */
    Lines c(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SHMTEL_DIR", dir.toString());
        Process p = builder.start();
        children.add(p);
        return new Lines(p);
    }

    Lines cOwner(RegionOptions options, String name) throws IOException {
        return c(options, "owner", name, Integer.toString(PERIOD_MS), Integer.toString(SAMPLES));
    }

    /** A Java writer (RegionChild hold): one sample published, then the region held ("ready epoch=E"). */
    Lines javaHolder(RegionOptions options, String name, String schema, String record) throws IOException {
        return new Lines(RegionChild.start(children, List.of(), "hold", options.directory().toString(), name, schema,
                record));
    }

    /** The output of a C "try NAME MODE": its fields as printed. */
    Map<String, String> cTry(RegionOptions options, String name, String mode) throws Exception {
        Lines lines = c(options, "try", name, mode);
        String line = lines.await("rc=");
        assertThat(lines.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Matcher m = Pattern.compile("rc=(-?\\d+) pid=(-?\\d+) errno=(\\d+) epoch=(\\d+) text=(.*)").matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        return Map.of("rc", m.group(1), "pid", m.group(2), "errno", m.group(3), "epoch", m.group(4), "text",
                m.group(5));
    }

    static void signal(String signal, Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    static WriterState awaitState(Subscriber s, WriterState wanted) throws InterruptedException {
        long deadline = System.nanoTime() + STATE_WAIT.toNanos();
        WriterState state = s.state();
        while (state != wanted && System.nanoTime() < deadline) {
            Thread.sleep(1);
            state = s.state();
        }
        return state;
    }

    /** Polls the C samples {@code from..to} in order, each with the values of its index. */
    static void expectSamples(Subscriber s, DynamicView view, long from, long to) throws InterruptedException {
        FieldLayout position = view.field("position");
        FieldLayout velocity = view.field("velocity");
        FieldLayout effort = view.field("effort");
        for (long k = from; k <= to; k++) {
            assertThat(s.awaitNext(view, TimeUnit.SECONDS.toNanos(10))).as("sample %d arrives", k).isTrue();
            assertThat(view.sampleIndex()).isEqualTo(k);
            double sum = 0;
            for (int j = 0; j < 6; j++) {
                assertThat(view.number(position, j)).as("position[%d] of %d", j, k).isEqualTo((double) k + j);
                assertThat(view.number(velocity, j)).isEqualTo(-(double) k);
                sum += (double) k + j - k;
            }
            assertThat(view.number(effort, 0)).isEqualTo(sum);
            assertThat(view.value("status")).hasToString(List.of("OK", "FAULT", "ESTOP").get((int) (k % 3)));
            assertThat(view.value("frame_id")).isEqualTo("c" + k);
            assertThat(view.timestampNs()).as("C and Java share CLOCK_MONOTONIC").isBetween(1L, System.nanoTime());
        }
    }

    /** Every writer state has its C constant, with the number of its place in WriterState (as Python's State). */
    @ParameterizedTest
    @EnumSource(WriterState.class)
    void everyWriterStateHasItsCConstant(WriterState state) {
        String header = new CGenerator(RegionChild.layout(ARM)).generate().get(0).content();
        Matcher m = Pattern.compile("#define SHMTEL_" + state.name() + " (\\d+)").matcher(header);
        assertThat(m.find()).as("SHMTEL_%s in the C header", state).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(state.ordinal());
    }

    @Test
    void aCWriterOwnsItsRegionAndJavaSeesEveryStateAndFollowsItsRestarts(RegionOptions options) throws Exception {
        Lines first = cOwner(options, "c-arm");
        assertThat(first.await("created")).isEqualTo("created rc=0 epoch=1");
        assertThat(first.await("published")).as("the owner's own view").isEqualTo("published state=1");
        try (Subscriber s = Subscriber.open("c-arm", RECORD, RegionChild.layout(ARM), options)) {
            DynamicView view = new DynamicView(s.record());
            s.seekToOldest();
            expectSamples(s, view, 0, SAMPLES - 1);
            assertThat(s.lostSamples()).isZero();
            assertThat(awaitState(s, WriterState.LIVE)).isEqualTo(WriterState.LIVE);
            try (Region region = Region.open("c-arm", options)) {
                assertThat(region.heartbeatPeriodNs()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(PERIOD_MS));
                assertThat(region.epoch()).isEqualTo(1);
                assertThat(region.stat().permissions()).isEqualTo(0600);
            }

            signal("STOP", first.process);
            assertThat(awaitState(s, WriterState.STALLED)).as("SIGSTOP").isEqualTo(WriterState.STALLED);
            signal("CONT", first.process);
            assertThat(awaitState(s, WriterState.LIVE)).as("SIGCONT: the heartbeat thread beats again")
                    .isEqualTo(WriterState.LIVE);
            signal("TERM", first.process);
            assertThat(first.await("closed")).as("a closed region").isEqualTo("closed state=-15");
            assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.process.exitValue()).isZero();
            assertThat(awaitState(s, WriterState.CLOSED)).isEqualTo(WriterState.CLOSED);

            // Restarted after a clean close: the same file taken over in place, numbering on.
            Lines second = cOwner(options, "c-arm");
            assertThat(second.await("created")).isEqualTo("created rc=0 epoch=2");
            second.await("published");
            assertThat(awaitState(s, WriterState.LIVE)).isEqualTo(WriterState.LIVE);
            expectSamples(s, view, SAMPLES, 2 * SAMPLES - 1);
            signal("KILL", second.process);
            assertThat(awaitState(s, WriterState.WRITER_DEAD)).as("SIGKILL").isEqualTo(WriterState.WRITER_DEAD);

            // Restarted after its death: taken over in place again, the Java reader follows.
            Lines third = cOwner(options, "c-arm");
            assertThat(third.await("created")).isEqualTo("created rc=0 epoch=3");
            third.await("published");
            assertThat(awaitState(s, WriterState.LIVE)).isEqualTo(WriterState.LIVE);
            expectSamples(s, view, 2 * SAMPLES, 3 * SAMPLES - 1);
            assertThat(s.lostSamples()).isZero();
            signal("INT", third.process);
            third.await("closed");
            assertThat(awaitState(s, WriterState.CLOSED)).isEqualTo(WriterState.CLOSED);
        }
        try (Stream<Path> files = Files.list(options.directory())) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).as("one file, no hidden leftovers")
                    .containsExactly("shmtel.c-arm");
        }
    }

    @Test
    void aCWriterTakesOverADeadJavaWritersRegionAndJavaADeadCWriters(RegionOptions options) throws Exception {
        Lines java = javaHolder(options, "mixed", ARM, RECORD);
        assertThat(java.await("ready")).isEqualTo("ready epoch=1");
        signal("KILL", java.process);
        assertThat(java.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Lines c = cOwner(options, "mixed");
        assertThat(c.await("created")).isEqualTo("created rc=0 epoch=2");
        c.await("published");
        try (Subscriber s = Subscriber.open("mixed", RECORD, RegionChild.layout(ARM), options)) {
            DynamicView view = new DynamicView(s.record());
            s.seekToOldest();
            assertThat(s.awaitNext(view, TimeUnit.SECONDS.toNanos(10))).isTrue();
            assertThat(view.sampleIndex()).as("the Java writer's sample").isZero();
            expectSamples(s, view, 1, SAMPLES);
            assertThat(awaitState(s, WriterState.LIVE)).isEqualTo(WriterState.LIVE);
            signal("KILL", c.process);
            assertThat(awaitState(s, WriterState.WRITER_DEAD)).isEqualTo(WriterState.WRITER_DEAD);

            try (Publisher publisher = Publisher.create("mixed", RegionChild.layout(ARM), options)) {
                assertThat(publisher.epoch()).isEqualTo(3);
                RingWriter sink = publisher.sink(RECORD);
                assertThat(sink.nextSampleIndex()).as("past the C writer's samples").isEqualTo(SAMPLES + 1);
                DynamicWriter writer = new DynamicWriter(sink, s.record());
                writer.commit();
                assertThat(awaitState(s, WriterState.LIVE)).isEqualTo(WriterState.LIVE);
                assertThat(s.awaitNext(view, TimeUnit.SECONDS.toNanos(10))).isTrue();
                assertThat(view.sampleIndex()).isEqualTo(SAMPLES + 1);
            }
        }
    }

    /**
     * A C reader asleep in {@code _wait} (60 s) while the C writer closes: the close wakes it (format.md checklist
     * rule 13: CLOSED, unlock, wake) and {@code _wait} returns 0 at once, the state CLOSED. The writer's heartbeat
     * period is 60 s, so nothing but the close's wake ends the sleep early.
     */
    @Test
    void aCWritersCloseWakesACReaderAsleepInWait(RegionOptions options) throws Exception {
        Lines owner = c(options, "owner", "closewake", "60000", "1");
        owner.await("published");
        Lines sleeper = c(options, "sleep", "closewake", "60000");
        assertThat(sleeper.await("waiting")).isEqualTo("waiting asleep");
        CReaderTest.awaitInFutex(sleeper.process);
        signal("TERM", owner.process);
        owner.await("closed");
        String woken = sleeper.await("woken"); // fails after 30 s: without the wake it sleeps 60 s
        Matcher m = Pattern.compile("woken 0 after (\\d+) ms state 4").matcher(woken);
        assertThat(m.matches()).as(woken).isTrue();
        assertThat(sleeper.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(sleeper.process.exitValue()).isZero();
    }

    /**
     * A C reader asleep in {@code _wait} (60 s) when its writer is SIGKILLed: nobody wakes it, but each sleep lasts
     * at most the liveness period (5 x the 20 ms heartbeat period), and a heartbeat gone stale during the wait ends
     * it with 0: the reader finds WRITER_DEAD long before its timeout (format.md checklist rule 21).
     */
    @Test
    void aCReaderAsleepInWaitNoticesItsWriterKilled(RegionOptions options) throws Exception {
        Lines owner = cOwner(options, "killwake");
        owner.await("published");
        Lines sleeper = c(options, "sleep", "killwake", "60000");
        assertThat(sleeper.await("waiting")).isEqualTo("waiting asleep");
        CReaderTest.awaitInFutex(sleeper.process);
        signal("KILL", owner.process);
        String woken = sleeper.await("woken"); // fails after 30 s: one uncapped sleep lasts 60 s
        assertThat(woken).as(woken).matches("woken 0 after \\d+ ms state 3");
    }

    /**
     * A C writer forks a child that closes its copy of the descriptor but keeps its copy of the mapping; the writer
     * then closes. The lock is the locked descriptor's alone (the region is mapped through a second open of the file,
     * as Java maps it), so it is free at once: Java takes the region over while the child still maps it. Before,
     * the child's mapping kept the lock (the region read CLOSED but every takeover was refused as owned).
     */
    @Test
    void aForkedChildsMappingDoesNotKeepTheLockAfterTheClose(RegionOptions options) throws Exception {
        Lines owner = c(options, "forkowner", "forked");
        Matcher ready = Pattern.compile("child ready pid=(\\d+)").matcher(owner.await("child ready"));
        assertThat(ready.matches()).isTrue();
        ProcessHandle child = ProcessHandle.of(Long.parseLong(ready.group(1))).orElseThrow();
        try {
            signal("TERM", owner.process);
            owner.await("closed");
            assertThat(owner.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.isAlive()).as("the child still maps the region").isTrue();
            try (Publisher publisher = Publisher.create("forked", RegionChild.layout(ARM), options)) {
                assertThat(publisher.epoch()).as("taken over in place").isEqualTo(2);
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aLiveJavaWriterIsReportedWithItsPid(RegionOptions options) throws Exception {
        Lines java = javaHolder(options, "held", ARM, RECORD);
        java.await("ready");
        Map<String, String> out = cTry(options, "held", "600");
        assertThat(out.get("rc")).isEqualTo("-9");
        assertThat(out.get("pid")).isEqualTo(Long.toString(java.process.pid()));
        assertThat(out.get("text")).contains("owned by a live writer", "stop that writer first").doesNotContain("r->");
    }

    @Test
    void aDeadWritersRegionOfAnotherLayoutIsReplaced(RegionOptions options) throws Exception {
        Lines java = javaHolder(options, "other", IMU, "imu_sample");
        assertThat(java.await("ready")).isEqualTo("ready epoch=1");
        signal("KILL", java.process);
        assertThat(java.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Map<String, String> out = cTry(options, "other", "640");
        assertThat(out.get("rc")).as(out.toString()).isEqualTo("0");
        assertThat(out.get("epoch")).as("the next epoch").isEqualTo("2");
        try (Region region = Region.open("other", options)) {
            assertThat(region.layout().schemaName()).isEqualTo("arm");
            assertThat(region.epoch()).isEqualTo(2);
            assertThat(region.stat().permissions()).as("the mode asked for, never through the umask").isEqualTo(0640);
            assertThat(region.writerState(options.stalledAfterPeriods())).isEqualTo(WriterState.CLOSED);
        }
    }

    @Test
    void badArgumentsAndFilesAreRefusedWithTheirCodes(RegionOptions options) throws Exception {
        Map<String, String> name = cTry(options, ".hidden", "600");
        assertThat(name.get("rc")).isEqualTo("-13");
        assertThat(name.get("text")).contains("invalid region name", "[A-Za-z0-9][A-Za-z0-9._-]{0,127}",
                "not starting with '.', '_' or '-'");
        assertThat(cTry(options, "a".repeat(129), "600").get("rc")).as("129 characters").isEqualTo("-13");
        assertThat(cTry(options, "a/b", "600").get("rc")).isEqualTo("-13");

        Map<String, String> mode = cTry(options, "writable", "620");
        assertThat(mode.get("rc")).isEqualTo("-17");
        assertThat(mode.get("text")).contains("mode refused", "group or others");
        assertThat(cTry(options, "writable", "602").get("rc")).isEqualTo("-17");
        assertThat(cTry(options, "writable", "400").get("rc")).as("no owner write").isEqualTo("-17");

        Path nowhere = options.directory().resolve("no-such-directory");
        String missing = c(nowhere, "try", "x", "600").await("rc=");
        assertThat(missing).as("SHMTEL_DIR names no directory").startsWith("rc=-12 pid=0 errno=2 ")
                .contains("set SHMTEL_DIR");

        Path fifo = options.directory().resolve("shmtel.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Map<String, String> planted = cTry(options, "fifo", "600");
        assertThat(planted.get("rc")).as("a FIFO at the name: refused at once, never opened blocking").isEqualTo("-14");
        assertThat(planted.get("text")).contains("not a regular file", "remove it");
        Files.createSymbolicLink(options.directory().resolve("shmtel.link"), fifo);
        assertThat(cTry(options, "link", "600").get("rc")).as("a link: never followed").isEqualTo("-14");
        Files.delete(fifo);
        Files.delete(options.directory().resolve("shmtel.link"));
        try (Stream<Path> files = Files.list(options.directory())) {
            assertThat(files.toList()).as("nothing created by the refused calls").isEmpty();
        }
    }

    /**
     * Six C writers started at once for one name: exactly one creates it (linkat never replaces a name), the others
     * meet its file and are refused with its pid; the winner's heartbeat thread (a 60 s period) stops at once when
     * it closes.
     */
    @Test
    void ofWritersRacingForANameExactlyOneWins(RegionOptions options) throws Exception {
        List<Lines> racers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            racers.add(c(options, "owner", "race", "60000", "1"));
        }
        List<Lines> winners = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (Lines racer : racers) {
            String line = racer.await("");
            if (line.startsWith("created")) {
                assertThat(line).isEqualTo("created rc=0 epoch=1");
                winners.add(racer);
            } else {
                refusals.add(line);
            }
        }
        assertThat(winners).hasSize(1);
        Process winner = winners.get(0).process;
        assertThat(refusals).hasSize(5).allSatisfy(line -> assertThat(line)
                .startsWith("error rc=-9 pid=" + winner.pid() + " ").contains("owned by a live writer"));
        winners.get(0).await("published");
        signal("TERM", winner);
        assertThat(winners.get(0).await("closed")).as("closed without waiting for the heartbeat's period")
                .isEqualTo("closed state=-15");
        assertThat(winner.waitFor(30, TimeUnit.SECONDS)).isTrue();
        try (Stream<Path> files = Files.list(options.directory())) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("shmtel.race");
        }
    }

    /**
     * A dead writer's region that group or others may write is never taken over in place: replaced by a new file
     * (another inode) with the next epoch and the writer's own mode.
     */
    @Test
    void aDeadWritersGroupWritableRegionIsReplaced(RegionOptions options) throws Exception {
        Lines first = cOwner(options, "loose");
        first.await("published");
        signal("KILL", first.process);
        assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Path file = options.directory().resolve("shmtel.loose");
        Object inode = Files.getAttribute(file, "unix:ino");
        Lines reader = c(options, "watch", "loose");
        reader.await("state 3");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw--w----"));
        Map<String, String> out = cTry(options, "loose", "600");
        assertThat(reader.await("replaced")).as("the C reader notices the new file").isEqualTo("replaced");
        assertThat(out.get("rc")).as(out.toString()).isEqualTo("0");
        assertThat(out.get("epoch")).isEqualTo("2");
        assertThat(Files.getAttribute(file, "unix:ino")).as("a new file").isNotEqualTo(inode);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    /**
     * A dead writer's region replaced by a new writer's file (the old one group-writable: never taken over in place):
     * the C reader still maps the old file, but its state is the new file's, as Java's subscriber (which follows the
     * new file) says: LIVE while the new writer runs, CLOSED once it closes; before, it said the old file's
     * WRITER_DEAD.
     */
    @Test
    void aCReadersStateAfterAReplacementIsTheNewFilesAsJavasIs(RegionOptions options) throws Exception {
        Lines first = cOwner(options, "renewed");
        first.await("published");
        signal("KILL", first.process);
        assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Lines reader = c(options, "watch", "renewed");
        reader.await("state 3");
        Path file = options.directory().resolve("shmtel.renewed");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw--w----"));
        Lines second = cOwner(options, "renewed");
        assertThat(second.await("created")).as("a new file, the next epoch").isEqualTo("created rc=0 epoch=2");
        // The old file reads STALLED at most while the new writer holds its lock (a dead writer's old heartbeat).
        // In either order: the loop may see the replacement before or after the state it reports from the new file.
        reader.awaitAll("state 1", "replaced"); // "state 1" failed after 30 s: it said WRITER_DEAD for ever
        try (Subscriber s = Subscriber.open("renewed", RECORD, RegionChild.layout(ARM), options)) {
            assertThat(awaitState(s, WriterState.LIVE)).isEqualTo(WriterState.LIVE);
        }
        reader.drain();
        signal("TERM", second.process);
        second.await("closed");
        reader.await("state 4");
    }

    /** What Java's reader refuses, the C reader refuses too, with its code. */
    @Test
    void aCReaderRefusesWhatJavasReaderRefuses(RegionOptions options) throws Exception {
        assertThat(cOpen(options, "missing")).isEqualTo("open rc=-12");

        Lines imu = javaHolder(options, "imu", IMU, "imu_sample");
        imu.await("ready");
        assertThat(cOpen(options, "imu")).as("another layout").isEqualTo("open rc=-4");

        Lines arm = javaHolder(options, "loose", ARM, RECORD);
        arm.await("ready");
        Path loose = options.directory().resolve("shmtel.loose");
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw--w----"));
        assertThat(cOpen(options, "loose")).as("group may write it").isEqualTo("open rc=-11");

        Path shortFile = options.directory().resolve("shmtel.short");
        Files.write(shortFile, Files.readAllBytes(loose));
        try (RandomAccessFile raf = new RandomAccessFile(shortFile.toFile(), "rw")) {
            raf.setLength(4096);
        }
        Files.setPosixFilePermissions(shortFile, PosixFilePermissions.fromString("rw-------"));
        assertThat(cOpen(options, "short")).as("shorter than its region").isEqualTo("open rc=-8");

        Path unborn = Files.write(options.directory().resolve("shmtel.unborn"), new byte[8192]);
        Files.setPosixFilePermissions(unborn, PosixFilePermissions.fromString("rw-------"));
        long start = System.nanoTime();
        assertThat(cOpen(options, "unborn")).as("format version 0").isEqualTo("open rc=-1");
        assertThat(System.nanoTime() - start).as("waited (bounded) for it to be created")
                .isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(2));
    }

    /** The first line of a C reader's open of {@code name}, up to its code. */
    String cOpen(RegionOptions options, String name) throws Exception {
        Lines lines = c(options, "watch", name);
        String line = lines.await("open");
        return line.contains(" epoch") ? line.substring(0, line.indexOf(" epoch")) : line;
    }

    /** The one C program of docs/c.md's "A complete driver" section, as the page shows it. */
    static String docExample() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "c.md"));
        int section = doc.indexOf("\n## A complete driver\n");
        assertThat(section).as("docs/c.md's section \"A complete driver\"").isPositive();
        Matcher m = Pattern.compile("```c\n(.*?)```", Pattern.DOTALL).matcher(doc.substring(section));
        assertThat(m.find()).as("a ```c block in docs/c.md's complete driver").isTrue();
        String program = m.group(1);
        assertThat(m.find()).as("one complete example in that section").isFalse();
        return program;
    }

    /**
     * docs/c.md's driver, compiled from the page's text under strict C11 with no feature-test macro: Java reads its
     * values while it runs LIVE, and SIGTERM closes it cleanly (CLOSED, exit 0).
     */
    @Test
    void theDocsDriverRunsAgainstJava(RegionOptions options, @TempDir Path dir) throws Exception {
        new CGenerator(RegionChild.layout(ARM)).generate().get(0).writeTo(dir);
        Files.writeString(dir.resolve("arm_driver.c"), docExample(), StandardCharsets.UTF_8);
        List<String> flags = new ArrayList<>(Gcc.STRICT_C11);
        flags.add("-pthread");
        Path driver = Gcc.compile(dir, dir.resolve("arm_driver.c"), "arm_driver", flags);
        ProcessBuilder builder = new ProcessBuilder(driver.toString(), "doc-arm").redirectErrorStream(true);
        builder.environment().put("SHMTEL_DIR", options.directory().toString());
        Process p = builder.start();
        children.add(p);
        Lines lines = new Lines(p);
        assertThat(lines.await("arm_driver: region")).isEqualTo("arm_driver: region \"doc-arm\" epoch 1");
        try (Subscriber s = Subscriber.open("doc-arm", RECORD, RegionChild.layout(ARM), options)) {
            DynamicView view = new DynamicView(s.record());
            FieldLayout position = view.field("position");
            assertThat(s.awaitNext(view, TimeUnit.SECONDS.toNanos(10))).isTrue();
            assertThat(s.awaitNext(view, TimeUnit.SECONDS.toNanos(10))).as("a second sample: it publishes on")
                    .isTrue();
            double first = view.number(position, 0);
            for (int j = 0; j < 6; j++) {
                assertThat(view.number(position, j)).isEqualTo(first + j);
                assertThat(view.number(view.field("velocity"), j)).isEqualTo(0.5);
                assertThat(view.number(view.field("effort"), j)).isEqualTo(-1.0 * j);
            }
            assertThat(first).isEqualTo(0.001 * view.sampleIndex());
            assertThat(view.value("status")).isEqualTo("OK");
            assertThat(view.value("frame_id")).isEqualTo("base_link");
            assertThat(awaitState(s, WriterState.LIVE)).isEqualTo(WriterState.LIVE);
            signal("TERM", p);
            assertThat(lines.await("arm_driver: closed after")).isNotEmpty();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(awaitState(s, WriterState.CLOSED)).isEqualTo(WriterState.CLOSED);
        }
    }

    /** A region larger than its tmpfs (4 KiB, private to the child): SHMTEL_ERR_NO_SPACE, and no file left. */
    @Test
    void aRegionTooLargeForItsTmpfsIsNoSpace(RegionOptions options) throws Exception {
        assumeTrue(CrossProcessTest.canMountTmpfs(),
                "needs unshare and mount (root) for a private tiny tmpfs");
        Path tiny = options.directory().resolve("tiny");
        Files.createDirectory(tiny);
        Process p = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=4k tmpfs \"$1\" &&"
                + " SHMTEL_DIR=\"$1\" \"$2\" try big 600 && ls -a \"$1\"", "sh", tiny.toString(), binary.toString())
                .redirectErrorStream(true).start();
        children.add(p);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).as(out).startsWith("rc=-10 pid=0 errno=28 ").contains("no space left", "--shm-size");
        assertThat(out.lines().skip(1).toList()).as("nothing left in the full directory").containsExactly(".", "..");
    }

    /**
     * The C reader says each change of the state; a loaded machine may show a Java writer STALLED for a moment
     * (a late beat), so each step drops what was said before its cause and waits for the state it expects.
     */
    @Test
    void aCReaderSeesAJavaWritersStates(RegionOptions options) throws Exception {
        Lines java = javaHolder(options, "watched", ARM, RECORD);
        java.await("ready");
        Lines c = c(options, "watch", "watched");
        assertThat(c.await("open")).isEqualTo("open rc=0 epoch=1 sleepers=1");
        c.await("state 1");
        c.drain();
        signal("STOP", java.process);
        c.await("state 2");
        c.drain();
        signal("CONT", java.process);
        c.await("state 1");
        c.drain();
        signal("TERM", java.process);
        c.await("state 4");
        assertThat(java.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        c.drain();
        Lines again = javaHolder(options, "watched", ARM, RECORD);
        assertThat(again.await("ready")).as("taken over in place").isEqualTo("ready epoch=2");
        c.await("state 1");
        c.drain();
        signal("KILL", again.process);
        c.await("state 3");

        Path file = options.directory().resolve("shmtel.watched");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(4096);
        }
        c.await("state 5"); // truncated: the file is shorter than the mapping
        Files.delete(file);
        c.await("state 0"); // no file at the name: WAITING
    }
}
