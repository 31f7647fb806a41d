package io.shmtel.core.idle;

import java.util.Locale;

/**
 * Idle strategies by name, for the CLI and deployment files: {@code busy-spin}, {@code yield},
 * {@code backoff}, {@code blocking}.
 */
public final class IdleStrategies {
    public static final String BUSY_SPIN = "busy-spin";
    public static final String YIELD = "yield";
    public static final String BACKOFF = "backoff";
    public static final String BLOCKING = "blocking";
    /** Every name, in the order of the docs. */
    public static final java.util.List<String> NAMES = java.util.List.of(BUSY_SPIN, YIELD, BACKOFF, BLOCKING);

    private IdleStrategies() {}

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
