package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.testing.Examples;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A subscriber checks its writer's liveness once per heartbeat period for as long as it lives:
 * that check must allocate nothing, or a long-lived reader's heap (and RSS) creeps up (seen in the
 * soak: 33 MB in 5 minutes before the lock query reused its buffer and left JNA's proxy).
 */
@ExtendWith(ShmDirectory.class)
class LivenessAllocationTest {
    @Test
    void aLivenessCheckAllocatesNothing(RegionOptions options) {
        var layout = LayoutCompiler.compile(SchemaParser.parse(Examples.example("arm.json")));
        var mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        try (Publisher p = Publisher.create("alive", layout, options);
                Subscriber s = Subscriber.open("alive", "joint_state", options)) {
            long least = Long.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                long before = mx.getThreadAllocatedBytes(thread);
                for (int i = 0; i < 100_000; i++) {
                    s.state();
                }
                least = Math.min(least, mx.getThreadAllocatedBytes(thread) - before);
            }
            assertThat(s.state()).isEqualTo(WriterState.LIVE);
            System.out.println("liveness check: least of 3 rounds of 100,000 state() calls allocated " + least
                    + " bytes");
            assertThat(least).as("bytes allocated by 100,000 liveness checks").isZero();
        }
    }
}
