package io.shmtel.foxglove;

import io.shmtel.core.WaitSet;
import io.shmtel.core.idle.IdleParameter;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.idle.IdleStrategyKind;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * How the pump waits when a turn found no work: the idle strategy {@code --idle} names (blocking, the default,
 * sleeps until a subscribed record's writer publishes or a command arrives; backoff polls with the viewers'
 * parameters, {@link #VIEWER_BACKOFF}) and how long it may sleep. Used by the pump thread, except {@link #wakeup}.
 */
final class PumpIdle {
    /**
     * The pump's backoff (with {@code --idle backoff}), not the library's: viewers draw at display rates, so 20
     * spins, 2 yields and a first park of 50 us cost them nothing and keep the idle server cheap; the longest park
     * is the registry's default (1 ms).
     */
    static final Map<String, Long> VIEWER_BACKOFF = Map.of(IdleParameter.MAX_SPINS, 20L,
            IdleParameter.MAX_YIELDS, 2L, IdleParameter.MIN_PARK_US, 50L);

    /** The longest sleep while a rate-limited sample or a slow client's message waits. */
    private static final long PENDING_SLEEP_BOUND_NS = 1_000_000L;

    /** The subscribed records, slept on between samples (blocking idle strategy). */
    private final WaitSet waitSet = new WaitSet();
    private IdleStrategy strategy;

    /** Chooses the strategy; called by the pump thread as it starts. */
    void start(String idleName) {
        // Blocking (the default) sleeps until a subscribed record's writer publishes or a command arrives;
        // backoff polls with the viewers' parameters.
        IdleStrategyKind kind = IdleStrategyKind.byName(idleName);
        strategy = kind == IdleStrategyKind.BACKOFF ? kind.create(VIEWER_BACKOFF) : kind.create();
    }

    /** Wakes the pump if it sleeps on its records (a command arrived); any thread. */
    void wakeup() {
        waitSet.wakeup();
    }

    /** The turn did work: the next idle starts from the strategy's first step. */
    void reset() {
        strategy.reset();
    }

    /** The turn found no work: waits by the strategy, until {@code nextDeadline} at the latest. */
    void idle(List<Topic> active, Collection<Client> clients, long nextDeadline) {
        strategy.idle(waitSet, sleepBoundNs(active, clients, nextDeadline));
    }

    /**
     * How long the pump may sleep: until the next scan or stats period, and at most 1 ms while a
     * rate-limited sample or a slow client's message waits (their time comes without a publish).
     * Refreshes the wait set with the active topics (no allocation once it has grown).
     */
    private long sleepBoundNs(List<Topic> active, Collection<Client> clients, long nextDeadline) {
        waitSet.clear();
        boolean pending = false;
        for (int i = 0; i < active.size(); i++) {
            Topic t = active.get(i);
            waitSet.add(t.subscriber());
            pending |= t.hasPending();
        }
        if (!pending) {
            for (Client c : clients) {
                pending |= c.hasPending();
            }
        }
        long bound = nextDeadline - System.nanoTime();
        return pending ? Math.min(bound, PENDING_SLEEP_BOUND_NS) : bound;
    }
}
