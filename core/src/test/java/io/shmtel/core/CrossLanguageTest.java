package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.memory.Words;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.RecordView;
import io.shmtel.core.view.SampleSink;
import io.shmtel.schema.gen.CGenerator;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.layout.RegionHeaderDescriptor;
import io.shmtel.schema.testing.Examples;
import io.shmtel.schema.testing.Gcc;
import io.shmtel.schema.testing.NativeTools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A C process and this JVM share one memory-mapped file laid out from the same schema: the C
 * program publishes through the generated header's seqlock while Java reads through the generated
 * view, and the other way round. Every snapshot Java accepts must be one whole sample.
 */
class CrossLanguageTest {

    @BeforeAll
    static void needsGcc() {
        NativeTools.require("gcc");
    }

    static final String C_PROGRAM = """
            #include "arm.h"
            #include <fcntl.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <sys/mman.h>
            #include <unistd.h>

            /* usage: prog FILE publish N | prog FILE paced N GAP_US | prog FILE read */
            int main(int argc, char **argv) {
                if (argc < 3) { fprintf(stderr, "usage: %s FILE publish N | FILE read\\n", argv[0]); return 2; }
                int fd = open(argv[1], O_RDWR);
                if (fd < 0) { perror("open"); return 2; }
                void *base = mmap(NULL, ARM_REGION_LENGTH, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
                if (base == MAP_FAILED) { perror("mmap"); return 2; }
                int check = arm_check_region(base);
                if (check != SHMTEL_OK) { printf("check %d\\n", check); return 3; }
                if (strcmp(argv[2], "publish") == 0 || strcmp(argv[2], "paced") == 0) {
                    long n = atol(argv[3]);
                    long gap_us = strcmp(argv[2], "paced") == 0 ? atol(argv[4]) : 0;
                    arm_joint_state_t s;
                    memset(&s, 0, sizeof s);
                    for (long k = 0; k < n; k++) {
                        double sum = 0;
                        for (int j = 0; j < 6; j++) {
                            s.position[j] = (double)k + j;
                            s.velocity[j] = -(double)k;
                            sum += s.position[j] + s.velocity[j];
                        }
                        for (int j = 0; j < 6; j++) s.effort[j] = sum;
                        s.status = (int32_t)(k % 3);
                        snprintf(s.frame_id, sizeof s.frame_id, "c%ld", k % 100000);
                        arm_joint_state_publish(base, &s, shmtel_now_ns());
                        if (gap_us > 0) usleep((useconds_t)(gap_us + (k % 4) * gap_us / 2));
                    }
                    printf("published %ld\\n", n);
                } else {
                    arm_joint_state_t s;
                    uint64_t index = 0, ts = 0;
                    memset(&s, 0, sizeof s);
                    int r = arm_joint_state_read_latest(base, &s, &index, &ts);
                    printf("read %d index %llu ts %llu pos0 %.2f status %d frame %s\\n", r, (unsigned long long)index,
                           (unsigned long long)ts, s.position[0], s.status, s.frame_id);
                }
                munmap(base, ARM_REGION_LENGTH);
                close(fd);
                return 0;
            }
            """;

    /** The generated arm classes, the C program built against the generated header, and a region file. */
    record Setup(GeneratedJavaTest.Generated generated, Path binary, Path file) {}

    /** {@code fingerprintSkew} is added to the layout fingerprint written in the header (0: the right one). */
    static Setup setup(Path dir, String pkg, long fingerprintSkew) throws Exception {
        GeneratedJavaTest.Generated g = GeneratedJavaTest.generate(Examples.example("arm.json"), pkg, Map.of());
        Layout layout = g.layout();
        new CGenerator(layout).generate().get(0).writeTo(dir);
        Files.writeString(dir.resolve("xlang.c"), C_PROGRAM, StandardCharsets.UTF_8);
        List<String> flags = new ArrayList<>(Gcc.STRICT_C11);
        flags.remove("-pedantic");
        flags.add("-D_DEFAULT_SOURCE"); // mmap, open
        Path binary = Gcc.compile(dir, dir.resolve("xlang.c"), "xlang", flags);
        Path file = dir.resolve("region");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer region = channel.map(FileChannel.MapMode.READ_WRITE, 0, layout.regionLength());
            region.order(ByteOrder.LITTLE_ENDIAN);
            // The header words the generated C check reads; full region creation belongs to core's Region.
            region.putLong(RegionHeaderDescriptor.MAGIC_OFFSET, RegionHeaderDescriptor.MAGIC);
            region.putLong(RegionHeaderDescriptor.FINGERPRINT_OFFSET, layout.fingerprint() + fingerprintSkew);
            Words.putIntRelease(region, RegionHeaderDescriptor.VERSION_OFFSET, RegionHeaderDescriptor.FORMAT_VERSION);
        }
        return new Setup(g, binary, file);
    }

    static MappedByteBuffer map(Path file, long length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return (MappedByteBuffer) channel.map(FileChannel.MapMode.READ_WRITE, 0, length)
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    @Test
    void javaReadsWhatCPublishesConcurrentlyAndCReadsWhatJavaPublishes(@TempDir Path dir) throws Throwable {
        Setup setup = setup(dir, "test.gen.xlang", 0);
        GeneratedJavaTest.Generated g = setup.generated();
        RecordLayout record = g.layout().record("joint_state").orElseThrow();
        Path binary = setup.binary();
        Path file = setup.file();
        MappedByteBuffer region = map(file, g.layout().regionLength());
        // C publishes 10 million samples while Java reads the newest one as fast as it can.
        long samples = 10_000_000;
        Process c = new ProcessBuilder(binary.toString(), file.toString(), "publish", Long.toString(samples))
                .redirectErrorStream(true).start();
        Class<?> viewClass = g.load("JointStateView");
        RecordView view = (RecordView) viewClass.getConstructor().newInstance();
        var position = viewClass.getMethod("position", int.class);
        var velocity = viewClass.getMethod("velocity", int.class);
        var effort = viewClass.getMethod("effort", int.class);
        var statusRaw = viewClass.getMethod("statusRaw");
        var wrap = viewClass.getMethod("wrap", ByteBuffer.class, int.class);
        RingReader reader = new RingReader(region, RingGeometry.of(record));
        ByteBuffer snapshot = ByteBuffer.allocate(record.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        long reads = 0;
        long lastIndex = -1;
        while (c.isAlive() || reads == 0) {
            long k = reader.readLatest(snapshot);
            if (k < 0) {
                continue;
            }
            // Every read: the checksum straight from the snapshot (position and velocity sum into effort).
            double quick = 0;
            for (int j = 0; j < 6; j++) {
                quick += snapshot.getDouble(16 + j * 8) + snapshot.getDouble(16 + 48 + j * 8);
            }
            assertThat(snapshot.getDouble(16 + 96)).as("checksum of sample %d", k).isEqualTo(quick);
            assertThat(snapshot.getDouble(16)).as("position[0] of sample %d", k).isEqualTo((double) k);
            reads++;
            if ((reads & 63) != 0) {
                continue;
            }
            // Every 64th read: all fields through the generated view.
            wrap.invoke(view, snapshot, 0);
            double sum = 0;
            for (int j = 0; j < 6; j++) {
                double p = (double) position.invoke(view, j);
                double v = (double) velocity.invoke(view, j);
                assertThat(p).as("position[%d] of sample %d", j, k).isEqualTo((double) k + j);
                assertThat(v).as("velocity[%d] of sample %d", j, k).isEqualTo(-(double) k);
                sum += p + v;
            }
            for (int j = 0; j < 6; j++) {
                assertThat((double) effort.invoke(view, j)).as("checksum of sample %d", k).isEqualTo(sum);
            }
            assertThat((int) statusRaw.invoke(view)).isEqualTo((int) (k % 3));
            assertThat(k).as("sample indices never go back").isGreaterThanOrEqualTo(lastIndex);
            assertThat(view.timestampNs()).as("C and Java share CLOCK_MONOTONIC").isBetween(1L, System.nanoTime());
            lastIndex = k;
        }
        assertThat(c.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(
                "published " + samples + "\n");
        assertThat(c.exitValue()).isZero();
        assertThat(reader.readLatest(snapshot)).isEqualTo(samples - 1);
        System.out.printf("cross-language: %d validated Java reads of a C publisher, newest sample %d%n", reads,
                samples - 1);

        // Java publishes through the generated writer (resuming after C's samples); C reads it back.
        Class<?> writerClass = g.load("JointStateWriter");
        Object writer = writerClass.getConstructor(SampleSink.class)
                .newInstance(new RingWriter(region, RingGeometry.of(record)));
        writerClass.getMethod("position", int.class, double.class).invoke(writer, 0, 42.5);
        writerClass.getMethod("statusRaw", int.class).invoke(writer, 2);
        writerClass.getMethod("frameId", CharSequence.class).invoke(writer, "from_java");
        long k = (long) writerClass.getMethod("commit", long.class).invoke(writer, 123_456L);
        assertThat(k).isEqualTo(samples);
        assertThat(Gcc.run(List.of(binary.toString(), file.toString(), "read"), 60)).isEqualTo(
                "read 1 index " + samples + " ts 123456 pos0 42.50 status 2 frame from_java\n");
    }

    /**
     * The generated C publish function wakes Java subscribers asleep on the record: every sample of
     * a paced C publisher reaches a Java WaitSet whose sleeps would last 20 s, none by a timeout.
     */
    @Test
    @ExtendWith(ShmDirectory.class)
    void aCPublisherWakesJavaSubscribersAsleepOnItsRecord(@TempDir Path dir, RegionOptions options) throws Exception {
        Setup setup = setup(dir, "test.gen.xlang3", 0);
        Layout layout = setup.generated().layout();
        try (Publisher creator = Publisher.create("xlang", layout, options); // creates the region; C writes into it
                Subscriber subscriber = Subscriber.open("xlang", "joint_state", options)) {
            subscriber.seekToNewest();
            WaitSet waitSet = new WaitSet().add(subscriber);
            long samples = 300;
            Process c = new ProcessBuilder(setup.binary().toString(), creator.region().file().toString(), "paced",
                    Long.toString(samples), "500").redirectErrorStream(true).start();
            DynamicView view = new DynamicView(subscriber.record());
            long read = 0;
            long last = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (last < samples - 1 && System.nanoTime() - deadline < 0) {
                if (subscriber.poll(view)) {
                    read++;
                    last = view.sampleIndex();
                    assertThat(view.number(view.field("position"), 0)).as("position[0] of sample %d", last)
                            .isEqualTo((double) last);
                    continue;
                }
                waitSet.sleep(TimeUnit.SECONDS.toNanos(20));
            }
            assertThat(c.waitFor(60, TimeUnit.SECONDS)).isTrue();
            System.out.printf("cross-language wake: %d of %d C samples read, %d sleeps, %d wake-ups, %d timeouts%n",
                    read,
                    samples, waitSet.sleeps(), waitSet.wakeups(), waitSet.timeouts());
            assertThat(read + subscriber.lostSamples()).isEqualTo(samples);
            assertThat(waitSet.sleeps()).as("sleeps").isPositive();
            assertThat(waitSet.timeouts()).as("sleeps that only a timeout ended").isZero();
        }
    }

    @Test
    void theGeneratedCheckRefusesAnotherLayout(@TempDir Path dir) throws Exception {
        Setup setup = setup(dir, "test.gen.xlang2", 1);
        Process p = new ProcessBuilder(setup.binary().toString(), setup.file().toString(), "read")
                .redirectErrorStream(true).start();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("check -4\n");
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(3);
    }
}
