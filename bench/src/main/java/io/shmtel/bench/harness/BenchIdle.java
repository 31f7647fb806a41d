package io.shmtel.bench.harness;

import io.shmtel.core.idle.BackoffIdleStrategy;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.idle.IdleStrategyKind;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one place the harness names and creates idle strategies: the children build theirs from a
 * name given on their command line, and the wake scenario runs one subscriber per name. Nothing
 * else in bench refers to core's idle strategies, so pointing this class at another registry is
 * the whole change.
 */
final class BenchIdle {
    static final String BUSY_SPIN = IdleStrategyKind.BUSY_SPIN.strategyName();
    static final String BACKOFF = IdleStrategyKind.BACKOFF.strategyName();
    static final String BLOCKING = IdleStrategyKind.BLOCKING.strategyName();
    /** What the default backoff does, for the idle-cost line of the report (its defaults, from core). */
    static final String BACKOFF_DESCRIPTION =
            String.format("%s: %d spins, %d yields, then park %d us doubling to %d ms",
            BACKOFF, BackoffIdleStrategy.DEFAULT_MAX_SPINS, BackoffIdleStrategy.DEFAULT_MAX_YIELDS,
            TimeUnit.NANOSECONDS.toMicros(BackoffIdleStrategy.DEFAULT_MIN_PARK_NS),
            TimeUnit.NANOSECONDS.toMillis(BackoffIdleStrategy.DEFAULT_MAX_PARK_NS));

    private BenchIdle() {}

    /** Every idle strategy a subscriber can use, in the order the wake scenario runs them. */
    static List<String> names() {
        return IdleStrategyKind.names();
    }

    /** A new idle strategy of this name (the children's {@code IDLE} argument). */
    static IdleStrategy create(String name) {
        return IdleStrategyKind.byName(name).create();
    }
}
