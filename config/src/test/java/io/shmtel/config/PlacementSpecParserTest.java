package io.shmtel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.shmtel.core.nativeio.SchedCalls;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.placement.ThreadPlacement;
import io.shmtel.core.placement.ThreadPlacement.Policy;
import io.shmtel.schema.SchemaProblem;
import io.shmtel.schema.json.LocatedJsonReader;
import io.shmtel.schema.json.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code cpu} and {@code scheduling} keys: every {@link Policy} read by its file name with the value it takes,
 * the node's keys as its entries' defaults, the JSON Schema holding the parser's keys and ranges, and a refusal at
 * start naming the key that asked for it. (Located problems of bad values: deployments/bad/placement.json.)
 */
class PlacementSpecParserTest {
    private static final Path SCHEMA = Path.of("deployment.schema.json");
    private static final Path ARM_SCHEMA = Path.of("../schema/examples/arm.json");
    private static final int PRIORITY = 10;
    private static final int NICE = 3;

    /** The deployment of one node {@code nodeKeys} with one subscriber of region arm with {@code entryKeys}. */
    private static Deployment parse(String nodeKeys, String entryKeys) {
        String text = """
                { "deployment": "placed", "regions": [ { "name": "arm", "schema": "%s" } ],
                  "nodes": [ { "name": "n"%s, "subscribers": [ { "region": "arm"%s } ] } ] }
                """.formatted(ARM_SCHEMA.toAbsolutePath().normalize(), nodeKeys, entryKeys);
        return DeploymentParser.parse(text, "placed.json", Path.of("."), DeploymentParserTest.TYPES, Set.of());
    }

    private static Deployment.PlacementSpec subscriberPlacement(String nodeKeys, String entryKeys) {
        return parse(nodeKeys, entryKeys).node("n").orElseThrow().subscribers().get(0).placement();
    }

    private static List<String> problems(String nodeKeys, String entryKeys) {
        DeploymentException e = catchThrowableOfType(DeploymentException.class, () -> parse(nodeKeys, entryKeys));
        assertThat(e).as("%s %s must be refused", nodeKeys, entryKeys).isNotNull();
        return e.problems().stream().map(p -> p.pointer() + ": " + p.message()).toList();
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void everyPolicyIsReadByItsFileNameWithTheValueItTakes(Policy policy) {
        String name = PlacementSpecParser.fileName(policy);
        boolean realTime = policy != Policy.OTHER;
        String value = realTime ? "\"priority\": " + PRIORITY : "\"nice\": " + NICE;
        Deployment.PlacementSpec spec = subscriberPlacement("", ", \"scheduling\": { \"policy\": \"" + name + "\", "
                + value + " }");
        assertThat(spec.placement()).isEqualTo(new ThreadPlacement(List.of(), policy, realTime ? PRIORITY : 0,
                realTime ? 0 : NICE, false));
        assertThat(spec.schedulingAt()).isEqualTo("/nodes/0/subscribers/0/scheduling");
        String wrong = realTime ? "\"nice\": " + NICE : "\"priority\": " + PRIORITY;
        assertThat(problems("", ", \"scheduling\": { \"policy\": \"" + name + "\", " + wrong + " }"))
                .singleElement().asString().startsWith("/nodes/0/subscribers/0/scheduling/"
                        + (realTime ? "nice" : "priority") + ": ");
    }

    @Test
    void anEntryTakesTheNodesKeysItDoesNotGiveItself() {
        Deployment d = parse(", \"cpu\": [3, 2], \"scheduling\": { \"policy\": \"fifo\", \"priority\": 80 }",
                ", \"scheduling\": { \"lockMemory\": true }");
        assertThat(d.node("n").orElseThrow().placement()).isEqualTo(new Deployment.PlacementSpec(
                ThreadPlacement.onCpus("2-3").fifo(80), "/nodes/0/cpu", "/nodes/0/scheduling"));
        assertThat(d.node("n").orElseThrow().subscribers().get(0).placement()).as("scheduling replaced whole")
                .isEqualTo(new Deployment.PlacementSpec(ThreadPlacement.onCpus("2-3").lockingMemory(), "/nodes/0/cpu",
                        "/nodes/0/subscribers/0/scheduling"));
        assertThat(subscriberPlacement("", "")).isEqualTo(Deployment.PlacementSpec.NONE);
    }

    /** A file may be written for another machine: a CPU this one lacks is refused at start, not when parsed. */
    @Test
    void aCpuThisMachineLacksIsNoProblemOfTheFile() {
        int highest = SchedCalls.CPU_SETSIZE - 1;
        assertThat(subscriberPlacement("", ", \"cpu\": [" + highest + "]").placement().cpus())
                .containsExactly(highest);
    }

    @Test
    void aRefusalAtStartNamesTheKeyThatAskedForTheRefusedSetting() {
        Deployment.PlacementSpec spec = new Deployment.PlacementSpec(ThreadPlacement.onCpus("9").fifo(80),
                "/nodes/0/cpu", "/nodes/0/drivers/1/scheduling");
        PlacementException cpu = new PlacementException("CPU 9 does not exist: this machine has CPUs 0-1"
                + " (/sys/devices/system/cpu/present; fix: choose CPUs from 0-1)");
        assertThat(spec.refused("d.json", new PlacementException("driver x of region r: " + cpu.getMessage(), cpu)))
                .hasMessage("d.json: /nodes/0/cpu: driver x of region r: " + cpu.getMessage())
                .hasCause(new PlacementException("driver x of region r: " + cpu.getMessage(), cpu));
        PlacementException fifo = new PlacementException("SCHED_FIFO priority 80 refused: this process lacks"
                + " CAP_SYS_NICE and RLIMIT_RTPRIO is 0 (fix: ulimit -r 80, or rtprio in /etc/security/limits.conf, or"
                + " run with CAP_SYS_NICE)");
        assertThat(spec.refused("d.json", fifo)).hasMessage("d.json: /nodes/0/drivers/1/scheduling: "
                + fifo.getMessage());
        PlacementException lock = new PlacementException("locking the process's memory (mlockall) refused: ...");
        assertThat(spec.refused("d.json", lock)).hasMessageStartingWith("d.json: /nodes/0/drivers/1/scheduling: ");
    }

    @Test
    void theJsonSchemaHasTheParsersKeysAndRanges() throws IOException {
        Node.ObjectNode defs = (Node.ObjectNode) ((Node.ObjectNode) LocatedJsonReader.read(Files.readString(SCHEMA))
                .root()).get("$defs");
        assertThat(properties(defs.get("node"))).containsExactlyInAnyOrderElementsOf(DeploymentParser.NODE_KEYS);
        assertThat(properties(defs.get("driver"))).containsExactlyInAnyOrderElementsOf(DriverSpecParser.DRIVER_KEYS);
        assertThat(properties(defs.get("subscriber")))
                .containsExactlyInAnyOrderElementsOf(SubscriberSpecParser.SUBSCRIBER_KEYS);
        Set<String> bridgeKeys = new LinkedHashSet<>(properties(defs.get("bridge")));
        Set<String> parserBridgeKeys = new LinkedHashSet<>(BridgeSpecParser.SEND_KEYS);
        parserBridgeKeys.addAll(BridgeSpecParser.RECEIVE_KEYS);
        for (Node branch : ((Node.ArrayNode) ((Node.ObjectNode) defs.get("bridge")).get("oneOf")).elements()) {
            List<String> keys = properties(branch);
            assertThat(keys).as("a bridge direction's keys").containsAll(PlacementSpecParser.PLACEMENT_KEYS);
            bridgeKeys.addAll(keys);
        }
        assertThat(bridgeKeys).containsExactlyInAnyOrderElementsOf(parserBridgeKeys);
        Node.ObjectNode scheduling = (Node.ObjectNode) defs.get("scheduling");
        assertThat(properties(scheduling)).containsExactlyElementsOf(PlacementSpecParser.SCHEDULING_KEYS);
        Node.ObjectNode props = (Node.ObjectNode) scheduling.get("properties");
        assertThat(strings(((Node.ObjectNode) props.get("policy")).get("enum")))
                .containsExactlyInAnyOrderElementsOf(PlacementSpecParser.POLICIES);
        assertThat(bounds(props.get("priority"))).containsExactly(ThreadPlacement.MIN_PRIORITY,
                ThreadPlacement.MAX_PRIORITY);
        assertThat(bounds(props.get("nice"))).containsExactly(ThreadPlacement.MIN_NICE, ThreadPlacement.MAX_NICE);
        Node cpuArray = ((Node.ArrayNode) ((Node.ObjectNode) defs.get("cpu")).get("oneOf")).elements().get(0);
        assertThat(bounds(((Node.ObjectNode) cpuArray).get("items"))).containsExactly(0, SchedCalls.CPU_SETSIZE - 1);
    }

    private static List<String> properties(Node object) {
        return new ArrayList<>(((Node.ObjectNode) ((Node.ObjectNode) object).get("properties")).members().keySet());
    }

    private static List<String> strings(Node array) {
        return ((Node.ArrayNode) array).elements().stream().map(e -> ((Node.StringNode) e).value()).toList();
    }

    private static List<Integer> bounds(Node object) {
        Node.ObjectNode o = (Node.ObjectNode) object;
        return List.of(((Node.NumberNode) o.get("minimum")).value().intValueExact(),
                ((Node.NumberNode) o.get("maximum")).value().intValueExact());
    }

    /** Problems render as file:line:column: pointer: message, like every deployment problem. */
    @Test
    void aBadValueIsLocated() {
        DeploymentException e = catchThrowableOfType(DeploymentException.class,
                () -> parse("", ", \"scheduling\": { \"policy\": \"fifo\", \"priority\": 100 }"));
        assertThat(e.problems()).extracting(SchemaProblem::render).containsExactly("placed.json:2:111:"
                + " /nodes/0/subscribers/0/scheduling/priority: priority must be from 1 to 99; found 100");
    }
}
