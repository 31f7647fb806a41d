package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.RegionChild;
import io.shmtel.core.region.ShmDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A region file truncated ({@code ftruncate} to 0 bytes) under a running {@code shmtel echo},
 * {@code stat}, {@code record} and {@code serve} (real CLI processes, a real writer process): each
 * says the region is corrupt (one line, no stack trace), keeps running, follows the region a new
 * writer puts under the name, and ends on SIGTERM with the signal's status (143) as documented.
 * Before, the SIGBUS became an {@link InternalError} that ended the command (or its pump thread).
 */
class TruncatedRegionTest {
    static final String ARM = Path.of("../schema/examples/arm.json").toAbsolutePath().toString();
    Path dir;
    final List<Process> children = new ArrayList<>();

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
    }

    @AfterEach
    void removeDir() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        ShmDirectory.delete(dir);
    }

    /** What a command prints, collected as it comes (stdout and stderr apart). */
    static final class Output {
        final StringBuffer out = new StringBuffer();
        final StringBuffer err = new StringBuffer();

        Output(Process p) {
            pump(p.getInputStream(), out);
            pump(p.getErrorStream(), err);
        }

        private static void pump(InputStream in, StringBuffer into) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        into.append(line).append('\n');
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            t.setDaemon(true);
            t.start();
        }

        @Override
        public String toString() {
            String o = out.toString();
            return "stdout (last 2000 chars):\n" + o.substring(Math.max(0, o.length() - 2000)) + "\nstderr:\n" + err;
        }
    }

    private Process writer() throws IOException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RegionChild.class.getName(), "publish", dir.toString(), "cut", ARM, "joint_state", "60")
                .redirectErrorStream(true).start();
        children.add(p);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null && !line.startsWith("ready")) {
            // a replacing writer logs what it replaced first
        }
        assertThat(line).as("writer's ready line").isNotNull();
        Thread drain = new Thread(() -> {
            try {
                r.transferTo(Writer.nullWriter());
            } catch (IOException ignored) {
                // it ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    private Process shmtel(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ShmtelCli.class.getName()));
        command.addAll(List.of(args));
        command.addAll(List.of("--dir", dir.toString()));
        Process p = new ProcessBuilder(command).start();
        children.add(p);
        return p;
    }

    static void await(Output o, String what, long seconds, Predicate<Output> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.test(o)) {
            assertThat(System.nanoTime() - deadline).as("waiting for " + what + "\n" + o).isNegative();
            Thread.sleep(50);
        }
    }

    static final Pattern RECORDED = Pattern.compile("recording: (\\d+) samples");

    static long recorded(Output o) {
        Matcher m = RECORDED.matcher(o.err);
        long n = -1;
        while (m.find()) {
            n = Long.parseLong(m.group(1));
        }
        return n;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"echo", "stat", "record", "serve"})
    void aCommandSaysATruncatedRegionIsCorruptKeepsRunningAndFollowsItsReplacement(String command) throws Exception {
        Process writer = writer();
        Process p = switch (command) {
            case "echo" -> shmtel("echo", "cut/joint_state", "--field", "status");
            case "stat" -> shmtel("stat", "cut/joint_state", "--json", "--interval", "0.2");
            case "record" -> shmtel("record", "cut", "-o", dir.resolve("run.mcap").toString());
            default -> shmtel("serve", "--port", Integer.toString(freePort()), "--all-records");
        };
        Output o = new Output(p);
        Predicate<Output> running = switch (command) {
            case "echo" -> x -> x.out.indexOf("status") >= 0;
            case "stat" -> x -> x.out.indexOf("\"state\":\"LIVE\"") >= 0;
            case "record" -> x -> recorded(x) > 0;
            default -> x -> x.err.indexOf("advertised cut") >= 0;
        };
        await(o, command + " running", 30, running);
        Thread.sleep(1000); // its reading paths compiled

        try (FileChannel c = FileChannel.open(dir.resolve("shmtel.cut"), StandardOpenOption.WRITE)) {
            c.truncate(0);
        }
        String said = "region \"cut\" (" + dir.resolve("shmtel.cut") + ") was truncated to 0 bytes";
        Predicate<Output> corrupt = switch (command) {
            case "echo" -> x -> x.err.indexOf("writer LIVE -> CORRUPT") >= 0 && x.err.indexOf(said) >= 0;
            case "stat" -> x -> x.out.indexOf("\"state\":\"CORRUPT\"") >= 0 && x.err.indexOf(said) >= 0;
            case "record" -> x -> x.err.indexOf(said) >= 0;
            default -> x -> x.err.indexOf("withdrew cut: " + said) >= 0;
        };
        await(o, command + " saying the region is corrupt", 15, corrupt);
        Thread.sleep(500);
        assertThat(p.isAlive()).as(command + " still running\n" + o).isTrue();

        // A new writer replaces the truncated file: the command follows it.
        writer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        int errMark = o.err.length();
        int outMark = o.out.length();
        long recordedBefore = recorded(o);
        writer();
        Predicate<Output> follows = switch (command) {
            // CORRUPT -> WAITING -> LIVE: the new writer removes the cut file, then links its own
            case "echo" -> x -> x.err.indexOf("-> LIVE", errMark) >= 0 && x.out.indexOf("status", outMark) >= 0;
            case "stat" -> x -> x.out.indexOf("\"state\":\"LIVE\"", outMark) >= 0;
            case "record" -> x -> recorded(x) > recordedBefore + 100;
            default -> x -> x.err.indexOf("advertised cut", errMark) >= 0;
        };
        await(o, command + " following the new region", 20, follows);

        p.destroy(); // SIGTERM
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as(command + " ends on SIGTERM\n" + o).isTrue();
        assertThat(p.exitValue()).as(o.toString()).isEqualTo(143);
        String all = o.out + "\n" + o.err;
        assertThat(all).as("no stack trace").doesNotContain("InternalError", "Exception in thread", "\tat ");
        String line = o.err.toString().lines().filter(l -> l.contains(said)).findFirst().orElseThrow();
        assertThat(line).as("one line: what, where, what the command does").contains("corrupt", "truncate");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
