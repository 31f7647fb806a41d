package io.shmtel.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * Placed and unplaced runs side by side: a quick scenario gives both rows on a machine with two CPUs, each
 * process of the placed run on a CPU of its own; a placement the children are refused (a CPU this machine does
 * not let them use) is reported with the reason and the run goes on unplaced, never fails.
 */
class PlacementTest {
    @TempDir
    Path out;

    /** What one harness run printed and wrote. */
    record Run(int status, String printed, JsonNode json) {
        List<JsonNode> rows(String id) {
            List<JsonNode> found = new ArrayList<>();
            json.get("latency").forEach(r -> {
                if (r.get("id").asText().equals(id)) {
                    found.add(r);
                }
            });
            return found;
        }
    }

    private Run harness(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--smoke", "--no-plot", "--out", out.toString()));
        all.addAll(List.of(args));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = new CommandLine(new Harness()).execute(all.toArray(String[]::new));
        } finally {
            System.setOut(old);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        return new Run(status, printed, new ObjectMapper().readTree(out.resolve("results.json").toFile()));
    }

    @Test
    void aPlacedAndAnUnplacedRowSitSideBySide() throws IOException {
        assumeTrue(Placements.usableCpus().cardinality() >= 2, "needs two CPUs this process may use");
        Run run = harness("--only", "oneway");
        assertThat(run.status()).as(run.printed()).isZero();
        JsonNode unplaced = run.rows("shmtel-spin").get(0);
        JsonNode placed = run.rows("shmtel-spin-placed").get(0);
        assertThat(unplaced.get("placement").asText()).isEqualTo("unplaced");
        assertThat(placed.get("placement").asText()).isEqualTo("placed");
        assertThat(placed.get("label").asText()).isEqualTo(unplaced.get("label").asText());
        assertThat(placed.get("latencyNs").get("count").asLong()).isPositive();
        // Two processes, two different CPUs, both among those this process may use.
        String cpus = placed.get("cpus").asText();
        assertThat(cpus).matches("CPUs \\d+,\\d+");
        String[] two = cpus.substring("CPUs ".length()).split(",");
        assertThat(two[0]).isNotEqualTo(two[1]);
        for (String cpu : two) {
            assertThat(Placements.usableCpus().get(Integer.parseInt(cpu))).as("CPU " + cpu).isTrue();
        }
        // Side by side in the table: the unplaced line, then the placed one.
        List<String> lines = run.printed().lines().filter(l -> l.startsWith(unplaced.get("label").asText()))
                .toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains(" unplaced ");
        assertThat(lines.get(1)).contains(" placed ");
        assertThat(run.printed()).contains("placement: placed runs put each process's measuring thread");
        // The fan-out table's 1-subscriber lines come from both runs.
        assertThat(run.json().get("fanOut")).extracting(f -> f.get("placement").asText())
                .containsExactly("unplaced", "placed");
    }

    @Test
    void aRefusedPlacementRunsUnplacedAndSaysWhy() throws IOException {
        int notAllowed = Placements.usableCpus().length();
        Run run = harness("--only", "floor,oneway", "--cpus", "0," + notAllowed);
        assertThat(run.status()).as(run.printed()).isZero();
        assertThat(run.json().get("failures")).isEmpty();
        JsonNode refused = run.rows("shmtel-spin-placed").get(0);
        assertThat(refused.get("placement").asText()).isEqualTo("refused");
        assertThat(refused.get("latencyNs").get("count").asLong()).as("it ran, unplaced").isPositive();
        assertThat(refused.get("note").asText()).contains("refused, ran unplaced", "CPU " + notAllowed);
        assertThat(run.printed()).contains("(refused): ", "refused CPU " + notAllowed);
        if (Harness.findExecutable("gcc", "cc") != null) {
            JsonNode floor = run.rows(Harness.FLOOR_ONE_WAY + "-placed").get(0);
            assertThat(floor.get("placement").asText()).isEqualTo("refused");
            assertThat(floor.get("note").asText()).contains("refused CPU " + notAllowed, "sched_setaffinity");
        }
    }

    @Test
    void aChildRefusedItsCpuSaysWhyAndDoesNotThrow() throws InterruptedException {
        AtomicReference<String> outcome = new AtomicReference<>();
        Thread child = new Thread(() -> {
            System.setProperty(Placement.CPU_PROPERTY, String.valueOf(Placements.usableCpus().length()));
            try {
                outcome.set(Placement.applyInChild());
            } finally {
                System.clearProperty(Placement.CPU_PROPERTY);
            }
        });
        child.start();
        child.join();
        assertThat(Placement.refused(outcome.get())).as(outcome.get()).isTrue();
        assertThat(outcome.get()).contains("CPU " + Placements.usableCpus().length());
    }

    @Test
    void tooFewCpusGiveAnUnplacedRunAndASkippedPlacedOneSayingWhy() {
        Placements one = new Placements(Placements.Mode.BOTH, List.of(3), 0);
        List<Placement> runs = one.forProcesses(2);
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0)).isEqualTo(Placement.UNPLACED);
        assertThat(runs.get(1).placed()).isFalse();
        assertThat(runs.get(1).skipped()).contains("2 processes need 2 CPUs", "--cpus names 1");
        assertThat(one.best(2)).isEqualTo(Placement.UNPLACED);
        Placements two = new Placements(Placements.Mode.BOTH, List.of(3, 1), 0);
        assertThat(two.forProcesses(2).get(1).cpus()).containsExactly(3, 1);
        assertThat(two.best(2).describe()).isEqualTo("CPUs 3,1");
    }

    @ParameterizedTest
    @EnumSource(Placements.Mode.class)
    void everyPlacementModeParsesAndGivesItsRuns(Placements.Mode mode) {
        assertThat(Placements.Mode.parse(mode.name().toLowerCase())).isEqualTo(mode);
        List<Placement> runs = new Placements(mode, List.of(1, 0), 0).forProcesses(2);
        List<String> words = runs.stream().map(Placement::word).toList();
        switch (mode) {
            case BOTH -> assertThat(words).containsExactly("unplaced", "placed");
            case PLACED -> assertThat(words).containsExactly("placed");
            case UNPLACED -> assertThat(words).containsExactly("unplaced");
            default -> throw new AssertionError(mode);
        }
    }

    @Test
    void aBadPlacementOptionIsAUsageError() {
        Harness cpus = new Harness();
        new CommandLine(cpus).parseArgs("--cpus", "2-x");
        assertThatThrownBy(cpus::validate).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("2-x");
        Harness fifo = new Harness();
        new CommandLine(fifo).parseArgs("--fifo", "100");
        assertThatThrownBy(fifo::validate).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--fifo must be 1 to 99, not 100");
        Harness mode = new Harness();
        new CommandLine(mode).parseArgs("--placement", "pinned");
        assertThatThrownBy(mode::validate).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("both, placed or unplaced, not pinned");
    }
}
