package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.RegionTruncatedException;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.layout.SlotDescriptor;
import io.shmtel.schema.testing.Examples;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Zero-copy claims (issue 25) on real regions in /dev/shm: a claimed slot is invisible until its
 * commit and then read whole with its index and timestamp; an aborted claim is never read and its
 * index is written again whole; a claim left open by a writer that dies is, for stream readers, an
 * index abandoned like any writer's death mid-publish (rules R1, R2); claims and staged publishes
 * interleave in index order; a closed or truncated region refuses claims.
 */
@ExtendWith(ShmDirectory.class)
class ClaimTest {
    static final String ARM_FILE = Examples.example("arm.json").toAbsolutePath().toString();
    static final Layout ARM = RegionChild.layout(ARM_FILE);
    static final String RECORD = "joint_state";
    static final RecordLayout JOINT_STATE = ARM.record(RECORD).orElseThrow();

    @Test
    void aClaimedSlotIsInvisibleUntilItsCommitThenReadWholeWithItsIndexAndTimestamp(RegionOptions options) {
        try (Publisher p = Publisher.create("claim", ARM, options);
                Subscriber s = Subscriber.open("claim", RECORD, ARM, options)) {
            RingWriter ring = p.sink(RECORD);
            DynamicWriter w = new DynamicWriter(ring, JOINT_STATE);
            DynamicView view = new DynamicView(JOINT_STATE);
            CounterPattern.fill(w, 0);
            assertThat(w.commit(100)).isZero();
            assertThat(s.poll(view)).isTrue();

            assertThat(w.claim()).isSameAs(w);
            assertThat(w.isClaimed()).isTrue();
            assertThat(ring.isClaimed()).isTrue();
            CounterPattern.fill(w, 1);
            assertThat(s.poll(view)).as("claimed, not committed: not yet").isFalse();
            assertThat(s.latest(view)).isTrue();
            assertThat(view.sampleIndex()).as("the newest is still the last committed").isZero();
            assertThat(CounterPattern.check(view, 0)).isTrue();

            assertThat(w.commit(200)).isEqualTo(1);
            assertThat(w.isClaimed()).isFalse();
            assertThat(ring.isClaimed()).isFalse();
            assertThat(s.poll(view)).isTrue();
            assertThat(view.sampleIndex()).isEqualTo(1);
            assertThat(view.timestampNs()).isEqualTo(200);
            assertThat(CounterPattern.check(view, 1)).as("every field as the claim wrote it").isTrue();
            assertThat(s.lostSamples()).isZero();
            assertThat(w.abortClaim()).as("nothing left to abort after a commit").isFalse();
        }
    }

    /**
     * The staged payload is neither copied into a claimed slot nor touched by a claim: a claim that
     * sets nothing publishes what the slot held (sample k - depth), and a staged commit afterwards
     * publishes the staged values of before the claim.
     */
    @Test
    void aClaimNeitherCopiesNorChangesTheStagedPayload(RegionOptions options) {
        try (Publisher p = Publisher.create("staged", ARM, options);
                Subscriber s = Subscriber.open("staged", RECORD, ARM, options)) {
            RingWriter ring = p.sink(RECORD);
            DynamicWriter w = new DynamicWriter(ring, JOINT_STATE);
            DynamicView view = new DynamicView(JOINT_STATE);
            int depth = JOINT_STATE.depth();
            for (long k = 0; k < depth; k++) {
                CounterPattern.fill(w, k);
                w.commit();
            }
            CounterPattern.fill(w, 77); // staged, not committed
            assertThat(w.claim().commit()).isEqualTo(depth); // sets nothing: the slot still holds sample 0
            assertThat(s.latest(view)).isTrue();
            assertThat(CounterPattern.check(view, 0)).as("sample 0's bytes, not the staged 77").isTrue();

            w.claim();
            CounterPattern.fill(w, 99);
            w.commit();
            assertThat(w.commit()).as("staged again").isEqualTo(depth + 2);
            assertThat(s.latest(view)).isTrue();
            assertThat(CounterPattern.check(view, 77)).as("the staged values, untouched by the claim").isTrue();
        }
    }

    /**
     * An aborted claim leaves its slot busy (readers see "not yet", the newest sample stays readable)
     * and the next publish writes the same index again, whole: a stream reader gets it with the second
     * contents and loses nothing. Aborting after the index was claimed again through the ring works
     * the same way for claims.
     */
    @Test
    void anAbortedClaimIsNeverReadAndItsIndexIsWrittenAgainWhole(RegionOptions options) {
        try (Publisher p = Publisher.create("abort", ARM, options);
                Subscriber s = Subscriber.open("abort", RECORD, ARM, options)) {
            RingWriter ring = p.sink(RECORD);
            RingGeometry g = RingGeometry.of(JOINT_STATE);
            DynamicWriter w = new DynamicWriter(ring, JOINT_STATE);
            DynamicView view = new DynamicView(JOINT_STATE);
            CounterPattern.fill(w, 0);
            w.commit();
            assertThat(s.poll(view)).isTrue();

            w.claim();
            CounterPattern.fill(w, 555); // the claimer's bytes, then it gives up
            w.setDouble(JOINT_STATE.fields().get(0), 0, Double.NaN);
            assertThat(w.abortClaim()).isTrue();
            assertThat(w.isClaimed()).isFalse();
            assertThat(w.abortClaim()).isFalse();
            ByteBuffer shared = p.region().buffer();
            assertThat(shared.order(ByteOrder.LITTLE_ENDIAN).getLong(g.slotOffset(1) + SlotDescriptor.SEQ_OFFSET))
                    .as("slot of index 1 still busy").isEqualTo(SlotDescriptor.writingSeq(1));
            assertThat(shared.getLong(g.publishedOffset())).as("published not moved").isEqualTo(1);
            assertThat(s.poll(view)).as("index 1 after the abort: not yet").isFalse();
            assertThat(s.latest(view)).isTrue();
            assertThat(view.sampleIndex()).isZero();

            CounterPattern.fill(w, 1);
            assertThat(w.commit()).as("the aborted index, written again").isEqualTo(1);
            assertThat(s.poll(view)).isTrue();
            assertThat(view.sampleIndex()).isEqualTo(1);
            assertThat(CounterPattern.check(view, 1)).isTrue();

            w.claim();
            CounterPattern.fill(w, 666);
            w.abortClaim();
            w.claim();
            CounterPattern.fill(w, 2);
            assertThat(w.commit()).as("claimed again after an abort").isEqualTo(2);
            assertThat(s.poll(view)).isTrue();
            assertThat(CounterPattern.check(view, 2)).isTrue();
            assertThat(s.lostSamples()).as("an aborted claim loses no index").isZero();
        }
    }

    /**
     * A writer that dies with a claim open (here: abandons the region, as a killed writer leaves it)
     * leaves index k busy, like a writer killed in the middle of a publish: the next writer resumes
     * past it (R1) and a stream reader counts it lost once that writer published (R2).
     */
    @Test
    void aClaimLeftOpenByADeadWriterIsLostForAStreamReaderAfterTheNextWritersPublish(RegionOptions options) {
        Publisher first = Publisher.create("dead", ARM, options);
        try (Subscriber s = Subscriber.open("dead", RECORD, ARM, options)) {
            DynamicView view = new DynamicView(JOINT_STATE);
            DynamicWriter w = new DynamicWriter(first.sink(RECORD), JOINT_STATE);
            CounterPattern.fill(w, 0);
            w.commit();
            assertThat(s.poll(view)).isTrue();
            w.claim();
            CounterPattern.fill(w, 1);
            first.abandon(); // dies holding the claim of index 1
            assertThat(s.poll(view)).isFalse();

            try (Publisher second = Publisher.create("dead", ARM, options)) {
                RingWriter ring = second.sink(RECORD);
                assertThat(ring.nextSampleIndex()).as("resumes past the claimed index (R1)").isEqualTo(2);
                assertThat(s.poll(view)).as("nobody published past index 1 yet").isFalse();
                DynamicWriter next = new DynamicWriter(ring, JOINT_STATE);
                next.claim();
                CounterPattern.fill(next, 2);
                assertThat(next.commit()).isEqualTo(2);
                assertThat(s.poll(view)).isTrue();
                assertThat(view.sampleIndex()).isEqualTo(2);
                assertThat(CounterPattern.check(view, 2)).isTrue();
                assertThat(s.lostSamples()).as("index 1 abandoned (R2)").isEqualTo(1);
            }
        }
    }

    /**
     * The same with a real death: a writer process killed (SIGKILL) while it holds a claim with half
     * the fields written. The claimed bytes are never read; the next writer resumes past the index
     * and a stream reader counts it lost.
     */
    @Test
    void aWriterProcessKilledWithAClaimOpenLeavesItsIndexLostAndNeverRead(RegionOptions options) throws Exception {
        List<Process> children = new ArrayList<>();
        try {
            Process child = RegionChild.start(children, List.of(), "claim-hold",
                    options.regionDirectory().path().toString(), "killed", ARM_FILE, RECORD);
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("claimed 1");
            try (Subscriber s = Subscriber.open("killed", RECORD, ARM, options)) {
                DynamicView view = new DynamicView(JOINT_STATE);
                s.seekToOldest();
                assertThat(s.poll(view)).isTrue();
                assertThat(view.sampleIndex()).isZero();
                assertThat(s.poll(view)).as("the claimed index, not committed").isFalse();
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL, claim open
                assertThat(s.poll(view)).isFalse();
                assertThat(s.latest(view)).isTrue();
                assertThat(CounterPattern.check(view, 0)).as("the newest sample stays readable").isTrue();
                try (Publisher next = Publisher.create("killed", ARM, options)) {
                    RingWriter ring = next.sink(RECORD);
                    assertThat(ring.nextSampleIndex()).as("resumed past the claimed index (R1)").isEqualTo(2);
                    DynamicWriter w = new DynamicWriter(ring, JOINT_STATE);
                    CounterPattern.fill(w, 2);
                    w.commit();
                    assertThat(s.poll(view)).isTrue();
                    assertThat(view.sampleIndex()).isEqualTo(2);
                    assertThat(CounterPattern.check(view, 2)).isTrue();
                    assertThat(s.lostSamples()).as("index 1 abandoned (R2)").isEqualTo(1);
                }
            }
        } finally {
            RegionChild.killAll(children);
        }
    }

    /**
     * Random mixes of staged publishes, committed claims and aborted claims: a stream reader gets
     * every index once, in order, each with its own contents, and none lost.
     */
    @Test
    void claimsAndStagedPublishesInterleaveInIndexOrder(RegionOptions options) {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        try (Publisher p = Publisher.create("mix", ARM, options);
                Subscriber s = Subscriber.open("mix", RECORD, ARM, options)) {
            RingWriter ring = p.sink(RECORD);
            DynamicWriter w = new DynamicWriter(ring, JOINT_STATE);
            DynamicView view = new DynamicView(JOINT_STATE);
            s.seekToOldest();
            long expected = 0;
            for (int i = 0; i < 2_000; i++) {
                long k = ring.nextSampleIndex();
                switch (random.nextInt(3)) {
                    case 0 -> CounterPattern.fill(w, k);
                    case 1 -> CounterPattern.fill(w.claim(), k);
                    default -> {
                        CounterPattern.fill(w.claim(), k + 1_000_000);
                        w.abortClaim();
                        CounterPattern.fill(random.nextBoolean() ? w : w.claim(), k);
                    }
                }
                assertThat(w.commit(k)).as("seed %d", seed).isEqualTo(k);
                while (s.poll(view)) {
                    assertThat(view.sampleIndex()).as("seed %d", seed).isEqualTo(expected++);
                    assertThat(CounterPattern.check(view, view.sampleIndex())).as("seed %d", seed).isTrue();
                    assertThat(view.timestampNs()).isEqualTo(view.sampleIndex());
                }
            }
            assertThat(expected).as("seed %d: every index read", seed).isEqualTo(2_000);
            assertThat(s.lostSamples()).as("seed %d", seed).isZero();
        }
    }

    @Test
    void whileAClaimIsOpenPublishResumeAtAndASecondClaimAreRefused(RegionOptions options) {
        try (Publisher p = Publisher.create("open", ARM, options)) {
            RingWriter ring = p.sink(RECORD);
            DynamicWriter w = new DynamicWriter(ring, JOINT_STATE);
            DynamicWriter other = new DynamicWriter(ring, JOINT_STATE);
            w.claim();
            String open = "a claim of sample 0 is open: ";
            assertThatThrownBy(other::commit).isInstanceOf(IllegalStateException.class)
                    .hasMessage(open + "a publish is refused until commitClaim() or abortClaim() ends it");
            assertThatThrownBy(other::claim).isInstanceOf(IllegalStateException.class)
                    .hasMessage(open + "claim() again is refused until commitClaim() or abortClaim() ends it");
            assertThat(other.isClaimed()).as("a refused claim leaves the writer staged").isFalse();
            assertThatThrownBy(() -> ring.resumeAt(5)).isInstanceOf(IllegalStateException.class)
                    .hasMessage(open + "resumeAt(5) is refused until commitClaim() or abortClaim() ends it");
            assertThatThrownBy(() -> ring.skipTo(5)).isInstanceOf(IllegalStateException.class)
                    .hasMessage(open + "skipTo(5) is refused until commitClaim() or abortClaim() ends it");
            assertThat(w.commit()).isZero();
            assertThat(other.commit()).isEqualTo(1);
            assertThatThrownBy(() -> ring.commitClaim(0)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("no claim is open: call claim() first");
            assertThatThrownBy(ring::claimedPayloadOffset).isInstanceOf(IllegalStateException.class)
                    .hasMessage("no claim is open: call claim() first");
        }
    }

    @Test
    void aMailboxRecordRefusesClaimsWithTheWayToSend(RegionOptions options) {
        Layout commands = RegionChild.layout(Examples.example("commands.json").toAbsolutePath().toString());
        RecordLayout box = commands.records().stream().filter(RecordLayout::isMailbox).findFirst().orElseThrow();
        try (Publisher p = Publisher.create("box", commands, options)) {
            DynamicWriter w = new DynamicWriter(p.mailbox(box.name()), box);
            assertThatThrownBy(w::claim).isInstanceOf(IllegalStateException.class)
                    .hasMessage("claim() writes in place into a ring's slot; this writer's record is a mailbox, whose"
                            + " message is put whole: set the fields, then offer() or put()");
            assertThat(w.isClaimed()).isFalse();
        }
    }

    /**
     * A publisher closed (from another thread) while a claim is open: the commit completes nothing and
     * throws, the slot stays busy and published where it was, as for a writer that died mid-publish; a
     * closed ring refuses new claims.
     */
    @Test
    void aClaimOnAClosedRingIsRefusedAndOneOpenAtTheCloseIsNotCompleted(RegionOptions options) {
        Publisher p = Publisher.create("closed", ARM, options);
        RingWriter ring = p.sink(RECORD);
        RingGeometry g = RingGeometry.of(JOINT_STATE);
        DynamicWriter w = new DynamicWriter(ring, JOINT_STATE);
        w.commit();
        w.claim();
        CounterPattern.fill(w, 1);
        ByteBuffer shared = p.region().buffer().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        p.close();
        assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(w.isClaimed()).isFalse();
        assertThat(shared.getLong(g.slotOffset(1) + SlotDescriptor.SEQ_OFFSET)).as("slot of index 1 still busy")
                .isEqualTo(SlotDescriptor.writingSeq(1));
        assertThat(shared.getLong(g.publishedOffset())).isEqualTo(1);
        assertThatThrownBy(w::claim).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aTruncatedRegionRefusesClaimsAndTheCommitOfAnOpenOne(RegionOptions options) throws IOException {
        try (Publisher p = Publisher.create("cut", ARM, options)) {
            RingWriter ring = p.sink(RECORD);
            DynamicWriter w = new DynamicWriter(ring, JOINT_STATE);
            w.commit();
            w.claim();
            try (FileChannel c = FileChannel.open(options.regionDirectory().file("cut"), StandardOpenOption.WRITE)) {
                c.truncate(0);
            }
            assertThat(p.region().checkTruncated()).isTrue();
            assertThatThrownBy(w::commit).isInstanceOf(RegionTruncatedException.class)
                    .hasMessageContaining("region \"cut\"").hasMessageContaining("truncated to 0 bytes");
            assertThat(w.isClaimed()).isFalse();
            assertThatThrownBy(w::claim).isInstanceOf(RegionTruncatedException.class)
                    .hasMessageContaining("start it again");
            assertThatThrownBy(ring::claim).isInstanceOf(RegionTruncatedException.class);
            assertThat(ring.isClaimed()).isFalse();
        }
    }

    /** A reader of the raw ring sees an open claim exactly as a slot marked busy by a publish (RingReader). */
    @Test
    void anOpenClaimReadsAsABusySlotToARingReader(RegionOptions options) {
        try (Publisher p = Publisher.create("busy", ARM, options)) {
            RingWriter ring = p.sink(RECORD);
            RingGeometry g = RingGeometry.of(JOINT_STATE);
            RingReader reader = new RingReader(p.region().buffer(), g);
            ByteBuffer snapshot = ByteBuffer.allocateDirect(g.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer payload = ByteBuffer.allocateDirect(g.payloadLength()).order(ByteOrder.LITTLE_ENDIAN);
            for (long k = 0; k < g.depth(); k++) {
                payload.putLong(0, k);
                ring.publish(payload, g.payloadLength(), k);
            }
            long k = ring.claim();
            assertThat(k).isEqualTo(g.depth());
            ring.claimBuffer().putLong(ring.claimedPayloadOffset(), -k);
            assertThat(reader.read(0, snapshot)).as("sample 0's slot is claimed: overwritten")
                    .isEqualTo(RingReader.OVERWRITTEN);
            assertThat(reader.read(k, snapshot)).isEqualTo(RingReader.NOT_YET);
            assertThat(reader.readLatest(snapshot)).isEqualTo(k - 1);
            assertThat(ring.commitClaim(12_345)).isEqualTo(k);
            assertThat(reader.read(k, snapshot)).isEqualTo(RingReader.OK);
            assertThat(snapshot.getLong(SlotDescriptor.TIMESTAMP_OFFSET)).isEqualTo(12_345);
            assertThat(snapshot.getLong(SlotDescriptor.PAYLOAD_OFFSET)).isEqualTo(-k);
            assertThat(snapshot.getLong(SlotDescriptor.PAYLOAD_OFFSET + Long.BYTES))
                    .as("the rest of the slot: sample 0's bytes, which the claim did not set").isZero();
        }
    }
}
