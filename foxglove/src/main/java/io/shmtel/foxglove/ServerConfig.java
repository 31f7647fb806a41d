package io.shmtel.foxglove;

import io.shmtel.core.idle.IdleStrategies;
import io.shmtel.core.idle.IdleStrategyKind;
import io.shmtel.core.region.RegionDirectory;
import io.shmtel.core.region.RegionOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What {@link FoxgloveServer} serves and how.
 *
 * @param bind          the address to listen on; loopback unless the user asks otherwise
 * @param port          the TCP port (0: any free port)
 * @param maxRateHz     per subscribed channel, the most messages a second sent to a client; over it
 *                      the newest sample is sent at this rate (latest-value decimation). 0: no limit
 * @param encoding      JSON with JSON Schemas (default), or ROS 2 CDR with ros2msg definitions
 * @param targets       {@code REGION} or {@code REGION/RECORD} to serve; empty: every region of the directory
 * @param regions       where the regions are and the reader timings
 * @param scanPeriod    how often the directory is looked at for regions that appear, go, or change epoch
 * @param highWaterBytes per client, bytes queued in the server before it stops writing samples to that
 *                      client and keeps only the newest one per subscription (a slow client never grows
 *                      the server's memory beyond this and never delays the others)
 * @param idle          the pump's idle strategy by name (default {@code blocking}: it sleeps on every
 *                      subscribed record until a writer publishes; {@code backoff} polls)
 * @param allRecords    advertise every record of a region at once; by default (false) a record is
 *                      advertised once it has published a sample, so the records of a schema that the
 *                      region's writer never fills are no channels (records named in {@code targets}
 *                      are advertised either way)
 * @param allowedOrigins web origins ({@code scheme://host[:port]}, {@code *} for any) whose pages may open a
 *                      WebSocket besides those {@link OriginPolicy} accepts by default (clients without an
 *                      Origin header, the server's own page, Foxglove's web app)
 */
public record ServerConfig(String bind, int port, double maxRateHz, MessageEncoding encoding, List<String> targets,
        RegionOptions regions,
        Duration scanPeriod, int highWaterBytes, String idle, boolean allRecords, List<String> allowedOrigins) {
    public static final String LOOPBACK = "127.0.0.1";
    public static final int DEFAULT_PORT = 8765;
    public static final double DEFAULT_MAX_RATE_HZ = 1000;

    public ServerConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(regions, "regions");
        Objects.requireNonNull(encoding, "encoding");
        targets = List.copyOf(targets);
        allowedOrigins = allowedOrigins.stream().map(OriginPolicy::normalise).distinct().toList();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not a TCP port (0-65535; 0 picks a free one)");
        }
        if (!(maxRateHz >= 0) || Double.isInfinite(maxRateHz)) {
            throw new IllegalArgumentException("max rate " + maxRateHz
                    + " Hz: give a positive rate, or 0 for no limit");
        }
        if (scanPeriod.isNegative() || scanPeriod.isZero()) {
            throw new IllegalArgumentException("scan period must be positive, not " + scanPeriod);
        }
        IdleStrategyKind.byName(idle); // refuses an unknown name with the list of names
        if (highWaterBytes < 4096) {
            throw new IllegalArgumentException("high-water mark " + highWaterBytes + " bytes is below 4096");
        }
    }

    /** Loopback, port 8765, 1 kHz per channel, every region of {@code regions}' directory. */
    public static ServerConfig defaults(RegionOptions regions) {
        return new ServerConfig(LOOPBACK, DEFAULT_PORT, DEFAULT_MAX_RATE_HZ, MessageEncoding.JSON, List.of(), regions,
                Duration.ofMillis(250),
                1 << 20, IdleStrategies.BLOCKING, false, List.of());
    }

    /** The region directory served: the configured one, else the environment's ({@code SHMTEL_DIR}, /dev/shm). */
    public RegionDirectory directory() {
        return RegionDirectory.of(regions.directory());
    }

    public ServerConfig withBind(String address) {
        return new ServerConfig(address, port, maxRateHz, encoding, targets, regions, scanPeriod, highWaterBytes, idle,
                allRecords, allowedOrigins);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(bind, newPort, maxRateHz, encoding, targets, regions, scanPeriod, highWaterBytes, idle,
                allRecords, allowedOrigins);
    }

    public ServerConfig withMaxRateHz(double rate) {
        return new ServerConfig(bind, port, rate, encoding, targets, regions, scanPeriod, highWaterBytes, idle,
                allRecords, allowedOrigins);
    }

    public ServerConfig withEncoding(MessageEncoding newEncoding) {
        return new ServerConfig(bind, port, maxRateHz, newEncoding, targets, regions, scanPeriod, highWaterBytes, idle,
                allRecords, allowedOrigins);
    }

    public ServerConfig withTargets(List<String> newTargets) {
        return new ServerConfig(bind, port, maxRateHz, encoding, newTargets, regions, scanPeriod, highWaterBytes, idle,
                allRecords, allowedOrigins);
    }

    public ServerConfig withScanPeriod(Duration period) {
        return new ServerConfig(bind, port, maxRateHz, encoding, targets, regions, period, highWaterBytes, idle,
                allRecords, allowedOrigins);
    }

    public ServerConfig withIdle(String strategy) {
        return new ServerConfig(bind, port, maxRateHz, encoding, targets, regions, scanPeriod, highWaterBytes, strategy,
                allRecords, allowedOrigins);
    }

    public ServerConfig withHighWaterBytes(int bytes) {
        return new ServerConfig(bind, port, maxRateHz, encoding, targets, regions, scanPeriod, bytes, idle, allRecords,
                allowedOrigins);
    }

    public ServerConfig withAllRecords(boolean all) {
        return new ServerConfig(bind, port, maxRateHz, encoding, targets, regions, scanPeriod, highWaterBytes, idle,
                all, allowedOrigins);
    }

    /** Also accepts WebSocket handshakes from pages of these origins ({@code *}: any); see {@link OriginPolicy}. */
    public ServerConfig withAllowedOrigins(List<String> origins) {
        return new ServerConfig(bind, port, maxRateHz, encoding, targets, regions, scanPeriod, highWaterBytes, idle,
                allRecords,
                origins);
    }
}
