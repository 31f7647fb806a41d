package io.shmtel.core.idle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IdleStrategyTest {

    /** Every strategy's name, blocking included (the registry's; see IdleStrategyKindTest for the rest). */
    static List<String> names() {
        return IdleStrategies.NAMES;
    }

    @Test
    void backoffSpinsThenYieldsThenParksDoublingUpToTheMaximumAndResetsOnData() {
        BackoffIdleStrategy idle = new BackoffIdleStrategy(3, 2, 1_000, 8_000);
        for (int i = 0; i < 5; i++) {
            idle.idle(); // 3 spins, 2 yields: no parking yet
            assertThat(idle.currentParkNs()).isEqualTo(1_000);
        }
        long[] expected = {2_000, 4_000, 8_000, 8_000};
        for (long park : expected) {
            idle.idle();
            assertThat(idle.currentParkNs()).isEqualTo(park);
        }
        idle.reset();
        assertThat(idle.currentParkNs()).isEqualTo(1_000);
        assertThat(idle.describe()).isEqualTo("backoff(spins=3, yields=2, minParkNs=1000, maxParkNs=8000)");
    }

    @Test
    void backoffParksAtLeastItsMinimumOnceSpinsAndYieldsAreSpent() {
        BackoffIdleStrategy idle = new BackoffIdleStrategy(0, 0, TimeUnit.MILLISECONDS.toNanos(2),
                TimeUnit.MILLISECONDS.toNanos(2));
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            idle.idle();
        }
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(10));
    }

    @Test
    void badParametersAreRefusedWithTheirValues() {
        assertThatThrownBy(() -> new BackoffIdleStrategy(1, 1, 10, 5)).hasMessage(
                "need maxSpins >= 0, maxYields >= 0, 1 <= minParkNs <= maxParkNs: maxSpins=1 maxYields=1 minParkNs=10"
                        + " maxParkNs=5");
        assertThatThrownBy(() -> IdleStrategies.byName("sleepy")).hasMessage(
                "unknown idle strategy \"sleepy\": use busy-spin, yield, backoff or blocking");
    }

    @ParameterizedTest
    @MethodSource("names")
    void everyNamedStrategyIdlesAndResets(String name) {
        IdleStrategy idle = IdleStrategies.byName(name);
        for (int i = 0; i < 200; i++) {
            idle.idle();
        }
        idle.reset();
        assertThat(idle.describe()).startsWith(name);
    }
}
