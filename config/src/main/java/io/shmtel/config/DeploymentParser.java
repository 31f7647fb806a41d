package io.shmtel.config;

import io.shmtel.core.region.MemoryOptions;
import io.shmtel.core.region.RegionDirectory;
import io.shmtel.schema.SchemaException;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import io.shmtel.schema.layout.Fingerprint;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverParameter;
import io.shmtel.sensors.DriverParams;
import io.shmtel.sensors.SensorDriver;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates deployment files with the error quality of schema files: every problem at
 * once, as {@code file:line:column: /pointer: message}, with hints; cross-references checked
 * (regions, records, driver types and parameters, layouts, one driver per region).
 */
public final class DeploymentParser {
    static final List<String> ROOT_KEYS = List.of("$schema", "deployment", "directory", "heartbeatPeriodMs",
            "removeRegionsOnExit", "regions", "nodes");
    static final List<String> REGION_KEYS = List.of("name", "schema", "mode", "memory", "flushPeriodMs");
    static final List<String> MEMORY_KEYS = List.of("prefault", "lock", "advice", "hugePages");
    static final List<String> NODE_KEYS = List.of("name", "drivers", "subscribers", "bridges");
    static final List<String> SEND_KEYS = List.of("name", "direction", "transport", "to", "channel", "stream", "targets");
    static final List<String> RECEIVE_KEYS = List.of("name", "direction", "transport", "listen", "channel", "stream",
            "prefix", "reliable");
    static final String DEFAULT_BRIDGE_PORT = "40456";
    static final List<String> DRIVER_KEYS = List.of("type", "region", "record", "rateHz", "optional", "params");
    static final List<String> SUBSCRIBER_KEYS = List.of("name", "region", "record", "idle", "action", "take");
    static final List<String> ACTION_KEYS = List.of("type", "everyMs");
    static final List<String> ACTIONS = List.of("log", "none");
    /** The fix for a type or action no one registered: where types of one's own come from. */
    static final String OWN_TYPES = "; one of your own: put its jar on the classpath (shmtel run --classpath JAR), "
            + "see docs/deployment.md#driver-types-and-actions-of-your-own";

    private final String source;
    private final Path baseDir;
    private final Map<String, DriverFactory> driverTypes;
    private final Set<String> actionTypes;
    private final JsonProblems problems;

    private DeploymentParser(String source, Path baseDir, Map<String, DriverFactory> driverTypes, Set<String> userActions) {
        this.source = source;
        this.baseDir = baseDir;
        this.driverTypes = driverTypes;
        this.problems = new JsonProblems(source, JsonProblems.Found.VALUE);
        java.util.TreeSet<String> actions = new java.util.TreeSet<>(ACTIONS);
        actions.addAll(userActions);
        this.actionTypes = actions;
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
    public static Deployment parse(String text, String sourceName, Path baseDir, Map<String, DriverFactory> driverTypes,
            Set<String> userActions) {
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
            problems.problem(root, "expected a JSON object with \"deployment\", \"regions\" and \"nodes\"; found " + root.kind());
            return null;
        }
        problems.keys(obj, ROOT_KEYS);
        String name = problems.string(obj, "deployment", true);
        if (name != null && !RegionDirectory.NAME.matcher(name).matches()) {
            problems.problem(obj.get("deployment"), "invalid deployment name \"" + name + "\": use letters, digits, '.', '_', '-'");
        }
        Path directory = null;
        String dir = problems.string(obj, "directory", false);
        if (dir != null) {
            directory = path(obj.get("directory"), dir);
        }
        long heartbeatMs = problems.integer(obj, "heartbeatPeriodMs", 1, 60_000, 100);
        boolean removeOnExit = problems.bool(obj, "removeRegionsOnExit", false);

        Map<String, Deployment.RegionSpec> regions = new LinkedHashMap<>();
        Map<String, Node> regionNodes = new HashMap<>();
        Node regionsNode = problems.require(obj, "regions", "an array of regions, e.g. [{ \"name\": \"arm\", \"schema\": \"arm.json\" }]");
        for (Node r : problems.array(regionsNode, "regions", true)) {
            Deployment.RegionSpec spec = region(r, regionNodes);
            if (spec != null) {
                regions.put(spec.name(), spec);
            }
        }
        List<Deployment.NodeSpec> nodes = new ArrayList<>();
        Map<String, Node> nodeNames = new HashMap<>();
        Map<String, Node> drivenRegions = new HashMap<>();
        Node nodesNode = problems.require(obj, "nodes", "an array of nodes, e.g. [{ \"name\": \"drivers\", \"drivers\": [...] }]");
        for (Node n : problems.array(nodesNode, "nodes", true)) {
            Deployment.NodeSpec spec = node(n, nodeNames, regions, regionNodes, drivenRegions);
            if (spec != null) {
                nodes.add(spec);
            }
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return new Deployment(name, null, directory, Duration.ofMillis(heartbeatMs), removeOnExit,
                List.copyOf(regions.values()), List.copyOf(nodes));
    }

    private Deployment.RegionSpec region(Node node, Map<String, Node> seen) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a region object with \"name\" and \"schema\"; found " + node.kind());
            return null;
        }
        problems.keys(obj, REGION_KEYS);
        String name = problems.string(obj, "name", true);
        if (name != null) {
            if (!RegionDirectory.NAME.matcher(name).matches()) {
                problems.problem(obj.get("name"), "invalid region name \"" + name + "\": names match [A-Za-z0-9][A-Za-z0-9._-]{0,127}");
                name = null;
            } else if (seen.putIfAbsent(name, obj.get("name")) != null) {
                problems.problem(obj.get("name"), "duplicate region name \"" + name + "\" (first declared at "
                        + seen.get(name).pointer() + ")");
                name = null;
            }
        }
        int mode = 0600;
        String modeText = problems.string(obj, "mode", false);
        if (modeText != null) {
            try {
                mode = Integer.parseInt(modeText, 8);
                io.shmtel.core.region.RegionOptions.defaults().withMode(mode);
            } catch (IllegalArgumentException e) {
                problems.problem(obj.get("mode"), "invalid mode \"" + modeText + "\": an octal string such as \"0600\" or \"0640\""
                        + " that keeps owner read-write and gives no one else write access");
            }
        }
        String schema = problems.string(obj, "schema", true);
        Layout layout = null;
        Path schemaFile = null;
        if (schema != null) {
            schemaFile = path(obj.get("schema"), schema);
        }
        if (schemaFile != null) {
            try {
                layout = LayoutCompiler.compile(SchemaParser.parse(schemaFile, schemaFile.toString()));
            } catch (SchemaException e) {
                Node at = obj.get("schema");
                boolean missing = e.problems().size() == 1 && e.problems().get(0).message().startsWith("no such file");
                if (missing) {
                    problems.problem(at, "schema file " + schemaFile + " does not exist (\"" + schema
                            + "\" is relative to the deployment file's directory)");
                } else {
                    problems.problem(at, "schema file " + schemaFile + " is invalid (" + e.problems().size() + " errors below)");
                    problems.addAll(e.problems());
                }
            }
        }
        MemoryOptions memory = memory(obj.get("memory"));
        long flushMs = problems.integer(obj, "flushPeriodMs", 0, 86_400_000, 0);
        return name == null || layout == null || memory == null ? null
                : new Deployment.RegionSpec(name, schemaFile, layout, mode, memory, Duration.ofMillis(flushMs));
    }

    private MemoryOptions memory(Node node) {
        if (node == null) {
            return MemoryOptions.defaults();
        }
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a memory object, e.g. { \"prefault\": true, \"lock\": true }; found " + node.kind());
            return null;
        }
        problems.keys(obj, MEMORY_KEYS);
        MemoryOptions.Advice advice = MemoryOptions.Advice.NORMAL;
        String adviceText = problems.string(obj, "advice", false);
        if (adviceText != null) {
            advice = MemoryOptions.Advice.byName(adviceText).orElse(null);
            if (advice == null) {
                String hint = JsonProblems.didYouMean(adviceText, MemoryOptions.Advice.names());
                problems.problem(obj.get("advice"), "unknown advice \"" + adviceText + "\"" + hint + " (advice: "
                        + String.join(", ", MemoryOptions.Advice.names()) + ")");
                return null;
            }
        }
        return new MemoryOptions(problems.bool(obj, "prefault", false), problems.bool(obj, "lock", false), advice,
                problems.bool(obj, "hugePages", false));
    }

    private Deployment.NodeSpec node(Node node, Map<String, Node> seen, Map<String, Deployment.RegionSpec> regions,
            Map<String, Node> regionNodes, Map<String, Node> drivenRegions) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a node object with \"name\", \"drivers\" and/or \"subscribers\"; found " + node.kind());
            return null;
        }
        problems.keys(obj, NODE_KEYS);
        String name = problems.string(obj, "name", true);
        if (name != null && seen.putIfAbsent(name, obj.get("name")) != null) {
            problems.problem(obj.get("name"), "duplicate node name \"" + name + "\" (first declared at " + seen.get(name).pointer() + ")");
        }
        List<Deployment.DriverSpec> drivers = new ArrayList<>();
        for (Node d : problems.array(obj.get("drivers"), "drivers", false)) {
            Deployment.DriverSpec spec = driver(d, regions, regionNodes, drivenRegions);
            if (spec != null) {
                drivers.add(spec);
            }
        }
        List<Deployment.SubscriberSpec> subscribers = new ArrayList<>();
        Map<String, Node> subscriberNames = new HashMap<>();
        for (Node s : problems.array(obj.get("subscribers"), "subscribers", false)) {
            Deployment.SubscriberSpec spec = subscriber(s, regions, regionNodes, subscriberNames);
            if (spec != null) {
                subscribers.add(spec);
            }
        }
        List<Deployment.BridgeSpec> bridges = new ArrayList<>();
        Map<String, Node> bridgeNames = new HashMap<>();
        for (Node b : problems.array(obj.get("bridges"), "bridges", false)) {
            Deployment.BridgeSpec spec = bridge(b, regions, regionNodes, bridgeNames);
            if (spec != null) {
                bridges.add(spec);
            }
        }
        if (obj.get("drivers") == null && obj.get("subscribers") == null && obj.get("bridges") == null) {
            problems.problem(obj, "a node needs \"drivers\", \"subscribers\" or \"bridges\"");
        }
        return name == null ? null : new Deployment.NodeSpec(name, drivers, subscribers, bridges);
    }

    private Deployment.DriverSpec driver(Node node, Map<String, Deployment.RegionSpec> regions, Map<String, Node> regionNodes,
            Map<String, Node> drivenRegions) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a driver object with \"type\" and \"region\"; found " + node.kind());
            return null;
        }
        problems.keys(obj, DRIVER_KEYS);
        String type = problems.string(obj, "type", true);
        DriverFactory factory = null;
        if (type != null) {
            factory = driverTypes.get(type);
            if (factory == null) {
                String hint = JsonProblems.didYouMean(type, driverTypes.keySet());
                problems.problem(obj.get("type"), "unknown driver type \"" + type + "\"" + hint + " (types: "
                        + String.join(", ", new java.util.TreeSet<>(driverTypes.keySet())) + ")"
                        + (hint.isEmpty() ? OWN_TYPES : ""));
            }
        }
        Deployment.RegionSpec region = regionRef(obj, regions, regionNodes);
        if (region != null) {
            Node first = drivenRegions.putIfAbsent(region.name(), obj.get("region"));
            if (first != null) {
                problems.problem(obj.get("region"), "region \"" + region.name() + "\" already has a driver (at " + first.pointer()
                        + "): a region has one writer; give this driver its own region");
            }
        }
        String record = null;
        RecordLayout recordLayout = null;
        if (region != null) {
            record = problems.string(obj, "record", false);
            recordLayout = recordRef(obj, region, record);
            record = recordLayout == null ? null : recordLayout.name();
        }
        Map<String, Object> params = params(obj.get("params"), factory);
        SensorDriver<?> probe = null;
        if (factory != null && params != null) {
            try {
                probe = factory.create(new DriverParams(type, factory.parameters(), params));
            } catch (RuntimeException e) {
                problems.problem(obj.get("params") != null ? obj.get("params") : obj, "driver \"" + type + "\": " + e.getMessage());
            }
        }
        if (probe != null && recordLayout != null) {
            RecordLayout wanted = probe.layout().record(probe.record()).orElse(null);
            if (!probe.record().equals(recordLayout.name()) || wanted == null
                    || wanted.fingerprint() != recordLayout.fingerprint()) {
                problems.problem(obj.get("region"), "driver \"" + type + "\" writes record \"" + probe.record() + "\" of schema \""
                        + probe.layout().schemaName() + "\" (" + (wanted == null ? "?" : Fingerprint.hex(wanted.fingerprint()))
                        + "); region \"" + region.name() + "\" record \"" + recordLayout.name() + "\" has layout "
                        + Fingerprint.hex(recordLayout.fingerprint()) + ": give the region the driver's schema ("
                        + probe.layout().source() + ")");
            }
        }
        double rate = 0;
        Node rateNode = obj.get("rateHz");
        if (rateNode != null) {
            if (!(rateNode instanceof Node.NumberNode n) || n.value().signum() <= 0
                    || n.value().compareTo(BigDecimal.valueOf(1_000_000)) > 0) {
                problems.problem(rateNode, "rateHz must be a number greater than 0 and at most 1000000; found "
                        + problems.describe(rateNode));
            } else {
                rate = n.value().doubleValue();
            }
        } else if (recordLayout != null) {
            rate = recordLayout.rateHz();
            if (rate <= 0) {
                problems.problem(obj, "missing \"rateHz\": record \"" + recordLayout.name() + "\" declares no nominal rate to use");
            }
        }
        boolean optional = problems.bool(obj, "optional", false);
        if (type == null || factory == null || region == null || record == null || rate <= 0 || params == null) {
            return null;
        }
        return new Deployment.DriverSpec(type, region.name(), record, rate, optional, params);
    }

    private Map<String, Object> params(Node node, DriverFactory factory) {
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected an object of driver parameters; found " + node.kind());
            return null;
        }
        if (factory == null) {
            return Map.of();
        }
        Map<String, DriverParameter> declared = new LinkedHashMap<>();
        factory.parameters().forEach(p -> declared.put(p.name(), p));
        Map<String, Object> values = new LinkedHashMap<>();
        boolean ok = true;
        for (Node.Member m : obj.members().values()) {
            DriverParameter p = declared.get(m.key());
            if (p == null) {
                String hint = JsonProblems.didYouMean(m.key(), declared.keySet());
                problems.problem(m.keyLine(), m.keyColumn(), m.value().pointer(), "driver \"" + factory.type()
                        + "\" has no parameter \"" + m.key() + "\"" + hint + " (parameters: "
                        + String.join(", ", declared.keySet()) + ")");
                ok = false;
                continue;
            }
            Node v = m.value();
            switch (p.kind()) {
                case INTEGER -> {
                    if (v instanceof Node.NumberNode n && n.isIntegral()) {
                        values.put(p.name(), n.value().longValue());
                    } else {
                        problems.problem(v, "parameter \"" + p.name() + "\" is an integer; found " + problems.describe(v));
                        ok = false;
                    }
                }
                case NUMBER -> {
                    if (v instanceof Node.NumberNode n) {
                        values.put(p.name(), n.value().doubleValue());
                    } else {
                        problems.problem(v, "parameter \"" + p.name() + "\" is a number; found " + problems.describe(v));
                        ok = false;
                    }
                }
                case TEXT, PATH -> {
                    if (v instanceof Node.StringNode s && p.kind() == DriverParameter.Kind.PATH) {
                        Path resolved = path(v, s.value());
                        if (resolved == null) {
                            ok = false;
                        } else {
                            values.put(p.name(), resolved.toString());
                        }
                    } else if (v instanceof Node.StringNode s) {
                        values.put(p.name(), s.value());
                    } else {
                        problems.problem(v, "parameter \"" + p.name() + "\" is " + (p.kind() == DriverParameter.Kind.PATH
                                ? "a path" : "text") + "; found " + problems.describe(v));
                        ok = false;
                    }
                }
            }
        }
        return ok ? values : null;
    }

    private Deployment.SubscriberSpec subscriber(Node node, Map<String, Deployment.RegionSpec> regions,
            Map<String, Node> regionNodes, Map<String, Node> seen) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a subscriber object with \"region\"; found " + node.kind());
            return null;
        }
        problems.keys(obj, SUBSCRIBER_KEYS);
        Deployment.RegionSpec region = regionRef(obj, regions, regionNodes);
        String record = region == null ? null : problems.string(obj, "record", false);
        RecordLayout r = region == null ? null : recordRef(obj, region, record);
        String name = problems.string(obj, "name", false);
        if (name == null && region != null && r != null) {
            name = region.name() + "/" + r.name();
        }
        if (name != null && seen.putIfAbsent(name, obj) != null) {
            problems.problem(obj, "duplicate subscriber name \"" + name + "\" in this node: name them apart with \"name\"");
        }
        Deployment.IdleSpec idle = IdleSpecParser.idle(obj.get("idle"), problems);
        Deployment.ActionSpec action = action(obj.get("action"));
        boolean take = problems.bool(obj, "take", false);
        if (take && r != null && !r.isMailbox()) {
            problems.problem(obj.get("take"), "\"take\" consumes the messages of a mailbox record, and record \"" + r.name()
                    + "\" of region \"" + region.name() + "\" is a ring: remove \"take\" to read its samples");
            return null;
        }
        if (take && action != null && action.type().equals("none")) {
            problems.problem(obj.get("action"), "a subscriber that takes messages answers each one after its action ran: give"
                    + " it an action (\"log\" or one a Guice module registers), not \"none\"");
            return null;
        }
        if (region == null || r == null || idle == null || action == null) {
            return null;
        }
        return new Deployment.SubscriberSpec(name, region.name(), r.name(), idle, action, take);
    }

    private Deployment.BridgeSpec bridge(Node node, Map<String, Deployment.RegionSpec> regions,
            Map<String, Node> regionNodes, Map<String, Node> seen) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a bridge object, e.g. { \"name\": \"to-planner\", \"direction\": \"send\", \"to\":"
                    + " \"10.0.0.2:40456\", \"targets\": [\"arm\"] }; found " + node.kind());
            return null;
        }
        String name = problems.string(obj, "name", true);
        if (name != null && seen.putIfAbsent(name, obj.get("name")) != null) {
            problems.problem(obj.get("name"), "duplicate bridge name \"" + name + "\" in this node");
        }
        String direction = problems.string(obj, "direction", true);
        List<String> directions = List.of(Deployment.BridgeSpec.SEND, Deployment.BridgeSpec.RECEIVE);
        if (direction != null && !directions.contains(direction)) {
            String hint = JsonProblems.didYouMean(direction, directions);
            problems.problem(obj.get("direction"), "unknown bridge direction \"" + direction + "\"" + hint + " (send or receive)");
            return null;
        }
        if (direction == null) {
            return null;
        }
        boolean send = direction.equals(Deployment.BridgeSpec.SEND);
        problems.keys(obj, send ? SEND_KEYS : RECEIVE_KEYS);
        String transport = problems.string(obj, "transport", false);
        long stream = problems.integer(obj, "stream", 1, Integer.MAX_VALUE, 1001);
        String address = problems.string(obj, send ? "to" : "listen", false);
        String channel = problems.string(obj, "channel", false);
        if (address != null && channel != null) {
            problems.problem(obj.get("channel"), "give \"" + (send ? "to" : "listen") + "\" or \"channel\", not both");
        } else if (address != null) {
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1
                    || !address.substring(colon + 1).chars().allMatch(Character::isDigit)) {
                problems.problem(obj.get(send ? "to" : "listen"), "\"" + address + "\" is not HOST:PORT (e.g. 10.0.0.2:"
                        + DEFAULT_BRIDGE_PORT + ")");
            }
            channel = "aeron:udp?endpoint=" + address;
        } else if (channel == null) {
            if (send) {
                problems.problem(obj, "missing \"to\": the receiving bridge's HOST:PORT (or a transport \"channel\")");
            } else {
                channel = "aeron:udp?endpoint=0.0.0.0:" + DEFAULT_BRIDGE_PORT;
            }
        }
        List<String> targets = new ArrayList<>();
        String prefix = "";
        boolean reliable = true;
        if (send) {
            Node targetsNode = problems.require(obj, "targets", "the regions (\"arm\") or records (\"arm/joint_state\") to forward");
            for (Node t : problems.array(targetsNode, "targets", true)) {
                if (!(t instanceof Node.StringNode sn)) {
                    problems.problem(t, "expected a target string \"REGION\" or \"REGION/RECORD\"; found " + problems.describe(t));
                    continue;
                }
                String text = sn.value();
                int slash = text.indexOf('/');
                String regionName = slash < 0 ? text : text.substring(0, slash);
                Deployment.RegionSpec region = regions.get(regionName);
                if (regionNodes.containsKey(regionName) && regionName.length() > RegionDirectory.MAX_BRIDGED_NAME_LENGTH) {
                    problems.problem(t, "region \"" + regionName + "\" is " + regionName.length() + " characters; a bridge sends"
                            + " regions of at most " + RegionDirectory.MAX_BRIDGED_NAME_LENGTH + " (a receiver names its"
                            + " statistics region NAME" + RegionDirectory.BRIDGE_STATS_SUFFIX + ", and region names are at most "
                            + RegionDirectory.MAX_NAME_LENGTH + "): rename the region to at most "
                            + RegionDirectory.MAX_BRIDGED_NAME_LENGTH + " characters");
                    continue;
                }
                if (region == null) {
                    if (!regionNodes.containsKey(regionName)) {
                        String hint = JsonProblems.didYouMean(regionName, regionNodes.keySet());
                        problems.problem(t, "unknown region \"" + regionName + "\"" + hint + " (regions: "
                                + String.join(", ", regionNodes.keySet()) + "); a bridge sends declared regions");
                    }
                    continue;
                }
                if (slash >= 0) {
                    String record = text.substring(slash + 1);
                    if (region.layout().record(record).isEmpty()) {
                        List<String> names = region.layout().records().stream().map(RecordLayout::name).toList();
                        String hint = JsonProblems.didYouMean(record, names);
                        problems.problem(t, "unknown record \"" + record + "\" in region \"" + regionName + "\"" + hint
                                + " (records: " + String.join(", ", names) + ")");
                        continue;
                    }
                }
                targets.add(text);
            }
        } else {
            prefix = problems.string(obj, "prefix", false);
            if (prefix == null) {
                prefix = "";
            } else if (!prefix.isEmpty() && !RegionDirectory.NAME.matcher(prefix + "x").matches()) {
                problems.problem(obj.get("prefix"), "invalid prefix \"" + prefix + "\": region names use letters, digits, '.', '_', '-'");
            }
            reliable = problems.bool(obj, "reliable", true);
        }
        if (name == null) {
            return null;
        }
        return new Deployment.BridgeSpec(name, direction, transport == null ? "aeron" : transport, channel, (int) stream,
                List.copyOf(targets), prefix, reliable);
    }

    private Deployment.ActionSpec action(Node node) {
        if (node == null) {
            return new Deployment.ActionSpec("log", 1000);
        }
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected an action object, e.g. { \"type\": \"log\", \"everyMs\": 1000 }; found " + node.kind());
            return null;
        }
        problems.keys(obj, ACTION_KEYS);
        String type = problems.string(obj, "type", true);
        if (type != null && !actionTypes.contains(type)) {
            String hint = JsonProblems.didYouMean(type, actionTypes);
            problems.problem(obj.get("type"), "unknown action \"" + type + "\"" + hint + " (actions: " + String.join(", ", actionTypes) + ")"
                    + (hint.isEmpty() ? OWN_TYPES : ""));
            return null;
        }
        long every = problems.integer(obj, "everyMs", 1, 3_600_000, 1000);
        return type == null ? null : new Deployment.ActionSpec(type, every);
    }

    private Deployment.RegionSpec regionRef(Node.ObjectNode obj, Map<String, Deployment.RegionSpec> regions,
            Map<String, Node> regionNodes) {
        String name = problems.string(obj, "region", true);
        if (name == null) {
            return null;
        }
        Deployment.RegionSpec region = regions.get(name);
        if (region == null) {
            if (!regionNodes.containsKey(name)) {
                String hint = JsonProblems.didYouMean(name, regionNodes.keySet());
                problems.problem(obj.get("region"), "unknown region \"" + name + "\"" + hint + " (regions: "
                        + String.join(", ", regionNodes.keySet()) + "); declare it under \"regions\"");
            }
            return null; // declared but invalid: its own error is reported where it is declared
        }
        return region;
    }

    private RecordLayout recordRef(Node.ObjectNode obj, Deployment.RegionSpec region, String record) {
        Layout layout = region.layout();
        if (record == null) {
            if (layout.records().size() == 1) {
                return layout.records().get(0);
            }
            problems.problem(obj, "missing \"record\": region \"" + region.name() + "\" (schema \"" + layout.schemaName()
                    + "\") has several: " + layout.records().stream().map(RecordLayout::name).toList());
            return null;
        }
        RecordLayout r = layout.record(record).orElse(null);
        if (r == null) {
            List<String> names = layout.records().stream().map(RecordLayout::name).toList();
            String hint = JsonProblems.didYouMean(record, names);
            problems.problem(obj.get("record"), "unknown record \"" + record + "\" in region \"" + region.name() + "\" (schema \""
                    + layout.schemaName() + "\")" + hint + " (records: " + String.join(", ", names) + ")");
        }
        return r;
    }

    // ------------------------------------------------------------------------------------------

    /** {@code text} resolved against the deployment file's directory; null (and a problem) when it is no path. */
    private Path path(Node at, String text) {
        try {
            return baseDir.resolve(text).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            problems.problem(at, "invalid path \"" + text.replace("\0", "\\u0000") + "\": " + e.getReason());
            return null;
        }
    }
}
