package io.shmtel.config;

import io.shmtel.core.region.RegionDirectory;
import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import io.shmtel.schema.layout.RecordLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One entry of a node's {@code "bridges"}: a sending bridge (its receiver's address or transport channel and
 * the regions or records it forwards) or a receiving one (where it listens, the prefix of the regions it
 * creates, whether it asks for lost samples again), and how its threads idle ({@code "idle"}, as a subscriber's).
 */
final class BridgeSpecParser {
    static final List<String> SEND_KEYS = PlacementSpecParser.withPlacementKeys("name", "direction", "transport", "to",
            "channel", "stream", "targets", "idle");
    static final List<String> RECEIVE_KEYS = PlacementSpecParser.withPlacementKeys("name", "direction", "transport",
            "listen", "channel", "stream", "prefix", "reliable", "idle");
    static final String DEFAULT_BRIDGE_PORT = "40456";
    /** The transport stream of a bridge that names none. */
    static final long DEFAULT_STREAM = 1001;
    static final String DEFAULT_TRANSPORT = "aeron";

    private final JsonProblems problems;
    private final DeploymentContext ctx;

    BridgeSpecParser(DeploymentContext ctx) {
        this.ctx = ctx;
        this.problems = ctx.problems;
    }

    /**
     * The bridge {@code node} declares; null after a problem. {@code seen}: the node's bridge names;
     * {@code nodePlacement}: the node's, the default of the bridge's thread.
     */
    Deployment.BridgeSpec bridge(Node node, Map<String, Node> seen, Deployment.PlacementSpec nodePlacement) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a bridge object, e.g. { \"name\": \"to-planner\", \"direction\":"
                    + " \"send\", \"to\": \"10.0.0.2:40456\", \"targets\": [\"arm\"] }; found " + node.kind());
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
            problems.problem(obj.get("direction"), "unknown bridge direction \"" + direction + "\"" + hint
                    + " (send or receive)");
            return null;
        }
        if (direction == null) {
            return null;
        }
        boolean send = direction.equals(Deployment.BridgeSpec.SEND);
        problems.keys(obj, send ? SEND_KEYS : RECEIVE_KEYS);
        String transport = problems.string(obj, "transport", false);
        long stream = problems.integer(obj, "stream", 1, Integer.MAX_VALUE, DEFAULT_STREAM);
        String channel = channel(obj, send);
        // As a subscriber's "idle" (same keys and checks); absent: the bridge's default, blocking.
        Deployment.IdleSpec idle = obj.get("idle") == null ? null : IdleSpecParser.idle(obj.get("idle"), problems);
        List<String> targets = new ArrayList<>();
        String prefix = "";
        boolean reliable = true;
        if (send) {
            targets = targets(obj);
        } else {
            prefix = problems.string(obj, "prefix", false);
            if (prefix == null) {
                prefix = "";
            } else if (!prefix.isEmpty() && !RegionDirectory.NAME.matcher(prefix + "x").matches()) {
                problems.problem(obj.get("prefix"), "invalid prefix \"" + prefix + "\": region names use letters,"
                        + " digits, '.', '_', '-'");
            }
            reliable = problems.bool(obj, "reliable", true);
        }
        Deployment.PlacementSpec placement = PlacementSpecParser.placement(obj, nodePlacement, problems);
        if (name == null || placement == null) {
            return null;
        }
        return new Deployment.BridgeSpec(name, direction, transport == null ? DEFAULT_TRANSPORT : transport, channel,
                (int) stream, List.copyOf(targets), prefix, reliable, placement, idle);
    }

    /**
     * The transport channel: from {@code "to"} (sending) or {@code "listen"} (receiving) as HOST:PORT, or as given
     * in {@code "channel"}; a receiver listens on every interface at the default port when it gives neither.
     */
    private String channel(Node.ObjectNode obj, boolean send) {
        String address = problems.string(obj, send ? "to" : "listen", false);
        String channel = problems.string(obj, "channel", false);
        if (address != null && channel != null) {
            problems.problem(obj.get("channel"), "give \"" + (send ? "to" : "listen") + "\" or \"channel\", not both");
        } else if (address != null) {
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1
                    || !address.substring(colon + 1).chars().allMatch(Character::isDigit)) {
                problems.problem(obj.get(send ? "to" : "listen"), "\"" + address + "\" is not HOST:PORT (e.g."
                        + " 10.0.0.2:" + DEFAULT_BRIDGE_PORT + ")");
            }
            channel = "aeron:udp?endpoint=" + address;
        } else if (channel == null) {
            if (send) {
                problems.problem(obj, "missing \"to\": the receiving bridge's HOST:PORT (or a transport \"channel\")");
            } else {
                channel = "aeron:udp?endpoint=0.0.0.0:" + DEFAULT_BRIDGE_PORT;
            }
        }
        return channel;
    }

    /** The valid {@code "targets"} of a sending bridge: declared regions ("arm") or their records ("arm/x"). */
    private List<String> targets(Node.ObjectNode obj) {
        List<String> targets = new ArrayList<>();
        Node targetsNode = problems.require(obj, "targets",
                "the regions (\"arm\") or records (\"arm/joint_state\") to forward");
        for (Node t : problems.array(targetsNode, "targets", true)) {
            if (!(t instanceof Node.StringNode sn)) {
                problems.problem(t, "expected a target string \"REGION\" or \"REGION/RECORD\"; found "
                        + problems.describe(t));
                continue;
            }
            if (isTarget(t, sn.value())) {
                targets.add(sn.value());
            }
        }
        return targets;
    }

    /** Whether {@code text} names a valid region, or a record of one, a bridge can send; a problem if not. */
    private boolean isTarget(Node t, String text) {
        Map<String, Node> regionNodes = ctx.regionNodes;
        int slash = text.indexOf('/');
        String regionName = slash < 0 ? text : text.substring(0, slash);
        Deployment.RegionSpec region = ctx.regions.get(regionName);
        if (regionNodes.containsKey(regionName) && regionName.length() > RegionDirectory.MAX_BRIDGED_NAME_LENGTH) {
            problems.problem(t, "region \"" + regionName + "\" is " + regionName.length() + " characters; a bridge"
                    + " sends regions of at most " + RegionDirectory.MAX_BRIDGED_NAME_LENGTH + " (a receiver names"
                    + " its statistics region NAME" + RegionDirectory.BRIDGE_STATS_SUFFIX + ", and region names are at"
                    + " most " + RegionDirectory.MAX_NAME_LENGTH + "): rename the region to at most "
                    + RegionDirectory.MAX_BRIDGED_NAME_LENGTH + " characters");
            return false;
        }
        if (region == null) {
            if (!regionNodes.containsKey(regionName)) {
                String hint = JsonProblems.didYouMean(regionName, regionNodes.keySet());
                problems.problem(t, "unknown region \"" + regionName + "\"" + hint + " (regions: "
                        + String.join(", ", regionNodes.keySet()) + "); a bridge sends declared regions");
            }
            return false;
        }
        if (slash >= 0) {
            String record = text.substring(slash + 1);
            if (region.layout().record(record).isEmpty()) {
                List<String> names = region.layout().records().stream().map(RecordLayout::name).toList();
                String hint = JsonProblems.didYouMean(record, names);
                problems.problem(t, "unknown record \"" + record + "\" in region \"" + regionName + "\"" + hint
                        + " (records: " + String.join(", ", names) + ")");
                return false;
            }
        }
        return true;
    }
}
