package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shmtel.core.NodeTools;
import io.shmtel.core.region.ShmDirectory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 27's end-to-end check of the built-in page's 3D view: the demo deployment ({@code samples/demo.json}) run
 * by {@code shmtel run} and {@code shmtel serve} on a free port, each a process of its own, and Debian's Chromium
 * (playwright-core) on {@code /?view=3d}: the view draws the arm's frame tree from
 * {@code demo.tf/transforms/FrameTransforms} and its pixels change as the joints move. The screenshot goes to
 * {@code target/visualisation-3d.png} and, with {@code -Dshmtel.updateScreenshot=true}, to the docs.
 */
class LiveDemo3dViewTest {
    static final Path DEMO = Path.of("../samples/demo.json");
    static final Path SCRIPTS = Path.of("../foxglove/src/test/node");
    static final Path INSTALLED = Path.of("target/node-tests");
    static final Path DOCS_IMAGE = Path.of("../docs/images/visualisation-3d.png");
    static final String TOPIC = "demo.tf/transforms/FrameTransforms";
    /** world (or the base), base_link and six links: a tree of at least seven frames. */
    static final int MIN_FRAMES = 7;
    static final int MIN_DIFFERING_PIXELS = 200;
    static final int MIN_AXIS_PIXELS = 30;
    static final long START_TIMEOUT_S = 60;
    static final long POLL_MS = 100;
    static final ObjectMapper JSON = new ObjectMapper();

    Path dir;
    final List<Process> children = new ArrayList<>();

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : children) {
            p.destroy(); // SIGTERM: run removes its regions
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        ShmDirectory.delete(dir);
    }

    /** The demo deployment with its regions in {@link #dir} and its schema paths absolute. */
    Path demoInDir() throws IOException {
        ObjectNode demo = (ObjectNode) JSON.readTree(DEMO.toFile());
        demo.put("directory", ".");
        demo.remove("$schema");
        Path base = DEMO.toAbsolutePath().getParent();
        for (JsonNode region : demo.path("regions")) {
            ((ObjectNode) region).put("schema", base.resolve(region.get("schema").asText()).normalize().toString());
        }
        Path file = dir.resolve("demo.json");
        JSON.writeValue(file.toFile(), demo);
        return file;
    }

    Process shmtel(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ShmtelCli.class.getName()));
        command.addAll(List.of(args));
        Path log = Path.of("target/live-demo-3d-" + name + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(p);
        return p;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void awaitListening(int port, Process serve) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (ConnectException notYet) {
                assertThat(serve.isAlive()).as("serve running (see target/live-demo-3d-serve.log)").isTrue();
                assertThat(System.nanoTime() - deadline).as("serve listening on " + port).isNegative();
                Thread.sleep(POLL_MS);
            }
        }
    }

    @Test
    void theBuiltInPageDrawsTheLiveDemoArmMovingIn3d() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("SHMTEL_CHROMIUM", "/usr/bin/chromium"));
        if (!Files.isExecutable(chromium)) {
            NodeTools.unavailable(chromium + " not found: install Debian's Chromium (apt-get install chromium) to run "
                    + "the browser test");
        }
        Path node = NodeTools.install(SCRIPTS, INSTALLED);
        shmtel("run", "run", demoInDir().toString());
        int port = freePort();
        Process serve = shmtel("serve", "serve", "--dir=" + dir, "--port=" + port);
        awaitListening(port, serve);
        Path screenshot = Path.of("target/visualisation-3d.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        NodeTools.Result result = NodeTools.run(node, 120, "node", "scene3d-test.mjs",
                "http://127.0.0.1:" + port + "/?view=3d", screenshot.toString(), Integer.toString(MIN_FRAMES));
        assertThat(result.code()).as(result.output()).isZero();
        JsonNode r = JSON.readTree(result.resultJson());
        System.out.println("chromium, 3D view of the live demo: " + r);
        List<String> topics = new ArrayList<>();
        r.get("topics").forEach(t -> topics.add(t.asText()));
        assertThat(topics).contains(TOPIC);
        assertThat(r.get("frames").size()).as("frames drawn: %s", r.get("frames")).isGreaterThanOrEqualTo(MIN_FRAMES);
        assertThat(r.get("messages").asInt()).as("transform messages during the comparison").isPositive();
        assertThat(r.get("differing").asInt()).as("pixels changed as the joints moved")
                .isGreaterThan(MIN_DIFFERING_PIXELS);
        for (String colour : new String[] {"red", "green", "blue"}) {
            assertThat(r.get("axes").get(colour).asInt()).as(colour + " axis pixels")
                    .isGreaterThan(MIN_AXIS_PIXELS);
        }
        assertThat(screenshot).exists();
        if (Boolean.getBoolean("shmtel.updateScreenshot")) {
            Files.copy(screenshot, DOCS_IMAGE, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("updated " + DOCS_IMAGE.toAbsolutePath().normalize());
        }
    }
}
