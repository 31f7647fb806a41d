package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.gen.CppGenerator;
import io.shmtel.schema.gen.GeneratedFile;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.testing.CCounterPattern;
import io.shmtel.schema.testing.Examples;
import io.shmtel.schema.testing.Gcc;
import io.shmtel.schema.testing.NativeTools;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated C++ header ({@code gen --lang cpp}) against Java, process to process on real regions: a C++ writer
 * ({@code shmtel::arm::Region::create}, moved, a {@code Publisher}) is read by a Java subscriber with every value as
 * written, LIVE while it runs, CLOSED once its Region goes out of scope, WRITER_DEAD after SIGKILL; create errors come
 * back as codes and as {@code shmtel::Error}; a C++ Reader reads a Java writer's newest sample and its stream in
 * order, and makes 10^6 torn-checked reads of each kind against a flat-out Java writer with none torn. The program is
 * built with g++ -std=c++17 -Wall -Wextra -Werror -pedantic.
 */
@ExtendWith(ShmDirectory.class)
class CppClientTest {
    static final String ARM = Examples.example("arm.json").toAbsolutePath().toString();
    static final String ALL_TYPES = Examples.example("all_types.json").toAbsolutePath().toString();
    static final String COMMANDS = Examples.example("commands.json").toAbsolutePath().toString();
    static final String FLAT_RECORD = "every_type";
    /** Messages through the mailbox each way. */
    static final int MESSAGES = 500;
    /** Reads of each kind by the C++ reader against the flat-out writer (the figure). */
    static final long TORN_CHECKED_READS = 1_000_000;
    /** Samples the C++ writer publishes: fewer than arm's depth (8), so a subscriber from the oldest loses none. */
    static final int SAMPLES = 6;
    /** Samples the Java writer publishes, paced, to the C++ stream reader. */
    static final int STREAMED = 300;
    static final long STREAM_GAP_US = 300;
    /** The page whose complete example the last test compiles and runs. */
    static final Path CPP_MD = Path.of("..", "docs", "cpp.md");
    /** Samples the doc example publishes (its own pace: 2 ms apart). */
    static final int DOC_SAMPLES = 50;

    static final String PROGRAM = """
            #include "arm.hpp"
            #include "all_types.hpp"
            #include "commands.hpp"
            #include <cstdio>
            #include <cstdlib>
            #include <cstring>
            #include <iostream>
            #include <sched.h>
            #include <string>

            %s
            namespace arm = shmtel::arm;
            namespace all_types = shmtel::all_types;
            namespace commands = shmtel::commands;
            static const uint64_t MAILBOX_WAIT_NS = UINT64_C(30000000000);

            /* consume NAME COUNT: takes COUNT messages of a Java sender (request_id and target[0] = i), answers
             * each with code i %% 3. */
            static int consume(const char *name, uint64_t count) {
                commands::Region region = commands::Region::open(name);
                shmtel::MailboxConsumer<commands::ArmCommand> consumer(region);
                if (!consumer) { std::printf("no writable mapping\\n"); return 4; }
                commands::ArmCommand m{};
                uint64_t wrong = 0, index = 0;
                for (uint64_t i = 0; i < count; i++) {
                    uint64_t deadline = shmtel_now_ns() + MAILBOX_WAIT_NS;
                    int r;
                    while ((r = consumer.take(m, index)) == 0 && shmtel_now_ns() < deadline) sched_yield();
                    if (r != 1) { std::printf("take %%d at %%llu\\n", r, (unsigned long long)i); return 5; }
                    if (m.request_id != (uint32_t)i || m.target[0] != (double)i || index != i) wrong++;
                    if (consumer.answer(index, (int32_t)(i %% 3)) != SHMTEL_OK) wrong++;
                }
                std::printf("consumed %%llu wrong %%llu\\n", (unsigned long long)count, (unsigned long long)wrong);
                return 0;
            }

            /* send NAME COUNT: creates the region, sends COUNT messages to a Java consumer, reads each answer. */
            static int send(const char *name, uint64_t count) {
                commands::Region region = commands::Region::create(name);
                region.start_heartbeat();
                shmtel::MailboxSender<commands::ArmCommand> sender(region);
                std::printf("created\\n");
                commands::ArmCommand m{};
                uint64_t wrong = 0, index = 0;
                for (uint64_t i = 0; i < count; i++) {
                    m.request_id = (uint32_t)i;
                    m.target[0] = (double)i;
                    uint64_t deadline = shmtel_now_ns() + MAILBOX_WAIT_NS;
                    int r;
                    while ((r = sender.offer(m, index)) == 0 && shmtel_now_ns() < deadline) sched_yield();
                    if (r != 1 || index != i) {
                        std::printf("offer %%d at %%llu\\n", r, (unsigned long long)i);
                        return 5;
                    }
                    int32_t code = -100;
                    while ((r = sender.poll_answer(code)) == 0 && shmtel_now_ns() < deadline) sched_yield();
                    if (r != 1) { std::printf("answer %%d at %%llu\\n", r, (unsigned long long)i); return 5; }
                    if (code != (i %% 2 == 0 ? 0 : 5)) wrong++;
                }
                std::printf("sent %%llu wrong %%llu\\n", (unsigned long long)count, (unsigned long long)wrong);
                return 0;
            }

            /* writer NAME COUNT: creates, publishes COUNT samples (pattern of their index), says so, waits for a line
             * (or EOF) on stdin, then leaves the scope of its Region: CLOSED. */
            static int writer(const char *name, long count) {
                arm::Region created = arm::Region::create(name); /* throws shmtel::Error */
                created.set_heartbeat_period(std::chrono::milliseconds(20));
                if (created.start_heartbeat() != SHMTEL_OK) return 4;
                arm::Region region = std::move(created); /* move-only; the heartbeat thread beats on */
                if (created.is_open() || !region.owner()) return 4;
                shmtel::Publisher<arm::JointState> publisher(region);
                arm::JointState s{};
                for (long i = 0; i < count; i++) {
                    joint_fill(&s, (uint64_t)i);
                    if (publisher.publish(s) != (uint64_t)i) return 5;
                }
                std::printf("published %%ld state=%%s epoch=%%llu\\n", count, shmtel::to_string(region.state()),
                            (unsigned long long)region.epoch());
                std::string line;
                std::getline(std::cin, line);
                return 0;
            }

            /* errors NAME: a refused mode through the int create, then a throwing create of NAME (held by Java). */
            static int errors(const char *name) {
                arm::Region region;
                int rc = arm::Region::create(region, "mode-refused", 0666);
                std::printf("nothrow rc=%%d open=%%d text=%%s\\n", rc, region.is_open() ? 1 : 0,
                            shmtel::error_text(rc));
                try {
                    arm::Region held = arm::Region::create(name);
                    std::printf("created\\n");
                } catch (const shmtel::Error &e) {
                    std::printf("thrown code=%%d what=%%s\\n", e.code(), e.what());
                }
                return 0;
            }

            /* latest NAME: the newest sample of a Java writer. */
            static int latest(const char *name) {
                arm::Region region = arm::Region::open(name);
                shmtel::Reader<arm::JointState> reader(region);
                arm::JointState s{};
                shmtel::SampleInfo info{};
                bool got = reader.latest(s, info);
                shmtel::Publisher<arm::JointState> not_owner(region); /* empty: this process does not own it */
                bool empty = !not_owner && not_owner.publish(s) == shmtel::Publisher<arm::JointState>::NOT_PUBLISHED;
                std::printf("latest %%d index=%%llu pattern=%%d state=%%s empty-publisher=%%d\\n", got ? 1 : 0,
                            (unsigned long long)info.index, joint_check(&s, info.index),
                            shmtel::to_string(region.state()), empty ? 1 : 0);
                return 0;
            }

            /* stream NAME COUNT: every sample published after "ready", in order, asleep in wait() between them. */
            static int stream(const char *name, uint64_t count) {
                arm::Region region;
                int rc = arm::Region::open(region, name);
                if (rc != SHMTEL_OK) { std::printf("open %%d\\n", rc); return 3; }
                shmtel::Reader<arm::JointState> reader(region);
                reader.seek_to_newest();
                uint64_t next = reader.published_count(); /* the first index the stream delivers */
                std::printf("ready\\n");
                std::fflush(stdout);
                arm::JointState s{};
                shmtel::SampleInfo info{};
                uint64_t read = 0, lost = 0, order = 0, bad = 0, waits = 0;
                uint64_t deadline = shmtel_now_ns() + UINT64_C(60000000000);
                while (read + lost < count && shmtel_now_ns() < deadline) {
                    uint64_t before = lost;
                    if (reader.next(s, lost, info)) {
                        if (info.index != next + (lost - before)) order++;
                        if (!joint_check(&s, info.index)) bad++;
                        next = info.index + 1;
                        read++;
                    } else if (reader.wait(std::chrono::milliseconds(100)) >= 0) {
                        waits++;
                    }
                }
                std::printf("read %%llu lost %%llu order %%llu bad %%llu waits>0 %%d\\n", (unsigned long long)read,
                            (unsigned long long)lost, (unsigned long long)order, (unsigned long long)bad, waits > 0);
                return 0;
            }

            /* torn NAME READS: READS latest() reads, then READS next() deliveries, each checked field by field. */
            static int torn(const char *name, uint64_t reads) {
                all_types::Region region = all_types::Region::open(name);
                shmtel::Reader<all_types::EveryType> reader(region);
                all_types::EveryType s{};
                shmtel::SampleInfo info{};
                for (int stream = 0; stream < 2; stream++) {
                    uint64_t done = 0, bad = 0, backwards = 0, last = 0, lost = 0;
                    uint64_t deadline = shmtel_now_ns() + UINT64_C(120000000000);
                    while (done < reads && shmtel_now_ns() < deadline) {
                        if (!(stream ? reader.next(s, lost, info) : reader.latest(s, info))) continue;
                        if (!every_check(&s, info.index)) bad++;
                        if (done > 0 && (stream ? info.index <= last : info.index < last)) backwards++;
                        last = info.index;
                        done++;
                    }
                    std::printf("%%s reads %%llu torn %%llu backwards %%llu\\n", stream ? "stream" : "latest",
                                (unsigned long long)done, (unsigned long long)bad, (unsigned long long)backwards);
                }
                return 0;
            }

            /* spin NAME: a writer "killed" between completing index 3 (seq 8) and counting it (published stays 3), a
             * Reader's next()/wait() loop for 1 s: it must sleep (wait 0 after its timeout), not spin. */
            static int spin(const char *name) {
                arm::Region w = arm::Region::create(name);
                arm::JointState s{};
                for (int i = 0; i < 3; i++) arm_joint_state_publish(w.base(), &s, shmtel_now_ns());
                char *slot = (char *)w.base() + ARM_JOINT_STATE_BLOCK_OFFSET + SHMTEL_SLOTS_OFFSET
                             + (3 & (ARM_JOINT_STATE_DEPTH - 1)) * ARM_JOINT_STATE_SLOT_LENGTH;
                SHMTEL_STORE_(shmtel_u64_(slot, SHMTEL_SEQ_OFFSET), UINT64_C(8), RELEASE);
                arm::Region r = arm::Region::open(name);
                shmtel::Reader<arm::JointState> reader(r);
                uint64_t lost = 0, delivered = 0, woken = 0, start = shmtel_now_ns();
                int last = 1;
                while (shmtel_now_ns() - start < UINT64_C(1000000000)) {
                    if (reader.next(s, lost)) { delivered++; continue; }
                    last = reader.wait(std::chrono::seconds(1));
                    if (last != 1) break;
                    woken++;
                }
                std::printf("delivered %%llu woken %%llu last %%d published %%llu\\n", (unsigned long long)delivered,
                            (unsigned long long)woken, last, (unsigned long long)reader.published_count());
                return 0;
            }

            int main(int argc, char **argv) {
                std::setvbuf(stdout, nullptr, _IOLBF, 0);
                (void)every_fill; /* the pattern's writer side is Java's here */
                if (argc < 3) return 2;
                std::string mode = argv[1];
                try {
                    if (mode == "writer") {
                        int rc = writer(argv[2], std::atol(argv[3]));
                        std::printf("closed rc=%%d\\n", rc);
                        return rc;
                    }
                    if (mode == "errors") return errors(argv[2]);
                    if (mode == "latest") return latest(argv[2]);
                    if (mode == "spin") return spin(argv[2]);
                    if (mode == "stream") return stream(argv[2], std::strtoull(argv[3], nullptr, 10));
                    if (mode == "torn") return torn(argv[2], std::strtoull(argv[3], nullptr, 10));
                    if (mode == "consume") return consume(argv[2], std::strtoull(argv[3], nullptr, 10));
                    if (mode == "send") return send(argv[2], std::strtoull(argv[3], nullptr, 10));
                } catch (const shmtel::Error &e) {
                    std::printf("error %%d %%s\\n", e.code(), e.what());
                    return 3;
                }
                return 2;
            }
            """;

    static Path binary;
    /** all_types.json with a ring of CReaderTest.DEEP samples, for the flat-out reads. */
    static String allTypesDeep;

    final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void build(@TempDir Path dir) throws Exception {
        NativeTools.require("g++");
        Layout arm = RegionChild.layout(ARM);
        // A deep ring, as CReaderTest's: a stream reader lapped at depth 4 by a writer on the next core spends most
        // of its reads on laps (on a loaded 2-core machine 10^6 deliveries then take minutes).
        Path deep = dir.resolve("all_types_deep.json");
        Files.writeString(deep, Files.readString(Path.of(ALL_TYPES)).replace("\"depth\": 4,", "\"depth\": "
                + CReaderTest.DEEP + ","));
        allTypesDeep = deep.toString();
        Layout allTypes = RegionChild.layout(allTypesDeep);
        for (Layout layout : List.of(arm, allTypes, RegionChild.layout(COMMANDS))) {
            for (GeneratedFile f : new CppGenerator(layout).generate()) {
                f.writeTo(dir);
            }
        }
        String pattern = CCounterPattern.functions(arm.record("joint_state").orElseThrow(), "arm_joint_state_t",
                "joint") + CCounterPattern.functions(allTypes.record(FLAT_RECORD).orElseThrow(),
                "all_types_every_type_t", "every");
        Files.writeString(dir.resolve("client.cpp"), PROGRAM.formatted(pattern), StandardCharsets.UTF_8);
        binary = Gcc.compile("g++", dir, dir.resolve("client.cpp"), "client", List.of("-std=c++17", "-Wall",
                "-Wextra", "-Werror", "-pedantic", "-O2", "-pthread"));
    }

    @AfterEach
    void killChildren() throws InterruptedException {
        RegionChild.killAll(children);
    }

    CRegionOwnerTest.Lines cpp(RegionOptions options, String... args) throws IOException {
        return new CRegionOwnerTest.Lines(start(options, binary, args));
    }

    /** Every sample of the C++ writer has the counter pattern of its index, read in order by a Java subscriber. */
    static void expectSamples(Subscriber s, DynamicView view) throws InterruptedException {
        s.seekToOldest();
        for (long k = 0; k < SAMPLES; k++) {
            assertThat(s.awaitNext(view, TimeUnit.SECONDS.toNanos(10))).as("sample %d arrives", k).isTrue();
            assertThat(view.sampleIndex()).isEqualTo(k);
            assertThat(CounterPattern.check(view, k)).as("every field of sample %d holds %d", k, k).isTrue();
            assertThat(view.timestampNs()).as("C++ and Java share CLOCK_MONOTONIC").isBetween(1L, System.nanoTime());
        }
        assertThat(s.lostSamples()).isZero();
    }

    @Test
    void javaReadsACppWriterLiveThenClosedWhenItsRegionGoesOutOfScope(RegionOptions options) throws Exception {
        CRegionOwnerTest.Lines writer = cpp(options, "writer", "cpp-arm", Integer.toString(SAMPLES));
        assertThat(writer.await("published")).isEqualTo("published " + SAMPLES + " state=LIVE epoch=1");
        try (Subscriber s = Subscriber.open("cpp-arm", "joint_state", RegionChild.layout(ARM), options)) {
            expectSamples(s, new DynamicView(s.record()));
            assertThat(CRegionOwnerTest.awaitState(s, WriterState.LIVE)).isEqualTo(WriterState.LIVE);
            try (OutputStream stdin = writer.process.getOutputStream()) {
                stdin.write('\n');
            }
            assertThat(writer.await("closed")).isEqualTo("closed rc=0");
            assertThat(writer.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(writer.process.exitValue()).isZero();
            assertThat(CRegionOwnerTest.awaitState(s, WriterState.CLOSED)).as("after the Region's destructor")
                    .isEqualTo(WriterState.CLOSED);
        }
    }

    @Test
    void aCppWriterKilledIsWriterDead(RegionOptions options) throws Exception {
        CRegionOwnerTest.Lines writer = cpp(options, "writer", "cpp-kill", Integer.toString(SAMPLES));
        writer.await("published");
        try (Subscriber s = Subscriber.open("cpp-kill", "joint_state", RegionChild.layout(ARM), options)) {
            expectSamples(s, new DynamicView(s.record()));
            assertThat(CRegionOwnerTest.awaitState(s, WriterState.LIVE)).isEqualTo(WriterState.LIVE);
            CRegionOwnerTest.signal("KILL", writer.process);
            assertThat(writer.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(CRegionOwnerTest.awaitState(s, WriterState.WRITER_DEAD)).as("SIGKILL")
                    .isEqualTo(WriterState.WRITER_DEAD);
        }
    }

    /**
     * The int create returns the code and leaves the Region closed; the throwing create throws shmtel::Error with
     * the code and a text naming the region, the reason and the live writer's pid.
     */
    @Test
    void createErrorsComeBackAsCodesAndAsShmtelError(RegionOptions options) throws Exception {
        try (Publisher holder = Publisher.create("held", RegionChild.layout(ARM), options)) {
            CRegionOwnerTest.Lines lines = cpp(options, "errors", "held");
            String nothrow = lines.await("nothrow");
            Matcher m = Pattern.compile("nothrow rc=(-\\d+) open=0 text=(.+)").matcher(nothrow);
            assertThat(m.matches()).as(nothrow).isTrue();
            assertThat(m.group(2)).as("shmtel_strerror's text").isNotBlank();
            String thrown = lines.await("thrown");
            assertThat(thrown).startsWith("thrown code=-9 what=shmtel: cannot create region \"held\": ")
                    .endsWith(" (writer pid " + ProcessHandle.current().pid() + ")");
            assertThat(holder.region().file()).exists();
        }
    }

    @Test
    void aCppReaderReadsAJavaWritersNewestSampleAndItsStreamInOrder(RegionOptions options) throws Exception {
        try (Publisher publisher = Publisher.create("j2cpp", RegionChild.layout(ARM), options)) {
            RingWriter sink = publisher.sink("joint_state");
            DynamicWriter writer = new DynamicWriter(sink, publisher.layout().record("joint_state").orElseThrow());
            CReaderTest.publish(sink, writer, 3);
            CRegionOwnerTest.Lines latest = cpp(options, "latest", "j2cpp");
            assertThat(latest.await("latest")).isEqualTo("latest 1 index=2 pattern=1 state=LIVE empty-publisher=1");

            CRegionOwnerTest.Lines stream = cpp(options, "stream", "j2cpp", Integer.toString(STREAMED));
            stream.await("ready");
            long start = sink.nextSampleIndex();
            for (int i = 0; i < STREAMED; i++) {
                CReaderTest.publish(sink, writer, 1);
                TimeUnit.MICROSECONDS.sleep(STREAM_GAP_US);
            }
            String result = stream.await("read");
            System.out.printf("C++ stream reader of a paced Java writer (%d samples from %d): %s%n", STREAMED, start,
                    result);
            Matcher m = Pattern.compile("read (\\d+) lost (\\d+) order 0 bad 0 waits>0 1").matcher(result);
            assertThat(m.matches()).as("in order, every value right, asleep between samples: %s", result).isTrue();
            assertThat(Long.parseLong(m.group(1)) + Long.parseLong(m.group(2))).as("read + lost").isEqualTo(STREAMED);
            assertThat(Long.parseLong(m.group(1))).as("read").isPositive();
        }
    }

    /**
     * A writer died between completing index 3 and counting it: next() delivers it (the slot says complete), so the
     * cursor (4) is past the published count (3). wait() then sleeps on the published count next() saw, not on the
     * cursor: it returns 0 after its timeout instead of 1 at once millions of times a second.
     */
    @Test
    void aCppReaderWhoseCursorIsPastPublishedSleepsInsteadOfSpinning(RegionOptions options) throws Exception {
        CRegionOwnerTest.Lines out = cpp(options, "spin", "spin");
        String line = out.await("delivered");
        Matcher m = Pattern.compile("delivered 2 woken (\\d+) last 0 published 3").matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        assertThat(Long.parseLong(m.group(1))).as("wake-ups with nothing to read: %s", line).isLessThan(10);
        assertThat(out.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * 10^6 reads by the C++ Reader's latest() and 10^6 samples delivered by its next(), each checked field by field
     * against the counter pattern of its index, while a Java writer publishes flat out: none torn, none backwards.
     */
    @Test
    void aCppReaderSeesNoTornSampleOfAFlatOutJavaWriter(RegionOptions options) throws Exception {
        Process writer = RegionChild.start(children, List.of(), "publish", options.directory().toString(), "flat",
                allTypesDeep, FLAT_RECORD, "180");
        CrossProcessTest.firstLine(writer, "ready");
        String reads = Long.toString(TORN_CHECKED_READS);
        CRegionOwnerTest.Lines reader = cpp(options, "torn", "flat", reads);
        for (String kind : List.of("latest", "stream")) {
            String line = reader.await(kind);
            System.out.printf("C++ %s reader of a flat-out Java writer: %s%n", kind, line);
            assertThat(line).isEqualTo(kind + " reads " + reads + " torn 0 backwards 0");
        }
        assertThat(reader.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.isAlive()).as("the writer still publishing").isTrue();
    }

    /**
     * A Java sender's messages are taken by a C++ MailboxConsumer (on the region's writable mapping) with their
     * values and answered; the Java sender reads each answer code.
     */
    @Test
    void aCppConsumerTakesAndAnswersAJavaSendersMessages(RegionOptions options) throws Exception {
        Layout layout = RegionChild.layout(COMMANDS);
        RecordLayout record = layout.record("arm_command").orElseThrow();
        try (Publisher publisher = Publisher.create("cpp-mbox", layout, options)) {
            MailboxSender sender = publisher.mailbox("arm_command");
            CRegionOwnerTest.Lines consumer = cpp(options, "consume", "cpp-mbox", Integer.toString(MESSAGES));
            ByteBuffer payload = ByteBuffer.allocateDirect(record.payloadLength()).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < MESSAGES; i++) {
                assertThat(sender.put(CrossLanguageMailboxTest.message(record, payload, i), record.payloadLength(),
                        System.nanoTime(), CrossLanguageMailboxTest.WAIT_NS)).as("message %d put", i).isTrue();
                assertThat(sender.awaitAnswer(CrossLanguageMailboxTest.WAIT_NS)).as("message %d answered", i)
                        .isTrue();
                assertThat(sender.lastAnswerCode()).as("answer to message %d", i).isEqualTo((int) (i % 3));
            }
            assertThat(consumer.await("consumed")).isEqualTo("consumed " + MESSAGES + " wrong 0");
        }
    }

    /** A C++ MailboxSender, in a region the C++ process created, hands every message to a Java consumer. */
    @Test
    void aCppSenderHandsEveryMessageToAJavaConsumerAndReadsItsAnswers(RegionOptions options) throws Exception {
        Layout layout = RegionChild.layout(COMMANDS);
        CRegionOwnerTest.Lines sender = cpp(options, "send", "cpp-send", Integer.toString(MESSAGES));
        sender.await("created");
        try (MailboxReceiver receiver = MailboxReceiver.open("cpp-send", "arm_command", layout, options)) {
            DynamicView view = new DynamicView(layout.record("arm_command").orElseThrow());
            for (long i = 0; i < MESSAGES; i++) {
                assertThat(receiver.take(view, CrossLanguageMailboxTest.WAIT_NS)).as("message %d taken", i).isTrue();
                assertThat(view.integer(view.field("request_id"), 0)).isEqualTo(i);
                assertThat(view.number(view.field("target"), 0)).isEqualTo((double) i);
                if (i % 2 == 0) {
                    receiver.done();
                } else {
                    receiver.fail(5);
                }
            }
            assertThat(sender.await("sent")).isEqualTo("sent " + MESSAGES + " wrong 0");
        }
    }

    /** The one ```cpp block of docs/cpp.md: its complete example. */
    static String docExample() throws IOException {
        String doc = Files.readString(CPP_MD, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```cpp\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("docs/cpp.md has a ```cpp block").isTrue();
        String program = m.group(1);
        assertThat(m.find()).as("docs/cpp.md has one ```cpp block (the others are ```c++ snippets)").isFalse();
        return program;
    }

    /**
     * docs/cpp.md's complete example, compiled from the page's text: its publisher's samples are read by Java (the
     * newest with every value, CLOSED once it returned), and its reader follows a Java writer's samples in order.
     */
    @Test
    void theDocsExampleRunsAgainstJavaBothWays(@TempDir Path dir, RegionOptions options) throws Exception {
        NativeTools.require("g++");
        Layout arm = RegionChild.layout(ARM);
        for (GeneratedFile f : new CppGenerator(arm).generate()) {
            f.writeTo(dir);
        }
        Files.writeString(dir.resolve("arm_example.cpp"), docExample(), StandardCharsets.UTF_8);
        Path example = Gcc.compile("g++", dir, dir.resolve("arm_example.cpp"), "arm_example", List.of("-std=c++17",
                "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", "-pthread"));

        CRegionOwnerTest.Lines publisher = new CRegionOwnerTest.Lines(start(options, example, "publish", "doc-pub",
                Integer.toString(DOC_SAMPLES)));
        assertThat(publisher.await("published")).isEqualTo("published " + DOC_SAMPLES);
        assertThat(publisher.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(publisher.process.exitValue()).isZero();
        try (Subscriber s = Subscriber.open("doc-pub", "joint_state", arm, options)) {
            assertThat(s.state()).isEqualTo(WriterState.CLOSED);
            DynamicView view = new DynamicView(s.record());
            s.seekToOldest();
            long newest = -1;
            while (s.poll(view)) {
                newest = view.sampleIndex();
            }
            assertThat(newest).isEqualTo(DOC_SAMPLES - 1);
            FieldLayout position = view.field("position");
            for (int j = 0; j < 6; j++) {
                assertThat(view.number(position, j)).isEqualTo(0.01 * newest + j);
                assertThat(view.number(view.field("velocity"), j)).isEqualTo(0.5);
            }
            assertThat(view.value("status")).hasToString("OK");
            assertThat(view.value("frame_id")).isEqualTo("base");
        }

        try (Publisher java = Publisher.create("doc-read", arm, options)) {
            RingWriter sink = java.sink("joint_state");
            DynamicWriter writer = new DynamicWriter(sink, arm.record("joint_state").orElseThrow());
            for (int k = 0; k < 3; k++) {
                writer.setDouble(writer.field("position"), 0, k + 0.25).setText(writer.field("frame_id"), "java");
                writer.commit();
            }
            Process reader = start(options, example, "read", "doc-read", "3");
            assertThat(reader.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines())
                    .containsExactly("0 position[0]=0.25 frame=java", "1 position[0]=1.25 frame=java",
                            "2 position[0]=2.25 frame=java", "lost 0");
            assertThat(reader.exitValue()).isZero();
        }
    }

    Process start(RegionOptions options, Path program, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(program.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SHMTEL_DIR", options.directory().toString());
        Process p = builder.start();
        children.add(p);
        return p;
    }
}
