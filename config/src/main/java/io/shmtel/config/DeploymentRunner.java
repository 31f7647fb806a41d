package io.shmtel.config;

import com.google.inject.Inject;
import io.shmtel.core.MailboxReceiver;
import io.shmtel.core.Publisher;
import io.shmtel.core.ShutdownCloser;
import io.shmtel.core.Subscriber;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.idle.IdleStrategyKind;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOwnedException;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.view.DynamicView;
import io.shmtel.schema.layout.Layout;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverParams;
import io.shmtel.sensors.DriverRunner;
import io.shmtel.sensors.SensorUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Starts the drivers and subscribers of the selected nodes and stops them: drivers close their
 * regions cleanly (state CLOSED) and, when the file says so, the regions are removed. A started
 * runner closes itself when the JVM shuts down (SIGTERM, Ctrl-C) through {@link ShutdownCloser};
 * a caller with its own shutdown handling {@code ShutdownCloser.unregister}s it.
 */
public final class DeploymentRunner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.shmtel.config");

    private final Deployment deployment;
    private final List<Deployment.NodeSpec> nodes;
    private final Map<String, DriverFactory> driverTypes;
    private final Map<String, SubscriberAction> actions;
    private final RegionOptions options;
    private final List<DriverRunner<?>> drivers = new ArrayList<>();
    private final Map<String, Subscriber> subscribers = new LinkedHashMap<>();
    private final Map<String, Deployment.SubscriberSpec> subscriberSpecs = new LinkedHashMap<>();
    private final List<Subscriber> handedOut = new ArrayList<>();
    private final List<MailboxReceiver> receivers = new ArrayList<>();
    private final Map<String, Publisher> publishers = new LinkedHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private volatile boolean running;
    private boolean closed;

    @Inject
    DeploymentRunner(Deployment deployment, List<Deployment.NodeSpec> nodes, Map<String, DriverFactory> driverTypes,
            Map<String, SubscriberAction> actions, RegionOptions options) {
        this.deployment = deployment;
        this.nodes = nodes;
        this.driverTypes = driverTypes;
        this.actions = actions;
        this.options = options;
    }

    static RegionOptions options(Deployment d) {
        return RegionOptions.defaults().withDirectory(d.directory()).withHeartbeatPeriod(d.heartbeatPeriod());
    }

    /** Starts every driver, then every subscriber; on a failure, stops what started and rethrows. */
    public synchronized DeploymentRunner start() {
        if (running) {
            return this;
        }
        running = true;
        // SIGTERM, Ctrl-C: stop cleanly, regions CLOSED (unless the caller unregisters it)
        ShutdownCloser.register(this);
        try {
            for (Deployment.NodeSpec node : nodes) {
                for (Deployment.DriverSpec d : node.drivers()) {
                    startDriver(node, d);
                }
            }
            for (Deployment.NodeSpec node : nodes) {
                for (Deployment.SubscriberSpec s : node.subscribers()) {
                    startSubscriber(s);
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "deployment " + deployment.name() + ": started " + drivers.size()
                + " drivers and "
                + (subscribers.size() + receivers.size()) + " subscribers in nodes "
                        + nodes.stream().map(Deployment.NodeSpec::name).toList()
                + (skipped.isEmpty() ? "" : "; skipped optional drivers " + skipped));
        return this;
    }

    private void startDriver(Deployment.NodeSpec node, Deployment.DriverSpec d) {
        DriverFactory factory = driverTypes.get(d.type());
        Deployment.RegionSpec region = deployment.region(d.region()).orElseThrow();
        // The runner closes its drivers (threads first, then regions) at shutdown: their publishers need no hook of
        // their own.
        RegionOptions regionOptions = region.options(options).withCloseOnShutdown(false);
        try {
            drivers.add(DriverRunner.start(d.type(), factory.create(new DriverParams(d.type(), factory.parameters(),
                    d.params())),
                    d.region(), region.layout(), d.rateHz(), regionOptions));
        } catch (SensorUnavailableException e) {
            if (!d.optional()) {
                throw e;
            }
            skipped.add(d.type() + "->" + d.region());
            LOG.log(System.Logger.Level.WARNING, "node " + node.name() + ": optional driver " + d.type() + " skipped: "
                    + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("driver " + d.type() + " of region " + d.region() + ": " + e.getMessage(),
                    e);
        }
    }

    private Subscriber open(Deployment.SubscriberSpec s) {
        Subscriber subscriber = Subscriber.open(s.region(), s.record(),
                deployment.region(s.region()).orElseThrow().layout(), options);
        return subscriber.idleStrategy(idle(s.idle()));
    }

    private void startSubscriber(Deployment.SubscriberSpec s) {
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
        // A region truncated under the subscriber: the JVM raises the fault at a later instruction, maybe past the
        // subscriber's own catch; the loop runs again and the subscriber reports the region CORRUPT (in the log).
        Thread thread = new Thread(() -> Region.surviving(() -> {
            consume(s.name(), subscriber, action);
            return null;
        }), "shmtel-subscriber-" + s.name());
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    /** A subscriber that takes a mailbox's messages: each goes to its action, whose result answers it. */
    private void startReceiver(Deployment.SubscriberSpec s) {
        SubscriberAction action = s.action().type().equals("log") ? new LogAction(s.name(), s.action().everyMs())
                : actions.get(s.action().type());
        Layout layout = deployment.region(s.region()).orElseThrow().layout();
        MailboxReceiver receiver = MailboxReceiver.open(s.region(), s.record(), layout, options)
                .idleStrategy(idle(s.idle()));
        receivers.add(receiver);
        subscriberSpecs.put(s.name(), s);
        DynamicView view = new DynamicView(layout.record(s.record()).orElseThrow());
        Thread thread = new Thread(() -> Region.surviving(() -> { // as in startSubscriber
            serve(s.name(), receiver, action, view);
            return null;
        }), "shmtel-subscriber-" + s.name());
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private void serve(String name, MailboxReceiver receiver, SubscriberAction action, DynamicView view) {
        RegionWait wait = new RegionWait(name, receiver.subscriber().regionName());
        while (running) {
            try {
                boolean taken = receiver.take(view, TimeUnit.MILLISECONDS.toNanos(100));
                wait.attached(receiver.subscriber().region() != null);
                if (taken) {
                    answer(name, receiver, action, view);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "subscriber " + name + ": " + e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Runs the action on the message taken and answers it with what the action returned. */
    private static void answer(String name, MailboxReceiver receiver, SubscriberAction action, DynamicView view) {
        int code;
        try {
            code = action.onMessage(receiver.subscriber(), view);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "subscriber " + name + ": action on message " + view.sampleIndex()
                    + " failed, answered " + SubscriberAction.FAILED + ": " + e);
            code = SubscriberAction.FAILED;
        }
        if (code < 0) {
            LOG.log(System.Logger.Level.WARNING, "subscriber " + name + ": action answered message "
                    + view.sampleIndex()
                    + " " + code + ", answered " + SubscriberAction.FAILED
                            + " instead (0 is done, 1 or more an error)");
            code = SubscriberAction.FAILED;
        }
        if (code == SubscriberAction.DONE) {
            receiver.done();
        } else {
            receiver.fail(code);
        }
    }

    /** A new strategy as the file's {@code idle} object says (the registry's factory). */
    static IdleStrategy idle(Deployment.IdleSpec spec) {
        return IdleStrategyKind.byName(spec.strategy()).create(spec.parameters());
    }

    private void consume(String name, Subscriber subscriber, SubscriberAction action) {
        RegionWait wait = new RegionWait(name, subscriber.regionName());
        DynamicView view = null;
        while (running) {
            wait.attached(subscriber.record() != null);
            if (subscriber.record() != null && (view == null || view.record() != subscriber.record())) {
                view = new DynamicView(subscriber.record());
            }
            if (view != null && subscriber.awaitNext(view, TimeUnit.MILLISECONDS.toNanos(100))) {
                try {
                    action.onSample(subscriber, view);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "subscriber action on " + subscriber.regionName() + " failed: "
                            + e);
                }
            } else if (view == null) {
                subscriber.state();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * A new subscriber configured as the file's subscriber {@code name} (region, record, idle
     * strategy), for the caller's thread alone: subscribers are not thread-safe, so the one the
     * file's action uses is never shared. The runner closes it on shutdown.
     */
    public synchronized Subscriber subscriber(String name) {
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

    /** A publisher of region {@code name}, for user code, when no driver here writes it. */
    public synchronized Publisher publisher(String name) {
        return publishers.computeIfAbsent(name, n -> {
            Deployment.RegionSpec region = deployment.region(n).orElseThrow(() -> new IllegalArgumentException(
                    "no region \"" + n + "\" in deployment " + deployment.name()));
            return Publisher.create(n, region.layout(), region.options(options).withCloseOnShutdown(false));
        });
    }

    public List<DriverRunner<?>> drivers() {
        return List.copyOf(drivers);
    }

    /** Optional drivers left out because their source is missing, as "type->region". */
    public List<String> skippedDrivers() {
        return List.copyOf(skipped);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        ShutdownCloser.unregister(this);
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        subscribers.values().forEach(Subscriber::close);
        receivers.forEach(MailboxReceiver::close);
        handedOut.forEach(Subscriber::close);
        drivers.forEach(DriverRunner::close);
        publishers.values().forEach(Publisher::close);
        if (!deployment.removeRegionsOnExit()) {
            LOG.log(System.Logger.Level.INFO, "deployment " + deployment.name() + ": stopped");
            return;
        }
        Set<String> written = new LinkedHashSet<>();
        for (DriverRunner<?> d : drivers) {
            written.add(d.publisher().region().name());
            written.add(d.publisher().region().name() + DriverRunner.STATS_SUFFIX);
        }
        written.addAll(publishers.keySet());
        List<String> removed = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (String name : written) {
            String why = removeUnlessTakenOver(name);
            if (why == null) {
                removed.add(name);
            } else {
                left.add(name + " (" + why + ")");
            }
        }
        for (Deployment.RegionSpec region : deployment.regions()) {
            if (!written.contains(region.name())) {
                left.add(region.name() + " (not written by this process)");
            }
        }
        LOG.log(System.Logger.Level.INFO, "deployment " + deployment.name() + ": stopped; removed "
                + (removed.isEmpty() ? "no region" : String.join(", ", removed))
                + (left.isEmpty() ? "" : "; left " + String.join(", ", left)));
    }

    /**
     * Removes a region this deployment wrote, unless another writer took it over since we closed it:
     * null when removed, else why it is left.
     */
    private String removeUnlessTakenOver(String name) {
        try {
            return Region.removeUnowned(name, options) ? null : "its file was gone or replaced";
        } catch (RegionOwnedException e) {
            return "it has a new writer";
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /**
     * Tells, once, that a subscriber waits for a region no writer has created yet, and once more when
     * it appears: without it a subscriber started before its region's writer is silent.
     */
    static final class RegionWait {
        private final String subscriber;
        private final String region;
        private boolean seen;
        private boolean waiting;

        RegionWait(String subscriber, String region) {
            this.subscriber = subscriber;
            this.region = region;
        }

        /** Called on each turn of the subscriber's loop with whether the region is attached now. */
        void attached(boolean attached) {
            if (attached) {
                if (waiting) {
                    LOG.log(System.Logger.Level.INFO, "subscriber " + subscriber + ": region " + region + " appeared");
                }
                seen = true;
                waiting = false;
            } else if (!seen && !waiting) {
                waiting = true;
                LOG.log(System.Logger.Level.INFO, "subscriber " + subscriber + ": waiting for region " + region
                        + " (no writer has created it yet; reading starts when one does)");
            }
        }
    }

    /** The built-in {@code log} action: one line per sample, at most every {@code everyMs}. */
    static final class LogAction implements SubscriberAction {
        private final String name;
        private final long everyNs;
        private long nextNs;

        LogAction(String name, long everyMs) {
            this.name = name;
            this.everyNs = TimeUnit.MILLISECONDS.toNanos(everyMs);
        }

        @Override
        public void onSample(Subscriber subscriber, DynamicView view) {
            long now = System.nanoTime();
            if (now - nextNs < 0) {
                return;
            }
            nextNs = now + everyNs;
            LOG.log(System.Logger.Level.INFO, name + " " + subscriber.state() + " "
                    + view.appendText(new StringBuilder()));
        }

        /** Every message, unthrottled: commands are few and each matters. */
        @Override
        public int onMessage(Subscriber subscriber, DynamicView view) {
            LOG.log(System.Logger.Level.INFO, name + " took message " + view.sampleIndex() + " "
                    + view.appendText(new StringBuilder()));
            return DONE;
        }
    }
}
