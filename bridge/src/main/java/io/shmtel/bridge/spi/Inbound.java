package io.shmtel.bridge.spi;

import java.nio.ByteBuffer;

/** The receiving end of one stream. Not thread-safe: one receiving thread. */
public interface Inbound extends AutoCloseable {

    /** Receives whole frames, in order per sender: what a sender offered as one frame arrives as one. */
    @FunctionalInterface
    interface FrameHandler {
        /** Bytes {@code [0, length)} of {@code frame} (little-endian, valid only during the call). */
        void onFrame(ByteBuffer frame, int length);
    }

    /** Hands at most {@code limit} waiting frames to {@code handler}; returns how many. */
    int poll(FrameHandler handler, int limit);

    /** True while at least one sender is connected. */
    boolean isConnected();

    @Override
    void close();
}
