package io.shmtel.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.samples.gen.arm.ArmSchema;
import io.shmtel.samples.gen.arm.JointStateView;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The views and writers this test compiles against were generated from arm.json by the shmtel
 * Maven plugin during this module's build: no generation step by hand.
 */
class ArmSampleTest {
    Path dir;

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
    }

    @AfterEach
    void removeDir() throws IOException {
        ShmDirectory.delete(dir);
    }

    @Test
    void theGeneratedClassesMatchTheSchemaTheyCameFrom() {
        assertThat(ArmSchema.layout().fingerprint()).isEqualTo(ArmSchema.FINGERPRINT);
        assertThat(ArmSchema.layout()).as("compiled once").isSameAs(ArmSchema.layout());
        assertThat(JointStateView.SLOT_LENGTH).isEqualTo(192);
        assertThat(JointStateView.RATE_HZ).isEqualTo(500.0);
    }

    @Test
    void theDriverProgramStoppedBySigtermEndsQuietlyAndLeavesItsRegionClosed() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ArmDriver.class.getName(), "sigterm");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SHMTEL_DIR", dir.toString());
        Process p = builder.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).startsWith("arm driver: publishing sigterm/joint_state");
            RegionOptions options = RegionOptions.defaults().withDirectory(dir);
            try (Subscriber subscriber = Subscriber.open("sigterm", JointStateView.RECORD_NAME, ArmSchema.layout(),
                    options)) {
                assertThat(subscriber.awaitNext(new JointStateView(), TimeUnit.SECONDS.toNanos(10))).isTrue();
                assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start()
                        .waitFor(10, TimeUnit.SECONDS))
                        .isTrue();
                assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("the driver exits on SIGTERM").isTrue();
                String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(rest).as("the driver's output after SIGTERM").doesNotContain("Exception");
                assertThat(subscriber.state()).isEqualTo(WriterState.CLOSED);
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theMonitorReadsWhatTheDriverSimulates() {
        RegionOptions options = RegionOptions.defaults().withDirectory(dir);
        try (Publisher publisher = Publisher.create("arm", ArmSchema.layout(), options);
                Subscriber subscriber = Subscriber.open("arm", JointStateView.RECORD_NAME, ArmSchema.layout(),
                        options)) {
            ArmDriver driver = new ArmDriver(publisher);
            JointStateView view = new JointStateView();
            for (long k = 0; k < 1000; k++) {
                assertThat(driver.publish(k)).isEqualTo(k);
                assertThat(subscriber.poll(view)).isTrue();
                assertThat(view.sampleIndex()).isEqualTo(k);
                for (int j = 0; j < JointStateView.POSITION_COUNT; j++) {
                    assertThat(view.position(j)).isEqualTo(ArmDriver.position(j, k, 500));
                    assertThat(view.velocity(j)).isEqualTo(ArmDriver.velocity(j, k, 500));
                    assertThat(view.effort(j)).isEqualTo(ArmDriver.effort(j, k, 500));
                }
                assertThat(view.status()).isEqualTo(JointStateView.Status.OK);
                assertThat(view.frameId()).isEqualTo("base_link");
            }
            // Sample 999 is t = 1.998 s: the base joint is at 1.2 rad * sin(2 pi * 0.1 Hz * 1.998 s) = 65.363 degrees.
            assertThat(Math.toDegrees(view.position(0))).isCloseTo(65.363, within(0.001));
            assertThat(subscriber.state()).isEqualTo(WriterState.LIVE);
            assertThat(ArmMonitor.line(view, subscriber)).startsWith("#999      LIVE    j1=").endsWith("OK");
        }
    }

    @Test
    void theDriverKeepsItsRateWithoutDrift() {
        RegionOptions options = RegionOptions.defaults().withDirectory(dir);
        try (Publisher publisher = Publisher.create("timed", ArmSchema.layout(), options)) {
            long start = System.nanoTime();
            new ArmDriver(publisher).run(100); // 100 samples at 500 Hz: due at 0 .. 198 ms
            double elapsedMs = (System.nanoTime() - start) / 1e6;
            assertThat(elapsedMs).as("the 100th sample is due at 198 ms").isGreaterThanOrEqualTo(198.0);
        }
    }
}
