package io.shmtel.tools;

import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionNotFoundException;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.RegionOwnedException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "rm", description = {"Removes regions (not one with a live writer, unless --force).",
        "A region whose writer holds its lock (LIVE or STALLED) is kept unless --force: its writer would go on"
                + " publishing into a file nobody can open.",
        "Example: shmtel rm demo.arm demo.arm.stats"})
final class RmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RegionOptionsMixin region;

    @Parameters(arity = "1..*", paramLabel = "REGION", description = "Region names.")
    List<String> names;

    @Option(names = "--force", description = "Remove even a region with a live writer.")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RegionOptions options = region.options();
        for (String name : names) {
            boolean removed;
            try {
                removed = force ? Region.unlink(name, options) : Region.removeUnowned(name, options);
            } catch (RegionOwnedException e) {
                throw new RegionOwnedException(e.getMessage() + ", or use --force");
            }
            if (!removed) {
                throw new RegionNotFoundException("region \"" + name + "\" not found in " + options.regionDirectory());
            }
            out.println("removed " + options.regionDirectory().file(name));
        }
        return ExitCodes.OK;
    }
}
