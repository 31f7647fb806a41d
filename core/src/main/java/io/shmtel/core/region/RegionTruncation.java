package io.shmtel.core.region;

import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;

/**
 * What this process knows about region files truncated under its mappings: the regions it maps
 * (where a fault on a truncated mapping comes from), the last ones found truncated, and how the
 * JVM's late {@link InternalError} of such a fault is told from other errors. Each {@link Region}
 * keeps its own truncated flag ({@link Region#isTruncated()}, read on the hot paths); this class
 * holds what spans regions. Public entry points: {@link Region#surviving},
 * {@link Region#truncatedMappingFault}.
 */
final class RegionTruncation {
    /** The regions this process maps and has not closed: where a fault on a truncated mapping comes from. */
    private static final Set<Region> MAPPED = ConcurrentHashMap.newKeySet();
    /** The last regions found truncated, closed or not: a fault found late may still come from them. */
    private static final Deque<Region> TRUNCATED = new ConcurrentLinkedDeque<>();
    private static final int TRUNCATED_KEPT = 32;

    private RegionTruncation() {
    }

    /** {@code region} was mapped: a fault may come from it from now on. */
    static void mapped(Region region) {
        MAPPED.add(region);
    }

    /** {@code region} was closed: nobody in this process reads its mapping any more. */
    static void closed(Region region) {
        MAPPED.remove(region);
    }

    /** {@code region} was found truncated (once): kept among the last {@value #TRUNCATED_KEPT} so found. */
    static void found(Region region) {
        TRUNCATED.addFirst(region);
        while (TRUNCATED.size() > TRUNCATED_KEPT) {
            TRUNCATED.pollLast();
        }
    }

    /** See {@link Region#surviving}. */
    static <T> T surviving(Supplier<T> loop) {
        while (true) {
            try {
                return loop.get();
            } catch (InternalError e) {
                if (truncatedMappingFault(e) == null) {
                    throw e;
                }
            }
        }
    }

    /** See {@link Region#truncatedMappingFault}. */
    static RegionTruncatedException truncatedMappingFault(Throwable error) {
        if (!(error instanceof InternalError) || error.getMessage() == null
                || !error.getMessage().contains("unsafe memory access")) {
            return null;
        }
        Region found = null;
        for (Region r : MAPPED) {
            if (r.checkTruncated() && found == null) {
                found = r;
            }
        }
        if (found == null) {
            found = TRUNCATED.peekFirst();
        }
        return found == null ? null : found.truncation("");
    }
}
