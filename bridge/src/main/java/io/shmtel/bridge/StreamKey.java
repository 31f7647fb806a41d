package io.shmtel.bridge;

/** (sender id, stream index); a mutable probe avoids allocating on lookups. */
final class StreamKey {
    long sender;
    int stream;

    StreamKey set(long senderId, int streamIndex) {
        this.sender = senderId;
        this.stream = streamIndex;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamKey k && k.sender == sender && k.stream == stream;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sender) * 31 + stream;
    }
}
