package io.shmtel.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Quick versions of the reliability suites (the full ones: bin/shmtel reliability all --full). */
class SuitesTest {
    static void assertPassed(SuiteResult result) {
        System.out.println(result.render());
        assertThat(result.failures()).as(result.suite()).isEmpty();
    }

    @Test
    void tornReadStress() throws Exception {
        try (Scratch scratch = new Scratch("torn")) {
            assertPassed(TornSuite.run(scratch.dir(), 10_000_000, 8, 60));
        }
    }

    /**
     * The same with the writer publishing through zero-copy claims, some aborted half-written (issue 25); one reader
     * JVM of each mode.
     */
    @Test
    void tornReadStressThroughClaims() throws Exception {
        try (Scratch scratch = new Scratch("tornclaims")) {
            assertPassed(TornSuite.run(scratch.dir(), 2_000_000, TornSuite.READ_MODES.size(), 60, true));
        }
    }

    @Test
    void stallAndPidReuse() throws Exception {
        try (Scratch scratch = new Scratch("stall")) {
            assertPassed(StallSuite.run(scratch.dir()));
        }
    }

    @Test
    void races() throws Exception {
        try (Scratch scratch = new Scratch("races")) {
            assertPassed(RaceSuite.run(scratch.dir(), 1_000, 2_000, 2_000));
        }
    }

    @Test
    void hostileRegions() throws Exception {
        try (Scratch scratch = new Scratch("fuzz")) {
            assertPassed(RegionFuzzSuite.run(scratch.dir(), 1_000, System.nanoTime(), 2_000));
        }
    }

    @Test
    void schemaAndDeploymentMutants() throws Exception {
        assertPassed(InputFuzzSuite.run(InputFuzzSuite.findRoot(), 4_000, System.nanoTime()));
    }

    @Test
    void soakForTenSeconds() throws Exception {
        try (Scratch scratch = new Scratch("soak")) {
            assertPassed(SoakSuite.run(scratch.dir(), Duration.ofSeconds(10), 2, 4,
                    Duration.ofMillis(100), System.nanoTime()));
        }
    }
}
