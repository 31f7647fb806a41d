package io.shmtel.reliability;

import io.shmtel.core.Subscriber;
import io.shmtel.core.fault.CrashPoint;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.view.DynamicView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Kill the writer at every step: a writer JVM that kills itself (SIGKILL) at each staged step of
 * the publish protocol, of region creation and of takeover; a mailbox recoverer stalled between
 * finding a consumer dead and its first store; then random SIGKILLs of a full-rate writer. Checks
 * after each: no torn snapshot, WRITER_DEAD within two heartbeat periods, the last
 * complete sample readable, and a restarted writer followed with a new epoch within 1 s. After each
 * publish step the restart is a takeover mid-publish with other contents: no index may be delivered
 * with two contents, and a waiting stream reader must not stall on the dead writer's index.
 */
public final class CrashSuite {
    /**
     * The writers' heartbeat period here: the deployment default. Detection does not depend on it
     * (a dead writer's lock is gone as soon as the kernel has torn the process down, 10-40 ms for a
     * SIGKILLed JVM on a busy 2-core machine), but the criterion is two periods.
     */
    static final long HEARTBEAT_MS = 100;
    /** Detection bound: two heartbeat periods. */
    static final long DETECT_BOUND_NS = 2 * TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_MS);
    static final long FOLLOW_BOUND_NS = TimeUnit.SECONDS.toNanos(1);

    private final Path dir;
    private final RegionOptions options;
    private final SuiteResult result = new SuiteResult("crash");
    private final Histogram detection = new Histogram(3);
    private final Histogram follow = new Histogram(3);
    private final Histogram startToFollow = new Histogram(3);
    private final Random random;
    /** Takeover mid-publish: cases run, samples whose contents were noted, indexes delivered with two contents. */
    private int takeovers;
    private long validated;
    private long twoContents;

    private CrashSuite(Path dir, long seed) {
        this.dir = dir;
        this.options = Worker.options(dir).withHeartbeatPeriod(Duration.ofMillis(HEARTBEAT_MS));
        this.random = new Random(seed);
        result.figure("seed %d", seed);
    }

    public static SuiteResult run(Path dir, int randomKills, long seed) throws Exception {
        CrashSuite suite = new CrashSuite(dir, seed);
        suite.warmUp();
        for (String point : CrashPoint.PUBLISH_POINTS) {
            suite.publishPoint(point);
        }
        suite.result.figure("takeover mid-publish (SIGKILL at each publish step, a new writer with other contents): %d"
                + " cases, %d deliveries checked, indexes with two contents: %d", suite.takeovers, suite.validated,
                suite.twoContents);
        for (String point : CrashPoint.CREATE_POINTS) {
            suite.createPoint(point);
        }
        for (String point : CrashPoint.TAKEOVER_POINTS) {
            suite.takeoverPoint(point);
        }
        StalledRecovererCase.run(suite.dir, suite.options, suite.result);
        suite.randomKills(randomKills);
        return suite.result;
    }

    /** Only the stalled mailbox recoverer case (a few seconds), for a quick check of rule R4 across processes. */
    public static SuiteResult runStalledRecoverer(Path dir) throws Exception {
        CrashSuite suite = new CrashSuite(dir, 0);
        StalledRecovererCase.run(suite.dir, suite.options, suite.result);
        return suite.result;
    }

    /**
     * Crash in the middle of publishing sample N-1 (N random), then restart; the restart is the
     * takeover mid-publish case: the new writer writes other contents (variant 1), publishes one
     * sample and holds the region. Checks that it resumes past the dead writer's index (format.md,
     * takeover rule R1), that no index is ever delivered with two contents, and that a stream reader
     * waiting at an index the dead writer left unfinished gets the new writer's sample at once,
     * counting that index lost (rule R2), without waiting for a lap that a held writer never makes.
     */
    private void publishPoint(String point) throws Exception {
        String name = "crash-" + point;
        int n = 2 + random.nextInt(5000);
        Map<Long, Integer> contents = new HashMap<>();
        try (Subscriber s = Subscriber.open(name, TortureSample.RECORD, options)) {
            crashAt(point + "@" + n, name);
            detectDead(s, point);
            long k = n - 1; // the sample being published when the writer died
            long newest = point.equals(CrashPoint.PUBLISH_COUNTED) ? k : k - 1;
            // Complete in its slot, counted or not: a stream reader may deliver it (nobody ever writes it again).
            boolean complete = point.equals(CrashPoint.PUBLISH_COUNTED) || point.equals(CrashPoint.PUBLISH_COMPLETE);
            DynamicView view = new DynamicView(s.record());
            if (result.check(s.latest(view), "%s: no sample readable after the crash", point)) {
                result.check(view.sampleIndex() == newest && TortureSample.check(view.buffer(), view.offset()),
                        "%s@%d: latest is sample %d (valid %b), expected %d intact", point, n, view.sampleIndex(),
                        TortureSample.check(view.buffer(), view.offset()), newest);
            }
            checkStream(name, point, contents);
            // s was opened before the region existed: its stream starts at the oldest sample the ring holds.
            long delivered = -1;
            while (s.poll(view)) {
                delivered = view.sampleIndex();
                record(contents, point, "the waiting stream reader", view);
            }
            result.check(delivered == (complete ? k : k - 1),
                    "%s@%d: the stream reader's last sample is %d, expected %d",
                    point, n, delivered, complete ? k : k - 1);
            restart(s, name, point, newest, List.of("-D" + Worker.VARIANT_PROPERTY + "=1",
                    "-D" + Worker.SAMPLES_PROPERTY + "=1"),
                    () -> takeoverMidPublish(s, name, point, n, complete, contents));
            // (restart's follow check reads latest, which leaves the stream cursor where the drain left it)
        } finally {
            Region.unlink(name, options);
        }
    }

    /** While the new writer (variant 1, one sample) holds the region the dead writer left at {@code point@n}. */
    private void takeoverMidPublish(Subscriber waiting, String name, String point, int n, boolean complete,
            Map<Long, Integer> contents) {
        takeovers++;
        DynamicView view = new DynamicView(waiting.record());
        long lostBefore = waiting.lostSamples();
        long waitingAt = complete ? n : n - 1; // the stream reader drained the ring up to here before the takeover
        if (result.check(waiting.poll(view),
                "takeover mid-publish at %s@%d: the stream reader waiting at index %d did not"
                + " get the new writer's sample at once", point, n, waitingAt)) {
            int variant = TortureSample.variant(view.buffer(), view.offset());
            result.check(view.sampleIndex() == n && variant == 1,
                    "takeover mid-publish at %s@%d: the new writer's first"
                    + " sample is index %d of writer %d, expected index %d of writer 1 (past the dead writer's %d)",
                            point, n,
                    view.sampleIndex(), variant, n, n - 1);
            record(contents, point, "the waiting stream reader", view);
            long lost = waiting.lostSamples() - lostBefore;
            result.check(lost == (complete ? 0 : 1),
                    "takeover mid-publish at %s@%d: %d samples counted lost, expected %d",
                    point, n, lost, complete ? 0 : 1);
        }
        checkStream(name, point, contents); // a new reader replays the ring: both writers' samples
    }

    /**
     * Notes whose contents index {@code view.sampleIndex()} had; fails when a reader got it with other contents before.
     */
    private void record(Map<Long, Integer> contents, String point, String reader, DynamicView view) {
        int variant = TortureSample.variant(view.buffer(), view.offset());
        Integer before = contents.putIfAbsent(view.sampleIndex(), variant);
        validated++;
        if (!result.check(before == null || before == variant, "takeover mid-publish at %s: index %d delivered with two"
                + " contents: writer %d's, then writer %d's (to %s)", point, view.sampleIndex(), before, variant,
                        reader)) {
            twoContents++;
        }
    }

    /** Crash while creating the region: nothing half-made may be visible; the next writer starts cleanly. */
    private void createPoint(String point) throws Exception {
        String name = "crash-" + point;
        try (Subscriber s = Subscriber.open(name, TortureSample.RECORD, options)) {
            crashAt(point, name);
            boolean linked = point.equals(CrashPoint.CREATE_LINKED);
            Path file = options.regionDirectory().file(name);
            if (linked) {
                detectDead(s, point);
                DynamicView view = new DynamicView(s.record());
                result.check(!s.latest(view), "%s: a sample was readable from a region nobody published into", point);
            } else {
                result.check(!Files.exists(file), "%s: %s is visible before it was complete", point, file);
                result.check(leftovers().isEmpty(), "%s: files left behind: %s", point, leftovers());
                result.check(s.state() == WriterState.WAITING, "%s: subscriber is %s, expected WAITING", point,
                        s.state());
            }
            restart(s, name, point, -1);
        } finally {
            Region.unlink(name, options);
        }
    }

    /** A dead writer's region, then a second writer that dies while taking it over, then a third. */
    private void takeoverPoint(String point) throws Exception {
        String name = "crash-" + point;
        try (Subscriber s = Subscriber.open(name, TortureSample.RECORD, options)) {
            try (Child first = writer(List.of(), name)) {
                first.await("ready");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                first.kill();
                first.waitExit(10);
            }
            detectDead(s, "first writer before " + point);
            DynamicView view = new DynamicView(s.record());
            result.check(s.latest(view), "%s: no sample of the first writer", point);
            long last = view.sampleIndex();
            crashAt(point, name);
            detectDead(s, point);
            result.check(s.latest(view) && view.sampleIndex() == last
                    && TortureSample.check(view.buffer(), view.offset()),
                    "%s: the first writer's last sample %d is not intact after the failed takeover", point, last);
            restart(s, name, point, last);
        } finally {
            Region.unlink(name, options);
        }
    }

    /** Writer JVMs run C1 only: they start sooner, and start-up dominates this suite's time. */
    private Child writer(List<String> properties, String name) {
        List<String> flags = new ArrayList<>(properties);
        flags.add("-XX:TieredStopAtLevel=1");
        flags.add("-D" + Worker.HEARTBEAT_PROPERTY + "=" + HEARTBEAT_MS);
        return Child.start(flags, "publish", dir.toString(), name, "60");
    }

    /** One writer and subscriber before measuring, so that class loading is not counted as detection time. */
    private void warmUp() {
        try (Subscriber s = Subscriber.open("warm-up", TortureSample.RECORD, options);
                Child w = writer(List.of(), "warm-up")) {
            w.await("ready");
            WriterWatch.awaitEpoch(s, 0, TimeUnit.SECONDS.toNanos(10));
            w.kill();
            w.waitExit(10);
            WriterWatch.awaitState(s, WriterState.WRITER_DEAD, TimeUnit.SECONDS.toNanos(2));
        } finally {
            Region.unlink("warm-up", options);
        }
    }

    private void crashAt(String spec, String name) {
        try (Child crasher = writer(List.of("-D" + CrashPoint.PROPERTY + "=" + spec), name)) {
            int exit = crasher.waitExit(60);
            result.check(exit == 137, "%s: writer exit %d, expected 137 (SIGKILL at the crash point): %s", spec, exit,
                    crasher.rest());
        }
    }

    private void detectDead(Subscriber s, String what) {
        long start = System.nanoTime();
        long took = WriterWatch.awaitState(s, WriterState.WRITER_DEAD, TimeUnit.SECONDS.toNanos(2));
        result.check(took >= 0 && took <= DETECT_BOUND_NS, "%s: WRITER_DEAD after %s (bound %d ms after the exit)",
                what,
                took < 0 ? "never (" + s.state() + ")" : (took / 1000) + " us", DETECT_BOUND_NS / 1_000_000);
        if (took >= 0) {
            detection.recordValue(Math.max(1, System.nanoTime() - start));
        }
    }

    /**
     * A fresh stream subscriber reads every sample left in the ring: each must be intact (and noted in {@code
     * contents}).
     */
    private void checkStream(String name, String point, Map<Long, Integer> contents) {
        try (Subscriber s = Subscriber.open(name, TortureSample.RECORD, options)) {
            DynamicView view = new DynamicView(s.record());
            s.seekToOldest(); // every sample left in the ring, not only the newest
            int n = 0;
            while (s.poll(view)) {
                n++;
                if (result.check(TortureSample.check(view.buffer(), view.offset()), "%s: stream sample %d torn", point,
                        view.sampleIndex()) && contents != null) {
                    record(contents, point, "a new stream reader", view);
                }
            }
            result.check(n > 0, "%s: the stream gave no sample", point);
        }
    }

    /** Starts a normal writer; the same subscriber must see it LIVE, with a new epoch and new samples, within 1 s. */
    private void restart(Subscriber s, String name, String point, long lastBefore) {
        restart(s, name, point, lastBefore, List.of(), () -> { });
    }

    /** {@link #restart}, the writer started with {@code properties}; {@code whileLive} runs once it is followed. */
    private void restart(Subscriber s, String name, String point, long lastBefore, List<String> properties,
            Runnable whileLive) {
        long epochBefore = s.epoch();
        long start = System.nanoTime();
        try (Child next = writer(properties, name)) {
            next.await("ready");
            long ready = System.nanoTime();
            DynamicView view = null;
            boolean followed = false;
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
                if (s.state() == WriterState.LIVE && s.epoch() > epochBefore) {
                    if (view == null) {
                        view = new DynamicView(s.record());
                    }
                    if (s.latest(view) && view.sampleIndex() > lastBefore) {
                        followed = true;
                        break;
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            long now = System.nanoTime();
            long took = now - ready;
            if (result.check(followed, "%s: the subscriber did not follow the restarted writer (state %s, epoch %d)",
                    point, s.state(), s.epoch())) {
                follow.recordValue(took);
                startToFollow.recordValue(now - start);
                result.check(took <= FOLLOW_BOUND_NS, "%s: restart followed %d ms after the new writer was ready"
                        + " (bound 1000 ms)", point, took / 1_000_000);
                result.check(TortureSample.check(view.buffer(), view.offset()), "%s: restarted sample torn", point);
                whileLive.run();
            }
            next.kill();
            next.waitExit(10);
        }
    }

    /** Random SIGKILLs of a full-rate writer while two subscribers in this JVM validate every snapshot. */
    private void randomKills(int kills) throws Exception {
        String name = "crash-random";
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        AtomicLong torn = new AtomicLong();
        Thread reader = new Thread(new TornReader(name, options, running, reads, torn), "crash-reader");
        reader.start();
        Histogram randomDetection = new Histogram(3);
        try (Subscriber watcher = Subscriber.open(name, TortureSample.RECORD, options)) {
            for (int i = 0; i < kills; i++) {
                long epochBefore = watcher.epoch();
                long start = System.nanoTime();
                Child writer = writer(List.of(), name);
                try {
                    writer.await("ready");
                    long ready = System.nanoTime();
                    long followed = WriterWatch.awaitEpoch(watcher, epochBefore, TimeUnit.SECONDS.toNanos(10));
                    if (result.check(followed >= 0 && followed <= FOLLOW_BOUND_NS,
                            "kill %d: the watcher followed writer %d after %d ms (epoch %d)", i, writer.pid(),
                            followed / 1_000_000, watcher.epoch())) {
                        follow.recordValue(System.nanoTime() - ready);
                        startToFollow.recordValue(System.nanoTime() - start);
                    }
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(50_000)));
                    long killed = System.nanoTime();
                    writer.kill();
                    long took = WriterWatch.awaitState(watcher, WriterState.WRITER_DEAD, TimeUnit.SECONDS.toNanos(2));
                    if (result.check(took >= 0 && took <= DETECT_BOUND_NS,
                            "kill %d: WRITER_DEAD after %s (bound %d ms)", i, took < 0 ? "never" : took / 1000 + " us",
                            DETECT_BOUND_NS / 1_000_000)) {
                        randomDetection.recordValue(System.nanoTime() - killed);
                    }
                    writer.waitExit(10);
                } finally {
                    writer.close();
                }
            }
        } finally {
            running.set(false);
            reader.join();
            Region.unlink(name, options);
        }
        result.check(torn.get() == 0, "%d torn snapshots across the random kills", torn.get());
        result.check(reads.get() > 0, "no snapshot was read during the random kills");
        result.figure("random SIGKILLs: %d, snapshots validated meanwhile: %d, torn: %d", kills, reads.get(),
                torn.get());
        result.figure("WRITER_DEAD after SIGKILL (kill to state, polled every 100 us): %s",
                WriterWatch.percentiles(randomDetection));
        result.figure("WRITER_DEAD after the staged crashes (exit seen to state): %s",
                WriterWatch.percentiles(detection));
        result.figure("restarted writer ready to subscriber following it (LIVE, new epoch): %s",
                WriterWatch.percentiles(follow));
        result.figure("restart including the new JVM's start: %s", WriterWatch.percentiles(startToFollow));
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> !f.startsWith("shmtel.")).sorted().toList();
        }
    }
}
