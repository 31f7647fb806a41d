package io.shmtel.foxglove;

import io.shmtel.core.Clocks;
import io.shmtel.core.region.Region;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The server's one reading thread. It owns the channels (topics), the clients' subscriptions and
 * the stream subscribers; the network threads hand it work as commands. Each turn it runs the
 * commands, looks at the directory every scan period (advertising channels of regions that
 * appeared or changed epoch, withdrawing those of regions that went), reads every subscribed
 * channel, and writes to the clients. It is just another subscriber: publishers never wait for it.
 *
 * <p>This class is the loop and the clients' commands; its parts: {@link Channels} (the channels and
 * which are read), {@link RegionScan} (the directory scan), {@link Topic} (one channel's reading,
 * encoding and rate limit), {@link PumpIdle} (waiting when there is no work), {@link PumpStats}.
 */
final class Pump implements Runnable {
    private final ServerConfig config;
    private final Consumer<String> log;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Map<Integer, Client> clients = new LinkedHashMap<>();
    /** Advertised channels, and the subscribed ones. */
    private final Channels channels;
    private final RegionScan regionScan;
    private final PumpIdle idle = new PumpIdle();
    private final PumpStats stats = new PumpStats();
    private final Topic.Sender sender = this::fanOut;
    private volatile boolean running = true;
    private long epochOffsetNs = Clocks.monotonicToEpochOffsetNs();

    Pump(ServerConfig config, Consumer<String> log) {
        this.config = config;
        this.log = log;
        this.channels = new Channels(config);
        this.regionScan = new RegionScan(config, log, channels, this::broadcast);
    }

    void submit(Runnable command) {
        commands.add(command);
        idle.wakeup(); // the pump may be asleep on its records
    }

    void stop() {
        running = false;
    }

    List<ClientStats> clientStats() {
        return stats.clientStats();
    }

    List<ChannelStats> channelStats() {
        return stats.channelStats();
    }

    @Override
    public void run() {
        idle.start(config.idle());
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
                            regionScan.scan();
                        }
                        List<Topic> active = channels.active();
                        for (int i = 0; i < active.size(); i++) {
                            work |= active.get(i).pump(sender, epochOffsetNs);
                        }
                        for (Client c : clients.values()) {
                            c.drain();
                        }
                        if (now - nextStats >= 0) {
                            nextStats = now + PumpStats.PERIOD_NS;
                            stats.publish(clients.values(), channels.all());
                        }
                        if (work) {
                            idle.reset();
                        } else {
                            idle.idle(active, clients.values(), Math.min(nextScan, nextStats));
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
            channels.releaseAll();
            regionScan.close();
        }
    }

    // ---- commands from the network threads ----

    void connected(Client client) {
        clients.put(client.number, client);
        client.sendText(Messages.serverInfo("shmtel", Integer.toHexString(System.identityHashCode(this)) + "-"
                + Long.toHexString(epochOffsetNs), Map.of("shmtel.dir", config.directory().path().toString())));
        if (!channels.isEmpty()) {
            client.sendText(Messages.advertise(channels.all()));
        }
        log.accept("client " + client.remote + " connected (" + client.subprotocol + "), " + channels.size()
                + " channel" + (channels.size() == 1 ? "" : "s") + " advertised");
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
        Topic topic = channels.get(channelId);
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
                channels.activate(topic, epochOffsetNs);
            } catch (RuntimeException e) {
                client.sendText(Messages.status(Messages.ERROR, "subscribe: cannot read " + topic.topicName + ": "
                        + e.getMessage()));
                return;
            }
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
            channels.release(s.topic);
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

    private void broadcast(String json) {
        for (Client c : clients.values()) {
            c.sendText(json);
        }
    }
}
