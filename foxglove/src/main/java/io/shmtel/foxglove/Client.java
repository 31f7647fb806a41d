package io.shmtel.foxglove;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One connected WebSocket client. Its subscriptions are the pump thread's; its counters are read by
 * others. Samples are written only while the connection is writable (below the high-water mark);
 * otherwise each subscription keeps just its newest message and sends it when the client catches
 * up, so a client that stops reading costs at most the high-water mark plus one message per
 * subscription.
 */
final class Client {
    /** A client's subscription (its own id) to a channel. */
    static final class Subscription {
        final int id;
        final Client client;
        final Topic topic;
        byte[] pendingPayload;
        long pendingTimestampNs;

        Subscription(int id, Client client, Topic topic) {
            this.id = id;
            this.client = client;
            this.topic = topic;
        }
    }

    final int number;
    final Channel channel;
    final String remote;
    final String subprotocol;
    final Map<Integer, Subscription> subscriptions = new LinkedHashMap<>();
    private boolean needsFlush;
    private int pendingCount;

    volatile long sentMessages;
    volatile long droppedMessages;

    Client(int number, Channel channel, String remote, String subprotocol) {
        this.number = number;
        this.channel = channel;
        this.remote = remote;
        this.subprotocol = subprotocol;
    }

    /** A control message (never dropped: small and rare). */
    void sendText(String json) {
        channel.writeAndFlush(new TextWebSocketFrame(json), channel.voidPromise());
    }

    /** A sample for one subscription: written now, or kept as the subscription's newest if the client is behind. */
    void sendSample(Subscription s, byte[] payload, long timestampNs) {
        if (s.pendingPayload == null && channel.isWritable()) {
            write(s, payload, timestampNs);
            return;
        }
        if (s.pendingPayload != null) {
            droppedMessages++; // replaced by a newer one before the client could take it
        } else {
            pendingCount++;
        }
        s.pendingPayload = payload;
        s.pendingTimestampNs = timestampNs;
    }

    /** Messages kept for a client that had not caught up. */
    boolean hasPending() {
        return pendingCount > 0;
    }

    /** Sends kept messages if the client has caught up, and flushes what was written. */
    void drain() {
        if (pendingCount > 0 && channel.isWritable()) {
            for (Subscription s : subscriptions.values()) {
                if (s.pendingPayload != null && channel.isWritable()) {
                    byte[] payload = s.pendingPayload;
                    s.pendingPayload = null;
                    pendingCount--;
                    write(s, payload, s.pendingTimestampNs);
                }
            }
        }
        if (needsFlush) {
            needsFlush = false;
            channel.flush();
        }
    }

    void forget(Subscription s) {
        if (s.pendingPayload != null) {
            s.pendingPayload = null;
            pendingCount--;
        }
    }

    private void write(Subscription s, byte[] payload, long timestampNs) {
        ByteBuf buf = channel.alloc().buffer(13 + payload.length);
        buf.writeByte(Messages.MESSAGE_DATA).writeIntLE(s.id).writeLongLE(timestampNs).writeBytes(payload);
        channel.write(new BinaryWebSocketFrame(buf), channel.voidPromise());
        needsFlush = true;
        sentMessages++;
    }

    /** Bytes written to this client and not yet taken by the kernel. */
    long queuedBytes() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }
}
