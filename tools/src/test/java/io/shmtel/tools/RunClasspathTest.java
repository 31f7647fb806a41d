package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.Subscriber;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.view.DynamicView;
import io.shmtel.sensors.BuiltInSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own driver type and action, compiled here into a jar with a
 * META-INF/services/io.shmtel.config.ShmtelExtension file, used by `shmtel run` through
 * --classpath (and, in a process of its own, from the plain classpath).
 */
class RunClasspathTest {
    static final String EXTENSION = """
            package com.example.tank;

            import io.shmtel.config.ShmtelExtension;
            import io.shmtel.config.SubscriberAction;
            import io.shmtel.core.view.DynamicWriter;
            import io.shmtel.core.view.SampleSink;
            import io.shmtel.schema.layout.Layout;
            import io.shmtel.sensors.BuiltInSchemas;
            import io.shmtel.sensors.DriverFactory;
            import io.shmtel.sensors.DriverParameter;
            import io.shmtel.sensors.SensorDriver;
            import java.util.List;
            import java.util.Map;

            public final class TankExtension implements ShmtelExtension {
                static final class Ramp implements SensorDriver<DynamicWriter> {
                    final double gain;
                    Ramp(double gain) { this.gain = gain; }
                    public Layout layout() { return BuiltInSchemas.statusFlag(); }
                    public String record() { return "status"; }
                    public DynamicWriter newWriter(SampleSink sink) {
                        return new DynamicWriter(sink, layout().record("status").orElseThrow());
                    }
                    public void sample(DynamicWriter w, long k, long dueNs) {
                        w.setDouble(w.field("value"), 0, 1000 + k * gain).setLong(w.field("status"), 0, 1);
                    }
                }

                @Override
                public List<DriverFactory> driverTypes() {
                    return List.of(DriverFactory.of("TYPE", "a ramp from 1000",
                            List.of(DriverParameter.number("gain", 1.0, "added per sample")),
                                    p -> new Ramp(p.number("gain"))));
                }

                @Override
                public Map<String, SubscriberAction> actions() {
                    return Map.of("user-print", (subscriber, view) ->
                            System.out.println("user-print saw " + view.number("value")));
                }
            }
            """;

    @TempDir
    static Path work;

    Path dir;
    Path deployment;
    final List<Thread> drains = new ArrayList<>();

    @BeforeEach
    void createDir() throws IOException {
        dir = ShmDirectory.create();
        deployment = dir.resolve("user.json");
        Files.writeString(deployment, """
                { "deployment": "user", "directory": ".", "removeRegionsOnExit": true, "heartbeatPeriodMs": 20,
                  "regions": [ { "name": "user.ramp", "schema": "%s" } ],
                  "nodes": [ { "name": "plant",
                    "drivers": [ { "type": "user-ramp", "region": "user.ramp", "rateHz": 50, "params": { "gain": 2 \
                } } ],
                    "subscribers": [ { "name": "printer", "region": "user.ramp", "action": { "type": "user-print" } \
                } ] } ] }
                """.formatted(Path.of("../schema/examples/status_flag.json").toAbsolutePath()));
    }

    @AfterEach
    void removeDir() throws IOException {
        ShmDirectory.delete(dir);
    }

    /** Compiles the extension (its driver type named {@code type}) into {@code name}.jar with its services file. */
    static Path userJar(String name, String type) throws IOException {
        return userJar(work, name, type);
    }

    /** As {@link #userJar(String, String)}, built under {@code work}. */
    static Path userJar(Path work, String name, String type) throws IOException {
        Path jar = work.resolve(name + ".jar");
        if (Files.exists(jar)) {
            return jar;
        }
        Path src = work.resolve(name + "-src/com/example/tank/TankExtension.java");
        Path classes = work.resolve(name + "-classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, EXTENSION.replace("TYPE", type));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK's compiler").isNotNull();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-classpath", System.getProperty("java.class.path"),
                "-d", classes.toString(), src.toString());
        assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files =
                Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/io.shmtel.config.ShmtelExtension"));
            out.write("# a user's driver types\ncom.example.tank.TankExtension\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void checkWithoutClasspathNamesTheUnknownTypeAndTheFix() {
        CliTest.Result r = CliTest.run("run", "--check", deployment.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.err().lines().toList()).hasSize(2);
        assertThat(r.err()).contains("/nodes/0/drivers/0/type: unknown driver type \"user-ramp\" (types: cpu, ")
                .contains("/nodes/0/subscribers/0/action/type: unknown action \"user-print\" (actions: log, none)")
                .contains("; one of your own: put its jar on the classpath (shmtel run --classpath JAR)");
    }

    @Test
    void checkWithClasspathAcceptsTheUserTypeAndAction() throws IOException {
        CliTest.Result r = CliTest.run("run", "--check", "--classpath", userJar("tank", "user-ramp").toString(),
                deployment.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(deployment + ": ok: deployment \"user\", 1 regions, 1 nodes\n");
        // the jar's loader does not outlive the command
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(RunClasspathTest.class.getClassLoader());
    }

    @Test
    void aClassDirectoryWorksLikeAJar() throws IOException {
        userJar("tank", "user-ramp"); // compiles into tank-classes
        Path classes = work.resolve("tank-classes");
        Path services = classes.resolve("META-INF/services/io.shmtel.config.ShmtelExtension");
        Files.createDirectories(services.getParent());
        Files.writeString(services, "com.example.tank.TankExtension\n");
        CliTest.Result r = CliTest.run("run", "--check", "--classpath",
                work.resolve("nothing-here-but-a-dir") + ":" + classes,
                deployment.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID_INPUT); // the first entry is not there
        Files.createDirectories(work.resolve("nothing-here-but-a-dir"));
        r = CliTest.run("run", "--check", "--classpath", work.resolve("nothing-here-but-a-dir") + ":" + classes,
                deployment.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("ok: deployment \"user\"");
    }

    @Test
    void aClasspathEntryThatIsNotThereIsAnInputError() throws IOException {
        String missing = work.resolve("nope.jar").toString();
        CliTest.Result r = CliTest.run("run", "--check", "--classpath", userJar("tank", "user-ramp") + ":" + missing,
                deployment.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.err()).isEqualTo("shmtel run: --classpath: no such jar or directory: " + missing
                + "; expected jars and class directories separated by ':'\nTry 'shmtel help run' for its usage.\n");
    }

    @Test
    void anExtensionTakingABuiltInNameIsRefusedByName() throws IOException {
        CliTest.Result r = CliTest.run("run", "--check", "--classpath", userJar("clash", "cpu").toString(),
                deployment.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.err()).isEqualTo("shmtel run: driver extension com.example.tank.TankExtension: driver type "
                + "\"cpu\" "
                + "is taken (built in); give it another name\n");
    }

    @Test
    void aServicesFileNamingAMissingClassIsOneLineAndExit2() throws IOException {
        Path jar = work.resolve("broken.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/io.shmtel.config.ShmtelExtension"));
            out.write("com.example.NotThere\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        CliTest.Result r = CliTest.run("run", "--check", "--classpath", jar.toString(), deployment.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("shmtel run: cannot load a driver extension: ")
                .contains("com.example.NotThere")
                .endsWith("META-INF/services/io.shmtel.config.ShmtelExtension must name public classes implementing "
                        + "io.shmtel.config.ShmtelExtension with a public no-argument constructor");
    }

    @Test
    void doctorWithoutClasspathNamesTheUnknownTypeAndTheFix() {
        CliTest.Result r = CliTest.run("doctor", "--dir=" + dir, deployment.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.err().lines().toList()).hasSize(2); // the file's two errors, nothing else
        assertThat(r.err()).startsWith(deployment + ":")
                .contains("/nodes/0/drivers/0/type: unknown driver type \"user-ramp\" (types: cpu, ")
                .contains("; one of your own: put its jar on the classpath (shmtel run --classpath JAR)");
    }

    @Test
    void doctorWithClasspathWeighsTheDeploymentUsingTheUserType() throws IOException {
        CliTest.Result r = CliTest.run("doctor", "--dir=" + dir, deployment.toString(), "--classpath",
                userJar("tank", "user-ramp").toString());
        assertThat(r.code()).as(r.err()).isIn(ExitCodes.OK, ExitCodes.DOCTOR_PROBLEMS); // the machine's findings
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("memory locking: deployment " + deployment + " locks 0 regions");
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(RunClasspathTest.class.getClassLoader());
    }

    @Test
    void doctorRejectsAClasspathEntryThatIsNotThereAsRunDoes() {
        String missing = work.resolve("nope.jar").toString();
        CliTest.Result r = CliTest.run("doctor", "--dir=" + dir, deployment.toString(), "--classpath", missing);
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.err()).isEqualTo("shmtel doctor: --classpath: no such jar or directory: " + missing
                + "; expected jars and class directories separated by ':'\nTry 'shmtel help doctor' for its usage.\n");
    }

    @Test
    void bridgeRunLoadsTheDeploymentWithTheUserTypeFromClasspath() throws IOException {
        // without --classpath the file is refused for its unknown type, before any bridge is looked for
        CliTest.Result without = CliTest.run("bridge", "run", deployment.toString());
        assertThat(without.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(without.err().lines().toList()).hasSize(2);
        assertThat(without.err()).startsWith(deployment + ":")
                .contains("/nodes/0/drivers/0/type: unknown driver type \"user-ramp\"")
                .contains("(shmtel run --classpath JAR)");
        // with it the file is accepted; this one has no bridges, which is the next thing said
        CliTest.Result with = CliTest.run("bridge", "run", "--classpath", userJar("tank", "user-ramp").toString(),
                deployment.toString());
        assertThat(with.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(with.err()).isEqualTo("shmtel bridge run: " + deployment + ": no bridges in any node\n"
                + "Try 'shmtel help bridge run' for its usage.\n");
    }

    @Test
    void theServiceLoaderFindsExtensionsOnThePlainClasspath() throws Exception {
        Process p = new ProcessBuilder(java(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path") + ":" + userJar("tank", "user-ramp"), ShmtelCli.class.getName(),
                "run", "--check", deployment.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("ok: deployment \"user\"");
    }

    @Test
    void runPublishesFromTheUserDriverAndRunsTheUserAction() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), ShmtelCli.class.getName(), "run", "--classpath",
                userJar("tank", "user-ramp").toString(), deployment.toString()));
        Process p = new ProcessBuilder(cmd).start();
        ByteArrayOutputStream out = drain(p.getInputStream());
        ByteArrayOutputStream err = drain(p.getErrorStream());
        try (Subscriber s = Subscriber.open("user.ramp", "status", BuiltInSchemas.statusFlag(),
                ShmDirectory.options(dir))) {
            DynamicView view = new DynamicView(BuiltInSchemas.statusFlag().record("status").orElseThrow());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            boolean read = false;
            while (!read && System.nanoTime() < deadline && p.isAlive()) {
                read = s.awaitLatest(view, TimeUnit.MILLISECONDS.toNanos(200)) && view.sampleIndex() >= 5;
            }
            assertThat(read).as("a sample of the user driver; stderr:\n" + err).isTrue();
            // value = 1000 + gain * k, k the driver's due-time index: the ring's sample index, or more
            // when the scheduler skipped due times on a loaded machine
            double k = (view.number("value") - 1000) / 2.0;
            assertThat(k).isEqualTo(Math.rint(k)).isGreaterThanOrEqualTo(view.sampleIndex());
            assertThat(view.number("status")).isEqualTo(1);
            while (!out.toString(StandardCharsets.UTF_8).contains("user-print saw") && System.nanoTime() < deadline
                    && p.isAlive()) {
                Thread.sleep(50); // the subscriber's thread starts after the driver's
            }
        } finally {
            p.destroy(); // SIGTERM: the deployment stops cleanly
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            for (Thread t : drains) {
                t.join(5000);
            }
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).as("the user action's output; stderr:\n" + err)
                .contains("user-print saw 10");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("regions removed on exit")
                    .containsExactly("user.json");
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Reads a child's stream on a thread of its own, so the child never blocks on a full pipe. */
    ByteArrayOutputStream drain(InputStream in) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Thread t = new Thread(() -> {
            try (in; OutputStream out = buffer) {
                in.transferTo(out);
            } catch (IOException e) {
                // the child ended
            }
        });
        t.setDaemon(true);
        t.start();
        drains.add(t);
        return buffer;
    }
}
