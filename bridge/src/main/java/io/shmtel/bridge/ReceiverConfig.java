package io.shmtel.bridge;

import io.shmtel.core.placement.ThreadPlacement;
import io.shmtel.core.region.RegionOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * A receiving bridge: where to listen and how to name the regions it recreates.
 *
 * @param name           for logs
 * @param channel        the transport's local address, e.g. {@code aeron:udp?endpoint=0.0.0.0:40456}
 * @param streamId       the transport stream; sender and receiver must agree
 * @param reliable       the transport repairs losses (default); false: lost samples stay lost and are counted
 * @param prefix         put before each source region's name to name its mirror here (may be empty)
 * @param regions        how mirrors are created (directory, mode)
 * @param statsPeriod    how often each link's statistics are published and logged
 * @param silenceTimeout a sender without a status report for this long is reported SILENT
 * @param removeOnExit   remove the mirrors (and their statistics regions) when the bridge stops
 * @param maxPark        the longest the bridge thread sleeps when nothing arrives
 * @param placement      where the bridge's thread runs and how it is scheduled, applied first thing on it
 *                       (default {@link ThreadPlacement#none()})
 * @param idle           what the bridge's thread does while no frame arrives (default {@link BridgeIdle#DEFAULT})
 */
public record ReceiverConfig(String name, String channel, int streamId, boolean reliable, String prefix,
        RegionOptions regions, Duration statsPeriod, Duration silenceTimeout, boolean removeOnExit, Duration maxPark,
        ThreadPlacement placement, BridgeIdle idle) {

    public ReceiverConfig {
        prefix = prefix == null ? "" : prefix;
        placement = Objects.requireNonNullElse(placement, ThreadPlacement.none());
        idle = Objects.requireNonNullElse(idle, BridgeIdle.DEFAULT);
    }

    public static ReceiverConfig of(String name, String channel, int streamId, String prefix, RegionOptions regions) {
        return new ReceiverConfig(name, channel, streamId, true, prefix, regions, Duration.ofSeconds(1),
                Duration.ofMillis(500), false, SenderConfig.DEFAULT_MAX_PARK, ThreadPlacement.none(),
                BridgeIdle.DEFAULT);
    }

    public ReceiverConfig withReliable(boolean value) {
        return new ReceiverConfig(name, channel, streamId, value, prefix, regions, statsPeriod, silenceTimeout,
                removeOnExit, maxPark, placement, idle);
    }

    public ReceiverConfig withStatsPeriod(Duration value) {
        return new ReceiverConfig(name, channel, streamId, reliable, prefix, regions, value, silenceTimeout,
                removeOnExit, maxPark, placement, idle);
    }

    public ReceiverConfig withMaxPark(Duration value) {
        return new ReceiverConfig(name, channel, streamId, reliable, prefix, regions, statsPeriod, silenceTimeout,
                removeOnExit, value, placement, idle);
    }

    public ReceiverConfig withRemoveOnExit(boolean value) {
        return new ReceiverConfig(name, channel, streamId, reliable, prefix, regions, statsPeriod, silenceTimeout,
                value, maxPark, placement, idle);
    }

    /** This config with the bridge thread placed by {@code value}. */
    public ReceiverConfig withPlacement(ThreadPlacement value) {
        return new ReceiverConfig(name, channel, streamId, reliable, prefix, regions, statsPeriod, silenceTimeout,
                removeOnExit, maxPark, value, idle);
    }

    /** This config with the bridge thread idling by {@code value}. */
    public ReceiverConfig withIdle(BridgeIdle value) {
        return new ReceiverConfig(name, channel, streamId, reliable, prefix, regions, statsPeriod, silenceTimeout,
                removeOnExit, maxPark, placement, value);
    }
}
