package io.shmtel.bridge.spi;

import java.util.Map;

/**
 * One network transport instance inside a bridge process (for Aeron: an embedded media driver and
 * its client). The bridge logic talks only to this interface, so another engine can be added as a
 * module that provides a {@link TransportProvider}, without touching the bridge.
 */
public interface Transport extends AutoCloseable {

    /**
     * The sending end of {@code channel}/{@code streamId} (a transport-specific address, e.g. an Aeron channel URI).
     */
    Outbound outbound(String channel, int streamId);

    /**
     * The receiving end of {@code channel}/{@code streamId}. {@code reliable}: the transport
     * repairs losses (retransmission, in order); false: lost frames stay lost and the bridge
     * counts them, so a lossy link never delays newer samples.
     */
    Inbound inbound(String channel, int streamId, boolean reliable);

    /**
     * The transport's own counters in this process (for Aeron: NAKs sent and received,
     * retransmits, bytes), read when statistics are taken; keys are stable, documented names.
     */
    Map<String, Long> counters();

    /** The counter of {@link #counters()} that counts losses repaired at the receiving end, or null. */
    default String repairsCounter() {
        return null;
    }

    @Override
    void close();
}
