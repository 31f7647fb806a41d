package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shmtel.core.NodeTools;
import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.tools.mcap.McapReader;
import io.shmtel.tools.mcap.McapWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** record -> MCAP -> (an independent reader, @mcap/core) -> replay, with equal values at the end. */
class McapRecordReplayTest {
    static final Layout ALL_TYPES =
            LayoutCompiler.compile(SchemaParser.parse(Path.of("../schema/examples/all_types.json")));
    static final RecordLayout EVERY = ALL_TYPES.record("every_type").orElseThrow();
    Path dir;

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
    }

    @AfterEach
    void removeDir() throws IOException {
        ShmDirectory.delete(dir);
    }

    CliTest.Result shmtel(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--dir=" + dir));
        all.addAll(List.of(args));
        return CliTest.run(all.toArray(String[]::new));
    }

    /** Publishes the counter pattern at 200 Hz until stopped. */
    static Thread publisher(Publisher publisher, AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            RingWriter sink = publisher.sink("every_type");
            DynamicWriter w = new DynamicWriter(sink, EVERY);
            long start = System.nanoTime();
            for (long k = 0; !stop.get(); k++) {
                while (System.nanoTime() < start + k * 5_000_000L) {
                    LockSupport.parkNanos(200_000);
                }
                CounterPattern.fill(w, sink.nextSampleIndex());
                w.commit();
            }
        }, "test-publisher");
        t.start();
        return t;
    }

    /** Ctrl-C or SIGTERM stops a replay quietly and leaves its regions CLOSED (the publishers' shutdown hook). */
    @Test
    void aReplayStoppedBySigtermLeavesItsRegionsClosed() throws Exception {
        Path file = dir.resolve("short.mcap");
        AtomicBoolean stop = new AtomicBoolean();
        try (Publisher publisher = Publisher.create("types", ALL_TYPES, ShmDirectory.options(dir))) {
            Thread writer = publisher(publisher, stop);
            try {
                CliTest.Result record = shmtel("record", "types/every_type", "-o", file.toString(), "--duration",
                        "0.3");
                assertThat(record.code()).as(record.err()).isZero();
            } finally {
                stop.set(true);
                writer.join();
            }
        }
        Process replay = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                        ShmtelCli.class.getName(),
                "replay", "--dir=" + dir, file.toString(), "--loop", "--region-prefix", "again.")
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(replay.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine()).startsWith("replaying ");
            Thread.sleep(300);
            new ProcessBuilder("kill", "-TERM", Long.toString(replay.pid())).start().waitFor(10, TimeUnit.SECONDS);
            assertThat(replay.waitFor(20, TimeUnit.SECONDS)).as("replay stops on SIGTERM").isTrue();
            String rest = new String(replay.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).as("replay's output after SIGTERM").doesNotContain("Exception", "closed");
            try (Region region = Region.open("again.types",
                    ShmDirectory.options(dir))) {
                assertThat(region.writerState(5)).isEqualTo(WriterState.CLOSED);
            }
        } finally {
            replay.destroyForcibly();
            replay.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRecordingReplaysWithEqualValuesAndOpensInAnIndependentReader() throws Exception {
        Path file = dir.resolve("run.mcap");
        RegionOptions options = ShmDirectory.options(dir);
        AtomicBoolean stop = new AtomicBoolean();
        try (Publisher publisher = Publisher.create("types", ALL_TYPES, options)) {
            Thread writer = publisher(publisher, stop);
            try {
                CliTest.Result record = shmtel("record", "types/every_type", "-o", file.toString(), "--duration", "1");
                assertThat(record.code()).as(record.err()).isZero();
                assertThat(record.err()).contains("recording 1 channel into " + file + " for 1.0 s", "recorded ");
            } finally {
                stop.set(true);
                writer.join();
            }
        }

        // Our reader: every recorded message is one whole sample (the counter pattern survives JSON).
        McapReader.Contents contents = McapReader.read(file);
        List<McapReader.Message> messages = contents.messages();
        assertThat(messages.size()).as("about 200 samples in one second").isBetween(100, 260);
        McapReader.Channel channel = contents.channels().values().iterator().next();
        assertThat(channel.topic()).isEqualTo("types/every_type");
        assertThat(channel.metadata()).containsEntry("shmtel.record", "every_type").containsKey("shmtel.schema");
        assertThat(contents.schemas().get(channel.schemaId()).encoding()).isEqualTo("jsonschema");
        ObjectMapper json = new ObjectMapper();
        ByteBuffer region = ByteBuffer.allocateDirect((int) ALL_TYPES.regionLength()).order(ByteOrder.LITTLE_ENDIAN);
        RingWriter ring = new RingWriter(region, RingGeometry.of(EVERY));
        DynamicWriter decode = new DynamicWriter(ring, EVERY);
        RingReader reader = new RingReader(region, RingGeometry.of(EVERY));
        ByteBuffer snapshot = ByteBuffer.allocate(EVERY.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        DynamicView view = new DynamicView(EVERY);
        long previous = -1;
        for (McapReader.Message m : messages) {
            JsonNode node = json.readTree(m.data());
            ReplayCommand.fill(decode, EVERY, node);
            decode.commit();
            reader.readLatest(snapshot);
            view.wrap(snapshot, 0);
            long k = node.get("ticks").longValue();
            assertThat(k).as("recorded in order").isGreaterThan(previous);
            previous = k;
            assertThat(m.sequence()).isEqualTo(k);
            // the counter pattern of sample k, after the JSON round trip
            assertThat(view.integer(view.field("ticks"), 0)).isEqualTo(k);
            assertThat(view.text(view.field("label"))).isEqualTo(Long.toString(k));
            assertThat(view.number(view.field("doubles"), 1)).isEqualTo((double) k);
            assertThat(view.integer(view.field("small"), 0)).isEqualTo((byte) k);
            assertThat(view.integer(view.field("mask"), 0)).isEqualTo(k & 0xFFFF_FFFFL);
        }

        // Replay into new regions and compare the last sample with the last recorded message, field by field.
        try (Subscriber replayed = Subscriber.open("again.types", "every_type", ALL_TYPES, options)) {
            CompletableFuture<CliTest.Result> replay = CompletableFuture.supplyAsync(
                    () -> shmtel("replay", file.toString(), "--region-prefix", "again.", "--rate", "2"));
            DynamicView got = new DynamicView(EVERY);
            List<Long> replayedTicks = new ArrayList<>();
            // Read until replay is done and nothing is left; the region appears only once replay creates it.
            while (!replay.isDone() || replayed.poll(got) && replayedTicks.add(got.integer(got.field("ticks"), 0))) {
                if (replayed.poll(got)) {
                    replayedTicks.add(got.integer(got.field("ticks"), 0));
                } else {
                    Thread.onSpinWait();
                }
            }
            CliTest.Result result = replay.get(60, TimeUnit.SECONDS);
            assertThat(result.code()).as(result.err()).isZero();
            assertThat(result.err()).contains("replay [##########] 100 %");
            List<Long> recordedTicks = messages.stream().map(m -> readTicks(json, m)).toList();
            assertThat(replayedTicks.size()).as("samples read after attaching").isGreaterThan(recordedTicks.size() / 2);
            // A reader descheduled on a busy 2-core machine may be lapped: it must then count what it missed, exactly.
            List<Long> tail = recordedTicks.subList(recordedTicks.indexOf(replayedTicks.get(0)), recordedTicks.size());
            // Samples written between the region's creation and this reader's first look count as lost too
            // (it waited for the region from its start), so read + lost lies between the tail and the whole file.
            assertThat(replayedTicks.size() + replayed.lostSamples()).as("read + lost once attached, %d lost",
                    replayed.lostSamples()).isBetween((long) tail.size(), (long) recordedTicks.size());
            assertThat(tail).as("the replayed values are the recording's, in order, to the end")
                    .containsSubsequence(replayedTicks);
            assertThat(replayedTicks.get(replayedTicks.size() - 1)).isEqualTo(tail.get(tail.size() - 1));
            JsonNode last = json.readTree(messages.get(messages.size() - 1).data());
            StringBuilder sb = got.appendJsonFields(new StringBuilder("{")).append('}');
            assertThat(json.readTree(sb.toString())).isEqualTo(last);
        }

        // An independent reader, Foxglove's @mcap/core, opens the file through its index and checks its CRCs.
        JsonNode check = json.readTree(nodeCheck(file));
        assertThat(check.get("indexedMessages").asInt()).isEqualTo(messages.size());
        assertThat(check.get("statisticsMessages").asInt()).isEqualTo(messages.size());
        assertThat(check.get("topic").asText()).isEqualTo("types/every_type");
        assertThat(check.get("encoding").asText()).isEqualTo("json");
        assertThat(check.get("schemaEncoding").asText()).isEqualTo("jsonschema");
        assertThat(check.get("schemaTitle").asText()).isEqualTo("all_types.every_type");
        // JavaScript writes 8.0 as 8: compare numbers as numbers.
        Comparator<JsonNode> numeric = (a, b) -> a.isNumber() && b.isNumber()
                ? Double.compare(a.doubleValue(), b.doubleValue()) : a.equals(b) ? 0 : 1;
        assertThat(check.get("first").equals(numeric, json.readTree(messages.get(0).data())))
                .as("first message as @mcap/core decodes it: %s", check.get("first")).isTrue();
        System.out.println("@mcap/core: " + check);
    }

    /** A record annotated with well-known mappings (issue 27). */
    static final Layout ROBOT = LayoutCompiler.compile(SchemaParser.parse("""
            {"schema": "robot", "version": 1, "records": [{"name": "arm", "depth": 16, "fields": [
              {"name": "angles", "type": "f64", "count": 2}, {"name": "ranges", "type": "f32", "count": 4},
              {"name": "frame", "type": "string", "length": 8}],
             "wellKnown": [
              {"type": "sensor_msgs/JointState", "frame_id": {"field": "frame"}, "name": ["j1", "j2"],
               "position": "angles"},
              {"type": "foxglove.FrameTransforms", "transforms": [
                {"parent_frame_id": "world", "child_frame_id": "base", "translation": [0, 0, 0.5]},
                {"parent_frame_id": "base", "child_frame_id": {"field": "frame"}, "translation": {"x": "angles[0]",
                 "y": "angles[1]", "z": 0}}]},
              {"type": "foxglove.LaserScan", "frame_id": "base", "start_angle": -1, "end_angle": 1,
               "ranges": "ranges"}]}]}
            """, "robot.json"));
    static final Map<String, String> DERIVED = Map.of("JointState", "sensor_msgs/msg/JointState",
            "FrameTransforms", "foxglove.FrameTransforms", "LaserScan", "foxglove.LaserScan");

    /** Writes the robot's record at 200 Hz until stopped: sample k has angles k/100, k/100 + 1, frame "tool". */
    static Thread robot(Publisher publisher, AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            RecordLayout arm = ROBOT.record("arm").orElseThrow();
            DynamicWriter w = new DynamicWriter(publisher.sink("arm"), arm);
            long start = System.nanoTime();
            for (long k = 0; !stop.get(); k++) {
                while (System.nanoTime() < start + k * 5_000_000L) {
                    LockSupport.parkNanos(200_000);
                }
                w.setDouble(w.field("angles"), 0, k / 100.0).setDouble(w.field("angles"), 1, k / 100.0 + 1);
                for (int i = 0; i < 4; i++) {
                    w.setDouble(w.field("ranges"), i, i + 1);
                }
                w.setText(w.field("frame"), "tool").commit();
            }
        }, "test-robot");
        t.start();
        return t;
    }

    /** The well-known channels of a recording: checked by our reader and @mcap/core; returns the raw messages. */
    static long checkWellKnown(Path file, String region) throws Exception {
        McapReader.Contents contents = McapReader.read(file);
        Map<String, McapReader.Channel> byTopic = new HashMap<>();
        contents.channels().values().forEach(c -> byTopic.put(c.topic(), c));
        assertThat(byTopic.keySet()).containsExactlyInAnyOrder(region + "/arm", region + "/arm/JointState",
                region + "/arm/FrameTransforms", region + "/arm/LaserScan");
        Map<Integer, Long> counts = new HashMap<>();
        contents.messages().forEach(m -> counts.merge(m.channelId(), 1L, Long::sum));
        long raw = counts.get(byTopic.get(region + "/arm").id());
        assertThat(raw).isPositive();
        for (Map.Entry<String, String> e : DERIVED.entrySet()) {
            McapReader.Channel c = byTopic.get(region + "/arm/" + e.getKey());
            assertThat(contents.schemas().get(c.schemaId()).name()).isEqualTo(e.getValue());
            assertThat(contents.schemas().get(c.schemaId()).encoding()).isEqualTo("jsonschema");
            assertThat(c.messageEncoding()).isEqualTo("json");
            assertThat(c.metadata()).containsKey("shmtel.wellKnown").doesNotContainKey("shmtel.schema");
            assertThat(counts.get(c.id())).as("one message per sample").isEqualTo(raw);
        }
        JsonNode check = new ObjectMapper().readTree(nodeCheck(file));
        System.out.println("@mcap/core, well-known channels: " + check.get("channels"));
        for (Map.Entry<String, String> e : DERIVED.entrySet()) {
            JsonNode c = check.get("channels").get(region + "/arm/" + e.getKey());
            assertThat(c.get("schemaName").asText()).isEqualTo(e.getValue());
            assertThat(c.get("schemaEncoding").asText()).isEqualTo("jsonschema");
            assertThat(c.get("validated").asLong()).as("messages valid against Foxglove's schema").isEqualTo(raw);
            assertThat(c.get("publishedStructure").asBoolean()).as("the schema has @foxglove/schemas' structure")
                    .isEqualTo(e.getValue().startsWith("foxglove."));
        }
        JsonNode tf = check.get("channels").get(region + "/arm/FrameTransforms").get("last").get("transforms");
        assertThat(tf.get(1).get("child_frame_id").asText()).isEqualTo("tool");
        JsonNode joints = check.get("channels").get(region + "/arm/JointState").get("last");
        assertThat(joints.get("position").get(1).asDouble() - joints.get("position").get(0).asDouble())
                .isEqualTo(1.0, offset(1e-9));
        return raw;
    }

    @Test
    void wellKnownChannelsAreRecordedBesideTheRecordAndComeBackAfterReplay() throws Exception {
        Path file = dir.resolve("robot.mcap");
        RegionOptions options = ShmDirectory.options(dir);
        AtomicBoolean stop = new AtomicBoolean();
        try (Publisher publisher = Publisher.create("robot", ROBOT, options)) {
            Thread writer = robot(publisher, stop);
            try {
                CliTest.Result record = shmtel("record", "robot", "-o", file.toString(), "--duration", "0.5");
                assertThat(record.code()).as(record.err()).isZero();
                assertThat(record.err()).contains("recording 1 channel (and 3 well-known) into " + file);
            } finally {
                stop.set(true);
                writer.join();
            }
        }
        long recorded = checkWellKnown(file, "robot");

        // Replay republishes the record only (the regions carry the mappings); a second record derives them again.
        Path again = dir.resolve("again.mcap");
        CompletableFuture<CliTest.Result> replay = CompletableFuture.supplyAsync(
                () -> shmtel("replay", file.toString(), "--region-prefix", "again.", "--rate", "0.25"));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(dir.resolve("shmtel.again.robot")) && !replay.isDone() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        CliTest.Result record = shmtel("record", "again.robot", "-o", again.toString(), "--duration", "0.5");
        assertThat(record.code()).as(record.err()).isZero();
        CliTest.Result replayed = replay.get(60, TimeUnit.SECONDS);
        assertThat(replayed.code()).as(replayed.err()).isZero();
        assertThat(replayed.err()).contains("replay: 3 well-known channels", "robot/arm/JointState",
                "derived from the recorded records, not replayed").doesNotContain("skipping channel");
        assertThat(replayed.err()).as("the progress counts the replayed samples, not the derived messages")
                .contains("replaying " + recorded + " samples", "replay [##########] 100 % (" + recorded + " of "
                        + recorded + ")");
        assertThat(checkWellKnown(again, "again.robot")).as("samples recorded from the replay").isPositive();
    }

    @Test
    void aLargeFileHasSeveralIndexedChunksThatBothReadersFollow() throws Exception {
        Path file = dir.resolve("big.mcap");
        int count = 40_000;
        try (McapWriter w = new McapWriter(file, "test")) {
            int schema = w.addSchema("t.r", "jsonschema", "{\"type\":\"object\"}".getBytes(StandardCharsets.UTF_8));
            int a = w.addChannel(schema, "a", "json", Map.of("k", "v"));
            int b = w.addChannel(schema, "b", "json", Map.of());
            for (int i = 0; i < count; i++) {
                byte[] data = ("{\"i\":" + i + ",\"pad\":\"" + "x".repeat(40) + "\"}").getBytes(StandardCharsets.UTF_8);
                w.addMessage(i % 2 == 0 ? a : b, i, 1_000_000_000L + i, 1_000_000_000L + i, data, data.length);
            }
        }
        McapReader.Contents contents = McapReader.read(file);
        assertThat(contents.messages()).hasSize(count);
        assertThat(contents.channels().get(0).metadata()).containsEntry("k", "v");
        assertThat(contents.messages().get(count - 1).sequence()).isEqualTo(count - 1);
        JsonNode check = new ObjectMapper().readTree(nodeCheck(file));
        assertThat(check.get("indexedMessages").asInt()).isEqualTo(count);
        assertThat(check.get("chunks").asInt()).isGreaterThan(1);
        assertThat(check.get("streamRecords").get("MessageIndex").asInt()).isEqualTo(2 * check.get("chunks").asInt());
    }

    /** Runs the @mcap/core check script (installing the package once) and returns its JSON line. */
    static String nodeCheck(Path file) throws IOException, InterruptedException {
        Path js = NodeTools.install(Path.of("src/test/resources/mcap"), Path.of("target/mcap-js"));
        NodeTools.Result check = NodeTools.run(js, 120, "node", "check.mjs", file.toAbsolutePath().toString());
        assertThat(check.code()).as(check.output()).isZero();
        return check.lines().get(check.lines().size() - 1);
    }

    @Test
    void aTruncatedFileIsRefusedWithTheReason() throws IOException {
        Path file = dir.resolve("cut.mcap");
        Files.write(file, new byte[] {(byte) 0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n', 1, 2, 3, 4, 5, 6, 7, 8, 9});
        CliTest.Result replay = shmtel("replay", file.toString());
        assertThat(replay.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(replay.err()).contains("no MCAP magic at the end: the file is truncated");
        Files.writeString(file, "hello");
        assertThat(shmtel("replay", file.toString()).err()).contains("not an MCAP file");
    }

    static long readTicks(ObjectMapper json, McapReader.Message m) {
        try {
            return json.readTree(m.data()).get("ticks").longValue();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
