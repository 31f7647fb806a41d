package io.shmtel.jcstress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the jcstress tests of {@link SeqlockStress}, {@link ClaimStress}, {@link LatestWaiterStress},
 * {@link MailboxStress} and {@link WakeStress} in their own JVMs. By default (the mode {@code mvn -B verify}
 * runs) jcstress's quick preset (5 iterations of 200 ms per JVM) on C2 with its scheduling randomisers (StressLCM,
 * StressGCM, StressIGVN, StressCCP: each fork a new random seed, so the compiled code orders its loads and
 * stores differently from run to run), tiered compilation on (each fork warms up through the
 * interpreter and C1 first), one fork per JVM flag configuration jcstress detects, no split
 * per-actor compilation: about 1.5 minutes for the 18 tests on 2 cores. Where the JVM lacks the
 * randomisers, plain C2 (said on stdout). {@code -Djcstress.mode=default} (or quick, tough,
 * stress) runs a full preset with every JVM configuration instead:
 * {@code mvn -pl jcstress verify -Djcstress.mode=default}.
 */
class SeqlockJcstressTest {
    /** C2's scheduling randomisers (diagnostic flags of product JVMs since JDK 17). */
    static final List<String> RANDOMISERS = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+StressLCM",
            "-XX:+StressGCM", "-XX:+StressIGVN", "-XX:+StressCCP");
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    @Test
    void noMixedSnapshotIsEverObserved() throws Exception {
        Path report = Files.createTempDirectory("shmtel-jcstress-");
        String mode = System.getProperty("jcstress.mode", "");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The tests' JVMs call JNA (futex wake-ups): native access granted, so JDK 22+ prints no warning.
        List<String> command = new ArrayList<>(List.of(javaBin, NATIVE_ACCESS, "-cp",
                System.getProperty("java.class.path"), "org.openjdk.jcstress.Main", "-v", "-t", "io.shmtel.jcstress",
                "-r", report.toString(), "-jvmArgsPrepend", NATIVE_ACCESS));
        if (mode.isEmpty()) {
            List<String> jvm = new ArrayList<>(List.of("-XX:+UseSerialGC"));
            if (accepts(javaBin, RANDOMISERS)) {
                jvm.addAll(RANDOMISERS);
            } else {
                System.out.println("jcstress: this JVM lacks C2's scheduling randomisers " + RANDOMISERS
                        + ": plain C2");
            }
            command.addAll(List.of("-m", "quick", "-sc", "false", "-jvmArgs", String.join(" ", jvm)));
        } else {
            command.addAll(List.of("-m", mode));
        }
        long start = System.nanoTime();
        // jcstress writes its binary results file into its working directory: the report directory, removed below.
        Process p = new ProcessBuilder(command).directory(report.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.MINUTES)).isTrue();
        String results = out.substring(Math.max(0, out.indexOf("RUN RESULTS:")));
        System.out.println(results);
        System.out.printf("jcstress (%s): %.0f s%n", mode.isEmpty() ? "quick, C2 randomised, -sc false" : mode,
                (System.nanoTime() - start) / 1e9);
        try (var files = Files.walk(report)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
        assertThat(p.exitValue()).as(results).isZero();
        assertThat(results).as("jcstress summary").contains("Failed tests: No matches")
                .contains("Error tests: No matches");
        for (String test : List.of("Latest", "LatestReusesSlots", "StreamLapped", "TakeoverResume",
                "UnvalidatedControl", "OptimisticLatest", "OptimisticStreamLapped")) {
            assertThat(results).as("jcstress ran and passed %s", test)
                    .contains("[OK] io.shmtel.jcstress.SeqlockStress." + test);
        }
        for (String test : List.of("TakeSeesTheMessage", "OneOfTwoConsumers", "AnswerCarriesItsCode",
                "StaleRecovererAndALaterAnswer", "TwoRecoverers")) {
            assertThat(results).as("jcstress ran and passed %s", test)
                    .contains("[OK] io.shmtel.jcstress.MailboxStress." + test);
        }
        for (String test : List.of("LatestWhileClaiming", "StreamThroughAnAbort")) {
            assertThat(results).as("jcstress ran and passed %s", test)
                    .contains("[OK] io.shmtel.jcstress.ClaimStress." + test);
        }
        for (String test : List.of("ReusedSlots", "PastLeftOutIndexes")) {
            assertThat(results).as("jcstress ran and passed %s", test)
                    .contains("[OK] io.shmtel.jcstress.LatestWaiterStress." + test);
        }
        for (String test : List.of("SleepOrWake", "WithoutTheBarrierControl")) {
            assertThat(results).as("jcstress ran and passed %s", test)
                    .contains("[OK] io.shmtel.jcstress.WakeStress." + test);
        }
        // The controls have no forbidden outcome; jcstress lists them under "Interesting tests" when it saw what they
        // allow.
        for (String control : List.of("SeqlockStress.UnvalidatedControl", "WakeStress.WithoutTheBarrierControl")) {
            System.out.println(control + " saw what the protocol prevents: "
                    + (results.indexOf("Interesting tests:") >= 0 && results.indexOf("[OK] io.shmtel.jcstress."
                            + control)
                    < Math.max(results.indexOf("Failed tests:"), 0)));
        }
    }

    /** Whether this JVM starts with {@code flags}. */
    static boolean accepts(String java, List<String> flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(flags);
        command.add("-version");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
