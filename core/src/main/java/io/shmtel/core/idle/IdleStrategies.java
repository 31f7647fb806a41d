package io.shmtel.core.idle;

import java.util.Locale;

/** Idle strategies by name, for the CLI and deployment files: {@code busy-spin}, {@code yield}, {@code backoff}. */
public final class IdleStrategies {
    public static final String BUSY_SPIN = "busy-spin";
    public static final String YIELD = "yield";
    public static final String BACKOFF = "backoff";

    private IdleStrategies() {}

    public static IdleStrategy byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case BUSY_SPIN, "spin" -> new BusySpinIdleStrategy();
            case YIELD, "yielding" -> new YieldingIdleStrategy();
            case BACKOFF, "default" -> new BackoffIdleStrategy();
            default -> throw new IllegalArgumentException("unknown idle strategy \"" + name + "\": use " + BUSY_SPIN
                    + ", " + YIELD + " or " + BACKOFF);
        };
    }
}
