package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.shmtel.core.nativeio.Posix;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.layout.RegionHeaderDescriptor;
import io.shmtel.schema.layout.SlotDescriptor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Durable regions in a directory on a real file system (this build's target directory): a writer
 * publishes, flushes, publishes more and is SIGKILLed; the region, mapped again, says how many
 * samples are on storage, and those samples read straight from the disk (O_DIRECT, past the page
 * cache) are intact. Periodic and close-time flushes are recorded too.
 */
class DurableRegionTest {
    static final String RECORD = "frame";
    private final List<Process> children = new ArrayList<>();
    private Path dir;

    @BeforeEach
    void createDir() throws IOException {
        Files.createDirectories(Path.of("target"));
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "durable-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        RegionChild.killAll(children);
        ShmDirectory.delete(dir);
    }

    Path schema() throws IOException {
        Path schema = dir.resolve("frames.json");
        Files.writeString(schema,
                "{\"schema\": \"frames\", \"version\": 1, \"records\": [{\"name\": \"frame\", \"depth\": 1024,"
                + " \"fields\": [{\"name\": \"seq\", \"type\": \"i64\"}, {\"name\": \"values\", \"type\": \"f64\", "
                        + "\"count\": 20}]}]}");
        return schema;
    }

    @Test
    void flushedSamplesAreOnStorageAfterTheWriterIsKilled() throws Exception {
        assertThat(Files.getFileStore(dir).type()).as("a real file system").isNotEqualTo("tmpfs");
        Path schema = schema();
        Process writer = RegionChild.start(children, List.of(), "durable", dir.toString(), "log", schema.toString(),
                RECORD,
                "600", "700");
        BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream()));
        String flushed = out.readLine();
        assertThat(flushed).startsWith("flushed 600 in ");
        assertThat(out.readLine()).isEqualTo("published 700");
        writer.destroyForcibly();
        writer.waitFor();
        System.out.println("durable: " + flushed + " (" + Files.getFileStore(dir).type() + ")");

        RegionOptions options = RegionOptions.defaults().withDirectory(dir);
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(schema));
        RecordLayout r = layout.record(RECORD).orElseThrow();
        try (Region region = Region.open("log", options)) {
            assertThat(region.writerState(5)).isEqualTo(WriterState.WRITER_DEAD);
            assertThat(region.flushedSamples(r.index())).isEqualTo(600);
            assertThat(region.flushedAtEpochNs()).isPositive();
            assertThat(region.buffer().getLong((int) r.publishedOffset())).isEqualTo(700);
        }
        // msync wrote them: no page of the flushed samples' slots is dirty in the page cache (cachestat, Linux 6.5+).
        RingGeometry slots = RingGeometry.of(r);
        long from = (slots.slotOffset(0) + 4095) / 4096 * 4096;
        long to = slots.slotOffset(599) / 4096 * 4096;
        long[] stat = cachestat(dir.resolve("shmtel.log"), from, to - from);
        if (stat != null) {
            System.out.printf("durable: flushed samples' pages: %d cached, %d dirty, %d under writeback%n", stat[0],
                    stat[1], stat[2]);
            assertThat(stat[0]).as("pages cached").isPositive();
            assertThat(stat[1]).as("dirty pages of flushed samples").isZero();
            long[] unflushed = cachestat(dir.resolve("shmtel.log"), (slots.slotOffset(601) + 4095) / 4096 * 4096, 4096);
            System.out.printf("durable: a page of unflushed samples: %d dirty%n", unflushed[1] + unflushed[2]);
        }
        // Straight from the disk: every flushed sample's slot is complete and intact.
        ByteBuffer disk = readDirect(dir.resolve("shmtel.log"), layout.regionLength());
        RingGeometry g = RingGeometry.of(r);
        DynamicView view = new DynamicView(r);
        ByteBuffer slot = ByteBuffer.allocateDirect(r.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        for (long k = 0; k < 600; k++) {
            slot.put(0, disk, g.slotOffset(k), r.slotLength());
            assertThat(slot.getLong(SlotDescriptor.SEQ_OFFSET)).as("seq of sample %d on disk", k).isEqualTo(2 * k + 2);
            view.wrap(slot, 0);
            assertThat(CounterPattern.check(view, k)).as("sample %d on disk", k).isTrue();
        }
        // A new writer takes the region over and goes on after sample 699.
        try (Publisher next = Publisher.create("log", layout, options)) {
            assertThat(next.sink(RECORD).nextSampleIndex()).isEqualTo(700);
        }
    }

    @Test
    void periodicAndCloseFlushesAreRecorded() throws Exception {
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(schema()));
        RecordLayout r = layout.record(RECORD).orElseThrow();
        RegionOptions options = RegionOptions.defaults().withDirectory(dir).withFlushPeriod(Duration.ofMillis(20));
        try (Publisher publisher = Publisher.create("periodic", layout, options)) {
            DynamicWriter writer = new DynamicWriter(publisher.sink(RECORD), r);
            for (int k = 0; k < 50; k++) {
                CounterPattern.fill(writer, k);
                writer.commit();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (publisher.region().flushedSamples(r.index()) < 50) {
                assertThat(System.nanoTime() - deadline).as("a periodic flush within 10 s").isNegative();
                Thread.sleep(5);
            }
            for (int k = 50; k < 60; k++) {
                CounterPattern.fill(writer, k);
                writer.commit();
            }
        }
        try (Region region = Region.open("periodic", RegionOptions.defaults().withDirectory(dir))) {
            assertThat(region.flushedSamples(r.index())).as("close flushes").isEqualTo(60);
            assertThat(region.writerState(5)).isEqualTo(WriterState.CLOSED);
        }
        assertThat(readDirect(dir.resolve("shmtel.periodic"), layout.regionLength())
                .getLong(RegionHeaderDescriptor.recordEntryOffset(r.index())
                        + RegionHeaderDescriptor.RECORD_ENTRY_FLUSHED_OFFSET))
                .as("the flushed count itself is on disk").isEqualTo(60);
    }

    interface CLib extends Library {
        CLib INSTANCE = Native.load("c", CLib.class);

        long syscall(long number, int fd, Pointer range, Pointer stat, int flags);
    }

    /**
     * {cached, dirty, writeback} pages of {@code [offset, offset + length)} of a file (cachestat), null where the
     * kernel lacks it.
     */
    static long[] cachestat(Path file, long offset, long length) throws Exception {
        if (!Platform.isLinux() || !Platform.is64Bit()) {
            return null;
        }
        int fd = Posix.openExisting(file.toString(), false);
        try {
            Memory range = new Memory(16);
            range.setLong(0, offset);
            range.setLong(8, length);
            Memory out = new Memory(40);
            out.clear();
            long r = CLib.INSTANCE.syscall(451, fd, range, out, 0); // cachestat: the same number on x86-64 and aarch64
            if (r != 0) {
                System.out.println("durable: no cachestat here (errno " + Native.getLastError()
                        + "): the dirty-page check is skipped");
                return null;
            }
            return new long[] {out.getLong(0), out.getLong(8), out.getLong(16)};
        } finally {
            Posix.close(fd);
        }
    }

    /**
     * O_DIRECT for FileChannel: the JDK's {@code com.sun.nio.file.ExtendedOpenOption.DIRECT}, looked up by name
     * because javac warns on any use of that JDK-internal type (and the build compiles with -Werror).
     */
    private static OpenOption directOption() throws IOException {
        try {
            for (Object option : Class.forName("com.sun.nio.file.ExtendedOpenOption").getEnumConstants()) {
                if (((Enum<?>) option).name().equals("DIRECT")) {
                    return (OpenOption) option;
                }
            }
        } catch (ClassNotFoundException e) {
            throw new IOException("this JDK has no com.sun.nio.file.ExtendedOpenOption", e);
        }
        throw new IOException("this JDK's ExtendedOpenOption has no DIRECT");
    }

    /** Reads a file with O_DIRECT: from storage (the kernel first writes back dirty cached pages of the range). */
    static ByteBuffer readDirect(Path file, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, directOption())) {
            int block = (int) Files.getFileStore(file).getBlockSize();
            ByteBuffer raw = ByteBuffer.allocateDirect((int) length + block);
            ByteBuffer aligned = raw.alignedSlice(block).limit((int) length).order(ByteOrder.LITTLE_ENDIAN);
            while (aligned.hasRemaining() && ch.read(aligned) > 0) {
                // read on
            }
            return aligned.clear().order(ByteOrder.LITTLE_ENDIAN);
        }
    }
}
