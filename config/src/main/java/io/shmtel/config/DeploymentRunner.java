package io.shmtel.config;

import com.google.inject.Inject;
import io.shmtel.core.Publisher;
import io.shmtel.core.ShutdownCloser;
import io.shmtel.core.Subscriber;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.idle.IdleStrategyKind;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.sensors.DriverFactory;
import io.shmtel.sensors.DriverRunner;
import java.util.List;
import java.util.Map;

/**
 * Starts the drivers and subscribers of the selected nodes and stops them: drivers close their
 * regions cleanly (state CLOSED) and, when the file says so, the regions are removed. A started
 * runner closes itself when the JVM shuts down (SIGTERM, Ctrl-C) through {@link ShutdownCloser};
 * a caller with its own shutdown handling {@code ShutdownCloser.unregister}s it.
 *
 * <p>The runner holds the order of starting and stopping; the parts live beside it:
 * {@link DeploymentWriters} (drivers and user publishers), {@link DeploymentSubscribers} (subscribers,
 * their threads: {@link SampleLoop}, {@link MessageLoop}; actions: {@link LogAction} or the user's) and
 * {@link ExitCleanup} (removeRegionsOnExit).
 */
public final class DeploymentRunner implements AutoCloseable {
    /** The deployment's log (logger {@code io.shmtel.config}): every part of the runner writes here. */
    static final System.Logger LOG = System.getLogger("io.shmtel.config");

    private final Deployment deployment;
    private final List<Deployment.NodeSpec> nodes;
    private final RegionOptions options;
    private final DeploymentWriters writers;
    private final DeploymentSubscribers subscribers;
    private boolean running;
    private boolean closed;

    @Inject
    DeploymentRunner(Deployment deployment, List<Deployment.NodeSpec> nodes, Map<String, DriverFactory> driverTypes,
            Map<String, SubscriberAction> actions, RegionOptions options) {
        this.deployment = deployment;
        this.nodes = nodes;
        this.options = options;
        this.writers = new DeploymentWriters(deployment, driverTypes, options);
        this.subscribers = new DeploymentSubscribers(deployment, actions, options);
    }

    static RegionOptions options(Deployment d) {
        return RegionOptions.defaults().withDirectory(d.directory()).withHeartbeatPeriod(d.heartbeatPeriod());
    }

    /** A new strategy as the file's {@code idle} object says (the registry's factory). */
    static IdleStrategy idle(Deployment.IdleSpec spec) {
        return IdleStrategyKind.byName(spec.strategy()).create(spec.parameters());
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
                    writers.startDriver(node, d);
                }
            }
            for (Deployment.NodeSpec node : nodes) {
                for (Deployment.SubscriberSpec s : node.subscribers()) {
                    subscribers.start(s);
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        List<String> skipped = writers.skipped();
        LOG.log(System.Logger.Level.INFO, "deployment " + deployment.name() + ": started " + writers.drivers().size()
                + " drivers and "
                + subscribers.count() + " subscribers in nodes "
                        + nodes.stream().map(Deployment.NodeSpec::name).toList()
                + (skipped.isEmpty() ? "" : "; skipped optional drivers " + skipped));
        return this;
    }

    /**
     * A new subscriber configured as the file's subscriber {@code name} (region, record, idle
     * strategy), for the caller's thread alone: subscribers are not thread-safe, so the one the
     * file's action uses is never shared. The runner closes it on shutdown.
     */
    public synchronized Subscriber subscriber(String name) {
        return subscribers.handOut(name);
    }

    /** A publisher of region {@code name}, for user code, when no driver here writes it. */
    public synchronized Publisher publisher(String name) {
        return writers.publisher(name);
    }

    public List<DriverRunner<?>> drivers() {
        return writers.drivers();
    }

    /** Optional drivers left out because their source is missing, as "type->region". */
    public List<String> skippedDrivers() {
        return writers.skipped();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        ShutdownCloser.unregister(this);
        subscribers.close();
        writers.close();
        if (!deployment.removeRegionsOnExit()) {
            LOG.log(System.Logger.Level.INFO, "deployment " + deployment.name() + ": stopped");
            return;
        }
        ExitCleanup.removeAndLog(deployment, options, writers.writtenRegions());
    }
}
