package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.RegionTruncatedException;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.testing.Examples;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A region file truncated (ftruncate) under its mapped readers and writer: the JVM turns the SIGBUS
 * of an access past the file's new end into an {@link InternalError}, in compiled code raised
 * asynchronously. The subscriber must report the region CORRUPT with a clear message, keep running,
 * and follow the region a new writer puts under the name; the publisher must throw
 * {@link RegionTruncatedException} from publish, and no thread of the process may die of the fault.
 */
@ExtendWith(ShmDirectory.class)
class TruncationTest {
    static final String ARM = Examples.example("arm.json").toAbsolutePath().toString();
    private final List<Process> children = new ArrayList<>();
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    private Thread.UncaughtExceptionHandler previousHandler;

    @BeforeEach
    void watchThreads() {
        previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        Thread.setDefaultUncaughtExceptionHandler(previousHandler);
        RegionChild.killAll(children);
    }

    static void truncate(Path file, long length) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(length); // ftruncate(2)
        }
    }

    /**
     * One poll, checking the sample's counter pattern when {@code check} (not promised while the file is being cut).
     */
    static boolean poll(Subscriber s, DynamicView[] view, boolean check) {
        if (s.record() == null) {
            s.state();
            return false;
        }
        if (view[0] == null || view[0].record() != s.record()) {
            view[0] = new DynamicView(s.record());
        }
        boolean got = s.poll(view[0]);
        if (got && check) {
            assertThat(CounterPattern.check(view[0])).as("sample %d", view[0].sampleIndex()).isTrue();
        }
        return got;
    }

    // arm.json's region is 8192 bytes: a header page and a ring page; 4096 keeps the header only.
    @ParameterizedTest(name = "truncated to {0} bytes")
    @ValueSource(longs = {0, 4096})
    void aSubscriberReportsATruncatedRegionCorruptKeepsRunningAndFollowsItsReplacement(long length,
            RegionOptions options)
            throws Exception {
        Path dir = options.regionDirectory().path();
        Process writer = startWriter(dir, "cut");
        Path file = options.regionDirectory().file("cut");
        DynamicView[] view = new DynamicView[1];
        try (Subscriber s = Subscriber.open("cut", "joint_state", options)) {
            long[] read = new long[1];
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            // Reading loops run inside Region.surviving, as the Subscriber's class comment says: a fault the
            // JVM raises late (at the loop's back edge) is caught around the whole loop, which then runs on.
            Region.surviving(() -> {
                while (System.nanoTime() - end < 0) { // long enough for the reading paths to be compiled
                    if (poll(s, view, true)) {
                        read[0]++;
                    }
                    if ((read[0] & 1023) == 0) {
                        s.state();
                    }
                }
                return null;
            });
            assertThat(read[0]).as("samples read before the truncation").isPositive();
            assertThat(s.state()).isEqualTo(WriterState.LIVE);

            truncate(file, length);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            WriterState state = Region.surviving(() -> {
                WriterState now = null;
                while (now != WriterState.CORRUPT && System.nanoTime() - deadline < 0) {
                    poll(s, view, false);
                    now = s.state();
                }
                return now;
            });
            assertThat(state).as("state after the truncation").isEqualTo(WriterState.CORRUPT);
            assertThat(s.corruption()).contains("region \"cut\"", file.toString(), "truncated to " + length + " bytes",
                    "corrupt", "new region of that name");
            assertThat(s.record()).as("the truncated mapping is dropped").isNull();
            for (int i = 0; i < 10_000; i++) { // and stays dropped: nothing read, nothing thrown
                assertThat(poll(s, view, true)).isFalse();
            }
            assertThat(s.state()).isEqualTo(WriterState.CORRUPT);

            // The old writer (its publish failed) ends; a new writer replaces the truncated file: followed.
            writer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            startWriter(dir, "cut");
            long replacedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long got = Region.surviving(() -> {
                long n = 0;
                while (n < 100 && System.nanoTime() - replacedBy < 0) {
                    if (poll(s, view, true)) {
                        n++;
                    } else {
                        s.state();
                    }
                }
                return n;
            });
            assertThat(got).as("samples of the replacing writer").isEqualTo(100);
            assertThat(s.state()).isEqualTo(WriterState.LIVE);
            assertThat(s.corruption()).isNull();
        }
        assertThat(uncaught).as("threads that died of a fault").isEmpty();
    }

    @ParameterizedTest(name = "truncated to {0} bytes")
    @ValueSource(longs = {0, 4096})
    void aPublisherWhoseRegionIsTruncatedThrowsRegionTruncatedExceptionAndNoThreadDies(long length,
            RegionOptions options)
            throws Exception {
        Path file = options.regionDirectory().file("wcut");
        RegionTruncatedException thrown;
        long published = 0;
        try (Publisher p = Publisher.create("wcut", RegionChild.layout(ARM), options)) {
            RingWriter sink = p.sink("joint_state");
            DynamicWriter w = new DynamicWriter(sink, p.layout().record("joint_state").orElseThrow());
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
            while (System.nanoTime() - end < 0) { // compiled
                CounterPattern.fill(w, sink.nextSampleIndex());
                w.commit();
                published++;
            }
            truncate(file, length);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            thrown = Region.surviving(() -> { // a fault raised late, after a commit returned, runs the loop again
                while (System.nanoTime() - deadline < 0) {
                    try {
                        CounterPattern.fill(w, sink.nextSampleIndex());
                        w.commit();
                    } catch (RegionTruncatedException e) {
                        return e;
                    }
                }
                return null;
            });
            assertThat(thrown).as("publish after the truncation").isNotNull();
            assertThat(thrown.getMessage()).contains("region \"wcut\"", file.toString(),
                    "truncated to " + length + " bytes", "corrupt", "start it again");
            // Every later publish refuses at once, without touching the mapping.
            for (int i = 0; i < 1000; i++) {
                try {
                    w.commit();
                    fail("publish into a truncated region returned");
                } catch (RegionTruncatedException expected) {
                    // the same news each time
                }
            }
            Thread.sleep(100); // a heartbeat period or five: the heartbeat thread met the truncation too
        } // close: no store into the truncated file, no fault
        assertThat(published).isPositive();
        assertThat(uncaught).as("threads that died of a fault (the heartbeat thread)").isEmpty();
    }

    private Process startWriter(Path dir, String region) throws IOException {
        Process p = RegionChild.start(children, List.of(), "publish", dir.toString(), region, ARM, "joint_state", "60");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("ready")) {
            // its log lines (a replacing writer says what it replaced)
        }
        assertThat(line).as("writer child's ready line").isNotNull();
        return p;
    }
}
