package io.shmtel.tools;

import io.shmtel.core.region.RegionOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every region command shares. */
final class RegionOptionsMixin {
    @Option(names = "--dir", paramLabel = "DIR",
            description = "Region directory (default: $SHMTEL_DIR, else /dev/shm).")
    Path dir;

    @Option(names = "--any-owner", description = "Accept regions owned by another user.")
    boolean anyOwner;

    RegionOptions options() {
        return RegionOptions.defaults().withDirectory(dir).withAnyOwner(anyOwner);
    }
}
