package io.shmtel.tools;

import io.shmtel.core.region.RegionDirectory;
import io.shmtel.core.region.RegionOptions;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every region command shares. */
final class RegionOptionsMixin {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Region directory (default: $SHMTEL_DIR, else /dev/shm).")
    Path dir;

    @Option(names = "--any-owner", description =
            "Accept regions owned by another user (never one that group or others may write).")
    boolean anyOwner;

    /**
     * The options, with the directory checked: a path that is not a directory, or a directory that
     * cannot hold regions ({@code /proc}), is a usage error naming --dir or SHMTEL_DIR. A directory
     * that does not exist is left to the command (a reader waits for it; a writer says so).
     */
    RegionOptions options() {
        RegionOptions options = uncheckedOptions();
        RegionDirectory directory = options.regionDirectory();
        directory.unusable().ifPresent(why -> {
            throw new CommandLine.ParameterException(spec.commandLine(), (dir != null ? "--dir " + dir
                    : "the region directory " + directory + " (SHMTEL_DIR)") + ": " + why);
        });
        return options;
    }

    /** The options as given, the directory unchecked (for doctor, which reports on it). */
    RegionOptions uncheckedOptions() {
        return RegionOptions.defaults().withDirectory(dir).withAnyOwner(anyOwner);
    }
}
