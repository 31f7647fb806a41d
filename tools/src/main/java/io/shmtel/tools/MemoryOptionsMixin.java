package io.shmtel.tools;

import io.shmtel.core.region.MemoryOptions;
import io.shmtel.core.region.RegionOptions;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Real-time memory options for the commands that keep regions mapped (pub, echo, stat, record, serve). */
final class MemoryOptionsMixin {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--prefault", description = "Fault every page of the region in when mapping it.")
    boolean prefault;

    @Option(names = "--lock", description =
            "Lock the region in RAM (mlock); needs RLIMIT_MEMLOCK (ulimit -l) for its length.")
    boolean lock;

    @Option(names = "--madvise", paramLabel = "ADVICE", description =
            "Access hint: normal, random, sequential, willneed.")
    String advice;

    @Option(names = "--huge-pages", description =
            "Back the region with transparent huge pages (a tmpfs with huge=advise).")
    boolean hugePages;

    RegionOptions apply(RegionOptions options) {
        MemoryOptions.Advice a = MemoryOptions.Advice.NORMAL;
        if (advice != null) {
            a = MemoryOptions.Advice.byName(advice).orElseThrow(()
                    -> new CommandLine.ParameterException(spec.commandLine(),
                    "unknown --madvise \"" + advice + "\": one of " + String.join(", ", MemoryOptions.Advice.names())));
        }
        return options.withMemory(new MemoryOptions(prefault, lock, a, hugePages));
    }
}
