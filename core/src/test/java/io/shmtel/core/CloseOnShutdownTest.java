package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.testing.Examples;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A publishing JVM stopped by SIGTERM or SIGINT (Ctrl-C) leaves its region CLOSED through the shared
 * shutdown hook; opened with {@code withCloseOnShutdown(false)}, it leaves WRITER_DEAD, as before.
 */
@ExtendWith(ShmDirectory.class)
class CloseOnShutdownTest {
    static final String ARM = Examples.example("arm.json").toAbsolutePath().toString();
    final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        RegionChild.killAll(children);
    }

    @Test
    void sigtermClosesAnOpenPublishersRegion(RegionOptions options) throws Exception {
        assertThat(stateAfter("TERM", options, true)).isEqualTo(WriterState.CLOSED);
    }

    @Test
    void sigintClosesAnOpenPublishersRegion(RegionOptions options) throws Exception {
        assertThat(stateAfter("INT", options, true)).isEqualTo(WriterState.CLOSED);
    }

    @Test
    void withTheOptOutSigtermLeavesTheWriterDead(RegionOptions options) throws Exception {
        assertThat(stateAfter("TERM", options, false)).isEqualTo(WriterState.WRITER_DEAD);
    }

    @Test
    void theHookIsInstalledWhileAPublisherIsOpenAndRemovedWhenTheLastCloses(RegionOptions options) {
        int before = ShutdownCloser.registered();
        Publisher a = Publisher.create("hook-a", layout(), options);
        Publisher b = Publisher.create("hook-b", layout(), options);
        Publisher optedOut = Publisher.create("hook-c", layout(), options.withCloseOnShutdown(false));
        assertThat(ShutdownCloser.registered()).isEqualTo(before + 2);
        assertThat(ShutdownCloser.hookInstalled()).isTrue();
        a.close();
        a.close(); // twice is once
        assertThat(ShutdownCloser.registered()).isEqualTo(before + 1);
        b.abandon();
        optedOut.close();
        assertThat(ShutdownCloser.registered()).isEqualTo(before);
        if (before == 0) {
            assertThat(ShutdownCloser.hookInstalled()).as("no hook left once every publisher is closed").isFalse();
        }
        assertThat(a.isClosed() && b.isClosed() && optedOut.isClosed()).isTrue();
    }

    static Layout layout() {
        return RegionChild.layout(ARM);
    }

    /**
     * Starts a child publishing into "term", signals it once it publishes, and returns the region's state after it
     * exited.
     */
    WriterState stateAfter(String signal, RegionOptions options, boolean closeOnShutdown) throws Exception {
        List<String> command = new ArrayList<>();
        if (signal.equals("INT") && sigintIgnored()) {
            // Started in the background by a shell without job control (as by `mvn verify &`), this JVM and its
            // children ignore SIGINT and a JVM keeps it ignored: reset it to the default for the child, as a
            // terminal's Ctrl-C would find it.
            Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/perl")),
                    "SIGINT is ignored in this process (started in the background without job control) and there is"
                            + " no /usr/bin/perl to give the child the default SIGINT");
            command.addAll(List.of("/usr/bin/perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\""));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                        Child.class.getName(),
                options.directory().toString(), ARM, Boolean.toString(closeOnShutdown)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("ready");
        try (Subscriber s = Subscriber.open("term", "joint_state", options)) {
            assertThat(s.state()).isEqualTo(WriterState.LIVE);
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("child exits on SIG%s", signal).isTrue();
            String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).as("child output after SIG%s", signal).doesNotContain("Exception");
            WriterState state = s.state();
            assertThat(s.latest(new DynamicView(s.record()))).as("the last sample stays").isTrue();
            return state;
        }
    }

    /** Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status), which its children inherit. */
    static boolean sigintIgnored() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
            }
        }
        return false;
    }

    /** {@code Child DIR SCHEMA CLOSE_ON_SHUTDOWN}: publishes into "term" every 5 ms until the publisher is closed. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            RegionOptions options = ShmDirectory.options(Path.of(args[0]))
                    .withCloseOnShutdown(Boolean.parseBoolean(args[2]));
            Publisher publisher = Publisher.create("term", RegionChild.layout(args[1]), options);
            RingWriter sink = publisher.sink("joint_state");
            DynamicWriter writer = new DynamicWriter(sink, publisher.layout().record("joint_state").orElseThrow());
            boolean first = true;
            while (!publisher.isClosed()) {
                CounterPattern.fill(writer, sink.nextSampleIndex());
                try {
                    writer.commit();
                } catch (IllegalStateException closedByTheHook) {
                    break;
                }
                if (first) {
                    System.out.println("ready");
                    System.out.flush();
                    first = false;
                }
                Thread.sleep(5);
            }
        }
    }
}
