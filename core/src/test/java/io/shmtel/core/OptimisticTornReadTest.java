package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The torn-read stress of {@link CrossProcessTest} for zero-copy reading: a publisher JVM writes the counter
 * pattern into every field of a record of every type at full rate; an optimistic latest-value reader and an
 * optimistic stream reader in other JVMs check each attempt in the live slot. Invariant: no read that
 * validates is ever a mixed sample, or another sample than the one the subscriber reports. The attempts the
 * validation threw away must include torn ones: proof that the readers did meet a writer rewriting their slot.
 */
@ExtendWith(ShmDirectory.class)
class OptimisticTornReadTest {
    static final Pattern RESULT = Pattern.compile(
            "reads (\\d+) torn (\\d+) lost (\\d+) backwards (\\d+) attempts (\\d+) tornSeen (\\d+)");
    final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        RegionChild.killAll(children);
    }

    Process reader(String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), OptimisticReadChild.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        children.add(p);
        return p;
    }

    @Test
    void optimisticReadersInOtherJvmsNeverAcceptATornSample(RegionOptions options) throws Exception {
        String dir = options.directory().toString();
        Process publisher = RegionChild.start(children, List.of(), "publish", dir, "optimistic",
                CrossProcessTest.ALL_TYPES, "every_type", "60");
        CrossProcessTest.firstLine(publisher, "ready epoch=1");
        long perReader = 1_000_000;
        List<Process> readers = List.of(
                reader("latest", dir, "optimistic", "every_type", Long.toString(perReader), "40"),
                reader("stream", dir, "optimistic", "every_type", Long.toString(perReader), "30"));
        long total = 0;
        long tornSeen = 0;
        for (Process reader : readers) {
            String out = CrossProcessTest.output(reader, 90).trim();
            Matcher m = RESULT.matcher(out);
            assertThat(m.find()).as("reader output: %s", out).isTrue();
            assertThat(Long.parseLong(m.group(2))).as("validated reads that were torn, in %s", out).isZero();
            assertThat(Long.parseLong(m.group(4))).as("sample indices going back in %s", out).isZero();
            total += Long.parseLong(m.group(1));
            tornSeen += Long.parseLong(m.group(6));
            System.out.println("optimistic reader " + reader.pid() + ": " + out);
        }
        CrossProcessTest.signal("TERM", publisher);
        System.out.printf("optimistic cross-process: %d validated reads, 0 torn; %d torn attempts thrown away%n",
                total, tornSeen);
        assertThat(total).as("validated reads").isGreaterThanOrEqualTo(perReader);
        assertThat(tornSeen).as("torn attempts the validation threw away: without any, the check was never tried")
                .isPositive();
    }
}
