package io.shmtel.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the whole cross-process harness with the tiny smoke profile: every scenario in its own
 * processes (the C floor too when gcc is here), then checks what the table, the JSON and the plot
 * say. Figures are not asserted (speed is measured, not tested); accounting and shape are.
 */
class HarnessTest {
    @TempDir
    static Path out;

    static int status;
    static String printed;
    static JsonNode json;

    @BeforeAll
    static void runSmoke() throws IOException {
        System.setProperty("java.awt.headless", "true");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            status = new CommandLine(new Harness()).execute("--smoke", "--out", out.toString(), "--fanout", "1,2",
                    "--oversubscribe");
        } finally {
            System.setOut(old);
        }
        printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    }

    @Test
    void everyScenarioRanAndTheTableHasEveryRow() {
        assertThat(status).as(printed).isZero();
        assertThat(json.get("failures")).isEmpty();
        Set<String> ids = new HashSet<>();
        json.get("latency").forEach(row -> ids.add(row.get("id").asText()));
        assertThat(ids).contains("shmtel-spin", "shmtel-spin-latest", "shmtel-backoff", "shmtel-rtt", "mailbox-spin",
                "mailbox-blocking", "mailbox-backoff", "aeron-ipc", "uds",
                "flag-sleep", Harness.FLOOR_ONE_WAY, Harness.FLOOR_ROUND_TRIP);
        if (Harness.findExecutable("gcc", "cc") != null) {
            assertThat(ids).contains(Harness.FLOOR_AGAIN);
            assertThat(printed).containsAnyOf("floor stable:", "WARNING: the one-way floor moved");
        }
        for (JsonNode row : json.get("latency")) {
            assertThat(printed).contains(row.get("label").asText());
        }
        assertThat(printed).contains("throughput:", "idle cost:", "fan-out:", "targets (issue 6):");
        assertThat(printed).contains("this machine: " + Runtime.getRuntime().availableProcessors() + " cores");
        assertThat(printed).contains("memory: publish latency into a fresh ring of 256 one-page slots (1 MiB)");
        assertThat(json.get("memory")).extracting(m -> m.get("mode").asText())
                .containsExactly("default", "prefault", "lock");
        for (JsonNode m : json.get("memory")) {
            assertThat(m.get("refused").isNull() ? m.get("firstPassNs").get("count").asLong() : 256).isEqualTo(256);
        }
    }

    @Test
    void latencyDistributionsAreCompleteAndOrdered() {
        for (JsonNode row : json.get("latency")) {
            if (row.get("latencyNs") == null) {
                if (row.get("note").asText().startsWith("not placed:")) {
                    // A placed row on a machine with too few CPUs: it says so instead.
                    assertThat(row.get("id").asText()).endsWith(Results.PLACED_SUFFIX);
                    assertThat(Placements.usableCpus().cardinality()).isLessThan(2);
                    continue;
                }
                // Otherwise only the floor may be missing, and only without gcc.
                assertThat(row.get("id").asText()).startsWith("floor");
                assertThat(Harness.findExecutable("gcc", "cc")).isNull();
                continue;
            }
            JsonNode s = row.get("latencyNs");
            assertThat(s.get("count").asLong()).as(row.get("id").asText()).isPositive();
            List<Long> ordered = Stream.of("min", "p50", "p90", "p99", "p99.9", "max").map(k -> s.get(k).asLong())
                    .toList();
            assertThat(ordered).isSorted();
            JsonNode distribution = row.get("distribution");
            // At least its first point and 100 %: samples that all fall in one bucket (a tight floor) give just two.
            assertThat(distribution.size()).as(row.get("id").asText() + " distribution " + distribution)
                    .isGreaterThanOrEqualTo(2);
            assertThat(distribution.get(distribution.size() - 1).get(0).asDouble()).isEqualTo(100.0);
        }
        JsonNode rtt = find("shmtel-rtt");
        assertThat(rtt.get("latencyNs").get("count").asLong()).isEqualTo(Profile.SMOKE.pingCount());
        assertThat(find("uds").get("latencyNs").get("count").asLong()).isEqualTo(Profile.SMOKE.udsCount());
        assertThat(find("aeron-ipc").get("latencyNs").get("count").asLong()).isEqualTo(Profile.SMOKE.pingCount());
        assertThat(find("flag-sleep").get("latencyNs").get("count").asLong()).isEqualTo(Profile.SMOKE.naiveCount());
        // The flag + sleep(10 ms) loop cannot see a sample sooner than its sleep lets it, most of the time.
        assertThat(find("flag-sleep").get("latencyNs").get("max").asLong()).isGreaterThan(1_000_000);
    }

    @Test
    void throughputAccountsForEverySample() {
        JsonNode t = json.get("throughput");
        List<JsonNode> runs = new ArrayList<>();
        runs.add(t.get("unthrottled"));
        t.get("steps").forEach(runs::add);
        assertThat(t.get("steps").size()).isPositive();
        for (JsonNode run : runs) {
            assertThat(run.get("published").asLong()).isPositive();
            // Every sample published after the subscriber started is either received or counted
            // lost by the subscriber's own loss counter.
            assertThat(run.get("totalReceived").asLong() + run.get("totalLostCounted").asLong())
                    .isEqualTo(run.get("totalPublished").asLong());
            assertThat(run.get("outOfOrder").asLong()).isZero();
        }
        // A paced step publishes at its rate (the publisher catches up when it falls behind).
        JsonNode first = t.get("steps").get(0);
        assertThat(first.get("publishedPerSecond").asDouble())
                .isCloseTo(first.get("targetPerSecond").asDouble(), Percentage.withPercentage(10));
        assertThat(printed).contains("sustained with nothing lost:");
    }

    @Test
    void fanOutMeasuresThePublisherPerSubscriberCount() {
        JsonNode fan = json.get("fanOut");
        // 1 subscriber: the oneway scenario's stream runs, unplaced and (given two CPUs) placed; then 2.
        boolean twoCpus = Placements.usableCpus().cardinality() >= 2;
        assertThat(fan).extracting(f -> f.get("subscribers").asInt() + " " + f.get("placement").asText())
                .containsExactlyElementsOf(twoCpus ? List.of("1 unplaced", "1 placed", "2 unplaced")
                        : List.of("1 unplaced", "2 unplaced"));
        for (JsonNode f : fan) {
            int n = f.get("subscribers").asInt();
            int measured = n == 1 ? Profile.SMOKE.onewayCount() : Profile.SMOKE.fanoutCount();
            int warmup = n == 1 ? Profile.SMOKE.onewayWarmup() : Profile.SMOKE.fanoutWarmup();
            assertThat(f.get("publishCostNs").get("count").asLong()).isEqualTo(measured);
            // Each subscriber either received or counted as lost every sample the publisher sent.
            assertThat(f.get("received").asLong() + f.get("lost").asLong()).isEqualTo((long) n * (warmup + measured));
            assertThat(f.get("latencyNs").get("count").asLong()).isBetween(1L, (long) n * measured);
        }
    }

    @Test
    void theBridgeIsMeasuredBesideItsTransportWithItsIdleCostAndRate() {
        JsonNode b = json.get("bridge");
        assertThat(b.get("rateHz").asDouble()).isEqualTo(1000.0);
        assertThat(b.get("oneWayP50Ns").asLong()).isPositive();
        assertThat(b.get("oneWayP99Ns").asLong()).isGreaterThanOrEqualTo(b.get("oneWayP50Ns").asLong());
        assertThat(b.get("aeronUdpHalfRttP50Ns").asLong()).isPositive();
        assertThat(b.get("p50OverAeronUdp").asDouble()).isCloseTo(
                b.get("oneWayP50Ns").asDouble() / b.get("aeronUdpHalfRttP50Ns").asDouble(),
                Percentage.withPercentage(1));
        assertThat(b.get("idleSeconds").asDouble()).isGreaterThan(Profile.SMOKE.idleSeconds() * 0.9);
        assertThat(b.get("senderIdleCpuPercent").asDouble()).isGreaterThanOrEqualTo(0.0);
        assertThat(b.get("receiverIdleCpuPercent").asDouble()).isGreaterThanOrEqualTo(0.0);
        assertThat(b.get("carriedReceived").asLong()).isPositive();
        assertThat(b.get("carriedPerSecond").asDouble()).isPositive();
        assertThat(printed).contains("bridge over loopback UDP, 1000 Hz publisher", "bridge / Aeron UDP",
                "idle, publisher alive and silent", "carried, publisher unpaced");
    }

    @Test
    void idleCostIsMeasuredOnTheSubscribersThread() {
        JsonNode idle = json.get("idle");
        assertThat(idle.get("seconds").asDouble()).isGreaterThan(Profile.SMOKE.idleSeconds() * 0.9);
        assertThat(idle.get("threadCpuPercent").asDouble()).isBetween(0.0, 100.0);
    }

    @Test
    void thePlotIsDrawn() throws IOException {
        BufferedImage image = ImageIO.read(out.resolve("latency.png").toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        Set<Integer> colours = new HashSet<>();
        for (int x = 0; x < image.getWidth(); x += 3) {
            for (int y = 0; y < image.getHeight(); y += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertThat(colours.size()).as("distinct colours in the plot").isGreaterThan(10);
    }

    @Test
    void noWorkFilesAreLeft() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm)) {
            try (Stream<Path> files = Files.list(shm)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .noneMatch(n -> n.startsWith("shmtel-bench-") || n.startsWith("shmtel."));
            }
        }
    }

    @Test
    void anUnknownScenarioIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new Harness());
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        assertThat(cli.execute("--only", "floor,warp")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown scenario \"warp\"", "floor, oneway");
    }

    private static JsonNode find(String id) {
        for (JsonNode row : json.get("latency")) {
            if (row.get("id").asText().equals(id)) {
                return row;
            }
        }
        throw new AssertionError("no row " + id);
    }
}
