package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.idle.IdleStrategyKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --idle} accepts and lists every entry of the idle-strategy registry, {@link IdleStrategyKind}. */
class IdleOptionMixinTest {

    @ParameterizedTest
    @EnumSource(IdleStrategyKind.class)
    void everyStrategyNameAndAliasIsAcceptedAndMakesThatStrategy(IdleStrategyKind kind) {
        List<String> names = new ArrayList<>(kind.aliases());
        names.add(kind.strategyName());
        names.add(kind.strategyName().toUpperCase(Locale.ROOT));
        for (String name : names) {
            assertThat(new OptionValues.IdleName().convert(name)).isEqualTo(name);
            IdleOptionMixin mixin = new IdleOptionMixin();
            mixin.idle = name;
            assertThat(mixin.strategy().describe()).as(name).isEqualTo(kind.create().describe());
            assertThat(mixin.name()).isEqualTo(name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo", "stat", "record", "serve"})
    void theHelpOfEveryReadingCommandListsEveryStrategy(String command) {
        CliTest.Result help = CliTest.run(command, "--help");
        assertThat(help.code()).isZero();
        String flat = help.out().replaceAll("\\s+", " ");
        assertThat(flat).contains("--idle=STRATEGY Idle strategy while waiting: "
                + String.join(", ", IdleStrategyKind.names()) + " (default blocking");
    }
}
