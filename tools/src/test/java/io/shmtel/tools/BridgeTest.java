package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.view.DynamicView;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.LayoutCompiler;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge end to end, with real processes: a counter publisher and the sending bridge on host
 * A, the receiving bridge on host B, and this JVM reading B's mirror as a local subscriber would.
 * On loopback, and across two network namespaces joined by a veth pair (root), with loss on the
 * link. Figures the tests see are printed (docs/bridge.md quotes them).
 */
class BridgeTest {
    private static final int RATE = 500;

    @AfterEach
    void noAeronDirectoriesOfThisRunAreLeft() throws Exception {
        try (Stream<Path> entries = Files.list(Path.of("/dev/shm"))) {
            assertThat(entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("aeron-shmtel-"))
                    .filter(n -> ProcessHandle.of(Long.parseLong(n.substring(13))).isEmpty()).toList())
                    .as("Aeron directories of bridges that are gone").isEmpty();
        }
    }

    @Test
    void onLoopbackAMirrorGetsEverySampleInOrderAndFollowsEpochsSenderRestartsAndWriterDeath() throws Exception {
        try (BridgeHosts hosts = BridgeHosts.loopback()) {
            mirrorScenario(hosts, 40561);
        }
    }

    @Test
    void acrossTwoNetworkNamespacesTheMirrorIsCompleteAndLossIsRepairedOrCounted() throws Exception {
        BridgeHosts.assumeNamespaces(BridgeHosts.namespacesUnavailable(),
                "1".equals(System.getenv("SHMTEL_REQUIRE_NETNS_TESTS")));
        try (BridgeHosts hosts = BridgeHosts.namespaces()) {
            mirrorScenario(hosts, 40562);
            lossScenario(hosts, 40563);
        }
    }

    @Test
    void aReceiverThatJoinsLateGetsTheSchemaFirstThenEverySample() throws Exception {
        try (BridgeHosts hosts = BridgeHosts.loopback()) {
            String to = hosts.addressB() + ":40568";
            BridgeHosts.Child publisher = hosts.onA("publisher", "pub", "counter", "--schema", BridgeHosts.SCHEMA,
                    "--rate", "" + RATE, "--count", "4000", "--pattern", "counter");
            BridgeHosts.Child sender = hosts.onA("sender", "bridge", "send", "--to", to, "counter");
            sender.awaitLog("sending [counter]", 20_000);
            CounterStream.sleep(2_000); // the sender has been sending (to nobody) for a while
            BridgeHosts.Child receiver = hosts.onB("late-receiver", "bridge", "receive", "--listen", to);
            try (CounterStream mirror = new CounterStream(hosts.dirB, "counter")) {
                mirror.readThrough(3999, 30_000, hosts::allLogs);
                assertThat(mirror.first).as("joined late").isPositive();
                assertThat(mirror.gaps).as("after the schema, every sample").isEmpty();
                assertThat(receiver.log()).contains("bridge receive: mirroring counter/counter of");
                System.out.println("BridgeTest: late receiver: first sample " + mirror.first + ", read " + mirror.read
                        + " in order through 3999");
            }
            assertThat(publisher.await(20)).isZero();
            sender.stop();
            receiver.stop();
        }
    }

    @Test
    void badOptionsAndAMissingTransportOrJvmFlagAreClearErrors() {
        CliTest.Result noTo = CliTest.run("bridge", "send", "arm");
        assertThat(noTo.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(noTo.err()).contains("where to? give --to HOST:PORT or --channel URI");
        CliTest.Result badTo = CliTest.run("bridge", "send", "--to", "planner", "arm");
        assertThat(badTo.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(badTo.err()).contains("--to \"planner\" is not HOST:PORT (e.g. 10.0.0.2:40456)");
        CliTest.Result badTarget = CliTest.run("bridge", "send", "--to", "10.0.0.2:40456", "arm/joint_state/x");
        assertThat(badTarget.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(badTarget.err()).contains("bad bridge target \"arm/joint_state/x\": expected REGION or "
                + "REGION/RECORD");
        CliTest.Result unmirrorable = CliTest.run("bridge", "send", "--to", "10.0.0.2:40456", "a".repeat(122) + "/r");
        assertThat(unmirrorable.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(unmirrorable.err()).contains("bridge target \"" + "a".repeat(122) + "/r\": the region's name is 122"
                + " characters, and a receiver names its statistics region NAME.bridge, over the 128 limit: no receiver"
                + " can mirror it; rename the region (at most 121 characters)");
        CliTest.Result both = CliTest.run("bridge", "receive", "--listen", "0.0.0.0:1", "--channel",
                "aeron:udp?endpoint=0.0.0.0:1");
        assertThat(both.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(both.err()).contains("give --channel or --listen, not both");
        CliTest.Result zenoh = CliTest.run("bridge", "receive", "--transport", "zenoh");
        assertThat(zenoh.code()).isEqualTo(ExitCodes.BRIDGE_FAILED);
        assertThat(zenoh.err()).contains("no bridge transport \"zenoh\" on the class path; available: [aeron]");
        // This test JVM runs without Aeron's flag, as every shmtel command but `bridge` does.
        CliTest.Result noFlag = CliTest.run("bridge", "receive", "--listen", "127.0.0.1:40565", "--duration", "1");
        assertThat(noFlag.code()).isEqualTo(ExitCodes.BRIDGE_FAILED);
        assertThat(noFlag.err()).contains("the Aeron transport needs the JVM flag --add-exports"
                + " java.base/jdk.internal.misc=ALL-UNNAMED", "bin/shmtel passes it to `shmtel bridge`");
    }

    @Test
    void aMirrorNameThatAnotherWriterOwnsIsRefusedAndItsRegionIsLeftAlone() throws Exception {
        try (BridgeHosts hosts = BridgeHosts.loopback();
                Publisher local = Publisher.create("counter",
                        LayoutCompiler.compile(SchemaParser.parse(
                                Path.of(BridgeHosts.SCHEMA))), ShmDirectory.options(hosts.dirB))) {
            String to = hosts.addressB() + ":40569";
            BridgeHosts.Child receiver = hosts.onB("receiver", "bridge", "receive", "--listen", to);
            receiver.awaitLog("receiving on", 20_000);
            BridgeHosts.Child sender = hosts.onA("sender", "bridge", "send", "--to", to, "counter");
            hosts.onA("publisher", "pub", "counter", "--schema", BridgeHosts.SCHEMA, "--rate", "100", "--count", "300");
            receiver.awaitLog("cannot mirror into counter: ", 30_000);
            assertThat(receiver.log()).contains("(another process writes it: choose another --prefix)");
            assertThat(receiver.process.isAlive()).as("the receiver goes on").isTrue();
            try (Region r = Region.open("counter", ShmDirectory.options(hosts.dirB))) {
                assertThat(r.writerPid()).as("the local writer keeps its region")
                        .isEqualTo((int) ProcessHandle.current().pid());
                assertThat(r.epoch()).isEqualTo(1);
            }
            sender.stop();
            receiver.stop();
        }
    }

    /**
     * A region whose mirror name (prefix + name, and its ".bridge" statistics region) would be over
     * the name limit: the receiver says once which name, why and the fix, and mirrors the others.
     */
    @Test
    void aRegionWhoseMirrorNameWouldBeTooLongIsRefusedOnceWithTheReasonAndTheRestIsMirrored() throws Exception {
        String longName = "r".repeat(118);
        try (BridgeHosts hosts = BridgeHosts.loopback()) {
            String to = hosts.addressB() + ":40571";
            BridgeHosts.Child receiver = hosts.onB("receiver", "bridge", "receive", "--listen", to, "--prefix",
                    "board.");
            receiver.awaitLog("receiving on", 20_000);
            BridgeHosts.Child sender = hosts.onA("sender", "bridge", "send", "--to", to, longName, "counter");
            hosts.onA("long", "pub", longName, "--schema", BridgeHosts.SCHEMA, "--rate", "100", "--count", "400");
            hosts.onA("short", "pub", "counter", "--schema", BridgeHosts.SCHEMA, "--rate", "100", "--count", "400");
            String refusal = "bridge receive: cannot mirror region " + longName + ": its name here, board." + longName
                    + ", is 124 characters (131 with .bridge for its statistics), over the 128 limit; use a --prefix of"
                    + " at most 3 characters (now 6)";
            receiver.awaitLog(refusal, 30_000);
            receiver.awaitLog("mirroring counter/counter of", 30_000);
            CounterStream.sleep(3_000); // the sender repeats its schema frames every second
            String log = receiver.log();
            assertThat(log.split(Pattern.quote(refusal), -1)).as(log).hasSize(2); // once
            assertThat(log).doesNotContain("Exception");
            assertThat(receiver.process.isAlive()).as("the receiver goes on").isTrue();
            sender.stop();
            receiver.stop();
        }
    }

    @Test
    void anAddressThatIsNotThisHostsIsExit15WithTheReason() throws Exception {
        try (BridgeHosts hosts = BridgeHosts.loopback()) {
            BridgeHosts.Child foreign = hosts.onB("foreign", "bridge", "receive", "--listen", "203.0.113.9:40566");
            assertThat(foreign.await(30)).as(foreign.log()).isEqualTo(ExitCodes.BRIDGE_FAILED);
            assertThat(foreign.log()).contains("shmtel bridge receive: cannot receive on "
                    + "aeron:udp?endpoint=203.0.113.9:40566");
            System.out.println("BridgeTest: foreign address: " + foreign.log().strip());
        }
    }

    @Test
    void aDeploymentsBridgesRunWithItInAChildProcessAndStopWithIt() throws Exception {
        try (BridgeHosts hosts = BridgeHosts.loopback()) {
            Path arm = Path.of("../schema/examples/arm.json").toAbsolutePath();
            Path board = hosts.logs.resolve("board.json");
            Files.writeString(board, """
                    { "deployment": "board", "directory": "%s", "removeRegionsOnExit": true,
                      "regions": [ { "name": "arm", "schema": "%s" } ],
                      "nodes": [ { "name": "board", "drivers": [ { "type": "sim-arm", "region": "arm", "rateHz": \
                    200 } ],
                                   "bridges": [ { "name": "out", "direction": "send", "to": "127.0.0.1:40567",
                                                  "targets": ["arm"] } ] } ] }
                    """.formatted(hosts.dirA, arm));
            Path planner = hosts.logs.resolve("planner.json");
            Files.writeString(planner, """
                    { "deployment": "planner", "directory": "%s", "removeRegionsOnExit": true,
                      "regions": [ { "name": "board.arm", "schema": "%s" } ],
                      "nodes": [ { "name": "planner",
                                   "bridges": [ { "name": "in", "direction": "receive", "listen": "127.0.0.1:40567",
                                                  "prefix": "board." } ],
                                   "subscribers": [ { "name": "arm-log", "region": "board.arm" } ] } ] }
                    """.formatted(hosts.dirB, arm));
            BridgeHosts.Child receiving = hosts.raw("run-planner", "run", planner.toString());
            BridgeHosts.Child sending = hosts.raw("run-board", "run", board.toString());
            receiving.awaitLog("arm-log LIVE joint_state", 40_000);
            try (Subscriber mirror = Subscriber.open("board.arm", "joint_state", ShmDirectory.options(hosts.dirB))) {
                assertThat(mirror.state()).isEqualTo(WriterState.LIVE);
                assertThat(mirror.region().writerPid()).as("a child of shmtel run writes the mirror")
                        .isNotEqualTo((int) receiving.process.pid());
            }
            assertThat(sending.stop()).isIn(0, 130, 143);
            assertThat(receiving.stop()).isIn(0, 130, 143);
            assertThat(receiving.log()).contains("bridge in: stopped; received");
            try (Stream<Path> left = Files.list(hosts.dirB)) {
                assertThat(left.map(p -> p.getFileName().toString()).toList()).as("mirrors removed on exit").isEmpty();
            }
        }
    }

    @Test
    void runGivesItsClasspathToTheBridgeProcessWhichParsesTheFileToo() throws Exception {
        try (BridgeHosts hosts = BridgeHosts.loopback()) {
            Path jar = RunClasspathTest.userJar(hosts.logs, "tank", "user-ramp");
            Path plant = hosts.logs.resolve("plant.json");
            int port;
            try (DatagramSocket s = new DatagramSocket(0)) {
                port = s.getLocalPort();
            }
            Files.writeString(plant, """
                    { "deployment": "plant", "directory": "%s", "removeRegionsOnExit": true,
                      "regions": [ { "name": "user.ramp", "schema": "%s" } ],
                      "nodes": [ { "name": "plant", "drivers": [ { "type": "user-ramp", "region": "user.ramp", \
                    "rateHz": 50 } ],
                                   "bridges": [ { "name": "out", "direction": "send", "to": "127.0.0.1:%d",
                                                  "targets": ["user.ramp"] } ] } ] }
                    """.formatted(hosts.dirA, Path.of("../schema/examples/status_flag.json").toAbsolutePath(), port));
            BridgeHosts.Child run = hosts.raw("run-plant", "run", "--classpath", jar.toString(), plant.toString());
            run.awaitLog("bridge out: sending [user.ramp]", 40_000); // the child parsed the file with the user type
            assertThat(run.stop()).isIn(0, 130, 143);
            assertThat(run.log()).doesNotContain("unknown driver type");
        }
    }

    /** Clean link: every sample in order; a new source epoch; a sender killed and restarted; a source writer killed. */
    private void mirrorScenario(BridgeHosts hosts, int port) throws Exception {
        String to = hosts.addressB() + ":" + port;
        BridgeHosts.Child receiver = hosts.onB("receiver", "bridge", "receive", "--listen", to);
        receiver.awaitLog("receiving on", 20_000);
        BridgeHosts.Child sender = hosts.onA("sender", "bridge", "send", "--to", to, "counter");
        sender.awaitLog("sending [counter]", 20_000);
        BridgeHosts.Child first = hosts.onA("publisher-1", "pub", "counter", "--schema", BridgeHosts.SCHEMA,
                "--rate", "" + RATE, "--count", "1500", "--pattern", "counter");
        try (CounterStream mirror = new CounterStream(hosts.dirB, "counter")) {
            // 1. A clean link: every sample, in order, none twice, none missing.
            mirror.readThrough(1499, 30_000, hosts::allLogs);
            assertThat(mirror.first).as("the stream from its first sample").isZero();
            assertThat(mirror.gaps).as("nothing lost").isEmpty();
            assertThat(mirror.read).isEqualTo(1500);
            assertThat(mirror.subscriber.lostSamples()).isZero();
            assertThat(mirror.subscriber.epoch()).as("the source's epoch").isEqualTo(sourceEpoch(hosts));
            assertThat(first.await(20)).isZero();
            mirror.awaitState(WriterState.CLOSED, 5_000, hosts::allLogs);
            Map<String, Object> stats = awaitStats(hosts, s -> "CLOSED".equals(s.get("remote_state"))
                    && ((Number) s.get("received")).longValue() == 1500);
            assertThat(stats).containsEntry("lost_link", 0L).containsEntry("lost_sender", 0L)
                    .containsEntry("source_epoch", 1L);
            System.out.println("BridgeTest " + hosts.addressB() + ": clean link, 1500 samples at " + RATE
                    + " Hz: " + stats);

            // 2. A new writer at the source (epoch 2) is a new epoch of the mirror; then the sender bridge
            //    is killed and restarted: the stream goes on in order, and what it missed is counted.
            BridgeHosts.Child second = hosts.onA("publisher-2", "pub", "counter", "--schema", BridgeHosts.SCHEMA,
                    "--rate", "" + RATE, "--count", "3000", "--pattern", "counter");
            mirror.readThrough(1500 + 500, 30_000, hosts::allLogs);
            assertThat(mirror.subscriber.epoch()).as("the mirror's epoch follows the source's").isEqualTo(2);
            int mirrorWriter;
            try (Region r = Region.open("counter", ShmDirectory.options(hosts.dirB))) {
                mirrorWriter = r.writerPid();
            }
            sender.kill();
            CounterStream.sleep(500);
            BridgeHosts.Child restarted = hosts.onA("sender-2", "bridge", "send", "--to", to, "counter");
            mirror.readThrough(4499, 40_000, hosts::allLogs);
            assertThat(second.await(20)).isZero();
            stats = awaitStats(hosts, s -> "CLOSED".equals(s.get("remote_state")) && (Long) s.get("source_epoch") == 2
                    && (Long) s.get("received") - 1500 + (Long) s.get("lost_sender") == 3000);
            assertThat(stats.get("lost_sender")).as("what the mirror missed is what the bridge reports (gaps "
                    + mirror.gaps + ")").isEqualTo(mirror.missing);
            assertThat(mirror.lostSinceFirst()).as("and what the mirror's reader counted lost")
                    .isEqualTo(mirror.missing);
            assertThat(stats).containsEntry("lost_link", 0L).containsEntry("source_epoch", 2L);
            try (Region r = Region.open("counter", ShmDirectory.options(hosts.dirB))) {
                assertThat(r.writerPid()).as("the receiver kept writing the mirror").isEqualTo(mirrorWriter);
                assertThat(r.epoch()).isEqualTo(2);
            }
            System.out.println("BridgeTest " + hosts.addressB() + ": epoch 2, sender killed and restarted: read "
                    + mirror.read + ", gaps " + mirror.gaps + ", stats " + stats);

            // 3. The source's writer dies: so does the mirror's (readers on B see WRITER_DEAD).
            BridgeHosts.Child third = hosts.onA("publisher-3", "pub", "counter", "--schema", BridgeHosts.SCHEMA,
                    "--rate", "" + RATE, "--pattern", "counter");
            mirror.readThrough(4500 + 200, 30_000, hosts::allLogs);
            assertThat(mirror.subscriber.epoch()).isEqualTo(3).isEqualTo(sourceEpoch(hosts));
            third.kill();
            mirror.awaitState(WriterState.WRITER_DEAD, 5_000, hosts::allLogs);
            restarted.stop();
            receiver.stop();
            assertThat(receiver.log()).contains("source of counter is WRITER_DEAD; so is the mirror");
        }
    }

    /** Loss on the link towards B: repaired by retransmission (default), or counted (--unreliable). */
    private void lossScenario(BridgeHosts hosts, int port) throws Exception {
        String to = hosts.addressB() + ":" + port;
        String applied = hosts.loseTowardsB(10);
        System.out.println("BridgeTest: loss on the link: " + applied);
        try {
            for (boolean reliable : new boolean[] {true, false}) {
                ShmDirectory.delete(hosts.dirB);
                Files.createDirectories(hosts.dirB);
                ShmDirectory.delete(hosts.dirA);
                Files.createDirectories(hosts.dirA);
                BridgeHosts.Child receiver = reliable ? hosts.onB("receiver-lossy", "bridge", "receive", "--listen", to)
                        : hosts.onB("receiver-unreliable", "bridge", "receive", "--listen", to, "--unreliable");
                receiver.awaitLog("receiving on", 20_000);
                BridgeHosts.Child sender = hosts.onA("sender-lossy", "bridge", "send", "--to", to, "counter");
                sender.awaitLog("sending [counter]", 20_000);
                sender.awaitLog("a receiver is connected", 30_000);
                // The issue's check: `echo --stream --check` on the mirror, as on the source, from its first sample.
                BridgeHosts.Child echo = reliable ? null : hosts.onB("echo-check", "echo", "counter/counter",
                        "--stream", "--check", "--timeout", "120");
                if (echo != null) {
                    echo.awaitLog("echo counter/counter: writer ", 30_000);
                }
                BridgeHosts.Child publisher = hosts.onA("publisher-lossy", "pub", "counter", "--schema",
                        BridgeHosts.SCHEMA, "--rate", "" + RATE, "--count", "3000", "--pattern", "counter");
                try (CounterStream mirror = new CounterStream(hosts.dirB, "counter")) {
                    long tail;
                    Map<String, Object> stats;
                    if (reliable) {
                        mirror.readThrough(2999, 60_000, hosts::allLogs);
                        assertThat(publisher.await(20)).isZero();
                        stats = awaitStats(hosts, s -> "CLOSED".equals(s.get("remote_state")));
                        tail = 0;
                    } else { // the last samples may be lost too: read what came, then count the tail
                        mirror.readThrough(100, 60_000, hosts::allLogs);
                        while (publisher.process.isAlive()) {
                            mirror.drain(300); // keeps reading while samples come (the ring must not lap this reader)
                        }
                        mirror.drain(1_000);
                        assertThat(publisher.await(5)).isZero();
                        stats = awaitStats(hosts, s -> "CLOSED".equals(s.get("remote_state")));
                        tail = 2999 - mirror.last;
                    }
                    long dropped = hosts.droppedByRule();
                    System.out.println("BridgeTest: 10% loss, " + (reliable ? "reliable" : "unreliable") + ": read "
                            + mirror.read + " of 3000, first " + mirror.first + ", " + mirror.gaps.size() + " gaps ("
                            + mirror.missing + " samples), " + tail + " lost at the end, packets dropped on the link "
                            + dropped + ", stats " + stats);
                    assertThat(dropped).as("the rule dropped packets").isNotZero();
                    if (reliable) {
                        assertThat(mirror.gaps).as("every loss repaired").isEmpty();
                        assertThat(stats).containsEntry("lost_link", 0L);
                        assertThat((Long) stats.get("repairs")).as("repairs counted (NAKs sent)").isPositive();
                    } else {
                        assertThat(mirror.missing).as("loss happened").isPositive();
                        assertThat((Long) stats.get("lost_link") + (Long) stats.get("lost_sender"))
                                .as("every missing sample is counted").isEqualTo(mirror.missing + tail);
                        assertThat((Long) stats.get("lost_link")).isPositive();
                        assertThat(mirror.lostSinceFirst()).as("the mirror's reader counts each gap lost")
                                .isEqualTo(mirror.missing);
                        echoChecks(echo, mirror.last);
                    }
                }
                sender.stop();
                receiver.stop();
            }
        } finally {
            hosts.clearLoss();
        }
    }

    private static final Pattern ECHO_CHECKED = Pattern.compile(
            "echo counter/counter: all (\\d+) samples checked followed the counter pattern");
    private static final Pattern ECHO_LOST = Pattern.compile("echo counter/counter: (\\d+) samples lost");

    /**
     * Stops {@code echo --stream --check} on the mirror (started before the mirror had a sample, so it
     * read from sample 0) once it read through source sample {@code last}: every sample it printed
     * followed the counter pattern at its own index, and what it did not print it counted lost.
     */
    private static void echoChecks(BridgeHosts.Child echo, long last) throws Exception {
        String lastLine = "counter #" + last + " t=";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!echo.log().contains(lastLine) && System.nanoTime() - deadline < 0) {
            CounterStream.sleep(100);
        }
        echo.stop();
        String log = echo.log();
        var checked = ECHO_CHECKED.matcher(log);
        var lost = ECHO_LOST.matcher(log);
        assertThat(checked.find()).as("echo's verdict (after " + lastLine + "):\n" + tail(log)).isTrue();
        assertThat(lost.find()).as("echo counted lost samples:\n" + tail(log)).isTrue();
        long printed = Long.parseLong(checked.group(1));
        long lostCount = Long.parseLong(lost.group(1));
        System.out.println("BridgeTest: echo --stream --check on the mirror: " + printed + " samples checked, "
                + lostCount + " lost, through sample " + last);
        assertThat(log).doesNotContain("did not follow the counter pattern");
        assertThat(lostCount).isPositive();
        assertThat(printed + lostCount).as("every index from 0 through " + last + " printed or counted lost")
                .isEqualTo(last + 1);
    }

    private static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 2_000));
    }

    /** The source region's writer epoch on host A. */
    private static long sourceEpoch(BridgeHosts hosts) {
        try (Region r = Region.open("counter", ShmDirectory.options(hosts.dirA))) {
            return r.epoch();
        }
    }

    /** The newest sample of the mirror's link statistics (counter.bridge) once {@code until} holds. */
    private static Map<String, Object> awaitStats(BridgeHosts hosts, Predicate<Map<String, Object>> until) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Map<String, Object> last = Map.of();
        try (Subscriber s = Subscriber.open("counter.bridge", "link", ShmDirectory.options(hosts.dirB))) {
            while (System.nanoTime() - deadline < 0) {
                if (s.record() == null) {
                    s.state();
                } else {
                    DynamicView view = new DynamicView(s.record());
                    if (s.latest(view)) {
                        last = new LinkedHashMap<>();
                        for (var f : view.fields()) {
                            last.put(f.name(), view.value(f.name()));
                        }
                        if (until.test(last)) {
                            return last;
                        }
                    }
                }
                CounterStream.sleep(100);
            }
        }
        throw new AssertionError("link statistics did not reach the expected state in 15 s; last: " + last + "\n"
                + hosts.allLogs());
    }
}
