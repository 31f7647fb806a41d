package io.shmtel.core;

import io.shmtel.core.idle.IdleStrategies;
import io.shmtel.core.region.MemoryOptions;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.ring.MailboxWords;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordBlockDescriptor;
import io.shmtel.schema.layout.RecordLayout;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A separate process for the cross-process tests. Modes:
 * <pre>
 *   publish DIR REGION SCHEMA RECORD SECONDS   publish the counter pattern at full rate ("ready epoch=E" once started)
 *   latest  DIR REGION RECORD READS SECONDS    read the newest sample READS times, checking each ("reads N torn T")
 *   stream  DIR REGION RECORD READS SECONDS    read every sample in order, checking each ("reads N torn T lost L
 *   backwards B")
 *   create  DIR REGION SCHEMA                  create the region and exit ("created" or "failed: Class: message")
 *   sleep   DIR REGION RECORD LAST MAXWAIT_MS  read every sample up to index LAST with a blocking WaitSet, checking
 *                                              each ("ready" once subscribed; at the end "read N lost L torn T
 *                                              backwards B sleeps S wakeups W timeouts X fallbacks F")
 *   hold    DIR REGION SCHEMA RECORD           publish one sample, then hold the region ("ready epoch=E")
 *   claim-hold DIR REGION SCHEMA RECORD        publish one sample, claim the next slot, write half of sample 1's
 *                                              fields into it, then hold the claim open ("claimed K")
 *   mbox-send DIR REGION SCHEMA RECORD COUNT IDLE   put counter-pattern messages into a mailbox until message
 *                                              COUNT-1 is in (continuing a dead writer's numbering), then wait for
 *                                              its answer ("ready next=K skipped=S", at the end "sent N failures F")
 *   mbox-take DIR REGION RECORD COUNT IDLE LOG take messages until message COUNT-1, checking each; append each
 *                                              index to LOG (8 bytes) before answering it ("ready", "TORN k",
 *                                              "BACKWARDS k after j", at the end "taken N recovered R")
 *   mbox-hold DIR REGION RECORD                take one message and hold it unanswered ("holding K")
 *   mbox-recover DIR REGION RECORD             wait until the mailbox is READING, try to recover it once
 *                                              (MailboxWords.recover) and say whether it did ("recovered true|false")
 *   durable DIR REGION SCHEMA RECORD FLUSHED TOTAL  publish FLUSHED counter samples, flush ("flushed N"), publish up
 *                                              to TOTAL ("published T"), then wait to be killed
 *   memory  DIR REGION SCHEMA PREFAULT LOCK ADVICE HUGE  create the region with these memory options ("created rss=R
 *                                              locked=L huge=H", bytes of its mapping; or "failed: Class: message")
 * </pre>
 */
@SuppressWarnings("try") // create holds the publisher only to own the region
public final class RegionChild {
    public static void main(String[] args) throws Exception {
        RegionOptions options = ShmDirectory.options(Path.of(args[1]));
        switch (args[0]) {
            case "publish" -> publish(options, args[2], layout(args[3]), args[4], Long.parseLong(args[5]));
            case "latest", "stream" -> read(options, args[2], args[3], Long.parseLong(args[4]), Long.parseLong(args[5]),
                    args[0].equals("stream"));
            case "create" -> create(options, args[2], layout(args[3]));
            case "sleep" -> sleep(options, args[2], args[3], Long.parseLong(args[4]), Long.parseLong(args[5]));
            case "hold" -> hold(options, args[2], layout(args[3]), args[4]);
            case "claim-hold" -> claimHold(options, args[2], layout(args[3]), args[4]);
            case "mbox-send" -> mailboxSend(options, args[2], layout(args[3]), args[4], Long.parseLong(args[5]),
                    args[6]);
            case "mbox-take" -> mailboxTake(options, args[2], args[3], Long.parseLong(args[4]), args[5],
                    Path.of(args[6]));
            case "mbox-hold" -> mailboxHold(options, args[2], args[3]);
            case "mbox-recover" -> mailboxRecover(options, args[2], args[3]);
            case "durable" -> durable(options, args[2], layout(args[3]), args[4], Long.parseLong(args[5]),
                    Long.parseLong(args[6]));
            case "memory" -> memory(options.withMemory(new MemoryOptions(Boolean.parseBoolean(args[4]),
                    Boolean.parseBoolean(args[5]), MemoryOptions.Advice.byName(args[6]).orElseThrow(),
                    Boolean.parseBoolean(args[7]))), args[2], layout(args[3]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    /**
     * Starts a child JVM in {@code mode args...} with extra JVM options, added to {@code children} (to be killed after
     * the test).
     */
    static Process start(List<Process> children, List<String> jvmOptions, String... args)
            throws IOException {
        return start(children, jvmOptions, null, args);
    }

    /**
     * {@link #start}, appending the child's output to {@code output} (null: a pipe); a file keeps what a killed child
     * said.
     */
    static Process start(List<Process> children, List<String> jvmOptions, Path output, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RegionChild.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (output != null) {
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        }
        Process p = builder.start();
        children.add(p);
        return p;
    }

    /** Kills the children a test started (after each test: none outlives it, nor its regions' owners). */
    static void killAll(List<Process> children) throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Waits until {@code p} stopped itself (state T in /proc/PID/stat: a stall point, see CrashPoint.STOP_PROPERTY).
     */
    static void awaitStopped(Process p) throws IOException, InterruptedException {
        Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!p.isAlive()) {
                throw new AssertionError("process " + p.pid() + " exited (" + p.exitValue() + ") instead of stopping");
            }
            String s = Files.readString(stat);
            if (s.charAt(s.lastIndexOf(')') + 2) == 'T') {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("process " + p.pid() + " did not stop within 30 s");
            }
            Thread.sleep(5);
        }
    }

    static Layout layout(String schemaFile) {
        return LayoutCompiler.compile(SchemaParser.parse(Path.of(schemaFile)));
    }

    static void publish(RegionOptions options, String region, Layout layout, String record, long seconds) {
        try (Publisher publisher = Publisher.create(region, layout, options)) {
            RecordLayout r = layout.record(record).orElseThrow();
            RingWriter sink = publisher.sink(record);
            DynamicWriter writer = new DynamicWriter(sink, r);
            CounterPattern.fill(writer, sink.nextSampleIndex());
            writer.commit();
            System.out.println("ready epoch=" + publisher.epoch());
            System.out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long count = 1;
            while (System.nanoTime() - deadline < 0) {
                CounterPattern.fill(writer, sink.nextSampleIndex());
                writer.commit();
                count++;
            }
            System.out.println("published " + count);
        }
    }

    static void read(RegionOptions options, String region, String record, long reads, long seconds, boolean stream) {
        try (Subscriber subscriber = Subscriber.open(region, record, options)) {
            DynamicView view = new DynamicView(subscriber.record());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long done = 0;
            long torn = 0;
            long backwards = 0;
            long last = -1;
            while (done < reads && System.nanoTime() - deadline < 0) {
                boolean got = stream ? subscriber.poll(view) : subscriber.latest(view);
                if (!got) {
                    Thread.onSpinWait();
                    continue;
                }
                done++;
                if (!CounterPattern.check(view)) {
                    torn++;
                }
                long k = view.sampleIndex();
                if (stream ? k <= last : k < last) {
                    backwards++;
                }
                last = k;
            }
            System.out.println("reads " + done + " torn " + torn + " lost " + subscriber.lostSamples() + " backwards "
                    + backwards);
        }
    }

    static void create(RegionOptions options, String region, Layout layout) throws IOException {
        try (Publisher ignored = Publisher.create(region, layout, options)) {
            System.out.println("created");
        } catch (RuntimeException e) {
            System.out.println("failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            try (var files = Files.list(options.directory())) {
                System.out.println("left: " + files.map(p -> p.getFileName().toString()).sorted().toList());
            }
            System.exit(3);
        }
    }

    static void sleep(RegionOptions options, String region, String record, long last, long maxWaitMs) {
        try (Subscriber subscriber = Subscriber.open(region, record, options)) {
            DynamicView view = new DynamicView(subscriber.record());
            WaitSet waitSet = new WaitSet().add(subscriber);
            subscriber.seekToNewest();
            System.out.println("ready");
            System.out.flush();
            long read = 0;
            long torn = 0;
            long backwards = 0;
            long k = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (k < last && System.nanoTime() - deadline < 0) {
                if (subscriber.poll(view)) {
                    read++;
                    if (!CounterPattern.check(view)) {
                        torn++;
                    }
                    if (view.sampleIndex() <= k) {
                        backwards++;
                    }
                    k = view.sampleIndex();
                    continue;
                }
                waitSet.sleep(TimeUnit.MILLISECONDS.toNanos(maxWaitMs));
            }
            System.out.println("read " + read + " lost " + subscriber.lostSamples() + " torn " + torn + " backwards "
                    + backwards + " sleeps " + waitSet.sleeps() + " wakeups " + waitSet.wakeups() + " timeouts "
                    + waitSet.timeouts() + " fallbacks " + waitSet.fallbacks());
        }
    }

    static void hold(RegionOptions options, String region, Layout layout, String record) throws InterruptedException {
        try (Publisher publisher = Publisher.create(region, layout, options)) {
            RingWriter sink = publisher.sink(record);
            DynamicWriter writer = new DynamicWriter(sink, layout.record(record).orElseThrow());
            CounterPattern.fill(writer, sink.nextSampleIndex());
            writer.commit();
            System.out.println("ready epoch=" + publisher.epoch());
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }

    static void claimHold(RegionOptions options, String region, Layout layout, String record)
            throws InterruptedException {
        try (Publisher publisher = Publisher.create(region, layout, options)) {
            RingWriter sink = publisher.sink(record);
            RecordLayout r = layout.record(record).orElseThrow();
            DynamicWriter writer = new DynamicWriter(sink, r);
            CounterPattern.fill(writer, sink.nextSampleIndex());
            writer.commit();
            long k = sink.nextSampleIndex();
            writer.claim();
            for (int i = 0; i < r.fields().size() / 2; i++) { // half the fields: a claimer killed mid-way
                writer.set(r.fields().get(i).name(), "-1");
            }
            System.out.println("claimed " + k);
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }

    static void mailboxSend(RegionOptions options, String region, Layout layout, String record, long count,
            String idle) {
        try (Publisher publisher = Publisher.create(region, layout, options)) {
            MailboxSender sender = publisher.mailbox(record).idleStrategy(IdleStrategies.byName(idle));
            DynamicWriter writer = new DynamicWriter(sender, layout.record(record).orElseThrow());
            System.out.println("ready next=" + sender.nextMessageIndex() + " skipped=" + sender.skippedOnTakeover());
            System.out.flush();
            while (sender.nextMessageIndex() < count) {
                CounterPattern.fill(writer, sender.nextMessageIndex());
                if (!writer.put(Duration.ofSeconds(60))) {
                    System.out.println("put timed out at " + sender.nextMessageIndex());
                    System.exit(4);
                }
            }
            if (!sender.awaitAnswer(TimeUnit.SECONDS.toNanos(60))) {
                System.out.println("no answer to " + sender.pendingMessage());
                System.exit(4);
            }
            System.out.println("sent " + sender.sent() + " failures " + sender.failures() + " recovered "
                    + sender.recoveredMessages());
        }
    }

    static void mailboxTake(RegionOptions options, String region, String record, long count, String idle, Path log)
            throws IOException {
        try (MailboxReceiver receiver = MailboxReceiver.open(region, record, options);
                FileOutputStream out = new FileOutputStream(log.toFile(), true)) {
            receiver.idleStrategy(IdleStrategies.byName(idle));
            DynamicView view = null;
            byte[] entry = new byte[8];
            ByteBuffer entryBuffer = ByteBuffer.wrap(entry);
            System.out.println("ready");
            System.out.flush();
            long last = -1;
            while (last < count - 1) {
                if (view == null && receiver.subscriber().record() != null) {
                    view = new DynamicView(receiver.subscriber().record());
                }
                if (view == null) {
                    receiver.state();
                    Thread.sleep(10);
                    continue;
                }
                if (!receiver.take(view, TimeUnit.SECONDS.toNanos(1))) {
                    continue;
                }
                long k = view.sampleIndex();
                if (!CounterPattern.check(view)) {
                    System.out.println("TORN " + k);
                }
                if (k <= last) {
                    System.out.println("BACKWARDS " + k + " after " + last);
                }
                last = k;
                entryBuffer.putLong(0, k);
                out.write(entry); // handled: logged before the answer
                receiver.done();
            }
            System.out.println("taken " + receiver.taken() + " recovered " + receiver.recoveredMessages());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void mailboxHold(RegionOptions options, String region, String record) throws InterruptedException {
        MailboxReceiver receiver = MailboxReceiver.open(region, record, options);
        DynamicView view = new DynamicView(receiver.subscriber().record());
        while (!receiver.take(view, TimeUnit.SECONDS.toNanos(1))) {
            receiver.state();
        }
        System.out.println("holding " + view.sampleIndex());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    static void mailboxRecover(RegionOptions options, String region, String record) throws InterruptedException {
        try (Subscriber subscriber = Subscriber.open(region, record, options)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!subscriber.attached() || subscriber.region().sleeperBuffer() == null) {
                if (System.nanoTime() - deadline >= 0) {
                    System.out.println("no region");
                    System.exit(3);
                }
                subscriber.state();
                Thread.sleep(10);
            }
            ByteBuffer writable = subscriber.region().sleeperBuffer();
            RingGeometry g = subscriber.geometry();
            long word = MailboxWords.word(writable, g);
            while (MailboxWords.state(word) != RecordBlockDescriptor.MAILBOX_READING) {
                if (System.nanoTime() - deadline >= 0) {
                    System.out.println("not READING");
                    System.exit(3);
                }
                Thread.sleep(10);
                word = MailboxWords.word(writable, g);
            }
            boolean recovered = MailboxWords.recover(writable, g, word,
                    MailboxWords.stateWordAddress(writable, g));
            System.out.println("recovered " + recovered);
            System.out.flush();
        }
    }

    static void memory(RegionOptions options, String region, Layout layout) throws IOException {
        try (Publisher publisher = Publisher.create(region, layout, options)) {
            ByteBuffer b = publisher.region().buffer();
            System.out.println("created rss=" + Region.mappingBytes(b, "Rss:") + " locked="
                    + Region.mappingBytes(b, "Locked:") + " huge="
                    + Region.mappingBytes(b, "ShmemPmdMapped:"));
        } catch (RuntimeException e) {
            System.out.println("failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            try (var files = Files.list(options.directory())) {
                System.out.println("left: " + files.map(p -> p.getFileName().toString()).sorted().toList());
            }
            System.exit(3);
        }
    }

    static void durable(RegionOptions options, String region, Layout layout, String record, long flushed, long total)
            throws InterruptedException {
        Publisher publisher = Publisher.create(region, layout, options);
        RingWriter sink = publisher.sink(record);
        DynamicWriter writer = new DynamicWriter(sink, layout.record(record).orElseThrow());
        while (sink.nextSampleIndex() < flushed) {
            CounterPattern.fill(writer, sink.nextSampleIndex());
            writer.commit();
        }
        long ns = publisher.flush();
        System.out.println("flushed " + flushed + " in " + ns / 1000 + " us");
        while (sink.nextSampleIndex() < total) {
            CounterPattern.fill(writer, sink.nextSampleIndex());
            writer.commit();
        }
        System.out.println("published " + total);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
