package io.shmtel.config;

import io.shmtel.core.idle.IdleParameter;
import io.shmtel.core.idle.IdleStrategyKind;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.placement.ThreadPlacement;
import io.shmtel.core.region.MemoryOptions;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.schema.layout.Layout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A validated deployment file: the regions, and the nodes (named groups of drivers and
 * subscribers) that one {@code shmtel run} starts. See docs/deployment.md.
 */
public record Deployment(String name, Path file, Path directory, Duration heartbeatPeriod, boolean removeRegionsOnExit,
        List<RegionSpec> regions, List<NodeSpec> nodes) {

    /**
     * A region: its schema, file mode, memory options (prefault, lock, hints, huge pages) and msync period (zero:
     * none).
     */
    public record RegionSpec(String name, Path schemaFile, Layout layout, int mode, MemoryOptions memory,
            Duration flushPeriod) {

        public RegionSpec(String name, Path schemaFile, Layout layout, int mode) {
            this(name, schemaFile, layout, mode, MemoryOptions.defaults(), Duration.ZERO);
        }

        /** {@code base} with this region's mode, memory options and flush period. */
        public RegionOptions options(RegionOptions base) {
            return base.withMode(mode).withMemory(memory).withFlushPeriod(flushPeriod);
        }
    }

    /**
     * A named group of drivers, subscribers and bridges started together; {@code placement} is the node's
     * {@code cpu} and {@code scheduling}, the default of its entries' threads.
     */
    public record NodeSpec(String name, List<DriverSpec> drivers, List<SubscriberSpec> subscribers,
            List<BridgeSpec> bridges, PlacementSpec placement) {
        public NodeSpec(String name, List<DriverSpec> drivers, List<SubscriberSpec> subscribers) {
            this(name, drivers, subscribers, List.of());
        }

        public NodeSpec(String name, List<DriverSpec> drivers, List<SubscriberSpec> subscribers,
                List<BridgeSpec> bridges) {
            this(name, drivers, subscribers, bridges, PlacementSpec.NONE);
        }
    }

    /**
     * Where a thread of the deployment runs and how it is scheduled (the file's {@code cpu} and {@code scheduling},
     * docs/deployment.md "Placement and real-time scheduling"), and where the file gave each: the entry's own key or
     * its node's ({@code /nodes/0/scheduling}), empty when not given, so that a refusal at start names the key to
     * change.
     */
    public record PlacementSpec(ThreadPlacement placement, String cpuAt, String schedulingAt) {
        /** No placement: threads run where and as they are. */
        public static final PlacementSpec NONE = new PlacementSpec(ThreadPlacement.none(), "", "");

        /**
         * The refusal {@code e} of this placement at start, as a {@link PlacementException} that names the file
         * ({@code source}) and the key that asked for the refused setting, then what {@code e} says (the thread,
         * the setting, the limit and the fix).
         */
        public PlacementException refused(String source, PlacementException e) {
            PlacementException root = e;
            while (root.getCause() instanceof PlacementException cause) {
                root = cause;
            }
            // The CPU refusals of ThreadPlacement say "CPU ..." or "CPUs ..."; the others name a policy, a nice value
            // or the memory lock, all of "scheduling".
            boolean cpus = root.getMessage() != null && root.getMessage().startsWith("CPU");
            String at = cpus && !cpuAt.isEmpty() || schedulingAt.isEmpty() ? cpuAt : schedulingAt;
            return new PlacementException(source + ": " + (at.isEmpty() ? "" : at + ": ") + e.getMessage(), e);
        }
    }

    /**
     * A network bridge (docs/bridge.md): {@code send} forwards {@code targets} ("region" or
     * "region/record") to {@code channel}; {@code receive} mirrors what arrives on {@code channel},
     * naming mirrors {@code prefix + region}. {@code channel} is the transport's address (for Aeron a
     * channel URI, made from the file's {@code to}/{@code listen} HOST:PORT). {@code idle}: how its threads wait
     * while nothing is new, or null for the bridge's default (blocking).
     */
    public record BridgeSpec(String name, String direction, String transport, String channel, int stream,
            List<String> targets, String prefix, boolean reliable, PlacementSpec placement, IdleSpec idle) {
        public static final String SEND = "send";
        public static final String RECEIVE = "receive";

        /** A bridge with its node's placement (none) and the default idle policy. */
        public BridgeSpec(String name, String direction, String transport, String channel, int stream,
                List<String> targets, String prefix, boolean reliable) {
            this(name, direction, transport, channel, stream, targets, prefix, reliable, PlacementSpec.NONE, null);
        }
    }

    /**
     * A driver of {@code type} filling {@code region/record} at {@code rateHz}; an optional one may be missing its
     * source. {@code placement}: its sampling thread's.
     */
    public record DriverSpec(String type, String region, String record, double rateHz, boolean optional,
            Map<String, Object> params, PlacementSpec placement) {
        public DriverSpec(String type, String region, String record, double rateHz, boolean optional,
                Map<String, Object> params) {
            this(type, region, record, rateHz, optional, params, PlacementSpec.NONE);
        }
    }

    /**
     * A subscriber of {@code region/record}, how it idles, and what it does with samples; with
     * {@code take}, the consumer of a mailbox record: each message goes to its action and is answered.
     * {@code placement}: the thread that runs its action's.
     */
    public record SubscriberSpec(String name, String region, String record, IdleSpec idle, ActionSpec action,
            boolean take, PlacementSpec placement) {
        public SubscriberSpec(String name, String region, String record, IdleSpec idle, ActionSpec action) {
            this(name, region, record, idle, action, false);
        }

        public SubscriberSpec(String name, String region, String record, IdleSpec idle, ActionSpec action,
                boolean take) {
            this(name, region, record, idle, action, take, PlacementSpec.NONE);
        }
    }

    /**
     * An idle strategy by its registry name ({@link IdleStrategyKind}) and the parameters it takes, by name, in each
     * parameter's unit (e.g. {@code maxParkUs} in microseconds), defaults filled in. The named accessors are the
     * backoff's and blocking's parameters as they were before the registry: a parameter the strategy does not take
     * reads as the backoff's default.
     */
    public record IdleSpec(String strategy, Map<String, Long> parameters) {
        public IdleSpec {
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }

        public int maxSpins() {
            return Math.toIntExact(value(IdleParameter.MAX_SPINS));
        }

        public int maxYields() {
            return Math.toIntExact(value(IdleParameter.MAX_YIELDS));
        }

        public long minParkNs() {
            return TimeUnit.MICROSECONDS.toNanos(value(IdleParameter.MIN_PARK_US));
        }

        public long maxParkNs() {
            return TimeUnit.MICROSECONDS.toNanos(value(IdleParameter.MAX_PARK_US));
        }

        private long value(String name) {
            Long v = parameters.get(name);
            return v != null ? v : IdleStrategyKind.BACKOFF.parameter(name).orElseThrow().defaultValue();
        }
    }

    /** What a subscriber does with samples: {@code log} every {@code everyMs}, {@code none}, or a user action. */
    public record ActionSpec(String type, long everyMs) {}

    Deployment withFile(Path deploymentFile) {
        return new Deployment(name, deploymentFile, directory, heartbeatPeriod, removeRegionsOnExit, regions, nodes);
    }

    /** How messages name this deployment: its file, else "deployment NAME". */
    public String source() {
        return file != null ? file.toString() : "deployment " + name;
    }

    public Optional<RegionSpec> region(String regionName) {
        return regions.stream().filter(r -> r.name().equals(regionName)).findFirst();
    }

    public Optional<NodeSpec> node(String nodeName) {
        return nodes.stream().filter(n -> n.name().equals(nodeName)).findFirst();
    }
}
