package io.shmtel.config;

import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import io.shmtel.schema.layout.RecordLayout;
import java.util.List;
import java.util.Map;

/**
 * One entry of a node's {@code "subscribers"}: the region and record it reads, its name, how it waits
 * ({@link IdleSpecParser}), its action and whether it takes a mailbox's messages.
 */
final class SubscriberSpecParser {
    static final List<String> SUBSCRIBER_KEYS = PlacementSpecParser.withPlacementKeys("name", "region", "record",
            "idle", "action", "take");
    static final List<String> ACTION_KEYS = List.of("type", "everyMs");
    /** The action of a subscriber that names none. */
    static final String DEFAULT_ACTION = "log";
    /** How often an action runs when it does not say, and the longest period it may give. */
    static final long DEFAULT_EVERY_MS = 1000;
    static final long MAX_EVERY_MS = 3_600_000;

    private final DeploymentContext ctx;
    private final JsonProblems problems;

    SubscriberSpecParser(DeploymentContext ctx) {
        this.ctx = ctx;
        this.problems = ctx.problems;
    }

    /**
     * The subscriber {@code node} declares; null after a problem. {@code seen}: the node's subscriber names;
     * {@code nodePlacement}: the node's, the default of the subscriber's thread.
     */
    Deployment.SubscriberSpec subscriber(Node node, Map<String, Node> seen, Deployment.PlacementSpec nodePlacement) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a subscriber object with \"region\"; found " + node.kind());
            return null;
        }
        problems.keys(obj, SUBSCRIBER_KEYS);
        Deployment.RegionSpec region = ctx.regionRef(obj);
        String record = region == null ? null : problems.string(obj, "record", false);
        RecordLayout r = region == null ? null : ctx.recordRef(obj, region, record);
        String name = problems.string(obj, "name", false);
        if (name == null && region != null && r != null) {
            name = region.name() + "/" + r.name();
        }
        if (name != null && seen.putIfAbsent(name, obj) != null) {
            problems.problem(obj, "duplicate subscriber name \"" + name + "\" in this node: name them apart with"
                    + " \"name\"");
        }
        Deployment.IdleSpec idle = IdleSpecParser.idle(obj.get("idle"), problems);
        Deployment.ActionSpec action = action(obj.get("action"));
        boolean take = problems.bool(obj, "take", false);
        if (take && r != null && !r.isMailbox()) {
            problems.problem(obj.get("take"), "\"take\" consumes the messages of a mailbox record, and record \""
                    + r.name() + "\" of region \"" + region.name() + "\" is a ring: remove \"take\" to read its"
                    + " samples");
            return null;
        }
        if (take && action != null && action.type().equals("none")) {
            problems.problem(obj.get("action"), "a subscriber that takes messages answers each one after its action"
                    + " ran: give it an action (\"log\" or one a Guice module registers), not \"none\"");
            return null;
        }
        Deployment.PlacementSpec placement = PlacementSpecParser.placement(obj, nodePlacement, problems);
        if (action != null && action.type().equals("none")) {
            for (String key : PlacementSpecParser.PLACEMENT_KEYS) {
                if (obj.get(key) != null) {
                    problems.problem(obj.get(key), "a subscriber with action \"none\" runs no thread to place (its"
                            + " subscribers are handed to your code's threads): remove \"" + key + "\", or give it an"
                            + " action");
                    return null;
                }
            }
        }
        if (region == null || r == null || idle == null || action == null || placement == null) {
            return null;
        }
        return new Deployment.SubscriberSpec(name, region.name(), r.name(), idle, action, take, placement);
    }

    /** The {@code "action"}: a registered action type and its period; "log" every second when absent. */
    private Deployment.ActionSpec action(Node node) {
        if (node == null) {
            return new Deployment.ActionSpec(DEFAULT_ACTION, DEFAULT_EVERY_MS);
        }
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected an action object, e.g. { \"type\": \"log\", \"everyMs\": 1000 }; found "
                    + node.kind());
            return null;
        }
        problems.keys(obj, ACTION_KEYS);
        String type = problems.string(obj, "type", true);
        if (type != null && !ctx.actionTypes.contains(type)) {
            String hint = JsonProblems.didYouMean(type, ctx.actionTypes);
            problems.problem(obj.get("type"), "unknown action \"" + type + "\"" + hint + " (actions: "
                    + String.join(", ", ctx.actionTypes) + ")" + (hint.isEmpty() ? DeploymentParser.OWN_TYPES : ""));
            return null;
        }
        long every = problems.integer(obj, "everyMs", 1, MAX_EVERY_MS, DEFAULT_EVERY_MS);
        return type == null ? null : new Deployment.ActionSpec(type, every);
    }
}
