package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shmtel.core.idle.BlockingIdleStrategy;
import io.shmtel.core.fault.CrashPoint;
import io.shmtel.core.idle.YieldingIdleStrategy;
import io.shmtel.core.nativeio.Posix;
import io.shmtel.core.region.IncompatibleLayoutException;
import io.shmtel.core.region.ProcessInfo;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.ring.MailboxWords;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.Sleepers;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.testing.Examples;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mailbox records (schema {@code "sync": "mailbox"}): the handshake, answers, misuse, and the
 * cross-process guarantees with real processes, real /dev/shm and SIGKILL: a million messages in
 * order with none lost or duplicated; kills of either side at random moments, after which every
 * message was delivered at most once, in order, and the ones not delivered were answered
 * CONSUMER_DIED (counted in the region).
 */
@ExtendWith(ShmDirectory.class)
class MailboxTest {
    static final String SCHEMA = Examples.example("commands.json").toAbsolutePath().toString();
    static final String RECORD = "arm_command";
    static final Layout LAYOUT = LayoutCompiler.compile(SchemaParser.parse(Path.of(SCHEMA)));
    static final RecordLayout R = LAYOUT.record(RECORD).orElseThrow();

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        RegionChild.killAll(children);
    }

    @Test
    void oneMessageAtATimeEachAnsweredOnce(RegionOptions options) {
        try (Publisher publisher = Publisher.create("cmd", LAYOUT, options);
                MailboxReceiver receiver = MailboxReceiver.open("cmd", RECORD, options)) {
            MailboxSender sender = publisher.mailbox(RECORD);
            DynamicWriter writer = new DynamicWriter(sender, R);
            DynamicView view = new DynamicView(R);
            assertThat(receiver.poll(view)).as("empty box").isFalse();

            CounterPattern.fill(writer, 0);
            assertThat(writer.offer()).isTrue();
            assertThat(sender.state()).isEqualTo(MailboxState.READY);
            CounterPattern.fill(writer, 1);
            assertThat(writer.offer()).as("a full box refuses, never overwrites").isFalse();
            assertThat(writer.put(Duration.ofMillis(20))).as("put times out while nobody answers").isFalse();
            assertThat(sender.awaitAnswer(TimeUnit.MILLISECONDS.toNanos(10))).isFalse();

            assertThat(receiver.poll(view)).isTrue();
            assertThat(view.sampleIndex()).isZero();
            assertThat(CounterPattern.check(view)).isTrue();
            assertThat(receiver.heldMessage()).isZero();
            assertThat(receiver.mailboxState()).isEqualTo(MailboxState.READING);
            assertThat(writer.offer()).as("held: still full").isFalse();
            receiver.done();
            assertThat(sender.awaitAnswer(TimeUnit.SECONDS.toNanos(1))).isTrue();
            assertThat(sender.lastAnsweredMessage()).isZero();
            assertThat(sender.lastAnswerCode()).isEqualTo(MailboxSender.DONE);

            assertThat(writer.offer()).isTrue();
            assertThat(receiver.take(view, TimeUnit.SECONDS.toNanos(1))).isTrue();
            assertThat(view.sampleIndex()).isEqualTo(1);
            assertThat(CounterPattern.check(view)).isTrue();
            receiver.fail(42);
            assertThatThrownBy(receiver::done).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("none is held");
            assertThat(sender.awaitAnswer(TimeUnit.SECONDS.toNanos(1))).isTrue();
            assertThat(sender.lastAnsweredMessage()).isEqualTo(1);
            assertThat(sender.lastAnswerCode()).isEqualTo(42);
            assertThat(sender.failures()).isOne();
            assertThat(sender.state()).as("the writer emptied the ERROR box on reading it")
                    .isEqualTo(MailboxState.EMPTY);

            // Taking the next message answers the held one done.
            CounterPattern.fill(writer, 2);
            assertThat(writer.offer()).isTrue();
            assertThat(receiver.poll(view)).isTrue();
            assertThat(receiver.poll(view)).isFalse();
            assertThat(sender.awaitAnswer(0)).isTrue();
            assertThat(sender.lastAnswerCode()).isEqualTo(MailboxSender.DONE);
            assertThat(MailboxWords.answered(publisher.region().buffer(), RingGeometry.of(R))).isEqualTo(3);
        }
    }

    @Test
    void subscribersWatchMessagesWithoutTakingThem(RegionOptions options) {
        try (Publisher publisher = Publisher.create("watched", LAYOUT, options);
                Subscriber watcher = Subscriber.open("watched", RECORD, options);
                MailboxReceiver receiver = MailboxReceiver.open("watched", RECORD, options)) {
            DynamicWriter writer = new DynamicWriter(publisher.mailbox(RECORD), R);
            DynamicView view = new DynamicView(R);
            CounterPattern.fill(writer, 0);
            assertThat(writer.offer()).isTrue();
            assertThat(watcher.latest(view)).isTrue();
            assertThat(view.sampleIndex()).isZero();
            assertThat(CounterPattern.check(view)).isTrue();
            assertThat(receiver.poll(view)).as("the watcher did not take it").isTrue();
        }
    }

    @Test
    void misuseIsRefusedWithTheFix(RegionOptions options) throws IOException {
        Path schema = options.directory().resolve("mixed.json");
        Files.writeString(schema, """
                {"schema": "mixed", "version": 1, "records": [
                  {"name": "telemetry", "fields": [{"name": "x", "type": "f64"}]},
                  {"name": "command", "sync": "mailbox", "fields": [{"name": "x", "type": "f64"}]}]}""");
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(schema));
        try (Publisher publisher = Publisher.create("mixed", layout, options)) {
            assertThatThrownBy(() -> publisher.sink("command")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("record \"command\" of region \"mixed\" is a mailbox: send to it with "
                            + "publisher.mailbox(\"command\")");
            assertThatThrownBy(() -> publisher.mailbox("telemetry")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("record \"telemetry\" of region \"mixed\" is a ring, not a mailbox: publish to it "
                            + "with publisher.sink(\"telemetry\")");
            DynamicWriter command = new DynamicWriter(publisher.mailbox("command"),
                    layout.record("command").orElseThrow());
            assertThatThrownBy(command::commit).isInstanceOf(IllegalStateException.class)
                    .hasMessage("record \"mixed/command\" is a mailbox: send with offer() or put(timeout), which say"
                            + " whether the message went in; commit() is for rings");
            DynamicWriter telemetry = new DynamicWriter(publisher.sink("telemetry"),
                    layout.record("telemetry").orElseThrow());
            assertThatThrownBy(telemetry::offer).isInstanceOf(IllegalStateException.class)
                    .hasMessage("offer() and put() send to a mailbox record; this writer's record is a ring: publish "
                            + "with commit()");
            assertThatThrownBy(() -> MailboxReceiver.open("mixed", "telemetry", options))
                    .isInstanceOf(IncompatibleLayoutException.class)
                    .hasMessage("record \"telemetry\" of region \"mixed\" is a ring, not a mailbox: read it with a "
                            + "Subscriber (shmtel echo)");
            try (MailboxReceiver receiver = MailboxReceiver.open("mixed", "command", options)) {
                assertThatThrownBy(() -> receiver.fail(0)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("error codes are 1 or more");
            }
        }
    }

    @Test
    void aReceiverWaitsForItsRegionAndAClosingWriterWakesIt(RegionOptions options) throws Exception {
        try (MailboxReceiver receiver = MailboxReceiver.open("later", RECORD, options)) {
            receiver.idleStrategy(new BlockingIdleStrategy(0, TimeUnit.SECONDS.toNanos(10)));
            DynamicView view = new DynamicView(R);
            assertThat(receiver.poll(view)).isFalse();
            try (Publisher publisher = Publisher.create("later", LAYOUT, options)) {
                DynamicWriter writer = new DynamicWriter(publisher.mailbox(RECORD), R);
                Thread sender = new Thread(() -> {
                    sleepMs(100);
                    CounterPattern.fill(writer, 0);
                    writer.offer();
                });
                sender.start();
                long start = System.nanoTime();
                assertThat(receiver.take(view, TimeUnit.SECONDS.toNanos(10))).isTrue();
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
                sender.join();
                receiver.done();
            }
            assertThat(receiver.state().name()).isEqualTo("CLOSED");
        }
    }

    /**
     * A consumer killed holding a message: the writer finds it dead and answers CONSUMER_DIED; the message is not
     * delivered again.
     */
    @Test
    void aConsumerThatDiesHoldingAMessageIsAnsweredDeadNotRedelivered(RegionOptions options) throws Exception {
        try (Publisher publisher = Publisher.create("held", LAYOUT, options)) {
            MailboxSender sender = publisher.mailbox(RECORD).idleStrategy(new BlockingIdleStrategy());
            DynamicWriter writer = new DynamicWriter(sender, R);
            CounterPattern.fill(writer, 0);
            assertThat(writer.offer()).isTrue();
            Process holder = RegionChild.start(children, List.of(), "mbox-hold", options.directory().toString(), "held",
                    RECORD);
            String line = new BufferedReader(new InputStreamReader(holder.getInputStream())).readLine();
            assertThat(line).isEqualTo("holding 0");
            assertThat(sender.awaitAnswer(TimeUnit.MILLISECONDS.toNanos(200))).as("held by a live consumer").isFalse();
            holder.destroyForcibly();
            holder.waitFor();
            assertThat(sender.awaitAnswer(TimeUnit.SECONDS.toNanos(5))).isTrue();
            assertThat(sender.lastAnsweredMessage()).isZero();
            assertThat(sender.lastAnswerCode()).isEqualTo(MailboxSender.CONSUMER_DIED);
            assertThat(sender.recoveredMessages()).isOne();
            assertThat(MailboxWords.recovered(publisher.region().buffer(), RingGeometry.of(R))).isOne();
            try (MailboxReceiver next = MailboxReceiver.open("held", RECORD, options)) {
                DynamicView view = new DynamicView(R);
                assertThat(next.poll(view)).as("message 0 is not delivered twice").isFalse();
                CounterPattern.fill(writer, 1);
                assertThat(writer.offer()).isTrue();
                assertThat(next.poll(view)).isTrue();
                assertThat(view.sampleIndex()).isEqualTo(1);
            }
        }
    }

    /**
     * A writer killed with a message in the box: the message stays, a consumer takes it, the next writer goes on
     * numbering.
     */
    @Test
    void aMessageOfADeadWriterIsStillDelivered(RegionOptions options) throws Exception {
        Process writer = RegionChild.start(children, List.of(), "mbox-send", options.directory().toString(), "orphan",
                SCHEMA, RECORD, "2", "yield");
        try (MailboxReceiver receiver = MailboxReceiver.open("orphan", RECORD, options)) {
            DynamicView view = new DynamicView(R);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (receiver.mailboxState() != MailboxState.READY) { // message 0 is in the box, its writer waits
                assertThat(System.nanoTime() - deadline).isNegative();
                Thread.sleep(5);
            }
            writer.destroyForcibly();
            writer.waitFor();
            assertThat(receiver.state().name()).isEqualTo("WRITER_DEAD");
            assertThat(receiver.poll(view)).isTrue();
            assertThat(view.sampleIndex()).isZero();
            assertThat(CounterPattern.check(view)).isTrue();
            receiver.done();
            try (Publisher next = Publisher.create("orphan", LAYOUT, options)) {
                assertThat(next.mailbox(RECORD).nextMessageIndex()).isOne();
            }
        }
    }

    /**
     * A writer killed after moving the box to READY but before counting the message: the next writer numbers on after
     * it.
     */
    @Test
    void aWriterKilledBetweenPuttingAndCountingIsNotNumberedTwice(RegionOptions options) throws Exception {
        Process writer = RegionChild.start(children, List.of("-Dshmtel.crashAt=mailbox.put@2"), "mbox-send",
                options.directory().toString(), "crash", SCHEMA, RECORD, "5", "yield");
        try (MailboxReceiver receiver = MailboxReceiver.open("crash", RECORD, options)) {
            DynamicView view = new DynamicView(R);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            List<Long> taken = new ArrayList<>();
            while (taken.size() < 2) {
                assertThat(System.nanoTime() - deadline).isNegative();
                if (receiver.take(view, TimeUnit.MILLISECONDS.toNanos(100))) {
                    assertThat(CounterPattern.check(view)).isTrue();
                    taken.add(view.sampleIndex());
                    receiver.done();
                }
            }
            assertThat(writer.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(taken).containsExactly(0L, 1L);
            try (Publisher next = Publisher.create("crash", LAYOUT, options)) {
                RingGeometry g = RingGeometry.of(R);
                MailboxSender sender = next.mailbox(RECORD);
                assertThat(sender.nextMessageIndex()).as("message 1 was put: the next is 2").isEqualTo(2);
                assertThat(MailboxWords.published(next.region().buffer(), g)).isEqualTo(2);
                assertThat(MailboxWords.answered(next.region().buffer(), g)).isEqualTo(2);
            }
        }
    }

    /**
     * Consumers killed right after taking (before storing their start time) and right before answering: both recovered,
     * once.
     */
    @Test
    void consumersKilledInTheMiddleOfTheHandshakeAreRecovered(RegionOptions options) throws Exception {
        try (Publisher publisher = Publisher.create("steps", LAYOUT, options)) {
            MailboxSender sender = publisher.mailbox(RECORD).idleStrategy(new BlockingIdleStrategy());
            DynamicWriter writer = new DynamicWriter(sender, R);
            long message = 0;
            for (String point : List.of("mailbox.taken", "mailbox.answering")) {
                CounterPattern.fill(writer, sender.nextMessageIndex());
                assertThat(writer.put(Duration.ofSeconds(5))).isTrue();
                Process consumer = RegionChild.start(children, List.of("-Dshmtel.crashAt=" + point), "mbox-take",
                        options.directory().toString(), "steps", RECORD, "1000", "blocking",
                        options.directory().resolve(point + ".log").toString());
                assertThat(consumer.waitFor(20, TimeUnit.SECONDS)).as(point).isTrue();
                assertThat(consumer.exitValue()).as(point + " (SIGKILL)").isEqualTo(137);
                assertThat(sender.awaitAnswer(TimeUnit.SECONDS.toNanos(5))).as(point).isTrue();
                assertThat(sender.lastAnsweredMessage()).isEqualTo(message);
                assertThat(sender.lastAnswerCode()).as(point).isEqualTo(MailboxSender.CONSUMER_DIED);
                message++;
            }
            assertThat(sender.recoveredMessages()).isEqualTo(2);
            assertThat(MailboxWords.answered(publisher.region().buffer(), RingGeometry.of(R))).isEqualTo(2);
        }
    }

    @Test
    void aMillionMessagesCrossProcessInOrderNoneLostNoneTwice(RegionOptions options) throws Exception {
        long count = 1_000_000;
        Path log = options.directory().resolve("unused.log");
        RegionChild.start(children, List.of(), "mbox-send", options.directory().toString(), "million", SCHEMA, RECORD,
                Long.toString(count), "yield");
        try (MailboxReceiver receiver = MailboxReceiver.open("million", RECORD, options)) {
            receiver.idleStrategy(new YieldingIdleStrategy());
            DynamicView view = new DynamicView(R);
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(240);
            long expected = 0;
            long torn = 0;
            while (expected < count) {
                assertThat(System.nanoTime() - deadline).as("took %d of %d", expected, count).isNegative();
                if (!receiver.take(view, TimeUnit.SECONDS.toNanos(1))) {
                    continue;
                }
                assertThat(view.sampleIndex()).as("in order, none lost, none twice").isEqualTo(expected);
                if (!CounterPattern.check(view)) {
                    torn++;
                }
                expected++;
                receiver.done();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("mailbox: %,d messages across processes in %.1f s (%.0f round trips/s), torn %d%n",
                    count, seconds, count / seconds, torn);
            assertThat(torn).isZero();
            assertThat(receiver.taken()).isEqualTo(count);
            assertThat(receiver.poll(view)).as("nothing after the last").isFalse();
        }
        assertThat(Files.exists(log)).isFalse();
    }

    /**
     * Both sides killed (SIGKILL) at random moments and restarted, with blocking (futex) waits: in the
     * end every message index from 0 to N-1 was delivered at most once and in order (the consumers'
     * log), and each one not delivered is one the region counts recovered from a dead consumer.
     */
    @Test
    void killsOfEitherSideAtRandomLoseNothingSilentlyAndDeliverNothingTwice(RegionOptions options) throws Exception {
        long count = 60_000;
        int kills = 20;
        String dir = options.directory().toString();
        Path log = options.directory().resolve("taken.log");
        Path writerOut = options.directory().resolve("writer.out");
        Path consumerOut = options.directory().resolve("consumer.out");
        long seed = Long.getLong("shmtel.test.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        Process writer = startWriter(dir, count);
        Process consumer = startConsumer(dir, count, log);
        int writers = 1;
        int consumers = 1;
        int writerKills = 0;
        int consumerKills = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (writerKills + consumerKills < kills && (writer.isAlive() || consumer.isAlive())) {
            // Both sides at work (each said "ready"), then one of them dies at a random moment.
            awaitLines(writerOut, "ready", writers, deadline);
            awaitLines(consumerOut, "ready", consumers, deadline);
            Thread.sleep(random.nextInt(1, 60));
            if (random.nextBoolean() && consumer.isAlive()) {
                consumer.destroyForcibly();
                consumer.waitFor();
                consumerKills++;
                consumer = startConsumer(dir, count, log);
                consumers++;
            } else if (writer.isAlive()) {
                writer.destroyForcibly();
                writer.waitFor();
                writerKills++;
                writer = startWriter(dir, count);
                writers++;
            }
        }
        assertThat(consumer.waitFor(120, TimeUnit.SECONDS)).as("consumer done").isTrue();
        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).as("writer done").isTrue();
        String consumerOutput = Files.readString(consumerOut);
        String writerOutput = Files.readString(writerOut);
        assertThat(consumer.exitValue()).as("consumer: %s", consumerOutput).isZero();
        assertThat(writer.exitValue()).as("writer: %s", writerOutput).isZero();
        assertThat(consumerOutput).doesNotContain("TORN").doesNotContain("BACKWARDS").doesNotContain("Exception");
        assertThat(writerOutput).doesNotContain("Exception");

        ByteBuffer entries = ByteBuffer.wrap(Files.readAllBytes(log)).order(ByteOrder.BIG_ENDIAN);
        long previous = -1;
        long delivered = 0;
        while (entries.remaining() >= 8) {
            long k = entries.getLong();
            assertThat(k).as("delivered in order, never twice").isGreaterThan(previous);
            assertThat(k).isLessThan(count);
            previous = k;
            delivered++;
        }
        long missing = count - delivered;
        // Indexes a killed writer wrote into the slot but never put, which its successor skipped (rule R7).
        long skipped = Pattern.compile("skipped=(\\d+)").matcher(writerOutput).results()
                .mapToLong(m -> Long.parseLong(m.group(1))).sum();
        try (Region region = Region.open("kill", options)) {
            RingGeometry g = RingGeometry.of(region.layout().record(RECORD).orElseThrow());
            long recovered = MailboxWords.recovered(region.buffer(), g);
            System.out.printf("mailbox kills (seed %d): %d writer and %d consumer kills while both worked; %,d of %,d"
                    + " delivered in order, none twice; %d not delivered, %d answered CONSUMER_DIED, %d skipped by a"
                    + " writer taking over; answered %,d%n",
                    seed, writerKills, consumerKills, delivered, count, missing, recovered, skipped,
                    MailboxWords.answered(region.buffer(), g));
            assertThat(missing).as("every message not delivered was answered CONSUMER_DIED or never put")
                    .isLessThanOrEqualTo(recovered + skipped);
            assertThat(skipped).as("at most one per writer killed").isLessThanOrEqualTo(writerKills);
            assertThat(recovered).as("at most one per consumer killed").isLessThanOrEqualTo(consumerKills);
            assertThat(region.buffer().getLong(g.publishedOffset())).as("messages put").isEqualTo(count);
            assertThat(MailboxWords.answered(region.buffer(), g)).as("every message answered").isEqualTo(count);
        }
        assertThat(writerKills).isPositive();
        assertThat(consumerKills).isPositive();
    }

    /**
     * Rule R4 (format.md, mailbox recovery): a recoverer that saw the dead holder and stalled before
     * its first store must not land a stale CONSUMER_DIED on a later answer. Here a real recoverer
     * process stops itself (SIGSTOP) right after deciding; meanwhile the writer recovers the message,
     * puts the next, and a live consumer answers it with error 5; then the stalled one goes on.
     */
    @Test
    void aStalledRecovererNeverOverwritesALaterAnswer(RegionOptions options) throws Exception {
        String dir = options.directory().toString();
        try (Publisher publisher = Publisher.create("stall", LAYOUT, options)) {
            MailboxSender sender = publisher.mailbox(RECORD).idleStrategy(new BlockingIdleStrategy());
            DynamicWriter writer = new DynamicWriter(sender, R);
            CounterPattern.fill(writer, 0);
            assertThat(writer.offer()).isTrue();
            Process holder = RegionChild.start(children, List.of(), "mbox-hold", dir, "stall", RECORD);
            assertThat(firstLine(holder)).isEqualTo("holding 0");
            holder.destroyForcibly();
            holder.waitFor();
            Process stalled = RegionChild.start(children, List.of("-D" + CrashPoint.STOP_PROPERTY + "="
                    + CrashPoint.MAILBOX_RECOVERING), "mbox-recover", dir, "stall", RECORD);
            RegionChild.awaitStopped(stalled);
            // Meanwhile the writer finds the holder dead itself, and reads the answer.
            assertThat(sender.awaitAnswer(TimeUnit.SECONDS.toNanos(5))).isTrue();
            assertThat(sender.lastAnsweredMessage()).isZero();
            assertThat(sender.lastAnswerCode()).isEqualTo(MailboxSender.CONSUMER_DIED);
            // It puts message 1; a live consumer takes it and answers error 5.
            CounterPattern.fill(writer, 1);
            assertThat(writer.offer()).isTrue();
            try (MailboxReceiver consumer = MailboxReceiver.open("stall", RECORD, options)) {
                DynamicView view = new DynamicView(R);
                assertThat(consumer.poll(view)).isTrue();
                assertThat(view.sampleIndex()).isOne();
                consumer.fail(5);
            }
            // The stalled recoverer goes on: the box it saw is long gone.
            Posix.resume(stalled.pid());
            assertThat(stalled.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(stalled.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .startsWith("recovered false");
            assertThat(sender.awaitAnswer(TimeUnit.SECONDS.toNanos(5))).isTrue();
            assertThat(sender.lastAnsweredMessage()).isOne();
            assertThat(sender.lastAnswerCode()).as("the consumer's answer, not the stalled recoverer's").isEqualTo(5);
            assertThat(MailboxWords.recovered(publisher.region().buffer(), RingGeometry.of(R))).isOne();
        }
    }

    /**
     * Rule R5: a live holder whose /proc/PID/stat cannot be read (hidepid, another PID namespace) is
     * alive; only a pid that is gone (or reused, start time readable) makes it dead. The recoverer runs
     * with a /proc that hides the holder's entry.
     */
    @Test
    void aHolderWhoseStartTimeCannotBeReadIsNotTakenForDead(RegionOptions options,
            @TempDir Path hiddenProc) throws Exception {
        String dir = options.directory().toString();
        List<String> hidden = List.of("-D" + ProcessInfo.PROC_ROOT_PROPERTY + "=" + hiddenProc);
        try (Publisher publisher = Publisher.create("hidden", LAYOUT, options)) {
            RingGeometry g = RingGeometry.of(R);
            MailboxSender sender = publisher.mailbox(RECORD);
            DynamicWriter writer = new DynamicWriter(sender, R);
            CounterPattern.fill(writer, 0);
            assertThat(writer.offer()).isTrue();
            Process holder = RegionChild.start(children, List.of(), "mbox-hold", dir, "hidden", RECORD);
            assertThat(firstLine(holder)).isEqualTo("holding 0");
            assertThat(MailboxWords.holderStart(publisher.region().buffer(), g)).as("stored by the holder")
                    .isPositive();
            Process recoverer = RegionChild.start(children, hidden, "mbox-recover", dir, "hidden", RECORD);
            assertThat(firstLine(recoverer)).as("a live holder with an unreadable start time")
                    .isEqualTo("recovered false");
            assertThat(MailboxWords.holder(MailboxWords.word(publisher.region().buffer(), g)))
                    .isEqualTo((int) holder.pid());
            holder.destroyForcibly();
            holder.waitFor();
            Process next = RegionChild.start(children, hidden, "mbox-recover", dir, "hidden", RECORD);
            assertThat(firstLine(next)).as("its pid gone: dead").isEqualTo("recovered true");
            assertThat(sender.awaitAnswer(TimeUnit.SECONDS.toNanos(5))).isTrue();
            assertThat(sender.lastAnswerCode()).isEqualTo(MailboxSender.CONSUMER_DIED);
        }
    }

    /**
     * Rule R6: taking a message wakes the writer asleep waiting for its answer. The consumer dies
     * right after taking; the writer, woken by the take, finds it dead within its 10-ms holder
     * checks, not when its sleep (here up to 20 s) runs out.
     */
    @Test
    void takingAMessageWakesTheWriterAsleepForItsAnswer(RegionOptions options) throws Exception {
        long sleepCapNs = TimeUnit.SECONDS.toNanos(20);
        try (Publisher publisher = Publisher.create("wake", LAYOUT, options)) {
            RingGeometry g = RingGeometry.of(R);
            MailboxSender sender = publisher.mailbox(RECORD).idleStrategy(new BlockingIdleStrategy(0, sleepCapNs));
            DynamicWriter writer = new DynamicWriter(sender, R);
            CounterPattern.fill(writer, 0);
            assertThat(writer.offer()).isTrue();
            long[] answeredAt = new long[1];
            boolean[] answered = new boolean[1];
            Thread waiting = new Thread(() -> {
                answered[0] = sender.awaitAnswer(TimeUnit.SECONDS.toNanos(60));
                answeredAt[0] = System.nanoTime();
            });
            waiting.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (Sleepers.mask(publisher.region().buffer(), g) == 0) { // the writer is asleep on the state word
                assertThat(System.nanoTime() - deadline).isNegative();
                Thread.sleep(1);
            }
            Process consumer = RegionChild.start(children, List.of("-Dshmtel.crashAt=" + CrashPoint.MAILBOX_TAKEN),
                    "mbox-take", options.directory().toString(), "wake", RECORD, "1000", "blocking",
                    options.directory().resolve("take.log").toString());
            assertThat(consumer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long died = System.nanoTime();
            assertThat(consumer.exitValue()).as("killed at mailbox.taken").isEqualTo(137);
            waiting.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(answered[0]).isTrue();
            assertThat(sender.lastAnswerCode()).isEqualTo(MailboxSender.CONSUMER_DIED);
            assertThat(TimeUnit.NANOSECONDS.toMillis(answeredAt[0] - died))
                    .as("ms from the consumer's death to the answer (the writer's sleep lasts up to 20 s)")
                            .isLessThan(3000);
        }
    }

    /**
     * Rule R7: a writer killed after writing message k into the slot (complete, or half written) but
     * before putting it: the next writer must not number its first message k (a subscriber may have
     * read the dead writer's message k); it skips k (answered, never delivered) and puts k+1.
     */
    @Test
    void aWriterKilledBeforePuttingAWrittenMessageIsNotNumberedTwice(RegionOptions options) throws Exception {
        String dir = options.directory().toString();
        for (String point : List.of(CrashPoint.PUBLISH_COMPLETE, CrashPoint.PUBLISH_MARKED)) {
            String region = "skip-" + point.replace('.', '-');
            Process dead = RegionChild.start(children, List.of("-Dshmtel.crashAt=" + point + "@2"), "mbox-send", dir,
                    region, SCHEMA, RECORD, "5", "yield");
            try (MailboxReceiver receiver = MailboxReceiver.open(region, RECORD, options)) {
                DynamicView view = new DynamicView(R);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!receiver.take(view, TimeUnit.MILLISECONDS.toNanos(100))) {
                    assertThat(System.nanoTime() - deadline).as(point).isNegative();
                }
                assertThat(view.sampleIndex()).isZero();
                receiver.done();
                assertThat(dead.waitFor(30, TimeUnit.SECONDS)).as(point).isTrue();
                assertThat(dead.exitValue()).as(point + " (SIGKILL)").isEqualTo(137);
                try (Publisher next = Publisher.create(region, LAYOUT, options)) {
                    RingGeometry g = RingGeometry.of(R);
                    MailboxSender sender = next.mailbox(RECORD);
                    assertThat(sender.nextMessageIndex()).as(point + ": message 1 was (being) written: the next is 2")
                            .isEqualTo(2);
                    assertThat(sender.state()).isEqualTo(MailboxState.EMPTY);
                    assertThat(MailboxWords.answered(next.region().buffer(), g)).isEqualTo(2);
                    DynamicWriter writer = new DynamicWriter(sender, R);
                    CounterPattern.fill(writer, 2);
                    assertThat(writer.offer()).isTrue();
                    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!receiver.take(view, TimeUnit.MILLISECONDS.toNanos(100))) {
                        assertThat(System.nanoTime() - deadline).as(point).isNegative();
                    }
                    assertThat(view.sampleIndex()).isEqualTo(2);
                    assertThat(CounterPattern.check(view)).isTrue();
                    receiver.done();
                    assertThat(sender.awaitAnswer(TimeUnit.SECONDS.toNanos(5))).isTrue();
                    assertThat(sender.lastAnsweredMessage()).isEqualTo(2);
                    assertThat(sender.lastAnswerCode()).isEqualTo(MailboxSender.DONE);
                }
            }
        }
    }

    private static String firstLine(Process p) throws IOException {
        return new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
    }

    /** Waits until {@code file} has {@code n} lines starting with {@code prefix}. */
    private static void awaitLines(Path file, String prefix, int n, long deadline) throws IOException,
            InterruptedException {
        while (!Files.exists(file) || Files.readAllLines(file).stream().filter(l -> l.startsWith(prefix)).count() < n) {
            assertThat(System.nanoTime() - deadline).as("%s: %d lines %s", file, n, prefix).isNegative();
            Thread.sleep(5);
        }
    }

    private Process startWriter(String dir, long count) throws IOException {
        return RegionChild.start(children, List.of(), Path.of(dir, "writer.out"), "mbox-send", dir, "kill", SCHEMA,
                RECORD, Long.toString(count), "blocking");
    }

    private Process startConsumer(String dir, long count, Path log) throws IOException {
        return RegionChild.start(children, List.of(), Path.of(dir, "consumer.out"), "mbox-take", dir, "kill", RECORD,
                Long.toString(count), "blocking",
                log.toString());
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
