package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.schema.testing.Examples;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Real processes sharing real tmpfs regions: publisher and subscriber JVMs, SIGKILL, SIGSTOP. */
@ExtendWith(ShmDirectory.class)
class CrossProcessTest {
    static final String ALL_TYPES = Examples.example("all_types.json").toAbsolutePath().toString();
    final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        RegionChild.killAll(children);
    }

    Process child(String... args) throws IOException {
        return RegionChild.start(children, List.of(), args);
    }

    /** Reads the child's first line, which must start with {@code prefix}. */
    static String firstLine(Process p, String prefix) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("first line of child %d", p.pid()).startsWith(prefix);
        return line;
    }

    static String output(Process p, int seconds) throws Exception {
        assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as("child %d finished", p.pid()).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    static Process signal(String signal, Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
        return p;
    }

    static WriterState awaitState(Subscriber s, WriterState wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        WriterState state = s.state();
        while (state != wanted && System.nanoTime() < deadline) {
            Thread.sleep(1);
            state = s.state();
        }
        return state;
    }

    /**
     * Invariant: no subscriber process ever accepts a snapshot mixing two samples. One publisher
     * JVM writes the counter pattern into every field of a record of every type at full rate; two
     * latest-value readers and one stream reader in other JVMs check every snapshot.
     */
    @Test
    void subscriberJvmsNeverSeeATornSampleOfAFullRatePublisher(RegionOptions options) throws Exception {
        String dir = options.directory().toString();
        Process publisher = child("publish", dir, "stress", ALL_TYPES, "every_type", "60");
        firstLine(publisher, "ready epoch=1");
        long perReader = 4_000_000;
        List<Process> readers = List.of(
                child("latest", dir, "stress", "every_type", Long.toString(perReader), "40"),
                child("latest", dir, "stress", "every_type", Long.toString(perReader), "40"),
                child("stream", dir, "stress", "every_type", Long.toString(perReader), "40"));
        long total = 0;
        Pattern result = Pattern.compile("reads (\\d+) torn (\\d+) lost (\\d+) backwards (\\d+)");
        for (Process reader : readers) {
            String out = output(reader, 90).trim();
            Matcher m = result.matcher(out);
            assertThat(m.find()).as("reader output: %s", out).isTrue();
            assertThat(Long.parseLong(m.group(2))).as("torn snapshots in %s", out).isZero();
            assertThat(Long.parseLong(m.group(4))).as("sample indices going back in %s", out).isZero();
            total += Long.parseLong(m.group(1));
            System.out.println("cross-process reader " + reader.pid() + ": " + out);
        }
        signal("TERM", publisher);
        System.out.printf("cross-process: %d snapshots checked by 3 subscriber JVMs, 0 torn%n", total);
        assertThat(total).as("snapshots checked").isGreaterThanOrEqualTo(10_000_000);
    }

    @Test
    void aKilledWriterIsReportedDeadKeepsItsLastSampleAndARestartedWriterIsFollowed(RegionOptions options)
            throws Exception {
        String dir = options.directory().toString();
        Process first = child("publish", dir, "killed", ALL_TYPES, "every_type", "60");
        firstLine(first, "ready epoch=1");
        try (Subscriber subscriber = Subscriber.open("killed", "every_type", options)) {
            DynamicView view = new DynamicView(subscriber.record());
            assertThat(subscriber.awaitLatest(view, Duration.ofSeconds(5).toNanos())).isTrue();
            assertThat(subscriber.state()).isEqualTo(WriterState.LIVE);
            Thread.sleep(100);
            long killedAt = System.nanoTime();
            first.destroyForcibly(); // SIGKILL, wherever the writer is in its publish
            first.waitFor(10, TimeUnit.SECONDS);
            assertThat(awaitState(subscriber, WriterState.WRITER_DEAD, Duration.ofSeconds(2)))
                    .isEqualTo(WriterState.WRITER_DEAD);
            long detectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertThat(subscriber.latest(view)).as("the last complete sample stays readable").isTrue();
            assertThat(CounterPattern.check(view)).isTrue();
            long lastOfFirst = view.sampleIndex();
            assertThat(lastOfFirst).isPositive();

            Process second = child("publish", dir, "killed", ALL_TYPES, "every_type", "60");
            firstLine(second, "ready epoch=2");
            assertThat(awaitState(subscriber, WriterState.LIVE, Duration.ofSeconds(2))).isEqualTo(WriterState.LIVE);
            assertThat(subscriber.epoch()).isEqualTo(2);
            assertThat(subscriber.awaitLatest(view, Duration.ofSeconds(5).toNanos())).isTrue();
            assertThat(view.sampleIndex()).as("the new writer continues the numbering").isGreaterThan(lastOfFirst);
            assertThat(CounterPattern.check(view)).isTrue();
            System.out.printf("writer killed: WRITER_DEAD seen after %d ms, last sample %d, restarted at epoch 2%n",
                    detectedMs, lastOfFirst);
        }
    }

    @Test
    void aStoppedWriterIsStalledNotDeadAndLiveAgainWhenContinued(RegionOptions options) throws Exception {
        String dir = options.directory().toString();
        Process writer = child("publish", dir, "paused", ALL_TYPES, "every_type", "60");
        firstLine(writer, "ready epoch=1");
        try (Subscriber subscriber = Subscriber.open("paused", "every_type", options)) {
            assertThat(awaitState(subscriber, WriterState.LIVE, Duration.ofSeconds(2))).isEqualTo(WriterState.LIVE);
            signal("STOP", writer);
            assertThat(awaitState(subscriber, WriterState.STALLED, Duration.ofSeconds(3)))
                    .isEqualTo(WriterState.STALLED);
            Thread.sleep(200);
            assertThat(subscriber.state()).as("a stopped process still holds its lock").isEqualTo(WriterState.STALLED);
            signal("CONT", writer);
            assertThat(awaitState(subscriber, WriterState.LIVE, Duration.ofSeconds(3))).isEqualTo(WriterState.LIVE);
        }
    }

    @Test
    void aSecondWriterProcessIsRefusedWithTheOwnersPid(RegionOptions options) throws Exception {
        String dir = options.directory().toString();
        Process owner = child("publish", dir, "owned", ALL_TYPES, "every_type", "60");
        firstLine(owner, "ready epoch=1");
        Process second = child("create", dir, "owned", ALL_TYPES);
        String out = output(second, 60);
        assertThat(second.exitValue()).isEqualTo(3);
        assertThat(out).startsWith("failed: RegionOwnedException: region \"owned\" is owned by a live writer (owner "
                + "pid "
                + owner.pid() + ", running)");
    }

    @Test
    void aRegionTooLargeForItsTmpfsFailsCleanlyAndLeavesNoFile(RegionOptions options) throws Exception {
        assumeTrue(canMountTmpfs(), "needs unshare and mount (root) for a private tiny tmpfs");
        Path tiny = options.directory().resolve("tiny");
        Files.createDirectory(tiny);
        Path schema = options.directory().resolve("big.json");
        Files.writeString(schema, "{\"schema\":\"big\",\"version\":1,\"records\":[{\"name\":\"cloud\",\"depth\":16,"
                + "\"fields\":[{\"name\":\"points\",\"type\":\"f64\",\"count\":1024}]}]}");
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RegionChild.class.getName(), "create", tiny.toString(), "big", schema.toString());
        List<String> command = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                "mount -t tmpfs -o size=64k tmpfs \"$1\" && shift && exec \"$@\"", "sh", tiny.toString()));
        command.addAll(java);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        children.add(p);
        String out = output(p, 60);
        assertThat(p.exitValue()).as(out).isEqualTo(3);
        assertThat(out).startsWith("failed: NoSpaceException: cannot create region \"big\": it needs 139264 bytes and "
                + tiny + " has 65536 bytes free.")
                .contains("in Docker: --shm-size=256m")
                .contains("left: []")
                .doesNotContain("hs_err");
        try (var files = Files.list(Path.of(""))) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("hs_err")).toList())
                    .as("JVM crash logs").isEmpty();
        }
    }

    static boolean canMountTmpfs() {
        try {
            Process p = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=4k tmpfs /mnt")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
