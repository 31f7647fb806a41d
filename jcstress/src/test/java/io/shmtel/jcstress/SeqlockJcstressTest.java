package io.shmtel.jcstress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the jcstress tests of {@link SeqlockStress} and {@link MailboxStress} in their own JVMs. Quick by default (one JVM
 * configuration, 1 s per test); {@code -Djcstress.mode=default} (or tough, stress) for the full
 * presets: {@code mvn -pl jcstress verify -Djcstress.mode=default}.
 */
class SeqlockJcstressTest {
    @Test
    void noMixedSnapshotIsEverObserved() throws Exception {
        Path report = Files.createTempDirectory("shmtel-jcstress-");
        String mode = System.getProperty("jcstress.mode", "");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.openjdk.jcstress.Main", "-v", "-t", "io.shmtel.jcstress",
                "-r", report.toString()));
        if (mode.isEmpty()) {
            command.addAll(List.of("-m", "sanity", "-jvmArgs", "-XX:+UseSerialGC", "-time", "1000", "-iters", "1", "-f", "1"));
        } else {
            command.addAll(List.of("-m", mode));
        }
        // jcstress writes its binary results file into its working directory: the report directory, removed below.
        Process p = new ProcessBuilder(command).directory(report.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.MINUTES)).isTrue();
        String results = out.substring(Math.max(0, out.indexOf("RUN RESULTS:")));
        System.out.println(results);
        try (var files = Files.walk(report)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
        assertThat(p.exitValue()).as(results).isZero();
        assertThat(results).as("jcstress summary").contains("Failed tests: No matches").contains("Error tests: No matches");
        for (String test : List.of("Latest", "StreamLapped", "UnvalidatedControl")) {
            assertThat(results).as("jcstress ran and passed %s", test).contains("[OK] io.shmtel.jcstress.SeqlockStress." + test);
        }
        for (String test : List.of("TakeSeesTheMessage", "OneOfTwoConsumers", "AnswerCarriesItsCode")) {
            assertThat(results).as("jcstress ran and passed %s", test).contains("[OK] io.shmtel.jcstress.MailboxStress." + test);
        }
        // The control has no forbidden outcome; jcstress lists it under "Interesting tests" when it saw a mixed copy.
        System.out.println("unvalidated control saw mixed copies: " + results.contains("Interesting tests: 1 matching"));
    }
}
