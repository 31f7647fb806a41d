package io.shmtel.bridge.spi;

import java.nio.ByteBuffer;

/**
 * The receiving end of one stream. Not thread-safe: one receiving thread. A transport may wake the thread that
 * polls when frames may have arrived ({@link #wakesPoller()}).
 */
public interface Inbound extends AutoCloseable {

    /** Receives whole frames, in order per sender: what a sender offered as one frame arrives as one. */
    @FunctionalInterface
    interface FrameHandler {
        /** Bytes {@code [0, length)} of {@code frame} (little-endian, valid only during the call). */
        void onFrame(ByteBuffer frame, int length);
    }

    /** Hands at most {@code limit} waiting frames to {@code handler}; returns how many. */
    int poll(FrameHandler handler, int limit);

    /**
     * True when this transport unparks the polling thread ({@code LockSupport.unpark}) whenever frames may have
     * arrived, so the poller may park until then (bounded by its own timers); false (the default): it must poll.
     */
    default boolean wakesPoller() {
        return false;
    }

    /** True while at least one sender is connected. */
    boolean isConnected();

    @Override
    void close();
}
