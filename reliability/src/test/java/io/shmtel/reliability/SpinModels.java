package io.shmtel.reliability;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the SPIN models of {@code spec/} (see spec/README.md): reads a model's {@code //!} directives,
 * generates and compiles its verifier ({@code spin -a}, {@code gcc -O2}) and runs it, and says what is
 * wrong with the outcome: a correct model must end with no error, a mutant with a counterexample.
 */
final class SpinModels {
    /** Set (CI does) to make a missing spin or gcc a failure instead of a skip. */
    static final String REQUIRE_VARIABLE = "SHMTEL_REQUIRE_SPIN";
    /** Longest a single step (spin, gcc or one verification) may take. */
    static final int STEP_TIMEOUT_SECONDS = 300;

    private SpinModels() {}

    /**
     * One verification run of the correct model: {@code defines} are spin's {@code -D} flags (a variant
     * of the model, e.g. {@code -DLAZY_RESUME}; empty for the model as it is), {@code panFlags} the verifier's.
     */
    record RunDirective(int line, List<String> defines, String panFlags) {
        /** How the run is named in the report: its defines, then its pan flags. */
        String title() {
            return defines.isEmpty() ? panFlags : String.join(" ", defines) + " | " + panFlags;
        }
    }

    /** A spin {@code -D} flag a run directive may give: {@code -DNAME} or {@code -DNAME=VALUE}. */
    private static final Pattern DEFINE = Pattern.compile("-D[A-Za-z_][A-Za-z0-9_]*(=[A-Za-z0-9_]+)?");

    /** A mutant: the model compiled with {@code -DMUTANT_<name>} must give a counterexample under {@code panFlags}. */
    record Mutant(int line, String name, String panFlags, String description) {}

    /** A model's directives. */
    record Directives(List<RunDirective> runs, List<String> ccFlags, List<Mutant> mutants) {}

    /** What one verification printed and the figures read from it. */
    record Outcome(String command, String output, int errors, long statesStored, long transitions, long depth,
                   double memoryMb, double seconds, List<String> violations) {
        String figures() {
            return "errors " + errors + ", states stored " + statesStored + ", transitions " + transitions
                    + ", depth " + depth + ", memory " + memoryMb + " MB, time " + seconds + " s";
        }
    }

    /** A step that did not get as far as a verifier's summary (spin or gcc refused the model, a time-out). */
    static final class StepFailed extends Exception {
        private static final long serialVersionUID = 1L;

        StepFailed(String message) {
            super(message);
        }
    }

    /**
     * Why the models cannot run with commands looked up on {@code path} (the PATH variable's
     * value), or null when spin and gcc are both there.
     */
    static String toolsMissing(String path) {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("spin", "gcc")) {
            if (onPath(path, tool) == null) {
                missing.add(tool);
            }
        }
        if (missing.isEmpty()) {
            return null;
        }
        return String.join(" and ", missing) + (missing.size() == 1 ? " is" : " are")
                + " not on the PATH: the SPIN models of spec/ need spin 6.5 and gcc (Debian: apt-get install "
                + String.join(" ", missing) + ")";
    }

    /**
     * Skips the calling test with {@code why} (printed), or fails it when {@code required} (the
     * {@value #REQUIRE_VARIABLE}=1 of CI); does nothing when {@code why} is null.
     */
    static void skipOrFail(String why, boolean required) {
        if (why == null) {
            return;
        }
        if (required) {
            throw new AssertionError(REQUIRE_VARIABLE + "=1 but the SPIN models cannot run: " + why);
        }
        System.out.println("SpinModelTest skipped: " + why);
        Assumptions.abort(why);
    }

    static Path onPath(String path, String command) {
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The directives of {@code model}; a malformed one is an error naming the file, its line and the fix. */
    static Directives parse(Path model) throws IOException {
        List<String> lines = Files.readAllLines(model, StandardCharsets.UTF_8);
        List<RunDirective> runs = new ArrayList<>();
        List<String> cc = new ArrayList<>();
        List<Mutant> mutants = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith("//!")) {
                continue;
            }
            int number = i + 1;
            String where = model.getFileName() + ":" + number + ": ";
            String body = line.substring(3).strip();
            int colon = body.indexOf(':');
            String key = colon < 0 ? body : body.substring(0, colon).strip();
            String value = colon < 0 ? "" : body.substring(colon + 1).strip();
            switch (key) {
                case "run" -> runs.add(runDirective(where, line, number, value));
                case "cc" -> {
                    List<String> flags = Arrays.stream(value.split("\\s+")).filter(s -> !s.isEmpty()).toList();
                    if (flags.stream().anyMatch(f -> f.startsWith("-DBITSTATE"))) {
                        throw new IllegalArgumentException(where + "-DBITSTATE found in \"" + line
                                + "\"; expected an exhaustive search: remove it (spec/README.md)");
                    }
                    cc.addAll(flags);
                }
                case "mutant" -> {
                    String[] parts = value.split("\\|", 3);
                    if (parts.length != 3 || !parts[0].strip().matches("[A-Z][A-Z0-9_]*")
                            || parts[2].strip().isEmpty()) {
                        throw new IllegalArgumentException(where + "malformed mutant directive \"" + line
                                + "\"; expected //! mutant: NAME | <pan flags> | one-line description"
                                + " (NAME in capitals, the model has #ifdef MUTANT_NAME)");
                    }
                    mutants.add(new Mutant(number, parts[0].strip(), parts[1].strip(), parts[2].strip()));
                }
                default -> throw new IllegalArgumentException(where + "unknown directive \"" + key
                        + "\"; expected run, cc or mutant (spec/README.md)");
            }
        }
        if (runs.isEmpty()) {
            throw new IllegalArgumentException(model.getFileName()
                    + ": no //! run: directive; add one, e.g. //! run: -m100000 (spec/README.md)");
        }
        return new Directives(runs, cc, mutants);
    }

    /** {@code //! run: <pan flags>} or {@code //! run: -DNAME ... | <pan flags>} (a variant of the model). */
    private static RunDirective runDirective(String where, String line, int number, String value) {
        int bar = value.indexOf('|');
        if (bar < 0) {
            return new RunDirective(number, List.of(), value);
        }
        List<String> defines = Arrays.stream(value.substring(0, bar).split("\\s+")).filter(s -> !s.isEmpty())
                .toList();
        String pan = value.substring(bar + 1).strip();
        if (defines.isEmpty() || !defines.stream().allMatch(f -> DEFINE.matcher(f).matches()) || pan.contains("|")) {
            throw new IllegalArgumentException(where + "malformed run directive \"" + line
                    + "\"; expected //! run: <pan flags> or //! run: -DNAME ... | <pan flags> (spin's -D flags"
                    + " before the bar)");
        }
        return new RunDirective(number, defines, pan);
    }

    /** {@link #verify(Path, List, String, List, String, Path)} of the model as it is (no run defines). */
    static Outcome verify(Path model, String mutant, List<String> cc, String panFlags, Path work)
            throws IOException, InterruptedException, StepFailed {
        return verify(model, List.of(), mutant, cc, panFlags, work);
    }

    /**
     * Copies {@code model} into {@code work}, generates its verifier ({@code spin -a}, with
     * {@code -DMUTANT_<mutant>} when {@code mutant} is not null, and {@code defines}), compiles it with
     * {@code gcc -O2 <cc>} and runs it with {@code panFlags}.
     */
    static Outcome verify(Path model, List<String> defines, String mutant, List<String> cc, String panFlags,
                          Path work) throws IOException, InterruptedException, StepFailed {
        Files.createDirectories(work);
        Path copy = work.resolve(model.getFileName());
        Files.copy(model, copy, StandardCopyOption.REPLACE_EXISTING);
        List<String> spin = new ArrayList<>(List.of("spin", "-a"));
        if (mutant != null) {
            spin.add("-DMUTANT_" + mutant);
        }
        spin.addAll(defines);
        spin.add(copy.getFileName().toString());
        step(work, spin);
        List<String> gcc = new ArrayList<>(List.of("gcc", "-O2"));
        gcc.addAll(cc);
        gcc.addAll(List.of("-o", "pan", "pan.c"));
        step(work, gcc);
        List<String> pan = new ArrayList<>(List.of("./pan"));
        pan.addAll(Arrays.stream(panFlags.split("\\s+")).filter(s -> !s.isEmpty()).toList());
        Result r = exec(work, pan);
        String command = String.join(" ", spin) + " && " + String.join(" ", gcc) + " && " + String.join(" ", pan);
        if (r.timedOut) {
            throw new StepFailed(command + ": still running after " + STEP_TIMEOUT_SECONDS + " s\n" + tail(r.output));
        }
        return outcome(command, r.output);
    }

    /** The figures and violations in a verifier's output. */
    static Outcome outcome(String command, String output) {
        List<String> violations = output.lines()
                .filter(l -> l.startsWith("pan:") && (l.contains("assertion violated") || l.contains("acceptance cycle")
                        || l.contains("invalid end state") || l.contains("non-progress cycle")))
                .toList();
        return new Outcome(command, output, (int) number(output, "errors: (\\d+)"),
                number(output, "(\\d+) states, stored"), number(output, "(\\d+) transitions"),
                number(output, "depth reached (\\d+)"), decimal(output, "([\\d.]+)\\s+total actual memory usage"),
                decimal(output, "elapsed time ([\\d.e+]+) seconds"), violations);
    }

    /**
     * What is wrong with {@code o}: for the correct model (expectCounterexample false) any error,
     * violation or too small a depth bound; for a mutant the absence of a counterexample. An outcome
     * without a verifier summary (out of memory, a crash) is always wrong. Empty when all is well.
     */
    static List<String> problems(Outcome o, boolean expectCounterexample) {
        List<String> problems = new ArrayList<>();
        String out = o.output();
        if (o.errors() < 0 || o.statesStored() < 0) {
            problems.add("the verifier printed no summary (errors, states stored): " + tail(out));
            return problems;
        }
        if (out.contains("out of memory") || out.contains("-DMEMLIM bound")) {
            problems.add("the verifier ran out of memory: the search is incomplete; bound the model further");
        }
        if (expectCounterexample) {
            if (o.errors() == 0) {
                problems.add("the mutant gave no counterexample (errors: 0, " + o.statesStored()
                        + " states): the property does not catch it, or the model lacks its #ifdef");
            }
            return problems;
        }
        if (o.errors() != 0) {
            problems.add("errors: " + o.errors());
        }
        problems.addAll(o.violations());
        if (out.contains("max search depth too small")) {
            problems.add("max search depth too small: raise -m in the //! run: directive");
        }
        return problems;
    }

    /**
     * Replays the trail the last failed verification in {@code work} left (spin -t -p, with the run's
     * {@code defines}), for the report.
     */
    static String replay(Path work, Path model, List<String> defines) throws IOException, InterruptedException {
        Path copy = work.resolve(model.getFileName());
        if (!Files.exists(work.resolve(model.getFileName() + ".trail"))) {
            return "(no trail)";
        }
        List<String> command = new ArrayList<>(List.of("spin", "-t", "-p"));
        command.addAll(defines);
        command.addAll(List.of("-k", copy.getFileName() + ".trail", copy.getFileName().toString()));
        Result r = exec(work, command);
        return r.output;
    }

    static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static void step(Path work, List<String> command) throws IOException, InterruptedException, StepFailed {
        Result r = exec(work, command);
        if (r.timedOut || r.code != 0) {
            throw new StepFailed(String.join(" ", command) + (r.timedOut ? ": still running after "
                    + STEP_TIMEOUT_SECONDS + " s" : ": exit " + r.code) + "\n" + tail(r.output));
        }
    }

    private record Result(int code, boolean timedOut, String output) {}

    private static Result exec(Path work, List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(work, "out", ".txt");
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Result(done ? p.exitValue() : -1, !done, output);
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static double decimal(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
