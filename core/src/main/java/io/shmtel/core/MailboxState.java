package io.shmtel.core;

import io.shmtel.schema.layout.RecordBlockDescriptor;

/** The handshake state of a mailbox record (format 1.2), as stored in its state word. */
public enum MailboxState {
    /** 0: nothing in the box; the writer may put a message. */
    EMPTY,
    /** 1: a message is ready; a consumer may take it. */
    READY,
    /** 2: a consumer holds the message (reading or handling it) and will answer it. */
    READING,
    /** 3: the consumer answered with an error code; the writer reads it and empties the box. */
    ERROR;

    /** The state of a stored value; null for a value outside 0 to 3 (a corrupt word). */
    public static MailboxState of(int value) {
        return value >= RecordBlockDescriptor.MAILBOX_EMPTY && value <= RecordBlockDescriptor.MAILBOX_ERROR
                ? values()[value] : null;
    }
}
