package io.shmtel.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * The SPIN models of the protocol (spec/*.pml, spec/README.md): every {@code //! run:} of every
 * model must end without error, every {@code //! mutant:} must give a counterexample. Each run
 * prints its states stored, transitions, depth, memory and time. Skipped with the reason when spin
 * or gcc is missing, unless SHMTEL_REQUIRE_SPIN=1 (CI) makes that a failure.
 */
class SpinModelTest {
    static final boolean REQUIRED = "1".equals(System.getenv(SpinModels.REQUIRE_VARIABLE));

    @TempDir
    static Path work;

    /**
     * One container per model, one test per run and per mutant. The verifications start at once on
     * a pool of one thread per processor (each test waits for its own), so the whole spec takes
     * about the time of its longest run plus the compilations.
     */
    @TestFactory
    Stream<DynamicNode> everyModelHoldsAndEveryMutantFails() throws IOException {
        String missing = SpinModels.toolsMissing(System.getenv("PATH"));
        if (missing != null) {
            // One test that is skipped (or fails, when required), so the report counts it.
            return Stream.of(DynamicTest.dynamicTest("spec/*.pml", () -> SpinModels.skipOrFail(missing, REQUIRED)));
        }
        Path spec = specDirectory();
        List<Path> models;
        try (Stream<Path> files = Files.list(spec)) {
            models = files.filter(f -> f.getFileName().toString().endsWith(".pml")).sorted().toList();
        }
        assertThat(models).as("models in " + spec).isNotEmpty();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()),
                r -> {
                    Thread t = new Thread(r, "spin");
                    t.setDaemon(true);
                    return t;
                });
        List<DynamicNode> nodes = new ArrayList<>();
        for (Path model : models) {
            SpinModels.Directives d = SpinModels.parse(model);
            String name = "spec/" + model.getFileName();
            assertThat(d.mutants()).as(name + ": every model ships with a mutant that must fail (//! mutant:)")
                    .isNotEmpty();
            List<DynamicNode> tests = new ArrayList<>();
            for (SpinModels.RunDirective run : d.runs()) {
                Future<Checked> result = pool.submit(() -> check(model, name, run.defines(), null, d.ccFlags(),
                        run.panFlags(), false));
                tests.add(DynamicTest.dynamicTest("run " + run.title(), () -> report(result)));
            }
            for (SpinModels.Mutant m : d.mutants()) {
                assertThat(Files.readString(model)).as(name + ":" + m.line() + ": the model has no MUTANT_" + m.name())
                        .contains("MUTANT_" + m.name());
                Future<Checked> result = pool.submit(() -> check(model, name, List.of(), m.name(), d.ccFlags(),
                        m.panFlags(), true));
                tests.add(DynamicTest.dynamicTest("mutant " + m.name() + " (" + m.description() + ")",
                        () -> report(result)));
            }
            nodes.add(DynamicContainer.dynamicContainer(name, tests));
        }
        pool.shutdown();
        return nodes.stream();
    }

    /** A verification's figures line and what is wrong with it (null when nothing). */
    private record Checked(String figures, String failure) {}

    private static void report(Future<Checked> result) throws Exception {
        Checked c;
        try {
            c = result.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        System.out.println(c.figures());
        if (c.failure() != null) {
            throw new AssertionError(c.failure());
        }
    }

    private static Checked check(Path model, String name, List<String> defines, String mutant, List<String> cc,
                                 String panFlags, boolean expectCounterexample) throws Exception {
        Path dir = Files.createTempDirectory(work, model.getFileName() + "-" + (mutant == null ? "run" : mutant) + "-");
        String what = name + (mutant == null ? " run " : " mutant " + mutant + " ")
                + (defines.isEmpty() ? "" : String.join(" ", defines) + " | ") + panFlags;
        SpinModels.Outcome o;
        try {
            o = SpinModels.verify(model, defines, mutant, cc, panFlags, dir);
        } catch (SpinModels.StepFailed e) {
            return new Checked(what + ": failed", what + ": " + e.getMessage());
        }
        String figures = what + ": " + o.figures()
                + (o.violations().isEmpty() ? "" : "; " + String.join("; ", o.violations()));
        List<String> problems = SpinModels.problems(o, expectCounterexample);
        if (problems.isEmpty()) {
            return new Checked(figures, null);
        }
        String trail = expectCounterexample ? "" : "\ncounterexample (spin -t -p), last lines:\n"
                + SpinModels.tail(SpinModels.replay(dir, model, defines));
        return new Checked(figures, what + ": " + String.join("; ", problems) + "\n" + o.command() + "\n"
                + SpinModels.tail(o.output()) + trail);
    }

    /** The repository's spec/ directory, looked for from the module directory upwards. */
    static Path specDirectory() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("spec")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir.resolve("spec");
            }
        }
        throw new AssertionError("no spec/ directory above " + Path.of("").toAbsolutePath());
    }

    // ---- the runner's own tests ----

    /** The self-test's tiny models compile faster unoptimised (gcc takes the last -O). */
    private static final List<String> FAST = List.of("-O0");

    private static Path selfTestModel(Path dir) throws IOException {
        Path model = dir.resolve("selftest.pml");
        try (var in = SpinModelTest.class.getResourceAsStream("/spin/selftest.pml")) {
            Files.copy(in, model);
        }
        return model;
    }

    /** A model whose run must fail: the runner reports its assertion violation (it can detect errors). */
    @Test
    void theRunnerDetectsAnAssertionViolation(@TempDir Path dir) throws Exception {
        SpinModels.skipOrFail(SpinModels.toolsMissing(System.getenv("PATH")), REQUIRED);
        Path model = selfTestModel(dir);
        SpinModels.Directives d = SpinModels.parse(model);
        SpinModels.Outcome o = SpinModels.verify(model, null, FAST, d.runs().get(0).panFlags(), dir.resolve("run"));
        assertThat(o.errors()).isEqualTo(1);
        assertThat(SpinModels.problems(o, false)).contains("errors: 1")
                .anyMatch(p -> p.startsWith("pan:1: assertion violated"));
        assertThat(SpinModels.replay(dir.resolve("run"), model, List.of())).contains("x = 1").contains("assert(");
        // The same outcome is what a mutant must give.
        assertThat(SpinModels.problems(o, true)).isEmpty();
    }

    /** A mutant that changes nothing the properties see is reported: the test can fail on a toothless mutant. */
    @Test
    void aMutantWithoutCounterexampleIsReported(@TempDir Path dir) throws Exception {
        SpinModels.skipOrFail(SpinModels.toolsMissing(System.getenv("PATH")), REQUIRED);
        Path model = selfTestModel(dir);
        SpinModels.Mutant fixed = SpinModels.parse(model).mutants().get(0);
        SpinModels.Outcome o = SpinModels.verify(model, fixed.name(), FAST, fixed.panFlags(), dir.resolve("m"));
        System.out.println("selftest mutant FIXED: " + o.figures());
        assertThat(o.errors()).isZero();
        assertThat(o.statesStored()).isPositive();
        assertThat(o.transitions()).isGreaterThanOrEqualTo(o.statesStored());
        assertThat(o.seconds()).isGreaterThanOrEqualTo(0);
        assertThat(o.memoryMb()).isPositive();
        assertThat(SpinModels.problems(o, false)).isEmpty();
        assertThat(SpinModels.problems(o, true)).singleElement().asString()
                .startsWith("the mutant gave no counterexample");
    }

    /** A run's defines reach spin: the self-test model with -DMUTANT_FIXED given as a define holds. */
    @Test
    void aRunsDefinesSelectTheVariantOfTheModel(@TempDir Path dir) throws Exception {
        SpinModels.skipOrFail(SpinModels.toolsMissing(System.getenv("PATH")), REQUIRED);
        Path model = selfTestModel(dir);
        SpinModels.Outcome plain = SpinModels.verify(model, List.of(), null, FAST, "-m1000", dir.resolve("p"));
        assertThat(plain.errors()).isEqualTo(1);
        SpinModels.Outcome variant = SpinModels.verify(model, List.of("-DMUTANT_FIXED"), null, FAST, "-m1000",
                dir.resolve("v"));
        assertThat(variant.command()).startsWith("spin -a -DMUTANT_FIXED selftest.pml && ");
        assertThat(SpinModels.problems(variant, false)).isEmpty();
    }

    /** A deadlock (invalid end state) and too small a depth bound fail a correct run. */
    @Test
    void invalidEndStatesAndTooSmallADepthBoundAreReported(@TempDir Path dir) throws Exception {
        SpinModels.skipOrFail(SpinModels.toolsMissing(System.getenv("PATH")), REQUIRED);
        Path model = selfTestModel(dir);
        SpinModels.Outcome blocks = SpinModels.verify(model, "BLOCKS", FAST, "-m1000", dir.resolve("b"));
        assertThat(SpinModels.problems(blocks, false)).anyMatch(p -> p.contains("invalid end state"));
        SpinModels.Outcome deep = SpinModels.verify(model, "DEEP", FAST, "-m50", dir.resolve("d"));
        assertThat(SpinModels.problems(deep,
                false)).contains("max search depth too small: raise -m in the //! run: directive");
        SpinModels.Outcome deepEnough = SpinModels.verify(model, "DEEP", FAST, "-m10000", dir.resolve("e"));
        assertThat(SpinModels.problems(deepEnough, false)).isEmpty();
    }

    /** spin refusing a model (a syntax error) fails with its message. */
    @Test
    void aModelSpinRefusesFails(@TempDir Path dir) throws Exception {
        SpinModels.skipOrFail(SpinModels.toolsMissing(System.getenv("PATH")), REQUIRED);
        Path model = dir.resolve("bad.pml");
        Files.writeString(model, "//! run: -m100\nactive proctype P() { x = 1 }\n");
        assertThatThrownBy(() -> SpinModels.verify(model, null, List.of(), "-m100", dir.resolve("w")))
                .isInstanceOf(SpinModels.StepFailed.class).hasMessageStartingWith("spin -a bad.pml: exit ")
                .hasMessageContaining("undeclared variable: x");
    }

    @Test
    void directivesAreParsedAndMalformedOnesNamed(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("m.pml");
        Files.writeString(model, """
                //! run: -m100
                //! run: -a -N claim
                //! run: -DLAZY -DDEPTH=3 | -m300
                //! cc: -DSAFETY -DNOREDUCE
                //! mutant: DROP_IT | -m200 | drops the re-check
                active proctype P() { skip }
                """);
        SpinModels.Directives d = SpinModels.parse(model);
        assertThat(d.runs()).extracting(SpinModels.RunDirective::panFlags)
                .containsExactly("-m100", "-a -N claim", "-m300");
        assertThat(d.runs()).extracting(SpinModels.RunDirective::defines)
                .containsExactly(List.of(), List.of(), List.of("-DLAZY", "-DDEPTH=3"));
        assertThat(d.runs().get(2).title()).isEqualTo("-DLAZY -DDEPTH=3 | -m300");
        assertThat(d.ccFlags()).containsExactly("-DSAFETY", "-DNOREDUCE");
        assertThat(d.mutants()).containsExactly(new SpinModels.Mutant(5, "DROP_IT", "-m200", "drops the re-check"));

        Files.writeString(model, "//! run: -m100\n//! mutant: DROP_IT -m200 drops it\n");
        assertThatThrownBy(() -> SpinModels.parse(model)).hasMessageStartingWith("m.pml:2: malformed mutant directive")
                .hasMessageContaining("expected //! mutant: NAME | <pan flags> | one-line description");
        Files.writeString(model, "//! run: -m100\n//! run: LAZY | -m100\n");
        assertThatThrownBy(() -> SpinModels.parse(model)).hasMessageStartingWith("m.pml:2: malformed run directive")
                .hasMessageContaining("expected //! run: <pan flags> or //! run: -DNAME ... | <pan flags>");
        Files.writeString(model, "//! run: -m100\n//! run: | -m100\n");
        assertThatThrownBy(() -> SpinModels.parse(model)).hasMessageStartingWith("m.pml:2: malformed run directive");
        Files.writeString(model, "//! run: -m100\n//! runs: -m100\n");
        assertThatThrownBy(() -> SpinModels.parse(model))
                .hasMessage("m.pml:2: unknown directive \"runs\"; expected run, cc or mutant (spec/README.md)");
        Files.writeString(model, "//! cc: -DSAFETY\n");
        assertThatThrownBy(() -> SpinModels.parse(model)).hasMessageStartingWith("m.pml: no //! run: directive");
        Files.writeString(model, "//! run: -m100\n//! cc: -DBITSTATE\n");
        assertThatThrownBy(() -> SpinModels.parse(model)).hasMessageStartingWith("m.pml:2: -DBITSTATE found");
    }

    /** The skip path: without spin on the PATH the reason is given; SHMTEL_REQUIRE_SPIN=1 makes it a failure. */
    @Test
    void withoutSpinTheTestSkipsWithTheReasonOrFailsWhenRequired(@TempDir Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        assertThat(SpinModels.toolsMissing(bin.toString())).isEqualTo("spin and gcc are not on the PATH: the SPIN"
                + " models of spec/ need spin 6.5 and gcc (Debian: apt-get install spin gcc)");
        executable(bin.resolve("gcc"));
        String why = SpinModels.toolsMissing("/nonexistent:" + bin);
        assertThat(why).isEqualTo("spin is not on the PATH: the SPIN models of spec/ need spin 6.5 and gcc"
                + " (Debian: apt-get install spin)");
        executable(bin.resolve("spin"));
        assertThat(SpinModels.toolsMissing(bin.toString())).isNull();
        assertThat(SpinModels.toolsMissing(null)).startsWith("spin and gcc are not on the PATH");

        assertThatThrownBy(() -> SpinModels.skipOrFail(why, false)).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining(why);
        assertThatThrownBy(() -> SpinModels.skipOrFail(why, true)).isInstanceOf(AssertionError.class)
                .isNotInstanceOf(TestAbortedException.class)
                .hasMessage("SHMTEL_REQUIRE_SPIN=1 but the SPIN models cannot run: " + why);
        assertThatCode(() -> SpinModels.skipOrFail(null, true)).doesNotThrowAnyException();
    }

    private static void executable(Path file) throws IOException {
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
