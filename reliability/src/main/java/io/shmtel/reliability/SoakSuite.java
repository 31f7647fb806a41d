package io.shmtel.reliability;

import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.WriterState;
import io.shmtel.tools.ShmtelCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Soak: writer JVMs publishing at full rate, long-lived validating reader JVMs, random SIGKILLs and
 * restarts of the writers, `shmtel gc` every few seconds, for a given duration. Prints the totals:
 * kills, validated reads, torn (must be 0), detection p50/p99/max, regions left after a final gc
 * (must be 0) and the RSS drift of the long-lived readers.
 */
public final class SoakSuite {
    private SoakSuite() {}

    public static SuiteResult run(Path dir, Duration duration, int writers, int readers, Duration heartbeatPeriod,
            long seed) throws Exception {
        SuiteResult result = new SuiteResult("soak");
        result.figure("seed %d, duration %s, %d writer JVMs, %d reader JVMs, heartbeat %d ms", seed, duration, writers,
                readers, heartbeatPeriod.toMillis());
        RegionOptions options = Worker.options(dir).withHeartbeatPeriod(heartbeatPeriod);
        Random rnd = new Random(seed);
        long seconds = Math.max(1, duration.toSeconds());
        long periodMs = options.heartbeatPeriod().toMillis();
        long boundNs = 2 * TimeUnit.MILLISECONDS.toNanos(periodMs);
        List<String> heartbeat = List.of("-D" + Worker.HEARTBEAT_PROPERTY + "=" + periodMs);
        Histogram detection = new Histogram(3);
        List<Child> writerProcs = new ArrayList<>();
        List<Child> readerProcs = new ArrayList<>();
        List<Subscriber> watchers = new ArrayList<>();
        long kills = 0;
        long gcRemoved = 0;
        long detectFailures = 0;
        try {
            for (int w = 0; w < writers; w++) {
                Child c = Child.start(heartbeat, "publish", dir.toString(), "soak-" + w, Long.toString(seconds + 600));
                c.await("ready");
                writerProcs.add(c);
                watchers.add(Subscriber.open("soak-" + w, TortureSample.RECORD, options));
            }
            for (int r = 0; r < readers; r++) {
                readerProcs.add(Child.start(heartbeat, "read", dir.toString(), "soak-" + (r % writers),
                        r % 2 == 0 ? "latest" : "stream",
                        Long.toString(Long.MAX_VALUE), Long.toString(seconds)));
            }
            long end = System.nanoTime() + duration.toNanos();
            long nextGc = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < end) {
                Thread.sleep(200 + rnd.nextInt(1800));
                int w = rnd.nextInt(writers);
                Subscriber watcher = watchers.get(w);
                watcher.state();
                long killed = System.nanoTime();
                writerProcs.get(w).kill();
                long took = WriterWatch.awaitState(watcher, WriterState.WRITER_DEAD, TimeUnit.SECONDS.toNanos(2));
                long sinceKill = System.nanoTime() - killed;
                if (took < 0 || sinceKill > boundNs) {
                    detectFailures++;
                }
                if (took >= 0) {
                    detection.recordValue(sinceKill);
                }
                writerProcs.get(w).waitExit(10);
                kills++;
                if (System.nanoTime() > nextGc) {
                    gcRemoved += gc(dir);
                    nextGc = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                }
                Child c = Child.start(heartbeat, "publish", dir.toString(), "soak-" + w, Long.toString(seconds + 600));
                c.await("ready");
                writerProcs.set(w, c);
            }
            long reads = 0;
            long torn = 0;
            List<String> drift = new ArrayList<>();
            List<String> heapDrift = new ArrayList<>();
            for (Child r : readerProcs) {
                TornSuite.Reads out = TornSuite.Reads.parse(r.await("reads"));
                reads += out.reads();
                torn += out.bad();
                drift.add(String.format("%+d kB (%d -> %d)", out.rssEndKb() - out.rssStartKb(), out.rssStartKb(),
                        out.rssEndKb()));
                heapDrift.add(String.format("%+d kB (%d -> %d)", out.heapEndKb() - out.heapStartKb(), out.heapStartKb(),
                        out.heapEndKb()));
            }
            for (Child c : writerProcs) {
                c.kill();
                c.waitExit(10);
            }
            watchers.forEach(Subscriber::close);
            watchers.clear();
            Thread.sleep(6 * options.heartbeatPeriod().toMillis()); // gc keeps regions whose heartbeat is fresh
            gcRemoved += gc(dir);
            List<String> left;
            try (Stream<Path> files = Files.list(dir)) {
                left = files.map(p -> p.getFileName().toString()).sorted().toList();
            }
            result.figure("kills %d, validated reads %,d, torn %d", kills, reads, torn);
            result.figure("WRITER_DEAD after SIGKILL: %s (over 2 heartbeat periods, %d ms: %d)",
                    WriterWatch.percentiles(detection), 2 * periodMs, detectFailures);
            result.figure("gc removed %d dead regions; left after the final gc: %d %s", gcRemoved, left.size(), left);
            result.figure("reader RSS drift (after 1 s -> end): %s", drift);
            result.figure("reader heap after a full GC (after 1 s -> end): %s", heapDrift);
            result.check(torn == 0, "%d torn snapshots", torn);
            result.check(reads > 0, "no validated read");
            result.check(detectFailures == 0, "%d deaths detected later than %d ms (or never)", detectFailures,
                    2 * periodMs);
            result.check(left.isEmpty(), "regions leaked after gc: %s", left);
        } finally {
            watchers.forEach(Subscriber::close);
            writerProcs.forEach(Child::close);
            readerProcs.forEach(Child::close);
        }
        return result;
    }

    /** Runs `shmtel gc` on the directory; returns how many regions it removed. */
    static long gc(Path dir) {
        StringWriter out = new StringWriter();
        ShmtelCli.execute(new String[] {"gc", "--dir", dir.toString()}, new PrintWriter(out),
                new PrintWriter(new StringWriter()));
        Matcher m = RaceSuite.GC.matcher(out.toString());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

}
