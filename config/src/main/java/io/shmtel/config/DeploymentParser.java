package io.shmtel.config;

import io.shmtel.core.region.MemoryOptions;
import io.shmtel.core.region.RegionDirectory;
import io.shmtel.schema.InputFiles;
import io.shmtel.schema.Names;
import io.shmtel.schema.SchemaException;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.SchemaProblem;
import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.LocatedJsonReader;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
        this.problems = new JsonProblems(source);
        java.util.TreeSet<String> actions = new java.util.TreeSet<>(ACTIONS);
        actions.addAll(userActions);
        this.actionTypes = actions;
    }

    /** Parses {@code file}; schema paths are relative to its directory. */
    public static Deployment parse(Path file, Map<String, DriverFactory> driverTypes, Set<String> userActions) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(InputFiles.read(file, InputFiles.MAX_TEXT_BYTES))).toString();
        } catch (InputFiles.UnreadableFileException e) {
            throw single(file.toString(), e.reason());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw single(file.toString(), "file is not valid UTF-8: save it as UTF-8");
        }
        // Relative to the deployment file's directory as the user gave it, so messages show familiar paths.
        Path base = file.getParent() == null ? Path.of("") : file.getParent();
        return parse(text, file.toString(), base, driverTypes, userActions).withFile(file);
    }

    /** Parses deployment text; relative schema paths resolve against {@code baseDir}. */
    public static Deployment parse(String text, String sourceName, Path baseDir, Map<String, DriverFactory> driverTypes,
            Set<String> userActions) {
        DeploymentParser p = new DeploymentParser(sourceName, baseDir, driverTypes, userActions);
        LocatedJsonReader.Result json = LocatedJsonReader.read(text);
        for (LocatedJsonReader.Problem problem : json.problems()) {
            p.problems.problem(problem.line(), problem.column(), problem.pointer(), problem.message());
        }
        Deployment d = json.root() == null ? null : p.deployment(json.root());
        if (!p.problems.isEmpty()) {
            List<SchemaProblem> sorted = new ArrayList<>(p.problems.list());
            // The deployment file's own problems first, then those of the schema files it names.
            sorted.sort(Comparator.comparing((SchemaProblem x) -> !x.source().equals(sourceName))
                    .thenComparing(SchemaProblem::source).thenComparingInt(SchemaProblem::line)
                    .thenComparingInt(SchemaProblem::column));
            throw new DeploymentException(sorted);
        }
        return d;
    }

    private static DeploymentException single(String source, String message) {
        return new DeploymentException(List.of(new SchemaProblem(source, 1, 1, "", message)));
    }

    // ------------------------------------------------------------------------------------------

    private Deployment deployment(Node root) {
        if (!(root instanceof Node.ObjectNode obj)) {
            problem(root, "expected a JSON object with \"deployment\", \"regions\" and \"nodes\"; found " + root.kind());
            return null;
        }
        keys(obj, ROOT_KEYS);
        String name = string(obj, "deployment", true);
        if (name != null && !RegionDirectory.NAME.matcher(name).matches()) {
            problem(obj.get("deployment"), "invalid deployment name \"" + name + "\": use letters, digits, '.', '_', '-'");
        }
        Path directory = null;
        String dir = string(obj, "directory", false);
        if (dir != null) {
            directory = path(obj.get("directory"), dir);
        }
        long heartbeatMs = integer(obj, "heartbeatPeriodMs", 1, 60_000, 100);
        boolean removeOnExit = bool(obj, "removeRegionsOnExit", false);

        Map<String, Deployment.RegionSpec> regions = new LinkedHashMap<>();
        Map<String, Node> regionNodes = new HashMap<>();
        Node regionsNode = require(obj, "regions", "an array of regions, e.g. [{ \"name\": \"arm\", \"schema\": \"arm.json\" }]");
        for (Node r : array(regionsNode, "regions", true)) {
            Deployment.RegionSpec spec = region(r, regionNodes);
            if (spec != null) {
                regions.put(spec.name(), spec);
            }
        }
        List<Deployment.NodeSpec> nodes = new ArrayList<>();
        Map<String, Node> nodeNames = new HashMap<>();
        Map<String, Node> drivenRegions = new HashMap<>();
        Node nodesNode = require(obj, "nodes", "an array of nodes, e.g. [{ \"name\": \"drivers\", \"drivers\": [...] }]");
        for (Node n : array(nodesNode, "nodes", true)) {
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
            problem(node, "expected a region object with \"name\" and \"schema\"; found " + node.kind());
            return null;
        }
        keys(obj, REGION_KEYS);
        String name = string(obj, "name", true);
        if (name != null) {
            if (!RegionDirectory.NAME.matcher(name).matches()) {
                problem(obj.get("name"), "invalid region name \"" + name + "\": names match [A-Za-z0-9][A-Za-z0-9._-]{0,127}");
                name = null;
            } else if (seen.putIfAbsent(name, obj.get("name")) != null) {
                problem(obj.get("name"), "duplicate region name \"" + name + "\" (first declared at "
                        + seen.get(name).pointer() + ")");
                name = null;
            }
        }
        int mode = 0600;
        String modeText = string(obj, "mode", false);
        if (modeText != null) {
            try {
                mode = Integer.parseInt(modeText, 8);
                io.shmtel.core.region.RegionOptions.defaults().withMode(mode);
            } catch (IllegalArgumentException e) {
                problem(obj.get("mode"), "invalid mode \"" + modeText + "\": an octal string such as \"0600\" or \"0640\""
                        + " that keeps owner read-write and gives no one else write access");
            }
        }
        String schema = string(obj, "schema", true);
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
                    problem(at, "schema file " + schemaFile + " does not exist (\"" + schema
                            + "\" is relative to the deployment file's directory)");
                } else {
                    problem(at, "schema file " + schemaFile + " is invalid (" + e.problems().size() + " errors below)");
                    problems.addAll(e.problems());
                }
            }
        }
        MemoryOptions memory = memory(obj.get("memory"));
        long flushMs = integer(obj, "flushPeriodMs", 0, 86_400_000, 0);
        return name == null || layout == null || memory == null ? null
                : new Deployment.RegionSpec(name, schemaFile, layout, mode, memory, Duration.ofMillis(flushMs));
    }

    private MemoryOptions memory(Node node) {
        if (node == null) {
            return MemoryOptions.defaults();
        }
        if (!(node instanceof Node.ObjectNode obj)) {
            problem(node, "expected a memory object, e.g. { \"prefault\": true, \"lock\": true }; found " + node.kind());
            return null;
        }
        keys(obj, MEMORY_KEYS);
        MemoryOptions.Advice advice = MemoryOptions.Advice.NORMAL;
        String adviceText = string(obj, "advice", false);
        if (adviceText != null) {
            advice = MemoryOptions.Advice.byName(adviceText).orElse(null);
            if (advice == null) {
                String hint = Names.closest(adviceText, MemoryOptions.Advice.names())
                        .map(c -> "; did you mean \"" + c + "\"?").orElse("");
                problem(obj.get("advice"), "unknown advice \"" + adviceText + "\"" + hint + " (advice: "
                        + String.join(", ", MemoryOptions.Advice.names()) + ")");
                return null;
            }
        }
        return new MemoryOptions(bool(obj, "prefault", false), bool(obj, "lock", false), advice,
                bool(obj, "hugePages", false));
    }

    private Deployment.NodeSpec node(Node node, Map<String, Node> seen, Map<String, Deployment.RegionSpec> regions,
            Map<String, Node> regionNodes, Map<String, Node> drivenRegions) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problem(node, "expected a node object with \"name\", \"drivers\" and/or \"subscribers\"; found " + node.kind());
            return null;
        }
        keys(obj, NODE_KEYS);
        String name = string(obj, "name", true);
        if (name != null && seen.putIfAbsent(name, obj.get("name")) != null) {
            problem(obj.get("name"), "duplicate node name \"" + name + "\" (first declared at " + seen.get(name).pointer() + ")");
        }
        List<Deployment.DriverSpec> drivers = new ArrayList<>();
        for (Node d : array(obj.get("drivers"), "drivers", false)) {
            Deployment.DriverSpec spec = driver(d, regions, regionNodes, drivenRegions);
            if (spec != null) {
                drivers.add(spec);
            }
        }
        List<Deployment.SubscriberSpec> subscribers = new ArrayList<>();
        Map<String, Node> subscriberNames = new HashMap<>();
        for (Node s : array(obj.get("subscribers"), "subscribers", false)) {
            Deployment.SubscriberSpec spec = subscriber(s, regions, regionNodes, subscriberNames);
            if (spec != null) {
                subscribers.add(spec);
            }
        }
        List<Deployment.BridgeSpec> bridges = new ArrayList<>();
        Map<String, Node> bridgeNames = new HashMap<>();
        for (Node b : array(obj.get("bridges"), "bridges", false)) {
            Deployment.BridgeSpec spec = bridge(b, regions, regionNodes, bridgeNames);
            if (spec != null) {
                bridges.add(spec);
            }
        }
        if (obj.get("drivers") == null && obj.get("subscribers") == null && obj.get("bridges") == null) {
            problem(obj, "a node needs \"drivers\", \"subscribers\" or \"bridges\"");
        }
        return name == null ? null : new Deployment.NodeSpec(name, drivers, subscribers, bridges);
    }

    private Deployment.DriverSpec driver(Node node, Map<String, Deployment.RegionSpec> regions, Map<String, Node> regionNodes,
            Map<String, Node> drivenRegions) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problem(node, "expected a driver object with \"type\" and \"region\"; found " + node.kind());
            return null;
        }
        keys(obj, DRIVER_KEYS);
        String type = string(obj, "type", true);
        DriverFactory factory = null;
        if (type != null) {
            factory = driverTypes.get(type);
            if (factory == null) {
                String hint = Names.closest(type, driverTypes.keySet()).map(c -> "; did you mean \"" + c + "\"?").orElse("");
                problem(obj.get("type"), "unknown driver type \"" + type + "\"" + hint + " (types: "
                        + String.join(", ", new java.util.TreeSet<>(driverTypes.keySet())) + ")"
                        + (hint.isEmpty() ? OWN_TYPES : ""));
            }
        }
        Deployment.RegionSpec region = regionRef(obj, regions, regionNodes);
        if (region != null) {
            Node first = drivenRegions.putIfAbsent(region.name(), obj.get("region"));
            if (first != null) {
                problem(obj.get("region"), "region \"" + region.name() + "\" already has a driver (at " + first.pointer()
                        + "): a region has one writer; give this driver its own region");
            }
        }
        String record = null;
        RecordLayout recordLayout = null;
        if (region != null) {
            record = string(obj, "record", false);
            recordLayout = recordRef(obj, region, record);
            record = recordLayout == null ? null : recordLayout.name();
        }
        Map<String, Object> params = params(obj.get("params"), factory);
        SensorDriver<?> probe = null;
        if (factory != null && params != null) {
            try {
                probe = factory.create(new DriverParams(type, factory.parameters(), params));
            } catch (RuntimeException e) {
                problem(obj.get("params") != null ? obj.get("params") : obj, "driver \"" + type + "\": " + e.getMessage());
            }
        }
        if (probe != null && recordLayout != null) {
            RecordLayout wanted = probe.layout().record(probe.record()).orElse(null);
            if (!probe.record().equals(recordLayout.name()) || wanted == null
                    || wanted.fingerprint() != recordLayout.fingerprint()) {
                problem(obj.get("region"), "driver \"" + type + "\" writes record \"" + probe.record() + "\" of schema \""
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
                problem(rateNode, "rateHz must be a number greater than 0 and at most 1000000; found "
                        + describe(rateNode));
            } else {
                rate = n.value().doubleValue();
            }
        } else if (recordLayout != null) {
            rate = recordLayout.rateHz();
            if (rate <= 0) {
                problem(obj, "missing \"rateHz\": record \"" + recordLayout.name() + "\" declares no nominal rate to use");
            }
        }
        boolean optional = bool(obj, "optional", false);
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
            problem(node, "expected an object of driver parameters; found " + node.kind());
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
                String hint = Names.closest(m.key(), declared.keySet()).map(c -> "; did you mean \"" + c + "\"?").orElse("");
                problem(m.keyLine(), m.keyColumn(), m.value().pointer(), "driver \"" + factory.type()
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
                        problem(v, "parameter \"" + p.name() + "\" is an integer; found " + describe(v));
                        ok = false;
                    }
                }
                case NUMBER -> {
                    if (v instanceof Node.NumberNode n) {
                        values.put(p.name(), n.value().doubleValue());
                    } else {
                        problem(v, "parameter \"" + p.name() + "\" is a number; found " + describe(v));
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
                        problem(v, "parameter \"" + p.name() + "\" is " + (p.kind() == DriverParameter.Kind.PATH
                                ? "a path" : "text") + "; found " + describe(v));
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
            problem(node, "expected a subscriber object with \"region\"; found " + node.kind());
            return null;
        }
        keys(obj, SUBSCRIBER_KEYS);
        Deployment.RegionSpec region = regionRef(obj, regions, regionNodes);
        String record = region == null ? null : string(obj, "record", false);
        RecordLayout r = region == null ? null : recordRef(obj, region, record);
        String name = string(obj, "name", false);
        if (name == null && region != null && r != null) {
            name = region.name() + "/" + r.name();
        }
        if (name != null && seen.putIfAbsent(name, obj) != null) {
            problem(obj, "duplicate subscriber name \"" + name + "\" in this node: name them apart with \"name\"");
        }
        Deployment.IdleSpec idle = IdleSpecParser.idle(obj.get("idle"), problems);
        Deployment.ActionSpec action = action(obj.get("action"));
        boolean take = bool(obj, "take", false);
        if (take && r != null && !r.isMailbox()) {
            problem(obj.get("take"), "\"take\" consumes the messages of a mailbox record, and record \"" + r.name()
                    + "\" of region \"" + region.name() + "\" is a ring: remove \"take\" to read its samples");
            return null;
        }
        if (take && action != null && action.type().equals("none")) {
            problem(obj.get("action"), "a subscriber that takes messages answers each one after its action ran: give"
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
            problem(node, "expected a bridge object, e.g. { \"name\": \"to-planner\", \"direction\": \"send\", \"to\":"
                    + " \"10.0.0.2:40456\", \"targets\": [\"arm\"] }; found " + node.kind());
            return null;
        }
        String name = string(obj, "name", true);
        if (name != null && seen.putIfAbsent(name, obj.get("name")) != null) {
            problem(obj.get("name"), "duplicate bridge name \"" + name + "\" in this node");
        }
        String direction = string(obj, "direction", true);
        List<String> directions = List.of(Deployment.BridgeSpec.SEND, Deployment.BridgeSpec.RECEIVE);
        if (direction != null && !directions.contains(direction)) {
            String hint = Names.closest(direction, directions).map(c -> "; did you mean \"" + c + "\"?").orElse("");
            problem(obj.get("direction"), "unknown bridge direction \"" + direction + "\"" + hint + " (send or receive)");
            return null;
        }
        if (direction == null) {
            return null;
        }
        boolean send = direction.equals(Deployment.BridgeSpec.SEND);
        keys(obj, send ? SEND_KEYS : RECEIVE_KEYS);
        String transport = string(obj, "transport", false);
        long stream = integer(obj, "stream", 1, Integer.MAX_VALUE, 1001);
        String address = string(obj, send ? "to" : "listen", false);
        String channel = string(obj, "channel", false);
        if (address != null && channel != null) {
            problem(obj.get("channel"), "give \"" + (send ? "to" : "listen") + "\" or \"channel\", not both");
        } else if (address != null) {
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1
                    || !address.substring(colon + 1).chars().allMatch(Character::isDigit)) {
                problem(obj.get(send ? "to" : "listen"), "\"" + address + "\" is not HOST:PORT (e.g. 10.0.0.2:"
                        + DEFAULT_BRIDGE_PORT + ")");
            }
            channel = "aeron:udp?endpoint=" + address;
        } else if (channel == null) {
            if (send) {
                problem(obj, "missing \"to\": the receiving bridge's HOST:PORT (or a transport \"channel\")");
            } else {
                channel = "aeron:udp?endpoint=0.0.0.0:" + DEFAULT_BRIDGE_PORT;
            }
        }
        List<String> targets = new ArrayList<>();
        String prefix = "";
        boolean reliable = true;
        if (send) {
            Node targetsNode = require(obj, "targets", "the regions (\"arm\") or records (\"arm/joint_state\") to forward");
            for (Node t : array(targetsNode, "targets", true)) {
                if (!(t instanceof Node.StringNode sn)) {
                    problem(t, "expected a target string \"REGION\" or \"REGION/RECORD\"; found " + describe(t));
                    continue;
                }
                String text = sn.value();
                int slash = text.indexOf('/');
                String regionName = slash < 0 ? text : text.substring(0, slash);
                Deployment.RegionSpec region = regions.get(regionName);
                if (regionNodes.containsKey(regionName) && regionName.length() > RegionDirectory.MAX_BRIDGED_NAME_LENGTH) {
                    problem(t, "region \"" + regionName + "\" is " + regionName.length() + " characters; a bridge sends"
                            + " regions of at most " + RegionDirectory.MAX_BRIDGED_NAME_LENGTH + " (a receiver names its"
                            + " statistics region NAME" + RegionDirectory.BRIDGE_STATS_SUFFIX + ", and region names are at most "
                            + RegionDirectory.MAX_NAME_LENGTH + "): rename the region to at most "
                            + RegionDirectory.MAX_BRIDGED_NAME_LENGTH + " characters");
                    continue;
                }
                if (region == null) {
                    if (!regionNodes.containsKey(regionName)) {
                        String hint = Names.closest(regionName, regionNodes.keySet())
                                .map(c -> "; did you mean \"" + c + "\"?").orElse("");
                        problem(t, "unknown region \"" + regionName + "\"" + hint + " (regions: "
                                + String.join(", ", regionNodes.keySet()) + "); a bridge sends declared regions");
                    }
                    continue;
                }
                if (slash >= 0) {
                    String record = text.substring(slash + 1);
                    if (region.layout().record(record).isEmpty()) {
                        List<String> names = region.layout().records().stream().map(RecordLayout::name).toList();
                        String hint = Names.closest(record, names).map(c -> "; did you mean \"" + c + "\"?").orElse("");
                        problem(t, "unknown record \"" + record + "\" in region \"" + regionName + "\"" + hint
                                + " (records: " + String.join(", ", names) + ")");
                        continue;
                    }
                }
                targets.add(text);
            }
        } else {
            prefix = string(obj, "prefix", false);
            if (prefix == null) {
                prefix = "";
            } else if (!prefix.isEmpty() && !RegionDirectory.NAME.matcher(prefix + "x").matches()) {
                problem(obj.get("prefix"), "invalid prefix \"" + prefix + "\": region names use letters, digits, '.', '_', '-'");
            }
            reliable = bool(obj, "reliable", true);
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
            problem(node, "expected an action object, e.g. { \"type\": \"log\", \"everyMs\": 1000 }; found " + node.kind());
            return null;
        }
        keys(obj, ACTION_KEYS);
        String type = string(obj, "type", true);
        if (type != null && !actionTypes.contains(type)) {
            String hint = Names.closest(type, actionTypes).map(c -> "; did you mean \"" + c + "\"?").orElse("");
            problem(obj.get("type"), "unknown action \"" + type + "\"" + hint + " (actions: " + String.join(", ", actionTypes) + ")"
                    + (hint.isEmpty() ? OWN_TYPES : ""));
            return null;
        }
        long every = integer(obj, "everyMs", 1, 3_600_000, 1000);
        return type == null ? null : new Deployment.ActionSpec(type, every);
    }

    private Deployment.RegionSpec regionRef(Node.ObjectNode obj, Map<String, Deployment.RegionSpec> regions,
            Map<String, Node> regionNodes) {
        String name = string(obj, "region", true);
        if (name == null) {
            return null;
        }
        Deployment.RegionSpec region = regions.get(name);
        if (region == null) {
            if (!regionNodes.containsKey(name)) {
                String hint = Names.closest(name, regionNodes.keySet()).map(c -> "; did you mean \"" + c + "\"?").orElse("");
                problem(obj.get("region"), "unknown region \"" + name + "\"" + hint + " (regions: "
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
            problem(obj, "missing \"record\": region \"" + region.name() + "\" (schema \"" + layout.schemaName()
                    + "\") has several: " + layout.records().stream().map(RecordLayout::name).toList());
            return null;
        }
        RecordLayout r = layout.record(record).orElse(null);
        if (r == null) {
            List<String> names = layout.records().stream().map(RecordLayout::name).toList();
            String hint = Names.closest(record, names).map(c -> "; did you mean \"" + c + "\"?").orElse("");
            problem(obj.get("record"), "unknown record \"" + record + "\" in region \"" + region.name() + "\" (schema \""
                    + layout.schemaName() + "\")" + hint + " (records: " + String.join(", ", names) + ")");
        }
        return r;
    }

    // ------------------------------------------------------------------------------------------

    private void keys(Node.ObjectNode obj, List<String> allowed) {
        for (Node.Member m : obj.members().values()) {
            if (!allowed.contains(m.key())) {
                String hint = Names.closest(m.key(), allowed).map(c -> "; did you mean \"" + c + "\"?").orElse("");
                problem(m.keyLine(), m.keyColumn(), m.value().pointer(), "unknown key \"" + m.key() + "\"" + hint
                        + " (allowed keys: " + String.join(", ", allowed) + ")");
            }
        }
    }

    private Node require(Node.ObjectNode obj, String key, String expected) {
        Node v = obj.get(key);
        if (v == null) {
            problem(obj, "missing required key \"" + key + "\": " + expected);
        }
        return v;
    }

    private List<Node> array(Node node, String key, boolean nonEmpty) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof Node.ArrayNode a)) {
            problem(node, "expected an array of " + key + "; found " + node.kind());
            return List.of();
        }
        if (nonEmpty && a.elements().isEmpty()) {
            problem(a, "\"" + key + "\" must not be empty");
        }
        return a.elements();
    }

    private String string(Node.ObjectNode obj, String key, boolean required) {
        Node v = required ? require(obj, key, "a string") : obj.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Node.StringNode s)) {
            problem(v, "expected a string; found " + describe(v));
            return null;
        }
        return s.value();
    }

    private long integer(Node.ObjectNode obj, String key, long min, long max, long defaultValue) {
        Node v = obj.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Node.NumberNode n) || !n.isIntegral()
                || n.value().compareTo(BigDecimal.valueOf(min)) < 0 || n.value().compareTo(BigDecimal.valueOf(max)) > 0) {
            problem(v, key + " must be an integer from " + min + " to " + max + "; found " + describe(v));
            return defaultValue;
        }
        return n.value().longValue();
    }

    private boolean bool(Node.ObjectNode obj, String key, boolean defaultValue) {
        Node v = obj.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Node.BooleanNode b)) {
            problem(v, "expected true or false; found " + describe(v));
            return defaultValue;
        }
        return b.value();
    }

    private static String describe(Node n) {
        if (n instanceof Node.StringNode s) {
            return "string \"" + s.value() + "\"";
        }
        if (n instanceof Node.NumberNode num) {
            return num.value().toPlainString();
        }
        if (n instanceof Node.BooleanNode b) {
            return Boolean.toString(b.value());
        }
        return n.kind();
    }

    /** {@code text} resolved against the deployment file's directory; null (and a problem) when it is no path. */
    private Path path(Node at, String text) {
        try {
            return baseDir.resolve(text).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            problem(at, "invalid path \"" + text.replace("\0", "\\u0000") + "\": " + e.getReason());
            return null;
        }
    }

    private void problem(Node at, String message) {
        problems.problem(at, message);
    }

    private void problem(int line, int column, String pointer, String message) {
        problems.problem(line, column, pointer, message);
    }
}
