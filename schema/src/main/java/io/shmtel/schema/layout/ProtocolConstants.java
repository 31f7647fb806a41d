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

    private ProtocolConstants() {}
}
