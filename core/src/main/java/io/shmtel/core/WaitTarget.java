package io.shmtel.core;

import io.shmtel.core.ring.RingGeometry;
import java.nio.ByteBuffer;

/**
 * What a {@link WaitSet} sleeps on: one record's futex word, a u64 in the region whose low half the
 * kernel compares (a subscriber's {@code published} count; a mailbox end's state word), and the
 * value of that u64 meaning "nothing new for me".
 */
interface WaitTarget {

    /** The writable mapping to register sleeps in; null when this target cannot be slept on (polled instead). */
    ByteBuffer sleeperBuffer();

    /** The record's geometry in that mapping (valid after a non-null {@link #sleeperBuffer()}). */
    RingGeometry geometry();

    /** Offset of the watched u64 in the region. */
    int wordOffset();

    /** Native address of the watched word in {@link #sleeperBuffer()}. */
    long sleeperWordAddress();

    /** The watched u64's value while there is nothing new for this target. */
    long seenWord();
}
