package io.shmtel.foxglove;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.idle.IdleStrategyKind;
import org.junit.jupiter.api.Test;

/** The pump's own backoff parameters are a valid parameter set of the registry's backoff, with its numbers. */
class PumpIdleTest {

    @Test
    void theViewersBackoffKeepsItsNumbersAndTheRegistrysLongestPark() {
        assertThat(IdleStrategyKind.BACKOFF.create(PumpIdle.VIEWER_BACKOFF).describe())
                .isEqualTo("backoff(spins=20, yields=2, minParkNs=50000, maxParkNs=1000000)");
    }
}
