package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.shmtel.core.nativeio.MemoryCalls;
import io.shmtel.core.region.MemoryOptions;
import io.shmtel.core.region.ProcessInfo;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionMemoryException;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real-time memory options on real mappings, checked in /proc/self/smaps: prefaulting makes every
 * page resident, locking locks them (VmLck), a lock beyond RLIMIT_MEMLOCK (a child without
 * CAP_IPC_LOCK under prlimit) fails with the limit and the fix and leaves no region behind, and huge
 * pages are refused with the reason where the tmpfs has none and used where it has (a tmpfs mounted
 * with huge=always in a private mount namespace, as root).
 */
@ExtendWith(ShmDirectory.class)
class RegionMemoryTest {
    static final Pattern CREATED = Pattern.compile("created rss=(-?\\d+) locked=(-?\\d+) huge=(-?\\d+)");
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void kill() throws InterruptedException {
        RegionChild.killAll(children);
    }

    /** A schema whose region is about {@code mib} MiB (one record of 4 KiB slots). */
    static Path bigSchema(Path dir, int mib) throws IOException {
        Path schema = dir.resolve("big" + mib + ".json");
        Files.writeString(schema,
                "{\"schema\": \"big\", \"version\": 1, \"records\": [{\"name\": \"frame\", \"depth\": "
                + (mib * 256) + ", \"fields\": [{\"name\": \"pixels\", \"type\": \"u8\", \"count\": 4000}]}]}");
        return schema;
    }

    static Layout layout(Path schema) {
        return LayoutCompiler.compile(SchemaParser.parse(schema));
    }

    @Test
    void prefaultMakesEveryPageResidentAndLockLocksThem(RegionOptions options) throws IOException {
        Layout layout = layout(bigSchema(options.directory(), 8));
        long length = layout.regionLength();
        try (Publisher plain = Publisher.create("plain", layout, options)) {
            long rss = Region.mappingBytes(plain.region().buffer(), "Rss:");
            assertThat(rss).as("a fresh mapping holds only the header pages").isLessThan(length / 2);
        }
        try (Publisher prefaulted = Publisher.create("prefaulted", layout, options.withMemory(
                MemoryOptions.defaults().withPrefault(true).withAdvice(MemoryOptions.Advice.WILLNEED)))) {
            assertThat(Region.mappingBytes(prefaulted.region().buffer(), "Rss:")).isEqualTo(length);
            try (Region reader = Region.open("prefaulted", options.withMemory(MemoryOptions.defaults()
                    .withPrefault(true)))) {
                assertThat(Region.mappingBytes(reader.buffer(), "Rss:")).as("a prefaulted reader").isEqualTo(length);
            }
        }
        long lockedBefore = MemoryCalls.lockedBytes();
        try (Publisher locked = Publisher.create("locked", layout,
                options.withMemory(MemoryOptions.defaults().withLock(true)))) {
            assertThat(Region.mappingBytes(locked.region().buffer(), "Locked:")).isEqualTo(length);
            assertThat(MemoryCalls.lockedBytes() - lockedBefore).isGreaterThanOrEqualTo(length);
        }
    }

    @Test
    void aLockBeyondTheMemlockLimitFailsWithTheLimitAndTheFixAndLeavesNothing(RegionOptions options) throws Exception {
        boolean root = ProcessInfo.currentUid() == 0;
        assumeThat(Files.isExecutable(Path.of("/usr/bin/prlimit"))
                && (!root || Files.isExecutable(Path.of("/usr/bin/setpriv"))))
                .as("needs prlimit (and setpriv as root, to drop CAP_IPC_LOCK)").isTrue();
        Path schema = bigSchema(options.directory(), 1);
        List<String> command = new ArrayList<>();
        if (root) {
            command.addAll(List.of("setpriv", "--bounding-set=-ipc_lock", "--inh-caps=-ipc_lock"));
        }
        command.addAll(List.of("prlimit", "--memlock=65536:65536",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), RegionChild.class.getName(),
                "memory", options.directory().toString(), "limited", schema.toString(), "false", "true", "normal",
                        "false"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        children.add(p);
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        System.out.print(out);
        assertThat(out).contains("failed: RegionMemoryException: region \"limited\": cannot lock its ")
                .contains("in RAM: mlock failed: ")
                .contains("The locked-memory limit (RLIMIT_MEMLOCK) of this process is 64 KiB")
                .contains("ulimit -l")
                .contains("LimitMEMLOCK=infinity")
                .contains("Without the lock option the region works, pageable")
                .contains("left: [big1.json]");
        assertThat(p.exitValue()).isEqualTo(3);
    }

    @Test
    void hugePagesAreRefusedWithTheReasonWhereTheTmpfsHasNone(RegionOptions options) throws IOException {
        Layout layout = layout(bigSchema(options.directory(), 4));
        Path dir = options.directory();
        String why = hugePageReason(dir.resolve("shmtel.x"), layout.regionLength());
        if (why == null) {
            // This machine's test directory offers huge pages: they are used.
            try (Publisher p = Publisher.create("huge", layout, options.withMemory(
                    MemoryOptions.defaults().withHugePages(true).withPrefault(true)))) {
                assertThat(Region.mappingBytes(p.region().buffer(), "ShmemPmdMapped:")).isPositive();
            }
            return;
        }
        try {
            Publisher.create("huge", layout, options.withMemory(MemoryOptions.defaults().withHugePages(true))).close();
            throw new AssertionError("huge pages were not refused: " + why);
        } catch (RegionMemoryException e) {
            assertThat(e.getMessage()).startsWith("region \"huge\": cannot use huge pages: ").contains(why);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).as("nothing created")
                    .containsExactly("big4.json");
        }
        Layout small = layout(bigSchema(dir, 1));
        try {
            Publisher.create("small", small, options.withMemory(MemoryOptions.defaults().withHugePages(true))).close();
            throw new AssertionError("a 1 MiB region with huge pages was not refused");
        } catch (RegionMemoryException e) {
            assertThat(e.getMessage()).contains("smaller than one huge page (2 MiB)");
        }
    }

    /** As root with unshare: a private tmpfs mounted with huge=always backs a 4 MiB region with huge pages. */
    @Test
    void hugePagesBackARegionOnATmpfsMountedWithHugePages(RegionOptions options) throws Exception {
        boolean root = ProcessInfo.currentUid() == 0;
        assumeThat(root && Files.isExecutable(Path.of("/usr/bin/unshare"))).as("needs root and unshare").isTrue();
        assumeThat(Files.exists(Path.of("/sys/kernel/mm/transparent_hugepage/shmem_enabled")))
                .as("needs transparent huge pages").isTrue();
        Path schema = bigSchema(options.directory(), 4);
        Path mount = options.directory().resolve("huge-tmpfs");
        Files.createDirectories(mount);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = "mount -t tmpfs -o size=64m,huge=always shmtel-huge " + mount + " && exec " + java
                + " --enable-native-access=ALL-UNNAMED -cp " + System.getProperty("java.class.path") + " "
                + RegionChild.class.getName() + " memory " + mount + " huge " + schema + " true false normal true";
        Process p = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c", script)
                .redirectErrorStream(true).start();
        children.add(p);
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        System.out.print("huge-page child: " + out);
        assumeThat(out).as("mounting a tmpfs with huge=always here").doesNotContain("mount:");
        Matcher m = CREATED.matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Long.parseLong(m.group(3))).as("huge-page bytes of the mapping: %s", out).isPositive();
    }

    private static String hugePageReason(Path file, long length) {
        return Region.hugePageRefusal(file, length);
    }
}
