package io.shmtel.config;

import io.shmtel.core.region.MemoryOptions;
import io.shmtel.core.region.RegionDirectory;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.schema.SchemaException;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One entry of a deployment file's {@code "regions"}: its name, schema file (parsed, its problems reported
 * below the deployment file's), file mode, memory options and flush period.
 */
final class RegionSpecParser {
    static final List<String> REGION_KEYS = List.of("name", "schema", "mode", "memory", "flushPeriodMs");
    static final List<String> MEMORY_KEYS = List.of("prefault", "lock", "advice", "hugePages");
    /** The file mode of a region whose entry gives none: owner read-write. */
    static final int DEFAULT_MODE = 0600;
    static final int OCTAL = 8;
    /** The longest flush period: a day. */
    static final long MAX_FLUSH_PERIOD_MS = 86_400_000;

    private final DeploymentContext ctx;
    private final JsonProblems problems;

    RegionSpecParser(DeploymentContext ctx) {
        this.ctx = ctx;
        this.problems = ctx.problems;
    }

    /** The region {@code node} declares; null after a problem. Its name is noted in the context's region names. */
    Deployment.RegionSpec region(Node node) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a region object with \"name\" and \"schema\"; found " + node.kind());
            return null;
        }
        problems.keys(obj, REGION_KEYS);
        String name = name(obj);
        int mode = mode(obj);
        String schema = problems.string(obj, "schema", true);
        Layout layout = null;
        Path schemaFile = null;
        if (schema != null) {
            schemaFile = ctx.path(obj.get("schema"), schema);
        }
        if (schemaFile != null) {
            layout = layout(obj.get("schema"), schema, schemaFile);
        }
        MemoryOptions memory = memory(obj.get("memory"));
        long flushMs = problems.integer(obj, "flushPeriodMs", 0, MAX_FLUSH_PERIOD_MS, 0);
        return name == null || layout == null || memory == null ? null
                : new Deployment.RegionSpec(name, schemaFile, layout, mode, memory, Duration.ofMillis(flushMs));
    }

    /** The region's name; null after a problem (no valid region name, or declared before). */
    private String name(Node.ObjectNode obj) {
        Map<String, Node> seen = ctx.regionNodes;
        String name = problems.string(obj, "name", true);
        if (name != null) {
            if (!RegionDirectory.NAME.matcher(name).matches()) {
                problems.problem(obj.get("name"), "invalid region name \"" + name
                        + "\": names match [A-Za-z0-9][A-Za-z0-9._-]{0,127}");
                name = null;
            } else if (seen.putIfAbsent(name, obj.get("name")) != null) {
                problems.problem(obj.get("name"), "duplicate region name \"" + name + "\" (first declared at "
                        + seen.get(name).pointer() + ")");
                name = null;
            }
        }
        return name;
    }

    /** The region file's mode from its octal string; the default when absent or (with a problem) invalid. */
    private int mode(Node.ObjectNode obj) {
        int mode = DEFAULT_MODE;
        String modeText = problems.string(obj, "mode", false);
        if (modeText != null) {
            try {
                mode = Integer.parseInt(modeText, OCTAL);
                RegionOptions.defaults().withMode(mode);
            } catch (IllegalArgumentException e) {
                problems.problem(obj.get("mode"), "invalid mode \"" + modeText + "\": an octal string such as"
                        + " \"0600\" or \"0640\" that keeps owner read-write and gives no one else write access");
            }
        }
        return mode;
    }

    /**
     * The layout of the schema file {@code schemaFile} ({@code schema} as written, at {@code at}); null after a
     * problem: it does not exist, or it is invalid (then its own problems follow).
     */
    private Layout layout(Node at, String schema, Path schemaFile) {
        try {
            return LayoutCompiler.compile(SchemaParser.parse(schemaFile, schemaFile.toString()));
        } catch (SchemaException e) {
            boolean missing = e.problems().size() == 1 && e.problems().get(0).message().startsWith("no such file");
            if (missing) {
                problems.problem(at, "schema file " + schemaFile + " does not exist (\"" + schema
                        + "\" is relative to the deployment file's directory)");
            } else {
                problems.problem(at, "schema file " + schemaFile + " is invalid (" + e.problems().size()
                        + " errors below)");
                problems.addAll(e.problems());
            }
            return null;
        }
    }

    /** The {@code "memory"} options; the defaults when absent; null after a problem. */
    private MemoryOptions memory(Node node) {
        if (node == null) {
            return MemoryOptions.defaults();
        }
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a memory object, e.g. { \"prefault\": true, \"lock\": true }; found "
                    + node.kind());
            return null;
        }
        problems.keys(obj, MEMORY_KEYS);
        MemoryOptions.Advice advice = MemoryOptions.Advice.NORMAL;
        String adviceText = problems.string(obj, "advice", false);
        if (adviceText != null) {
            advice = MemoryOptions.Advice.byName(adviceText).orElse(null);
            if (advice == null) {
                String hint = JsonProblems.didYouMean(adviceText, MemoryOptions.Advice.names());
                problems.problem(obj.get("advice"), "unknown advice \"" + adviceText + "\"" + hint + " (advice: "
                        + String.join(", ", MemoryOptions.Advice.names()) + ")");
                return null;
            }
        }
        return new MemoryOptions(problems.bool(obj, "prefault", false), problems.bool(obj, "lock", false), advice,
                problems.bool(obj, "hugePages", false));
    }
}
