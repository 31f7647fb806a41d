package io.shmtel.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shmtel.core.Publisher;
import io.shmtel.core.region.ProcessInfo;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.RegionPermissionException;
import io.shmtel.tools.ShmtelCli;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A second, real user: regions are 0600 unless a wider mode is asked for; 0640 shares with the
 * group; a file another user planted under a region's name is refused. Runs as root, which creates
 * the user (and removes it afterwards); skipped with the reason otherwise.
 */
class PermissionsTest {
    static final String USER = "shmtelrel";
    static boolean createdUser;
    static Path classpath;
    static Scratch scratch;

    @BeforeAll
    static void secondUser() throws Exception {
        boolean root = ProcessInfo.currentUid() == 0;
        boolean tools = new File("/usr/bin/setpriv").canExecute() && new File("/usr/sbin/useradd").canExecute();
        if (!root || !tools) {
            System.out.println("PermissionsTest skipped: " + (!root ? "needs root to create a second user"
                    : "needs setpriv and useradd"));
        }
        assumeTrue(root && tools, "needs root, setpriv and useradd to run a process as a second user");
        if (run("id", "-u", USER) != 0) {
            assertThat(run("/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER))
                    .isZero();
            createdUser = true;
        }
        // The second user cannot read root's Maven repository: give it a world-readable copy of the class path.
        classpath = Files.createTempDirectory("shmtel-perm-cp-");
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path src = Path.of(e);
            Path dst = classpath.resolve(i++ + (Files.isDirectory(src) ? "" : ".jar"));
            copy(src, dst);
            entries.add(dst.toString());
        }
        System.setProperty("shmtel.perm.cp", String.join(File.pathSeparator, entries));
        run("chmod", "-R", "a+rX", classpath.toString());
        scratch = new Scratch("perm");
        assertThat(run("chmod", "1777", scratch.dir().toString())).isZero(); // sticky and open to all, like /dev/shm
    }

    @AfterAll
    static void removeUser() throws Exception {
        if (scratch != null) {
            scratch.close();
        }
        if (classpath != null) {
            run("rm", "-rf", classpath.toString());
        }
        if (createdUser) {
            run("/usr/sbin/userdel", USER);
        }
    }

    /** Runs a Worker as the second user, with {@code groups} as its supplementary groups ("" for none). */
    static String asSecondUser(String groups, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + USER, "--regid=" + USER));
        command.add(groups.isEmpty() ? "--clear-groups" : "--groups=" + groups);
        command.addAll(List.of("--", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:-UsePerfData", "-D" + Worker.ANY_OWNER_PROPERTY + "=true",
                "-cp", System.getProperty("shmtel.perm.cp"), Worker.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).directory(classpath.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void anOwnerOnlyRegionIsRefusedToASecondUserAndAGroupRegionIsSharedWithTheGroup() throws Exception {
        RegionOptions options = Worker.options(scratch.dir());
        try (Publisher mine = Publisher.create("private", TortureSample.LAYOUT, options);
                Publisher shared = Publisher.create("shared", TortureSample.LAYOUT, options.withMode(0640))) {
            RegionFuzzSuite.publish(mine.sink(TortureSample.RECORD), 3);
            RegionFuzzSuite.publish(shared.sink(TortureSample.RECORD), 3);

            String refused = asSecondUser("0", "read", scratch.dir().toString(), "private", "latest", "1", "5");
            assertThat(refused).contains("RegionPermissionException").contains("permission denied")
                    .contains("the writer creates regions with mode 0600 by default");

            String member = asSecondUser("0", "read", scratch.dir().toString(), "shared", "latest", "1", "5");
            assertThat(member).as("a member of the region's group (gid 0) reads a 0640 region")
                    .contains("reads 1 bad 0");

            String stranger = asSecondUser("", "read", scratch.dir().toString(), "shared", "latest", "1", "5");
            assertThat(stranger).contains("RegionPermissionException").contains("permission denied");
        }
    }

    @Test
    void aNameSquattedByAnotherUserIsRefusedToTheWriter() throws Exception {
        // The second user plants a file under the name before the writer starts (the directory is sticky, like
        // /dev/shm).
        String planted = asSecondUser("", "plant", scratch.dir().toString(), "squat");
        assertThat(planted).contains("planted");
        RegionOptions options = Worker.options(scratch.dir());
        assertThatThrownBy(() -> Publisher.create("squat", TortureSample.LAYOUT, options))
                .isInstanceOf(RegionPermissionException.class)
                .hasMessageContaining("is owned by uid");
        assertThat(Files.exists(options.regionDirectory().file("squat"))).isTrue();
    }

    /**
     * Issue 23, hole 10: another user's file in a sticky directory, which gc may read but not remove,
     * used to stop gc for everyone (exit 11 at the first one). gc now skips it with one line and
     * collects the rest.
     */
    @Test
    void gcOfOneUserSkipsAnotherUsersFileItMayNotRemoveAndCollectsTheRest() throws Exception {
        Path dir = Files.createDirectory(scratch.dir().resolve("gc-" + System.nanoTime()));
        assertThat(run("chmod", "1777", dir.toString())).isZero();
        RegionOptions options = Worker.options(dir);
        Path foreign = options.regionDirectory().file("a-foreign"); // sorted first: the first file gc meets
        Files.writeString(foreign, "not a region, and root's");
        Files.setPosixFilePermissions(foreign, PosixFilePermissions.fromString("rw-r--r--"));
        UserPrincipal second = dir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(USER);
        for (String name : List.of("b-mine", "c-mine")) {
            Publisher.create(name, TortureSample.LAYOUT, options).close();
            Files.setOwner(options.regionDirectory().file(name), second);
        }
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + USER, "--regid=" + USER,
                "--clear-groups", "--", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:-UsePerfData", "-cp", System.getProperty("shmtel.perm.cp"),
                ShmtelCli.class.getName(), "gc", "--closed", "--dir=" + dir));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).directory(classpath.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(18);
        assertThat(out).contains("shmtel gc: skipped " + foreign + ": cannot remove region \"a-foreign\": unlink("
                        + foreign + "): ", "; the file is owned by uid 0, and removing it needs write access to " + dir
                        + " (in a sticky directory such as /dev/shm, only the file's owner or root may remove it)",
                "removed b-mine (closed cleanly)", "removed c-mine (closed cleanly)",
                        "removed 2, kept 0, skipped 1 (see above)");
        assertThat(foreign).exists();
        assertThat(options.regionDirectory().file("b-mine")).doesNotExist();
    }

    static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    static void copy(Path src, Path dst) throws IOException {
        if (!Files.isDirectory(src)) {
            Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : files.toList()) {
                Path target = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
