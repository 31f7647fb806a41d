package io.shmtel.core.view;

import java.nio.ByteBuffer;

/**
 * Where a {@link RecordWriter} sends to when its record is a mailbox: one message at a time, never
 * overwritten. {@link #publish} (a writer's {@code commit()}) is refused: a mailbox may be full, so
 * sending says whether the message went in.
 */
public interface MailboxSink extends SampleSink {

    /**
     * Puts bytes {@code [0, length)} of {@code payload} in the mailbox if it is empty; false when it holds an
     * unanswered message.
     */
    boolean offer(ByteBuffer payload, int length, long timestampNs);

    /**
     * Like {@link #offer}, waiting up to {@code timeoutNs} for the mailbox to be empty; false when the time ran out.
     */
    boolean put(ByteBuffer payload, int length, long timestampNs, long timeoutNs);
}
