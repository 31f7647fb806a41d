package io.shmtel.core;

import io.shmtel.core.ring.MailboxWords;
import io.shmtel.core.ring.RingGeometry;
import java.nio.ByteBuffer;

/**
 * What a mailbox end sleeps on: its mailbox's handshake word (the state, in the low half) in a
 * writable mapping, and the word as this end last saw it. Both ends use one; the receiver attaches
 * it again when it follows its region to a new file.
 */
final class MailboxWaitTarget implements WaitTarget {
    private ByteBuffer buffer;
    private RingGeometry geometry;
    private long address;
    /** The handshake word as last seen: a sleep ends as soon as the word differs. */
    long seen;

    /** Watches the mailbox of {@code geometry} in {@code writable}. */
    void attach(ByteBuffer writable, RingGeometry g) {
        buffer = writable;
        geometry = g;
        address = MailboxWords.stateWordAddress(writable, g);
    }

    /** Native address of the state word (0 before {@link #attach}). */
    long address() {
        return address;
    }

    @Override
    public ByteBuffer sleeperBuffer() {
        return buffer;
    }

    @Override
    public RingGeometry geometry() {
        return geometry;
    }

    @Override
    public int wordOffset() {
        return MailboxWords.wordOffset(geometry);
    }

    @Override
    public long sleeperWordAddress() {
        return address;
    }

    @Override
    public long seenWord() {
        return seen;
    }
}
