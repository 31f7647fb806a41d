package io.shmtel.config;

import io.shmtel.core.MailboxReceiver;
import io.shmtel.core.Subscriber;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.placement.PlacementHandshake;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.view.DynamicView;
import io.shmtel.schema.layout.Layout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A deployment's subscribers: each one the file declares, opened with its region, record and idle
 * strategy, its action run on a thread of its own ({@link SampleLoop}, or {@link MessageLoop} for one
 * that takes a mailbox's messages), placed first thing as the file's {@code cpu} and {@code scheduling} say; and
 * the subscribers handed out to user code. Closing stops the threads and closes them all.
 */
final class DeploymentSubscribers {
    /** How long closing waits for each subscriber's thread to end. */
    private static final long JOIN_SECONDS = 1;

    private final Deployment deployment;
    private final Map<String, SubscriberAction> actions;
    private final RegionOptions options;
    private final Map<String, Subscriber> subscribers = new LinkedHashMap<>();
    private final Map<String, Deployment.SubscriberSpec> subscriberSpecs = new LinkedHashMap<>();
    private final List<Subscriber> handedOut = new ArrayList<>();
    private final List<MailboxReceiver> receivers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    DeploymentSubscribers(Deployment deployment, Map<String, SubscriberAction> actions, RegionOptions options) {
        this.deployment = deployment;
        this.actions = actions;
        this.options = options;
    }

    private Subscriber open(Deployment.SubscriberSpec s) {
        Subscriber subscriber = Subscriber.open(s.region(), s.record(),
                deployment.region(s.region()).orElseThrow().layout(), options);
        return subscriber.idleStrategy(DeploymentRunner.idle(s.idle()));
    }

    /**
     * Opens the file's subscriber {@code s} and starts its action's thread (none for action "none").
     *
     * @throws PlacementException the thread's placement was refused, naming the file's key, the limit and the fix
     */
    void start(Deployment.SubscriberSpec s) {
        if (s.take()) {
            startReceiver(s);
            return;
        }
        Subscriber subscriber = open(s);
        subscribers.put(s.name(), subscriber);
        subscriberSpecs.put(s.name(), s);
        SubscriberAction action = switch (s.action().type()) {
            case "none" -> null;
            case "log" -> new LogAction(s.name(), s.action().everyMs());
            default -> actions.get(s.action().type());
        };
        if (action == null) {
            return;
        }
        startThread(s, new SampleLoop(s.name(), subscriber, action, this::running));
    }

    /** A subscriber that takes a mailbox's messages: each goes to its action, whose result answers it. */
    private void startReceiver(Deployment.SubscriberSpec s) {
        SubscriberAction action = s.action().type().equals("log") ? new LogAction(s.name(), s.action().everyMs())
                : actions.get(s.action().type());
        Layout layout = deployment.region(s.region()).orElseThrow().layout();
        MailboxReceiver receiver = MailboxReceiver.open(s.region(), s.record(), layout, options)
                .idleStrategy(DeploymentRunner.idle(s.idle()));
        receivers.add(receiver);
        subscriberSpecs.put(s.name(), s);
        DynamicView view = new DynamicView(layout.record(s.record()).orElseThrow());
        startThread(s, new MessageLoop(s.name(), receiver, action, view, this::running));
    }

    /** Starts {@code s}'s thread running {@code loop}, placed first; returns once it is. */
    private void startThread(Deployment.SubscriberSpec s, Runnable loop) {
        PlacementHandshake placing = new PlacementHandshake(s.placement().placement());
        // A region truncated under the subscriber: the JVM raises the fault at a later instruction, maybe past the
        // subscriber's own catch; the loop runs again and the subscriber reports the region CORRUPT (in the log).
        Thread thread = new Thread(() -> {
            if (placing.apply()) {
                Region.surviving(() -> {
                    loop.run();
                    return null;
                });
            }
        }, "shmtel-subscriber-" + s.name());
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        try {
            placing.await();
        } catch (PlacementException e) {
            throw s.placement().refused(deployment.source(), new PlacementException("subscriber " + s.name() + ": "
                    + e.getMessage(), e));
        }
    }

    private boolean running() {
        return running;
    }

    /** The subscribers started, mailbox receivers included. */
    int count() {
        return subscribers.size() + receivers.size();
    }

    /**
     * A new subscriber configured as the file's subscriber {@code name}, for the caller's thread
     * alone; closed with the others.
     */
    Subscriber handOut(String name) {
        Deployment.SubscriberSpec spec = subscriberSpecs.get(name);
        if (spec == null) {
            throw new IllegalStateException("no started subscriber \"" + name
                    + "\" (start the runner first; subscribers: "
                    + subscriberSpecs.keySet() + ")");
        }
        Subscriber s = open(spec);
        handedOut.add(s);
        return s;
    }

    /** Stops the threads (waiting a while for each), then closes every subscriber and receiver. */
    void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(JOIN_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        subscribers.values().forEach(Subscriber::close);
        receivers.forEach(MailboxReceiver::close);
        handedOut.forEach(Subscriber::close);
    }
}
