package io.shmtel.config;

import io.shmtel.core.idle.BackoffIdleStrategy;
import io.shmtel.core.idle.IdleStrategies;
import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import java.util.List;

/**
 * The {@code "idle"} object of a deployment file's subscriber: which idle strategy it waits with and that
 * strategy's parameters, checked with the deployment file's error quality. Moved unchanged out of
 * {@link DeploymentParser}.
 */
final class IdleSpecParser {
    static final List<String> IDLE_KEYS = List.of("strategy", "maxSpins", "maxYields", "minParkUs", "maxParkUs");

    private IdleSpecParser() {
    }

    /** The idle spec {@code node} describes: the backoff defaults when it is absent; null after a problem. */
    static Deployment.IdleSpec idle(Node node, JsonProblems problems) {
        Deployment.IdleSpec defaults = new Deployment.IdleSpec(IdleStrategies.BACKOFF,
                BackoffIdleStrategy.DEFAULT_MAX_SPINS, BackoffIdleStrategy.DEFAULT_MAX_YIELDS,
                BackoffIdleStrategy.DEFAULT_MIN_PARK_NS, BackoffIdleStrategy.DEFAULT_MAX_PARK_NS);
        if (node == null) {
            return defaults;
        }
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected an idle object, e.g. { \"strategy\": \"backoff\", \"maxParkUs\": 1000 };"
                    + " found " + node.kind());
            return null;
        }
        problems.keys(obj, IDLE_KEYS);
        String strategy = problems.string(obj, "strategy", false);
        List<String> strategies = IdleStrategies.NAMES;
        if (strategy == null) {
            strategy = IdleStrategies.BACKOFF;
        } else if (!strategies.contains(strategy)) {
            String hint = JsonProblems.didYouMean(strategy, strategies);
            problems.problem(obj.get("strategy"), "unknown idle strategy \"" + strategy + "\"" + hint
                    + " (strategies: " + String.join(", ", strategies) + ")");
            return null;
        }
        long spins = problems.integer(obj, "maxSpins", 0, 1_000_000, defaults.maxSpins());
        long yields = problems.integer(obj, "maxYields", 0, 1_000_000, defaults.maxYields());
        long minUs = problems.integer(obj, "minParkUs", 1, 10_000_000, defaults.minParkNs() / 1000);
        long maxUs = problems.integer(obj, "maxParkUs", 1, 10_000_000, defaults.maxParkNs() / 1000);
        if (maxUs < minUs) {
            problems.problem(obj, "maxParkUs (" + maxUs + ") must be at least minParkUs (" + minUs + ")");
            return null;
        }
        if (strategy.equals(IdleStrategies.BLOCKING)) {
            for (String key : List.of("maxYields", "minParkUs", "maxParkUs")) {
                if (obj.get(key) != null) {
                    problems.problem(obj.get(key), "the blocking strategy sleeps until the writer publishes and"
                            + " takes only maxSpins; remove \"" + key + "\"");
                }
            }
        } else if (!strategy.equals(IdleStrategies.BACKOFF) && obj.members().size() > 1) {
            problems.problem(obj, "only the backoff and blocking strategies take parameters; \"" + strategy
                    + "\" takes none");
        }
        return new Deployment.IdleSpec(strategy, (int) spins, (int) yields, minUs * 1000, maxUs * 1000);
    }
}
