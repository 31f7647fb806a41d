package io.shmtel.bench.harness;

import static io.shmtel.bench.harness.Child.MAX_WAIT_SECONDS;
import static io.shmtel.bench.harness.Child.MEASURED;
import static io.shmtel.bench.harness.Child.awaitGo;
import static io.shmtel.bench.harness.Child.layout;
import static io.shmtel.bench.harness.Child.metric;
import static io.shmtel.bench.harness.Child.ready;

import com.sun.management.OperatingSystemMXBean;
import io.shmtel.bench.gen.bench.Deep1View;
import io.shmtel.bench.gen.bench.Deep1Writer;
import io.shmtel.bench.gen.bench.Line1View;
import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

/**
 * The sides that measure rates and CPU rather than latency, run by {@link Child}: the stream
 * throughput publisher and subscriber, and a subscriber idling on a silent record.
 */
final class ThroughputChild {
    private ThroughputChild() {}

    // ---- stream throughput ----

    static void throughputPublisher(RegionOptions options, double seconds, double rate, double warmupSeconds)
            throws IOException {
        try (Publisher publisher = Publisher.create("tput", layout(), options)) {
            Deep1Writer writer = new Deep1Writer(publisher.sink("deep1"));
            ready();
            awaitGo();
            long start = System.nanoTime();
            long measureFrom = start + (long) (warmupSeconds * 1e9);
            long deadline = measureFrom + (long) (seconds * 1e9);
            double periodNs = rate > 0 ? 1e9 / rate : 0;
            long published = 0;
            long measuredFromIndex = -1;
            long scheduleStart = start;
            long scheduleBase = 0;
            double flag = 0;
            long now;
            do {
                now = System.nanoTime();
                if (measuredFromIndex < 0 && now - measureFrom >= 0) {
                    // The measured window gets its own schedule: no catching up on the warm-up's debt.
                    measuredFromIndex = published;
                    measureFrom = now;
                    scheduleStart = now;
                    scheduleBase = published;
                    flag = MEASURED;
                }
                // Paced: sample i is due at i * period into the schedule; a late publisher catches up
                // in batches of at most 64 between clock reads. Unpaced: batches of 1024.
                long due = rate > 0
                        ? Math.min(published + 64, scheduleBase + (long) ((now - scheduleStart) / periodNs) + 1)
                        : published + 1024;
                while (published < due) {
                    writer.x(0, published++).x(1, flag).commit(now);
                }
            } while (now - deadline < 0);
            writer.x(0, -1).commit();
            metric("published", published);
            metric("measured-published", published - measuredFromIndex);
            metric("seconds", (now - measureFrom) / 1e9);
        }
    }

    /**
     * Stream-polls every sample of "tput"/deep1 until the end marker; with {@code quietNs} > 0 also ends (normally)
     * when nothing has arrived for that long after the first sample (a mirror whose end marker the link lost).
     */
    static void throughputSubscriber(RegionOptions options, long quietNs) {
        Deep1View view = new Deep1View();
        try (Subscriber subscriber = Subscriber.open("tput", "deep1", options)) {
            if (subscriber.region() == null) {
                throw new IllegalStateException("region tput is not there: start the publisher first");
            }
            subscriber.idleStrategy(BenchIdle.create(BenchIdle.BUSY_SPIN));
            subscriber.seekToNewest();
            ready();
            long received = 0;
            long measured = 0;
            long outOfOrder = 0;
            double last = -1;
            long firstNs = 0;
            long lastNs = 0;
            boolean quiet = false;
            while (true) {
                long timeout = quietNs > 0 && received > 0 ? quietNs : TimeUnit.SECONDS.toNanos(MAX_WAIT_SECONDS);
                if (!subscriber.awaitNext(view, timeout)) {
                    if (timeout == quietNs) {
                        quiet = true;
                        break;
                    }
                    throw new IllegalStateException("no sample for " + MAX_WAIT_SECONDS + " s");
                }
                double x = view.x(0);
                if (x < 0) {
                    break;
                }
                lastNs = System.nanoTime();
                if (received == 0) {
                    firstNs = lastNs;
                }
                if (x <= last) {
                    outOfOrder++;
                }
                last = x;
                received++;
                if (view.x(1) == MEASURED) {
                    measured++;
                }
            }
            metric("received", received);
            metric("measured-received", measured);
            metric("lost", subscriber.lostSamples());
            metric("out-of-order", outOfOrder);
            // When the first and the last sample arrived (CLOCK_MONOTONIC, comparable between processes).
            metric("first-ns", firstNs);
            metric("last-ns", lastNs);
            metric("ended-quiet", quiet ? 1 : 0);
        }
    }

    // ---- idle cost of the default backoff ----

    static void idleSubscriber(RegionOptions options, double seconds, String idle) {
        Line1View view = new Line1View();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Subscriber subscriber = Subscriber.open("silent", "line1", options)) {
            subscriber.idleStrategy(BenchIdle.create(idle));
            if (subscriber.region() == null) {
                throw new IllegalStateException("region silent is not there");
            }
            subscriber.seekToNewest();
            // Settle: let start-up work (JIT, class loading) finish before measuring.
            subscriber.awaitNext(view, TimeUnit.MILLISECONDS.toNanos(500));
            ready();
            long wall0 = System.nanoTime();
            long thread0 = threads.getCurrentThreadCpuTime();
            long process0 = os.getProcessCpuTime();
            boolean got = subscriber.awaitNext(view, (long) (seconds * 1e9));
            long wall = System.nanoTime() - wall0;
            long thread = threads.getCurrentThreadCpuTime() - thread0;
            long process = os.getProcessCpuTime() - process0;
            if (got) {
                throw new IllegalStateException("the silent record got a sample");
            }
            metric("wall-ns", wall);
            metric("thread-cpu-ns", thread);
            metric("process-cpu-ns", process);
        }
    }
}
