package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.idle.BusySpinIdleStrategy;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.layout.SlotDescriptor;
import io.shmtel.schema.testing.Examples;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The latest-value waiter ({@link Subscriber#pollLatest}, {@link Subscriber#awaitLatest}) watches the slot the
 * next sample takes instead of the published count: it must still hand out the newest sample when the writer ran
 * ahead (several samples, a whole lap and more), and must not wait forever at an index a dead writer left
 * unfinished (format.md, rule R2), which shows {@code 2k+1} in the watched slot while later samples go elsewhere.
 */
@ExtendWith(ShmDirectory.class)
class LatestWaiterTest {
    static final Layout ARM = RegionChild.layout(Examples.example("arm.json").toString()); // depth 8
    static final String ALL_TYPES = Examples.example("all_types.json").toAbsolutePath().toString();
    static final String RECORD = "every_type"; // depth 4
    /** The crash comes at the Nth publish: sample N-1 is the one being published. */
    static final int N = 7;
    static final long AWAIT_NS = TimeUnit.SECONDS.toNanos(2);

    final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        RegionChild.killAll(children);
    }

    static void publish(RingWriter sink, RecordLayout r, int n) {
        DynamicWriter w = new DynamicWriter(sink, r);
        for (int i = 0; i < n; i++) {
            CounterPattern.fill(w, sink.nextSampleIndex());
            w.commit();
        }
    }

    @Test
    void itHandsOutTheNewestSampleNotTheNextOneWhenTheWriterRanAhead(RegionOptions options) {
        try (Publisher p = Publisher.create("ahead", ARM, options);
                Subscriber s = Subscriber.open("ahead", "joint_state", options)) {
            RecordLayout r = p.layout().record("joint_state").orElseThrow();
            RingWriter sink = p.sink("joint_state");
            DynamicView view = new DynamicView(s.record());
            assertThat(s.pollLatest(view)).as("nothing published yet").isFalse();
            publish(sink, r, 3);
            assertThat(s.pollLatest(view)).isTrue();
            assertThat(view.sampleIndex()).isEqualTo(2);
            assertThat(s.pollLatest(view)).as("nothing newer than 2").isFalse();
            // Sample 3 (the one watched) is complete, but 4 and 5 came after it: the newest is 5.
            publish(sink, r, 3);
            assertThat(s.pollLatest(view)).isTrue();
            assertThat(view.sampleIndex()).as("the newest, not the next").isEqualTo(5);
            assertThat(CounterPattern.check(view)).isTrue();
            assertThat(s.pollLatest(view)).isFalse();
            publish(sink, r, 1);
            assertThat(s.pollLatest(view)).isTrue();
            assertThat(view.sampleIndex()).as("the very next one, when it is the newest").isEqualTo(6);
        }
    }

    @Test
    void itHandsOutTheNewestSampleWhenTheWriterLapsIt(RegionOptions options) {
        try (Publisher p = Publisher.create("lapped", ARM, options);
                Subscriber s = Subscriber.open("lapped", "joint_state", options)) {
            RecordLayout r = p.layout().record("joint_state").orElseThrow();
            RingWriter sink = p.sink("joint_state");
            DynamicView view = new DynamicView(s.record());
            publish(sink, r, 1);
            assertThat(s.awaitLatest(view, AWAIT_NS)).isTrue();
            assertThat(view.sampleIndex()).isZero();
            for (int laps : new int[] {1, 2, 5}) { // the watched slot now holds a newer sample than the one expected
                publish(sink, r, laps * r.depth());
                long newest = sink.nextSampleIndex() - 1;
                assertThat(s.awaitLatest(view, AWAIT_NS)).as("after %d laps", laps).isTrue();
                assertThat(view.sampleIndex()).isEqualTo(newest);
                assertThat(CounterPattern.check(view)).isTrue();
                assertThat(s.pollLatest(view)).isFalse();
            }
            // And one exactly a lap ahead: the watched slot holds the expected index's successor by depth.
            publish(sink, r, r.depth() + 1);
            assertThat(s.pollLatest(view)).isTrue();
            assertThat(view.sampleIndex()).isEqualTo(sink.nextSampleIndex() - 1);
        }
    }

    /**
     * A writer SIGKILLed half way through sample N-1 (its slot shows 2k+1), then a writer that takes the region
     * over in place and resumes at N, in another slot: a latest waiter that expected N-1 gets the new writer's
     * sample at once, instead of waiting at the abandoned slot until the writer laps the ring.
     */
    @Test
    void itGetsPastAnIndexADeadWriterLeftHalfWritten(RegionOptions options) throws Exception {
        Process writer = RegionChild.start(children, List.of("-Dshmtel.crashAt=publish.half@" + N), "publish",
                options.directory().toString(), "dead", ALL_TYPES, RECORD, "30");
        assertThat(writer.waitFor(30, TimeUnit.SECONDS)).as("crashing writer ended").isTrue();
        assertThat(writer.exitValue()).as("SIGKILL at publish.half").isEqualTo(137);
        long k = N - 1;
        try (Subscriber s = Subscriber.open("dead", RECORD, options)) {
            s.idleStrategy(new BusySpinIdleStrategy());
            DynamicView view = new DynamicView(s.record());
            assertThat(s.pollLatest(view)).as("the newest complete sample").isTrue();
            assertThat(view.sampleIndex()).isEqualTo(k - 1);
            assertThat(s.pollLatest(view)).as("index %d is half written and nobody counted it", k).isFalse();
            try (Publisher next = Publisher.create("dead", RegionChild.layout(ALL_TYPES), options)) {
                RecordLayout r = next.layout().record(RECORD).orElseThrow();
                RingWriter sink = next.sink(RECORD);
                long seq = next.region().buffer().getLong(RingGeometry.of(r).slotOffset(k) + SlotDescriptor.SEQ_OFFSET);
                assertThat(seq).as("the watched slot: the dead writer's").isEqualTo(SlotDescriptor.writingSeq(k));
                assertThat(s.pollLatest(view)).as("still nothing newer").isFalse();
                publish(sink, r, 1);
                assertThat(s.awaitLatest(view, AWAIT_NS)).as("the new writer's first sample, without a lap").isTrue();
                assertThat(view.sampleIndex()).isEqualTo(k + 1);
                assertThat(CounterPattern.check(view)).isTrue();
                publish(sink, r, 2);
                assertThat(s.awaitLatest(view, AWAIT_NS)).isTrue();
                assertThat(view.sampleIndex()).isEqualTo(k + 3);
            }
        }
    }

    @Test
    void awaitLatestTimesOutWhenNothingNewerComes(RegionOptions options) {
        try (Publisher p = Publisher.create("quiet", ARM, options);
                Subscriber s = Subscriber.open("quiet", "joint_state", options)) {
            publish(p.sink("joint_state"), p.layout().record("joint_state").orElseThrow(), 2);
            DynamicView view = new DynamicView(s.record());
            assertThat(s.awaitLatest(view, AWAIT_NS)).isTrue();
            assertThat(view.sampleIndex()).isEqualTo(1);
            assertThat(s.awaitLatest(view, TimeUnit.MILLISECONDS.toNanos(50))).as("nothing newer than 1").isFalse();
        }
    }
}
