package io.shmtel.bridge;

import io.shmtel.bridge.spi.TransportProvider;
import io.shmtel.core.idle.BlockingIdleStrategy;
import io.shmtel.core.idle.IdleParameter;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.idle.IdleStrategyKind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a bridge's threads do while nothing is to be sent or received: an idle strategy of the registry
 * ({@link IdleStrategyKind}, the names {@code --idle} and a deployment file's {@code idle} use) with its parameters.
 * {@link IdleStrategyKind#BLOCKING} (the default) sleeps until there is work: the sender on its source records'
 * futex words until a writer publishes, the receiver until a frame arrives; {@code busy-spin} and {@code yield} give
 * the lowest latency for a core each; {@code backoff} polls with doubling parks. See docs/bridge.md.
 *
 * @param kind       the strategy
 * @param parameters its parameters by name, in their units (absent ones take the registry's defaults)
 */
public record BridgeIdle(IdleStrategyKind kind, Map<String, Long> parameters) {
    /** The default: sleep until there is work (no CPU while idle). */
    public static final BridgeIdle DEFAULT = new BridgeIdle(IdleStrategyKind.BLOCKING, Map.of());

    /** Checks the parameters against the strategy's (the message names the parameter and its bounds). */
    public BridgeIdle {
        parameters = Map.copyOf(parameters);
        kind.create(parameters);
    }

    /** The strategy {@code name} (or an alias) with its default parameters; an unknown name is refused. */
    public static BridgeIdle of(String name) {
        return new BridgeIdle(IdleStrategyKind.byName(name), Map.of());
    }

    /** A new strategy instance (strategies keep per-thread state: one per bridge thread). */
    public IdleStrategy create() {
        return kind.create(parameters);
    }

    /**
     * The receiving thread's strategy: blocking spins, then sleeps on the signal it is given for as long as the
     * receiver allows (a park that a transport which wakes its poller, as Aeron's does, ends when a frame
     * arrives); the others as {@link #create()}.
     */
    public IdleStrategy receiving() {
        if (kind != IdleStrategyKind.BLOCKING) {
            return create();
        }
        return new BlockingIdleStrategy(Math.toIntExact(parameters.getOrDefault(IdleParameter.MAX_SPINS,
                (long) BlockingIdleStrategy.DEFAULT_MAX_SPINS)), Long.MAX_VALUE);
    }

    /**
     * The transport options that make the transport's own threads idle the same way ({@link
     * TransportProvider#IDLE_STRATEGY}, {@link TransportProvider#IDLE_MAX_SPINS} and {@link
     * TransportProvider#IDLE_MAX_PARK_US} where this strategy has them), for {@code TransportProvider.open}.
     */
    public Map<String, String> transportOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put(TransportProvider.IDLE_STRATEGY, kind.strategyName());
        Long spins = parameters.get(IdleParameter.MAX_SPINS);
        if (spins != null) {
            options.put(TransportProvider.IDLE_MAX_SPINS, spins.toString());
        }
        Long maxParkUs = parameters.get(IdleParameter.MAX_PARK_US);
        if (maxParkUs != null) {
            options.put(TransportProvider.IDLE_MAX_PARK_US, maxParkUs.toString());
        }
        return options;
    }

    /** The strategy's name, e.g. {@code busy-spin}. */
    public String name() {
        return kind.strategyName();
    }
}
