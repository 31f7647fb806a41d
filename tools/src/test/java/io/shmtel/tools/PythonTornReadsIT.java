package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.RegionChild;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.schema.testing.NativeTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figure for the Python reader (the C and C++ readers' are CReaderTest's and CppClientTest's): 10^6
 * {@code Region.latest} reads, then {@value #DELIVERIES} samples from a {@code Region.stream}, each checked field by
 * field against the counter pattern of its index, while a Java writer publishes flat out (RegionChild publish, in
 * its own JVM): none torn, none backwards. An integration test: Python makes some 15,000 checked reads a second,
 * so this runs for a minute or two.
 */
class PythonTornReadsIT {
    /** Latest reads (the 10^6). */
    static final long READS = 1_000_000;
    /** Stream deliveries: a Python stream reader of a flat-out writer is lapped at most polls. */
    static final long DELIVERIES = 100_000;
    /** every_type's depth in this test's copy of all_types: the stream reader is lapped less often. */
    static final int DEEP = 1024;
    /** The writer's time limit, seconds (it is killed when the reads are done). */
    static final String WRITER_SECONDS = "900";
    static final int PATIENCE_S = 900;

    @Test
    void pythonReadersSeeNoTornSampleOfAFlatOutJavaWriter(@TempDir Path tmp) throws Exception {
        NativeTools.require("python3");
        Path schema = tmp.resolve("all_types_deep.json");
        Files.writeString(schema, Files.readString(CrossLanguageMatrixTest.SCHEMA).replace("\"depth\": 4,",
                "\"depth\": " + DEEP + ","));
        Path child = CrossLanguageMatrixTest.resource(tmp, "matrix_child.py");
        Path dir = ShmDirectory.create();
        List<Process> children = new ArrayList<>();
        try {
            Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    RegionChild.class.getName(), "publish", dir.toString(), "flat", schema.toString(),
                    CrossLanguageMatrixTest.RECORD, WRITER_SECONDS).redirectErrorStream(true).start();
            children.add(writer);
            CrossLanguageMatrixTest.Lines written = new CrossLanguageMatrixTest.Lines("Java writer", writer);
            written.await("ready");
            ProcessBuilder builder = new ProcessBuilder("python3", child.toString(), "torn", "flat",
                    Long.toString(READS), Long.toString(DELIVERIES)).redirectErrorStream(true);
            builder.environment().put("SHMTEL_DIR", dir.toString());
            builder.environment().put("PYTHONPATH", CrossLanguageMatrixTest.PYTHON_PACKAGE.toString());
            Process reader = builder.start();
            children.add(reader);
            CrossLanguageMatrixTest.Lines lines = new CrossLanguageMatrixTest.Lines("Python reader", reader);
            String latest = lines.await("latest", PATIENCE_S);
            String stream = lines.await("stream", PATIENCE_S);
            System.out.printf("Python readers of a flat-out Java writer: %s; %s%n", latest, stream);
            Matcher l = Pattern.compile("latest reads (\\d+) torn (\\d+) backwards (\\d+) contended \\d+")
                    .matcher(latest);
            assertThat(l.matches()).as(latest).isTrue();
            assertThat(Long.parseLong(l.group(1))).isEqualTo(READS);
            assertThat(l.group(2)).as("latest torn: %s", latest).isEqualTo("0");
            assertThat(l.group(3)).as("latest backwards: %s", latest).isEqualTo("0");
            Matcher s = Pattern.compile("stream reads (\\d+) torn (\\d+) backwards (\\d+) lost \\d+").matcher(stream);
            assertThat(s.matches()).as(stream).isTrue();
            assertThat(Long.parseLong(s.group(1))).isEqualTo(DELIVERIES);
            assertThat(s.group(2)).as("stream torn: %s", stream).isEqualTo("0");
            assertThat(s.group(3)).as("stream backwards: %s", stream).isEqualTo("0");
            assertThat(writer.isAlive()).as("the writer still publishing").isTrue();
        } finally {
            for (Process p : children) {
                p.destroyForcibly();
                p.waitFor(PATIENCE_S, TimeUnit.SECONDS);
            }
            ShmDirectory.delete(dir);
        }
    }
}
