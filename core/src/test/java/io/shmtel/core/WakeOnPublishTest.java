package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.shmtel.core.idle.BlockingIdleStrategy;
import io.shmtel.core.nativeio.Futex;
import io.shmtel.core.region.ProcessInfo;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.ring.Sleepers;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordBlockDescriptor;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.layout.RegionHeaderDescriptor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Wake-on-publish with real processes and real futexes: readers in other JVMs sleep in the kernel
 * and are woken by each publish; none sleeps through a sample (the sleeps are long: a lost wake-up
 * would show as a timeout); a publisher with nobody asleep makes no system call; a reader killed
 * asleep is healed; a dead writer is seen at the liveness period.
 */
@ExtendWith(ShmDirectory.class)
class WakeOnPublishTest {
    static final Pattern RESULT = Pattern.compile(
            "read (\\d+) lost (\\d+) torn (\\d+) backwards (\\d+) sleeps (\\d+) wakeups (\\d+) timeouts (\\d+) "
                    + "fallbacks (\\d+)");
    final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        RegionChild.killAll(children);
    }

    static String schema() {
        try {
            return Path.of(WakeOnPublishTest.class.getResource("/wake/tick.json").toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Layout layout() {
        return LayoutCompiler.compile(SchemaParser.parse(Path.of(schema())));
    }

    /**
     * Publishes {@code count} counter samples with gaps that make every race window likely: none, a few µs, 50 µs, 1
     * ms.
     */
    static void publishWithGaps(DynamicWriter writer, RingWriter sink, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            CounterPattern.fill(writer, sink.nextSampleIndex());
            writer.commit();
            switch (random.nextInt(4)) {
                case 0 -> { }
                case 1 -> spin(random.nextLong(1_000, 20_000));
                case 2 -> spin(50_000);
                default -> LockSupport.parkNanos(1_000_000);
            }
        }
    }

    static void spin(long ns) {
        long end = System.nanoTime() + ns;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    Matcher runSleepers(RegionOptions options, int sleepers, int count, List<String> jvmOptions) throws Exception {
        Layout layout = layout();
        String dir = options.directory().toString();
        try (Publisher publisher = Publisher.create("wake", layout, options)) {
            RingWriter sink = publisher.sink("tick");
            DynamicWriter writer = new DynamicWriter(sink, layout.record("tick").orElseThrow());
            List<Process> readers = new ArrayList<>();
            for (int i = 0; i < sleepers; i++) {
                // 20 s sleeps: a lost wake-up would be a timeout (and a 20 s stall), not a slightly late sample.
                readers.add(RegionChild.start(children, jvmOptions, "sleep", dir, "wake", "tick",
                        Integer.toString(count - 1), "20000"));
            }
            for (Process r : readers) {
                CrossProcessTest.firstLine(r, "ready");
            }
            publishWithGaps(writer, sink, count, 42);
            Matcher last = null;
            for (Process r : readers) {
                String out = CrossProcessTest.output(r, 120).trim();
                Matcher m = RESULT.matcher(out);
                assertThat(m.find()).as("sleeper output: %s", out).isTrue();
                System.out.printf("wake: sleeper %d (%s): %s; writer wake calls %d%n", r.pid(),
                        jvmOptions.isEmpty() ? "futex_waitv" : String.join(" ", jvmOptions), out, sink.wakeCalls());
                assertThat(Long.parseLong(m.group(3))).as("torn samples: %s", out).isZero();
                assertThat(Long.parseLong(m.group(4))).as("samples out of order: %s", out).isZero();
                assertThat(Long.parseLong(m.group(1)) + Long.parseLong(m.group(2))).as("read + lost: %s", out)
                        .isEqualTo(count);
                assertThat(Long.parseLong(m.group(7))).as("sleeps that timed out (lost wake-ups): %s", out).isZero();
                assertThat(Long.parseLong(m.group(8))).as("sleeps capped to polling: %s", out).isZero();
                assertThat(Long.parseLong(m.group(5))).as("sleeps: %s", out).isPositive();
                last = m;
            }
            assertThat(sink.wakeCalls()).as("writer wake calls").isPositive();
            return last;
        }
    }

    @Test
    void sleepersInOtherProcessesAreWokenForEverySampleAndNeverSleepThroughOne(RegionOptions options) throws Exception {
        runSleepers(options, 2, 3_000, List.of());
    }

    @Test
    void withoutFutexWaitvASingleRecordSleepsOnFutexWait(RegionOptions options) throws Exception {
        runSleepers(options, 1, 1_000, List.of("-Dshmtel.wake.noWaitv=true"));
    }

    @Test
    void aPublisherWithNobodyAsleepMakesNoSystemCall(RegionOptions options) {
        Layout layout = layout();
        try (Publisher publisher = Publisher.create("quiet", layout, options);
                Subscriber polling = Subscriber.open("quiet", "tick", options)) {
            RingWriter sink = publisher.sink("tick");
            DynamicWriter writer = new DynamicWriter(sink, layout.record("tick").orElseThrow());
            DynamicView view = new DynamicView(polling.record());
            for (int i = 0; i < 10_000; i++) {
                CounterPattern.fill(writer, sink.nextSampleIndex());
                writer.commit();
                polling.poll(view); // a polling reader registers nothing
            }
            assertThat(sink.wakeCalls()).as("wake calls with no sleeper").isZero();
            assertThat(Sleepers.mask(publisher.region().buffer(), RingGeometry.of(layout.record("tick").orElseThrow())))
                    .isZero();
        }
    }

    @Test
    void aReaderKilledAsleepIsHealedAndTheWriterStopsWaking(RegionOptions options) throws Exception {
        Layout layout = layout();
        RecordLayout tick = layout.record("tick").orElseThrow();
        RingGeometry geometry = RingGeometry.of(tick);
        try (Publisher publisher = Publisher.create("healed", layout, options)) {
            RingWriter sink = publisher.sink("tick");
            DynamicWriter writer = new DynamicWriter(sink, tick);
            Process sleeper = RegionChild.start(children, List.of(), "sleep", options.directory().toString(), "healed",
                    "tick", "1000000", "600000");
            CrossProcessTest.firstLine(sleeper, "ready");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Sleepers.mask(publisher.region().buffer(), geometry) == 0 && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            int mask = Sleepers.mask(publisher.region().buffer(), geometry);
            assertThat(mask).as("sleeper bits once the reader sleeps").isNotZero();
            int slot = Integer.numberOfTrailingZeros(mask);
            assertThat(Sleepers.owner(publisher.region().buffer(), geometry, slot)).isEqualTo((int) sleeper.pid());
            CrossProcessTest.signal("KILL", sleeper);
            assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Sleepers.mask(publisher.region().buffer(), geometry)).as("bits left by the killed sleeper")
                    .isEqualTo(mask);
            // The writer wakes nobody again and again, then looks for dead sleepers and frees their slots.
            for (int i = 0; i < 200; i++) {
                CounterPattern.fill(writer, sink.nextSampleIndex());
                writer.commit();
            }
            long callsAfterHeal = sink.wakeCalls();
            for (int i = 0; i < 10_000; i++) {
                CounterPattern.fill(writer, sink.nextSampleIndex());
                writer.commit();
            }
            System.out.printf("wake: killed sleeper healed after %d wake calls, %d healed, none since%n",
                    callsAfterHeal,
                    sink.healedSleepers());
            assertThat(sink.healedSleepers()).as("slots healed").isEqualTo(Integer.bitCount(mask));
            assertThat(Sleepers.mask(publisher.region().buffer(), geometry)).isZero();
            assertThat(Sleepers.owner(publisher.region().buffer(), geometry, slot)).isZero();
            assertThat(sink.wakeCalls()).as("wake calls after healing").isEqualTo(callsAfterHeal);
        }
    }

    /** A writer that does not heal (C) relies on its readers: a wait set frees a dead sleeper's slot once a second. */
    @Test
    void readersFreeTheSlotOfASleeperThatDiedAsleep(RegionOptions options) throws Exception {
        Layout layout = layout();
        RingGeometry g = RingGeometry.of(layout.record("tick").orElseThrow());
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        int deadPid = (int) gone.pid();
        try (Publisher publisher = Publisher.create("stale", layout, options);
                Subscriber s = Subscriber.open("stale", "tick", options)) {
            // What a reader SIGKILLed asleep leaves: its pid in slot 3 and bit 3 set.
            ByteBuffer b = publisher.region().buffer();
            int slot3 = g.blockOffset() + RecordBlockDescriptor.SLEEPER_PIDS_OFFSET + 12;
            b.putInt(slot3, deadPid);
            b.putInt(g.blockOffset() + RecordBlockDescriptor.SLEEPERS_OFFSET, 1 << 3);
            s.seekToNewest();
            WaitSet set = new WaitSet().add(s);
            set.sleep(TimeUnit.MILLISECONDS.toNanos(20));
            assertThat(set.healedSleepers()).as("slots freed").isEqualTo(1);
            assertThat(Sleepers.mask(b, g)).isZero();
            assertThat(Sleepers.owner(b, g, 3)).isZero();
        }
    }

    @Test
    void aWriterKilledWhileItsReaderSleepsIsSeenDeadAtTheLivenessPeriod(RegionOptions options) throws Exception {
        Process holder = RegionChild.start(children, List.of(), "hold", options.directory().toString(), "doomed",
                schema(), "tick");
        CrossProcessTest.firstLine(holder, "ready epoch=1");
        try (Subscriber s = Subscriber.open("doomed", "tick", options).idleStrategy(new BlockingIdleStrategy(0,
                TimeUnit.SECONDS.toNanos(60)))) {
            DynamicView view = new DynamicView(s.record());
            assertThat(s.awaitNext(view, TimeUnit.SECONDS.toNanos(5))).isTrue(); // the one sample
            CrossProcessTest.signal("KILL", holder);
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
            // Asleep on a writer that will never publish: each sleep ends at the liveness period (the
            // heartbeat period), when the subscriber checks the writer, however long the strategy would sleep.
            long start = System.nanoTime();
            assertThat(s.awaitNext(view, TimeUnit.SECONDS.toNanos(2))).isFalse();
            assertThat(s.state()).isEqualTo(WriterState.WRITER_DEAD);
            System.out.printf("wake: await on a dead writer returned after %d ms (timeout 2000 ms)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }

    @Test
    void aClosingWriterWakesItsSleepersAndWakeupEndsASleep(RegionOptions options) throws Exception {
        Layout layout = layout();
        Publisher publisher = Publisher.create("closing", layout, options);
        try (Subscriber s = Subscriber.open("closing", "tick", options)) {
            s.seekToNewest();
            WaitSet set = new WaitSet().add(s);
            Thread closer = new Thread(() -> {
                waitForSleeper(publisher, layout);
                publisher.close();
            });
            closer.start();
            set.sleep(TimeUnit.SECONDS.toNanos(30));
            closer.join();
            assertThat(set.lastOutcome()).as("outcome of a sleep ended by close").isEqualTo(WaitSet.Outcome.WOKEN);
            assertThat(s.state()).isEqualTo(WriterState.CLOSED);

            // (NOT_SLEPT if the ring came first: the pending wake-up is kept, never lost; TIMED_OUT would be 30 s.)
            assertThat(sleepUntilWokenByAnotherThread(set)).as("outcome of a sleep ended by wakeup()")
                    .isIn(WaitSet.Outcome.WOKEN, WaitSet.Outcome.NOT_SLEPT);
            // An empty set (a server with nothing subscribed) sleeps on its doorbell alone.
            assertThat(sleepUntilWokenByAnotherThread(new WaitSet()))
                    .as("outcome of an empty set's sleep ended by wakeup()")
                    .isIn(WaitSet.Outcome.WOKEN, WaitSet.Outcome.NOT_SLEPT);
        } finally {
            publisher.close();
        }
    }

    /** Sleeps on {@code set} for up to 30 s while another thread calls {@code wakeup()} after 50 ms. */
    private static WaitSet.Outcome sleepUntilWokenByAnotherThread(WaitSet set) throws InterruptedException {
        Thread waker = new Thread(() -> {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            set.wakeup();
        });
        waker.start();
        set.sleep(TimeUnit.SECONDS.toNanos(30));
        waker.join();
        return set.lastOutcome();
    }

    private static void waitForSleeper(Publisher publisher, Layout layout) {
        RingGeometry g = RingGeometry.of(layout.record("tick").orElseThrow());
        while (Sleepers.mask(publisher.region().buffer(), g) == 0) {
            LockSupport.parkNanos(100_000);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // into the kernel
    }

    /**
     * A reader that may not write the region file cannot register as a sleeper: it polls (sleeps
     * capped at 1 ms), reads everything, and says why once. Not root: the region file is made 0444 once created.
     * Root (who may write any file): the child sees the directory through a read-only bind mount.
     */
    @Test
    void aReaderThatMayNotWriteTheRegionPollsAndSaysWhy(RegionOptions options) throws Exception {
        boolean root = ProcessInfo.currentUid() == 0;
        if (root) {
            Assumptions.assumeTrue(CrossProcessTest.canMountTmpfs(),
                    "needs unshare and mount (root) for a read-only view of the region directory");
        }
        Layout layout = layout();
        String dir = options.directory().toString();
        int count = 200;
        try (Publisher publisher = Publisher.create("guarded", layout, options.withMode(0644))) {
            if (!root) {
                // a region's mode keeps owner read-write (RegionOptions); take the owner's write bit away afterwards
                Files.setPosixFilePermissions(options.directory().resolve("shmtel.guarded"),
                        PosixFilePermissions.fromString("r--r--r--"));
            }
            RingWriter sink = publisher.sink("tick");
            DynamicWriter writer = new DynamicWriter(sink, layout.record("tick").orElseThrow());
            List<String> args = List.of("sleep", dir, "guarded", "tick", Integer.toString(count - 1), "20000");
            Process reader;
            if (root) {
                List<String> command = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                        "mount --bind -o ro \"$1\" \"$1\" && shift && exec \"$@\"", "sh", dir,
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                        RegionChild.class.getName()));
                command.addAll(args);
                reader = new ProcessBuilder(command).redirectErrorStream(true).start();
                children.add(reader);
            } else {
                reader = RegionChild.start(children, List.of(), args.toArray(String[]::new));
            }
            BufferedReader out = new BufferedReader(new InputStreamReader(reader.getInputStream(),
                    StandardCharsets.UTF_8));
            StringBuilder all = new StringBuilder();
            for (String line; (line = out.readLine()) != null; ) {
                all.append(line).append('\n');
                if (line.equals("ready")) {
                    for (int i = 0; i < count; i++) {
                        CounterPattern.fill(writer, sink.nextSampleIndex());
                        writer.commit();
                        LockSupport.parkNanos(2_000_000);
                    }
                }
            }
            assertThat(reader.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String text = all.toString();
            System.out.printf("wake: a reader without write access (%s): %s",
                    root ? "read-only bind mount" : "mode 0444",
                    text.lines().filter(l -> l.startsWith("read ") || l.contains("sleeping reader")).toList());
            System.out.println();
            Matcher m = RESULT.matcher(text);
            assertThat(m.find()).as("reader output: %s", text).isTrue();
            assertThat(Long.parseLong(m.group(1)) + Long.parseLong(m.group(2))).as("read + lost: %s", text)
                    .isEqualTo(count);
            assertThat(Long.parseLong(m.group(3))).as("torn: %s", text).isZero();
            assertThat(Long.parseLong(m.group(8))).as("sleeps capped to polling: %s", text).isPositive();
            assertThat(text).contains("region \"guarded\": a sleeping reader registers in the region, which needs write"
                    + " access to " + options.directory().resolve("shmtel.guarded"))
                    .contains(root ? "Read-only file system" : "permission denied, mode 0444")
                    .contains("this reader polls instead")
                    .containsOnlyOnce("a sleeping reader registers");
            assertThat(sink.wakeCalls()).as("wake calls for a reader that never registered").isZero();
        }
    }

    @Test
    void aFormat10RegionIsPolledNotSleptOn(RegionOptions options) {
        Layout layout = layout();
        try (Publisher publisher = Publisher.create("old", layout, options)) {
            // What a shmtel 1.0 writer leaves: minor version 0 (its writers never wake anyone).
            publisher.region().buffer().putInt(RegionHeaderDescriptor.VERSION_OFFSET,
                    RegionHeaderDescriptor.FORMAT_MAJOR << 16);
            try (Subscriber s = Subscriber.open("old", "tick", options)) {
                s.seekToNewest();
                WaitSet set = new WaitSet().add(s);
                set.sleep(TimeUnit.SECONDS.toNanos(30));
                assertThat(set.fallbacks()).as("sleeps capped to a poll").isEqualTo(1);
                assertThat(set.lastOutcome()).isEqualTo(WaitSet.Outcome.TIMED_OUT);
                assertThat(Sleepers.mask(publisher.region().buffer(),
                        RingGeometry.of(layout.record("tick").orElseThrow())))
                        .isZero();
            }
        }
    }

    @Test
    void sleepingAllocatesNothing(RegionOptions options) throws Exception {
        Layout layout = layout();
        var mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Publisher publisher = Publisher.create("lean", layout, options);
                Subscriber s = Subscriber.open("lean", "tick", options)
                        .idleStrategy(new BlockingIdleStrategy(0, TimeUnit.SECONDS.toNanos(10)))) {
            RingWriter sink = publisher.sink("tick");
            DynamicWriter writer = new DynamicWriter(sink, layout.record("tick").orElseThrow());
            DynamicView view = new DynamicView(s.record());
            s.seekToNewest();
            int rounds = 4;
            int perRound = 1000;
            Thread pub = new Thread(() -> {
                for (int i = 0; i < rounds * perRound; i++) {
                    LockSupport.parkNanos(200_000);
                    CounterPattern.fill(writer, sink.nextSampleIndex());
                    writer.commit();
                }
            });
            pub.start();
            long least = Long.MAX_VALUE;
            long missed = 0;
            for (int round = 0; round < rounds; round++) {
                long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                for (int i = 0; i < perRound; i++) {
                    if (!s.awaitNext(view, TimeUnit.SECONDS.toNanos(10))) {
                        missed++;
                    }
                }
                least = Math.min(least, mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before);
            }
            pub.join();
            assertThat(missed).as("awaits that timed out").isZero();
            System.out.printf("wake: least of %d rounds of %d blocking awaits allocated %d bytes; writer wake calls "
                    + "%d%n",
                    rounds, perRound, least, sink.wakeCalls());
            assertThat(sink.wakeCalls()).as("the reader slept (the writer woke it)").isPositive();
            assertThat(least).as("bytes allocated by %d blocking awaits", perRound).isZero();
        }
    }

    @Test
    void membarrierRegistrationMatchesWhatTheKernelSays() {
        System.out.printf("wake: futex_waitv %s, membarrier global expedited %s%n", Futex.WAITV_AVAILABLE,
                Futex.GLOBAL_EXPEDITED_AVAILABLE);
        // Where the query says the command exists, registering for it works (else writers fall back to a fence).
        assertThat(Futex.registerForGlobalBarrier()).isEqualTo(Futex.GLOBAL_EXPEDITED_AVAILABLE);
        if (Futex.GLOBAL_EXPEDITED_AVAILABLE) {
            assertThat(Futex.globalBarrier()).as("a global barrier after registering").isTrue();
        }
    }
}
