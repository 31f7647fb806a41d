package io.shmtel.config;

import io.shmtel.core.region.RegionDirectory;
import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import io.shmtel.sensors.DriverFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses and validates deployment files with the error quality of schema files: every problem at
 * once, as {@code file:line:column: /pointer: message}, with hints; cross-references checked
 * (regions, records, driver types and parameters, layouts, one driver per region).
 *
 * <p>This class reads the file, its top level and its nodes; each section has its own parser:
 * {@link RegionSpecParser}, {@link DriverSpecParser}, {@link SubscriberSpecParser} (with {@link IdleSpecParser})
 * and {@link BridgeSpecParser}, sharing one {@link DeploymentContext}; {@link PlacementSpecParser} reads the
 * {@code cpu} and {@code scheduling} of each node and entry.
 */
public final class DeploymentParser {
    static final List<String> ROOT_KEYS = List.of("$schema", "deployment", "directory", "heartbeatPeriodMs",
            "removeRegionsOnExit", "regions", "nodes");
    static final List<String> NODE_KEYS = PlacementSpecParser.withPlacementKeys("name", "drivers", "subscribers",
            "bridges");
    static final List<String> ACTIONS = List.of("log", "none");
    /** The fix for a type or action no one registered: where types of one's own come from. */
    static final String OWN_TYPES = "; one of your own: put its jar on the classpath (shmtel run --classpath JAR), "
            + "see docs/deployment.md#driver-types-and-actions-of-your-own";
    /** The heartbeat period when the file gives none, and the longest it may give. */
    static final long DEFAULT_HEARTBEAT_MS = 100;
    static final long MAX_HEARTBEAT_MS = 60_000;

    private final JsonProblems problems;
    private final DeploymentContext ctx;
    private final RegionSpecParser regionParser;
    private final DriverSpecParser driverParser;
    private final SubscriberSpecParser subscriberParser;
    private final BridgeSpecParser bridgeParser;

    private DeploymentParser(String source, Path baseDir, Map<String, DriverFactory> driverTypes,
            Set<String> userActions) {
        this.problems = new JsonProblems(source, JsonProblems.Found.VALUE);
        TreeSet<String> actions = new TreeSet<>(ACTIONS);
        actions.addAll(userActions);
        this.ctx = new DeploymentContext(problems, baseDir, driverTypes, actions);
        this.regionParser = new RegionSpecParser(ctx);
        this.driverParser = new DriverSpecParser(ctx);
        this.subscriberParser = new SubscriberSpecParser(ctx);
        this.bridgeParser = new BridgeSpecParser(ctx);
    }

    /** Parses {@code file}; schema paths are relative to its directory. */
    public static Deployment parse(Path file, Map<String, DriverFactory> driverTypes, Set<String> userActions) {
        JsonProblems unreadable = new JsonProblems(file.toString(), JsonProblems.Found.VALUE);
        String text = unreadable.readText(file);
        if (text == null) {
            throw new DeploymentException(unreadable.list());
        }
        // Relative to the deployment file's directory as the user gave it, so messages show familiar paths.
        Path base = file.getParent() == null ? Path.of("") : file.getParent();
        return parse(text, file.toString(), base, driverTypes, userActions).withFile(file);
    }

    /** Parses deployment text; relative schema paths resolve against {@code baseDir}. */
    public static Deployment parse(String text, String sourceName, Path baseDir,
            Map<String, DriverFactory> driverTypes, Set<String> userActions) {
        DeploymentParser p = new DeploymentParser(sourceName, baseDir, driverTypes, userActions);
        Node root = p.problems.read(text);
        Deployment d = root == null ? null : p.deployment(root);
        if (!p.problems.isEmpty()) {
            // The deployment file's own problems first, then those of the schema files it names.
            throw new DeploymentException(p.problems.inFileOrder());
        }
        return d;
    }

    // ------------------------------------------------------------------------------------------

    private Deployment deployment(Node root) {
        if (!(root instanceof Node.ObjectNode obj)) {
            problems.problem(root, "expected a JSON object with \"deployment\", \"regions\" and \"nodes\"; found "
                    + root.kind());
            return null;
        }
        problems.keys(obj, ROOT_KEYS);
        String name = problems.string(obj, "deployment", true);
        if (name != null && !RegionDirectory.NAME.matcher(name).matches()) {
            problems.problem(obj.get("deployment"), "invalid deployment name \"" + name
                    + "\": use letters, digits, '.', '_', '-'");
        }
        Path directory = null;
        String dir = problems.string(obj, "directory", false);
        if (dir != null) {
            directory = ctx.path(obj.get("directory"), dir);
        }
        long heartbeatMs = problems.integer(obj, "heartbeatPeriodMs", 1, MAX_HEARTBEAT_MS, DEFAULT_HEARTBEAT_MS);
        boolean removeOnExit = problems.bool(obj, "removeRegionsOnExit", false);

        Node regionsNode = problems.require(obj, "regions",
                "an array of regions, e.g. [{ \"name\": \"arm\", \"schema\": \"arm.json\" }]");
        for (Node r : problems.array(regionsNode, "regions", true)) {
            Deployment.RegionSpec spec = regionParser.region(r);
            if (spec != null) {
                ctx.regions.put(spec.name(), spec);
            }
        }
        List<Deployment.NodeSpec> nodes = new ArrayList<>();
        Map<String, Node> nodeNames = new HashMap<>();
        Node nodesNode = problems.require(obj, "nodes",
                "an array of nodes, e.g. [{ \"name\": \"drivers\", \"drivers\": [...] }]");
        for (Node n : problems.array(nodesNode, "nodes", true)) {
            Deployment.NodeSpec spec = node(n, nodeNames);
            if (spec != null) {
                nodes.add(spec);
            }
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return new Deployment(name, null, directory, Duration.ofMillis(heartbeatMs), removeOnExit,
                List.copyOf(ctx.regions.values()), List.copyOf(nodes));
    }

    /** The node {@code node} declares: its drivers, subscribers and bridges; null when it has no valid name. */
    private Deployment.NodeSpec node(Node node, Map<String, Node> seen) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a node object with \"name\", \"drivers\" and/or \"subscribers\"; found "
                    + node.kind());
            return null;
        }
        problems.keys(obj, NODE_KEYS);
        String name = problems.string(obj, "name", true);
        if (name != null && seen.putIfAbsent(name, obj.get("name")) != null) {
            problems.problem(obj.get("name"), "duplicate node name \"" + name + "\" (first declared at "
                    + seen.get(name).pointer() + ")");
        }
        // The node's cpu and scheduling are its entries' defaults; after a problem there, the entries get none.
        Deployment.PlacementSpec placement = PlacementSpecParser.placement(obj, Deployment.PlacementSpec.NONE,
                problems);
        Deployment.PlacementSpec defaults = placement == null ? Deployment.PlacementSpec.NONE : placement;
        List<Deployment.DriverSpec> drivers = new ArrayList<>();
        for (Node d : problems.array(obj.get("drivers"), "drivers", false)) {
            Deployment.DriverSpec spec = driverParser.driver(d, defaults);
            if (spec != null) {
                drivers.add(spec);
            }
        }
        List<Deployment.SubscriberSpec> subscribers = new ArrayList<>();
        Map<String, Node> subscriberNames = new HashMap<>();
        for (Node s : problems.array(obj.get("subscribers"), "subscribers", false)) {
            Deployment.SubscriberSpec spec = subscriberParser.subscriber(s, subscriberNames, defaults);
            if (spec != null) {
                subscribers.add(spec);
            }
        }
        List<Deployment.BridgeSpec> bridges = new ArrayList<>();
        Map<String, Node> bridgeNames = new HashMap<>();
        for (Node b : problems.array(obj.get("bridges"), "bridges", false)) {
            Deployment.BridgeSpec spec = bridgeParser.bridge(b, bridgeNames, defaults);
            if (spec != null) {
                bridges.add(spec);
            }
        }
        if (obj.get("drivers") == null && obj.get("subscribers") == null && obj.get("bridges") == null) {
            problems.problem(obj, "a node needs \"drivers\", \"subscribers\" or \"bridges\"");
        }
        return name == null || placement == null ? null : new Deployment.NodeSpec(name, drivers, subscribers, bridges,
                placement);
    }
}
