package io.shmtel.bridge;

import io.shmtel.core.region.RegionOptions;
import java.time.Duration;

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
 */
public record ReceiverConfig(String name, String channel, int streamId, boolean reliable, String prefix,
        RegionOptions regions, Duration statsPeriod, Duration silenceTimeout, boolean removeOnExit, Duration maxPark) {

    public ReceiverConfig {
        prefix = prefix == null ? "" : prefix;
    }

    public static ReceiverConfig of(String name, String channel, int streamId, String prefix, RegionOptions regions) {
        return new ReceiverConfig(name, channel, streamId, true, prefix, regions, Duration.ofSeconds(1),
                Duration.ofMillis(500), false, SenderConfig.DEFAULT_MAX_PARK);
    }

    public ReceiverConfig withReliable(boolean value) {
        return new ReceiverConfig(name, channel, streamId, value, prefix, regions, statsPeriod, silenceTimeout,
                removeOnExit, maxPark);
    }

    public ReceiverConfig withStatsPeriod(Duration value) {
        return new ReceiverConfig(name, channel, streamId, reliable, prefix, regions, value, silenceTimeout,
                removeOnExit, maxPark);
    }

    public ReceiverConfig withMaxPark(Duration value) {
        return new ReceiverConfig(name, channel, streamId, reliable, prefix, regions, statsPeriod, silenceTimeout,
                removeOnExit,
                value);
    }

    public ReceiverConfig withRemoveOnExit(boolean value) {
        return new ReceiverConfig(name, channel, streamId, reliable, prefix, regions, statsPeriod, silenceTimeout,
                value, maxPark);
    }
}
