package io.shmtel.core.idle;

import java.util.Locale;

/**
 * Idle strategies as objects ({@link #blocking()}, {@link #backoff()}, {@link #yielding()},
 * {@link #busySpin()}: each call a new instance, as strategies keep per-poller state) and by name,
 * for the CLI and deployment files: {@code busy-spin}, {@code yield}, {@code backoff},
 * {@code blocking}. The name constants below are those names, to pass where a name is asked for
 * ({@link #byName}, {@code Subscriber.idleStrategy(String)}), not strategies.
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
    /** Every name, in the order of the docs. */
    public static final java.util.List<String> NAMES = java.util.List.of(BUSY_SPIN, YIELD, BACKOFF, BLOCKING);

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
        return switch (name.toLowerCase(Locale.ROOT)) {
            case BUSY_SPIN, "spin" -> new BusySpinIdleStrategy();
            case YIELD, "yielding" -> new YieldingIdleStrategy();
            case BACKOFF, "default" -> new BackoffIdleStrategy();
            case BLOCKING -> new BlockingIdleStrategy();
            default -> throw new IllegalArgumentException("unknown idle strategy \"" + name + "\": use " + BUSY_SPIN
                    + ", " + YIELD + ", " + BACKOFF + " or " + BLOCKING);
        };
    }
}
