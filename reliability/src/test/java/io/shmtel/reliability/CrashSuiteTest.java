package io.shmtel.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The quick version of `shmtel reliability crash` (50 random kills; the full run makes 1,000). */
class CrashSuiteTest {
    @Test
    void everyStagedCrashAndRandomKillLeavesReadersConsistentAndIsRecoveredFrom() throws Exception {
        try (Scratch scratch = new Scratch("crash")) {
            SuiteResult result = CrashSuite.run(scratch.dir(), 50, System.nanoTime());
            System.out.println(result.render());
            assertThat(result.failures()).isEmpty();
        }
    }
}
