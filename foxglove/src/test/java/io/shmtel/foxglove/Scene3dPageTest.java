package io.shmtel.foxglove;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shmtel.core.NodeTools;
import io.shmtel.core.Publisher;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in page's 3D view in Debian's Chromium: against a stand-in Foxglove server (Node) that advertises
 * a moving {@code foxglove.FrameTransforms} tree and a {@code foxglove.PoseInFrame}, serving this server's
 * own page files; against the real server, the well-known channel of a record annotated as
 * {@code foxglove.FrameTransforms}, and no transform channels at all; and the view's logic alone in Node.
 */
@ExtendWith(ShmDirectory.class)
class Scene3dPageTest {
    static final String[] FRAMES = {"base_link", "link1", "link2", "tool", "world"};
    /** A triad is ~40 px a colour at the fitted distance; an empty or grid-only canvas has none. */
    static final int MIN_AXIS_PIXELS = 30;
    /** Four links moving for 400 ms move hundreds of pixels; a still picture moves none. */
    static final int MIN_DIFFERING_PIXELS = 200;
    static final int SATURATION = 80;
    /** The checks scene3d-unit-test.mjs makes when it runs to its end. */
    static final int MIN_UNIT_CHECKS = 229;

    /** Two links whose transforms a record carries, annotated as foxglove.FrameTransforms (issue 27). */
    static final String TWO_LINKS = """
            { "schema": "two_links", "version": 1, "records": [ { "name": "tf", "depth": 8,
              "fields": [ { "name": "translation", "type": "f64", "count": 6 },
                          { "name": "rotation", "type": "f64", "count": 8 } ],
              "wellKnown": { "type": "foxglove.FrameTransforms", "transforms": [
                { "parent_frame_id": "world", "child_frame_id": "base", "translation": "translation[0]",
                  "rotation": "rotation[0]" },
                { "parent_frame_id": "base", "child_frame_id": "tip", "translation": "translation[3]",
                  "rotation": "rotation[4]" } ] } } ] }
            """;
    static final double TF_RATE_HZ = 100;
    static final double TURN_RAD_PER_S = 2;

    static Path chromium() {
        Path chromium = Path.of(System.getenv().getOrDefault("SHMTEL_CHROMIUM", "/usr/bin/chromium"));
        if (!Files.isExecutable(chromium)) {
            NodeTools.unavailable(chromium + " not found: install Debian's Chromium (apt-get install chromium) to run "
                    + "the browser test");
        }
        return chromium;
    }

    /** The view's logic in Node, on the script as served: composition, updates, withdrawal, projection. */
    @Test
    void theTransformTreeComposesEachFramesPoseFromItsRoot(@TempDir Path dir) throws Exception {
        Path node = NodeTools.install(NodeClientsTest.SCRIPTS, NodeClientsTest.INSTALLED);
        Path script = dir.resolve("scene3d.js");
        Files.write(script, WebHandler.ASSETS.get("/scene3d.js").bytes());
        NodeTools.Result result = NodeTools.run(node, 60, "node", "scene3d-unit-test.mjs", script.toString());
        assertThat(result.code()).as(result.output()).isZero();
        JsonNode r = WsClient.JSON.readTree(result.resultJson());
        System.out.println("scene3d.js in Node: " + r);
        assertThat(r.get("checks").asInt()).as("checks run").isGreaterThanOrEqualTo(MIN_UNIT_CHECKS);
    }

    @Test
    void theViewDrawsTheMovingTransformTreeAndThePose(@TempDir Path assets) throws Exception {
        chromium();
        Path node = NodeTools.install(NodeClientsTest.SCRIPTS, NodeClientsTest.INSTALLED);
        for (Map.Entry<String, WebHandler.Asset> e : WebHandler.ASSETS.entrySet()) {
            Path file = assets.resolve(e.getKey().equals("/") ? "index.html" : e.getKey().substring(1));
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue().bytes());
        }
        Path screenshot = Path.of("target/scene3d-fake.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        NodeTools.Running server = NodeTools.start(node, "node", "fake-tf-server.mjs", assets.toString());
        assertThat(server).isNotNull();
        try {
            assertThat(server.awaitLine("READY", 30_000)).as(server.output()).isTrue();
            String port = server.output().lines().filter(l -> l.startsWith("PORT ")).findFirst().orElseThrow()
                    .substring("PORT ".length());
            NodeTools.Result result = NodeTools.run(node, 90, "node", "scene3d-test.mjs",
                    "http://127.0.0.1:" + port + "/?view=3d", screenshot.toString(), String.join(",", FRAMES));
            assertThat(result.code()).as(result.output()).isZero();
            JsonNode r = WsClient.JSON.readTree(result.resultJson());
            System.out.println("chromium, 3D view: " + r);
            assertThat(r.get("frames").toString()).isEqualTo(WsClient.JSON.valueToTree(FRAMES).toString());
            assertThat(r.get("topics").toString()).as("the transform and pose channels, not the plain record")
                    .isEqualTo("[\"fake.pose/pose/PoseInFrame\",\"fake.tf/transforms/FrameTransforms\"]");
            assertThat(r.get("messages").asInt()).as("messages during the comparison").isPositive();
            assertThat(r.get("differing").asInt()).as("pixels changed as the arm moved")
                    .isGreaterThan(MIN_DIFFERING_PIXELS);
            for (String colour : new String[] {"red", "green", "blue"}) {
                assertThat(r.get("axes").get(colour).asInt()).as(colour + " axis pixels")
                        .isGreaterThan(MIN_AXIS_PIXELS);
            }
            assertThat(r.get("url").asText()).endsWith("/?view=3d");
        } finally {
            server.closeInput();
            server.finish(10);
        }
        BufferedImage canvas = ImageIO.read(Path.of(screenshot.toString().replace(".png", "-canvas.png")).toFile());
        assertThat(canvas).as("the canvas's screenshot").isNotNull();
        assertThat(saturatedPixels(canvas)).as("coloured pixels (triads, the pose's arrow) in the canvas's PNG")
                .isGreaterThan(3L * MIN_AXIS_PIXELS);
    }

    @Test
    void withoutTransformChannelsTheViewSaysSo(RegionOptions options) throws Exception {
        chromium();
        Path node = NodeTools.install(NodeClientsTest.SCRIPTS, NodeClientsTest.INSTALLED);
        Path screenshot = Path.of("target/scene3d-none.png").toAbsolutePath();
        try (Publisher publisher = Publisher.create("arm", NodeClientsTest.ARM, options);
                CounterFeed feed = new CounterFeed(publisher, "joint_state", 100);
                FoxgloveServer server = FoxgloveServer.start(ServerConfig.defaults(options).withPort(0)
                        .withScanPeriod(Duration.ofMillis(100)), line -> { })) {
            NodeTools.Result result = NodeTools.run(node, 90, "node", "scene3d-test.mjs",
                    "http://127.0.0.1:" + server.address().getPort() + "/?view=3d", screenshot.toString(), "none");
            assertThat(result.code()).as(result.output()).isZero();
            JsonNode r = WsClient.JSON.readTree(result.resultJson());
            System.out.println("chromium, 3D view without transforms: " + r);
            assertThat(r.get("message").asText()).startsWith("No transform channels: nothing advertises "
                    + "foxglove.FrameTransforms");
            assertThat(r.get("frames").asText()).isEmpty();
            assertThat(r.get("channels").asInt()).as("channels listed: the page had the advertisement").isPositive();
        }
    }

    /** The real server's well-known channel of an annotated record, drawn and moving. */
    @Test
    void theServersFrameTransformsChannelOfAnAnnotatedRecordIsDrawn(RegionOptions options) throws Exception {
        chromium();
        Path node = NodeTools.install(NodeClientsTest.SCRIPTS, NodeClientsTest.INSTALLED);
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(TWO_LINKS, "two_links.json"));
        Path screenshot = Path.of("target/scene3d-serve.png").toAbsolutePath();
        AtomicBoolean stop = new AtomicBoolean();
        try (Publisher publisher = Publisher.create("robot", layout, options);
                FoxgloveServer server = FoxgloveServer.start(ServerConfig.defaults(options).withPort(0)
                        .withScanPeriod(Duration.ofMillis(100)), line -> { })) {
            Thread feed = new Thread(() -> {
                DynamicWriter w = new DynamicWriter(publisher.sink("tf"), layout.record("tf").orElseThrow());
                FieldLayout translation = w.field("translation");
                FieldLayout rotation = w.field("rotation");
                long start = System.nanoTime();
                while (!stop.get()) {
                    double half = TURN_RAD_PER_S * (System.nanoTime() - start) / 1e9 / 2;
                    double[] t = {0, 0, 0.2, 0.5, 0, 0};
                    double[] q = {0, 0, Math.sin(half), Math.cos(half), 0, 0, 0, 1};
                    for (int i = 0; i < t.length; i++) {
                        w.setDouble(translation, i, t[i]);
                    }
                    for (int i = 0; i < q.length; i++) {
                        w.setDouble(rotation, i, q[i]);
                    }
                    w.commit();
                    LockSupport.parkNanos((long) (1e9 / TF_RATE_HZ));
                }
            }, "two-links");
            feed.start();
            try {
                NodeTools.Result result = NodeTools.run(node, 90, "node", "scene3d-test.mjs",
                        "http://127.0.0.1:" + server.address().getPort() + "/?view=3d", screenshot.toString(),
                        "base,tip,world");
                assertThat(result.code()).as(result.output()).isZero();
                JsonNode r = WsClient.JSON.readTree(result.resultJson());
                System.out.println("chromium, 3D view of serve's robot/tf/FrameTransforms: " + r);
                assertThat(r.get("topics").toString()).isEqualTo("[\"robot/tf/FrameTransforms\"]");
                assertThat(r.get("frames").toString()).isEqualTo("[\"base\",\"tip\",\"world\"]");
                assertThat(r.get("differing").asInt()).as("pixels changed as the link turned")
                        .isGreaterThan(MIN_DIFFERING_PIXELS);
            } finally {
                stop.set(true);
                feed.join();
            }
        }
    }

    /** Pixels whose strongest and weakest colour channels differ by more than {@link #SATURATION}. */
    static long saturatedPixels(BufferedImage image) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > SATURATION) {
                    n++;
                }
            }
        }
        return n;
    }
}
