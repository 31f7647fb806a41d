package io.shmtel.core.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.nativeio.Posix;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Fingerprint;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RegionHeaderDescriptor;
import io.shmtel.schema.testing.Examples;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(ShmDirectory.class)
@SuppressWarnings("try") // publishers held open only for their region
class RegionTest {
    static final Layout ALL_TYPES = LayoutCompiler.compile(SchemaParser.parse(Examples.example("all_types.json")));
    static final Layout ARM = LayoutCompiler.compile(SchemaParser.parse(Examples.example("arm.json")));

    static long publishCounter(Publisher publisher, String record, int samples) {
        DynamicWriter w = new DynamicWriter(publisher.sink(record), publisher.layout().record(record).orElseThrow());
        long k = -1;
        for (int i = 0; i < samples; i++) {
            long next = publisher.sink(record).nextSampleIndex();
            CounterPattern.fill(w, next);
            k = w.commit();
        }
        return k;
    }

    @Test
    void publishedSamplesAreReadThroughANewMappingWithTheHeaderFilledIn(RegionOptions options) throws IOException {
        try (Publisher publisher = Publisher.create("types", ALL_TYPES, options);
                Subscriber subscriber = Subscriber.open("types", "every_type", options)) {
            DynamicView view = new DynamicView(subscriber.record());
            assertThat(subscriber.latest(view)).isFalse();
            assertThat(publishCounter(publisher, "every_type", 10)).isEqualTo(9);
            assertThat(subscriber.latest(view)).isTrue();
            assertThat(view.sampleIndex()).isEqualTo(9);
            assertThat(CounterPattern.check(view)).isTrue();
            assertThat(subscriber.state()).isEqualTo(WriterState.LIVE);
            assertThat(subscriber.epoch()).isEqualTo(1);
            Region region = subscriber.region();
            assertThat(region.isWritable()).isFalse();
            assertThat(region.buffer().isReadOnly()).isTrue();
            assertThat(region.writerPid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(region.writerStartTime()).isEqualTo(ProcessInfo.startTime(ProcessInfo.currentPid()))
                    .isPositive();
            assertThat(region.heartbeatPeriodNs()).isEqualTo(Duration.ofMillis(20).toNanos());
            assertThat(region.layout().fingerprint()).isEqualTo(ALL_TYPES.fingerprint());
            Path file = options.regionDirectory().file("types");
            assertThat(Files.size(file)).isEqualTo(ALL_TYPES.regionLength());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(options.regionDirectory().list()).containsExactly("types");
        }
    }

    @Test
    void aModeOptionIsAppliedWithFchmodWhateverTheUmask(RegionOptions options) throws IOException {
        try (Publisher ignored = Publisher.create("grouped", ARM, options.withMode(0640))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(options.regionDirectory()
                    .file("grouped"))))
                    .isEqualTo("rw-r-----");
        }
        assertThatThrownBy(() -> options.withMode(0666)).hasMessageContaining("must not let group or others write");
    }

    @Test
    void aSecondWriterIsRefusedWithTheOwnersPid(RegionOptions options) {
        try (Publisher ignored = Publisher.create("arm", ARM, options)) {
            assertThatThrownBy(() -> Publisher.create("arm", ARM, options))
                    .isInstanceOf(RegionOwnedException.class)
                    .hasMessageStartingWith("region \"arm\" is owned by a live writer (owner pid "
                            + ProcessHandle.current().pid()
                            + ", running): a region has one writer");
        }
    }

    @Test
    void aWriterAfterACleanCloseTakesOverInPlaceWithANewEpochAndSubscribersFollow(RegionOptions options) {
        Publisher first = Publisher.create("arm", ARM, options);
        publishCounter(first, "joint_state", 5);
        Subscriber subscriber = Subscriber.open("arm", "joint_state", options);
        DynamicView view = new DynamicView(subscriber.record());
        first.close();
        assertThat(subscriber.state()).isEqualTo(WriterState.CLOSED);
        assertThat(subscriber.latest(view)).isTrue();
        assertThat(view.sampleIndex()).as("the last sample stays readable").isEqualTo(4);
        try (Publisher second = Publisher.create("arm", ARM, options); subscriber) {
            assertThat(second.epoch()).isEqualTo(2);
            assertThat(publishCounter(second, "joint_state", 1)).as("sample numbers continue").isEqualTo(5);
            assertThat(subscriber.state()).isEqualTo(WriterState.LIVE);
            assertThat(subscriber.epoch()).isEqualTo(2);
            assertThat(subscriber.latest(view)).isTrue();
            assertThat(view.sampleIndex()).isEqualTo(5);
        }
    }

    @Test
    void anAbandonedRegionReadsAsADeadWriterAndIsTakenOverWithANewEpoch(RegionOptions options) {
        Publisher first = Publisher.create("arm", ARM, options);
        publishCounter(first, "joint_state", 3);
        try (Subscriber subscriber = Subscriber.open("arm", "joint_state", options)) {
            assertThat(subscriber.state()).isEqualTo(WriterState.LIVE);
            first.abandon();
            assertThat(subscriber.state()).isEqualTo(WriterState.WRITER_DEAD);
            assertThatThrownBy(() -> publishCounter(first, "joint_state", 1)).isInstanceOf(IllegalStateException.class);
            try (Publisher second = Publisher.create("arm", ARM, options)) {
                assertThat(second.epoch()).isEqualTo(2);
                assertThat(subscriber.state()).isEqualTo(WriterState.LIVE);
            }
        }
    }

    @Test
    void aWriterWithAnotherLayoutReplacesADeadRegionAndSubscribersFollowTheNewFile(RegionOptions options) {
        Layout armV2 = LayoutCompiler.compile(SchemaParser.parse(ARM.canonicalJson().replace(
                "{\"name\":\"frame_id\",\"type\":\"string\",\"length\":16}",
                "{\"name\":\"frame_id\",\"type\":\"string\",\"length\":16},{\"name\":\"extra\",\"type\":\"f64\"}"),
                        "v2"));
        assertThat(armV2.fingerprint()).isNotEqualTo(ARM.fingerprint());
        Publisher first = Publisher.create("arm", ARM, options);
        publishCounter(first, "joint_state", 3);
        Subscriber subscriber = Subscriber.open("arm", "joint_state", options);
        long inode = subscriber.region().stat().inode();
        first.close();
        try (Publisher second = Publisher.create("arm", armV2, options); subscriber) {
            assertThat(second.epoch()).isEqualTo(2);
            publishCounter(second, "joint_state", 1);
            assertThat(subscriber.state()).isEqualTo(WriterState.LIVE);
            assertThat(subscriber.region().stat().inode()).isNotEqualTo(inode);
            DynamicView view = new DynamicView(subscriber.record());
            assertThat(subscriber.latest(view)).isTrue();
            assertThat(view.sampleIndex()).as("a new file counts from 0").isZero();
            assertThat(view.fields()).extracting(f -> f.name()).contains("extra");
        }
    }

    @Test
    void aStalledWriterIsToldApartFromALiveOne(RegionOptions options) throws InterruptedException {
        try (Publisher publisher = Publisher.create("quiet", ARM, options.withHeartbeatThread(false));
                Subscriber subscriber = Subscriber.open("quiet", "joint_state", options)) {
            publisher.heartbeat();
            assertThat(subscriber.state()).isEqualTo(WriterState.LIVE);
            Thread.sleep(20 * 5 + 60);
            assertThat(subscriber.state()).isEqualTo(WriterState.STALLED);
            publisher.heartbeat();
            assertThat(subscriber.state()).isEqualTo(WriterState.LIVE);
        }
    }

    /**
     * Liveness rule R3: a reader that loaded the state word (LIVE) just before the writer closed
     * cleanly, and probes the lock just after, finds the lock free; it must load the state word
     * again and report CLOSED, never WRITER_DEAD (the bridge would abandon its mirror).
     */
    @Test
    void aCleanCloseBetweenTheStateLoadAndTheLockProbeIsReportedClosedNotDead(RegionOptions options) {
        Publisher writer = Publisher.create("closing", ARM, options);
        publishCounter(writer, "joint_state", 1);
        try (Region reader = Region.open("closing", options)) {
            assertThat(reader.writerState(5)).isEqualTo(WriterState.LIVE);
            Region.beforeLockProbe = () -> {
                Region.beforeLockProbe = null; // once
                writer.close(); // stores CLOSED, then releases the lock
            };
            try {
                assertThat(reader.writerState(5)).isEqualTo(WriterState.CLOSED);
            } finally {
                Region.beforeLockProbe = null;
                writer.close();
            }
            assertThat(reader.isWriterLockHeld()).isFalse();
        }
    }

    /**
     * Liveness rule R3 with the epoch (spec/liveness.pml, mutant NO_EPOCH_CHECK): the writer closes
     * cleanly after the reader's first load of the state word, and another writer takes the region
     * over after the reader's probe found the lock free and before it loads the state word again. That
     * load sees the new writer's state, not CLOSED; only the epoch, stored by a new owner before its
     * state word, tells the reader to look again: it must never answer WRITER_DEAD here.
     */
    @Test
    void aTakeoverBetweenTheProbeAndTheStateReloadIsNotReportedDead(RegionOptions options) {
        Publisher first = Publisher.create("handover", ARM, options);
        publishCounter(first, "joint_state", 1);
        Publisher[] second = new Publisher[1];
        try (Region reader = Region.open("handover", options)) {
            long epoch = reader.epoch();
            Region.beforeLockProbe = () -> {
                Region.beforeLockProbe = null; // once
                first.close(); // CLOSED, then the lock released
            };
            Region.afterFreeLockProbe = () -> {
                Region.afterFreeLockProbe = null; // once
                second[0] = Publisher.create("handover", ARM, options); // takes the closed region over in place
            };
            try {
                assertThat(reader.writerState(5)).isIn(WriterState.LIVE, WriterState.CLOSED);
            } finally {
                Region.beforeLockProbe = null;
                Region.afterFreeLockProbe = null;
                first.close();
            }
            assertThat(second[0]).as("the second writer took the region over").isNotNull();
            assertThat(reader.epoch()).isEqualTo(epoch + 1);
            assertThat(reader.writerState(5)).isEqualTo(WriterState.LIVE);
        } finally {
            if (second[0] != null) {
                second[0].close();
            }
        }
    }

    /**
     * Liveness rule R3, the probe's lock type: a remover (gc, rm) holds a shared lock on a dead or
     * closed writer's region while it unlinks it. A probe with F_RDLCK conflicts only with a
     * writer's exclusive lock, so the remover is not taken for a live writer.
     */
    @Test
    void aRemoversSharedLockIsNotTakenForALiveWriter(RegionOptions options) throws Exception {
        Publisher dead = Publisher.create("dead", ARM, options);
        publishCounter(dead, "joint_state", 1);
        dead.abandon(); // as a killed writer: lock released, state word not CLOSED
        Publisher closed = Publisher.create("closed", ARM, options);
        publishCounter(closed, "joint_state", 1);
        closed.close();
        for (String name : List.of("dead", "closed")) {
            int remover = Posix.openExisting(options.regionDirectory().file(name).toString(), false);
            try (Region reader = Region.open(name, options)) {
                assertThat(Posix.tryLockShared(remover)).as("the remover's shared lock").isTrue();
                assertThat(reader.isWriterLockHeld()).as(name + ": a shared lock is no writer's").isFalse();
                assertThat(reader.writerState(5)).as(name)
                        .isEqualTo(name.equals("dead") ? WriterState.WRITER_DEAD : WriterState.CLOSED);
            } finally {
                Posix.close(remover);
            }
        }
    }

    @Test
    void aMissingRegionLeavesTheSubscriberWaitingUntilItAppears(RegionOptions options) {
        try (Subscriber subscriber = Subscriber.open("later", "joint_state", options)) {
            assertThat(subscriber.state()).isEqualTo(WriterState.WAITING);
            DynamicView none = new DynamicView(ARM.records().get(0));
            assertThat(subscriber.latest(none)).isFalse();
            try (Publisher publisher = Publisher.create("later", ARM, options)) {
                publishCounter(publisher, "joint_state", 2);
                DynamicView view = new DynamicView(ARM.records().get(0));
                assertThat(subscriber.awaitLatest(view, Duration.ofSeconds(2).toNanos())).isTrue();
                assertThat(view.sampleIndex()).isEqualTo(1);
                assertThat(subscriber.state()).isEqualTo(WriterState.LIVE);
            }
        }
    }

    @Test
    void missingRegionsAndDirectoriesAreNamed(RegionOptions options) {
        assertThatThrownBy(() -> Region.open("nope", options)).isInstanceOf(RegionNotFoundException.class)
                .hasMessage("region \"nope\" not found: no file " + options.regionDirectory().file("nope")
                        + " (is its writer running? 'shmtel ls' lists the regions in " + options.regionDirectory()
                                + ")");
        RegionOptions missingDir = options.withDirectory(options.directory().resolve("missing"));
        assertThatThrownBy(() -> Region.open("nope", missingDir)).isInstanceOf(RegionNotFoundException.class)
                .hasMessageContaining("directory " + missingDir.directory() + " does not exist");
        assertThatThrownBy(() -> Publisher.create("nope", ARM, missingDir)).isInstanceOf(RegionNotFoundException.class)
                .hasMessageContaining("cannot create region \"nope\": directory " + missingDir.directory()
                        + " does not exist");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../escape", "a/b", ".hidden", "-dash", "with space", "tab\tname", "ünï",
            "x12345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234"
                    + "567890123456789012345678"})
    void badNamesAreRefusedBeforeAnyFileCall(String name, RegionOptions options) {
        RegionOptions nowhere = options.withDirectory(Path.of("/nonexistent-dir-for-shmtel-tests"));
        assertThatThrownBy(() -> Region.open(name, nowhere)).isInstanceOf(InvalidRegionNameException.class)
                .hasMessageContaining("names match [A-Za-z0-9][A-Za-z0-9._-]{0,127}");
        assertThatThrownBy(() -> Publisher.create(name, ARM, nowhere)).isInstanceOf(InvalidRegionNameException.class);
    }

    @Test
    void symbolicLinksAreNeverFollowed(RegionOptions options) throws IOException {
        Path target = options.directory().resolve("target-file");
        Files.writeString(target, "x");
        Files.createSymbolicLink(options.regionDirectory().file("link"), target);
        assertThatThrownBy(() -> Region.open("link", options)).isInstanceOf(RegionPermissionException.class)
                .hasMessageContaining("is a symbolic link; shmtel never follows links");
        assertThatThrownBy(() -> Publisher.create("link", ARM, options)).isInstanceOf(RegionPermissionException.class)
                .hasMessageContaining("is a symbolic link");
        assertThat(Files.readString(target)).isEqualTo("x");
    }

    @Test
    void aDirectoryInPlaceOfARegionIsRefused(RegionOptions options) throws IOException {
        Files.createDirectory(options.regionDirectory().file("dir"));
        assertThatThrownBy(() -> Region.open("dir", options)).isInstanceOf(RegionPermissionException.class)
                .hasMessageContaining("is not a regular file");
    }

    @Test
    void aRegionOfAnotherUserIsRefusedUnlessTrusted(RegionOptions options) throws IOException {
        assumeTrue(ProcessInfo.currentUid() == 0, "needs root to give a file to another user");
        try (Publisher ignored = Publisher.create("foreign", ARM, options)) {
            Files.setAttribute(options.regionDirectory().file("foreign"), "unix:uid", 4242);
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "cannot change the owner here: " + e);
        }
        assertThat(Files.getAttribute(options.regionDirectory().file("foreign"), "unix:uid")).isEqualTo(4242);
        assertThatThrownBy(() -> Region.open("foreign", options)).isInstanceOf(RegionPermissionException.class)
                .hasMessageContaining("is owned by uid 4242, not by this user (uid 0); open it with anyOwner");
        try (Region region = Region.open("foreign", options.withAnyOwner(true))) {
            assertThat(region.layout().fingerprint()).isEqualTo(ARM.fingerprint());
        }
    }

    @Test
    void anIncompatibleReaderIsRefusedWithBothFingerprintsAndACompatibleOneReadsThePrefix(RegionOptions options) {
        Layout extended = LayoutCompiler.compile(SchemaParser.parse(ARM.canonicalJson().replace(
                "{\"name\":\"frame_id\",\"type\":\"string\",\"length\":16}",
                "{\"name\":\"frame_id\",\"type\":\"string\",\"length\":16},{\"name\":\"extra\",\"type\":\"f64\"}"),
                        "v2"));
        try (Publisher publisher = Publisher.create("arm", extended, options)) {
            publishCounter(publisher, "joint_state", 3);
            // An old reader (the ARM layout) reads the prefix of the extended record.
            try (Subscriber old = Subscriber.open("arm", "joint_state", ARM, options)) {
                DynamicView view = new DynamicView(ARM.record("joint_state").orElseThrow());
                assertThat(old.latest(view)).isTrue();
                assertThat(view.number(view.field("position"), 5)).isEqualTo(2.0);
                assertThat(CounterPattern.check(view)).isTrue();
            }
            Layout other = LayoutCompiler.compile(SchemaParser.parse(ARM.canonicalJson().replace("\"f64\"", "\"f32\""),
                    "x"));
            assertThatThrownBy(() -> Subscriber.open("arm", "joint_state", other, options))
                    .isInstanceOf(IncompatibleLayoutException.class)
                    .hasMessageStartingWith("region \"arm\" has layout " + Fingerprint.hex(extended.fingerprint())
                            + ", this reader expects " + Fingerprint.hex(other.fingerprint()))
                    .hasMessageContaining("INCOMPATIBLE joint_state.position: type f32 -> f64");
        }
    }

    /** Creates region "bad", closes its writer, then lets {@code corrupt} change the file. */
    static void corrupt(RegionOptions options, Consumer<ByteBuffer> corrupt) throws IOException {
        try (Publisher ignored = Publisher.create("bad", ARM, options)) {
            publishCounter(ignored, "joint_state", 1);
        }
        try (RandomAccessFile file = new RandomAccessFile(options.regionDirectory().file("bad").toFile(), "rw")) {
            ByteBuffer b = file.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, file.length())
                    .order(ByteOrder.LITTLE_ENDIAN);
            corrupt.accept(b);
        }
    }

    @Test
    void aWrongMagicIsNamedWithBothValues(RegionOptions options) throws IOException {
        corrupt(options, b -> b.putLong(RegionHeaderDescriptor.MAGIC_OFFSET, 0x1234));
        assertThatThrownBy(() -> Region.open("bad", options)).isInstanceOf(CorruptRegionException.class)
                .hasMessage("region \"bad\": wrong magic at offset 0: found 0x0000000000001234, expected "
                        + "0x00004c45544d4853"
                        + " (\"SHMTEL\"): this is not a shmtel region");
    }

    @Test
    void anotherMajorVersionIsRefused(RegionOptions options) throws IOException {
        corrupt(options, b -> b.putInt(RegionHeaderDescriptor.VERSION_OFFSET, 2 << 16 | 3));
        assertThatThrownBy(() -> Region.open("bad", options)).isInstanceOf(IncompatibleLayoutException.class)
                .hasMessage("region \"bad\": format version 2.3, this shmtel reads 1.x: use a shmtel release of the"
                        + " writer's format");
    }

    @Test
    void aFingerprintThatDoesNotMatchTheEmbeddedSchemaIsCorrupt(RegionOptions options) throws IOException {
        corrupt(options, b -> b.putLong(RegionHeaderDescriptor.FINGERPRINT_OFFSET, 42));
        assertThatThrownBy(() -> Region.open("bad", options)).isInstanceOf(CorruptRegionException.class)
                .hasMessage("region \"bad\": header fingerprint 0x000000000000002a does not match its embedded schema ("
                        + Fingerprint.hex(ARM.fingerprint()) + ")");
    }

    @Test
    void impossibleLengthsAndOffsetsAreCorrupt(RegionOptions options) throws IOException {
        corrupt(options, b -> b.putInt(RegionHeaderDescriptor.SCHEMA_TEXT_LENGTH_OFFSET, 1 << 30));
        assertThatThrownBy(() -> Region.open("bad", options)).isInstanceOf(CorruptRegionException.class)
                .hasMessage("region \"bad\": schema text length 1073741824 at offset 44; expected 1 to 3712 (the text "
                        + "must"
                        + " end inside the header, and an embedded schema is at most 16777216 bytes, as a schema "
                                + "file)");
        corrupt(options, b -> b.putInt(RegionHeaderDescriptor.RECORD_COUNT_OFFSET, -7));
        assertThatThrownBy(() -> Region.open("bad", options)).isInstanceOf(CorruptRegionException.class)
                .hasMessage("region \"bad\": record count -7 at offset 32; expected 1 to 256");
        corrupt(options, b -> b.put(RegionHeaderDescriptor.schemaTextOffset(1) + 2, (byte) 'X'));
        assertThatThrownBy(() -> Region.open("bad", options)).isInstanceOf(CorruptRegionException.class)
                .hasMessageStartingWith("region \"bad\": embedded schema at offset 384 is invalid: ");
        corrupt(options, b -> b.putLong(RegionHeaderDescriptor.recordEntryOffset(0)
                + RegionHeaderDescriptor.RECORD_ENTRY_BLOCK_OFFSET_OFFSET, 64));
        assertThatThrownBy(() -> Region.open("bad", options)).isInstanceOf(CorruptRegionException.class)
                .hasMessage("region \"bad\": record joint_state block offset 64 at offset 320; expected 4096 (from the"
                        + " embedded schema)");
    }

    @Test
    void aFileShorterThanItsHeaderSaysIsCorrupt(RegionOptions options) throws IOException {
        corrupt(options, b -> { });
        try (RandomAccessFile file = new RandomAccessFile(options.regionDirectory().file("bad").toFile(), "rw")) {
            file.setLength(4096);
        }
        assertThatThrownBy(() -> Region.open("bad", options)).isInstanceOf(CorruptRegionException.class)
                .hasMessage("region \"bad\": file is 4096 bytes, shorter than the 8192 bytes its header says (offset "
                        + "16)");
    }

    /** Found by the region fuzzer: a file shorter than the version word used to throw IndexOutOfBoundsException. */
    @Test
    void aFileShorterThanAHeaderPageIsCorruptAndAnEmptyOneIsNotReady(RegionOptions options) throws IOException {
        corrupt(options, b -> { });
        try (RandomAccessFile file = new RandomAccessFile(options.regionDirectory().file("bad").toFile(), "rw")) {
            file.setLength(2);
        }
        assertThatThrownBy(() -> Region.open("bad", options)).isInstanceOf(CorruptRegionException.class)
                .hasMessage("region \"bad\": file is 2 bytes, shorter than one header page (4096 bytes)");
        try (RandomAccessFile file = new RandomAccessFile(options.regionDirectory().file("bad").toFile(), "rw")) {
            file.setLength(0);
        }
        assertThatThrownBy(() -> Region.open("bad", options)).isInstanceOf(RegionNotReadyException.class)
                .hasMessageStartingWith("region \"bad\" (")
                .hasMessageContaining("is an empty file after 300 ms");
    }

    @Test
    void aRegionStillBeingCreatedIsWaitedForThenReported(RegionOptions options) throws IOException {
        corrupt(options, b -> b.putInt(RegionHeaderDescriptor.VERSION_OFFSET, 0));
        long start = System.nanoTime();
        assertThatThrownBy(() -> Region.open("bad", options)).isInstanceOf(RegionNotReadyException.class)
                .hasMessageContaining("is still being created after 300 ms (format version word is 0)");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
        // A writer takes a half-created region of a dead creator over by replacing it.
        try (Publisher publisher = Publisher.create("bad", ARM, options)) {
            assertThat(publisher.epoch()).isEqualTo(1);
            assertThat(Region.open("bad", options).layout().fingerprint()).isEqualTo(ARM.fingerprint());
        }
    }

    @Test
    void unlinkRemovesTheFileAndListForgetsIt(RegionOptions options) {
        try (Publisher ignored = Publisher.create("gone", ARM, options)) {
            assertThat(options.regionDirectory().list()).containsExactly("gone");
        }
        assertThat(Region.unlink("gone", options)).isTrue();
        assertThat(Region.unlink("gone", options)).isFalse();
        assertThat(options.regionDirectory().list()).isEmpty();
    }
}
