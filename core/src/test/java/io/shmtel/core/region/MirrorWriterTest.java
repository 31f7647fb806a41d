package io.shmtel.core.region;

import static io.shmtel.core.region.RegionTest.ARM;
import static io.shmtel.core.region.RegionTest.publishCounter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.nativeio.Posix.FileStat;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What core gives a writer that keeps another region's epoch and sample numbering (the bridge's
 * mirror): a region created or taken over at a given epoch, and samples published at given indexes
 * with the ones left out counted lost by stream readers, on real regions.
 */
@ExtendWith(ShmDirectory.class)
class MirrorWriterTest {
    private static final String RECORD = "joint_state";

    /** Publishes the counter pattern of index {@code k} at index {@code k}, skipping what lies between. */
    private static void publishAt(Publisher publisher, long k) {
        RingWriter ring = publisher.sink(RECORD);
        DynamicWriter w = new DynamicWriter(ring, publisher.layout().record(RECORD).orElseThrow());
        ring.skipTo(k);
        CounterPattern.fill(w, k);
        assertThat(w.commit()).isEqualTo(k);
    }

    @Test
    void aRegionCreatedAtAnEpochHasItAndIsTakenOverInPlaceOnlyByAHigherOne(RegionOptions options) {
        FileStat firstFile;
        try (Publisher first = Publisher.create("arm", ARM, options, 7)) {
            assertThat(first.epoch()).isEqualTo(7);
            publishCounter(first, RECORD, 5);
            firstFile = first.region().stat();
        }
        try (Subscriber subscriber = Subscriber.open("arm", RECORD, options)) {
            DynamicView view = new DynamicView(subscriber.record());
            assertThat(subscriber.epoch()).isEqualTo(7);
            try (Publisher second = Publisher.create("arm", ARM, options, 9)) {
                assertThat(second.epoch()).isEqualTo(9);
                assertThat(second.region().stat().inode()).as("taken over in place").isEqualTo(firstFile.inode());
                assertThat(second.sink(RECORD).nextSampleIndex()).as("numbering goes on").isEqualTo(5);
                publishAt(second, 5);
                assertThat(subscriber.state()).isEqualTo(WriterState.LIVE);
                assertThat(subscriber.epoch()).isEqualTo(9);
                assertThat(subscriber.latest(view)).isTrue();
                assertThat(view.sampleIndex()).isEqualTo(5);
            }
            // Not higher: a takeover in place would not show readers a new writer; a new file replaces it.
            try (Publisher third = Publisher.create("arm", ARM, options, 9)) {
                assertThat(third.epoch()).isEqualTo(9);
                assertThat(third.region().stat().inode()).as("a new file").isNotEqualTo(firstFile.inode());
                assertThat(third.sink(RECORD).nextSampleIndex()).as("numbered from 0").isZero();
                publishAt(third, 0);
                assertThat(subscriber.state()).isEqualTo(WriterState.LIVE);
                assertThat(subscriber.region().stat().inode()).as("the reader follows the new file")
                        .isEqualTo(third.region().stat().inode());
                assertThat(subscriber.latest(view)).isTrue();
                assertThat(view.sampleIndex()).isZero();
            }
            try (Publisher lower = Publisher.create("arm", ARM, options, 1)) {
                assertThat(lower.epoch()).as("a lower epoch: a new file too").isEqualTo(1);
            }
        }
        assertThatThrownBy(() -> Publisher.create("arm", ARM, options, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("region \"arm\": writer epoch 0 is below 1, the first epoch; give 1 or more");
    }

    @Test
    void aStreamReaderCountsTheIndexesAWriterLeftOutLostAsWhenLappedAndReadsOnAtOnce(RegionOptions options) {
        try (Publisher publisher = Publisher.create("arm", ARM, options, 3);
                Subscriber subscriber = Subscriber.open("arm", RECORD, options)) {
            DynamicView view = new DynamicView(subscriber.record());
            subscriber.seekToOldest();
            assertThat(pollAll(publisher, subscriber, view, 0, 1, 2)).isEqualTo("0 1 2");
            assertThat(subscriber.lostSamples()).isZero();
            // 3..599 left out (more than the depth of 8: the reader is lapped), then 602..604 (abandoned).
            assertThat(pollAll(publisher, subscriber, view, 600, 601, 605)).isEqualTo("600 601 605");
            assertThat(subscriber.lostSamples()).as("every index not delivered").isEqualTo(606 - 6);
            assertThat(pollAll(publisher, subscriber, view, 606)).isEqualTo("606");
            assertThat(subscriber.lostSamples()).isEqualTo(600);
        }
    }

    /** Publishes {@code indexes} (each at its index), then polls every sample there is: their indexes. */
    private static String pollAll(Publisher publisher, Subscriber subscriber, DynamicView view, long... indexes) {
        for (long k : indexes) {
            publishAt(publisher, k);
        }
        StringBuilder read = new StringBuilder();
        while (subscriber.poll(view)) {
            assertThat(CounterPattern.check(view)).as("sample %d whole, at its own index", view.sampleIndex())
                    .isTrue();
            read.append(read.length() == 0 ? "" : " ").append(view.sampleIndex());
        }
        return read.toString();
    }
}
