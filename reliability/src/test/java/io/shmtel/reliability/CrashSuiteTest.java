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

    /** The stalled mailbox recoverer alone (it also runs in the test above): rule R4 across three JVMs. */
    @Test
    void aStalledMailboxRecovererChangesNothingOnceTheBoxMovedOn() throws Exception {
        try (Scratch scratch = new Scratch("stalled")) {
            SuiteResult result = CrashSuite.runStalledRecoverer(scratch.dir());
            System.out.println(result.render());
            assertThat(result.failures()).isEmpty();
        }
    }
}
