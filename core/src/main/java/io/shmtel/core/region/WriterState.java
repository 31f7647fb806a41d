package io.shmtel.core.region;

/** What a reader knows of a region's writer. */
public enum WriterState {
    /** No region of that name yet: the reader attaches when it appears. */
    WAITING,
    /** The writer holds the region's lock and its heartbeat is fresh. */
    LIVE,
    /** The writer holds the lock but its heartbeat is older than the stall threshold (paused, stopped, overloaded). */
    STALLED,
    /** Nobody holds the lock and the writer did not close cleanly: it died. The last complete samples stay readable. */
    WRITER_DEAD,
    /** The writer closed the region cleanly. */
    CLOSED,
    /**
     * The region's file was truncated under the reader (shorter than its mapping): its samples are
     * gone and the reader no longer touches it. The reader attaches to a new region of that name when
     * one replaces the file (a writer that starts replaces it), and is WAITING when the name is removed.
     */
    CORRUPT
}
