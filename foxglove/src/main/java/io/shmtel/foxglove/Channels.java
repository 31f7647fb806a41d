package io.shmtel.foxglove;

import io.shmtel.core.region.Region;
import io.shmtel.schema.layout.RecordLayout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pump's channels: the advertised ones by id (numbered from 1 in the order they are made), and the
 * active ones, those some client subscribes to, which the pump reads each turn. The scan makes and
 * withdraws channels, the clients' commands activate and release them. Used by the pump thread only.
 */
final class Channels {
    private final ServerConfig config;
    private final Map<Integer, Topic> topics = new LinkedHashMap<>();
    private final List<Topic> active = new ArrayList<>();
    private int nextChannelId = 1;

    Channels(ServerConfig config) {
        this.config = config;
    }

    /** The advertised channel of that id, or null. */
    Topic get(int channelId) {
        return topics.get(channelId);
    }

    /** Every advertised channel, in the order they were made. */
    Collection<Topic> all() {
        return topics.values();
    }

    boolean isEmpty() {
        return topics.isEmpty();
    }

    int size() {
        return topics.size();
    }

    /** The subscribed channels (indexable, so the pump reads them without an iterator). */
    List<Topic> active() {
        return active;
    }

    /** A new channel for a record of a region, under the next id; not yet advertised to clients. */
    Topic add(Topic.Key k, Region region) {
        RecordLayout rec = region.layout().record(k.record()).orElseThrow();
        Topic t = new Topic(nextChannelId++, k, region.layout(), rec, config.encoding(), config.maxRateHz());
        topics.put(t.channelId, t);
        return t;
    }

    /** Its first subscription: starts reading it (an exception, if its region cannot be read, leaves it inactive). */
    void activate(Topic topic, long epochOffsetNs) {
        topic.activate(config.regions(), epochOffsetNs);
        active.add(topic);
    }

    /** Its last subscription went: stops reading it. */
    void release(Topic topic) {
        topic.deactivate();
        active.remove(topic);
    }

    /** The channel goes: its subscriptions end (the clients are not told here) and it stops reading. */
    void withdraw(Topic t) {
        topics.remove(t.channelId);
        for (Client.Subscription s : List.copyOf(t.subscriptions)) {
            s.client.subscriptions.remove(s.id);
            s.client.forget(s);
        }
        t.subscriptions.clear();
        t.deactivate();
        active.remove(t);
    }

    /** The pump stops: every channel stops reading. */
    void releaseAll() {
        active.forEach(Topic::deactivate);
        active.clear();
    }
}
