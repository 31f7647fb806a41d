package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.ring.Sleepers;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.gen.CGenerator;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RegionHeaderDescriptor;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.testing.CCounterPattern;
import io.shmtel.schema.testing.Examples;
import io.shmtel.schema.testing.Gcc;
import io.shmtel.schema.testing.NativeTools;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated header's reader side and its writer's resume rule, against Java processes on real regions: a C
 * writer publishing after Java writers died mid-publish never writes an index they started (the lazy takeover rule
 * of {@code _publish}); a C stream reader ({@code _read_next}) reads in order with exact lost counts; C latest and
 * stream readers see no torn sample of a flat-out Java writer; a C sleeper ({@code _wait}) is woken by a Java
 * writer's publish, and its slot, left by a kill, is healed by the Java writer.
 */
@ExtendWith(ShmDirectory.class)
class CReaderTest {
    static final String ALL_TYPES = Examples.example("all_types.json").toAbsolutePath().toString();
    static final String RECORD = "every_type"; // depth 4
    /** The C writer's samples carry the counter pattern of OTHER + i: contents no Java writer wrote. */
    static final long OTHER = 1_000_000;
    /** Reads of each kind by the C readers against the flat-out writer (the issue's figure). */
    static final long TORN_CHECKED_READS = 1_000_000;
    /** The depth of every_type in the flat-out test's copy of the schema. */
    static final int DEEP = 1024;
    /** How long the 1.0 test watches the sleeper bits stay clear while the C reader waits, ms. */
    static final long FORMAT_10_WATCH_MS = 300;

    static final String C_PROGRAM = """
            #define _DEFAULT_SOURCE /* mmap, open, usleep: the program's needs */
            #include "all_types.h"
            #include <fcntl.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <sys/mman.h>
            #include <unistd.h>
            %s
            typedef all_types_every_type_t sample_t;
            #define LENGTH ALL_TYPES_REGION_LENGTH

            /* FILE publish N OTHER | FILE drain CURSOR | FILE latest|stream READS SECONDS | FILE wait SEEN MS */
            int main(int argc, char **argv) {
                const char *mode = argv[2];
                int writable = strcmp(mode, "publish") == 0;
                int fd = open(argv[1], writable ? O_RDWR : O_RDONLY);
                void *base, *sleepers = NULL;
                sample_t s;
                uint64_t k = 0, ts = 0, lost = 0, cursor = 0, reads = 0, torn = 0, backwards = 0, contended = 0;
                int r = 0;
                if (fd < 0 || argc < 4) { perror("open"); return 2; }
                base = mmap(NULL, LENGTH, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0);
                if (base == MAP_FAILED) { perror("mmap"); return 2; }
                r = all_types_check_mapping(base, LENGTH);
                if (r != SHMTEL_OK) { printf("check %%d\\n", r); return 3; }
                if (strcmp(mode, "publish") == 0) {
                    long n = atol(argv[3]);
                    uint64_t other = strtoull(argv[4], NULL, 10);
                    for (long i = 0; i < n; i++) {
                        every_fill(&s, other + (uint64_t)i);
                        printf("published %%llu\\n", (unsigned long long)all_types_every_type_publish(base, &s, 7));
                    }
                } else if (strcmp(mode, "drain") == 0) {
                    cursor = strtoull(argv[3], NULL, 10);
                    while ((r = all_types_every_type_read_next(base, &cursor, &s, &k, &ts, &lost)) == 1) {
                        if (every_check(&s, (uint64_t)s.ticks)) printf("%%llu %%lld\\n", (unsigned long long)k,
                                                                     (long long)s.ticks);
                        else printf("%%llu torn\\n", (unsigned long long)k);
                    }
                    printf("end %%d cursor %%llu lost %%llu\\n", r, (unsigned long long)cursor,
                           (unsigned long long)lost);
                } else if (strcmp(mode, "latest") == 0 || strcmp(mode, "stream") == 0) {
                    uint64_t want = strtoull(argv[3], NULL, 10), last = 0;
                    uint64_t deadline = shmtel_now_ns() + strtoull(argv[4], NULL, 10) * UINT64_C(1000000000);
                    int stream = strcmp(mode, "stream") == 0;
                    cursor = all_types_every_type_published(base);
                    while (reads < want && shmtel_now_ns() < deadline) {
                        r = stream ? all_types_every_type_read_next(base, &cursor, &s, &k, &ts, &lost)
                                   : all_types_every_type_read_latest(base, &s, &k, &ts);
                        if (r < 0) contended++;
                        if (r != 1) continue;
                        if (!every_check(&s, k)) torn++;
                        if (reads > 0 && (stream ? k <= last : k < last)) backwards++;
                        last = k;
                        reads++;
                    }
                    printf("reads %%llu torn %%llu lost %%llu backwards %%llu contended %%llu\\n",
                           (unsigned long long)reads, (unsigned long long)torn, (unsigned long long)lost,
                           (unsigned long long)backwards, (unsigned long long)contended);
                } else if (strcmp(mode, "wait") == 0) {
                    uint64_t seen = strtoull(argv[3], NULL, 10), start;
                    int wfd = open(argv[1], O_RDWR);
                    if (wfd >= 0) sleepers = mmap(NULL, LENGTH, PROT_READ | PROT_WRITE, MAP_SHARED, wfd, 0);
                    if (sleepers == MAP_FAILED) sleepers = NULL;
                    printf("waiting %%s\\n", sleepers != NULL ? "asleep" : "polling");
                    fflush(stdout);
                    start = shmtel_now_ns();
                    r = all_types_every_type_wait(base, sleepers, seen, strtoull(argv[4], NULL, 10) * 1000000u);
                    printf("woken %%d after %%llu ms\\n", r,
                           (unsigned long long)((shmtel_now_ns() - start) / 1000000u));
                }
                return 0;
            }
            """;

    final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        RegionChild.killAll(children);
    }

    /** The C program built against the generated all_types header. */
    static Path build(Path dir) throws Exception {
        return build(dir, ALL_TYPES);
    }

    /** The C program built against the header generated from {@code schema} (all_types, or a copy of it). */
    static Path build(Path dir, String schema) throws Exception {
        NativeTools.require("gcc");
        Layout layout = RegionChild.layout(schema);
        new CGenerator(layout).generate().get(0).writeTo(dir);
        RecordLayout r = layout.record(RECORD).orElseThrow();
        String pattern = CCounterPattern.functions(r, "all_types_every_type_t", "every");
        Files.writeString(dir.resolve("creader.c"), C_PROGRAM.formatted(pattern), StandardCharsets.UTF_8);
        return Gcc.compile(dir, dir.resolve("creader.c"), "creader", Gcc.STRICT_C11);
    }

    static List<String> run(Path binary, Path file, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(binary.toString(), file.toString()));
        command.addAll(List.of(args));
        return Gcc.run(command, 120).lines().toList();
    }

    Process start(Path binary, Path file, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(binary.toString(), file.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        children.add(p);
        return p;
    }

    /** A Java writer publishing the counter pattern, killed the Nth time it reaches {@code point}. */
    void javaWriterDiesAt(RegionOptions options, String name, String point, int n) throws Exception {
        Process writer = RegionChild.start(children, List.of("-Dshmtel.crashAt=" + point + "@" + n), "publish",
                options.directory().toString(), name, ALL_TYPES, RECORD, "30");
        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).as("crashing writer ended").isTrue();
        assertThat(writer.exitValue()).as("SIGKILL at %s: %s", point,
                new String(writer.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(137);
    }

    /**
     * Where the Java writers died, and what a C writer's two samples then make of the ring, read by a C and a Java
     * stream reader from the oldest index the ring holds (published - depth): "k v" is index k holding the pattern
     * of v; the lost indexes are those a dead writer started and nobody completed.
     */
    static Stream<Arguments> deaths() {
        return Stream.of(
                // Sample 6 complete (seq 14), published still 6: it stays the dead writer's, the C writer goes on at 7.
                Arguments.of(List.of("publish.complete@7"), 7, List.of("5 5", "6 6", "7 1000000", "8 1000001"), 0),
                // Sample 6 written but not marked complete (seq 13): abandoned, counted lost, never rewritten.
                Arguments.of(List.of("publish.written@7"), 7, List.of("5 5", "7 1000000", "8 1000001"), 1),
                // Sample 6 started (seq 13), then a second writer died starting 7 (seq 15), published still 6: the
                // slot of 6 shows it started, and the full scan resumes past 7, not just past 6.
                Arguments.of(List.of("publish.marked@7", "publish.marked@1"), 8, List.of("8 1000000", "9 1000001"), 2));
    }

    /**
     * A C writer that publishes into a region whose Java writers died in the middle of a publish resumes past every
     * index they started: index 6 (and 7) are never written again with other contents. A C stream reader and a Java
     * subscriber deliver the dead writer's complete sample or count the index lost, never the C writer's contents
     * under it. Without the rule in {@code _publish} the C writer would write index 6 again.
     */
    @ParameterizedTest
    @MethodSource("deaths")
    void aCWriterNeverWritesAnIndexADeadWriterStarted(List<String> points, long firstIndex, List<String> stream,
            long lost, @TempDir Path dir, RegionOptions options) throws Exception {
        Path binary = build(dir);
        String name = "resume";
        for (String point : points) {
            int at = point.indexOf('@');
            javaWriterDiesAt(options, name, point.substring(0, at), Integer.parseInt(point.substring(at + 1)));
        }
        Path file = options.regionDirectory().file(name);
        assertThat(run(binary, file, "publish", "2", Long.toString(OTHER)))
                .containsExactly("published " + firstIndex, "published " + (firstIndex + 1));
        List<String> expected = new ArrayList<>(stream);
        expected.add("end 0 cursor " + (firstIndex + 2) + " lost " + lost);
        long oldest = firstIndex + 2 - publisherDepth();
        assertThat(run(binary, file, "drain", Long.toString(oldest))).as("the C stream reader").isEqualTo(expected);

        try (Subscriber subscriber = Subscriber.open(name, RECORD, options)) {
            subscriber.seekToOldest(); // published - depth, as the C reader
            DynamicView view = new DynamicView(subscriber.record());
            List<String> read = new ArrayList<>();
            while (subscriber.poll(view)) {
                long k = view.sampleIndex();
                long v = view.integer(view.field("ticks"), 0);
                read.add(k + " " + (CounterPattern.check(view, v) ? Long.toString(v) : "torn"));
            }
            assertThat(read).as("the Java stream reader").isEqualTo(stream);
            assertThat(subscriber.lostSamples()).isEqualTo(lost);
        }
    }

    static int publisherDepth() {
        return RegionChild.layout(ALL_TYPES).record(RECORD).orElseThrow().depth();
    }

    /**
     * A C stream reader of a Java writer: in order, and when the writer laps it, it jumps to the oldest index the
     * writer does not overwrite next and counts exactly the indexes it skipped.
     */
    @Test
    void aCStreamReaderReadsAJavaWriterInOrderWithExactLostCounts(@TempDir Path dir, RegionOptions options)
            throws Exception {
        Path binary = build(dir);
        try (Publisher publisher = Publisher.create("stream", RegionChild.layout(ALL_TYPES), options)) {
            RingWriter sink = publisher.sink(RECORD);
            DynamicWriter writer = new DynamicWriter(sink, publisher.layout().record(RECORD).orElseThrow());
            Path file = publisher.region().file();
            assertThat(run(binary, file, "drain", "0")).containsExactly("end 0 cursor 0 lost 0");
            publish(sink, writer, 3);
            assertThat(run(binary, file, "drain", "0")).containsExactly("0 0", "1 1", "2 2", "end 0 cursor 3 lost 0");
            assertThat(run(binary, file, "drain", "3")).containsExactly("end 0 cursor 3 lost 0");
            publish(sink, writer, 10); // 3..12 into 4 slots: the reader at 3 is lapped
            assertThat(run(binary, file, "drain", "3")).as("lapped: 3..9 lost, 10 is the oldest kept")
                    .containsExactly("10 10", "11 11", "12 12", "end 0 cursor 13 lost 7");
            publish(sink, writer, 1);
            assertThat(run(binary, file, "drain", "13")).containsExactly("13 13", "end 0 cursor 14 lost 0");
        }
    }

    static void publish(RingWriter sink, DynamicWriter writer, int count) {
        for (int i = 0; i < count; i++) {
            CounterPattern.fill(writer, sink.nextSampleIndex());
            writer.commit();
        }
    }

    /**
     * 10^6 reads by the C latest reader and 10^6 samples delivered to the C stream reader, each checked field by
     * field against the counter pattern of its index, while a Java writer publishes flat out: none torn, none
     * backwards.
     */
    @Test
    void cReadersSeeNoTornSampleOfAFlatOutJavaWriter(@TempDir Path dir, RegionOptions options) throws Exception {
        // A deep ring: a stream reader lapped at depth 4 by a writer on the next core spends most reads on laps.
        Path schema = dir.resolve("all_types_deep.json");
        Files.writeString(schema, Files.readString(Path.of(ALL_TYPES)).replace("\"depth\": 4,", "\"depth\": "
                + DEEP + ","));
        Path binary = build(dir, schema.toString());
        Process writer = RegionChild.start(children, List.of(), "publish", options.directory().toString(), "flat",
                schema.toString(), RECORD, "120");
        CrossProcessTest.firstLine(writer, "ready");
        Path file = options.regionDirectory().file("flat");
        String reads = Long.toString(TORN_CHECKED_READS);
        for (String mode : List.of("latest", "stream")) {
            List<String> out = run(binary, file, mode, reads, "60");
            System.out.printf("C %s reader of a flat-out Java writer: %s%n", mode, out);
            assertThat(out).hasSize(1);
            String[] w = out.get(0).split(" ");
            assertThat(w[0] + " " + w[1]).as("%s: %s", mode, out).isEqualTo("reads " + reads);
            assertThat(w[3]).as("%s torn: %s", mode, out).isEqualTo("0");
            assertThat(w[7]).as("%s backwards: %s", mode, out).isEqualTo("0");
        }
        assertThat(writer.isAlive()).as("the writer still publishing").isTrue();
    }

    /** Waits until process {@code p} sleeps in the futex system call (state S, /proc/PID/syscall). */
    static void awaitInFutex(Process p) throws Exception {
        String futex = "aarch64".equals(System.getProperty("os.arch")) ? "98" : "202";
        Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
        Path syscall = Path.of("/proc", Long.toString(p.pid()), "syscall");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            assertThat(p.isAlive()).as("sleeper %d alive", p.pid()).isTrue();
            String s = Files.readString(stat);
            String call = Files.readString(syscall).split(" ")[0].trim();
            if (s.charAt(s.lastIndexOf(')') + 2) == 'S' && call.equals(futex)) {
                return;
            }
            assertThat(System.nanoTime() - deadline).as("sleeper %d asleep in futex: state %s, syscall %s", p.pid(),
                    s.charAt(s.lastIndexOf(')') + 2), call).isNegative();
            Thread.sleep(2);
        }
    }

    /**
     * A C sleeper ({@code _wait} with a writable mapping, a 60 s timeout) registers in the sleeper words and sleeps
     * in the futex; one Java publish wakes it with 1, long before the timeout, and it leaves its slot free.
     */
    @Test
    void aCSleeperIsWokenByAJavaWritersPublish(@TempDir Path dir, RegionOptions options) throws Exception {
        Path binary = build(dir);
        try (Publisher publisher = Publisher.create("wake", RegionChild.layout(ALL_TYPES), options)) {
            RecordLayout r = publisher.layout().record(RECORD).orElseThrow();
            RingGeometry g = RingGeometry.of(r);
            RingWriter sink = publisher.sink(RECORD);
            DynamicWriter writer = new DynamicWriter(sink, r);
            publish(sink, writer, 1);
            Process sleeper = start(binary, publisher.region().file(), "wait", "1", "60000");
            BufferedReader out = new BufferedReader(new InputStreamReader(sleeper.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("waiting asleep");
            awaitInFutex(sleeper);
            ByteBuffer b = publisher.region().buffer();
            int mask = Sleepers.mask(b, g);
            assertThat(mask).as("its sleeper bit").isNotZero();
            assertThat(Sleepers.owner(b, g, Integer.numberOfTrailingZeros(mask))).isEqualTo((int) sleeper.pid());
            publish(sink, writer, 1);
            assertThat(sleeper.waitFor(30, TimeUnit.SECONDS)).as("woken, not timed out (60 s)").isTrue();
            String woken = out.readLine();
            assertThat(woken).as("the wait's result").startsWith("woken 1 after ");
            System.out.printf("C sleeper woken by a Java publish: %s%n", woken);
            assertThat(Sleepers.mask(b, g)).as("slot freed").isZero();
            assertThat(sleeper.exitValue()).isZero();
        }
    }

    /**
     * A C reader of a format 1.0 region (minor 0: its writers never load the sleeper bits, so never wake anyone)
     * polls instead of sleeping (format.md checklist rule 20): it claims no sleeper slot while it waits, and a
     * publish that wakes nobody still ends its wait with 1.
     */
    @Test
    void aCReaderPollsOnAFormat10Region(@TempDir Path dir, RegionOptions options) throws Exception {
        Path binary = build(dir);
        try (Publisher publisher = Publisher.create("old", RegionChild.layout(ALL_TYPES), options)) {
            RecordLayout r = publisher.layout().record(RECORD).orElseThrow();
            RingGeometry g = RingGeometry.of(r);
            RingWriter sink = publisher.sink(RECORD);
            DynamicWriter writer = new DynamicWriter(sink, r);
            publish(sink, writer, 1);
            ByteBuffer b = publisher.region().buffer();
            b.putInt(RegionHeaderDescriptor.VERSION_OFFSET,
                    RegionHeaderDescriptor.FORMAT_MAJOR << RegionHeaderDescriptor.FORMAT_MAJOR_SHIFT);
            Process sleeper = start(binary, publisher.region().file(), "wait", "1", "60000");
            BufferedReader out = new BufferedReader(new InputStreamReader(sleeper.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine()).as("it has a writable mapping").isEqualTo("waiting asleep");
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FORMAT_10_WATCH_MS);
            while (System.nanoTime() - until < 0) {
                assertThat(Sleepers.mask(b, g)).as("no sleeper slot claimed on a 1.0 region").isZero();
                Thread.sleep(1);
            }
            publish(sink, writer, 1);
            assertThat(sleeper.waitFor(30, TimeUnit.SECONDS)).as("its poll saw the publish").isTrue();
            assertThat(out.readLine()).startsWith("woken 1 after ");
        }
    }

    /**
     * A C sleeper SIGKILLed asleep leaves its bit and pid; the Java writer's wakes find nobody, and it frees the
     * slot (Sleepers.healDead), after which it stops waking.
     */
    @Test
    void aCSleeperKilledAsleepIsHealedByTheJavaWriter(@TempDir Path dir, RegionOptions options) throws Exception {
        Path binary = build(dir);
        try (Publisher publisher = Publisher.create("healc", RegionChild.layout(ALL_TYPES), options)) {
            RecordLayout r = publisher.layout().record(RECORD).orElseThrow();
            RingGeometry g = RingGeometry.of(r);
            RingWriter sink = publisher.sink(RECORD);
            DynamicWriter writer = new DynamicWriter(sink, r);
            Process sleeper = start(binary, publisher.region().file(), "wait", "0", "600000");
            CrossProcessTest.firstLine(sleeper, "waiting asleep");
            awaitInFutex(sleeper);
            ByteBuffer b = publisher.region().buffer();
            int mask = Sleepers.mask(b, g);
            int slot = Integer.numberOfTrailingZeros(mask);
            assertThat(Sleepers.owner(b, g, slot)).isEqualTo((int) sleeper.pid());
            CrossProcessTest.signal("KILL", sleeper);
            assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Sleepers.mask(b, g)).as("the bit left by the killed sleeper").isEqualTo(mask);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Sleepers.mask(b, g) != 0 && System.nanoTime() - deadline < 0) {
                publish(sink, writer, 1);
            }
            assertThat(Sleepers.mask(b, g)).as("healed").isZero();
            assertThat(Sleepers.owner(b, g, slot)).isZero();
            assertThat(sink.healedSleepers()).isEqualTo(1);
        }
    }
}
