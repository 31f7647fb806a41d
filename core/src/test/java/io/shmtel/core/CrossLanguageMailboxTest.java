package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.idle.BlockingIdleStrategy;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.idle.WakeSignal;
import io.shmtel.core.nativeio.Posix;
import io.shmtel.core.region.ProcessInfo;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.ring.MailboxWords;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.Sleepers;
import io.shmtel.core.view.DynamicView;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.gen.CGenerator;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.testing.Examples;
import io.shmtel.schema.testing.Gcc;
import io.shmtel.schema.testing.NativeTools;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A C program (the generated header's mailbox functions) and this JVM on one mailbox record of a
 * real region: Java sends and C consumes, C sends and Java consumes, and a C consumer SIGKILLed
 * holding a message is recovered by the Java sender. The Java sender sleeps in the kernel with no
 * spinning; a sleep of more than a second that only its deadline ended is a lost wake-up.
 */
@ExtendWith(ShmDirectory.class)
class CrossLanguageMailboxTest {
    static final long WAIT_NS = TimeUnit.SECONDS.toNanos(10);

    /** Sleeps at once (no spinning); counts sleeps allowed more than a second that ended by their deadline. */
    static final class LostWakeupCounter implements IdleStrategy {
        long sleeps;
        long lostWakeups;

        @Override
        public void idle() {
            LockSupport.parkNanos(1_000_000);
        }

        @Override
        public void idle(WakeSignal signal, long maxWaitNs) {
            signal.sleep(maxWaitNs);
            sleeps++;
            if (maxWaitNs > TimeUnit.SECONDS.toNanos(1) && signal instanceof WaitSet w
                    && w.lastOutcome() == WaitSet.Outcome.TIMED_OUT) {
                lostWakeups++;
            }
        }

        @Override
        public void reset() {}

        @Override
        public String describe() {
            return "lost-wakeup counter";
        }
    }

    @BeforeAll
    static void needsGcc() {
        NativeTools.require("gcc");
    }

    static final String C_PROGRAM = """
            #include <signal.h> /* raise(SIGSTOP): the stalled recoverer's hook, defined on the command line */
            #include "commands.h"
            #include <fcntl.h>
            #include <sched.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <sys/mman.h>

            /* usage: prog FILE consume N | prog FILE send N | prog FILE offer | prog FILE recover | prog FILE hold */
            int main(int argc, char **argv) {
                commands_arm_command_t m;
                uint64_t k = 0;
                long n = argc > 3 ? atol(argv[3]) : 0, wrong = 0;
                int r, fd = open(argv[1], O_RDWR);
                void *base;
                if (fd < 0) { perror("open"); return 2; }
                base = mmap(NULL, COMMANDS_REGION_LENGTH, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
                if (base == MAP_FAILED) { perror("mmap"); return 2; }
                r = commands_check_region(base);
                if (r != SHMTEL_OK) { printf("check %d\\n", r); return 3; }
                if (strcmp(argv[2], "consume") == 0) {
                    for (long i = 0; i < n;) {
                        r = commands_arm_command_take(base, &m, &k, NULL);
                        if (r < 0) { printf("take %d\\n", r); return 4; }
                        if (r == 0) { sched_yield(); continue; }
                        if (m.request_id != (uint32_t)k || m.target[0] != (double)k) wrong++;
                        r = commands_arm_command_answer(base, k, (int32_t)(k % 3));
                        if (r != SHMTEL_OK) { printf("answer %d\\n", r); return 4; }
                        i++;
                    }
                    printf("consumed %ld wrong %ld\\n", n, wrong);
                } else if (strcmp(argv[2], "send") == 0) {
                    int32_t code = 0;
                    memset(&m, 0, sizeof m);
                    for (long i = 0; i < n; i++) {
                        m.request_id = (uint32_t)i;
                        m.target[0] = (double)i;
                        while ((r = commands_arm_command_offer(base, &m, shmtel_now_ns(), &k)) == 0) sched_yield();
                        if (r < 0) { printf("offer %d\\n", r); return 4; }
                        if (k != (uint64_t)i) wrong++;
                        while ((r = commands_arm_command_poll_answer(base, &code)) == 0) sched_yield();
                        if (r < 0) { printf("poll_answer %d\\n", r); return 4; }
                        if (code != (i % 2 == 0 ? 0 : 5)) wrong++;
                    }
                    printf("sent %ld wrong %ld\\n", n, wrong);
                } else if (strcmp(argv[2], "offer") == 0) {
                    memset(&m, 0, sizeof m);
                    r = commands_arm_command_offer(base, &m, shmtel_now_ns(), &k);
                    printf("offered %d k %llu\\n", r, (unsigned long long)k);
                } else if (strcmp(argv[2], "recover") == 0) {
                    printf("recovered %d\\n", commands_arm_command_recover(base));
                } else {
                    while ((r = commands_arm_command_take(base, &m, &k, NULL)) == 0) sched_yield();
                    printf("held %d k %llu pid %d\\n", r, (unsigned long long)k, (int)getpid());
                    fflush(stdout);
                    pause(); /* dies holding it */
                }
                return 0;
            }
            """;

    static Layout layout() {
        return LayoutCompiler.compile(SchemaParser.parse(Examples.example("commands.json")));
    }

    static Path compile(Path dir) throws Exception {
        return compile(dir, "xmailbox", List.of());
    }

    /** The program as {@code name}, with extra compiler flags (the header's test hooks, as -D macros). */
    static Path compile(Path dir, String name, List<String> extraFlags) throws Exception {
        new CGenerator(layout()).generate().get(0).writeTo(dir);
        Files.writeString(dir.resolve("xmailbox.c"), C_PROGRAM, StandardCharsets.UTF_8);
        List<String> flags = new ArrayList<>(Gcc.STRICT_C11);
        flags.remove("-pedantic");
        flags.add("-D_DEFAULT_SOURCE"); // mmap, open
        flags.addAll(extraFlags);
        return Gcc.compile(dir, dir.resolve("xmailbox.c"), name, flags);
    }

    static Process start(Path binary, Publisher publisher, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(binary.toString(), publisher.region().file().toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    static String finish(Process c) throws Exception {
        assertThat(c.waitFor(60, TimeUnit.SECONDS)).as("the C program finished").isTrue();
        String output = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(c.exitValue()).as(output).isZero();
        return output;
    }

    /** The payload of message i: request_id = i, target[0] = i. */
    static ByteBuffer message(RecordLayout record, ByteBuffer payload, long i) {
        payload.putInt(record.field("request_id").orElseThrow().offset(), (int) i);
        payload.putDouble(record.field("target").orElseThrow().offset(), i);
        return payload;
    }

    @Test
    void javaSendsACConsumerTakesAndAnswersEachAndWakesTheSleepingSender(@TempDir Path dir, RegionOptions options)
            throws Exception {
        Path binary = compile(dir);
        Layout layout = layout();
        RecordLayout record = layout.record("arm_command").orElseThrow();
        long messages = 5_000;
        LostWakeupCounter idle = new LostWakeupCounter();
        try (Publisher publisher = Publisher.create("xmailbox", layout, options)) {
            MailboxSender sender = publisher.mailbox("arm_command").idleStrategy(idle);
            Process c = start(binary, publisher, "consume", Long.toString(messages));
            ByteBuffer payload = ByteBuffer.allocateDirect(record.payloadLength()).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < messages; i++) {
                assertThat(sender.put(message(record, payload, i), record.payloadLength(), System.nanoTime(), WAIT_NS))
                        .as("message %d put", i).isTrue();
                assertThat(sender.awaitAnswer(WAIT_NS)).as("message %d answered", i).isTrue();
                assertThat(sender.lastAnsweredMessage()).isEqualTo(i);
                assertThat(sender.lastAnswerCode()).as("answer to message %d", i).isEqualTo((int) (i % 3));
            }
            assertThat(finish(c)).isEqualTo("consumed " + messages + " wrong 0\n");
            System.out.printf("cross-language mailbox: %d messages, the Java sender slept %d times, %d lost wake-ups%n",
                    messages, idle.sleeps, idle.lostWakeups);
            assertThat(idle.sleeps).as("the sender slept").isPositive();
            assertThat(idle.lostWakeups).as("sleeps that only their 10 s deadline ended (the C answer wakes the"
                    + " sender asleep on the state word)").isZero();
            assertThat(sender.failures()).isEqualTo(messages - (messages + 2) / 3);
            assertThat(sender.state()).isEqualTo(MailboxState.EMPTY);
        }
    }

    @Test
    void aCSenderHandsEveryMessageToASleepingJavaConsumerAndReadsItsAnswers(@TempDir Path dir,
            RegionOptions options) throws Exception {
        Path binary = compile(dir);
        Layout layout = layout();
        long messages = 2_000;
        try (Publisher creator = Publisher.create("xmailbox", layout, options); // the region; C sends into it
                MailboxReceiver receiver = MailboxReceiver.open("xmailbox", "arm_command", layout, options)) {
            receiver.idleStrategy(new BlockingIdleStrategy(0, TimeUnit.SECONDS.toNanos(20)));
            Process c = start(binary, creator, "send", Long.toString(messages));
            DynamicView view = new DynamicView(layout.record("arm_command").orElseThrow());
            FieldLayout requestId = view.field("request_id");
            FieldLayout target = view.field("target");
            for (long i = 0; i < messages; i++) {
                assertThat(receiver.take(view, WAIT_NS)).as("message %d taken", i).isTrue();
                assertThat(view.integer(requestId, 0)).isEqualTo(i);
                assertThat(view.number(target, 0)).isEqualTo((double) i);
                assertThat(view.sampleIndex()).isEqualTo(i);
                if (i % 2 == 0) {
                    receiver.done();
                } else {
                    receiver.fail(5);
                }
            }
            assertThat(finish(c)).isEqualTo("sent " + messages + " wrong 0\n");
            assertThat(receiver.taken()).isEqualTo(messages);
        }
    }

    @Test
    void aCConsumerKilledHoldingAMessageIsFoundDeadByTheJavaSender(@TempDir Path dir, RegionOptions options)
            throws Exception {
        Path binary = compile(dir);
        Layout layout = layout();
        RecordLayout record = layout.record("arm_command").orElseThrow();
        try (Publisher publisher = Publisher.create("xmailbox", layout, options)) {
            MailboxSender sender = publisher.mailbox("arm_command");
            ByteBuffer payload = ByteBuffer.allocateDirect(record.payloadLength()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(sender.offer(message(record, payload, 0), record.payloadLength(), System.nanoTime())).isTrue();
            Process c = start(binary, publisher, "hold");
            String line;
            try {
                line = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8)).readLine();
                assertThat(line).startsWith("held 1 k 0 pid ");
                int pid = Integer.parseInt(line.substring("held 1 k 0 pid ".length()));
                assertThat(pid).isEqualTo((int) c.pid());
                assertThat(sender.state()).isEqualTo(MailboxState.READING);
                RingGeometry geometry = RingGeometry.of(record);
                assertThat(MailboxWords.holder(MailboxWords.word(publisher.region().buffer(), geometry)))
                        .isEqualTo(pid);
                assertThat(MailboxWords.holderStart(publisher.region().buffer(), geometry))
                        .as("the start time C stored is the one Java reads from /proc")
                                .isEqualTo(ProcessInfo.startTime(pid));
                assertThat(sender.awaitAnswer(TimeUnit.MILLISECONDS.toNanos(100))).as("held by a live C consumer")
                        .isFalse();
            } finally {
                c.destroyForcibly();
                assertThat(c.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(sender.awaitAnswer(WAIT_NS)).as("answered for the dead consumer").isTrue();
            assertThat(sender.lastAnswerCode()).isEqualTo(MailboxSender.CONSUMER_DIED);
            assertThat(sender.recoveredMessages()).isEqualTo(1);
            assertThat(sender.offer(message(record, payload, 1), record.payloadLength(), System.nanoTime()))
                    .as("the mailbox works again").isTrue();
            assertThat(sender.pendingMessage()).isEqualTo(1);
        }
    }

    /**
     * Rule R4 in C: a C recoverer that saw the dead holder and stalled (SIGSTOP from the header's
     * SHMTEL_MAILBOX_RECOVERING_HOOK) while the Java writer recovered the message, put the next and a
     * consumer answered it 5, does not land CONSUMER_DIED on that answer when it goes on.
     */
    @Test
    void aStalledCRecovererNeverOverwritesALaterAnswer(@TempDir Path dir, RegionOptions options) throws Exception {
        Path binary = compile(dir, "xstall", List.of("-DSHMTEL_MAILBOX_RECOVERING_HOOK()=raise(SIGSTOP)"));
        Layout layout = layout();
        RecordLayout record = layout.record("arm_command").orElseThrow();
        List<Process> children = new ArrayList<>();
        try (Publisher publisher = Publisher.create("xstall", layout, options)) {
            MailboxSender sender = publisher.mailbox("arm_command");
            ByteBuffer payload = ByteBuffer.allocateDirect(record.payloadLength()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(sender.offer(message(record, payload, 0), record.payloadLength(), System.nanoTime())).isTrue();
            Process holder = RegionChild.start(children, List.of(), "mbox-hold", options.directory().toString(),
                    "xstall",
                    "arm_command");
            assertThat(new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
                    .readLine())
                    .isEqualTo("holding 0");
            holder.destroyForcibly();
            holder.waitFor();
            Process c = start(binary, publisher, "recover");
            children.add(c);
            RegionChild.awaitStopped(c);
            assertThat(sender.awaitAnswer(WAIT_NS)).isTrue();
            assertThat(sender.lastAnswerCode()).isEqualTo(MailboxSender.CONSUMER_DIED);
            assertThat(sender.offer(message(record, payload, 1), record.payloadLength(), System.nanoTime())).isTrue();
            try (MailboxReceiver consumer = MailboxReceiver.open("xstall", "arm_command", layout, options)) {
                DynamicView view = new DynamicView(record);
                assertThat(consumer.poll(view)).isTrue();
                assertThat(view.sampleIndex()).isOne();
                consumer.fail(5);
            }
            Posix.resume(c.pid());
            assertThat(finish(c)).isEqualTo("recovered 0\n");
            assertThat(sender.awaitAnswer(WAIT_NS)).isTrue();
            assertThat(sender.lastAnsweredMessage()).isOne();
            assertThat(sender.lastAnswerCode()).as("the consumer's answer, not the stalled C recoverer's").isEqualTo(5);
        } finally {
            RegionChild.killAll(children);
        }
    }

    /**
     * Rule R5 in C: a live holder whose /proc entry the C recoverer cannot read (SHMTEL_PROC_ROOT at a
     * directory without it, as hidepid or another PID namespace shows it) is alive; a holder whose pid
     * is gone is dead all the same.
     */
    @Test
    void aCRecovererTakesAHolderWithAnUnreadableStartTimeForAlive(@TempDir Path dir, RegionOptions options)
            throws Exception {
        Path hiddenProc = Files.createDirectory(dir.resolve("proc"));
        Path hidden = compile(dir, "xhidden", List.of("-DSHMTEL_PROC_ROOT=\"" + hiddenProc + "\""));
        Path binary = compile(dir);
        Layout layout = layout();
        RecordLayout record = layout.record("arm_command").orElseThrow();
        try (Publisher publisher = Publisher.create("xhidden", layout, options);
                MailboxReceiver receiver = MailboxReceiver.open("xhidden", "arm_command", layout, options)) {
            MailboxSender sender = publisher.mailbox("arm_command");
            ByteBuffer payload = ByteBuffer.allocateDirect(record.payloadLength()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(sender.offer(message(record, payload, 0), record.payloadLength(), System.nanoTime())).isTrue();
            assertThat(receiver.poll(new DynamicView(record))).isTrue();
            RingGeometry geometry = RingGeometry.of(record);
            assertThat(MailboxWords.holderStart(publisher.region().buffer(), geometry)).as("stored by this JVM")
                    .isPositive();
            assertThat(finish(start(hidden, publisher, "recover"))).as("a live holder, unreadable")
                    .isEqualTo("recovered 0\n");
            assertThat(sender.state()).isEqualTo(MailboxState.READING);
            receiver.done();
            assertThat(sender.awaitAnswer(WAIT_NS)).isTrue();
            assertThat(sender.lastAnswerCode()).isEqualTo(MailboxSender.DONE);
            assertThat(sender.offer(message(record, payload, 1), record.payloadLength(), System.nanoTime())).isTrue();
            Process c = start(binary, publisher, "hold");
            try {
                assertThat(new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))
                        .readLine())
                        .startsWith("held 1 k 1 pid ");
            } finally {
                c.destroyForcibly();
                assertThat(c.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(finish(start(hidden, publisher, "recover"))).as("its pid gone: dead").isEqualTo("recovered 1\n");
            assertThat(sender.awaitAnswer(WAIT_NS)).isTrue();
            assertThat(sender.lastAnswerCode()).isEqualTo(MailboxSender.CONSUMER_DIED);
        }
    }

    /**
     * Rule R6 in C: a C consumer's take wakes the Java sender asleep for its answer (here its sleeps last up to 20 s).
     */
    @Test
    void aCTakeWakesTheJavaSenderAsleepForItsAnswer(@TempDir Path dir, RegionOptions options) throws Exception {
        Path binary = compile(dir);
        Layout layout = layout();
        RecordLayout record = layout.record("arm_command").orElseThrow();
        ConcurrentLinkedQueue<WaitSet.Outcome> ends = new ConcurrentLinkedQueue<>();
        IdleStrategy recording = new IdleStrategy() {
            @Override
            public void idle() {
                LockSupport.parkNanos(1_000_000);
            }

            @Override
            public void idle(WakeSignal signal, long maxWaitNs) {
                signal.sleep(Math.min(maxWaitNs, TimeUnit.SECONDS.toNanos(20)));
                ends.add(((WaitSet) signal).lastOutcome());
            }

            @Override
            public void reset() {}

            @Override
            public String describe() {
                return "recording";
            }
        };
        try (Publisher publisher = Publisher.create("xwake", layout, options)) {
            MailboxSender sender = publisher.mailbox("arm_command").idleStrategy(recording);
            ByteBuffer payload = ByteBuffer.allocateDirect(record.payloadLength()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(sender.offer(message(record, payload, 0), record.payloadLength(), System.nanoTime())).isTrue();
            boolean[] answered = new boolean[1];
            Thread waiting = new Thread(() -> answered[0] = sender.awaitAnswer(TimeUnit.SECONDS.toNanos(60)));
            waiting.start();
            RingGeometry geometry = RingGeometry.of(record);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (Sleepers.mask(publisher.region().buffer(), geometry) == 0) {
                assertThat(System.nanoTime() - deadline).as("the sender went to sleep").isNegative();
                Thread.sleep(1);
            }
            assertThat(ends).as("asleep, nothing ended its sleep yet").isEmpty();
            Process c = start(binary, publisher, "hold");
            try {
                assertThat(new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))
                        .readLine())
                        .startsWith("held 1 k 0 pid ");
                long taken = System.nanoTime();
                while (!ends.contains(WaitSet.Outcome.WOKEN)) {
                    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - taken))
                            .as("ms until the take woke the sender (its sleeps last up to 20 s); sleeps ended: %s",
                                    ends)
                            .isLessThan(3000);
                    Thread.sleep(1);
                }
            } finally {
                c.destroyForcibly();
                assertThat(c.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            waiting.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(answered[0]).isTrue();
            assertThat(sender.lastAnswerCode()).isEqualTo(MailboxSender.CONSUMER_DIED);
        }
    }

    /**
     * Rule R7 in C: a Java writer killed after writing message 1 into the slot but before putting it; a
     * C writer then numbers its message 2, never 1 again with other contents.
     */
    @Test
    void aCSenderResumesPastAMessageADeadWriterWroteButNeverPut(@TempDir Path dir,
            RegionOptions options) throws Exception {
        Path binary = compile(dir);
        Layout layout = layout();
        RecordLayout record = layout.record("arm_command").orElseThrow();
        List<Process> children = new ArrayList<>();
        try (MailboxReceiver receiver = MailboxReceiver.open("xskip", "arm_command", layout, options)) {
            Process dead = RegionChild.start(children, List.of("-Dshmtel.crashAt=publish.complete@2"), "mbox-send",
                    options.directory().toString(), "xskip", Examples.example("commands.json").toAbsolutePath()
                            .toString(),
                    "arm_command", "5", "yield");
            DynamicView view = new DynamicView(record);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!receiver.take(view, TimeUnit.MILLISECONDS.toNanos(100))) {
                assertThat(System.nanoTime() - deadline).isNegative();
            }
            assertThat(view.sampleIndex()).isZero();
            receiver.done();
            assertThat(dead.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(dead.exitValue()).as("killed at publish.complete").isEqualTo(137);
            RingGeometry geometry = RingGeometry.of(record);
            assertThat(MailboxWords.slotIndex(receiver.subscriber().region().buffer(), geometry))
                    .as("message 1 written").isOne();
            Process c = new ProcessBuilder(binary.toString(), receiver.subscriber().region().file().toString(), "offer")
                    .redirectErrorStream(true).start();
            children.add(c);
            assertThat(finish(c)).isEqualTo("offered 1 k 2\n");
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!receiver.take(view, TimeUnit.MILLISECONDS.toNanos(100))) {
                assertThat(System.nanoTime() - deadline).isNegative();
            }
            assertThat(view.sampleIndex()).isEqualTo(2);
            receiver.done();
            assertThat(MailboxWords.answered(receiver.subscriber().region().buffer(), geometry)).isEqualTo(3);
        } finally {
            RegionChild.killAll(children);
        }
    }
}
