package io.shmtel.config;

import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import io.shmtel.schema.layout.Fingerprint;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverParameter;
import io.shmtel.sensors.DriverParams;
import io.shmtel.sensors.SensorDriver;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One entry of a node's {@code "drivers"}: a registered driver type, the region it writes (one driver per
 * region) and record, its rate and its parameters (each checked against what the type declares); the driver is
 * built once to check that it writes the region's record layout.
 */
final class DriverSpecParser {
    static final List<String> DRIVER_KEYS = PlacementSpecParser.withPlacementKeys("type", "region", "record",
            "rateHz", "optional", "params");
    /** The highest rate a driver may be given, in samples per second. */
    static final long MAX_RATE_HZ = 1_000_000;

    private final DeploymentContext ctx;
    private final JsonProblems problems;

    DriverSpecParser(DeploymentContext ctx) {
        this.ctx = ctx;
        this.problems = ctx.problems;
    }

    /** The driver {@code node} declares, its sampling thread placed as it says, else as {@code node}'s node. */
    Deployment.DriverSpec driver(Node node, Deployment.PlacementSpec nodePlacement) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a driver object with \"type\" and \"region\"; found " + node.kind());
            return null;
        }
        problems.keys(obj, DRIVER_KEYS);
        String type = problems.string(obj, "type", true);
        DriverFactory factory = type == null ? null : factory(obj, type);
        Deployment.RegionSpec region = ctx.regionRef(obj);
        if (region != null) {
            Node first = ctx.drivenRegions.putIfAbsent(region.name(), obj.get("region"));
            if (first != null) {
                problems.problem(obj.get("region"), "region \"" + region.name() + "\" already has a driver (at "
                        + first.pointer() + "): a region has one writer; give this driver its own region");
            }
        }
        String record = null;
        RecordLayout recordLayout = null;
        if (region != null) {
            record = problems.string(obj, "record", false);
            recordLayout = ctx.recordRef(obj, region, record);
            record = recordLayout == null ? null : recordLayout.name();
        }
        Map<String, Object> params = params(obj.get("params"), factory);
        SensorDriver<?> probe = null;
        if (factory != null && params != null) {
            try {
                probe = factory.create(new DriverParams(type, factory.parameters(), params));
            } catch (RuntimeException e) {
                problems.problem(obj.get("params") != null ? obj.get("params") : obj, "driver \"" + type + "\": "
                        + e.getMessage());
            }
        }
        if (probe != null && recordLayout != null) {
            checkLayout(obj, type, probe, region, recordLayout);
        }
        double rate = rate(obj, recordLayout);
        boolean optional = problems.bool(obj, "optional", false);
        Deployment.PlacementSpec placement = PlacementSpecParser.placement(obj, nodePlacement, problems);
        if (type == null || factory == null || region == null || record == null || rate <= 0 || params == null
                || placement == null) {
            return null;
        }
        return new Deployment.DriverSpec(type, region.name(), record, rate, optional, params, placement);
    }

    /** The registered factory of driver type {@code type}; null (and a problem, with a hint) when none is. */
    private DriverFactory factory(Node.ObjectNode obj, String type) {
        DriverFactory factory = ctx.driverTypes.get(type);
        if (factory == null) {
            String hint = JsonProblems.didYouMean(type, ctx.driverTypes.keySet());
            problems.problem(obj.get("type"), "unknown driver type \"" + type + "\"" + hint + " (types: "
                    + String.join(", ", new TreeSet<>(ctx.driverTypes.keySet())) + ")"
                    + (hint.isEmpty() ? DeploymentParser.OWN_TYPES : ""));
        }
        return factory;
    }

    /** The driver {@code probe} must write the record of {@code region} with the same layout. */
    private void checkLayout(Node.ObjectNode obj, String type, SensorDriver<?> probe, Deployment.RegionSpec region,
            RecordLayout recordLayout) {
        RecordLayout wanted = probe.layout().record(probe.record()).orElse(null);
        if (!probe.record().equals(recordLayout.name()) || wanted == null
                || wanted.fingerprint() != recordLayout.fingerprint()) {
            problems.problem(obj.get("region"), "driver \"" + type + "\" writes record \"" + probe.record()
                    + "\" of schema \"" + probe.layout().schemaName() + "\" ("
                    + (wanted == null ? "?" : Fingerprint.hex(wanted.fingerprint()))
                    + "); region \"" + region.name() + "\" record \"" + recordLayout.name() + "\" has layout "
                    + Fingerprint.hex(recordLayout.fingerprint()) + ": give the region the driver's schema ("
                    + probe.layout().source() + ")");
        }
    }

    /** The driver's rate: its {@code "rateHz"}, else the record's nominal rate; 0 after a problem. */
    private double rate(Node.ObjectNode obj, RecordLayout recordLayout) {
        double rate = 0;
        Node rateNode = obj.get("rateHz");
        if (rateNode != null) {
            if (!(rateNode instanceof Node.NumberNode n) || n.value().signum() <= 0
                    || n.value().compareTo(BigDecimal.valueOf(MAX_RATE_HZ)) > 0) {
                problems.problem(rateNode, "rateHz must be a number greater than 0 and at most " + MAX_RATE_HZ
                        + "; found " + problems.describe(rateNode));
            } else {
                rate = n.value().doubleValue();
            }
        } else if (recordLayout != null) {
            rate = recordLayout.rateHz();
            if (rate <= 0) {
                problems.problem(obj, "missing \"rateHz\": record \"" + recordLayout.name()
                        + "\" declares no nominal rate to use");
            }
        }
        return rate;
    }

    /**
     * The {@code "params"} values by name, each of the kind {@code factory} declares (paths resolved against the
     * deployment file's directory); none when absent or the type is unknown; null after a problem.
     */
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
            if (!param(p, m.value(), values)) {
                ok = false;
            }
        }
        return ok ? values : null;
    }

    /** Puts the value {@code v} of parameter {@code p} into {@code values}; false after a problem. */
    private boolean param(DriverParameter p, Node v, Map<String, Object> values) {
        switch (p.kind()) {
            case INTEGER -> {
                if (v instanceof Node.NumberNode n && n.isIntegral()) {
                    values.put(p.name(), n.value().longValue());
                } else {
                    problems.problem(v, "parameter \"" + p.name() + "\" is an integer; found " + problems.describe(v));
                    return false;
                }
            }
            case NUMBER -> {
                if (v instanceof Node.NumberNode n) {
                    values.put(p.name(), n.value().doubleValue());
                } else {
                    problems.problem(v, "parameter \"" + p.name() + "\" is a number; found " + problems.describe(v));
                    return false;
                }
            }
            case TEXT, PATH -> {
                if (v instanceof Node.StringNode s && p.kind() == DriverParameter.Kind.PATH) {
                    Path resolved = ctx.path(v, s.value());
                    if (resolved == null) {
                        return false;
                    }
                    values.put(p.name(), resolved.toString());
                } else if (v instanceof Node.StringNode s) {
                    values.put(p.name(), s.value());
                } else {
                    problems.problem(v, "parameter \"" + p.name() + "\" is " + (p.kind() == DriverParameter.Kind.PATH
                            ? "a path" : "text") + "; found " + problems.describe(v));
                    return false;
                }
            }
            case LIST -> {
                Object list = v instanceof Node.ArrayNode ? plain(p, v) : null;
                if (list == null) {
                    if (!(v instanceof Node.ArrayNode)) {
                        problems.problem(v, "parameter \"" + p.name() + "\" is a JSON array; found "
                                + problems.describe(v));
                    }
                    return false;
                }
                values.put(p.name(), list);
            }
        }
        return true;
    }

    /**
     * {@code v} as a plain Java value (Double, String, Boolean, List, Map in written order) for a list parameter;
     * null after a problem (a null anywhere inside).
     */
    private Object plain(DriverParameter p, Node v) {
        if (v instanceof Node.NumberNode n) {
            return n.value().doubleValue();
        }
        if (v instanceof Node.StringNode s) {
            return s.value();
        }
        if (v instanceof Node.BooleanNode b) {
            return b.value();
        }
        if (v instanceof Node.ArrayNode a) {
            List<Object> items = new ArrayList<>();
            for (Node e : a.elements()) {
                Object item = plain(p, e);
                if (item == null) {
                    return null;
                }
                items.add(item);
            }
            return Collections.unmodifiableList(items);
        }
        if (v instanceof Node.ObjectNode o) {
            Map<String, Object> members = new LinkedHashMap<>();
            for (Node.Member m : o.members().values()) {
                Object member = plain(p, m.value());
                if (member == null) {
                    return null;
                }
                members.put(m.key(), member);
            }
            return Collections.unmodifiableMap(members);
        }
        problems.problem(v, "parameter \"" + p.name() + "\": null is not a value here; give a number, text,"
                + " true/false, an array or an object");
        return null;
    }
}
