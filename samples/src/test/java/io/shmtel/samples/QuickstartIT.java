package io.shmtel.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * docs/quickstart.md, as a new user follows it: the files are taken from the page's fenced blocks
 * (each after its "File `path`:" line), built with {@code mvn -q package} against the artifacts of
 * this reactor, and the two mains run in two JVMs as the page says; a sample must arrive, and
 * SIGTERM must leave the region CLOSED.
 *
 * <p>The shmtel artifacts (parent, schema, core, maven plugin) are copied from the reactor's
 * {@code target} directories into a temporary local repository, never into ~/.m2; third-party
 * artifacts come from the user's local repository as a file:// repository, else Maven Central.
 * So it works offline once the project itself has been built. Runs as a failsafe IT, after
 * {@code package} of every module it needs.
 */
class QuickstartIT {
    static final Path ROOT = Path.of(System.getProperty("shmtel.root", "..")).toAbsolutePath().normalize();
    static final Path PAGE = ROOT.resolve("docs/quickstart.md");
    static final String VERSION = System.getProperty("shmtel.version", "0.1.0-SNAPSHOT");
    static final Pattern FILE_BLOCK = Pattern.compile("^File `([^`]+)`:\\s*\\n+```[a-z]*\\n(.*?)\\n```",
            Pattern.MULTILINE
            | Pattern.DOTALL);
    static final String JAR = "target/quickstart-1.0.jar";
    static final String PUBLISH = "java --enable-native-access=ALL-UNNAMED -cp " + JAR
            + " com.example.quickstart.Publish";
    static final String SUBSCRIBE = "java --enable-native-access=ALL-UNNAMED -cp " + JAR
            + " com.example.quickstart.Subscribe";

    final List<Process> children = new ArrayList<>();
    final List<Path> temporary = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (Path dir : temporary) {
            ShmDirectory.delete(dir);
        }
    }

    /** The page's files, by path, in page order. */
    static Map<String, String> files(String page) {
        Map<String, String> files = new LinkedHashMap<>();
        Matcher m = FILE_BLOCK.matcher(page);
        while (m.find()) {
            files.put(m.group(1), m.group(2) + "\n");
        }
        return files;
    }

    @Test
    void theQuickStartPageBuildsAndItsTwoMainsTalkThroughARegion() throws Exception {
        String mvn = onPath("mvn");
        assumeTrue(mvn != null, "mvn is not on PATH: the quick start cannot be built");
        String page = Files.readString(PAGE);
        Map<String, String> files = files(page);
        assertThat(files.keySet()).as("files of %s", PAGE).containsExactly("pom.xml", "src/main/shmtel/pose.json",
                "src/main/java/com/example/quickstart/Publish.java",
                        "src/main/java/com/example/quickstart/Subscribe.java");
        assertThat(files.get("pom.xml")).as("the page pins this project's version")
                .contains("<shmtel.version>" + VERSION + "</shmtel.version>");
        assertThat(page).as("the page runs what this test runs").contains("mvn -q package", PUBLISH, SUBSCRIBE);

        Path work = Files.createTempDirectory("shmtel-quickstart-");
        temporary.add(work);
        Path project = work.resolve("quickstart");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = project.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
        }
        Path repo = work.resolve("repository");
        installReactorArtifacts(repo);
        Path settings = work.resolve("settings.xml");
        Files.writeString(settings, settings(userRepository()));

        Path buildLog = work.resolve("build.log");
        Process build = new ProcessBuilder(mvn, "-B", "-q", "-s", settings.toString(), "-Dmaven.repo.local=" + repo,
                "package").directory(project.toFile()).redirectErrorStream(true).redirectOutput(buildLog.toFile())
                        .start();
        children.add(build);
        assertThat(build.waitFor(180, TimeUnit.SECONDS)).as("mvn package finished within 180 s").isTrue();
        assertThat(build.exitValue()).as("mvn -q package of the quick start:%n%s", Files.readString(buildLog)).isZero();
        assertThat(project.resolve(JAR)).exists();
        assertThat(project.resolve("target/generated-sources/shmtel/com/example/quickstart/pose/PoseWriter.java"))
                .exists();

        Path shm = ShmDirectory.create();
        temporary.add(shm);
        Process publisher = run(project, shm, PUBLISH);
        BufferedReader pubOut = new BufferedReader(new InputStreamReader(publisher.getInputStream(),
                StandardCharsets.UTF_8));
        String first = pubOut.readLine();
        assertThat(first).as("publisher's first line").isEqualTo("publishing into " + shm.resolve("shmtel.pose")
                + "; Ctrl-C to stop");
        Process subscriber = run(project, shm, SUBSCRIBE + " 3");
        assertThat(subscriber.waitFor(30, TimeUnit.SECONDS)).as("subscriber got 3 samples within 30 s").isTrue();
        String out = new String(subscriber.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(subscriber.exitValue()).as(out).isZero();
        List<String> lines = out.lines().toList();
        assertThat(lines).as(out).hasSize(3);
        Pattern sample = Pattern.compile("sample (\\d+): x=(\\d+)\\.0 y=-?\\d\\.\\d{3} z=1\\.5 OK map");
        long previous = -1;
        for (String line : lines) {
            Matcher m = sample.matcher(line);
            assertThat(m.matches()).as("subscriber line %s", line).isTrue();
            long k = Long.parseLong(m.group(1));
            assertThat(Long.parseLong(m.group(2))).as("x is the sample number").isEqualTo(k);
            assertThat(k).as("in order").isEqualTo(previous < 0 ? k : previous + 1);
            previous = k;
        }

        new ProcessBuilder("kill", "-TERM", Long.toString(publisher.pid())).start().waitFor(10, TimeUnit.SECONDS);
        assertThat(publisher.waitFor(20, TimeUnit.SECONDS)).as("publisher stops on SIGTERM").isTrue();
        String rest = new String(publisher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(rest).as("publisher output after SIGTERM").doesNotContain("Exception");
        try (Region region = Region.open("pose", RegionOptions.defaults().withDirectory(shm))) {
            assertThat(region.writerState(5)).as("the page's publisher closes its region on SIGTERM").isEqualTo(
                    WriterState.CLOSED);
        }
        System.out.printf("quick start: built %s with mvn in %s, subscriber printed %s%n", JAR, project, lines.get(0));
    }

    Process run(Path project, Path shm, String commandLine) throws IOException {
        List<String> command = new ArrayList<>(List.of(commandLine.split(" ")));
        command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
        builder.environment().put("SHMTEL_DIR", shm.toString());
        Process p = builder.start();
        children.add(p);
        return p;
    }

    /**
     * Copies the reactor's parent POM and the schema, core and maven-plugin jars and POMs into
     * {@code repo} in the local-repository layout, as {@code mvn install} would put them.
     */
    static void installReactorArtifacts(Path repo) throws IOException {
        install(repo, "shmtel-parent", ROOT.resolve("pom.xml"), null);
        for (String[] module : new String[][] {{"schema", "shmtel-schema"}, {"core", "shmtel-core"},
                {"maven-plugin", "shmtel-maven-plugin"}}) {
            Path jar = ROOT.resolve(module[0]).resolve("target").resolve(module[1] + "-" + VERSION + ".jar");
            assertThat(jar).as("%s is packaged (run the reactor: mvn -pl samples -am verify)", module[1]).exists();
            install(repo, module[1], ROOT.resolve(module[0]).resolve("pom.xml"), jar);
        }
    }

    static void install(Path repo, String artifactId, Path pom, Path jar) throws IOException {
        Path dir = repo.resolve("io/shmtel").resolve(artifactId).resolve(VERSION);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifactId + "-" + VERSION + ".pom"));
        if (jar != null) {
            Files.copy(jar, dir.resolve(artifactId + "-" + VERSION + ".jar"));
        }
    }

    /** The local repository of the build running this test (where third-party artifacts are). */
    static Path userRepository() {
        String configured = System.getProperty("shmtel.userRepository");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** Settings reaching the user's repository as a file:// repository first, then Maven Central. */
    static String settings(Path userRepository) {
        String url = userRepository.toUri().toString();
        String repository = """
                        <id>%s</id>
                        <url>%s</url>
                        <releases><enabled>true</enabled><checksumPolicy>ignore</checksumPolicy></releases>
                        <snapshots><enabled>false</enabled></snapshots>
                """;
        return """
                <settings>
                  <profiles>
                    <profile>
                      <id>user-repository</id>
                      <repositories>
                        <repository>
                %s      </repository>
                      </repositories>
                      <pluginRepositories>
                        <pluginRepository>
                %s      </pluginRepository>
                      </pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>user-repository</activeProfile></activeProfiles>
                </settings>
                """.formatted(repository.formatted("user-m2", url), repository.formatted("user-m2-plugins", url));
    }

    static String onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
