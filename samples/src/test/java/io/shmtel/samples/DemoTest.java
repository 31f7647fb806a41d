package io.shmtel.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.config.Shmtel;
import io.shmtel.core.region.RegionDirectory;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shipped demo deployment and the custom-driver sample, run in a private region directory. */
class DemoTest {
    Path dir;

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
        System.setProperty(RegionDirectory.PROPERTY, dir.toString());
    }

    @AfterEach
    void removeDir() throws IOException {
        System.clearProperty(RegionDirectory.PROPERTY);
        ShmDirectory.delete(dir);
    }

    @Test
    void theDemoDeploymentPublishesEveryRegionAndTheRendererShowsThem() throws Exception {
        try (Shmtel.Running running = Shmtel.run(Path.of("demo.json"), null)) {
            List<String> regions = RegionOptions.defaults().regionDirectory().list();
            assertThat(regions).contains("demo.arm", "demo.tf", "demo.imu", "demo.wrench", "demo.status",
                    "demo.cpu", "demo.memory", "demo.arm.stats", "demo.tf.stats");
            DemoRenderer renderer = new DemoRenderer("demo.", RegionOptions.defaults());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            renderer.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), 12, false); // 1.2 s at 10 frames/s
            String[] frames = bytes.toString(StandardCharsets.UTF_8).split("\n\n");
            String last = frames[frames.length - 1];
            System.out.println(last);
            assertThat(last).contains("REGION", "demo.arm", "joints", "demo.tf", "tool at", "demo.imu", "accel",
                    "demo.wrench", "force", "demo.status", "demo.cpu", "total", "demo.memory", "GiB");
            for (String region : List.of("demo.arm ", "demo.tf ", "demo.imu ", "demo.wrench ", "demo.cpu ",
                    "demo.memory ")) {
                assertThat(last.lines().filter(l -> l.startsWith(region)).findFirst().orElseThrow()).contains(" LIVE ");
            }
            String thermal = last.lines().filter(l -> l.startsWith("demo.thermal")).findFirst().orElseThrow();
            assertThat(thermal).matches(running.runner().skippedDrivers().isEmpty() ? ".* LIVE .*" : ".* WAITING .*");
            String arm = last.lines().filter(l -> l.startsWith("demo.arm ")).findFirst().orElseThrow();
            double rate = Double.parseDouble(arm.replaceAll(".* (\\d+) Hz .*", "$1"));
            assertThat(rate).as("the renderer's measured arm rate (500 Hz nominal)").isBetween(200.0, 650.0);
            String tf = last.lines().filter(l -> l.startsWith("demo.tf ")).findFirst().orElseThrow();
            assertThat(tf).as("the kinematics driver follows the arm's joint angles").contains(" from arm #")
                    .doesNotContain("zero pose");
            String middle = tool(frames[frames.length / 2]);
            assertThat(middle).as("the tool's position half-way").matches("\\S+ +\\S+ +\\S+");
            assertThat(tool(last)).as("the arm's tool moves between the middle and the last frame")
                    .isNotEqualTo(middle);
        }
        assertThat(RegionOptions.defaults().regionDirectory().list()).as("removeRegionsOnExit").isEmpty();
    }

    /** The "X Y Z" of "tool at X Y Z m" on a frame's demo.tf row; the whole row when it shows no position. */
    static String tool(String frame) {
        String row = frame.lines().filter(l -> l.startsWith("demo.tf ")).findFirst().orElseThrow();
        return row.replaceAll(".*tool at +(\\S+ +\\S+ +\\S+) m.*", "$1");
    }

    @Test
    void theCustomDriverSampleRunsAUserDriverFromTheFile() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            CustomDriverSample.main(new String[] {"custom.json"});
        } finally {
            System.setOut(previous);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(10).allMatch(l -> l.matches("tank #\\d+ level \\d\\.\\d\\d m (EMPTY|DATA_READY)"));
        assertThat(RegionOptions.defaults().regionDirectory().list()).isEmpty();
    }
}
