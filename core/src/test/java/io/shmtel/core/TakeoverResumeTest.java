package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.layout.SlotDescriptor;
import io.shmtel.schema.testing.Examples;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A writer killed (SIGKILL at a staged crash point) in the middle of publishing, then a new writer
 * that takes the region over in place and publishes other contents (format.md, rule R1 of the
 * takeover and R2 of the stream reader): an index the dead writer started is never written again,
 * so it never has two contents, and a stream reader counts an abandoned index lost instead of
 * waiting for the writer to lap it.
 */
@ExtendWith(ShmDirectory.class)
class TakeoverResumeTest {
    static final String ALL_TYPES = Examples.example("all_types.json").toAbsolutePath().toString();
    static final String RECORD = "every_type"; // depth 4
    /** The crash comes at the Nth publish: sample N-1 is the one being published. */
    static final int N = 7;
    /** What the new writer writes: the counter pattern of an index it never publishes under, so its contents differ. */
    static final long OTHER = 1_000_000;

    final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        RegionChild.killAll(children);
    }

    /** A publishing JVM killed the Nth time it reaches {@code point}. */
    void crashAt(RegionOptions options, String name, String point) throws Exception {
        Process writer = RegionChild.start(children, List.of("-Dshmtel.crashAt=" + point + "@" + N), "publish",
                options.directory().toString(), name, ALL_TYPES, RECORD, "30");
        assertThat(writer.waitFor(30, TimeUnit.SECONDS)).as("crashing writer ended").isTrue();
        assertThat(writer.exitValue()).as("SIGKILL at " + point + ": "
                + new String(writer.getInputStream().readAllBytes()))
                .isEqualTo(137);
    }

    static long seq(Publisher publisher, RecordLayout r, long k) {
        RingGeometry g = RingGeometry.of(r);
        return publisher.region().buffer().getLong(g.slotOffset(k) + SlotDescriptor.SEQ_OFFSET);
    }

    /**
     * Sample N-1 complete in its slot (seq 2k+2), the writer killed before {@code published = N}:
     * the next writer must not publish index N-1 again with its own contents.
     */
    @Test
    void anIndexCompletedButNotCountedIsNeverWrittenAgain(RegionOptions options) throws Exception {
        crashAt(options, "complete", "publish.complete");
        long k = N - 1;
        try (Publisher next = Publisher.create("complete", RegionChild.layout(ALL_TYPES), options)) {
            RecordLayout r = next.layout().record(RECORD).orElseThrow();
            RingWriter sink = next.sink(RECORD);
            assertThat(seq(next, r, k)).as("the dead writer's last slot").isEqualTo(SlotDescriptor.completeSeq(k));
            assertThat(sink.nextSampleIndex()).as("resumes past the index the dead writer completed").isEqualTo(k + 1);
            DynamicWriter writer = new DynamicWriter(sink, r);
            CounterPattern.fill(writer, OTHER);
            assertThat(writer.commit()).isEqualTo(k + 1);

            // Index k has one content: the dead writer's, in its slot, still complete.
            RingReader reader = new RingReader(next.region().buffer(), RingGeometry.of(r));
            ByteBuffer snapshot = ByteBuffer.allocateDirect(r.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(reader.read(k, snapshot)).isEqualTo(RingReader.OK);
            DynamicView view = new DynamicView(r);
            view.wrap(snapshot, 0);
            assertThat(CounterPattern.check(view, k)).as("index %d holds the dead writer's sample", k).isTrue();
            assertThat(reader.read(k + 1, snapshot)).isEqualTo(RingReader.OK);
            assertThat(CounterPattern.check(view, OTHER)).as("index %d holds the new writer's sample", k + 1).isTrue();
        }
    }

    /**
     * Sample N-1 half written (seq 2k+1), the writer killed: the next writer resumes past it, and a
     * stream subscriber waiting at that index gets the new writer's first sample at once, counting
     * index N-1 lost, instead of waiting until the writer laps the ring.
     */
    @Test
    void aStreamReaderSkipsAnIndexTheDeadWriterLeftHalfWritten(RegionOptions options) throws Exception {
        crashAt(options, "half", "publish.half");
        long k = N - 1;
        try (Subscriber subscriber = Subscriber.open("half", RECORD, options)) {
            DynamicView view = new DynamicView(subscriber.record());
            assertThat(subscriber.poll(view)).as("the newest complete sample").isTrue();
            assertThat(view.sampleIndex()).isEqualTo(k - 1);
            assertThat(subscriber.poll(view)).as("index %d is half written and nobody counted it", k).isFalse();
            try (Publisher next = Publisher.create("half", RegionChild.layout(ALL_TYPES), options)) {
                RecordLayout r = next.layout().record(RECORD).orElseThrow();
                RingWriter sink = next.sink(RECORD);
                assertThat(seq(next, r, k)).as("the dead writer's slot").isEqualTo(SlotDescriptor.writingSeq(k));
                assertThat(sink.nextSampleIndex()).as("resumes past the index the dead writer started")
                        .isEqualTo(k + 1);
                DynamicWriter writer = new DynamicWriter(sink, r);
                CounterPattern.fill(writer, k + 1);
                assertThat(writer.commit()).isEqualTo(k + 1);

                assertThat(subscriber.poll(view)).as("the new writer's first sample, without waiting for a lap")
                        .isTrue();
                assertThat(view.sampleIndex()).isEqualTo(k + 1);
                assertThat(CounterPattern.check(view)).isTrue();
                assertThat(subscriber.lostSamples()).as("the abandoned index %d", k).isEqualTo(1);
                assertThat(subscriber.poll(view)).isFalse();
            }
        }
    }
}
