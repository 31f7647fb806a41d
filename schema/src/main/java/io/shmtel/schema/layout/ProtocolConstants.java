package io.shmtel.schema.layout;

import java.util.concurrent.TimeUnit;

/**
 * Numbers of the access protocol, beyond the layout, that every implementation uses alike: core's Java readers
 * and senders and the C functions that CGenerator writes. Declared once here so that the two cannot drift; the
 * layout itself (offsets, states, codes) is in {@link RegionHeaderDescriptor}, {@link RecordBlockDescriptor} and
 * {@link SlotDescriptor}.
 */
public final class ProtocolConstants {
    /**
     * Attempts of a read of the newest sample (Java {@code RingReader.readLatest}, C {@code _read_latest}) before
     * it gives up; each failure means the writer lapped a whole ring.
     */
    public static final int MAX_LATEST_ATTEMPTS = 64;

    /**
     * How often a mailbox end (Java {@code MailboxSender} and {@code MailboxReceiver}) waiting on a held message
     * checks whether the consumer holding it is still alive; the C {@code _recover} function's comment advises it.
     */
    public static final long MAILBOX_HOLDER_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(10);

    /**
     * How often a writer beats unless told otherwise (Java {@code RegionOptions.defaults()}, the C
     * {@code <schema>_region_create}); written into the header, so readers use the writer's own period.
     */
    public static final long DEFAULT_HEARTBEAT_PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /** A reader calls a writer that holds the lock STALLED after this many heartbeat periods without a beat. */
    public static final int DEFAULT_STALLED_AFTER_PERIODS = 5;

    /** How long an opener waits for a region that is still being created (format version 0, or an empty file). */
    public static final long DEFAULT_INIT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);

    /** How long an opener sleeps between two looks at a region that is still being created. */
    public static final long CREATION_POLL_NS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * Times the liveness decision starts again when the epoch changed under it (a takeover between its
     * lock probe and its second load of the state word) before it answers WRITER_DEAD.
     */
    public static final int MAX_STATE_ATTEMPTS = 64;

    /** How long creating a region may keep losing races for its name (others create and remove it) before giving up. */
    public static final long CREATE_GIVE_UP_NS = TimeUnit.SECONDS.toNanos(2);

    /** Attempts a creation makes in any case, however long they take, before it gives up. */
    public static final int CREATE_MIN_ATTEMPTS = 3;

    /** The pause before a creation looks again at a file someone else is removing or has just released. */
    public static final long CREATE_RETRY_PAUSE_NS = TimeUnit.MICROSECONDS.toNanos(200);

    /** The longest region name, in characters (names match {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}). */
    public static final int MAX_REGION_NAME_LENGTH = 128;

    private ProtocolConstants() {}
}
