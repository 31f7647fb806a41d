package io.shmtel.bridge;

import io.shmtel.core.placement.ThreadPlacement;
import io.shmtel.core.region.RegionDirectory;
import io.shmtel.core.region.RegionOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A sending bridge: which records to forward and where.
 *
 * @param name          for logs
 * @param targets       {@code REGION} (every record) or {@code REGION/RECORD}
 * @param channel       the transport's address of the receiver(s), e.g. {@code aeron:udp?endpoint=10.0.0.2:40456}
 * @param streamId      the transport stream; sender and receiver must agree
 * @param regions       how the source regions are opened
 * @param statusPeriod  how often the writer state and counts are sent (the receiver's liveness)
 * @param schemaPeriod  how often every stream's schema is repeated for late joiners
 * @param maxPark       kept for compatibility: the sender's thread now sleeps on its source records
 *                      until one publishes (wake-on-publish), at most until its next status or schema
 *                      message; the receiver's {@link ReceiverConfig#maxPark} and the transport's
 *                      idle option still bound polling on the network side
 * @param placement     where the bridge's thread runs and how it is scheduled, applied first thing on it
 *                      (default {@link ThreadPlacement#none()})
 * @param idle          what the bridge's thread does while no source record has a new sample (default
 *                      {@link BridgeIdle#DEFAULT}: it sleeps until a writer publishes)
 */
public record SenderConfig(String name, List<String> targets, String channel, int streamId, RegionOptions regions,
        Duration statusPeriod, Duration schemaPeriod, Duration maxPark, ThreadPlacement placement, BridgeIdle idle) {

    /**
     * The default {@link #maxPark}: a bridge without traffic costs a few % of a core, and a 1 kHz stream is not slowed.
     */
    public static final Duration DEFAULT_MAX_PARK = Duration.ofMillis(2);

    public static final int DEFAULT_STREAM = 1001;

    public SenderConfig {
        targets = List.copyOf(targets);
        placement = Objects.requireNonNullElse(placement, ThreadPlacement.none());
        idle = Objects.requireNonNullElse(idle, BridgeIdle.DEFAULT);
        if (targets.isEmpty()) {
            throw new BridgeException("bridge " + name +
                    ": nothing to send (name at least one REGION or REGION/RECORD)");
        }
        for (String t : targets) {
            Target.parse(t);
        }
    }

    public static SenderConfig of(String name, List<String> targets, String channel, int streamId,
            RegionOptions regions) {
        return new SenderConfig(name, targets, channel, streamId, regions, Duration.ofMillis(100),
                Duration.ofSeconds(1), DEFAULT_MAX_PARK, ThreadPlacement.none(), BridgeIdle.DEFAULT);
    }

    public SenderConfig withMaxPark(Duration value) {
        return new SenderConfig(name, targets, channel, streamId, regions, statusPeriod, schemaPeriod, value,
                placement, idle);
    }

    /** This config with the bridge thread placed by {@code value}. */
    public SenderConfig withPlacement(ThreadPlacement value) {
        return new SenderConfig(name, targets, channel, streamId, regions, statusPeriod, schemaPeriod, maxPark,
                value, idle);
    }

    /** This config with the bridge thread idling by {@code value}. */
    public SenderConfig withIdle(BridgeIdle value) {
        return new SenderConfig(name, targets, channel, streamId, regions, statusPeriod, schemaPeriod, maxPark,
                placement, value);
    }

    /** A parsed target: a region and one record, or every record when {@code record} is null. */
    record Target(String region, String record) {
        static Target parse(String text) {
            int slash = text.indexOf('/');
            if (text.isEmpty() || slash == 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
                throw new BridgeException("bad bridge target \"" + text + "\": expected REGION or REGION/RECORD");
            }
            Target t = slash < 0 ? new Target(text, null) : new Target(text.substring(0, slash),
                    text.substring(slash + 1));
            int max = RegionDirectory.MAX_BRIDGED_NAME_LENGTH;
            if (t.region.length() > max) { // the receiver alone knows its prefix; this much no receiver can mirror
                throw new BridgeException("bridge target \"" + text + "\": the region's name is " + t.region.length()
                        + " characters, and a receiver names its statistics region NAME" + ReceiverBridge.STATS_SUFFIX
                        + ", over the " + RegionDirectory.MAX_NAME_LENGTH
                                + " limit: no receiver can mirror it; rename the"
                        + " region (at most " + max + " characters)");
            }
            return t;
        }
    }
}
