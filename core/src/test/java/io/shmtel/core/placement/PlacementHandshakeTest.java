package io.shmtel.core.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shmtel.core.nativeio.SchedCalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A placed thread tells its starter: placed (with the affinity asked) or refused (thrown by the start). */
class PlacementHandshakeTest {
    private static final long JOIN_MILLIS = 5_000;

    @Test
    void theStarterReturnsOnceTheThreadIsPlaced() throws Exception {
        int cpu = SchedCalls.affinity().length() - 1;
        PlacementHandshake handshake = new PlacementHandshake(ThreadPlacement.onCpus(Integer.toString(cpu)));
        AtomicReference<BitSet> seen = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            if (handshake.apply()) {
                seen.set(SchedCalls.affinity());
            }
        });
        thread.start();
        handshake.await();
        thread.join(JOIN_MILLIS);
        BitSet only = new BitSet();
        only.set(cpu);
        assertThat(seen.get()).isEqualTo(only);
    }

    @Test
    void aRefusalIsThrownByTheStarterAndTheThreadSkipsItsWork() throws Exception {
        BitSet present = CpuList.parse(Files.readString(Path.of("/sys/devices/system/cpu/present")));
        int missing = present.length();
        assumeTrue(missing < SchedCalls.CPU_SETSIZE, "every CPU number exists");
        PlacementHandshake handshake = new PlacementHandshake(ThreadPlacement.onCpus(Integer.toString(missing)));
        AtomicBoolean worked = new AtomicBoolean();
        Thread thread = new Thread(() -> {
            if (handshake.apply()) {
                worked.set(true);
            }
        });
        thread.start();
        assertThatThrownBy(handshake::await).isInstanceOf(PlacementException.class)
                .hasMessageStartingWith("CPU " + missing + " does not exist: this machine has CPUs ")
                .hasCauseInstanceOf(PlacementException.class);
        thread.join(JOIN_MILLIS);
        assertThat(thread.isAlive()).isFalse();
        assertThat(worked).isFalse();
    }

    @Test
    void noPlacementChangesNothing() throws IOException, InterruptedException {
        BitSet before = SchedCalls.affinity();
        PlacementHandshake handshake = new PlacementHandshake(ThreadPlacement.none());
        AtomicReference<BitSet> seen = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            if (handshake.apply()) {
                seen.set(SchedCalls.affinity());
            }
        });
        thread.start();
        handshake.await();
        thread.join(JOIN_MILLIS);
        assertThat(seen.get()).isEqualTo(before);
    }
}
