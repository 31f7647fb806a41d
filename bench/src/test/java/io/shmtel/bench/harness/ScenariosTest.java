package io.shmtel.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every entry of {@link Scenarios#ALL} (and of {@link BenchIdle}'s names): {@code --only} accepts
 * it, the help lists it, and it is fully described. What each scenario measures is {@link HarnessTest}'s.
 */
class ScenariosTest {
    static Stream<Scenario> scenarios() {
        return Scenarios.ALL.stream();
    }

    static List<String> idleStrategies() {
        return BenchIdle.names();
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void onlyAcceptsEveryScenarioByItsName(Scenario scenario) {
        Harness harness = new Harness();
        new CommandLine(harness).parseArgs("--quick", "--only", scenario.name());
        harness.validate();
        assertThat(Scenarios.byName(scenario.name())).containsSame(scenario);
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void theHelpListsEveryScenario(Scenario scenario) {
        StringWriter help = new StringWriter();
        new CommandLine(new Harness()).usage(new PrintWriter(help));
        String list = help.toString().replaceAll("\\s+", " ");
        assertThat(list).contains("Scenarios (--only): " + Scenarios.NAMES);
        assertThat(Scenarios.NAMES.split(", ")).contains(scenario.name());
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyScenarioIsDescribed(Scenario scenario) {
        assertThat(scenario.name()).matches("[a-z]+");
        assertThat(scenario.description()).isNotBlank();
        assertThat(scenario.kind()).isNotNull();
        assertThat(scenario.body()).isNotNull();
        if (scenario.placed()) {
            // Placed rows are compared with placed floors: measured first (floor) or right before (latency).
            assertThat(scenario.kind()).isIn(Scenario.Kind.FLOOR, Scenario.Kind.LATENCY);
        }
    }

    @Test
    void namesAreUnique() {
        Set<String> names = new HashSet<>();
        Scenarios.ALL.forEach(s -> assertThat(names.add(s.name())).as(s.name()).isTrue());
    }

    @Test
    void theClosingFloorIsNotSelectable() {
        Harness harness = new Harness();
        new CommandLine(harness).parseArgs("--only", Scenarios.FLOOR_AGAIN.name());
        assertThatThrownBy(harness::validate).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("unknown scenario");
    }

    @ParameterizedTest
    @MethodSource("idleStrategies")
    void everyIdleStrategyNameMakesAStrategy(String name) {
        assertThat(BenchIdle.create(name)).isNotNull();
    }
}
