package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shmtel.core.idle.BackoffIdleStrategy;
import io.shmtel.core.idle.BlockingIdleStrategy;
import io.shmtel.core.idle.BusySpinIdleStrategy;
import io.shmtel.core.idle.IdleStrategies;
import io.shmtel.core.idle.YieldingIdleStrategy;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.testing.Examples;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Where a subscriber's stream starts: at the newest complete sample for a subscriber that found the
 * region (a live consumer), at the oldest the ring holds on {@code seekToOldest()} or when the
 * region appeared after the subscriber, after everything published on {@code seekToNewest()}.
 */
@ExtendWith(ShmDirectory.class)
class StreamStartTest {
    static final Layout ARM = RegionChild.layout(Examples.example("arm.json").toString()); // depth 8

    static void publish(Publisher p, int n) {
        RingWriter sink = p.sink("joint_state");
        DynamicWriter w = new DynamicWriter(sink, p.layout().record("joint_state").orElseThrow());
        for (int i = 0; i < n; i++) {
            CounterPattern.fill(w, sink.nextSampleIndex());
            w.commit();
        }
    }

    static List<Long> drain(Subscriber s) {
        DynamicView view = new DynamicView(s.record());
        List<Long> got = new ArrayList<>();
        while (s.poll(view)) {
            got.add(view.sampleIndex());
        }
        return got;
    }

    @Test
    void aNewSubscriberStartsAtTheNewestCompleteSampleThenGetsEveryLaterOne(RegionOptions options) {
        try (Publisher p = Publisher.create("start", ARM, options)) {
            publish(p, 5);
            try (Subscriber s = Subscriber.open("start", "joint_state", options)) {
                DynamicView view = new DynamicView(s.record());
                assertThat(s.awaitNext(view, TimeUnit.SECONDS.toNanos(1))).isTrue();
                assertThat(view.sampleIndex()).as("first awaitNext: the newest, not the ring's old samples")
                        .isEqualTo(4);
                publish(p, 2);
                assertThat(drain(s)).containsExactly(5L, 6L);
                assertThat(s.lostSamples()).isZero();
            }
        }
    }

    @Test
    void aSubscriberOpenedOnAnEmptyRegionGetsTheFirstSample(RegionOptions options) {
        try (Publisher p = Publisher.create("empty", ARM, options);
                Subscriber s = Subscriber.open("empty", "joint_state", options)) {
            assertThat(drain(s)).isEmpty();
            publish(p, 3);
            assertThat(drain(s)).containsExactly(0L, 1L, 2L);
        }
    }

    @Test
    void seekToOldestReplaysWhatTheRingHolds(RegionOptions options) {
        try (Publisher p = Publisher.create("replay", ARM, options)) {
            publish(p, 11);
            try (Subscriber s = Subscriber.open("replay", "joint_state", options)) {
                s.seekToOldest();
                assertThat(drain(s)).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L); // depth 8
                s.seekToOldest(); // again, after reading
                assertThat(drain(s)).hasSize(8).startsWith(3L);
            }
        }
    }

    @Test
    void seekToNewestGivesOnlySamplesPublishedAfterIt(RegionOptions options) {
        try (Publisher p = Publisher.create("later", ARM, options)) {
            publish(p, 5);
            try (Subscriber s = Subscriber.open("later", "joint_state", options)) {
                s.seekToNewest();
                assertThat(drain(s)).isEmpty();
                publish(p, 1);
                assertThat(drain(s)).containsExactly(5L);
            }
        }
    }

    @Test
    void aSubscriberWaitingForItsRegionGetsEverySampleOfIt(RegionOptions options) {
        try (Subscriber s = Subscriber.open("appears", "joint_state", options)) {
            assertThat(s.record()).isNull();
            try (Publisher p = Publisher.create("appears", ARM, options)) {
                publish(p, 3);
                DynamicView view = new DynamicView(ARM.record("joint_state").orElseThrow());
                assertThat(s.awaitNext(view, TimeUnit.SECONDS.toNanos(2))).isTrue();
                assertThat(view.sampleIndex()).as("the region is newer than the subscriber: from its first sample")
                        .isZero();
            }
        }
    }

    @Test
    void idleStrategiesAreObjectsAndTheirNamesStillWork(RegionOptions options) {
        assertThat(IdleStrategies.blocking()).isInstanceOf(BlockingIdleStrategy.class)
                .isNotSameAs(IdleStrategies.blocking());
        assertThat(IdleStrategies.backoff()).isInstanceOf(BackoffIdleStrategy.class);
        assertThat(IdleStrategies.yielding()).isInstanceOf(YieldingIdleStrategy.class);
        assertThat(IdleStrategies.busySpin()).isInstanceOf(BusySpinIdleStrategy.class);
        try (Subscriber s = Subscriber.open("idle", "joint_state", options)) {
            assertThat(s.idleStrategy()).isInstanceOf(BackoffIdleStrategy.class);
            assertThat(s.idleStrategy(IdleStrategies.blocking()).idleStrategy())
                    .isInstanceOf(BlockingIdleStrategy.class);
            assertThat(s.idleStrategy(IdleStrategies.BUSY_SPIN).idleStrategy())
                    .isInstanceOf(BusySpinIdleStrategy.class);
            assertThat(s.idleStrategy("Yield").idleStrategy()).isInstanceOf(YieldingIdleStrategy.class);
            assertThatThrownBy(() -> s.idleStrategy("blockng")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("unknown idle strategy \"blockng\": use busy-spin, yield, backoff or blocking");
        }
    }
}
