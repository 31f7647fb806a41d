package io.shmtel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.shmtel.core.placement.ThreadPlacement;
import io.shmtel.core.region.MemoryOptions;
import io.shmtel.schema.SchemaProblem;
import io.shmtel.sensors.BuiltInDrivers;
import io.shmtel.sensors.DriverFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Deployment errors are pinned as text, like schema errors (-Dshmtel.updateGolden=true rewrites them). */
class DeploymentParserTest {
    static final Path DIR = Path.of("src/test/resources/deployments");
    static final Map<String, DriverFactory> TYPES = BuiltInDrivers.all().stream()
            .collect(Collectors.toMap(DriverFactory::type, Function.identity()));

    static Stream<Path> badFiles() throws IOException {
        try (Stream<Path> files = Files.list(DIR.resolve("bad"))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void reportsEveryErrorAsGoldenText(Path file) throws IOException {
        DeploymentException e = catchThrowableOfType(DeploymentException.class,
                () -> DeploymentParser.parse(file, TYPES, Set.of()));
        assertThat(e).as("%s must be rejected", file).isNotNull();
        String actual = e.problems().stream().map(SchemaProblem::render).collect(Collectors.joining("\n")) + "\n";
        Path expected = Path.of(file.toString().replaceAll("\\.json$", ".expected"));
        if (Boolean.getBoolean("shmtel.updateGolden")) {
            Files.writeString(expected, actual, StandardCharsets.UTF_8);
        }
        assertThat(expected).exists();
        assertThat(actual).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    }

    @Test
    void theEditorsJsonSchemaAcceptsTheGoodFilesAndRejectsTheStructurallyBadOnes() throws IOException {
        Schema schema = SchemaRegistry
                .withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(Path.of("deployment.schema.json")), InputFormat.JSON);
        for (Path good : List.of(DIR.resolve("good.json"), Path.of("../samples/demo.json"),
                Path.of("../samples/bridge-board.json"), Path.of("../samples/bridge-planner.json"))) {
            assertThat(schema.validate(Files.readString(good), InputFormat.JSON)).as("%s", good).isEmpty();
        }
        for (String bad : List.of("unknown_names.json", "wrong_kinds.json", "bridges.json", "take.json",
                "placement.json")) {
            assertThat(schema.validate(Files.readString(DIR.resolve("bad").resolve(bad)), InputFormat.JSON))
                    .as("%s", bad).isNotEmpty();
        }
    }

    @Test
    void aGoodFileGivesItsRegionsNodesDriversAndSubscribers() {
        Deployment d = DeploymentParser.parse(DIR.resolve("good.json"), TYPES, Set.of());
        assertThat(d.name()).isEqualTo("test");
        assertThat(d.heartbeatPeriod().toMillis()).isEqualTo(50);
        assertThat(d.removeRegionsOnExit()).isTrue();
        assertThat(d.regions()).extracting(Deployment.RegionSpec::name)
                .containsExactly("arm", "imu", "thermal", "notes");
        assertThat(d.region("imu").orElseThrow().mode()).isEqualTo(0640);
        assertThat(d.region("imu").orElseThrow().memory()).isEqualTo(new MemoryOptions(true, true,
                MemoryOptions.Advice.WILLNEED, false));
        assertThat(d.region("imu").orElseThrow().flushPeriod()).isEqualTo(Duration.ofMillis(250));
        assertThat(d.region("arm").orElseThrow().memory().isDefault()).isTrue();
        Deployment.NodeSpec drivers = d.node("drivers").orElseThrow();
        assertThat(drivers.drivers()).extracting(Deployment.DriverSpec::type, Deployment.DriverSpec::record,
                Deployment.DriverSpec::rateHz).containsExactly(
                        Tuple.tuple("sim-arm", "joint_state", 200.0),
                        Tuple.tuple("sim-imu", "imu_sample", 200.0),
                        Tuple.tuple("thermal", "thermal", 1.0));
        assertThat(drivers.drivers().get(0).params()).containsEntry("seed", 7L);
        // The node's cpu and scheduling are its drivers' unless a driver gives its own (each key whole).
        Deployment.PlacementSpec nodePlacement = new Deployment.PlacementSpec(
                ThreadPlacement.onCpus("2-3").fifo(80).lockingMemory(), "/nodes/0/cpu", "/nodes/0/scheduling");
        assertThat(drivers.placement()).isEqualTo(nodePlacement);
        assertThat(drivers.drivers()).extracting(Deployment.DriverSpec::placement).containsExactly(nodePlacement,
                new Deployment.PlacementSpec(ThreadPlacement.onCpus("6").roundRobin(50), "/nodes/0/drivers/1/cpu",
                        "/nodes/0/drivers/1/scheduling"),
                nodePlacement);
        Deployment.NodeSpec consumers = d.node("consumers").orElseThrow();
        assertThat(consumers.subscribers()).extracting(Deployment.SubscriberSpec::name)
                .containsExactly("arm-log", "imu/imu_sample");
        assertThat(consumers.subscribers().get(1).idle().maxParkNs()).isEqualTo(500_000);
        assertThat(consumers.subscribers()).extracting(Deployment.SubscriberSpec::placement).containsExactly(
                new Deployment.PlacementSpec(ThreadPlacement.onCpus("0-1,4").normal(-5),
                        "/nodes/1/subscribers/0/cpu", "/nodes/1/subscribers/0/scheduling"),
                Deployment.PlacementSpec.NONE);
        assertThat(DeploymentRunner.idle(consumers.subscribers().get(0).idle()).describe())
                .isEqualTo("blocking(spins=50, maxWaitNs=1000000000)");
        Deployment.NodeSpec network = d.node("network").orElseThrow();
        assertThat(network.bridges()).containsExactly(
                new Deployment.BridgeSpec("to-planner", "send", "aeron", "aeron:udp?endpoint=10.0.0.2:40456", 1001,
                        List.of("arm", "imu/imu_sample"), "", true, new Deployment.PlacementSpec(
                                ThreadPlacement.onCpus("1").fifo(60), "/nodes/2/bridges/0/cpu",
                                "/nodes/2/bridges/0/scheduling"), null),
                new Deployment.BridgeSpec("from-board", "receive", "aeron", "aeron:udp?endpoint=0.0.0.0:40457", 7,
                        List.of(), "board.", false));
    }

    @Test
    void aListParameterArrivesAsPlainListsAndMapsInWrittenOrder() {
        Deployment d = DeploymentParser.parse(Path.of("../samples/demo.json"), TYPES, Set.of());
        Deployment.DriverSpec kinematics = d.nodes().get(0).drivers().stream()
                .filter(s -> s.type().equals("kinematics")).findFirst().orElseThrow();
        assertThat(kinematics.region()).isEqualTo("demo.tf");
        assertThat(kinematics.params()).containsEntry("source", "demo.arm");
        List<?> links = (List<?>) kinematics.params().get("links");
        assertThat(links).hasSize(6);
        assertThat(links.get(0)).isEqualTo(Map.of("xyz", List.of(0.0, 0.0, 0.3), "axis", List.of(0.0, 0.0, 1.0)));
        assertThat(List.copyOf(((Map<?, ?>) links.get(3)).keySet())).isEqualTo(List.of("xyz", "axis"));
    }
}
