package io.shmtel.core.region;

/**
 * The region's file became shorter than this process's mapping of it (someone ran {@code truncate}
 * or {@code ftruncate} on it, or shrank it otherwise) while it was mapped: the bytes past the new end
 * are gone, and touching them faults. The region is corrupt; this process stops using the mapping.
 */
public final class RegionTruncatedException extends CorruptRegionException {
    private static final long serialVersionUID = 1L;

    private final long fileLength;
    private final long mappedLength;

    public RegionTruncatedException(String message, long fileLength, long mappedLength) {
        super(message);
        this.fileLength = fileLength;
        this.mappedLength = mappedLength;
    }

    /** The file's length when the truncation was found, in bytes. */
    public long fileLength() {
        return fileLength;
    }

    /** The length this process mapped (the region's length), in bytes. */
    public long mappedLength() {
        return mappedLength;
    }
}
