package io.shmtel.config;

import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.sensors.DriverFactory;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the parsers of a deployment file's sections share while one file is read: its problems, its directory,
 * the registered driver types and actions, and the regions declared so far, with the references to them that
 * drivers, subscribers and bridges make (a region by name, a record of its schema).
 */
final class DeploymentContext {
    /** The problems of the deployment file (and of the schema files it names). */
    final JsonProblems problems;
    /** The directory relative paths resolve against. */
    final Path baseDir;
    /** The driver types that may be named, by type name. */
    final Map<String, DriverFactory> driverTypes;
    /** The action types that may be named, sorted. */
    final Set<String> actionTypes;
    /** The valid regions, by name, in file order. */
    final Map<String, Deployment.RegionSpec> regions = new LinkedHashMap<>();
    /** Every region name declared (valid or not), with where it was first declared. */
    final Map<String, Node> regionNodes = new HashMap<>();
    /** The regions a driver writes, with where the driver names each: one writer per region. */
    final Map<String, Node> drivenRegions = new HashMap<>();

    DeploymentContext(JsonProblems problems, Path baseDir, Map<String, DriverFactory> driverTypes,
            Set<String> actionTypes) {
        this.problems = problems;
        this.baseDir = baseDir;
        this.driverTypes = driverTypes;
        this.actionTypes = actionTypes;
    }

    /**
     * The region {@code obj}'s required {@code "region"} key names; null when it is missing, unknown (a problem,
     * with a hint) or declared but invalid (its own problem is reported where it is declared).
     */
    Deployment.RegionSpec regionRef(Node.ObjectNode obj) {
        String name = problems.string(obj, "region", true);
        if (name == null) {
            return null;
        }
        Deployment.RegionSpec region = regions.get(name);
        if (region == null) {
            if (!regionNodes.containsKey(name)) {
                String hint = JsonProblems.didYouMean(name, regionNodes.keySet());
                problems.problem(obj.get("region"), "unknown region \"" + name + "\"" + hint + " (regions: "
                        + String.join(", ", regionNodes.keySet()) + "); declare it under \"regions\"");
            }
            return null; // declared but invalid: its own error is reported where it is declared
        }
        return region;
    }

    /**
     * The record {@code record} of {@code region}'s schema, or its only record when {@code record} is null; null
     * after a problem (unknown, with a hint; or not given for a schema of several records).
     */
    RecordLayout recordRef(Node.ObjectNode obj, Deployment.RegionSpec region, String record) {
        Layout layout = region.layout();
        if (record == null) {
            if (layout.records().size() == 1) {
                return layout.records().get(0);
            }
            problems.problem(obj, "missing \"record\": region \"" + region.name() + "\" (schema \""
                    + layout.schemaName() + "\") has several: "
                    + layout.records().stream().map(RecordLayout::name).toList());
            return null;
        }
        RecordLayout r = layout.record(record).orElse(null);
        if (r == null) {
            List<String> names = layout.records().stream().map(RecordLayout::name).toList();
            String hint = JsonProblems.didYouMean(record, names);
            problems.problem(obj.get("record"), "unknown record \"" + record + "\" in region \"" + region.name()
                    + "\" (schema \"" + layout.schemaName() + "\")" + hint + " (records: "
                    + String.join(", ", names) + ")");
        }
        return r;
    }

    /** {@code text} resolved against the deployment file's directory; null (and a problem) when it is no path. */
    Path path(Node at, String text) {
        try {
            return baseDir.resolve(text).normalize();
        } catch (InvalidPathException e) {
            problems.problem(at, "invalid path \"" + text.replace("\0", "\\u0000") + "\": " + e.getReason());
            return null;
        }
    }
}
