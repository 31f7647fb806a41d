package io.shmtel.core.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import io.shmtel.core.Publisher;
import io.shmtel.core.RegionChild;
import io.shmtel.core.Subscriber;
import io.shmtel.schema.InputFiles;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RegionHeaderDescriptor;
import io.shmtel.schema.testing.Examples;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What another local user can plant or leave in a shared region directory: a FIFO at a region
 * name (issue 23, hole 9), a region file that group or others may write, a header that claims a
 * huge schema text, and a sparse file that a takeover in place must reserve (hole 8).
 */
@ExtendWith(ShmDirectory.class)
@SuppressWarnings("try") // publishers held open only for their region
class HostileRegionFileTest {
    static final Layout ARM = LayoutCompiler.compile(SchemaParser.parse(Examples.example("arm.json")));
    /** A region of a few hundred KiB: most of its file is record blocks that a takeover does not write. */
    static final Layout WIDE = LayoutCompiler.compile(SchemaParser.parse("""
            {"schema": "wide", "version": 1, "records": [
              {"name": "scan", "depth": 64, "fields": [{"name": "v", "type": "f64", "count": 512, "unit": "m"}]}]}
            """, "wide.json"));
    static final Duration BOUND = Duration.ofSeconds(5);

    @Test
    void aFifoAtARegionNameIsRefusedAtOnceByEveryOpener(RegionOptions options) throws Exception {
        Path fifo = PlantedFiles.mkfifo(options.regionDirectory().file("trap"));
        List<Path> fifos = List.of(fifo);
        String refusal = "region \"trap\": " + fifo + " is not a regular file (a FIFO, mode 010644); shmtel opens only"
                + " regular files in the region directory: remove it (rm " + fifo + ")";
        assertThatThrownBy(() -> PlantedFiles.within(BOUND, fifos, () -> Region.open("trap", options)))
                .isInstanceOf(RegionPermissionException.class).hasMessage(refusal);
        assertThatThrownBy(() -> PlantedFiles.within(BOUND, fifos,
                () -> Subscriber.open("trap", "joint_state", options)))
                .isInstanceOf(RegionPermissionException.class).hasMessage(refusal);
        assertThatThrownBy(() -> PlantedFiles.within(BOUND, fifos, () -> Publisher.create("trap", ARM, options)))
                .isInstanceOf(RegionPermissionException.class).hasMessage(refusal);
        assertThatThrownBy(() -> PlantedFiles.within(BOUND, fifos, () -> Region.isWriterLockHeld("trap", options)))
                .isInstanceOf(RegionPermissionException.class).hasMessage(refusal);
        assertThatThrownBy(() -> PlantedFiles.within(BOUND, fifos, () -> Region.removeUnowned("trap", options)))
                .isInstanceOf(RegionPermissionException.class).hasMessage(refusal);
        assertThat(fifo).as("refused, not removed").exists();
        assertThat(PlantedFiles.within(BOUND, fifos, () -> Region.unlink("trap", options))).as("rm --force").isTrue();
    }

    @Test
    void aReaderRefusesARegionThatGroupOrOthersMayWriteEvenFromAnyOwner(RegionOptions options) throws IOException {
        try (Publisher writer = Publisher.create("shared", ARM, options)) {
            Path file = options.regionDirectory().file("shared");
            for (String mode : List.of("rw-rw-rw-", "rw--w----", "rw-r---w-")) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
                String octal = "0" + Integer.toOctalString((Integer) Files.getAttribute(file, "unix:mode") & 0777);
                for (RegionOptions reader : List.of(options, options.withAnyOwner(true))) {
                    assertThatThrownBy(() -> Region.open("shared", reader))
                            .isInstanceOf(RegionPermissionException.class)
                            .hasMessage("region \"shared\": " + file + " has mode " + octal + ": group or others may"
                                    + " write it, so another process than its writer could change what readers read;"
                                    + " refused (--any-owner does not lift this). Fix: chmod go-w " + file
                                            + " (its owner),"
                                    + " or restart its writer (writers create regions 0600, or 0640 for a reader group,"
                                    + " and replace a writable one)");
                    assertThatThrownBy(() -> Subscriber.open("shared", "joint_state", reader))
                            .isInstanceOf(RegionPermissionException.class).hasMessageContaining("chmod go-w " + file);
                }
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            try (Region r = Region.open("shared", options)) {
                assertThat(r.epoch()).isEqualTo(1);
            }
        }
    }

    @Test
    void aWriterReplacesADeadRegionThatOthersMayWriteInsteadOfTakingItOverInPlace(RegionOptions options)
            throws IOException {
        Path file = options.regionDirectory().file("loose");
        Publisher.create("loose", ARM, options).close();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        Object before = Files.getAttribute(file, "unix:ino");
        try (Publisher writer = Publisher.create("loose", ARM, options)) {
            assertThat(writer.epoch()).isEqualTo(2);
            assertThat(Files.getAttribute(file, "unix:ino")).as("a new file").isNotEqualTo(before);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            try (Region r = Region.open("loose", options)) {
                assertThat(r.epoch()).isEqualTo(2);
            }
        }
    }

    @Test
    void aHeaderClaimingAHugeSchemaTextIsRefusedBeforeAnyAllocation(RegionOptions options) throws IOException {
        Publisher.create("model", ARM, options).close();
        byte[] header = new byte[(int) ARM.headerLength()];
        try (RandomAccessFile model = new RandomAccessFile(options.regionDirectory().file("model").toFile(), "r")) {
            model.readFully(header);
        }
        // A 64 MiB file (sparse: it costs nothing), all header: the schema text "fits" in it.
        int length = 64 << 20;
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int textOffset = b.getInt(RegionHeaderDescriptor.SCHEMA_TEXT_OFFSET_OFFSET);
        int claimed = length - textOffset;
        b.putInt(RegionHeaderDescriptor.HEADER_LENGTH_OFFSET, length);
        b.putLong(RegionHeaderDescriptor.REGION_LENGTH_OFFSET, length);
        b.putInt(RegionHeaderDescriptor.SCHEMA_TEXT_LENGTH_OFFSET, claimed);
        Path file = options.regionDirectory().file("hostile");
        try (RandomAccessFile hostile = new RandomAccessFile(file.toFile(), "rw")) {
            hostile.write(header);
            hostile.setLength(length);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        Throwable thrown = null;
        try (Region r = Region.open("hostile", options)) {
            assertThat(r).as("opened a region whose schema text is claimed to be " + claimed + " bytes").isNull();
        } catch (RuntimeException e) {
            thrown = e;
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        assertThat(thrown).isInstanceOf(CorruptRegionException.class)
                .hasMessage("region \"hostile\": schema text length "
                + claimed + " at offset " + RegionHeaderDescriptor.SCHEMA_TEXT_LENGTH_OFFSET + "; expected 1 to "
                + InputFiles.MAX_TEXT_BYTES +
                        " (the text must end inside the header, and an embedded schema is at most "
                + InputFiles.MAX_TEXT_BYTES + " bytes, as a schema file)");
        assertThat(allocated).as("bytes allocated by the refused open").isLessThan(4L << 20);
    }

    @Test
    void aTakeoverInPlaceReservesTheWholeFile(RegionOptions options) throws Exception {
        Path file = options.regionDirectory().file("sparse");
        Publisher.create("sparse", WIDE, options).close();
        // The same region as a sparse file: its header written, its record blocks a hole.
        byte[] header = new byte[(int) WIDE.headerLength()];
        try (RandomAccessFile region = new RandomAccessFile(file.toFile(), "r")) {
            region.readFully(header);
        }
        Files.delete(file);
        try (RandomAccessFile region = new RandomAccessFile(file.toFile(), "rw")) {
            region.write(header);
            region.setLength(WIDE.regionLength());
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(allocatedBytes(file)).as("sparse before the takeover").isLessThan(WIDE.regionLength() / 2);
        Object inode = Files.getAttribute(file, "unix:ino");
        try (Publisher writer = Publisher.create("sparse", WIDE, options)) {
            assertThat(writer.epoch()).as("taken over in place").isEqualTo(2);
            assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
            assertThat(allocatedBytes(file)).as("reserved by the takeover").isGreaterThanOrEqualTo(WIDE.regionLength());
        }
    }

    /**
     * The same sparse file on a full tmpfs (a private 64 KiB one, as root with unshare): the
     * takeover fails at once with the bytes needed and free, instead of succeeding and leaving a
     * SIGBUS for the first publish that touches a hole.
     */
    @Test
    void aTakeoverInPlaceOnAFullTmpfsFailsWithNoSpace(RegionOptions options) throws Exception {
        Assumptions.assumeTrue(canMountTmpfs(), "needs unshare and mount (root) for a private tiny tmpfs");
        Path schema = options.directory().resolve("wide.json");
        Files.writeString(schema, WIDE.canonicalJson());
        Layout wide = LayoutCompiler.compile(SchemaParser.parse(schema));
        assertThat(wide.regionLength()).as("larger than the tmpfs").isGreaterThan(64 << 10);
        Path model = options.regionDirectory().file("model");
        Publisher.create("model", wide, options).close();
        byte[] header = new byte[(int) wide.headerLength()];
        try (RandomAccessFile region = new RandomAccessFile(model.toFile(), "r")) {
            region.readFully(header);
        }
        Path sparse = options.directory().resolve("sparse-region");
        try (RandomAccessFile region = new RandomAccessFile(sparse.toFile(), "rw")) {
            region.write(header);
            region.setLength(wide.regionLength());
        }
        Path tiny = Files.createDirectory(options.directory().resolve("tiny"));
        List<String> command = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                "mount -t tmpfs -o size=64k tmpfs \"$1\" && cp --sparse=always \"$2\" \"$1/shmtel.wide\""
                        + " && chmod 600 \"$1/shmtel.wide\" && shift 2 && exec \"$@\"",
                "sh", tiny.toString(), sparse.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), RegionChild.class.getName(), "create",
                tiny.toString(), "wide", schema.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(out).isEqualTo(3);
        assertThat(out).startsWith("failed: NoSpaceException: cannot take over region \"wide\": it needs "
                + wide.regionLength() + " bytes and " + tiny + " has ").contains("in Docker: --shm-size=256m");
    }

    static boolean canMountTmpfs() {
        try {
            Process p = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=4k tmpfs /mnt")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** st_blocks * 512: the bytes the file system has allocated to the file. */
    static long allocatedBytes(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(out).isZero();
        String[] f = out.split(" ");
        return Long.parseLong(f[0]) * Long.parseLong(f[1]);
    }
}
