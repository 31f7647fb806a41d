package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.bridge.BridgeIdle;
import io.shmtel.bridge.spi.TransportProvider;
import io.shmtel.core.idle.IdleStrategyKind;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bridge send --idle} and {@code bridge receive --idle}: every strategy of the registry is listed and passed
 * on to the transport's own threads; a bad name is a usage error naming the strategies.
 */
class BridgeIdleOptionTest {

    @ParameterizedTest
    @ValueSource(strings = {"send", "receive"})
    void theHelpListsEveryStrategyAndABadOneIsRefused(String direction) {
        CliTest.Result help = CliTest.run("bridge", direction, "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")).contains("--idle=STRATEGY Idle strategy while waiting: "
                + String.join(", ", IdleStrategyKind.names()) + " (default blocking");
        CliTest.Result bad = direction.equals("send")
                ? CliTest.run("bridge", "send", "--to", "127.0.0.1:1", "arm", "--idle", "spinning")
                : CliTest.run("bridge", "receive", "--idle", "spinning");
        OptionValuesTest.assertRefused(bad, "bridge " + direction,
                "shmtel bridge " + direction + ": invalid value for option"
                + " '--idle': unknown idle strategy \"spinning\": use busy-spin, yield, backoff or blocking");
    }

    @ParameterizedTest
    @EnumSource(IdleStrategyKind.class)
    void theTransportIdlesAsTheBridge(IdleStrategyKind kind) {
        BridgeCommand.Common common = new BridgeCommand.Common();
        Map<String, String> options = common.transportOptions(BridgeIdle.of(kind.strategyName()));
        assertThat(options).containsEntry(TransportProvider.IDLE_STRATEGY, kind.strategyName())
                .doesNotContainKey(TransportProvider.IDLE_MAX_PARK_US); // the transport's default for the strategy
        common.maxParkUs = 300L;
        assertThat(common.transportOptions(BridgeIdle.of(kind.strategyName())))
                .containsEntry(TransportProvider.IDLE_MAX_PARK_US, "300");
        common.transportOptions.put(TransportProvider.IDLE_STRATEGY, "yield");
        assertThat(common.transportOptions(BridgeIdle.of(kind.strategyName())))
                .as("--transport-option wins").containsEntry(TransportProvider.IDLE_STRATEGY, "yield");
    }
}
