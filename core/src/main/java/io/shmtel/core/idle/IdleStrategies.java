package io.shmtel.core.idle;

import java.util.List;

/**
 * Idle strategies as objects ({@link #blocking()}, {@link #backoff()}, {@link #yielding()},
 * {@link #busySpin()}: each call a new instance, as strategies keep per-poller state) and by name,
 * for the CLI and deployment files: {@code busy-spin}, {@code yield}, {@code backoff},
 * {@code blocking}. The name constants below are those names, to pass where a name is asked for
 * ({@link #byName}, {@code Subscriber.idleStrategy(String)}), not strategies. The names, aliases, parameters and
 * defaults are declared in the registry, {@link IdleStrategyKind}; this class is its short form.
 *
 * <pre>{@code
 * subscriber.idleStrategy(IdleStrategies.blocking());   // or: subscriber.idleStrategy("blocking")
 * }</pre>
 */
public final class IdleStrategies {
    public static final String BUSY_SPIN = "busy-spin";
    public static final String YIELD = "yield";
    public static final String BACKOFF = "backoff";
    public static final String BLOCKING = "blocking";
    /** Every name, in the order of the docs (the registry's order). */
    public static final List<String> NAMES = IdleStrategyKind.names();

    private IdleStrategies() {}

    /** Spins, then sleeps in the kernel until the writer publishes: microsecond wake-ups, no CPU while idle. */
    public static BlockingIdleStrategy blocking() {
        return new BlockingIdleStrategy();
    }

    /** The default: spins, yields, then parks for doubling periods up to 1 ms. */
    public static BackoffIdleStrategy backoff() {
        return new BackoffIdleStrategy();
    }

    /** Yields the CPU between polls: low latency, a core busy while idle. */
    public static YieldingIdleStrategy yielding() {
        return new YieldingIdleStrategy();
    }

    /** Spins: the lowest latency, a whole core while idle. */
    public static BusySpinIdleStrategy busySpin() {
        return new BusySpinIdleStrategy();
    }

    /** A new strategy named {@code name} (one of {@link #NAMES}, case-insensitive), with its default parameters. */
    public static IdleStrategy byName(String name) {
        return IdleStrategyKind.byName(name).create();
    }
}
