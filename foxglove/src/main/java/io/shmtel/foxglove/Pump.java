package io.shmtel.foxglove;

import io.shmtel.core.Clocks;
import io.shmtel.core.WaitSet;
import io.shmtel.core.idle.IdleParameter;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.idle.IdleStrategyKind;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionNotFoundException;
import io.shmtel.core.region.RegionNotReadyException;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.schema.layout.RecordLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The server's one reading thread. It owns the channels (topics), the clients' subscriptions and
 * the stream subscribers; the network threads hand it work as commands. Each turn it runs the
 * commands, looks at the directory every scan period (advertising channels of regions that
 * appeared or changed epoch, withdrawing those of regions that went), reads every subscribed
 * channel, and writes to the clients. It is just another subscriber: publishers never wait for it.
 */
final class Pump implements Runnable {
    /**
     * The pump's backoff (with {@code --idle backoff}), not the library's: viewers draw at display rates, so 20
     * spins, 2 yields and a first park of 50 us cost them nothing and keep the idle server cheap; the longest park
     * is the registry's default (1 ms).
     */
    static final Map<String, Long> VIEWER_BACKOFF = Map.of(IdleParameter.MAX_SPINS, 20L,
            IdleParameter.MAX_YIELDS, 2L, IdleParameter.MIN_PARK_US, 50L);

    private final ServerConfig config;
    private final Consumer<String> log;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Map<Integer, Client> clients = new LinkedHashMap<>();
    /** Advertised channels by id, and by region. */
    private final Map<Integer, Topic> topics = new LinkedHashMap<>();
    private final Map<String, List<Topic>> topicsByRegion = new HashMap<>();
    /**
     * The regions served, held open (with the writer epoch they were opened at) so a scan sees an
     * unchanged one by its epoch word and a stat, and the records of it that began publishing.
     */
    private final Map<String, Region> held = new HashMap<>();
    private final Map<String, Long> heldEpochs = new HashMap<>();
    /** Region problems already logged (logged again only when they change). */
    private final Map<String, String> reported = new HashMap<>();
    /** Regions whose file was truncated under the pump (closed), while their name still refers to that file. */
    private final Map<String, Region> truncated = new HashMap<>();
    private final List<Topic> active = new ArrayList<>();
    private final Topic.Sender sender = this::fanOut;
    private int nextChannelId = 1;
    private volatile boolean running = true;
    private volatile List<ClientStats> clientStats = List.of();
    private volatile List<ChannelStats> channelStats = List.of();
    private long epochOffsetNs = Clocks.monotonicToEpochOffsetNs();
    /** The subscribed records, slept on between samples (blocking idle strategy). */
    private final WaitSet waitSet = new WaitSet();

    Pump(ServerConfig config, Consumer<String> log) {
        this.config = config;
        this.log = log;
    }

    void submit(Runnable command) {
        commands.add(command);
        waitSet.wakeup(); // the pump may be asleep on its records
    }

    void stop() {
        running = false;
    }

    List<ClientStats> clientStats() {
        return clientStats;
    }

    List<ChannelStats> channelStats() {
        return channelStats;
    }

    @Override
    public void run() {
        // Blocking (the default) sleeps until a subscribed record's writer publishes or a command arrives;
        // backoff polls with the viewers' parameters.
        IdleStrategyKind kind = IdleStrategyKind.byName(config.idle());
        IdleStrategy idle = kind == IdleStrategyKind.BACKOFF ? kind.create(VIEWER_BACKOFF) : kind.create();
        long nextScan = System.nanoTime();
        long nextStats = nextScan;
        try {
            // A fault on the mapping of a region truncated under the pump (SIGBUS, raised by the JVM at a later
            // instruction) ends the loop; the region's subscribers drop it, the next scan withdraws it, the pump goes
            // on.
            while (running) {
                try {
                    while (running) {
                        boolean work = false;
                        for (Runnable c; (c = commands.poll()) != null; ) {
                            c.run();
                            work = true;
                        }
                        long now = System.nanoTime();
                        if (now - nextScan >= 0) {
                            nextScan = now + config.scanPeriod().toNanos();
                            epochOffsetNs = Clocks.monotonicToEpochOffsetNs();
                            scan();
                        }
                        for (int i = 0; i < active.size(); i++) {
                            work |= active.get(i).pump(sender, epochOffsetNs);
                        }
                        for (Client c : clients.values()) {
                            c.drain();
                        }
                        if (now - nextStats >= 0) {
                            nextStats = now + 100_000_000L;
                            publishStats();
                        }
                        if (work) {
                            idle.reset();
                        } else {
                            idle.idle(waitSet, sleepBoundNs(Math.min(nextScan, nextStats)));
                        }
                    }
                } catch (InternalError e) {
                    if (Region.truncatedMappingFault(e) == null) {
                        throw e;
                    }
                    nextScan = System.nanoTime();
                }
            }
        } finally {
            active.forEach(Topic::deactivate);
            active.clear();
            held.values().forEach(Region::close);
            held.clear();
        }
    }

    /**
     * How long the pump may sleep: until the next scan or stats period, and at most 1 ms while a
     * rate-limited sample or a slow client's message waits (their time comes without a publish).
     * Refreshes the wait set with the active topics (no allocation once it has grown).
     */
    private long sleepBoundNs(long nextDeadline) {
        waitSet.clear();
        boolean pending = false;
        for (int i = 0; i < active.size(); i++) {
            Topic t = active.get(i);
            waitSet.add(t.subscriber());
            pending |= t.hasPending();
        }
        if (!pending) {
            for (Client c : clients.values()) {
                pending |= c.hasPending();
            }
        }
        long bound = nextDeadline - System.nanoTime();
        return pending ? Math.min(bound, 1_000_000L) : bound;
    }

    // ---- commands from the network threads ----

    void connected(Client client) {
        clients.put(client.number, client);
        client.sendText(Messages.serverInfo("shmtel", Integer.toHexString(System.identityHashCode(this)) + "-"
                + Long.toHexString(epochOffsetNs), Map.of("shmtel.dir", config.directory().path().toString())));
        if (!topics.isEmpty()) {
            client.sendText(Messages.advertise(topics.values()));
        }
        log.accept("client " + client.remote + " connected (" + client.subprotocol + "), " + topics.size()
                + " channel" + (topics.size() == 1 ? "" : "s") + " advertised");
    }

    void disconnected(Client client) {
        if (clients.remove(client.number) == null) {
            return;
        }
        for (Client.Subscription s : List.copyOf(client.subscriptions.values())) {
            unsubscribe(client, s.id);
        }
        log.accept("client " + client.remote + " disconnected (" + client.sentMessages + " messages sent, "
                + client.droppedMessages + " replaced while it was behind)");
    }

    void subscribe(Client client, int subscriptionId, int channelId) {
        if (!clients.containsKey(client.number)) {
            return;
        }
        Topic topic = topics.get(channelId);
        if (topic == null) {
            client.sendText(Messages.status(Messages.ERROR, "subscribe: no channel " + channelId
                    + " (it was never advertised, or was withdrawn: subscribe to the channels of the last advertise)"));
            return;
        }
        if (client.subscriptions.containsKey(subscriptionId)) {
            client.sendText(Messages.status(Messages.ERROR, "subscribe: subscription id " + subscriptionId
                    + " is already in use on this connection; unsubscribe it first or pick a new id"));
            return;
        }
        if (client.subscriptions.values().stream().anyMatch(s -> s.topic == topic)) {
            client.sendText(Messages.status(Messages.ERROR, "subscribe: this connection already subscribes to channel "
                    + channelId + " (" + topic.topicName + ")"));
            return;
        }
        if (!topic.active()) {
            try {
                topic.activate(config.regions(), epochOffsetNs);
            } catch (RuntimeException e) {
                client.sendText(Messages.status(Messages.ERROR, "subscribe: cannot read " + topic.topicName + ": "
                        + e.getMessage()));
                return;
            }
            active.add(topic);
        }
        Client.Subscription s = new Client.Subscription(subscriptionId, client, topic);
        client.subscriptions.put(subscriptionId, s);
        topic.subscriptions.add(s);
        if (topic.lastPayload != null) {
            client.sendSample(s, topic.lastPayload, topic.lastTimestampNs); // the current value at once
        }
    }

    void unsubscribe(Client client, int subscriptionId) {
        Client.Subscription s = client.subscriptions.remove(subscriptionId);
        if (s == null) {
            if (clients.containsKey(client.number)) {
                client.sendText(Messages.status(Messages.WARNING, "unsubscribe: no subscription " + subscriptionId));
            }
            return;
        }
        client.forget(s);
        s.topic.subscriptions.remove(s);
        if (s.topic.subscriptions.isEmpty()) {
            s.topic.deactivate();
            active.remove(s.topic);
        }
    }

    void status(Client client, int level, String message) {
        if (clients.containsKey(client.number)) {
            client.sendText(Messages.status(level, message));
        }
    }

    // ---- the pump's own work ----

    private void fanOut(Topic topic, byte[] payload, long timestampNs) {
        List<Client.Subscription> subs = topic.subscriptions;
        for (int i = 0; i < subs.size(); i++) {
            Client.Subscription s = subs.get(i);
            s.client.sendSample(s, payload, timestampNs);
        }
    }

    /** Advertises what appeared or changed, withdraws what went. */
    private void scan() {
        Set<String> regionNames = new LinkedHashSet<>();
        Map<String, String> onlyRecord = new HashMap<>();
        if (config.targets().isEmpty()) {
            regionNames.addAll(config.directory().list());
        } else {
            for (String t : config.targets()) {
                int slash = t.indexOf('/');
                String region = slash < 0 ? t : t.substring(0, slash);
                regionNames.add(region);
                if (slash >= 0) {
                    onlyRecord.merge(region, t.substring(slash + 1), (a, b) -> a + "\n" + b);
                }
            }
        }
        regionNames.addAll(topicsByRegion.keySet()); // regions that went are withdrawn
        regionNames.addAll(held.keySet());
        List<Topic> added = new ArrayList<>();
        List<Integer> removed = new ArrayList<>();
        for (String name : regionNames) {
            List<Topic> now = topicsByRegion.getOrDefault(name, List.of());
            Region open = held.get(name);
            if (open != null && open.checkTruncated()) {
                // Its file was cut under the pump: its channels go, and the name is left alone until a new file
                // replaces it.
                log.accept("withdrew " + name + ": " + open.truncation("its channels are withdrawn until a writer"
                        + " replaces the file").getMessage());
                for (Topic t : now) {
                    withdraw(t);
                    removed.add(t.channelId);
                }
                topicsByRegion.remove(name);
                held.remove(name).close();
                heldEpochs.remove(name);
                truncated.put(name, open);
                continue;
            }
            Region cut = truncated.get(name);
            if (cut != null) {
                if (!cut.isReplaced()) {
                    continue; // still the truncated file
                }
                truncated.remove(name);
            }
            List<Topic.Key> have = now.stream().map(t -> t.key).toList();
            if (open != null && !open.isReplaced() && open.epoch() == heldEpochs.get(name)) {
                // The same file, the same writer epoch: only records that began publishing are new.
                List<Topic.Key> wanted = keys(open, onlyRecord.get(name));
                if (wanted.equals(have)) {
                    continue;
                }
                if (wanted.containsAll(have)) {
                    List<Topic> fresh = new ArrayList<>(now);
                    for (Topic.Key k : wanted) {
                        if (!have.contains(k)) {
                            Topic t = newTopic(k, open);
                            fresh.add(t);
                            added.add(t);
                            log.accept("advertised " + name + "/" + k.record() + " (its first sample, epoch "
                                    + open.epoch() + ")");
                        }
                    }
                    topicsByRegion.put(name, fresh);
                    continue;
                }
            }
            if (open != null) {
                held.remove(name).close();
                heldEpochs.remove(name);
            }
            List<Topic.Key> wanted;
            Region region = null;
            try {
                region = Region.open(name, config.regions());
                wanted = keys(region, onlyRecord.get(name));
                reported.remove(name);
            } catch (RegionNotFoundException e) {
                wanted = List.of();
                reported.remove(name);
            } catch (RegionNotReadyException e) {
                continue; // being created: look again next scan
            } catch (RuntimeException e) {
                if (!String.valueOf(e.getMessage()).equals(reported.put(name, String.valueOf(e.getMessage())))) {
                    log.accept("region " + name + " not served: " + e.getMessage());
                }
                wanted = List.of();
            }
            try {
                if (have.equals(wanted)) {
                    continue;
                }
                for (Topic t : now) {
                    withdraw(t);
                    removed.add(t.channelId);
                }
                List<Topic> fresh = new ArrayList<>();
                for (Topic.Key k : wanted) {
                    fresh.add(newTopic(k, region));
                }
                added.addAll(fresh);
                if (fresh.isEmpty()) {
                    topicsByRegion.remove(name);
                } else {
                    topicsByRegion.put(name, fresh);
                }
                if (!now.isEmpty() || !fresh.isEmpty()) {
                    log.accept(now.isEmpty() ? "advertised " + name + " (" + fresh.size() + " channel"
                            + (fresh.size() == 1 ? "" : "s") + ", epoch " + region.epoch() + ")"
                            : fresh.isEmpty() ? "withdrew " + name + " (region gone)"
                            : "re-advertised " + name + " (epoch " + region.epoch() + ")");
                }
            } finally {
                if (region != null) { // held even with no channel yet: its records may begin publishing
                    held.put(name, region);
                    heldEpochs.put(name, region.epoch());
                }
            }
        }
        if (!removed.isEmpty()) {
            broadcast(Messages.unadvertise(removed));
        }
        if (!added.isEmpty()) {
            broadcast(Messages.advertise(added));
        }
    }

    private Topic newTopic(Topic.Key k, Region region) {
        RecordLayout rec = region.layout().record(k.record()).orElseThrow();
        Topic t = new Topic(nextChannelId++, k, region.layout(), rec, config.encoding(), config.maxRateHz());
        topics.put(t.channelId, t);
        return t;
    }

    /**
     * The channels a region gets: its records (those named, when records are named), each once it
     * has published a sample (unless {@link ServerConfig#allRecords}, or named): a record the
     * region's writer never fills (one record of a schema of several) is no channel of empty data.
     */
    private List<Topic.Key> keys(Region region, String onlyRecords) {
        List<Topic.Key> keys = new ArrayList<>();
        for (RecordLayout rec : region.layout().records()) {
            boolean named = onlyRecords != null && List.of(onlyRecords.split("\n")).contains(rec.name());
            if (named || onlyRecords == null && (config.allRecords()
                    || new RingReader(region.buffer(), RingGeometry.of(rec)).publishedAcquire() > 0)) {
                keys.add(new Topic.Key(region.name(), rec.name(), region.epoch(), region.stat().inode(),
                        rec.fingerprint()));
            }
        }
        if (onlyRecords != null && keys.isEmpty()) {
            String problem = "has no record " + onlyRecords.replace("\n", " or ") + "; its records: "
                    + region.layout().records().stream().map(RecordLayout::name).toList();
            if (!problem.equals(reported.put(region.name(), problem))) {
                log.accept("region " + region.name() + " " + problem);
            }
        }
        return keys;
    }

    private void withdraw(Topic t) {
        topics.remove(t.channelId);
        for (Client.Subscription s : List.copyOf(t.subscriptions)) {
            s.client.subscriptions.remove(s.id);
            s.client.forget(s);
        }
        t.subscriptions.clear();
        t.deactivate();
        active.remove(t);
    }

    private void broadcast(String json) {
        for (Client c : clients.values()) {
            c.sendText(json);
        }
    }

    private void publishStats() {
        List<ClientStats> cs = new ArrayList<>(clients.size());
        for (Client c : clients.values()) {
            cs.add(new ClientStats(c.remote, c.subprotocol, c.subscriptions.size(), c.sentMessages,
                    c.droppedMessages, c.queuedBytes()));
        }
        clientStats = List.copyOf(cs);
        List<ChannelStats> ts = new ArrayList<>(topics.size());
        for (Topic t : topics.values()) {
            ts.add(new ChannelStats(t.channelId, t.topicName, t.key.epoch(), t.subscriptions.size(), t.received,
                    t.sent, t.decimated, t.lostSamples()));
        }
        channelStats = List.copyOf(ts);
    }
}
