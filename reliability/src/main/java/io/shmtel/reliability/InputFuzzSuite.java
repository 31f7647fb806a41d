package io.shmtel.reliability;

import io.shmtel.config.DeploymentException;
import io.shmtel.config.DeploymentParser;
import io.shmtel.schema.SchemaException;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.SchemaProblem;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.sensors.BuiltInDrivers;
import io.shmtel.sensors.DriverFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Schema and deployment fuzzing: random mutations of the project's valid schema and deployment
 * files. The parsers may accept a mutant or refuse it with SchemaException / DeploymentException,
 * every problem located (line and column within the text, a JSON pointer, a message); any other
 * exception is a failure, reported with the seed and the mutant.
 */
public final class InputFuzzSuite {
    static final String NOISE = "{}[]\",:0123456789.eE-+ \n\t\\/truefalsn\u00e9\u0000\uffff";
    static final String[] VALUES = {"-1", "0", "1e309", "-1e309", "9223372036854775808", "1.5", "\"\"", "null", "true",
            "[]", "{}", "\"../../../etc/passwd\"", "\"" + "x".repeat(300) + "\"", "2147483648", "65537", "\"\\u0000\""};

    private InputFuzzSuite() {}

    public static SuiteResult run(Path root, int iterations, long seed) throws IOException {
        SuiteResult result = new SuiteResult("fuzz-input");
        result.figure("seed %d", seed);
        List<Path> schemas;
        try (Stream<Path> files = Files.list(root.resolve("schema/examples"))) {
            schemas = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        List<Path> deployments = List.of(root.resolve("samples/demo.json"), root.resolve("samples/custom.json"),
                root.resolve("config/src/test/resources/deployments/good.json"));
        Map<String, DriverFactory> types = BuiltInDrivers.all().stream()
                .collect(Collectors.toMap(DriverFactory::type, Function.identity()));
        int[] outcome = new int[4]; // schema ok, schema refused, deployment ok, deployment refused
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            long caseSeed = seed * 1_000_003L + i;
            Random rnd = new Random(caseSeed);
            boolean schema = i % 2 == 0;
            Path source = schema ? schemas.get(rnd.nextInt(schemas.size()))
                    : deployments.get(rnd.nextInt(deployments.size()));
            String text = mutate(Files.readString(source), rnd);
            try {
                if (schema) {
                    LayoutCompiler.compile(SchemaParser.parse(text, "fuzz.json"));
                    outcome[0]++;
                } else {
                    DeploymentParser.parse(text, "fuzz.json", source.getParent(), types, Set.of());
                    outcome[2]++;
                }
            } catch (SchemaException e) {
                outcome[1]++;
                checkProblems(result, e.problems(), text, caseSeed);
            } catch (DeploymentException e) {
                outcome[3]++;
                checkProblems(result, e.problems(), text, caseSeed);
            } catch (RuntimeException | StackOverflowError e) {
                result.check(false, "seed %d (%s): undocumented %s: %s; mutant:\n%s", caseSeed, source.getFileName(),
                        e.getClass().getName(), e.getMessage(), text);
            }
            if (result.failures().size() > 5) {
                break;
            }
        }
        result.figure("%d mutants in %.1f s: schemas accepted %d, refused with located errors %d; deployments "
                + "accepted %d,"
                + " refused with located errors %d", iterations, (System.nanoTime() - start) / 1e9, outcome[0],
                        outcome[1],
                outcome[2], outcome[3]);
        return result;
    }

    private static void checkProblems(SuiteResult result, List<SchemaProblem> problems, String text, long seed) {
        result.check(!problems.isEmpty(), "seed %d: an error without problems", seed);
        int lines = (int) text.lines().count() + 1;
        for (SchemaProblem p : problems) {
            // Problems of another file (a deployment's schema file) are located in that file.
            boolean own = p.source().equals("fuzz.json");
            result.check(p.line() >= 1 && p.column() >= 1 && (!own || p.line() <= lines) && p.pointer() != null
                    && p.message() != null && !p.message().isBlank(), "seed %d: badly located problem: %s", seed,
                            p.render());
        }
    }

    /** One to three random edits: delete, insert noise, duplicate a span, swap, or replace a value. */
    static String mutate(String text, Random rnd) {
        StringBuilder sb = new StringBuilder(text);
        int edits = 1 + rnd.nextInt(3);
        for (int e = 0; e < edits && sb.length() > 0; e++) {
            int at = rnd.nextInt(sb.length());
            switch (rnd.nextInt(5)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, NOISE.charAt(rnd.nextInt(NOISE.length())));
                case 2 -> {
                    int len = Math.min(sb.length() - at, 1 + rnd.nextInt(40));
                    sb.insert(at, sb.substring(at, at + len));
                }
                case 3 -> {
                    int other = rnd.nextInt(sb.length());
                    char c = sb.charAt(at);
                    sb.setCharAt(at, sb.charAt(other));
                    sb.setCharAt(other, c);
                }
                default -> {
                    // replace the value after a colon with an extreme one
                    int colon = sb.indexOf(":", at);
                    if (colon >= 0) {
                        int end = colon + 1;
                        while (end < sb.length() && ",}]\n".indexOf(sb.charAt(end)) < 0) {
                            end++;
                        }
                        sb.replace(colon + 1, end, " " + VALUES[rnd.nextInt(VALUES.length)]);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** The repository root: the first directory upward from here that holds schema/examples. */
    public static Path findRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("schema/examples"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("run from inside the shmtel repository (no schema/examples above "
                    + Path.of("").toAbsolutePath() + ")");
        }
        return p;
    }

}
