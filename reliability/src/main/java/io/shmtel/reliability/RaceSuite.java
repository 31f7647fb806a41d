package io.shmtel.reliability;

import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.DynamicView;
import io.shmtel.tools.ShmtelCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Races: two writer JVMs creating the same region again and again (exactly one wins each round,
 * the other gets RegionOwnedException); `shmtel gc --closed` running while a JVM creates, takes
 * over and closes regions (it must never remove a region a writer holds); subscribers opened and
 * closed many times while others read (use after close is an IllegalStateException).
 */
public final class RaceSuite {
    private RaceSuite() {}

    public static SuiteResult run(Path dir, int rounds, int churnCycles, int openCloses) throws Exception {
        SuiteResult result = new SuiteResult("races");
        RegionOptions options = Worker.options(dir);
        createRace(dir, rounds, result);
        gcDuringChurn(dir, churnCycles, result);
        openClose(options, openCloses, result);
        return result;
    }

    static void createRace(Path dir, int rounds, SuiteResult result) {
        int[] wins = new int[2];
        long start = System.nanoTime();
        try (Child a = Child.start("race", dir.toString()); Child b = Child.start("race", dir.toString())) {
            Child[] both = {a, b};
            for (int i = 0; i < rounds; i++) {
                a.send("create race");
                b.send("create race");
                String ra = a.line();
                String rb = b.line();
                boolean aWon = ra.equals("won");
                boolean bWon = rb.equals("won");
                if (!result.check(aWon ^ bWon, "round %d: %s / %s (exactly one must win)", i, ra, rb)) {
                    break;
                }
                String loser = aWon ? rb : ra;
                if (!result.check(loser.startsWith("lost RegionOwnedException: region \"race\" is owned by a live "
                        + "writer"),
                        "round %d: the loser said: %s", i, loser)) {
                    break;
                }
                wins[aWon ? 0 : 1]++;
                for (Child c : both) {
                    c.send("release");
                }
                for (Child c : both) {
                    c.await("released");
                }
            }
        }
        result.figure("two writer JVMs racing to create one region: %d rounds in %.1f s, wins %d / %d, every loser got"
                + " RegionOwnedException", wins[0] + wins[1], (System.nanoTime() - start) / 1e9, wins[0], wins[1]);
    }

    static final Pattern GC = Pattern.compile("removed (\\d+), kept (\\d+)");

    static void gcDuringChurn(Path dir, int cycles, SuiteResult result) {
        long gcRuns = 0;
        long removed = 0;
        try (Child churn = Child.start("churn", dir.toString(), Integer.toString(cycles))) {
            AtomicBoolean done = new AtomicBoolean();
            Thread waiter = new Thread(() -> {
                churn.waitExit(600);
                done.set(true);
            });
            waiter.start();
            while (!done.get()) {
                StringWriter out = new StringWriter();
                int rc = ShmtelCli.execute(new String[] {"gc", "--closed", "--dir", dir.toString()},
                        new PrintWriter(out),
                        new PrintWriter(new StringWriter()));
                gcRuns++;
                Matcher m = GC.matcher(out.toString());
                if (rc == 0 && m.find()) {
                    removed += Long.parseLong(m.group(1));
                }
            }
            String line = churn.await("cycles");
            result.check(line.endsWith("stolen 0"), "gc removed regions while their writer held them: %s", line);
            result.figure("gc --closed run %d times during %d create/takeover/close cycles: removed %d closed regions,"
                    + " live regions removed: %s", gcRuns, cycles, removed,
                            line.substring(line.indexOf("stolen ") + 7));
        }
    }

    static void openClose(RegionOptions options, int n, SuiteResult result) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong published = new AtomicLong();
        AtomicLong otherReads = new AtomicLong();
        AtomicLong torn = new AtomicLong();
        try (Publisher p = Publisher.create("openclose", TortureSample.LAYOUT, options)) {
            RingWriter sink = p.sink(TortureSample.RECORD);
            Thread writer = new Thread(() -> {
                ByteBuffer payload = ByteBuffer.allocateDirect(TortureSample.PAYLOAD_LENGTH)
                        .order(ByteOrder.LITTLE_ENDIAN);
                while (running.get()) {
                    TortureSample.fill(payload, sink.nextSampleIndex());
                    sink.publish(payload, TortureSample.PAYLOAD_LENGTH, System.nanoTime());
                    published.incrementAndGet();
                }
            });
            Thread reader = new Thread(() -> {
                try (Subscriber s = Subscriber.open("openclose", TortureSample.RECORD, options)) {
                    DynamicView v = new DynamicView(s.record());
                    while (running.get()) {
                        if (s.latest(v)) {
                            otherReads.incrementAndGet();
                            if (!TortureSample.check(v.buffer(), v.offset())) {
                                torn.incrementAndGet();
                            }
                        }
                    }
                }
            });
            writer.start();
            reader.start();
            long start = System.nanoTime();
            long errors = 0;
            long unread = 0;
            long contended = 0;
            Subscriber last = null;
            DynamicView lastView = null;
            for (int i = 0; i < n; i++) {
                Subscriber s = Subscriber.open("openclose", TortureSample.RECORD, options);
                DynamicView v = new DynamicView(s.record());
                // latest() returns false when a writer publishing flat out overwrote the newest slot during
                // each of its attempts (documented: contended, not torn); a fresh subscriber then tries
                // again, as a reader would. Only a sample that reads as torn is an error.
                boolean got = false;
                for (int attempt = 0; attempt < 10 && !got; attempt++) {
                    got = s.latest(v);
                    if (!got) {
                        contended++;
                        Thread.yield(); // let the flat-out writer's core go, as a reader's idle strategy would
                    }
                }
                if (!got) {
                    unread++;
                } else if (!TortureSample.check(v.buffer(), v.offset())) {
                    errors++;
                }
                s.close();
                last = s;
                lastView = v;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            running.set(false);
            writer.join();
            reader.join();
            result.check(errors == 0, "%d of %d fresh subscribers read a torn sample", errors, n);
            // Liveness against a writer publishing flat out into a shallow ring is best effort (documented on
            // Subscriber.latest): a few fresh subscribers may find every copy overwritten; most must not.
            result.check(unread * 100 <= n, "%d of %d fresh subscribers read no sample in 10 tries (more than 1 %%)",
                    unread, n);
            result.figure("%d of %d fresh subscribers read no sample in 10 tries (contended every time)", unread, n);
            result.figure("%d latest() calls of fresh subscribers found the newest slot overwritten during every "
                    + "attempt"
                    + " (contended, retried)", contended);
            result.check(torn.get() == 0, "the concurrent reader saw %d torn snapshots", torn.get());
            String afterClose = useAfterClose(last, lastView);
            result.check(afterClose.startsWith("IllegalStateException"), "a closed subscriber's latest() gave: %s",
                    afterClose);
            p.close();
            String publishAfterClose;
            try {
                sink.publish(ByteBuffer.allocateDirect(TortureSample.PAYLOAD_LENGTH), 0, 0);
                publishAfterClose = "no error";
            } catch (IllegalStateException e) {
                publishAfterClose = "IllegalStateException: " + e.getMessage();
            }
            result.check(publishAfterClose.startsWith("IllegalStateException"), "a closed publisher's sink gave: %s",
                    publishAfterClose);
            result.figure("%d subscriber open/read/close cycles in %.1f s beside a full-rate writer (%,d samples) and a"
                    + " reader (%,d reads, %d torn); after close: %s", n, seconds, published.get(), otherReads.get(),
                    torn.get(), afterClose);
        } finally {
            Region.unlink("openclose", options);
        }
    }

    private static String useAfterClose(Subscriber s, DynamicView v) {
        try {
            s.latest(v);
            return "no error";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
