package io.shmtel.bridge.spi;

import java.nio.ByteBuffer;

/** The sending end of one stream. Not thread-safe: one sending thread. */
public interface Outbound extends AutoCloseable {
    /** {@link #offer} result: the frame is on its way. */
    int SENT = 0;
    /** {@link #offer} result: the transport is full for now; offer the same frame again later. */
    int BACK_PRESSURED = 1;
    /** {@link #offer} result: no receiver is connected; the frame was not sent. */
    int NOT_CONNECTED = 2;

    /**
     * Offers bytes {@code [0, length)} of {@code frame}; returns {@link #SENT}, {@link #BACK_PRESSURED} or {@link
     * #NOT_CONNECTED}.
     */
    int offer(ByteBuffer frame, int length);

    /** True while at least one receiver is connected. */
    boolean isConnected();

    @Override
    void close();
}
