package io.shmtel.foxglove;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shmtel.core.NodeTools;
import io.shmtel.core.Publisher;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.foxglove.wellknown.WellKnownEncoder;
import io.shmtel.foxglove.wellknown.WellKnownFixture;
import io.shmtel.foxglove.wellknown.WellKnownSchemas;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.wellknown.WellKnownDef;
import io.shmtel.schema.wellknown.WellKnownType;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server against clients it did not write: Foxglove's own client library ({@code @foxglove/ws-protocol}
 * over {@code ws}, with {@code @foxglove/schemas} and {@code ajv} for the well-known channels) and the built-in
 * page in Debian's Chromium, each a separate Node process.
 */
@ExtendWith(ShmDirectory.class)
class NodeClientsTest {
    static final Layout ARM = LayoutCompiler.compile(SchemaParser.parse(Path.of("../schema/examples/arm.json")));
    static final Path SCRIPTS = Path.of("src/test/node");
    static final Path INSTALLED = Path.of("target/node-tests");

    final List<String> log = new CopyOnWriteArrayList<>();

    FoxgloveServer start(RegionOptions options) {
        return FoxgloveServer.start(ServerConfig.defaults(options).withPort(0).withScanPeriod(Duration.ofMillis(100)),
                line -> {
                    log.add(line);
                    System.out.println("serve: " + line);
                });
    }

    @Test
    void foxglovesOwnClientReadsTheValuesWrittenAndSeesTheChannelGo(RegionOptions options) throws Exception {
        Path node = NodeTools.install(SCRIPTS, INSTALLED);
        Publisher publisher = Publisher.create("arm", ARM, options);
        CounterFeed feed = new CounterFeed(publisher, "joint_state", 200);
        try (FoxgloveServer server = start(options)) {
            NodeTools.Running client = NodeTools.start(node, "node", "protocol-test.mjs",
                    "ws://127.0.0.1:" + server.address().getPort() + "/", "arm/joint_state", "150");
            assertThat(client).isNotNull();
            assertThat(client.awaitLine("REMOVE", 60_000)).as("the client's output:\n%s", client.output()).isTrue();
            feed.close();
            publisher.close();
            assertThat(Region.removeUnowned("arm", options)).isTrue();
            NodeTools.Result result = client.finish(30);
            assertThat(result.code()).as(result.output()).isZero();
            JsonNode r = WsClient.JSON.readTree(result.resultJson());
            System.out.println("@foxglove/ws-protocol client: " + r);
            assertThat(r.get("serverInfo").asText()).isEqualTo("shmtel");
            assertThat(r.get("schemaName").asText()).isEqualTo("arm.joint_state");
            assertThat(r.get("messages").asInt()).isEqualTo(150);
            // 200 Hz is under the 1 kHz limit: every sample goes out unless the server was descheduled
            // for longer than the ring holds (8 samples, 40 ms); allow for one such hiccup on a loaded machine.
            assertThat(r.get("gaps").asInt()).as("samples skipped").isLessThanOrEqualTo(15);
            assertThat(r.get("last").asLong() - r.get("first").asLong()).isEqualTo(149 + r.get("gaps").asLong());
        } finally {
            feed.close();
            publisher.close();
        }
        assertThat(log).anyMatch(l -> l.startsWith("withdrew arm"));
    }

    @Test
    void cdrChannelsDecodeWithFoxglovesRos2LibrariesForEveryFieldType(RegionOptions options) throws Exception {
        Path node = NodeTools.install(SCRIPTS, INSTALLED);
        Layout allTypes = LayoutCompiler.compile(SchemaParser.parse(Path.of("../schema/examples/all_types.json")));
        try (Publisher publisher = Publisher.create("types", allTypes, options);
                CounterFeed feed = new CounterFeed(publisher, "every_type", 200);
                FoxgloveServer server = FoxgloveServer.start(ServerConfig.defaults(options).withPort(0)
                        .withEncoding(MessageEncoding.CDR), log::add)) {
            NodeTools.Result result = NodeTools.run(node, 90, "node", "cdr-test.mjs",
                    "ws://127.0.0.1:" + server.address().getPort() + "/", "types/every_type", "100");
            assertThat(result.code()).as(result.output()).isZero();
            JsonNode r = WsClient.JSON.readTree(result.resultJson());
            System.out.println("@foxglove/rosmsg2-serialization: " + r);
            assertThat(r.get("messages").asInt()).isEqualTo(100);
            assertThat(r.get("fields").asInt()).isEqualTo(allTypes.record("every_type").orElseThrow().fields().size());
            assertThat(r.get("schemaName").asText()).isEqualTo("shmtel_all_types/msg/EveryType");
            assertThat(r.get("constants").toString()).contains("MODE_IDLE=0", "MODE_RUN=1", "MODE_NEGATIVE=-5");
        }
        assertThat(log).anyMatch(l -> l.contains("cdr messages (ros2msg schemas; the built-in page needs json)"));
    }

    @Test
    void wellKnownChannelsReachFoxglovesClientWithFoxglovesSchemasAndValidateOrDecode(RegionOptions options)
            throws Exception {
        Path node = NodeTools.install(SCRIPTS, INSTALLED);
        Path generated = Path.of("target/wellknown-definitions").toAbsolutePath();
        Files.createDirectories(generated);
        for (WellKnownType type : WellKnownType.values()) {
            String name = WellKnownSchemas.schemaName(type, MessageEncoding.JSON).replace('/', '.');
            Files.writeString(generated.resolve(name + ".json"), WellKnownSchemas.schema(type, MessageEncoding.JSON));
            Files.writeString(generated.resolve(name + ".msg"), WellKnownSchemas.schema(type, MessageEncoding.CDR));
        }
        NodeTools.Result schemas = NodeTools.run(node, 60, "node", "wellknown-equivalence.mjs", generated.toString());
        assertThat(schemas.code()).as("our definitions have the structure of the published ones: %s",
                schemas.output()).isZero();
        assertThat(WsClient.JSON.readTree(schemas.resultJson()).get("compared")).as("types compared")
                .hasSize(WellKnownType.values().length);
        Layout probe = WellKnownFixture.annotated();
        RecordLayout rec = probe.record("probe").orElseThrow();
        DynamicView expected = new DynamicView(rec).wrap(WellKnownFixture.sample(rec, 7), 0);
        for (MessageEncoding encoding : MessageEncoding.values()) {
            try (Publisher publisher = Publisher.create("probe", probe, options);
                    FoxgloveServer server = FoxgloveServer.start(ServerConfig.defaults(options).withPort(0)
                            .withEncoding(encoding).withScanPeriod(Duration.ofMillis(100)), log::add)) {
                WellKnownFixture.fill(new DynamicWriter(publisher.sink("probe"), rec), 7).commit();
                NodeTools.Result result = NodeTools.run(node, 90, "node", "wellknown-test.mjs",
                        "ws://127.0.0.1:" + server.address().getPort() + "/", "probe/probe/",
                        String.valueOf(WellKnownFixture.SUFFIXES.size()));
                assertThat(result.code()).as(result.output()).isZero();
                JsonNode r = WsClient.JSON.readTree(result.resultJson());
                System.out.println("@foxglove/ws-protocol, " + encoding + ": " + r);
                if (encoding == MessageEncoding.JSON) {
                    assertThat(r.get("validated").asInt()).isEqualTo(WellKnownFixture.SUFFIXES.size());
                    assertThat(r.get("publishedSchemas").asInt()).as("foxglove.* channels").isEqualTo(7);
                }
                for (int m = 0; m < rec.wellKnown().size(); m++) {
                    WellKnownDef def = rec.wellKnown().get(m);
                    JsonNode c = r.get("channels").get("probe/probe/" + WellKnownFixture.SUFFIXES.get(m));
                    assertThat(c).as("channel %s in %s", WellKnownFixture.SUFFIXES.get(m), r).isNotNull();
                    assertThat(c.get("schemaName").asText()).isEqualTo(encoding == MessageEncoding.JSON
                            ? def.type() == WellKnownType.JOINT_STATE ? "sensor_msgs/msg/JointState"
                            : def.type().typeName() : def.type() == WellKnownType.JOINT_STATE
                            ? "sensor_msgs/msg/JointState" : "foxglove_msgs/msg/" + def.type().shortName());
                    JsonNode want = WsClient.JSON.readTree(WellKnownEncoder.create(rec, def, MessageEncoding.JSON)
                            .encode(expected, 0));
                    assertThat(WellKnownFixture.timeless(c.get("message"))).as("%s %s", encoding, def.type())
                            .isEqualTo(WellKnownFixture.timeless(want));
                }
            }
        }
    }

    @Test
    void theBuiltInPagePlotsLiveValuesInChromium(RegionOptions options) throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("SHMTEL_CHROMIUM", "/usr/bin/chromium"));
        if (!Files.isExecutable(chromium)) {
            NodeTools.unavailable(chromium + " not found: install Debian's Chromium (apt-get install chromium) to run "
                    + "the browser test");
        }
        Path node = NodeTools.install(SCRIPTS, INSTALLED);
        Path screenshot = Path.of("target/built-in-page.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        try (Publisher publisher = Publisher.create("arm", ARM, options);
                CounterFeed feed = new CounterFeed(publisher, "joint_state", 100);
                FoxgloveServer server = start(options)) {
            NodeTools.Result result = NodeTools.run(node, 90, "node", "browser-test.mjs",
                    "http://127.0.0.1:" + server.address().getPort() + "/?channel=arm/joint_state",
                            screenshot.toString());
            assertThat(result.code()).as(result.output()).isZero();
            JsonNode r = WsClient.JSON.readTree(result.resultJson());
            System.out.println("chromium: " + r);
            assertThat(r.get("first").asText()).isNotEqualTo(r.get("second").asText());
            assertThat(r.get("count").asInt()).isGreaterThanOrEqualTo(100);
            assertThat(r.get("channels").toString()).contains("arm/joint_state");
            assertThat(r.get("fields").asInt()).as("one checkbox per numeric element: 3 x 6 + status").isEqualTo(19);
        }
        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertThat(image).as("a PNG screenshot at %s", screenshot).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1200);
        Set<Integer> colours = new HashSet<>();
        long nonBackground = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                if (rgb != 0xFFFFFF && rgb != 0xFBFBFC) {
                    nonBackground++;
                }
            }
        }
        // The chart alone: axes and grid are grey; plotted lines are the palette's saturated colours.
        BufferedImage chart = ImageIO.read(Path.of(screenshot.toString().replace(".png", "-chart.png")).toFile());
        long linePixels = 0;
        for (int y = 0; y < chart.getHeight(); y++) {
            for (int x = 0; x < chart.getWidth(); x++) {
                int rgb = chart.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 80) {
                    linePixels++;
                }
            }
        }
        System.out.printf("screenshot %s: %d colours, %d non-background pixels; chart %dx%d with %d line pixels%n",
                screenshot, colours.size(), nonBackground, chart.getWidth(), chart.getHeight(), linePixels);
        assertThat(colours.size()).as("distinct colours: not a blank page").isGreaterThan(20);
        assertThat(nonBackground).as("pixels that are not background").isGreaterThan(10_000);
        // A line across a ~800 px wide chart is well over 500 coloured pixels; an empty chart has none.
        assertThat(linePixels).as("saturated (plotted line) pixels in the chart").isGreaterThan(500);
    }
}
