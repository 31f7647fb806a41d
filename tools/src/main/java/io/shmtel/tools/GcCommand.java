package io.shmtel.tools;

import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.RegionOwnedException;
import io.shmtel.core.region.WriterState;
import io.shmtel.error.ShmtelException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "gc", description = {"Removes regions whose writer is dead (nobody holds the lock, the heartbeat is stale).",
        "Never a live or stalled one (their lock is held). Cleanly closed regions are kept (readers may still want"
                + " their last samples) unless --closed; unreadable ones with no writer are removed.",
        "Example: shmtel gc --dry-run"})
final class GcCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RegionOptionsMixin region;

    @Option(names = "--dry-run", description = "Say what would be removed; remove nothing.")
    boolean dryRun;

    @Option(names = "--closed", description = "Also remove regions whose writer closed them cleanly.")
    boolean closed;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RegionOptions options = region.options().withAnyOwner(true).withInitTimeout(Duration.ZERO);
        String verb = dryRun ? "would remove" : "removed";
        int removed = 0;
        int kept = 0;
        for (String name : options.regionDirectory().list()) {
            if (Region.isWriterLockHeld(name, options)) {
                kept++;
                out.println("kept     " + name + " (a writer holds its lock)");
                continue;
            }
            String reason;
            try (Region r = Region.open(name, options)) {
                WriterState state = r.writerState(5);
                double ageMs = (System.nanoTime() - r.heartbeatNs()) / 1e6;
                long staleMs = 5 * Math.max(1, r.heartbeatPeriodNs()) / 1_000_000;
                if (state == WriterState.CLOSED && !closed) {
                    kept++;
                    out.println("kept     " + name + " (closed cleanly; --closed removes it)");
                    continue;
                }
                if (state == WriterState.WRITER_DEAD && ageMs <= staleMs) {
                    kept++;
                    out.println("kept     " + name + " (no lock, but heartbeat " + RegionSummary.formatAge(ageMs)
                            + " old: its writer may be starting; try again)");
                    continue;
                }
                reason = state == WriterState.CLOSED ? "closed cleanly" : "writer pid " + r.writerPid() + " dead, heartbeat "
                        + RegionSummary.formatAge(ageMs) + " old";
            } catch (ShmtelException e) {
                reason = "unreadable and without a writer: " + e.getMessage();
            }
            if (!dryRun) {
                try {
                    // Under a shared lock: a writer that took the region over meanwhile keeps it.
                    Region.removeUnowned(name, options);
                } catch (RegionOwnedException e) {
                    kept++;
                    out.println("kept     " + name + " (a writer took it over just now)");
                    continue;
                }
            }
            removed++;
            out.println(verb + " " + name + " (" + reason + ")");
        }
        out.println((dryRun ? "would remove " : "removed ") + removed + ", kept " + kept);
        return ExitCodes.OK;
    }
}
