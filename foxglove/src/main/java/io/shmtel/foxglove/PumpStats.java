package io.shmtel.foxglove;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The server's statistics: snapshots of its clients and channels that the pump thread makes every
 * {@link #PERIOD_NS} and any thread reads ({@link FoxgloveServer#clients}, {@link FoxgloveServer#channels}).
 */
final class PumpStats {
    /** How often the snapshots are made: ten times a second. */
    static final long PERIOD_NS = 100_000_000L;

    private volatile List<ClientStats> clientStats = List.of();
    private volatile List<ChannelStats> channelStats = List.of();

    List<ClientStats> clientStats() {
        return clientStats;
    }

    List<ChannelStats> channelStats() {
        return channelStats;
    }

    /** Makes new snapshots; pump thread only. */
    void publish(Collection<Client> clients, Collection<Topic> topics) {
        List<ClientStats> cs = new ArrayList<>(clients.size());
        for (Client c : clients) {
            cs.add(new ClientStats(c.remote, c.subprotocol, c.subscriptions.size(), c.sentMessages,
                    c.droppedMessages, c.queuedBytes()));
        }
        clientStats = List.copyOf(cs);
        List<ChannelStats> ts = new ArrayList<>(topics.size());
        for (Topic t : topics) {
            ts.add(new ChannelStats(t.channelId, t.topicName, t.key.epoch(), t.subscriptions.size(), t.received,
                    t.sent, t.decimated, t.lostSamples()));
        }
        channelStats = List.copyOf(ts);
    }
}
