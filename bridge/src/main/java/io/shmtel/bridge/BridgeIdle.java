package io.shmtel.bridge;

import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.idle.IdleStrategyKind;
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

    /** The strategy's name, e.g. {@code busy-spin}. */
    public String name() {
        return kind.strategyName();
    }
}
