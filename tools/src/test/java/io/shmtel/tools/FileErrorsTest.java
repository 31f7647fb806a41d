package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.shmtel.core.Publisher;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.tools.mcap.McapReader;
import io.shmtel.tools.mcap.McapWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The file input/output error paths of record, replay, validate and run: every failure is one
 * clear line with the path and the reason and a documented exit code, never a stack trace.
 */
class FileErrorsTest {
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

    static void assertNoStackTrace(CliTest.Result r) {
        assertThat(r.err()).doesNotContain("Exception", "\tat ", "internal error");
    }

    /** Runs {@code body} with a region "types" published at 200 Hz. */
    void withPublisher(ThrowingRunnable body) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (Publisher publisher = Publisher.create("types", McapRecordReplayTest.ALL_TYPES,
                ShmDirectory.options(dir))) {
            Thread writer = McapRecordReplayTest.publisher(publisher, stop);
            try {
                body.run();
            } finally {
                stop.set(true);
                writer.join();
            }
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    // ------------------------------------------------------------------ item 1: missing paths

    @Test
    void recordIntoAMissingDirectoryExits3WithThePathAndTheReason() throws Exception {
        withPublisher(() -> {
            Path out = dir.resolve("no/such/dir/x.mcap");
            CliTest.Result r = shmtel("record", "types", "-o", out.toString(), "--duration", "0.2");
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.IO_ERROR);
            assertThat(r.err()).contains("shmtel record: cannot write " + out + ": no such directory");
            assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
            assertNoStackTrace(r);
        });
    }

    @Test
    void recordIntoADirectoryExits3WithThePathAndTheReason() throws Exception {
        withPublisher(() -> {
            Path out = Files.createDirectory(dir.resolve("out"));
            CliTest.Result r = shmtel("record", "types", "-o", out.toString(), "--duration", "0.2");
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.IO_ERROR);
            assertThat(r.err()).contains("shmtel record: cannot write " + out + ": is a directory");
            assertNoStackTrace(r);
        });
    }

    @Test
    void replayOfAMissingFileExits2LikeAMissingSchema() {
        Path in = dir.resolve("nonexistent.mcap");
        CliTest.Result r = shmtel("replay", in.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.err()).isEqualTo("shmtel replay: " + in + ": no such file: check the path\n");
        CliTest.Result d = shmtel("replay", dir.toString());
        assertThat(d.code()).as(d.err()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(d.err()).contains(dir + ": is a directory");
        assertNoStackTrace(d);
    }

    // ------------------------------------------------------------------ item 2: a full file system

    static final Pattern PROGRESS = Pattern.compile("recording: \\d+ samples, ([\\d.]+) (B|KiB|MiB) written");

    @Test
    void recordOntoAFullFileSystemStopsWithExit3AndKeepsAReadableFile() throws Exception {
        Path mount = Files.createTempDirectory("shmtel-full");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String why = new String(p.getInputStream().readAllBytes()).trim();
        boolean mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!mounted) {
            Files.delete(mount);
        }
        Assumptions.assumeTrue(mounted, "cannot mount a small tmpfs (needs root and CAP_SYS_ADMIN): " + why);
        try {
            withPublisher(() -> {
                Path out = mount.resolve("run.mcap");
                CliTest.Result r = shmtel("record", "types", "-o", out.toString(), "--duration", "60");
                assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.IO_ERROR);
                assertNoStackTrace(r);
                assertThat(r.err()).contains("shmtel record: cannot write " + out + ": No space left on device");
                // Progress lines count what the file holds, never more than fits.
                Matcher m = PROGRESS.matcher(r.err());
                while (m.find()) {
                    double kib = Double.parseDouble(m.group(1)) * switch (m.group(2)) {
                        case "B" -> 1.0 / 1024;
                        case "KiB" -> 1;
                        default -> 1024;
                    };
                    assertThat(kib).as(m.group()).isLessThanOrEqualTo(256);
                }
                // What was written before stays a readable MCAP, and the message says how much of it.
                McapReader.Contents kept = McapReader.read(out);
                assertThat(r.err()).contains("the file keeps the " + kept.messages().size()
                        + " samples written before the failure (" + Files.size(out) + " bytes), a readable MCAP");
                assertThat(kept.messages().size()).as("a second of samples fits in 256 KiB").isGreaterThan(0);
            });
        } finally {
            // A file left open (a bug) keeps the mount busy: detach it lazily rather than leave it behind.
            if (new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor() != 0) {
                new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
            }
            Files.delete(mount);
        }
    }

    @Test
    void recordIntoDevFullExits3WithTheOsReason() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")), "no /dev/full on this system");
        withPublisher(() -> {
            CliTest.Result r = shmtel("record", "types", "-o", "/dev/full", "--duration", "30");
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.IO_ERROR);
            assertThat(r.err()).contains("shmtel record: cannot write /dev/full: No space left on device",
                    "the file is not a finished MCAP");
            assertNoStackTrace(r);
        });
    }

    // ------------------------------------------------------------------ item 3: damaged files

    /** Positions of interest in a recording: the first chunk's first message, its length, the summary. */
    record Layout(int chunk, int chunkLength, int firstMessage, int messageLength, int channelTopic, int summary) {}

    static Layout layout(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int chunk = -1;
        int channel = -1;
        int at = 8;
        while (chunk < 0 || channel < 0) {
            int op = file[at] & 0xFF;
            long length = b.getLong(at + 1);
            if (op == 0x06 && chunk < 0) {
                chunk = at;
            } else if (op == 0x04 && channel < 0) {
                channel = at;
            }
            at += 9 + (int) length;
        }
        int records = chunk + 9 + 8 + 8 + 8 + 4 + 4 + 8; // compression "" is 4 bytes of length
        assertThat(file[records]).as("a message first in the chunk").isEqualTo((byte) 0x05);
        int footer = file.length - 8 - 29;
        assertThat(file[footer]).as("the footer").isEqualTo((byte) 0x02);
        int summary = (int) b.getLong(footer + 9);
        return new Layout(chunk, chunk + 1, records, records + 1, channel + 9 + 2 + 2 + 4, summary);
    }

    @Test
    void aDamagedRecordingIsRefusedWithTheOffsetBeforeAnythingIsPublished() throws Exception {
        Path file = dir.resolve("run.mcap");
        withPublisher(() -> {
            CliTest.Result r = shmtel("record", "types", "-o", file.toString(), "--duration", "0.5");
            assertThat(r.code()).as(r.err()).isZero();
        });
        byte[] good = Files.readAllBytes(file);
        Layout l = layout(good);
        assertThat(McapReader.read(file).messages()).isNotEmpty();
        record Flip(String what, int offset, int mask, String expected) {}
        List<Flip> flips = List.of(
                new Flip("a byte of the first message's JSON", l.firstMessage() + 9 + 22 + 3, 0x01,
                        "chunk at byte " + l.chunk() + ": CRC"),
                new Flip("a message's length", l.messageLength(), 0x02, "chunk at byte " + l.chunk() + ": CRC"),
                new Flip("the chunk's length", l.chunkLength(), 0x10, "byte "),
                new Flip("the chunk's length high byte", l.chunkLength() + 6, 0x40, "runs past the end"),
                new Flip("the channel's topic", l.channelTopic(), 0x20, "data section CRC"),
                new Flip("a summary byte", l.summary() + 12, 0x01, "summary CRC"));
        int n = 0;
        for (Flip f : flips) {
            byte[] bad = good.clone();
            bad[f.offset()] ^= (byte) f.mask();
            Path damaged = dir.resolve("damaged" + n + ".mcap");
            Files.write(damaged, bad);
            String prefix = "flip" + n + ".";
            CliTest.Result r = shmtel("replay", damaged.toString(), "--region-prefix", prefix, "--rate", "100");
            assertThat(r.code()).as(f.what() + ": " + r.err()).isEqualTo(ExitCodes.INVALID_INPUT);
            assertThat(r.err()).as(f.what()).startsWith("shmtel replay: " + damaged + ": ").contains(f.expected())
                    .doesNotContain("replay [");
            assertThat(r.err().lines().count()).as(f.what() + ": " + r.err()).isEqualTo(1);
            assertNoStackTrace(r);
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).as(f.what() + ": no region created")
                        .noneMatch(name -> name.contains(prefix));
            }
            n++;
        }
    }

    @Test
    void everySingleBitFlipOfARecordingIsFoundAndNothingButAFormatErrorEscapes() throws IOException {
        Path file = dir.resolve("small.mcap");
        try (McapWriter w = new McapWriter(file, "test")) {
            int schema = w.addSchema("t.r", "jsonschema", "{\"type\":\"object\"}".getBytes());
            int a = w.addChannel(schema, "a", "json", Map.of("k", "v"));
            int b = w.addChannel(schema, "b", "json", Map.of());
            for (int i = 0; i < 40; i++) {
                byte[] data = ("{\"i\":" + i + "}").getBytes();
                w.addMessage(i % 2 == 0 ? a : b, i, 1_000 + i, 1_000 + i, data, data.length);
                if (i == 20) {
                    w.flush(); // two chunks
                }
            }
        }
        byte[] good = Files.readAllBytes(file);
        assertThat(McapReader.read(file, good).messages()).hasSize(40);
        List<String> undetected = new ArrayList<>();
        for (int at = 0; at < good.length; at++) {
            for (int mask : new int[] {0x01, 0x80}) {
                byte[] bad = good.clone();
                bad[at] ^= (byte) mask;
                try {
                    McapReader.read(file, bad);
                    undetected.add("0x" + Integer.toHexString(mask) + " at byte " + at);
                } catch (McapReader.McapFormatException expected) {
                    assertThat(expected.getMessage()).startsWith(file + ": ");
                }
            }
        }
        assertThat(undetected).as("every flip of %d bytes is found by a CRC or a length check", good.length).isEmpty();
    }

    @Test
    void withoutCrcsEveryFlipIsReadOrRefusedByTheLengthChecksNeverAnotherException() throws IOException {
        Path file = dir.resolve("nocrc.mcap");
        try (McapWriter w = new McapWriter(file, "test")) {
            int schema = w.addSchema("t.r", "jsonschema", "{}".getBytes());
            int a = w.addChannel(schema, "a", "json", Map.of("k", "v"));
            for (int i = 0; i < 10; i++) {
                byte[] data = ("{\"i\":" + i + "}").getBytes();
                w.addMessage(a, i, i, i, data, data.length);
            }
        }
        // As writers that compute no CRCs leave them (0 = none): only the lengths protect the reader.
        byte[] good = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 8; ; ) {
            int op = good[at] & 0xFF;
            if (op == 0x06) {
                b.putInt(at + 9 + 24, 0);
            } else if (op == 0x0F) {
                b.putInt(at + 9, 0);
                break;
            }
            at += 9 + (int) b.getLong(at + 1);
        }
        b.putInt(good.length - 12, 0);
        assertThat(McapReader.read(file, good).messages()).hasSize(10);
        List<String> escaped = new ArrayList<>();
        for (int at = 0; at < good.length; at++) {
            for (int mask : new int[] {0x01, 0x80, 0xFF}) {
                byte[] bad = good.clone();
                bad[at] ^= (byte) mask;
                try {
                    McapReader.read(file, bad);
                } catch (McapReader.McapFormatException expected) {
                    // refused with the offset
                } catch (RuntimeException e) {
                    escaped.add("0x" + Integer.toHexString(mask) + " at byte " + at + ": " + e);
                }
            }
        }
        assertThat(escaped).as("flips that escaped as another exception").isEmpty();
    }

    @Test
    void aMessageThatIsNotJsonIsRefusedBeforeAnythingIsPublished() throws Exception {
        Path file = dir.resolve("run.mcap");
        withPublisher(() -> assertThat(shmtel("record", "types", "-o", file.toString(), "--duration", "0.5").code())
                .isZero());
        McapReader.Contents contents = McapReader.read(file);
        McapReader.Channel channel = contents.channels().values().iterator().next();
        Path bad = dir.resolve("bad.mcap");
        try (McapWriter w = new McapWriter(bad, "test")) {
            McapReader.Schema s = contents.schemas().get(channel.schemaId());
            int schema = w.addSchema(s.name(), s.encoding(), s.data());
            int id = w.addChannel(schema, channel.topic(), "json", channel.metadata());
            for (McapReader.Message m : contents.messages()) {
                w.addMessage(id, m.sequence(), m.logTimeNs(), m.publishTimeNs(), m.data(), m.data().length);
            }
            byte[] junk = "{\"ticks\": oops".getBytes(StandardCharsets.UTF_8);
            w.addMessage(id, 999, 1, 1, junk, junk.length);
        }
        CliTest.Result r = shmtel("replay", bad.toString(), "--region-prefix", "junk.", "--rate", "100");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.err()).startsWith("shmtel replay: " + bad + ": message " + (contents.messages().size() + 1)
                + " (at byte ").contains("is not a JSON object").doesNotContain("replay [");
        assertNoStackTrace(r);
        assertThat(Files.exists(dir.resolve("shmtel.junk.types"))).isFalse();
    }

    @Test
    void aChannelWithoutItsRegionOrABadPrefixIsRefusedBeforeAnyRegionIsCreated() throws Exception {
        Path file = dir.resolve("run.mcap");
        withPublisher(() -> assertThat(shmtel("record", "types", "-o", file.toString(), "--duration", "0.3").code())
                .isZero());
        McapReader.Contents contents = McapReader.read(file);
        Path bad = dir.resolve("noregion.mcap");
        try (McapWriter w = new McapWriter(bad, "test")) {
            for (McapReader.Channel c : contents.channels().values()) { // the second channel lacks its region
                McapReader.Schema s = contents.schemas().get(c.schemaId());
                Map<String, String> metadata = new HashMap<>(c.metadata());
                if (c.id() == 1) {
                    metadata.remove("shmtel.region");
                }
                w.addChannel(w.addSchema(s.name(), s.encoding(), s.data()), c.topic(), "json", metadata);
            }
            for (McapReader.Message m : contents.messages()) {
                w.addMessage(m.channelId(), m.sequence(), m.logTimeNs(), m.publishTimeNs(), m.data(), m.data().length);
            }
        }
        CliTest.Result r = shmtel("replay", bad.toString(), "--region-prefix", "nr.", "--rate", "100");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.err()).contains(bad + ": channel types/", " carries a shmtel schema but no shmtel.region");
        assertNoStackTrace(r);
        CliTest.Result prefix = shmtel("replay", file.toString(), "--region-prefix", "../", "--rate", "100");
        assertThat(prefix.code()).as(prefix.err()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(prefix.err()).contains("invalid region name \"../types\"");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no region created")
                    .noneMatch(name -> name.startsWith("shmtel.nr.") || name.contains(".."));
        }
    }

    // ------------------------------------------------------------------ item 4: unbounded inputs

    @Test
    void devZeroAsASchemaADeploymentOrAnMcapFileIsRefusedQuickly() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            CliTest.Result schema = CliTest.run("validate", "/dev/zero");
            assertThat(schema.code()).as(schema.err()).isEqualTo(ExitCodes.INVALID_INPUT);
            assertThat(schema.err()).contains("/dev/zero:1:1: /: not a regular file (a device, pipe or socket): give "
                    + "a regular file");
            CliTest.Result deployment = CliTest.run("run", "--check", "/dev/zero");
            assertThat(deployment.code()).as(deployment.err()).isEqualTo(ExitCodes.INVALID_INPUT);
            assertThat(deployment.err()).contains("/dev/zero:1:1: /: not a regular file");
            CliTest.Result mcap = shmtel("replay", "/dev/zero");
            assertThat(mcap.code()).as(mcap.err()).isEqualTo(ExitCodes.INVALID_INPUT);
            assertThat(mcap.err()).isEqualTo("shmtel replay: /dev/zero: not a regular file (a device, pipe or "
                    + "socket): give a regular file\n");
            for (CliTest.Result r : List.of(schema, deployment, mcap)) {
                assertNoStackTrace(r);
            }
        });
    }

    @Test
    void anMcapFileLargerThanTheHeapIsRefusedBeforeItIsRead() throws Exception {
        Path big = dir.resolve("big.mcap");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(100L << 20); // sparse: no disk used
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ShmtelCli.class.getName(), "replay", big.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(output).startsWith("shmtel replay: " + big + ": 104857600 bytes need about 150 MiB of memory, more"
                + " than this JVM has free").contains("SHMTEL_JAVA_OPTS=-Xmx").doesNotContain("OutOfMemoryError");
    }

    @Test
    void aTooLargeSchemaFileIsRefusedWithItsSize() throws IOException {
        Path big = dir.resolve("big.json");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength((16L << 20) + 1); // sparse: no disk used
        }
        CliTest.Result r = CliTest.run("validate", big.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.err()).contains(big + ":1:1: /: file too large: 16777217 bytes, more than the limit of 16 MiB");
    }
}
