package io.shmtel.tools;

import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionDirectory;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.error.ShmtelException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "ls", description =
        {"Lists every region: schema, size, writer pid, state, epoch, heartbeat age, records.",
        "Records a region has never published are left out (counted as '+N unpublished') when it publishes others,"
                + " as in a region filled by one driver from a schema of several records. --all-records lists them "
                        + "all.",
        "Example: shmtel ls --json"})
final class LsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RegionOptionsMixin region;

    @Option(names = "--json", description =
            "One JSON object per region per line (every record, with its published count).")
    boolean json;

    @Option(names = "--all-records", description = "List every record of each region, published or not.")
    boolean allRecords;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RegionOptions options = region.options().withAnyOwner(true).withInitTimeout(Duration.ZERO);
        RegionDirectory dir = options.regionDirectory();
        List<String> rows = new ArrayList<>();
        List<String> names = dir.list();
        // The name column fits the longest name (mirrors and their .bridge regions run long).
        int width = Math.max(20, names.stream().mapToInt(String::length).max().orElse(0));
        if (!json) {
            rows.add(String.format("%-" + width + "s %-18s %9s %8s %-11s %5s %9s  %s", "REGION", "SCHEMA", "SIZE",
                    "PID",
                    "STATE", "EPOCH", "HEARTBEAT", "RECORDS (published)"));
        }
        for (String name : names) {
            try (Region r = Region.open(name, options)) {
                RegionSummary s = RegionSummary.of(r);
                rows.add(json ? json(s) : text(s, width, allRecords));
            } catch (ShmtelException e) {
                rows.add(json ? Json.object(g -> {
                    g.writeStringField("name", name);
                    g.writeStringField("file", dir.file(name).toString());
                    g.writeStringField("error", e.getMessage());
                }) : String.format("%-" + width + "s %s", name, "ERROR " + e.getMessage()));
            }
        }
        rows.forEach(out::println);
        if (!json && rows.size() == 1) {
            // the wording of a writer's "directory ... does not exist" (exit 5); a listing stays exit 0
            out.println(Files.isDirectory(dir.path()) ? "(no regions in " + dir + ")"
                    : "(no regions: " + dir + " does not exist; create it, or set SHMTEL_DIR / --dir)");
        }
        return ExitCodes.OK;
    }

    /**
     * A region's row. Its records with their published counts; those never published are left out
     * (and counted) when others were, unless {@code all}: a region that one driver fills from a
     * schema of several records shows the record it carries.
     */
    static String text(RegionSummary s, int width, boolean all) {
        StringBuilder records = new StringBuilder();
        for (RecordLayout rec : s.region().layout().records()) {
            if (s.listed(rec, all)) {
                records.append(records.length() == 0 ? "" : ", ").append(rec.name()).append('(')
                        .append(s.published()[rec.index()]).append(')');
            }
        }
        records.append(s.unlistedNote(all));
        return String.format("%-" + width + "s %-18s %9s %8d %-11s %5d %9s  %s", s.region().name(),
                s.region().layout().schemaName() + " v" + s.region().layout().schemaVersion(),
                RegionSummary.formatBytes(s.region().layout().regionLength()), s.region().writerPid(), s.state(),
                s.region().epoch(), RegionSummary.formatAge(s.heartbeatAgeMs()), records);
    }

    private static String json(RegionSummary s) {
        Region r = s.region();
        return Json.object(g -> {
            g.writeStringField("name", r.name());
            g.writeStringField("file", r.file().toString());
            g.writeStringField("schema", r.layout().schemaName());
            g.writeNumberField("schemaVersion", r.layout().schemaVersion());
            g.writeNumberField("sizeBytes", r.layout().regionLength());
            g.writeNumberField("writerPid", r.writerPid());
            g.writeStringField("state", s.state().name());
            g.writeNumberField("epoch", r.epoch());
            g.writeNumberField("heartbeatAgeMs", Math.round(s.heartbeatAgeMs() * 1000) / 1000.0);
            g.writeArrayFieldStart("records");
            for (RecordLayout rec : r.layout().records()) {
                g.writeStartObject();
                g.writeStringField("name", rec.name());
                g.writeNumberField("published", s.published()[rec.index()]);
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }
}
