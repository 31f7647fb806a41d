package io.shmtel.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.Subscriber;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.core.view.SampleSink;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A mirror is read as if the driver ran here: a receiving bridge fed frames in process publishes
 * each sample at its source index (what the link lost is lost for the mirror's readers), in a
 * region whose epoch is the source's, following a source takeover in place and a new source file.
 * A mirror or statistics file truncated under the receiver is written again in a new file.
 * (BridgeTest covers the same with real processes over Aeron, with loss on the link.)
 */
class ReceiverBridgeMirrorTest {
    private static final String SCHEMA = """
            { "schema": "mirror_counter", "version": 1, "records": [ { "name": "counter", "depth": 8, "fields": [
              { "name": "k", "type": "i64" }, { "name": "label", "type": "string", "length": 16 } ] } ] }""";
    private static final Layout LAYOUT = LayoutCompiler.compile(SchemaParser.parse(SCHEMA, "test"));
    private static final RecordLayout RECORD = LAYOUT.record("counter").orElseThrow();
    private static final long SENDER = 42;
    private static final int STREAM = 0;
    private static final int FRAME_CAPACITY = 4096;
    private static final int STALLED_AFTER_PERIODS = 100;
    private static final long STATS_WAIT_MS = 10_000;

    private final InProcessTransport transport = new InProcessTransport();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ByteBuffer frame = ByteBuffer.allocate(FRAME_CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
    private Path dir;
    private RegionOptions options;
    /** The mirror's readers: STALLED only after 10 s without a heartbeat, however slow this machine is. */
    private RegionOptions readers;
    private ReceiverBridge bridge;
    private long sent;

    @BeforeEach
    void start() {
        dir = ShmDirectory.create();
        options = ShmDirectory.options(dir);
        readers = options.withStalledAfterPeriods(STALLED_AFTER_PERIODS);
        bridge = ReceiverBridge.start(ReceiverConfig.of("receive", "test", 1, "", options), transport, log::add);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            bridge.close();
            assertThat(bridge.failure()).isNull();
        } finally {
            ShmDirectory.delete(dir);
        }
    }

    private void schema(long epoch) {
        byte[] region = "counter".getBytes(StandardCharsets.UTF_8);
        byte[] record = "counter".getBytes(StandardCharsets.UTF_8);
        byte[] label = "test:1".getBytes(StandardCharsets.UTF_8);
        byte[] text = LAYOUT.canonicalJson().getBytes(StandardCharsets.UTF_8);
        int length = Frames.schema(frame, SENDER, STREAM, epoch, LAYOUT.fingerprint(), RECORD.fingerprint(), region,
                record, label, text);
        transport.send(frame, length);
    }

    /** A SAMPLE frame of source sample {@code index} (counter pattern); {@code onTheWire} false: the link lost it. */
    private void sample(long epoch, long index, boolean onTheWire) {
        ByteBuffer[] payload = new ByteBuffer[1];
        SampleSink capture = new SampleSink() {
            @Override
            public int payloadLength() {
                return RECORD.payloadLength();
            }

            @Override
            public long publish(ByteBuffer p, int length, long timestampNs) {
                payload[0] = p;
                return index;
            }
        };
        DynamicWriter writer = new DynamicWriter(capture, RECORD);
        CounterPattern.fill(writer, index);
        writer.commit();
        frame.put(Frames.SAMPLE_PAYLOAD, payload[0], 0, RECORD.payloadLength());
        int length = Frames.sample(frame, SENDER, STREAM, epoch, index, sent++, System.currentTimeMillis() * 1_000_000,
                RECORD.payloadLength());
        if (onTheWire) {
            transport.send(frame, length);
        }
    }

    private void samples(long epoch, long from, long to) {
        for (long k = from; k <= to; k++) {
            sample(epoch, k, true);
        }
    }

    /**
     * The mirror's writer state after a LIVE status frame of the mirror's current epoch (the source's
     * writer is alive: the mirror's heartbeat beats), as the sender sends every 100 ms.
     */
    private WriterState stateAfterLiveStatus(Subscriber mirror) throws InterruptedException {
        mirror.state(); // follows a new epoch or file
        int length = Frames.status(frame, SENDER, STREAM, mirror.epoch(), WriterState.LIVE.ordinal(), sent, 0, 0);
        transport.send(frame, length);
        transport.awaitHandled();
        return mirror.state();
    }

    /** Every sample the mirror's stream reader gets now, by index, each checked whole at its own index. */
    private static String pollAll(Subscriber mirror, DynamicView view) {
        StringBuilder read = new StringBuilder();
        while (mirror.poll(view)) {
            assertThat(CounterPattern.check(view)).as("sample %d carries its own index", view.sampleIndex()).isTrue();
            read.append(read.length() == 0 ? "" : " ").append(view.sampleIndex());
        }
        return read.toString();
    }

    @Test
    void eachSampleIsAtItsSourceIndexAndWhatTheLinkLostIsLostForTheMirrorsReaders() throws Exception {
        schema(7);
        samples(7, 0, 2);
        transport.awaitHandled();
        try (Subscriber mirror = Subscriber.open("counter", "counter", readers)) {
            DynamicView view = new DynamicView(mirror.record());
            mirror.seekToOldest();
            assertThat(pollAll(mirror, view)).isEqualTo("0 1 2");
            assertThat(mirror.epoch()).as("the source's epoch").isEqualTo(7);
            sample(7, 3, false);
            sample(7, 4, false);
            samples(7, 5, 6);
            transport.awaitHandled();
            assertThat(pollAll(mirror, view)).as("no wait at the gap").isEqualTo("5 6");
            assertThat(mirror.lostSamples()).as("what the link lost").isEqualTo(2);
            // A reordered or repeated sample is dropped and counted, never written backwards.
            sample(7, 4, true);
            sample(7, 6, true);
            samples(7, 7, 7);
            transport.awaitHandled();
            assertThat(bridge.duplicates()).isEqualTo(2);
            assertThat(pollAll(mirror, view)).isEqualTo("7");
            assertThat(mirror.lostSamples()).isEqualTo(2);
            // More than the ring's depth lost: the mirror's reader is lapped, as a local one would be.
            for (long k = 8; k < 30; k++) {
                sample(7, k, false);
            }
            samples(7, 30, 31);
            transport.awaitHandled();
            assertThat(pollAll(mirror, view)).isEqualTo("30 31");
            assertThat(mirror.lostSamples()).isEqualTo(2 + 22);
            assertThat(stateAfterLiveStatus(mirror)).isEqualTo(WriterState.LIVE);
        }
    }

    @Test
    void aSourceTakeoverGivesTheMirrorTheSourcesNewEpochInPlaceAndItsNumberingGoesOn() throws Exception {
        schema(7);
        samples(7, 0, 4);
        transport.awaitHandled();
        try (Subscriber mirror = Subscriber.open("counter", "counter", readers)) {
            DynamicView view = new DynamicView(mirror.record());
            mirror.seekToOldest();
            assertThat(pollAll(mirror, view)).isEqualTo("0 1 2 3 4");
            long inode = mirror.region().stat().inode();
            // The source's writer died writing sample 5; the next one took over (epoch 8) and resumed at 6.
            schema(8);
            samples(8, 6, 7);
            transport.awaitHandled();
            assertThat(stateAfterLiveStatus(mirror)).isEqualTo(WriterState.LIVE);
            assertThat(mirror.epoch()).isEqualTo(8);
            assertThat(mirror.region().stat().inode()).as("taken over in place").isEqualTo(inode);
            assertThat(pollAll(mirror, view)).isEqualTo("6 7");
            assertThat(mirror.lostSamples()).as("sample 5, abandoned at the source").isEqualTo(1);
        }
        assertThat(log).anyMatch(l -> l.contains("(source epoch 8, layout") && l.endsWith("(epoch 8)"));
    }

    @Test
    void aNewSourceFileNumberedFromZeroGivesTheMirrorANewFileThatItsReadersFollow() throws Exception {
        schema(3);
        samples(3, 0, 9);
        transport.awaitHandled();
        try (Subscriber mirror = Subscriber.open("counter", "counter", readers)) {
            DynamicView view = new DynamicView(mirror.record());
            assertThat(pollAll(mirror, view)).isEqualTo("9");
            long inode = mirror.region().stat().inode();
            // The source's file was removed and created again: epoch 1, samples from 0.
            schema(1);
            samples(1, 0, 1);
            transport.awaitHandled();
            assertThat(stateAfterLiveStatus(mirror)).isEqualTo(WriterState.LIVE);
            assertThat(mirror.epoch()).isEqualTo(1);
            assertThat(mirror.region().stat().inode()).as("a new file").isNotEqualTo(inode);
            assertThat(pollAll(mirror, view)).isEqualTo("0 1");
            // A higher epoch that numbers from 0 again (a source file replaced, not taken over): a new file too.
            long second = mirror.region().stat().inode();
            schema(2);
            samples(2, 0, 0);
            transport.awaitHandled();
            assertThat(stateAfterLiveStatus(mirror)).isEqualTo(WriterState.LIVE);
            assertThat(mirror.epoch()).isEqualTo(2);
            assertThat(mirror.region().stat().inode()).isNotEqualTo(second);
            assertThat(pollAll(mirror, view)).isEqualTo("0");
            assertThat(mirror.lostSamples()).isZero();
            assertThat(bridge.duplicates()).isZero();
        }
        assertThat(log).anyMatch(l -> l.contains("counter/counter: the source's sample 0 is below the mirror's next"
                + " index 2 at the start of epoch 2"));
    }

    @Test
    void aSourceFileCreatedAgainAtTheSameEpochAfterItsWriterClosedGivesTheMirrorANewFile() throws Exception {
        schema(1);
        samples(1, 0, 5);
        transport.awaitHandled();
        try (Subscriber mirror = Subscriber.open("counter", "counter", readers)) {
            DynamicView view = new DynamicView(mirror.record());
            mirror.seekToOldest();
            assertThat(pollAll(mirror, view)).isEqualTo("0 1 2 3 4 5");
            long inode = mirror.region().stat().inode();
            int length = Frames.status(frame, SENDER, STREAM, 1, WriterState.CLOSED.ordinal(), sent, 0, 0);
            transport.send(frame, length);
            transport.awaitHandled();
            assertThat(mirror.state()).isEqualTo(WriterState.CLOSED);
            // The source region was removed and created again: epoch 1 again, samples from 0, the same sender.
            samples(1, 0, 2);
            transport.awaitHandled();
            assertThat(stateAfterLiveStatus(mirror)).isEqualTo(WriterState.LIVE);
            assertThat(mirror.epoch()).isEqualTo(1);
            assertThat(mirror.region().stat().inode()).as("a new file").isNotEqualTo(inode);
            assertThat(pollAll(mirror, view)).isEqualTo("0 1 2");
            assertThat(mirror.lostSamples()).isZero();
        }
        assertThat(log).anyMatch(l -> l.contains("counter/counter: sample 0 of epoch 1 after the source's writer was"
                + " CLOSED: a new source file at the same epoch"));
    }

    @Test
    void aReceiverRestartedAtTheSameSourceEpochWritesANewFileAtThatEpoch() throws Exception {
        schema(5);
        samples(5, 0, 3);
        transport.awaitHandled();
        long inode;
        try (Region r = Region.open("counter", options)) {
            inode = r.stat().inode();
        }
        bridge.close();
        bridge = ReceiverBridge.start(ReceiverConfig.of("receive", "test", 1, "", options), transport, log::add);
        schema(5);
        samples(5, 4, 4);
        transport.awaitHandled();
        try (Subscriber mirror = Subscriber.open("counter", "counter", readers)) {
            DynamicView view = new DynamicView(mirror.record());
            mirror.seekToOldest();
            assertThat(mirror.epoch()).isEqualTo(5);
            assertThat(mirror.region().stat().inode()).isNotEqualTo(inode);
            assertThat(pollAll(mirror, view)).isEqualTo("4");
        }
    }

    /** Cuts region {@code name}'s file to 0 bytes, as {@code truncate -s 0} would under its mapped writer. */
    private void truncate(String name) throws Exception {
        try (FileChannel c = FileChannel.open(dir.resolve("shmtel." + name), StandardOpenOption.WRITE)) {
            c.truncate(0);
        }
    }

    @Test
    void aMirrorTruncatedUnderTheReceiverIsWrittenAgainInANewFileAndTheBridgeGoesOn() throws Exception {
        schema(4);
        samples(4, 0, 9);
        transport.awaitHandled();
        long inode;
        long statsInode;
        try (Region r = Region.open("counter", options); Region s = Region.open("counter.bridge", options)) {
            inode = r.stat().inode();
            statsInode = s.stat().inode();
        }
        truncate("counter");
        truncate("counter.bridge");
        samples(4, 10, 19);
        transport.awaitHandled();
        assertThat(bridge.failure()).as("what stopped the bridge thread; log " + log).isNull();
        try (Subscriber mirror = Subscriber.open("counter", "counter", readers)) {
            assertThat(mirror.region().stat().inode()).as("a new file").isNotEqualTo(inode);
            assertThat(mirror.epoch()).as("still the source's epoch").isEqualTo(4);
            DynamicView view = new DynamicView(mirror.record());
            mirror.seekToOldest();
            String read = pollAll(mirror, view);
            assertThat(read).as("samples sent since, each whole at its source index, the newest last")
                    .endsWith(" 17 18 19");
            assertThat(Long.parseLong(read.split(" ")[0])).as("nothing from before the cut: " + read)
                    .isGreaterThanOrEqualTo(10);
            assertThat(stateAfterLiveStatus(mirror)).isEqualTo(WriterState.LIVE);
        }
        // The statistics region is written every second: at the next turn it is made again too.
        long deadline = System.currentTimeMillis() + STATS_WAIT_MS;
        long statsNow = statsInode;
        while (statsNow == statsInode && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            try (Region s = Region.open("counter.bridge", options)) {
                statsNow = s.stat().inode();
            } catch (RuntimeException e) {
                // still the cut file (corrupt) or between the removal and the new file's link
            }
        }
        assertThat(statsNow).as("a new statistics file; log " + log).isNotEqualTo(statsInode);
        assertThat(bridge.failure()).as("log " + log).isNull();
        assertThat(log).anyMatch(l -> l.contains("region \"counter\"") && l.contains("was truncated to 0 bytes")
                && l.contains("a new file"));
        assertThat(log).anyMatch(l -> l.contains("region \"counter.bridge\"") && l.contains("was truncated"));
    }
}
