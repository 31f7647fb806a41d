package io.shmtel.bridge;

// Over 400 lines: the one receiving thread and the frames it handles (schemas, samples, status, statistics), which
// share its maps of mirrors and links.

import io.shmtel.bridge.gen.bridge_stats.BridgeStatsSchema;
import io.shmtel.bridge.spi.Inbound;
import io.shmtel.bridge.spi.Transport;
import io.shmtel.core.Clocks;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.idle.WakeSignal;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.region.InvalidRegionNameException;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionDirectory;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.RegionTruncatedException;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Fingerprint;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * The receiving half of a bridge: recreates each mirrored region here (same schema and layout,
 * name {@code prefix + source name}) as its single writer and republishes every sample that
 * arrives at its source index, stamped with its original publish time, so local subscribers read
 * it with the usual semantics (what the link lost is lost for them). The mirror follows the source
 * writer: its epoch is the source's (a source takeover is a takeover of the mirror in place), a
 * source that closes closes the mirror, a source writer that dies leaves the mirror's writer dead,
 * and a source or sender that goes quiet stops the mirror's heartbeat (readers see STALLED).
 * Link statistics go to {@code MIRROR.bridge} (schema {@code bridge_stats}). See docs/bridge.md.
 */
public final class ReceiverBridge implements AutoCloseable {
    public static final String STATS_SUFFIX = RegionDirectory.BRIDGE_STATS_SUFFIX;
    static final Layout STATS_LAYOUT = LayoutCompiler.compile(SchemaParser.parse(BridgeStatsSchema.CANONICAL_JSON,
            "bridge_stats"));
    private static final WriterState[] STATES = WriterState.values();
    private static final int UNBATCHED_CAPACITY = 4096;
    private final ReceiverConfig config;
    private final Transport transport;
    private final Inbound in;
    private final Consumer<String> log;
    private final RegionOptions mirrorOptions;
    private final Map<String, Mirror> mirrors = new LinkedHashMap<>();
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final Map<StreamKey, Link> streams = new HashMap<>();
    private final Map<Long, Layout> layouts = new HashMap<>();
    private final Set<String> unmirrorable = new HashSet<>();
    private final IdleStrategy idle;
    /** What a blocking idle strategy sleeps on here: a park, ended by the transport's unpark or the bound. */
    private static final WakeSignal PARK = LockSupport::parkNanos;
    private final Inbound.FrameHandler handler = this::onFrame;
    private final Thread thread;
    private final StreamKey probe = new StreamKey();
    /** One sample of a SAMPLES frame as a SAMPLE frame, for {@link #onSample}. */
    private ByteBuffer unbatched = ByteBuffer.allocateDirect(UNBATCHED_CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
    private long monotonicToEpochNs = Clocks.monotonicToEpochOffsetNs();
    private volatile boolean running = true;
    private volatile Throwable failure;
    /** Counted down once the thread has applied its placement (or failed to). */
    private final CountDownLatch placed = new CountDownLatch(1);
    private volatile PlacementException placementRefused;
    private volatile long received;
    private volatile long badFrames;
    private volatile long withoutSchema;
    private volatile long duplicates;
    private String lastBadFrame;

    private ReceiverBridge(ReceiverConfig config, Transport transport, Consumer<String> log) {
        this.config = config;
        this.idle = config.idle().receiving();
        this.transport = transport;
        this.log = log;
        // The bridge's owner closes it (and so its mirrors, as their sources ended) on shutdown: no hook of their own.
        this.mirrorOptions = config.regions().withHeartbeatThread(false).withHeartbeatPeriod(
                Duration.ofMillis(100)).withCloseOnShutdown(false);
        this.in = transport.inbound(config.channel(), config.streamId(), config.reliable());
        this.thread = new Thread(this::run, "shmtel-bridge-receive-" + config.name());
        this.thread.setDaemon(true);
    }

    /**
     * Starts receiving on {@code config}'s channel through {@code transport} (which the caller closes after this).
     *
     * @throws PlacementException when the system refuses the thread's {@link ReceiverConfig#placement()}
     */
    public static ReceiverBridge start(ReceiverConfig config, Transport transport, Consumer<String> log) {
        ReceiverBridge bridge = new ReceiverBridge(config, transport, log);
        bridge.thread.start();
        PlacementException refused = SenderBridge.awaitPlacement(bridge.placed, () -> bridge.placementRefused);
        if (refused != null) {
            bridge.close();
            throw refused;
        }
        log.accept("bridge " + config.name() + ": receiving on " + config.channel() + " stream " + config.streamId()
                + (config.reliable() ? "" : " (unreliable: lost samples stay lost and are counted)")
                + (config.prefix().isEmpty() ? "" : "; mirrors are named " + config.prefix() + "<region>"));
        return bridge;
    }

    /** Samples republished here. */
    public long received() {
        return received;
    }

    /** Frames that were not shmtel bridge frames of this version (each logged once a second at most). */
    public long badFrames() {
        return badFrames;
    }

    /** Samples that arrived before their stream's schema (a receiver that joined late drops them until it comes). */
    public long withoutSchema() {
        return withoutSchema;
    }

    /** Samples dropped as the mirror had that index or a later one (a restarted sender's, or reordered). */
    public long duplicates() {
        return duplicates;
    }

    /** The error that stopped the bridge thread, or null while it runs. */
    public Throwable failure() {
        return failure;
    }

    private void run() {
        try {
            config.placement().apply();
        } catch (PlacementException e) {
            placementRefused = e; // start() closes the bridge and throws it
            return;
        } finally {
            placed.countDown();
        }
        try {
            long nextStats = System.nanoTime() + config.statsPeriod().toNanos();
            // A fault on the mapping of a mirror truncated under the bridge (SIGBUS) that the JVM raises at a later
            // instruction than the store ends one turn here; the next publish into that mirror finds it truncated and
            // starts it again (onSample). The other mirrors go on.
            while (running) {
                try {
                    while (running) {
                        int n = in.poll(handler, 256);
                        long now = System.nanoTime();
                        if (now - nextStats >= 0) {
                            nextStats = now + config.statsPeriod().toNanos();
                            monotonicToEpochNs = Clocks.monotonicToEpochOffsetNs();
                            publishStats(now);
                        }
                        if (n == 0) {
                            // Blocking parks until the transport wakes this thread (a frame may have arrived) or the
                            // next statistics; over a transport that does not, at most maxPark. Polling strategies
                            // poll.
                            idle.idle(PARK, in.wakesPoller() ? nextStats - now : config.maxPark().toNanos());
                        } else {
                            idle.reset();
                        }
                    }
                } catch (InternalError e) {
                    if (Region.truncatedMappingFault(e) == null) {
                        throw e;
                    }
                }
            }
        } catch (Throwable t) {
            failure = t;
            log.accept("bridge " + config.name() + ": stopped by " + t);
        }
    }

    private void onFrame(ByteBuffer frame, int length) {
        String problem = Frames.check(frame, length);
        if (problem != null) {
            badFrames++;
            if (!problem.equals(lastBadFrame)) {
                lastBadFrame = problem;
                log.accept("bridge " + config.name() + ": dropped a frame: " + problem);
            }
            return;
        }
        switch (Frames.type(frame)) {
            case Frames.SCHEMA -> onSchema(frame);
            case Frames.SAMPLE -> onSample(frame);
            case Frames.SAMPLES -> onSamples(frame);
            default -> onStatus(frame);
        }
    }

    /** Each sample of a SAMPLES frame, in order, through {@link #onSample} as the SAMPLE frame it stands for. */
    private void onSamples(ByteBuffer frame) {
        int count = Frames.batchCount(frame);
        for (int i = 0; i < count; i++) {
            int payload = frame.getInt(Frames.BATCH_PAYLOAD_LENGTH);
            if (unbatched.capacity() < Frames.SAMPLE_PAYLOAD + payload) {
                unbatched = ByteBuffer.allocateDirect(Integer.highestOneBit(Frames.SAMPLE_PAYLOAD + payload) * 2)
                        .order(ByteOrder.LITTLE_ENDIAN);
            }
            Frames.unbatch(frame, i, unbatched);
            onSample(unbatched);
        }
    }

    private Link link(ByteBuffer frame) {
        return streams.get(probe.set(Frames.senderId(frame), Frames.stream(frame)));
    }

    private void onSchema(ByteBuffer frame) {
        long senderId = Frames.senderId(frame);
        long epoch = Frames.epoch(frame);
        long layoutFingerprint = frame.getLong(Frames.LAYOUT_FINGERPRINT);
        Link known = link(frame);
        if (known != null && known.sender == senderId && known.epoch == epoch
                && known.mirror.layoutFingerprint == layoutFingerprint) {
            return; // the periodic repeat of what is set up already
        }
        String[] strings = Frames.schemaStrings(frame);
        String local = config.prefix() + strings[0];
        if (unmirrorable.contains(local)) {
            return; // said once already; its schema frames repeat every second
        }
        String why = unmirrorable(strings[0], local);
        if (why != null) {
            unmirrorable.add(local);
            log.accept("bridge " + config.name() + ": cannot mirror region " + strings[0] + ": " + why);
            return;
        }
        Layout layout = layouts.computeIfAbsent(layoutFingerprint, fp -> compile(strings[3], fp, strings[0]));
        if (layout == null) {
            return;
        }
        Mirror mirror = mirrors.get(local);
        if (mirror == null) {
            mirror = new Mirror(local, config, mirrorOptions, log, links);
            mirrors.put(local, mirror);
        }
        if (mirror.publisher == null || mirror.layoutFingerprint != layoutFingerprint || mirror.sourceEpoch != epoch) {
            if (mirror.sourceEpoch == epoch && mirror.layoutFingerprint == layoutFingerprint && mirror.ended != null) {
                return; // the source writer of this epoch closed or died: wait for a new epoch
            }
            mirror.sender = strings[2];
            if (!mirror.start(layout, epoch)) {
                return;
            }
        }
        String record = strings[1];
        if (layout.record(record).isEmpty()) {
            log.accept("bridge " + config.name() + ": sender " + strings[2] + " names record " + record
                    + " that its own schema lacks; ignored");
            return;
        }
        Link link = links.computeIfAbsent(local + "/" + record, k -> new Link(record));
        link.attach(mirror, epoch, senderId, strings[2]);
        streams.put(new StreamKey().set(senderId, Frames.stream(frame)), link);
        log.accept("bridge " + config.name() + ": mirroring " + strings[0] + "/" + record + " of " + strings[2]
                + " (source epoch " + epoch + ", layout " + Fingerprint.hex(layoutFingerprint) + ") as " + local + "/"
                + record + " (epoch " + mirror.publisher.epoch() + ")");
    }

    /**
     * Why region {@code source} cannot be mirrored here as {@code local} (its statistics region
     * {@code local.bridge} too), or null when it can.
     */
    private String unmirrorable(String source, String local) {
        String stats = local + STATS_SUFFIX;
        int max = RegionDirectory.MAX_NAME_LENGTH;
        if (stats.length() > max) {
            int room = max - STATS_SUFFIX.length() - source.length();
            return "its name here, " + local + ", is " + local.length() + " characters (" + stats.length() + " with "
                    + STATS_SUFFIX + " for its statistics), over the " + max + " limit; " + (room >= 0
                    ? "use a --prefix of at most " + room + " characters (now " + config.prefix().length() + ")"
                    : "rename the region on the sender (at most " + RegionDirectory.MAX_BRIDGED_NAME_LENGTH
                            + " characters can be mirrored)");
        }
        try {
            RegionDirectory.checkName(local);
            RegionDirectory.checkName(stats);
            return null;
        } catch (InvalidRegionNameException e) {
            return e.getMessage();
        }
    }

    private Layout compile(String schemaText, long fingerprint, String region) {
        try {
            Layout layout = LayoutCompiler.compile(SchemaParser.parse(schemaText, "bridge:" + region));
            if (layout.fingerprint() != fingerprint) {
                log.accept("bridge " + config.name() + ": region " + region + ": its schema compiles here to layout "
                        + Fingerprint.hex(layout.fingerprint()) + ", the sender's is " + Fingerprint.hex(fingerprint)
                        + " (different shmtel versions?); not mirrored");
                return null;
            }
            return layout;
        } catch (RuntimeException e) {
            log.accept("bridge " + config.name() + ": region " + region + ": its schema does not compile here: "
                    + e.getMessage() + "; not mirrored");
            return null;
        }
    }

    private void onSample(ByteBuffer frame) {
        Link link = link(frame);
        long epoch = Frames.epoch(frame);
        if (link != null) {
            link.restartIfAfterEnd(epoch, frame.getLong(Frames.SAMPLE_INDEX));
        }
        if (link == null || link.epoch != epoch || link.writer == null || link.mirror.ended != null) {
            withoutSchema++;
            return;
        }
        long index = frame.getLong(Frames.SAMPLE_INDEX);
        long sentCount = frame.getLong(Frames.SENT_COUNT);
        if (index <= link.lastIndex) {
            duplicates++;
            link.expectedSent = sentCount + 1;
            return;
        }
        if (link.expectedSent >= 0 && sentCount > link.expectedSent) {
            link.lostLink += sentCount - link.expectedSent;
            link.unexplainedLinkLoss += sentCount - link.expectedSent;
        }
        link.expectedSent = sentCount + 1;
        if (link.lastIndex >= 0) {
            // The index gap minus what the link lost since the last sample: what the sender never sent.
            link.lostSender += Math.max(0, index - link.lastIndex - 1 - link.unexplainedLinkLoss);
        }
        link.unexplainedLinkLoss = 0;
        link.lastIndex = index;
        int payload = frame.getInt(Frames.PAYLOAD_LENGTH);
        if (payload != link.writer.payloadLength()) {
            withoutSchema++;
            return;
        }
        link.staging.put(0, frame, Frames.SAMPLE_PAYLOAD, payload);
        long publishEpochNs = frame.getLong(Frames.PUBLISH_EPOCH_NS);
        long nowMonotonic = System.nanoTime();
        long timestampNs = publishEpochNs - monotonicToEpochNs;
        boolean published;
        try {
            published = publishAt(link, index, payload, timestampNs);
        } catch (RegionTruncatedException e) {
            // The mirror's file was cut under this bridge: a new file, and this sample into it.
            if (!link.mirror.truncated() || link.writer == null) {
                return; // the name could not be had (said in the log): the sample is dropped
            }
            published = publishAt(link, index, payload, timestampNs);
        }
        if (!published) {
            duplicates++; // the mirror has this index or a later one: a sample is never written backwards
            return;
        }
        link.publishedInEpoch = true;
        long latency = nowMonotonic + monotonicToEpochNs - publishEpochNs;
        link.latency.recordValue(Math.min(Math.max(0, latency), link.latency.getHighestTrackableValue()));
        link.received++;
        link.intervalBytes += payload;
        received++;
    }

    /**
     * Publishes the staged sample at source index {@code index}; false when the mirror has that index or a
     * later one. Throws {@link RegionTruncatedException} when the mirror's file was cut.
     */
    private static boolean publishAt(Link link, long index, int payload, long timestampNs) {
        RingWriter writer = link.writerAt(index);
        if (writer == null) {
            return false;
        }
        writer.publish(link.staging, payload, timestampNs);
        return true;
    }

    private void onStatus(ByteBuffer frame) {
        Link link = link(frame);
        if (link == null || link.epoch != Frames.epoch(frame)) {
            return;
        }
        long sentTotal = frame.getLong(Frames.SENT_TOTAL);
        if (link.expectedSent >= 0 && sentTotal > link.expectedSent) {
            link.lostLink += sentTotal - link.expectedSent; // the tail that never arrived
            link.unexplainedLinkLoss += sentTotal - link.expectedSent;
            link.expectedSent = sentTotal;
        }
        int ordinal = (int) frame.getLong(Frames.WRITER_STATE);
        WriterState state = ordinal >= 0 && ordinal < STATES.length ? STATES[ordinal] : WriterState.WAITING;
        link.remoteState = state;
        link.lastStatusNs = System.nanoTime();
        Mirror mirror = link.mirror;
        if (mirror.ended != null || mirror.publisher == null) {
            return;
        }
        switch (state) {
            case LIVE -> {
                try {
                    mirror.publisher.heartbeat();
                } catch (RegionTruncatedException e) {
                    mirror.truncated(); // a new file, which starts with a fresh heartbeat
                }
            }
            case CLOSED, WRITER_DEAD -> mirror.end(state);
            default -> { } // STALLED: no heartbeat, so local readers see STALLED too
        }
    }

    private void publishStats(long now) {
        long repairs = 0;
        String repairsCounter = transport.repairsCounter();
        if (repairsCounter != null) {
            repairs = transport.counters().getOrDefault(repairsCounter, 0L);
        }
        for (Link link : links.values()) {
            Mirror mirror = link.mirror;
            String state = now - link.lastStatusNs > config.silenceTimeout().toNanos() ? "SILENT"
                    : link.remoteState.name();
            long intervalReceived = link.received - link.receivedAtLastStats;
            double seconds = (now - link.lastStatsNs) / 1e9;
            link.receivedAtLastStats = link.received;
            link.lastStatsNs = now;
            double rate = intervalReceived / seconds;
            double bytes = link.intervalBytes / seconds;
            link.intervalBytes = 0;
            Histogram h = link.latency;
            long p50 = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(50);
            long p99 = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99);
            long max = h.getTotalCount() == 0 ? 0 : h.getMaxValue();
            h.reset();
            if (mirror.stats != null) {
                try {
                    mirror.statsWriter.sourceRecord(link.record).sender(link.label).remoteState(state)
                            .sourceEpoch(link.epoch).received(link.received).lostLink(link.lostLink)
                            .lostSender(link.lostSender).repairs(repairs).rateHz(rate).bytesPerS(bytes)
                            .latencyP50Ns(p50).latencyP99Ns(p99).latencyMaxNs(max).commit();
                } catch (RegionTruncatedException e) {
                    mirror.statsTruncated(); // this period's figures are lost; the next go into the new file
                }
            }
            if (intervalReceived > 0 || !state.equals(link.loggedState)) {
                link.loggedState = state;
                log.accept(String.format("bridge %s: %s/%s from %s %s epoch %d: %.1f samples/s, received %d, lost on"
                        + " the link %d, lost before sending %d, repaired %d, latency p50 %.1f us p99 %.1f us max "
                                + "%.1f us",
                        config.name(), mirror.name, link.record, link.label, state, link.epoch, rate, link.received,
                        link.lostLink, link.lostSender, repairs, p50 / 1e3, p99 / 1e3, max / 1e3));
            }
        }
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Mirror m : mirrors.values()) {
            m.close();
        }
        in.close();
        log.accept("bridge " + config.name() + ": stopped; received " + received + " samples"
                + (duplicates > 0 ? ", dropped " + duplicates + " duplicates" : "")
                + (withoutSchema > 0 ? ", " + withoutSchema + " before their schema" : "")
                + (badFrames > 0 ? ", " + badFrames + " bad frames" : ""));
    }
}
