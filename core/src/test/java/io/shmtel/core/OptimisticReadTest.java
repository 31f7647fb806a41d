package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shmtel.core.region.IncompatibleLayoutException;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.core.view.OptimisticReader;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.testing.Examples;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Zero-copy reading through {@link Subscriber#latestOptimistic} and {@link Subscriber#pollOptimistic}: a
 * reader's values count only when the call returns true, an attempt a writer overlapped is thrown away (and
 * retried, or counted lost exactly as by the copying path), and the view never reads the live slot outside
 * the reader's call.
 */
@ExtendWith(ShmDirectory.class)
class OptimisticReadTest {
    static final Layout ARM = RegionChild.layout(Examples.example("arm.json").toString()); // depth 8
    static final int DEPTH = 8;

    /**
     * Reads the sample index and the first position element in place, checks the whole counter pattern, and
     * in its first {@code publishOnFirstCall} calls publishes that many samples in the middle of the read (a
     * writer overlapping it), or throws when {@code throwOnCall} is the call number.
     */
    static final class Probe implements OptimisticReader<DynamicView> {
        final Publisher publisher;
        FieldLayout position;
        int calls;
        int publishInCall = -1;
        int publishCount;
        int throwOnCall = -1;
        long index = -1;
        double first;
        boolean whole;

        Probe(Publisher publisher) {
            this.publisher = publisher;
        }

        @Override
        public void read(DynamicView view) {
            calls++;
            index = view.sampleIndex();
            if (position == null) {
                position = view.field("position");
            }
            if (calls == publishInCall) {
                publish(publisher, publishCount);
            }
            first = view.number(position, 0);
            whole = CounterPattern.check(view);
            if (calls == throwOnCall) {
                throw new IllegalStateException("reader failed on call " + calls);
            }
        }
    }

    static void publish(Publisher p, int n) {
        RingWriter sink = p.sink("joint_state");
        DynamicWriter w = new DynamicWriter(sink, p.layout().record("joint_state").orElseThrow());
        for (int i = 0; i < n; i++) {
            CounterPattern.fill(w, sink.nextSampleIndex());
            w.commit();
        }
    }

    @Test
    void aValidatedLatestReadGivesTheNewestSampleAndUnwrapsTheView(RegionOptions options) {
        try (Publisher p = Publisher.create("opt", ARM, options);
                Subscriber s = Subscriber.open("opt", "joint_state", ARM, options)) {
            DynamicView view = new DynamicView(s.record());
            Probe probe = new Probe(p);
            assertThat(s.latestOptimistic(view, probe)).as("nothing published yet").isFalse();
            assertThat(probe.calls).isZero();
            publish(p, 5);
            assertThat(s.latestOptimistic(view, probe)).isTrue();
            assertThat(probe.calls).isEqualTo(1);
            assertThat(probe.index).isEqualTo(4).isEqualTo(s.lastSampleIndex());
            assertThat(probe.first).isEqualTo(4.0);
            assertThat(probe.whole).isTrue();
            assertThat(view.buffer()).as("unwrapped after the read: nothing reads the live slot later").isNull();
            assertThatThrownBy(view::sampleIndex).isInstanceOf(NullPointerException.class);
            assertThat(s.latest(view)).as("the copying read wraps it again").isTrue();
            assertThat(view.sampleIndex()).isEqualTo(4);
        }
    }

    @Test
    void aReadTheWriterOverlapsIsDiscardedAndRetriedOnTheNewestSample(RegionOptions options) {
        try (Publisher p = Publisher.create("overlap", ARM, options);
                Subscriber s = Subscriber.open("overlap", "joint_state", ARM, options)) {
            DynamicView view = new DynamicView(s.record());
            publish(p, 3);
            Probe probe = new Probe(p);
            probe.publishInCall = 1;
            probe.publishCount = DEPTH; // sample 2's slot is rewritten (sample 10) while the reader reads it
            assertThat(s.latestOptimistic(view, probe)).isTrue();
            assertThat(probe.calls).as("the overlapped attempt, then one on the newest sample").isEqualTo(2);
            assertThat(probe.index).isEqualTo(10).isEqualTo(s.lastSampleIndex());
            assertThat(probe.first).isEqualTo(10.0);
            assertThat(probe.whole).isTrue();

            probe.calls = 0;
            probe.publishInCall = 1;
            probe.publishCount = DEPTH - 1; // samples 11..17 leave sample 10's slot alone: still valid
            assertThat(s.latestOptimistic(view, probe)).isTrue();
            assertThat(probe.calls).isEqualTo(1);
            assertThat(probe.index).isEqualTo(10);
        }
    }

    @Test
    void anExceptionOnAnOverlappedAttemptIsDroppedAndOnAValidOneRethrown(RegionOptions options) {
        try (Publisher p = Publisher.create("throws", ARM, options);
                Subscriber s = Subscriber.open("throws", "joint_state", ARM, options)) {
            DynamicView view = new DynamicView(s.record());
            publish(p, 1);
            Probe probe = new Probe(p);
            probe.publishInCall = 1;
            probe.publishCount = DEPTH;
            probe.throwOnCall = 1; // as a reader that trips over torn bytes
            assertThat(s.latestOptimistic(view, probe)).isTrue();
            assertThat(probe.calls).isEqualTo(2);
            assertThat(probe.index).isEqualTo(DEPTH);

            probe.calls = 0;
            probe.publishInCall = -1;
            probe.throwOnCall = 1; // on a sample no writer touches: the reader's own failure
            assertThatThrownBy(() -> s.latestOptimistic(view, probe)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("reader failed on call 1");
            assertThat(view.buffer()).isNull();
            assertThat(s.lastSampleIndex()).isEqualTo(DEPTH);

            publish(p, 1);
            probe.calls = 0;
            assertThatThrownBy(() -> s.pollOptimistic(view, probe)).isInstanceOf(IllegalStateException.class);
            long delivered = s.lastSampleIndex();
            probe.throwOnCall = -1;
            publish(p, 1);
            assertThat(s.pollOptimistic(view, probe)).as("the stream moved past the sample it delivered").isTrue();
            assertThat(probe.index).isEqualTo(delivered + 1);
        }
    }

    @Test
    void aViewOfAnotherRecordIsRefused(RegionOptions options) {
        Layout imu = RegionChild.layout(Examples.example("imu.json").toString());
        try (Publisher p = Publisher.create("other", ARM, options);
                Subscriber s = Subscriber.open("other", "joint_state", ARM, options)) {
            publish(p, 1);
            DynamicView wrong = new DynamicView(imu.records().get(0));
            assertThatThrownBy(() -> s.latestOptimistic(wrong, v -> { }))
                    .isInstanceOf(IncompatibleLayoutException.class).hasMessageContaining("joint_state");
        }
    }

    /**
     * The same random sequence of publishes and polls, some overlapped by the writer mid-read, gives an optimistic
     * stream subscriber exactly the samples and the lost counts a copying one gets when those publishes come just
     * before its poll: an overlapped read is the copying read's lapped case. Reproduce a failure with
     * {@code -Dshmtel.seed=SEED}.
     */
    @Test
    void streamLostCountsMatchTheCopyingPath(RegionOptions options) {
        long seed = Long.getLong("shmtel.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        try (Publisher p = Publisher.create("lost", ARM, options);
                Subscriber optimistic = Subscriber.open("lost", "joint_state", ARM, options);
                Subscriber copying = Subscriber.open("lost", "joint_state", ARM, options)) {
            DynamicView a = new DynamicView(optimistic.record());
            DynamicView b = new DynamicView(copying.record());
            Probe probe = new Probe(p);
            // Both streams start at index 0 (an empty ring at their first poll), whatever the first step publishes.
            assertThat(optimistic.pollOptimistic(a, probe)).isFalse();
            assertThat(copying.poll(b)).isFalse();
            int delivered = 0;
            int overlapped = 0;
            for (int step = 0; step < 5_000; step++) {
                int op = random.nextInt(4);
                if (op == 0) {
                    publish(p, random.nextInt(2 * DEPTH + 2));
                    continue;
                }
                probe.calls = 0;
                // The writer overlaps the first read attempt when that attempt reads the cursor's own sample (still
                // in the ring): for the copying path, whose poll comes after these publishes, it is then lapped at
                // the same cursor with the same published count.
                long cursor = optimistic.seenPublished();
                long published = p.sink("joint_state").nextSampleIndex();
                boolean overlap = op == 1 && cursor < published && cursor >= published - DEPTH;
                probe.publishInCall = overlap ? 1 : -1;
                probe.publishCount = random.nextInt(1, 2 * DEPTH + 2);
                boolean got = optimistic.pollOptimistic(a, probe);
                boolean copied = copying.poll(b);
                String at = "seed " + seed + " step " + step;
                assertThat(got).as(at).isEqualTo(copied);
                assertThat(optimistic.lostSamples()).as(at).isEqualTo(copying.lostSamples());
                if (got) {
                    delivered++;
                    overlapped += probe.calls > 1 ? 1 : 0;
                    assertThat(probe.index).as(at).isEqualTo(optimistic.lastSampleIndex())
                            .isEqualTo(b.sampleIndex());
                    assertThat(probe.whole).as(at).isTrue();
                }
            }
            assertThat(delivered).as("seed %d", seed).isGreaterThan(100);
            assertThat(overlapped).as("seed %d: overlapped reads retried", seed).isPositive();
            assertThat(optimistic.lostSamples()).as("seed %d", seed).isPositive();
        }
    }
}
