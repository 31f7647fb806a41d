package io.shmtel.core.region;

import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/**
 * A reader's writable mapping of its region, for the sleeper words a sleeping reader writes (see
 * {@link Region#sleeperBuffer()}): mapped on first use, or the reason this process may not write
 * the file, said once. One per read-only {@link Region}; a writer uses its own mapping.
 */
final class SleeperMapping {
    private final Region region;
    private final int fd;
    private ByteBuffer mapping;
    private String sleeperRefusal;
    private String writeRefusal;

    SleeperMapping(Region region, int fd) {
        this.region = region;
        this.fd = fd;
    }

    /** The writable mapping, mapped on the first call; null when this process may not write the file. */
    synchronized ByteBuffer buffer() {
        if (mapping == null && sleeperRefusal == null) {
            try {
                mapping = RegionFiles.map(region.name(), fd, region.buffer().capacity(), true);
            } catch (RegionIoException e) {
                String detail = region.file() + " (" + (e.getCause() instanceof AccessDeniedException
                                ? "permission denied, mode 0" + Integer.toOctalString(region.stat().permissions())
                                : e.getCause() instanceof FileSystemException f && f.getReason() != null
                                        ? f.getReason() : e.getMessage())
                        + ")";
                writeRefusal = "no write access to " + detail;
                sleeperRefusal = "region \"" + region.name() + "\": a sleeping reader registers in the region, which"
                        + " needs write access to " + detail + "; this reader polls instead. Only the writer's user may"
                        + " write a region (readers refuse one that group or others may write): run this reader as the"
                        + " writer's user to let it sleep";
            }
        }
        return mapping;
    }

    /** See {@link Region#writeRefusal()}. */
    synchronized String writeRefusal() {
        return writeRefusal;
    }

    /** See {@link Region#sleeperRefusal()}. */
    synchronized String sleeperRefusal() {
        return sleeperRefusal;
    }
}
