package io.shmtel.core.idle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One suite over every entry of the idle-strategy registry, {@link IdleStrategyKind}. */
class IdleStrategyKindTest {
    private static final int POLLS = 300;
    private static final long SLEEP_BOUND_NS = TimeUnit.MICROSECONDS.toNanos(50);

    @ParameterizedTest
    @EnumSource(IdleStrategyKind.class)
    void everyStrategyIdlesWithAndWithoutAWakeSignalResetsAndNamesItself(IdleStrategyKind kind) {
        IdleStrategy idle = kind.create();
        AtomicInteger sleeps = new AtomicInteger();
        WakeSignal signal = maxWaitNs -> {
            assertThat(maxWaitNs).isBetween(1L, SLEEP_BOUND_NS);
            sleeps.incrementAndGet();
        };
        for (int i = 0; i < POLLS; i++) {
            idle.idle(signal, SLEEP_BOUND_NS);
        }
        idle.reset();
        idle.idle();
        assertThat(idle.describe()).startsWith(kind.strategyName());
        assertThat(sleeps.get()).as("only the blocking strategy sleeps on the signal")
                .isEqualTo(kind == IdleStrategyKind.BLOCKING ? POLLS - BlockingIdleStrategy.DEFAULT_MAX_SPINS : 0);
    }

    @ParameterizedTest
    @EnumSource(IdleStrategyKind.class)
    void everyNameAndAliasFindsItsStrategyInAnyCaseWithItsDefaults(IdleStrategyKind kind) {
        List<String> names = new ArrayList<>(kind.aliases());
        names.add(kind.strategyName());
        for (String name : names) {
            assertThat(IdleStrategyKind.byName(name.toUpperCase(Locale.ROOT))).isSameAs(kind);
            assertThat(IdleStrategies.byName(name).describe()).isEqualTo(kind.create().describe());
        }
        assertThat(kind.create()).isNotSameAs(kind.create());
        assertThat(IdleStrategies.NAMES).contains(kind.strategyName());
        assertThat(kind.description()).startsWith(kind.howItWaits() + ": ");
    }

    @Test
    void namesAndAliasesAreUniqueAndLowerCase() {
        List<String> all = new ArrayList<>();
        for (IdleStrategyKind kind : IdleStrategyKind.values()) {
            all.add(kind.strategyName());
            all.addAll(kind.aliases());
        }
        assertThat(all).doesNotHaveDuplicates().allMatch(n -> n.equals(n.toLowerCase(Locale.ROOT)));
        assertThat(IdleStrategyKind.names()).containsExactly("busy-spin", "yield", "backoff", "blocking");
    }

    @Test
    void theObjectFactoriesGiveTheRegistrysDefaults() {
        assertThat(IdleStrategies.busySpin().describe()).isEqualTo(IdleStrategyKind.BUSY_SPIN.create().describe());
        assertThat(IdleStrategies.yielding().describe()).isEqualTo(IdleStrategyKind.YIELD.create().describe());
        assertThat(IdleStrategies.backoff().describe()).isEqualTo(IdleStrategyKind.BACKOFF.create().describe());
        assertThat(IdleStrategies.blocking().describe()).isEqualTo(IdleStrategyKind.BLOCKING.create().describe());
    }

    @ParameterizedTest
    @EnumSource(IdleStrategyKind.class)
    void everyParameterReachesTheStrategyAndIsBounded(IdleStrategyKind kind) {
        String defaults = kind.create().describe();
        for (IdleParameter p : kind.parameters()) {
            assertThat(p.defaultValue()).as(p.name()).isBetween(p.min(), p.max());
            assertThat(p.description()).as(p.name()).isNotBlank();
            long changed = p.defaultValue() < p.max() ? p.defaultValue() + 1 : p.defaultValue() - 1;
            Map<String, Long> values = new HashMap<>();
            values.put(p.name(), changed);
            if (!p.atLeast().isEmpty()) {
                values.put(p.atLeast(), kind.parameter(p.atLeast()).orElseThrow().min());
            }
            assertThat(kind.create(values).describe()).as(p.name()).isNotEqualTo(defaults)
                    .contains(String.valueOf(p.toNanos(changed)));
            assertThatThrownBy(() -> kind.create(Map.of(p.name(), p.max() + 1))).as(p.name())
                    .hasMessage(p.name() + " must be an integer from " + p.min() + " to " + p.max() + "; found "
                            + (p.max() + 1));
            assertThatThrownBy(() -> kind.create(Map.of(p.name(), p.min() - 1))).as(p.name())
                    .hasMessageContaining(p.name() + " must be an integer from ");
        }
        assertThatThrownBy(() -> kind.create(Map.of("sleepiness", 1L)))
                .hasMessageStartingWith("the " + kind.strategyName() + " strategy takes no parameter \"sleepiness\"");
    }

    @Test
    void aParameterBelowTheOneItMustBeAtLeastIsRefusedWithBoth() {
        assertThatThrownBy(() -> IdleStrategyKind.BACKOFF.create(Map.of(IdleParameter.MIN_PARK_US, 10L,
                IdleParameter.MAX_PARK_US, 5L))).hasMessage("maxParkUs (5) must be at least minParkUs (10)");
    }

    @Test
    void sharedParameterNamesShareUnitAndBoundsAndEveryAtLeastNamesAParameterOfItsStrategy() {
        for (IdleStrategyKind kind : IdleStrategyKind.values()) {
            for (IdleParameter p : kind.parameters()) {
                IdleParameter first = IdleStrategyKind.allParameters().stream()
                        .filter(q -> q.name().equals(p.name())).findFirst().orElseThrow();
                assertThat(List.of(p.unit(), p.min(), p.max())).as("%s.%s", kind, p.name())
                        .isEqualTo(List.of(first.unit(), first.min(), first.max()));
                if (!p.atLeast().isEmpty()) {
                    assertThat(kind.parameterNames()).as("%s.%s", kind, p.name()).contains(p.atLeast());
                }
            }
        }
    }
}
