package io.shmtel.config;

import io.shmtel.core.nativeio.SchedCalls;
import io.shmtel.core.placement.CpuList;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.placement.ThreadPlacement;
import io.shmtel.core.placement.ThreadPlacement.Policy;
import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * The {@code "cpu"} and {@code "scheduling"} keys of a node, a driver, a subscriber or a bridge: where the thread
 * runs and how it is scheduled ({@link ThreadPlacement}). A node's keys are the default of its entries; an entry's
 * {@code cpu} replaces the node's {@code cpu}, its {@code scheduling} the node's {@code scheduling}, whole.
 *
 * <p>Checked here: the shapes and ranges (CPU numbers from 0 to {@link SchedCalls#CPU_SETSIZE} - 1, priorities
 * {@value ThreadPlacement#MIN_PRIORITY} to {@value ThreadPlacement#MAX_PRIORITY} for fifo and rr, nice values
 * {@value ThreadPlacement#MIN_NICE} to {@value ThreadPlacement#MAX_NICE} for other). Not checked here: whether this
 * machine has the CPUs and lets the process use them and the policy, since a file may be written for another
 * machine; that is checked when the thread is placed, at start ({@link Deployment.PlacementSpec#refused}).
 */
final class PlacementSpecParser {
    static final String CPU = "cpu";
    static final String SCHEDULING = "scheduling";
    /** The keys this parser reads from a node or an entry. */
    static final List<String> PLACEMENT_KEYS = List.of(CPU, SCHEDULING);
    static final List<String> SCHEDULING_KEYS = List.of("policy", "priority", "nice", "lockMemory");
    /** The policies by their file names: each {@link Policy} in lower case ("fifo", "rr", "other"). */
    static final List<String> POLICIES = Arrays.stream(Policy.values()).map(PlacementSpecParser::fileName).toList();
    private static final int HIGHEST_CPU = SchedCalls.CPU_SETSIZE - 1;

    private PlacementSpecParser() {
    }

    /** How the file names {@code policy}: "fifo". */
    static String fileName(Policy policy) {
        return policy.name().toLowerCase(Locale.ROOT);
    }

    /** {@code keys} followed by {@link #PLACEMENT_KEYS}: the allowed keys of an object that can be placed. */
    static List<String> withPlacementKeys(String... keys) {
        List<String> all = new ArrayList<>(List.of(keys));
        all.addAll(PLACEMENT_KEYS);
        return List.copyOf(all);
    }

    /**
     * The placement of {@code obj}'s thread: its own {@code cpu} and {@code scheduling}, each else {@code defaults}'
     * (its node's); null after a problem.
     */
    static Deployment.PlacementSpec placement(Node.ObjectNode obj, Deployment.PlacementSpec defaults,
            JsonProblems problems) {
        Node cpuNode = obj.get(CPU);
        Node schedulingNode = obj.get(SCHEDULING);
        if (cpuNode == null && schedulingNode == null) {
            return defaults;
        }
        ThreadPlacement inherited = defaults.placement();
        List<Integer> cpus = inherited.cpus();
        String cpuAt = defaults.cpuAt();
        if (cpuNode != null) {
            cpus = cpus(cpuNode, problems);
            cpuAt = cpuNode.pointer();
        }
        ThreadPlacement scheduling = inherited;
        String schedulingAt = defaults.schedulingAt();
        if (schedulingNode != null) {
            scheduling = scheduling(schedulingNode, problems);
            schedulingAt = schedulingNode.pointer();
        }
        if (cpus == null || scheduling == null) {
            return null;
        }
        try {
            return new Deployment.PlacementSpec(new ThreadPlacement(cpus, scheduling.policy(), scheduling.priority(),
                    scheduling.nice(), scheduling.lockMemory()), cpuAt, schedulingAt);
        } catch (PlacementException e) {
            problems.problem(obj, e.getMessage()); // ranges are checked above: a safety net
            return null;
        }
    }

    /** The CPU numbers of {@code "cpu"}: an array of numbers or a CPU list string; null after a problem. */
    private static List<Integer> cpus(Node node, JsonProblems problems) {
        List<Integer> cpus = new ArrayList<>();
        if (node instanceof Node.StringNode s) {
            try {
                BitSet set = CpuList.parse(s.value());
                set.stream().forEach(cpus::add);
            } catch (PlacementException e) {
                problems.problem(node, e.getMessage());
                return null;
            }
        } else if (node instanceof Node.ArrayNode a) {
            boolean ok = true;
            for (Node e : a.elements()) {
                if (e instanceof Node.NumberNode n && n.isIntegral() && n.value().signum() >= 0
                        && n.value().compareTo(BigDecimal.valueOf(HIGHEST_CPU)) <= 0) {
                    cpus.add(n.value().intValue());
                } else {
                    problems.problem(e, "a CPU number is an integer from 0 to " + HIGHEST_CPU + "; found "
                            + problems.describe(e));
                    ok = false;
                }
            }
            if (!ok) {
                return null;
            }
        } else {
            problems.problem(node, "expected the CPUs to run on: an array of CPU numbers, e.g. [2, 3], or a CPU list,"
                    + " e.g. \"2-3,6\"; found " + problems.describe(node));
            return null;
        }
        if (cpus.isEmpty()) {
            problems.problem(node, "\"cpu\" names no CPU: give the CPUs to run on, e.g. [2, 3] or \"2-3,6\", or"
                    + " remove \"cpu\" to leave the thread's CPUs as they are");
            return null;
        }
        return cpus;
    }

    /** The {@code "scheduling"} object as a placement without CPUs; null after a problem. */
    private static ThreadPlacement scheduling(Node node, JsonProblems problems) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a scheduling object, e.g. { \"policy\": \"fifo\", \"priority\": 80 };"
                    + " found " + problems.describe(node));
            return null;
        }
        problems.keys(obj, SCHEDULING_KEYS);
        boolean lockMemory = problems.bool(obj, "lockMemory", false);
        String policyName = problems.string(obj, "policy", false);
        Policy policy = null;
        if (policyName != null) {
            int i = POLICIES.indexOf(policyName);
            if (i < 0) {
                problems.problem(obj.get("policy"), "unknown policy \"" + policyName + "\""
                        + JsonProblems.didYouMean(policyName.toLowerCase(Locale.ROOT), POLICIES) + " (policies: "
                        + String.join(", ", POLICIES) + ")");
                return null;
            }
            policy = Policy.values()[i];
        } else if (obj.get("policy") != null) {
            return null; // not a string: said
        }
        Node priorityNode = obj.get("priority");
        Node niceNode = obj.get("nice");
        if (policy == null) {
            if (priorityNode != null || niceNode != null) {
                problems.problem(priorityNode != null ? priorityNode : niceNode, priorityNode != null
                        ? "\"priority\" needs a real-time \"policy\": add \"policy\": \"fifo\" (or \"rr\")"
                        : "\"nice\" needs \"policy\": \"other\"; add it");
                return null;
            }
            return lockMemory ? ThreadPlacement.none().lockingMemory() : ThreadPlacement.none();
        }
        ThreadPlacement placement;
        if (policy == Policy.OTHER) {
            if (priorityNode != null) {
                problems.problem(priorityNode, "\"priority\" is for the real-time policies fifo and rr; an \"other\""
                        + " thread takes a \"nice\" value (" + ThreadPlacement.MIN_NICE + " to "
                        + ThreadPlacement.MAX_NICE + "): remove \"priority\", or use policy \"fifo\"");
                return null;
            }
            Integer nice = problems.integer(obj, "nice", false, ThreadPlacement.MIN_NICE, ThreadPlacement.MAX_NICE,
                    null, null);
            if (niceNode != null && nice == null) {
                return null;
            }
            placement = ThreadPlacement.none().normal(nice == null ? 0 : nice);
        } else {
            if (niceNode != null) {
                problems.problem(niceNode, "\"nice\" is for policy \"other\"; a " + fileName(policy) + " thread is"
                        + " scheduled by its \"priority\" (" + ThreadPlacement.MIN_PRIORITY + " to "
                        + ThreadPlacement.MAX_PRIORITY + "): remove \"nice\"");
                return null;
            }
            Integer priority = problems.integer(obj, "priority", true, ThreadPlacement.MIN_PRIORITY,
                    ThreadPlacement.MAX_PRIORITY, "the real-time priority (" + ThreadPlacement.MAX_PRIORITY
                            + " the highest), e.g. 80", null);
            if (priority == null) {
                return null;
            }
            placement = policy == Policy.FIFO ? ThreadPlacement.none().fifo(priority)
                    : ThreadPlacement.none().roundRobin(priority);
        }
        return lockMemory ? placement.lockingMemory() : placement;
    }
}
