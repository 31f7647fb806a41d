package io.shmtel.bridge;

import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** One mirrored record: where its samples go and what was seen of them. */
final class Link {
    final String record;
    final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 2);
    Mirror mirror;
    RingWriter writer;
    ByteBuffer staging;
    long epoch = -1;
    long sender;
    String label = "";
    long expectedSent = -1;
    long lastIndex = -1;
    /** Whether a sample of this record was published into the mirror in the current source epoch. */
    boolean publishedInEpoch;
    long received;
    long lostLink;
    long lostSender;
    /** Samples the link lost since the last sample arrived: part of the next index gap. */
    long unexplainedLinkLoss;
    long intervalBytes;
    long receivedAtLastStats;
    long lastStatsNs = System.nanoTime();
    long lastStatusNs = System.nanoTime();
    WriterState remoteState = WriterState.LIVE;
    String loggedState;

    Link(String record) {
        this.record = record;
    }

    /**
     * The writer to publish source sample {@code index} with, set to publish it at that index (the
     * indexes skipped are left out: lost for the mirror's readers, counted as a lapped reader's are);
     * null when the mirror has that index or a later one already (reordered, or sent again). A first
     * sample of the epoch below the mirror's next index moves the mirror to a new file
     * ({@link Mirror#restartNumbering}).
     */
    RingWriter writerAt(long index) {
        long next = writer.nextSampleIndex();
        if (index < next && (publishedInEpoch || !mirror.restartNumbering(record, index, next) || writer == null)) {
            return null;
        }
        writer.skipTo(index);
        return writer;
    }

    /**
     * A sample of epoch {@code sampleEpoch} came: when it is the epoch whose writer ended, from the sender
     * that reported the end (only its frames reach this link; it forwards every sample of a writer before
     * the end, and a takeover in place changes the epoch), it is a new source file's at that epoch: the
     * mirror moves to a new file ({@link Mirror#restartAfterEnd}).
     */
    void restartIfAfterEnd(long sampleEpoch, long index) {
        if (epoch == sampleEpoch && writer != null && mirror.ended != null && mirror.sourceEpoch == sampleEpoch) {
            mirror.restartAfterEnd(record, index);
        }
    }

    void attach(Mirror m, long sourceEpoch, long senderId, String senderLabel) {
        if (epoch != sourceEpoch || mirror != m) {
            lastIndex = -1; // a new epoch numbers its own samples
            publishedInEpoch = false;
        }
        if (sender != senderId) {
            expectedSent = -1; // a new sender counts from its own start
            unexplainedLinkLoss = 0;
        }
        mirror = m;
        epoch = sourceEpoch;
        sender = senderId;
        label = senderLabel;
        writer = m.publisher.sink(record);
        if (staging == null || staging.capacity() < writer.payloadLength()) {
            staging = ByteBuffer.allocateDirect(Math.max(1, writer.payloadLength())).order(ByteOrder.LITTLE_ENDIAN);
        }
        lastStatusNs = System.nanoTime();
    }
}
