package io.shmtel.tools;

import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.error.ShmtelException;
import io.shmtel.schema.layout.RecordLayout;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "top", description = {"A live table of every region and record, like top.",
        "Writer state and pid, publish rate (measured from the published counts, and nominal), samples published,"
                + " heartbeat age. Regions appearing or disappearing show up at the next refresh.",
        "Records a region has never published are left out (counted as '+N unpublished') when it publishes others,"
                + " as in ls. --all-records lists them all.",
        "Example: shmtel top --interval 0.5"})
final class TopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RegionOptionsMixin region;

    @Option(names = "--interval", paramLabel = "S", defaultValue = "1", converter = OptionValues.Interval.class,
            description = "Seconds between refreshes.")
    double intervalSeconds;

    @Option(names = "--count", paramLabel = "N", converter = OptionValues.Count.class,
            description = "Exit after N refreshes.")
    Long count;

    @Option(names = "--all-records", description = "List every record of each region, published or not.")
    boolean allRecords;

    @Override
    public Integer call() throws InterruptedException {
        RegionOptions options = region.options().withAnyOwner(true).withInitTimeout(Duration.ZERO);
        PrintWriter out = spec.commandLine().getOut();
        boolean inPlace = System.console() != null;
        Map<String, long[]> previous = new HashMap<>(); // key -> {published, nanoTime}
        for (long n = 0; count == null || n < count; n++) {
            if (n > 0) {
                Thread.sleep((long) (intervalSeconds * 1000));
            }
            StringBuilder sb = new StringBuilder(inPlace ? "\033[H\033[2J" : "");
            sb.append(String.format(Locale.ROOT, "shmtel top: %s, every %.1f s%n", options.regionDirectory(),
                    intervalSeconds));
            sb.append(String.format(Locale.ROOT, "%-22s %-14s %-11s %8s %9s %9s %11s %9s%n", "REGION", "RECORD",
                    "STATE",
                    "PID", "RATE Hz", "NOMINAL", "PUBLISHED", "HEARTBEAT"));
            Map<String, long[]> now = new HashMap<>();
            for (String name : options.regionDirectory().list()) {
                try (Region r = Region.open(name, options)) {
                    RegionSummary s = RegionSummary.of(r);
                    long t = System.nanoTime();
                    for (RecordLayout rec : r.layout().records()) {
                        if (!s.listed(rec, allRecords)) {
                            continue;
                        }
                        long published = s.published()[rec.index()];
                        String key = name + "/" + r.stat().inode() + "/" + rec.name();
                        long[] before = previous.get(key);
                        String rate = before == null || t <= before[1] ? "-"
                                : String.format(Locale.ROOT, "%.1f", (published - before[0]) * 1e9 / (t - before[1]));
                        now.put(key, new long[] {published, t});
                        sb.append(String.format(Locale.ROOT, "%-22s %-14s %-11s %8d %9s %9s %11d %9s%n", name,
                                rec.name(),
                                s.state(), r.writerPid(), rate, rec.rateHz() > 0 ? String.format(Locale.ROOT, "%.1f",
                                        rec.rateHz()) : "-", published, RegionSummary.formatAge(s.heartbeatAgeMs())));
                    }
                    if (s.unlisted(allRecords) > 0) {
                        sb.append(String.format(Locale.ROOT, "%-22s %s%n", name, s.unlistedNote(allRecords).strip()));
                    }
                } catch (ShmtelException e) {
                    sb.append(String.format(Locale.ROOT, "%-22s %s%n", name, "ERROR " + e.getMessage()));
                }
            }
            previous = now;
            out.print(sb);
            if (!inPlace) {
                out.println();
            }
            out.flush();
        }
        return ExitCodes.OK;
    }
}
