package io.shmtel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.shmtel.core.idle.IdleParameter;
import io.shmtel.core.idle.IdleStrategyKind;
import io.shmtel.schema.json.LocatedJsonReader;
import io.shmtel.schema.json.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every entry of the idle-strategy registry ({@link IdleStrategyKind}) is accepted by the deployment file with
 * each of its parameters, described by the deployment JSON Schema as the registry says (names, bounds, defaults),
 * and documented in docs/deployment.md (a row rendered from the registry) and docs/cli.md.
 */
class IdleRegistryTest {
    private static final Path SCHEMA = Path.of("deployment.schema.json");
    private static final Path DEPLOYMENT_DOC = Path.of("../docs/deployment.md");
    private static final Path CLI_DOC = Path.of("../docs/cli.md");
    private static final Path ARM_SCHEMA = Path.of("../schema/examples/arm.json");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(IdleStrategyKind.class)
    void theDeploymentFileAcceptsEveryStrategyWithEachOfItsParameters(IdleStrategyKind kind) {
        Map<String, Long> values = new LinkedHashMap<>();
        StringBuilder json = new StringBuilder("{ \"strategy\": \"" + kind.strategyName() + "\"");
        for (IdleParameter p : kind.parameters()) {
            long value = p.atLeast().isEmpty() ? p.min() + 1 : p.max(); // not the defaults, and consistent
            values.put(p.name(), value);
            json.append(", \"").append(p.name()).append("\": ").append(value);
        }
        Deployment.IdleSpec spec = parse(json.append(" }").toString(), List.of());
        assertThat(spec.strategy()).isEqualTo(kind.strategyName());
        assertThat(spec.parameters()).isEqualTo(values);
        assertThat(DeploymentRunner.idle(spec).describe()).isEqualTo(kind.create(values).describe());
        Deployment.IdleSpec defaults = parse("{ \"strategy\": \"" + kind.strategyName() + "\" }", List.of());
        assertThat(DeploymentRunner.idle(defaults).describe()).isEqualTo(kind.create().describe());
    }

    @ParameterizedTest
    @EnumSource(IdleStrategyKind.class)
    void aParameterTheStrategyDoesNotTakeIsRefused(IdleStrategyKind kind) {
        List<IdleParameter> others = IdleStrategyKind.allParameters().stream()
                .filter(p -> kind.parameter(p.name()).isEmpty()).toList();
        for (IdleParameter p : others) {
            String json = "{ \"strategy\": \"" + kind.strategyName() + "\", \"" + p.name() + "\": " + p.defaultValue()
                    + " }";
            String expected = kind.parameters().isEmpty()
                    ? "\"" + kind.strategyName() + "\" takes none"
                    : "takes only " + String.join(", ", kind.parameterNames()) + "; remove \"" + p.name() + "\"";
            parse(json, List.of(expected));
        }
    }

    @Test
    void noIdleObjectIsTheDefaultStrategyWithItsDefaults() {
        Deployment.IdleSpec spec = parse(null, List.of());
        assertThat(spec.strategy()).isEqualTo(IdleSpecParser.DEFAULT_STRATEGY.strategyName());
        assertThat(DeploymentRunner.idle(spec).describe())
                .isEqualTo(IdleSpecParser.DEFAULT_STRATEGY.create().describe());
    }

    @Test
    void theJsonSchemaDescribesTheIdleObjectAsTheRegistryDoes() throws IOException {
        Node.ObjectNode root = (Node.ObjectNode) LocatedJsonReader.read(Files.readString(SCHEMA)).root();
        List<Node.ObjectNode> found = new ArrayList<>();
        findIdle(root, found);
        assertThat(found).as("the schema's \"idle\" object").hasSize(1);
        Map<String, Object> expected = expectedSchema();
        assertThat(plain(found.get(0))).as("the idle object of %s should read:%n%s", SCHEMA, render(expected, 0))
                .isEqualTo(expected);
    }

    @Test
    void deploymentMdHasTheRegistrysRowForEveryStrategy() throws IOException {
        String doc = Files.readString(DEPLOYMENT_DOC, StandardCharsets.UTF_8);
        String rows = docRows();
        assertThat(doc).as("%s should have these rows in its idle-strategy table:%n%s", DEPLOYMENT_DOC, rows)
                .contains(rows);
    }

    @ParameterizedTest
    @EnumSource(IdleStrategyKind.class)
    void cliMdHasARowForEveryStrategy(IdleStrategyKind kind) throws IOException {
        String doc = Files.readString(CLI_DOC, StandardCharsets.UTF_8);
        assertThat(doc).contains("\n| `" + kind.strategyName() + "`");
    }

    /** The rows of docs/deployment.md's idle-strategy table, as the registry says. */
    static String docRows() {
        StringBuilder rows = new StringBuilder();
        for (IdleStrategyKind kind : IdleStrategyKind.values()) {
            String name = "`" + kind.strategyName() + "`"
                    + (kind == IdleSpecParser.DEFAULT_STRATEGY ? " (default)" : "");
            String parameters = kind.parameters().isEmpty() ? "none" : kind.parameters().stream()
                    .map(p -> "`" + p.name() + "`: " + p.description() + " (default " + p.defaultValue() + ")")
                    .collect(Collectors.joining("; "));
            rows.append("| ").append(name).append(" | ").append(kind.description()).append(" | ").append(parameters)
                    .append(" |\n");
        }
        return rows.toString();
    }

    /** The schema's idle object, as the registry says, as plain maps and lists. */
    static Map<String, Object> expectedSchema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("strategy", ordered("enum", IdleStrategyKind.names(),
                "default", IdleSpecParser.DEFAULT_STRATEGY.strategyName(),
                "description", "how the subscriber waits while nothing is new: " + List.of(IdleStrategyKind.values())
                        .stream().map(k -> k.strategyName() + " (" + k.description() + ")")
                        .collect(Collectors.joining("; "))));
        for (IdleParameter p : IdleStrategyKind.allParameters()) {
            String description = p.unit().description() + "; " + List.of(IdleStrategyKind.values()).stream()
                    .filter(k -> k.parameter(p.name()).isPresent())
                    .map(k -> k.strategyName() + ": " + k.parameter(p.name()).orElseThrow().description() + ", default "
                            + k.parameter(p.name()).orElseThrow().defaultValue())
                    .collect(Collectors.joining("; "));
            properties.put(p.name(), ordered("type", "integer", "minimum", p.min(), "maximum", p.max(),
                    "description", description));
        }
        return ordered("type", "object", "additionalProperties", false, "properties", properties);
    }

    /** A map of {@code key, value, key, value...} in that order (the order the schema file shows them). */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /**
     * The idle spec of the one subscriber of a deployment file whose idle object is {@code idleJson} (none: no idle
     * key), parsed by the deployment parser; its problems must contain {@code expectedProblems}, in order.
     */
    private Deployment.IdleSpec parse(String idleJson, List<String> expectedProblems) {
        String file = """
                { "deployment": "idle", "regions": [ { "name": "arm", "schema": "%s" } ],
                  "nodes": [ { "name": "n", "subscribers": [ { "region": "arm"%s } ] } ] }
                """.formatted(ARM_SCHEMA.toAbsolutePath().normalize(),
                idleJson == null ? "" : ", \"idle\": " + idleJson);
        Path path = dir.resolve("idle.json");
        try {
            Files.writeString(path, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (expectedProblems.isEmpty()) {
            Deployment d = DeploymentParser.parse(path, DeploymentParserTest.TYPES, Set.of());
            return d.node("n").orElseThrow().subscribers().get(0).idle();
        }
        DeploymentException e = catchThrowableOfType(DeploymentException.class,
                () -> DeploymentParser.parse(path, DeploymentParserTest.TYPES, Set.of()));
        assertThat(e).as(idleJson).isNotNull();
        List<String> messages = e.problems().stream().map(p -> p.message()).toList();
        assertThat(messages).as(idleJson).hasSize(expectedProblems.size());
        for (int i = 0; i < expectedProblems.size(); i++) {
            assertThat(messages.get(i)).as(idleJson).contains(expectedProblems.get(i));
        }
        return null;
    }

    private static void findIdle(Node node, List<Node.ObjectNode> found) {
        if (node instanceof Node.ObjectNode obj) {
            for (Node.Member m : obj.members().values()) {
                // The definition only: a bridge entry's "idle" refers to it ($ref), a oneOf branch allows the key ({}).
                if (m.key().equals("idle") && m.value() instanceof Node.ObjectNode idle && idle.get("$ref") == null
                        && !idle.members().isEmpty()) {
                    found.add(idle);
                }
                findIdle(m.value(), found);
            }
        } else if (node instanceof Node.ArrayNode array) {
            array.elements().forEach(e -> findIdle(e, found));
        }
    }

    /** A JSON tree as maps (key order kept), lists, strings, longs and booleans. */
    private static Object plain(Node node) {
        if (node instanceof Node.ObjectNode obj) {
            Map<String, Object> map = new LinkedHashMap<>();
            obj.members().forEach((k, m) -> map.put(k, plain(m.value())));
            return map;
        } else if (node instanceof Node.ArrayNode array) {
            return array.elements().stream().map(IdleRegistryTest::plain).toList();
        } else if (node instanceof Node.StringNode s) {
            return s.value();
        } else if (node instanceof Node.NumberNode n) {
            return n.value().longValueExact();
        } else if (node instanceof Node.BooleanNode b) {
            return b.value();
        }
        return null;
    }

    /** Pretty JSON in the schema file's style (two spaces, one array element a line), to paste into it. */
    private static String render(Object value, int depth) {
        String indent = "  ".repeat(depth + 1);
        String close = "  ".repeat(depth);
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream()
                    .map(e -> indent + "\"" + e.getKey() + "\": " + render(e.getValue(), depth + 1))
                    .collect(Collectors.joining(",\n", "{\n", "\n" + close + "}"));
        } else if (value instanceof List<?> list) {
            return list.stream().map(e -> indent + render(e, depth + 1))
                    .collect(Collectors.joining(",\n", "[\n", "\n" + close + "]"));
        } else if (value instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return String.valueOf(value);
    }
}
