package io.shmtel.bench.harness;

import io.shmtel.core.idle.IdleStrategies;
import io.shmtel.core.idle.IdleStrategy;
import java.util.List;

/**
 * The one place the harness names and creates idle strategies: the children build theirs from a
 * name given on their command line, and the wake scenario runs one subscriber per name. Nothing
 * else in bench refers to core's idle strategies, so pointing this class at another registry is
 * the whole change.
 */
final class BenchIdle {
    static final String BUSY_SPIN = IdleStrategies.BUSY_SPIN;
    static final String BACKOFF = IdleStrategies.BACKOFF;
    static final String BLOCKING = IdleStrategies.BLOCKING;
    /** What the default backoff does, for the idle-cost line of the report. */
    static final String BACKOFF_DESCRIPTION = "backoff: 100 spins, 20 yields, then park 10 us doubling to 1 ms";

    private BenchIdle() {}

    /** Every idle strategy a subscriber can use, in the order the wake scenario runs them. */
    static List<String> names() {
        return IdleStrategies.NAMES;
    }

    /** A new idle strategy of this name (the children's {@code IDLE} argument). */
    static IdleStrategy create(String name) {
        return IdleStrategies.byName(name);
    }
}
