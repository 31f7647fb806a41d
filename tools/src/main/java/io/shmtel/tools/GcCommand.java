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

@Command(name = "gc", description =
        {"Removes regions whose writer is dead (nobody holds the lock, the heartbeat is stale).",
        "Never a live or stalled one (their lock is held). Cleanly closed regions are kept (readers may still want"
                + " their last samples) unless --closed; unreadable ones with no writer are removed.",
        "A file it may not open or remove (a symbolic link, a FIFO or other non-regular file, another user's file)"
                + " is skipped with one line on stderr, the other regions are collected, and the exit code is 18.",
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
        PrintWriter err = spec.commandLine().getErr();
        RegionOptions options = region.options().withAnyOwner(true).withInitTimeout(Duration.ZERO);
        String verb = dryRun ? "would remove" : "removed";
        int removed = 0;
        int kept = 0;
        int skipped = 0;
        for (String name : options.regionDirectory().list()) {
            try {
                String reason = collect(name, options, out);
                if (reason == null) {
                    kept++;
                    continue;
                }
                removed++;
                out.println(verb + " " + name + " (" + reason + ")");
            } catch (ShmtelException e) {
                // A file gc may not open or remove (a link, a FIFO, another user's file in a sticky
                // directory): one line about it, and the other regions are collected all the same.
                skipped++;
                out.flush();
                err.println("shmtel gc: skipped " + options.regionDirectory().file(name) + ": " + e.getMessage());
                err.flush();
            }
        }
        out.println((dryRun ? "would remove " : "removed ") + removed + ", kept " + kept
                + (skipped == 0 ? "" : ", skipped " + skipped + " (see above)"));
        return skipped == 0 ? ExitCodes.OK : ExitCodes.SKIPPED;
    }

    /**
     * Removes region {@code name} if its writer is dead (or, with --dry-run, says it would): the
     * reason when removed, null when kept (the line printed). Throws when the file cannot be looked
     * at or removed: the caller skips it.
     */
    private String collect(String name, RegionOptions options, PrintWriter out) {
        if (Region.isWriterLockHeld(name, options)) {
            out.println("kept     " + name + " (a writer holds its lock)");
            return null;
        }
        String reason;
        try (Region r = Region.open(name, options)) {
            WriterState state = r.writerState(5);
            double ageMs = (System.nanoTime() - r.heartbeatNs()) / 1e6;
            long staleMs = 5 * Math.max(1, r.heartbeatPeriodNs()) / 1_000_000;
            if (state == WriterState.CLOSED && !closed) {
                out.println("kept     " + name + " (closed cleanly; --closed removes it)");
                return null;
            }
            if (state == WriterState.WRITER_DEAD && ageMs <= staleMs) {
                out.println("kept     " + name + " (no lock, but heartbeat " + RegionSummary.formatAge(ageMs)
                        + " old: its writer may be starting; try again)");
                return null;
            }
            reason = state == WriterState.CLOSED ? "closed cleanly" : "writer pid " + r.writerPid()
                    + " dead, heartbeat "
                    + RegionSummary.formatAge(ageMs) + " old";
        } catch (ShmtelException e) {
            reason = "unreadable and without a writer: " + e.getMessage();
        }
        if (!dryRun) {
            try {
                // Under a shared lock: a writer that took the region over meanwhile keeps it.
                Region.removeUnowned(name, options);
            } catch (RegionOwnedException e) {
                out.println("kept     " + name + " (a writer took it over just now)");
                return null;
            }
        }
        return reason;
    }
}
