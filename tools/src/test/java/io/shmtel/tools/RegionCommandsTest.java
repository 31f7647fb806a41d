package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.MailboxReceiver;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.view.DynamicView;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ls, inspect, pub, echo and rm against real regions in a private /dev/shm directory. */
class RegionCommandsTest {
    static final String ARM = "../schema/examples/arm.json";
    static final String SCALARS = "../schema/examples/scalars.json";
    static final String COMMANDS = "../schema/examples/commands.json";
    Path dir;

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
    }

    @AfterEach
    void removeDir() throws IOException {
        ShmDirectory.delete(dir);
    }

    CliTest.Result shmtel(String... args) {
        String[] withDir = new String[args.length + 1];
        withDir[0] = args[0];
        withDir[1] = "--dir=" + dir;
        System.arraycopy(args, 1, withDir, 2, args.length - 1);
        return CliTest.run(withDir);
    }

    @Test
    void pubSendsToAMailboxAndEchoConsumesIt() throws Exception {
        CompletableFuture<CliTest.Result> consumer = CompletableFuture.supplyAsync(
                () -> shmtel("echo", "cmd", "--count", "3", "--timeout", "30", "--check"));
        CliTest.Result pub = shmtel("pub", "cmd", "--schema", COMMANDS, "--count", "3", "--rate", "0", "--pattern",
                "counter");
        assertThat(pub.code()).as(pub.err()).isZero();
        assertThat(pub.err()).contains("sending messages to mailbox cmd/arm_command at full rate into "
                + dir.resolve("shmtel.cmd"),
                "each waits for the box to be empty, and its answer is printed", "message 0: done", "message 1: done",
                "message 2: done", "sent 3 messages to cmd/arm_command: 3 answered done, 0 not; in ");
        CliTest.Result echo = consumer.get(60, TimeUnit.SECONDS);
        assertThat(echo.code()).as(echo.err()).isZero();
        assertThat(echo.err()).contains("echo cmd/arm_command: a mailbox: taking each message and answering it done"
                + " (no other consumer gets it; --peek watches without taking)");
        assertThat(echo.out().lines().toList()).hasSize(3);
        assertThat(echo.out().lines().toList().get(0)).startsWith("arm_command #0 t=")
                .contains("mode=HOLD", "request_id=0");
        assertThat(echo.out().lines().toList().get(2)).startsWith("arm_command #2 t=").contains("mode=TEACH");

        CliTest.Result inspect = shmtel("inspect", "cmd");
        assertThat(inspect.out()).contains("format     1.2", "record arm_command: published 3, depth 1,",
                "    mailbox: EMPTY, answered 3, answered CONSUMER_DIED 0");
        assertThat(shmtel("inspect", "cmd", "--json").out()).contains("\"sync\":\"mailbox\",\"mailbox\":{\"state\":"
                + "\"EMPTY\",\"holderPid\":0,\"code\":0,\"answered\":3,\"consumerDied\":0}");
        CliTest.Result peek = shmtel("echo", "cmd", "--peek", "--count", "1");
        assertThat(peek.code()).as(peek.err()).isZero();
        assertThat(peek.out()).startsWith("arm_command #2 t=");
        assertThat(peek.err()).doesNotContain("taking each message");
    }

    @Test
    void pubFlushesAndInspectSaysWhatIsOnStorage() {
        CliTest.Result pub = shmtel("pub", "kept", "--schema", ARM, "--count", "20", "--rate", "0", "--flush-period-ms",
                "10");
        assertThat(pub.code()).as(pub.err()).isZero();
        assertThat(shmtel("inspect", "kept").out()).contains("    on storage: 20 samples as of the last flush (");
        assertThat(shmtel("inspect", "kept", "--json").out()).contains("\"flushed\":20");
        CliTest.Result bad = shmtel("pub", "kept2", "--schema", ARM, "--count", "1", "--flush-period-ms", "0");
        assertThat(bad.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(bad.err()).contains("shmtel pub: invalid value for option '--flush-period-ms': 0: expected a whole "
                + "number of milliseconds >= 1");
    }

    @Test
    void memoryOptionsOnTheCommandLine() {
        CliTest.Result locked = shmtel("pub", "locked", "--schema", ARM, "--count", "3", "--rate", "0", "--prefault",
                "--lock",
                "--madvise", "willneed");
        assertThat(locked.code()).as(locked.err()).isZero();
        CliTest.Result echo = shmtel("echo", "locked", "--count", "1", "--prefault", "--madvise", "random");
        assertThat(echo.code()).as(echo.err()).isZero();
        CliTest.Result bad = shmtel("echo", "locked", "--madvise", "willned");
        assertThat(bad.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(bad.err()).contains("unknown --madvise \"willned\": one of normal, random, sequential, willneed");
        String why = Region.hugePageRefusal(dir.resolve("shmtel.huge"), 8192);
        CliTest.Result huge = shmtel("pub", "huge", "--schema", ARM, "--count", "1", "--huge-pages");
        assertThat(huge.code()).isEqualTo(ExitCodes.MEMORY);
        assertThat(huge.err()).contains("region \"huge\": cannot use huge pages: " + why);
        assertThat(dir.resolve("shmtel.huge")).doesNotExist();
    }

    @Test
    void pubExitsSixteenWhenAMessageIsAnsweredWithAnError() throws Exception {
        CompletableFuture<CliTest.Result> sender = CompletableFuture.supplyAsync(
                () -> shmtel("pub", "refused", "--schema", COMMANDS, "--count", "1", "--set", "mode=MOVE"));
        RegionOptions options = RegionOptions.defaults().withDirectory(dir);
        try (MailboxReceiver receiver = MailboxReceiver.open("refused", "arm_command", options)) {
            DynamicView view = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (view == null || !receiver.take(view, TimeUnit.MILLISECONDS.toNanos(100))) {
                assertThat(System.nanoTime() - deadline).isNegative();
                if (view == null && receiver.subscriber().record() != null) {
                    view = new DynamicView(receiver.subscriber().record());
                }
                receiver.state();
            }
            assertThat(view.appendText(new StringBuilder()).toString()).contains("mode=MOVE");
            receiver.fail(7);
        }
        CliTest.Result pub = sender.get(60, TimeUnit.SECONDS);
        assertThat(pub.code()).as(pub.err()).isEqualTo(16);
        assertThat(pub.err()).contains("message 0: failed, code 7",
                "sent 1 messages to refused/arm_command: 0 answered done, 1 not");
    }

    @Test
    void pubThenLsInspectEchoAndRm() {
        CliTest.Result pub = shmtel("pub", "arm", "--schema", ARM, "--count", "5", "--rate", "0", "--pattern",
                "counter");
        assertThat(pub.code()).as(pub.err()).isZero();
        assertThat(pub.err()).contains("publishing arm/joint_state at full rate into " + dir.resolve("shmtel.arm"))
                .contains("published 5 samples of arm/joint_state");

        CliTest.Result ls = shmtel("ls");
        assertThat(ls.code()).isZero();
        assertThat(ls.out().lines().toList()).hasSize(2);
        assertThat(ls.out().lines().toList().get(1)).startsWith("arm").contains("arm v1", "8 KiB", "CLOSED",
                "joint_state(5)");
        CliTest.Result lsJson = shmtel("ls", "--json");
        assertThat(lsJson.out()).startsWith("{\"name\":\"arm\",\"file\":\"" + dir.resolve("shmtel.arm")
                + "\",\"schema\":\"arm\"")
                .contains("\"state\":\"CLOSED\",\"epoch\":1").contains("\"records\":[{\"name\":\"joint_state\","
                        + "\"published\":5}]");

        CliTest.Result inspect = shmtel("inspect", "arm");
        assertThat(inspect.code()).isZero();
        assertThat(inspect.out()).contains("format     1.2, header 4096 bytes, region 8192 bytes",
                "layout     0x1bb6d530886a84bc, schema \"arm\" version 1", "state      CLOSED",
                "record joint_state: published 5, depth 8, slot 192 bytes, payload 168 bytes, block at 4096",
                "   148    16  string[16]     frame_id", "mode 0600");
        assertThat(shmtel("inspect", "arm", "--json").out()).contains("\"fingerprint\":\"0x1bb6d530886a84bc\"",
                "\"fields\":[{\"name\":\"position\",\"type\":\"f64\",\"offset\":0,\"sizeBytes\":48,\"count\":6,"
                        + "\"unit\":\"rad\"}");

        CliTest.Result echo = shmtel("echo", "arm", "--count", "1", "--json", "--check");
        assertThat(echo.code()).as(echo.err()).isZero();
        assertThat(echo.out()).startsWith("{\"region\":\"arm\",\"record\":\"joint_state\",\"sample\":4,\"seq\":10,")
                .contains("\"epoch\":1,\"state\":\"CLOSED\",\"consistent\":true,\"fields\":{\"position\":[4.0,4.0,4.0,"
                        + "4.0,4.0,4.0],", "\"status\":4,\"frame_id\":\"4\"}}");
        CliTest.Result text = shmtel("echo", "arm/joint_state", "--count", "1");
        assertThat(text.out()).startsWith("joint_state #4 t=").contains(" position=[4.0, 4.0, 4.0, 4.0, 4.0, 4.0] rad",
                " frame_id=\"4\"");

        // echo (blocking by default) prints the newest sample, then sleeps on the record until a newer one: inspect
        // names it.
        CompletableFuture<CliTest.Result> waiting = CompletableFuture.supplyAsync(
                () -> shmtel("echo", "arm", "--count", "2", "--timeout", "20"));
        String asleep = "readers asleep: 1 (pid " + ProcessHandle.current().pid() + ")";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        CliTest.Result sleeping = shmtel("inspect", "arm");
        while (!sleeping.out().contains(asleep) && System.nanoTime() < deadline) {
            sleeping = shmtel("inspect", "arm");
        }
        assertThat(sleeping.out()).contains(asleep);
        assertThat(shmtel("inspect", "arm", "--json").out())
                .contains("\"sleeperPids\":[" + ProcessHandle.current().pid() + "]");
        assertThat(shmtel("pub", "arm", "--schema", ARM, "--count", "1", "--rate", "0").code()).isZero();
        CliTest.Result woken = waiting.join();
        assertThat(woken.code()).as(woken.err()).isZero();
        assertThat(woken.out().lines().toList()).hasSize(2).satisfiesExactly(
                l -> assertThat(l).startsWith("joint_state #4 t="),
                l -> assertThat(l).startsWith("joint_state #5 t=")); // the next writer resumes the count in place
        assertThat(shmtel("inspect", "arm").out()).doesNotContain("readers asleep");

        CliTest.Result rm = shmtel("rm", "arm");
        assertThat(rm.code()).isZero();
        assertThat(rm.out()).isEqualTo("removed " + dir.resolve("shmtel.arm") + "\n");
        assertThat(shmtel("ls").out()).contains("(no regions in " + dir + ")");
    }

    @Test
    void pubSetsFieldsByNameAndRefusesBadValues() {
        CliTest.Result pub = shmtel("pub", "arm", "--schema", ARM, "--count", "1", "--set", "position=1,2,3,4,5,6",
                "--set", "status=FAULT", "--set", "frame_id=wrist", "--set", "velocity=0.5");
        assertThat(pub.code()).as(pub.err()).isZero();
        CliTest.Result echo = shmtel("echo", "arm", "--count", "1", "--json");
        assertThat(echo.out()).contains("\"position\":[1.0,2.0,3.0,4.0,5.0,6.0]", "\"velocity\":[0.5,0.5,",
                "\"status\":\"FAULT\"", "\"frame_id\":\"wrist\"");
        for (String command : new String[] {"echo", "stat"}) {
            CliTest.Result idle = shmtel(command, "arm", "--count", "1", "--idle", "sleepy");
            assertThat(idle.code()).as(command).isEqualTo(ExitCodes.INVALID_INPUT);
            assertThat(idle.err()).as(command).contains("unknown idle strategy \"sleepy\": use busy-spin, yield, "
                    + "backoff"
                    + " or blocking");
        }
        CliTest.Result bad = shmtel("pub", "other", "--schema", ARM, "--count", "1", "--set", "status=BROKEN");
        assertThat(bad.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(bad.err()).contains("--set status=BROKEN: field status is an enum: expected an integer or one of"
                + " [OK, FAULT, ESTOP], got \"BROKEN\"");
        CliTest.Result arity = shmtel("pub", "other", "--schema", ARM, "--count", "1", "--set", "position=1,2");
        assertThat(arity.err()).contains("field position has 6 elements; got 2 values");
        CliTest.Result record = shmtel("pub", "other", "--schema", SCALARS, "--count", "1");
        assertThat(record.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(record.err()).contains("schema \"scalars\" has 2 records: choose one with --record ([counter, "
                + "reading])");
    }

    @Test
    void regionErrorsMapToTheirExitCodes() throws IOException {
        CliTest.Result waited = shmtel("echo", "missing", "--count", "1", "--timeout", "0.2");
        assertThat(waited.code()).isEqualTo(ExitCodes.TIMEOUT);
        assertThat(waited.err()).contains("echo missing: waiting for the region to appear in " + dir,
                "echo missing: no region for 0.2 s");
        assertThat(shmtel("inspect", "missing").code()).isEqualTo(ExitCodes.REGION_NOT_FOUND);
        assertThat(shmtel("rm", "missing").code()).isEqualTo(ExitCodes.REGION_NOT_FOUND);
        CliTest.Result badName = shmtel("inspect", "../etc");
        assertThat(badName.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(badName.err()).contains("invalid region name \"../etc\"");
        Files.writeString(dir.resolve("shmtel.junk"), "not a region at all, but long enough? no: shorter than a page");
        CliTest.Result corrupt = shmtel("inspect", "junk");
        assertThat(corrupt.code()).isEqualTo(ExitCodes.CORRUPT_REGION);
        assertThat(corrupt.err()).contains("region \"junk\": file is 61 bytes, shorter than one header page (4096 "
                + "bytes)");
        assertThat(shmtel("ls").out()).contains("junk                 ERROR region \"junk\": file is 61 bytes");
        Files.createSymbolicLink(dir.resolve("shmtel.link"), dir.resolve("shmtel.junk"));
        assertThat(shmtel("inspect", "link").code()).isEqualTo(ExitCodes.PERMISSION);
    }

    @Test
    void echoTimesOutWithCode10AndRmRefusesALiveRegion() throws Exception {
        CompletableFuture<CliTest.Result> pub = CompletableFuture.supplyAsync(
                () -> shmtel("pub", "live", "--schema", ARM, "--rate", "50", "--count", "150"));
        CliTest.Result echo = shmtel("echo", "live", "--count", "3", "--timeout", "10", "--stream", "--json");
        assertThat(echo.code()).as(echo.err()).isZero();
        List<String> lines = echo.out().lines().toList();
        assertThat(lines).hasSize(3);
        CliTest.Result rm = shmtel("rm", "live");
        assertThat(rm.code()).isEqualTo(ExitCodes.REGION_OWNED);
        assertThat(rm.err()).contains("region \"live\" has a live writer (it holds the region's lock); stop the writer"
                + " first, or use --force");
        CliTest.Result second = shmtel("pub", "live", "--schema", ARM, "--count", "1");
        assertThat(second.code()).isEqualTo(ExitCodes.REGION_OWNED);
        assertThat(pub.get(30, TimeUnit.SECONDS).code()).isZero();
        CliTest.Result quiet = shmtel("echo", "live", "--stream", "--timeout", "0.3");
        assertThat(quiet.code()).as("the stream starts at the newest sample, then waits").isEqualTo(ExitCodes.TIMEOUT);
        assertThat(quiet.err()).contains("no sample for 0.3 s (writer CLOSED)");
        assertThat(shmtel("rm", "live").code()).isZero();
    }

    /** The CLI in a process of its own (the test's class path), as a user runs it: for signals. */
    Process cli(String command, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                        ShmtelCli.class.getName(),
                command, "--dir=" + dir));
        all.addAll(List.of(args));
        return new ProcessBuilder(all).start();
    }

    static String rest(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /**
     * Hole 11 of issue 23: echo re-checked the writer's state only when a slice passed with no sample,
     * so a writer that resumed publishing kept the state echo last saw: STALLED after a pause (here a
     * SIGSTOP), WRITER_DEAD or STALLED after a takeover. Writers (real processes) are paused, killed
     * with SIGKILL and restarted three times under {@code echo --json --stream}; each stamps its
     * samples (frame_id) so that its lines can be told apart.
     */
    @Test
    void echoShowsTheStateOfTheWriterWhoseSamplesItPrints() throws Exception {
        List<Process> processes = new ArrayList<>();
        try {
            Process pub = cliQuiet("pub", "tk", "--schema", ARM, "--rate", "200", "--set", "frame_id=w0");
            processes.add(pub);
            Process echo = cli("echo", "tk", "--json", "--stream");
            processes.add(echo);
            List<String> out = Collections.synchronizedList(new ArrayList<>());
            List<String> err = Collections.synchronizedList(new ArrayList<>());
            drain(echo.getInputStream(), out);
            drain(echo.getErrorStream(), err);
            String live = "\"state\":\"LIVE\"";

            // A pause: echo says STALLED; once the writer publishes again its lines say LIVE again.
            awaitLines(out, err, l -> l.contains("\"frame_id\":\"w0\""), 20, "20 samples of writer w0");
            signal(pub, "STOP");
            try {
                awaitLines(err, err, l -> l.endsWith("LIVE -> STALLED"), 1, "echo saying the writer stalled");
            } finally {
                signal(pub, "CONT");
            }
            int resumedAt = out.size();
            awaitLines(out, err, l -> l.contains("\"frame_id\":\"w0\""), resumedAt + 40, "40 samples after the pause");
            List<String> resumed;
            synchronized (out) {
                resumed = List.copyOf(out.subList(resumedAt + 10, out.size()));
            }
            assertThat(resumed).as("the samples of a writer publishing again after a pause (stderr: %s)", err)
                    .allMatch(l -> l.contains(live));

            for (int w = 0; w <= 3; w++) {
                String stamp = "\"frame_id\":\"w" + w + "\"";
                awaitLines(out, err, l -> l.contains(stamp), 20, "20 samples of writer w" + w);
                if (w > 0) {
                    List<String> alive;
                    synchronized (out) {
                        alive = out.stream().filter(l -> l.contains(stamp)).toList(); // printed while w lived
                    }
                    assertThat(alive).as("writer w%d's samples, after a takeover of a writer killed -9 (stderr: %s)", w,
                            err)
                            .allMatch(l -> l.contains(live));
                    List<String> epochs = alive.stream().map(RegionCommandsTest::epoch).distinct().toList();
                    assertThat(epochs).as("one epoch per writer, the new writer's").hasSize(1)
                            .doesNotContain(epoch(first(out, "w" + (w - 1))));
                    assertThat(err).as("echo says the new writer is LIVE")
                            .anyMatch(l -> l.endsWith(" -> LIVE (epoch " + epochs.get(0) + ")"));
                }
                if (w == 3) {
                    break;
                }
                pub.destroyForcibly(); // SIGKILL
                assertThat(pub.waitFor(20, TimeUnit.SECONDS)).isTrue();
                awaitLines(err, err, l -> l.endsWith("-> WRITER_DEAD"), w + 1, "echo saying writer w" + w + " died");
                pub = cliQuiet("pub", "tk", "--schema", ARM, "--rate", "200", "--set", "frame_id=w" + (w + 1));
                processes.add(pub);
            }
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
                p.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    static String epoch(String jsonLine) {
        Matcher m = Pattern.compile("\"epoch\":(\\d+)").matcher(jsonLine);
        assertThat(m.find()).as(jsonLine).isTrue();
        return m.group(1);
    }

    static String first(List<String> lines, String writer) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.contains("\"frame_id\":\"" + writer + "\"")).findFirst().orElseThrow();
        }
    }

    static void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(20, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s %d", signal, p.pid())
                .isTrue();
    }

    /** A CLI process whose output nobody reads. */
    Process cliQuiet(String command, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                        ShmtelCli.class.getName(),
                command, "--dir=" + dir));
        all.addAll(List.of(args));
        return new ProcessBuilder(all).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    static void drain(InputStream in, List<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in,
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException gone) {
                // the process ended
            }
        }, "drain");
        t.setDaemon(true);
        t.start();
    }

    static void awaitLines(List<String> lines, List<String> err, Predicate<String> which, int n,
            String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            long have;
            synchronized (lines) {
                have = lines.stream().filter(which).count();
            }
            if (have >= n) {
                return;
            }
            assertThat(System.nanoTime() - deadline).as("waiting for %s; echo's stderr: %s", what, err).isNegative();
            Thread.sleep(20);
        }
    }

    @Test
    void echoCheckSummarisesWhenItTimesOutAndReportsMismatchesWith7() {
        // Without --pattern every field is 0: the newest sample (#2) is off the counter pattern.
        assertThat(shmtel("pub", "plain", "--schema", ARM, "--count", "3", "--rate", "0").code()).isZero();
        CliTest.Result bad = shmtel("echo", "plain", "--check", "--timeout", "0.3");
        assertThat(bad.out().lines()).hasSize(1);
        assertThat(bad.err()).contains("echo plain/joint_state: no sample for 0.3 s (writer CLOSED)",
                "echo plain/joint_state: 1 samples did not follow the counter pattern (of 1 checked)");
        assertThat(bad.code()).as("a corrupt stream outranks the timeout").isEqualTo(ExitCodes.CORRUPT_REGION);

        assertThat(shmtel("pub", "good", "--schema", ARM, "--count", "3", "--rate", "0", "--pattern", "counter").code())
                .isZero();
        CliTest.Result good = shmtel("echo", "good", "--check", "--timeout", "0.3", "--stream");
        // --stream starts at the newest sample already there (docs/cli.md), not at the ring's oldest
        assertThat(good.out().lines()).hasSize(1);
        assertThat(good.out()).startsWith("joint_state #2 ");
        assertThat(good.err()).contains("echo good/joint_state: all 1 samples checked followed the counter pattern");
        assertThat(good.code()).isEqualTo(ExitCodes.TIMEOUT);
        // --from-oldest streams what the ring still holds
        good = shmtel("echo", "good", "--check", "--timeout", "0.3", "--stream", "--from-oldest");
        assertThat(good.out().lines()).hasSize(3);
        assertThat(good.err()).contains("echo good/joint_state: all 3 samples checked followed the counter pattern");
        assertThat(good.code()).isEqualTo(ExitCodes.TIMEOUT);
        CliTest.Result counted = shmtel("echo", "good", "--check", "--count", "1");
        assertThat(counted.err()).contains("echo good/joint_state: all 1 samples checked followed the counter pattern");
        assertThat(counted.code()).isZero();
    }

    @Test
    void echoPrintsItsSummaryOnSigterm() throws Exception {
        assertThat(shmtel("pub", "plain", "--schema", ARM, "--count", "3", "--rate", "0").code()).isZero();
        Process echo = cli("echo", "plain", "--check");
        try {
            String first = new BufferedReader(new InputStreamReader(echo.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertThat(first).startsWith("joint_state #2 t=").endsWith("<- NOT the counter pattern");
            echo.toHandle().destroy(); // SIGTERM (Process.destroy would close our end of its pipes)
            assertThat(echo.waitFor(20, TimeUnit.SECONDS)).isTrue();
            String err = rest(echo.getErrorStream());
            assertThat(err).contains("echo plain/joint_state: 1 samples did not follow the counter pattern (of 1 "
                    + "checked)");
            assertThat(echo.exitValue()).as("the signal's status").isEqualTo(128 + 15);
        } finally {
            echo.destroyForcibly();
        }
    }

    @Test
    void pubExitsRightAfterItsLastSample() throws Exception {
        long start = System.nanoTime();
        // A period of 1e300 seconds: before, pub waited it out after its only sample.
        CompletableFuture<CliTest.Result> tiny = CompletableFuture.supplyAsync(
                () -> shmtel("pub", "tiny", "--schema", ARM, "--rate", "1e-300", "--count", "1"));
        CliTest.Result pub = tiny.get(30, TimeUnit.SECONDS);
        assertThat(pub.code()).as(pub.err()).isZero();
        assertThat(pub.err()).contains("published 1 samples of tiny/joint_state in 0.",
                " s, - Hz measured (1.0E-300 Hz asked)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void pubSummarisesCountRateAndDuration() throws Exception {
        CliTest.Result pub = shmtel("pub", "five", "--schema", ARM, "--rate", "50", "--count", "5");
        assertThat(pub.code()).as(pub.err()).isZero();
        Matcher m = Pattern.compile(
                "published 5 samples of five/joint_state in ([0-9.]+) s, ([0-9.]+) Hz measured \\(50.0 Hz asked\\)")
                .matcher(pub.err());
        assertThat(m.find()).as(pub.err()).isTrue();
        // 4 periods of 20 ms, and no fifth after the last sample
        assertThat(Double.parseDouble(m.group(1))).isBetween(0.079, 0.099 + 0.3);
        assertThat(Double.parseDouble(m.group(2))).isBetween(10.0, 51.0);
    }

    @Test
    void pubPrintsItsSummaryOnSigterm() throws Exception {
        Process pub = cli("pub", "sig", "--schema", ARM, "--rate", "100");
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(pub.getErrorStream(),
                    StandardCharsets.UTF_8));
            assertThat(err.readLine()).startsWith("publishing sig/joint_state at 100.0 Hz into ");
            Thread.sleep(500);
            pub.toHandle().destroy(); // SIGTERM (Process.destroy would close our end of its pipes)
            assertThat(pub.waitFor(20, TimeUnit.SECONDS)).isTrue();
            String rest = err.lines().collect(Collectors.joining("\n"));
            Matcher m = Pattern.compile(
                    "published (\\d+) samples of sig/joint_state in ([0-9.]+) s, ([0-9.]+) Hz measured \\(100.0 Hz "
                            + "asked\\)")
                    .matcher(rest);
            assertThat(m.find()).as(rest).isTrue();
            assertThat(Long.parseLong(m.group(1))).isPositive();
            assertThat(Double.parseDouble(m.group(3))).isBetween(20.0, 101.0);
            assertThat(pub.exitValue()).isEqualTo(128 + 15);
            assertThat(shmtel("ls").out()).contains("sig", "CLOSED");
        } finally {
            pub.destroyForcibly();
        }
    }

    @Test
    void pubStoppedWhileAMessageWaitsForItsAnswerCountsItSentAndNotAnswered() throws Exception {
        Process pub = cli("pub", "unanswered", "--schema", COMMANDS, "--rate", "10");
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(pub.getErrorStream(),
                    StandardCharsets.UTF_8));
            assertThat(err.readLine()).startsWith("sending messages to mailbox unanswered/arm_command");
            Thread.sleep(500); // message 0 is in the box; no consumer answers it
            pub.toHandle().destroy(); // SIGTERM
            assertThat(pub.waitFor(20, TimeUnit.SECONDS)).isTrue();
            String rest = err.lines().collect(Collectors.joining("\n"));
            assertThat(rest).contains("sent 1 messages to unanswered/arm_command: 0 answered done, 0 not; in ");
        } finally {
            pub.destroyForcibly();
        }
    }

    @Test
    void echoPrintsChosenFieldsAndRefusesAnUnknownOneWithAHint() {
        assertThat(shmtel("pub", "arm", "--schema", ARM, "--count", "1", "--set", "position=1,2,3,4,5,6",
                "--set", "status=FAULT", "--set", "frame_id=base").code()).isZero();
        CliTest.Result text = shmtel("echo", "arm", "--count", "1", "--field", "status,position", "--field",
                "frame_id");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out().trim()).matches("joint_state #0 t=\\d+ status=FAULT position=\\[1.0, 2.0, 3.0, 4.0, "
                + "5.0, 6.0\\] rad"
                + " frame_id=\"base\"");
        CliTest.Result json = shmtel("echo", "arm", "--count", "1", "--json", "--field", "frame_id,status");
        assertThat(json.out()).contains("\"fields\":{\"frame_id\":\"base\",\"status\":\"FAULT\"}")
                .doesNotContain("position");
        CliTest.Result noArrays = shmtel("echo", "arm", "--count", "1", "--no-arrays");
        assertThat(noArrays.out().trim()).matches("joint_state #0 t=\\d+ status=FAULT frame_id=\"base\"");

        CliTest.Result unknown = shmtel("echo", "arm", "--count", "1", "--field", "status,positon");
        assertThat(unknown.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err()).contains("--field positon: record \"joint_state\" of region \"arm\" has no field"
                + " \"positon\"; did you mean \"position\"? (its fields: position, velocity, effort, status, frame_id)")
                .doesNotContain("Exception");
        CliTest.Result negative = shmtel("echo", "arm", "--count", "1", "--max-array", "-1");
        assertThat(negative.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(negative.err()).contains("--max-array must be >= 0: -1");
    }

    @Test
    void echoCutsLongArraysAndPrintsF32AtFloatPrecision(@TempDir Path tmp) throws IOException {
        Path schema = tmp.resolve("scan.json");
        Files.writeString(schema, """
                { "schema": "scan", "version": 1, "records": [ { "name": "scan", "depth": 2, "fields": [
                  { "name": "gain", "type": "f32" },
                  { "name": "ranges", "type": "f32", "count": 400, "unit": "m" } ] } ] }
                """);
        assertThat(shmtel("pub", "scan", "--schema", schema.toString(), "--count", "1", "--set", "gain=0.1",
                "--set", "ranges=0.3").code()).isZero();
        CliTest.Result text = shmtel("echo", "scan", "--count", "1");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).contains(" gain=0.1 ranges=[0.3, 0.3, ", ", 0.3, ... 368 more] m")
                .doesNotContain("0.1000000", "0.3000000", "0.2999999");
        assertThat(text.out().split("0\\.3", -1)).hasSize(32 + 1);
        CliTest.Result three = shmtel("echo", "scan", "--count", "1", "--max-array", "3");
        assertThat(three.out()).contains(" gain=0.1 ranges=[0.3, 0.3, 0.3, ... 397 more] m");
        CliTest.Result none = shmtel("echo", "scan", "--count", "1", "--max-array", "0");
        assertThat(none.out()).contains(" ranges=[... 400 more] m");
        CliTest.Result json = shmtel("echo", "scan", "--count", "1", "--json");
        assertThat(json.out()).contains("\"gain\":0.1,\"ranges\":[0.3,").doesNotContain("truncated", "0.1000000");
        assertThat(json.out().split("0\\.3", -1)).hasSize(400 + 1);
        CliTest.Result cut = shmtel("echo", "scan", "--count", "1", "--json", "--max-array", "2");
        assertThat(cut.out()).contains("\"fields\":{\"gain\":0.1,\"ranges\":[0.3,0.3]},\"truncated\":{\"ranges\":398}"
                + "}");
    }

    @Test
    void echoWallClockPrintsLocalIso8601Time() {
        long before = System.currentTimeMillis();
        assertThat(shmtel("pub", "arm", "--schema", ARM, "--count", "1").code()).isZero();
        long after = System.currentTimeMillis();
        CliTest.Result text = shmtel("echo", "arm", "--count", "1", "--wall-clock");
        assertThat(text.code()).as(text.err()).isZero();
        Matcher m = Pattern.compile("^joint_state #0 t=(\\S+) position=").matcher(text.out());
        assertThat(m.find()).as(text.out()).isTrue();
        OffsetDateTime t = OffsetDateTime.parse(m.group(1));
        assertThat(m.group(1)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}(Z|[+-]\\d\\d:\\d\\d)");
        assertThat(t.getOffset()).isEqualTo(ZoneId.systemDefault().getRules().getOffset(t.toInstant()));
        assertThat(t.toInstant().toEpochMilli()).as("the sample's publish time").isBetween(before - 50, after + 50);
        CliTest.Result json = shmtel("echo", "arm", "--count", "1", "--json", "--wall-clock");
        Matcher j = Pattern.compile("\"wallClock\":\"([^\"]+)\"").matcher(json.out());
        assertThat(j.find()).as(json.out()).isTrue();
        assertThat(json.out()).contains("\"timestampNs\":");
        // each echo measures the clocks' offset when it starts: the same sample, within a millisecond
        assertThat(Duration.between(t, OffsetDateTime.parse(j.group(1))).abs()).isLessThan(Duration.ofMillis(1));
    }
}
