package io.shmtel.foxglove;

import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.view.DynamicView;
import io.shmtel.foxglove.wellknown.WellKnownEncoder;
import io.shmtel.foxglove.wellknown.WellKnownSchemas;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.wellknown.WellKnownDef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One advertised channel: a record of a region in one writer epoch, or one of its well-known messages
 * ({@link Key#mapping()}, issue 27: a channel of its own beside the record's, with its own reader). While a
 * client subscribes to it, it holds a stream {@link Subscriber} and turns samples into messages (JSON or CDR), at
 * most {@code maxRateHz} a second: over that rate the newest sample waits for the next send time (latest-value
 * decimation). Used by the pump thread only.
 */
final class Topic {
    /**
     * The identity of what is advertised: a new epoch, file or layout is a new channel. {@code mapping}: the
     * index of the record's well-known mapping the channel carries, {@link #RAW} for the record itself.
     */
    record Key(String region, String record, long epoch, long inode, long fingerprint, int mapping) {
        static final int RAW = -1;
    }

    final int channelId;
    final Key key;
    final String topicName;
    final MessageEncoding encoding;
    final String schemaName;
    final String schema;
    final Layout layout;
    final RecordLayout recordLayout;
    final List<Client.Subscription> subscriptions = new ArrayList<>();

    private final long intervalNs;
    private final long burstNs;
    private Subscriber subscriber;
    private DynamicView view;
    private ByteBuffer pending;
    private DynamicView pendingView;
    private boolean hasPending;
    private long nextSendNs;
    private final MessageEncoding.Encoder encoder;
    /** The last message sent, for clients that subscribe later. */
    byte[] lastPayload;
    long lastTimestampNs;

    long received;
    long sent;
    long decimated;

    Topic(int channelId, Key key, Layout layout, RecordLayout recordLayout, MessageEncoding encoding,
            double maxRateHz) {
        this.channelId = channelId;
        this.key = key;
        this.encoding = encoding;
        if (key.mapping() == Key.RAW) {
            this.topicName = key.region() + "/" + key.record();
            this.schemaName = encoding.schemaName(layout, recordLayout);
            this.schema = encoding.schema(layout, recordLayout);
            this.encoder = encoding.encoder(recordLayout);
        } else {
            // A well-known message of the record (issue 27): its own channel, reading the record on its own.
            WellKnownDef def = recordLayout.wellKnown().get(key.mapping());
            this.topicName = WellKnownSchemas.topic(key.region(), key.record(),
                    WellKnownSchemas.suffixes(recordLayout).get(key.mapping()));
            this.schemaName = WellKnownSchemas.schemaName(def.type(), encoding);
            this.schema = WellKnownSchemas.schema(def.type(), encoding);
            this.encoder = WellKnownEncoder.create(recordLayout, def, encoding)::encode;
        }
        this.layout = layout;
        this.recordLayout = recordLayout;
        this.intervalNs = maxRateHz == 0 ? 0 : (long) (1e9 / maxRateHz);
        // Up to 100 ms of samples may go out at once after the server was descheduled, so a stream under
        // the rate loses nothing to a hiccup; the average stays at the rate.
        this.burstNs = 100_000_000L;
    }

    boolean active() {
        return subscriber != null;
    }

    /** The stream subscriber while active, else null. */
    Subscriber subscriber() {
        return subscriber;
    }

    /** A rate-limited sample waits to be sent. */
    boolean hasPending() {
        return hasPending;
    }

    /** Starts reading (first subscription): from the newest sample on; that one becomes {@link #lastPayload}. */
    void activate(RegionOptions options, long epochOffsetNs) {
        subscriber = Subscriber.open(key.region(), key.record(), layout, options);
        view = new DynamicView(recordLayout);
        pending = ByteBuffer.allocateDirect(recordLayout.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        pendingView = new DynamicView(recordLayout);
        subscriber.seekToNewest();
        if (subscriber.latest(view)) {
            lastTimestampNs = view.timestampNs() + epochOffsetNs;
            lastPayload = encoder.encode(view, lastTimestampNs);
        }
        nextSendNs = System.nanoTime();
    }

    /** Stops reading (last subscription gone, or the channel is withdrawn). */
    void deactivate() {
        if (subscriber != null) {
            subscriber.close();
            subscriber = null;
        }
        hasPending = false;
    }

    interface Sender {
        void send(Topic topic, byte[] payload, long timestampNs);
    }

    /** Reads what is new and sends what the rate allows; true when anything was read. */
    boolean pump(Sender sender, long epochOffsetNs) {
        boolean any = false;
        while (subscriber.poll(view)) {
            any = true;
            received++;
            long now = System.nanoTime();
            if (maySend(now)) {
                hasPending = false;
                send(sender, view, epochOffsetNs, now);
            } else {
                // Keep a copy of the newest sample: the subscriber's snapshot is overwritten by the next poll.
                if (hasPending) {
                    decimated++;
                }
                pending.put(0, view.buffer(), view.offset(), recordLayout.slotLength());
                pendingView.wrap(pending, 0);
                hasPending = true;
            }
        }
        if (hasPending) {
            long now = System.nanoTime();
            if (maySend(now)) {
                hasPending = false;
                send(sender, pendingView, epochOffsetNs, now);
            }
        }
        return any;
    }

    private boolean maySend(long now) {
        return intervalNs == 0 || now - nextSendNs >= 0;
    }

    private void send(Sender sender, DynamicView sample, long epochOffsetNs, long now) {
        if (intervalNs != 0) {
            nextSendNs = Math.max(nextSendNs, now - burstNs) + intervalNs;
        }
        lastTimestampNs = sample.timestampNs() + epochOffsetNs;
        byte[] payload = encoder.encode(sample, lastTimestampNs);
        lastPayload = payload;
        sent++;
        sender.send(this, payload, lastTimestampNs);
    }

    long lostSamples() {
        return subscriber == null ? 0 : subscriber.lostSamples();
    }
}
