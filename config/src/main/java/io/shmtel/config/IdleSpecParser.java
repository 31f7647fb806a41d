package io.shmtel.config;

import io.shmtel.core.idle.IdleParameter;
import io.shmtel.core.idle.IdleStrategyKind;
import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code "idle"} object of a deployment file's subscriber: which idle strategy it waits with and that
 * strategy's parameters, checked with the deployment file's error quality. The strategies, their parameters, bounds
 * and defaults come from the registry, {@link IdleStrategyKind}: a new strategy or parameter needs no change here.
 */
final class IdleSpecParser {
    /** The strategy of a subscriber whose file says none (the library's default). */
    static final IdleStrategyKind DEFAULT_STRATEGY = IdleStrategyKind.BACKOFF;
    /** {@code strategy} and every parameter of every strategy. */
    static final List<String> IDLE_KEYS = idleKeys();

    private IdleSpecParser() {
    }

    /** The idle spec {@code node} describes: the backoff defaults when it is absent; null after a problem. */
    static Deployment.IdleSpec idle(Node node, JsonProblems problems) {
        if (node == null) {
            return new Deployment.IdleSpec(DEFAULT_STRATEGY.strategyName(), defaults(DEFAULT_STRATEGY));
        }
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected an idle object, e.g. { \"strategy\": \"backoff\", \"maxParkUs\": 1000 };"
                    + " found " + node.kind());
            return null;
        }
        problems.keys(obj, IDLE_KEYS);
        String strategy = problems.string(obj, "strategy", false);
        List<String> strategies = IdleStrategyKind.names();
        if (strategy == null) {
            strategy = DEFAULT_STRATEGY.strategyName();
        } else if (!strategies.contains(strategy)) {
            String hint = JsonProblems.didYouMean(strategy, strategies);
            problems.problem(obj.get("strategy"), "unknown idle strategy \"" + strategy + "\"" + hint
                    + " (strategies: " + String.join(", ", strategies) + ")");
            return null;
        }
        IdleStrategyKind kind = IdleStrategyKind.byName(strategy);
        // Every parameter any strategy takes is read and bounded, whichever strategy this is (as before the registry).
        Map<String, Long> values = new LinkedHashMap<>();
        for (IdleParameter p : IdleStrategyKind.allParameters()) {
            long defaultValue = kind.parameter(p.name()).orElse(p).defaultValue();
            values.put(p.name(), problems.integer(obj, p.name(), p.min(), p.max(), defaultValue));
        }
        for (IdleParameter p : IdleStrategyKind.allParameters()) {
            if (!p.atLeast().isEmpty() && values.get(p.name()) < values.get(p.atLeast())) {
                problems.problem(obj, p.belowProblem(values.get(p.name()), values.get(p.atLeast())));
                return null;
            }
        }
        if (!kind.parameters().isEmpty()) {
            for (IdleParameter p : IdleStrategyKind.allParameters()) {
                if (kind.parameter(p.name()).isEmpty() && obj.get(p.name()) != null) {
                    problems.problem(obj.get(p.name()), "the " + strategy + " strategy " + kind.howItWaits()
                            + " and takes only " + String.join(", ", kind.parameterNames()) + "; remove \""
                            + p.name() + "\"");
                }
            }
        } else if (obj.members().size() > 1) {
            List<String> withParameters = IdleStrategyKind.withParameters().stream()
                    .map(IdleStrategyKind::strategyName).toList();
            problems.problem(obj, "only the " + IdleStrategyKind.joinLast(withParameters, " and ")
                    + " strategies take parameters; \"" + strategy + "\" takes none");
        }
        values.keySet().retainAll(kind.parameterNames());
        return new Deployment.IdleSpec(strategy, values);
    }

    /** The default values of the parameters {@code kind} takes. */
    static Map<String, Long> defaults(IdleStrategyKind kind) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (IdleParameter p : kind.parameters()) {
            values.put(p.name(), p.defaultValue());
        }
        return values;
    }

    private static List<String> idleKeys() {
        List<String> keys = new ArrayList<>();
        keys.add("strategy");
        IdleStrategyKind.allParameters().forEach(p -> keys.add(p.name()));
        return List.copyOf(keys);
    }
}
