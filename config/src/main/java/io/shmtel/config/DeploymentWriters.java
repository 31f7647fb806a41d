package io.shmtel.config;

import static io.shmtel.config.DeploymentRunner.LOG;

import io.shmtel.core.Publisher;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.region.RegionOptions;
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

/**
 * What writes a deployment's regions in this process: a {@link DriverRunner} per driver of the
 * selected nodes (optional ones whose source is missing skipped), and the publishers user code
 * asks for. The runner closes them at shutdown, so none registers a shutdown hook of its own.
 */
final class DeploymentWriters {
    private final Deployment deployment;
    private final Map<String, DriverFactory> driverTypes;
    private final RegionOptions options;
    private final List<DriverRunner<?>> drivers = new ArrayList<>();
    private final Map<String, Publisher> publishers = new LinkedHashMap<>();
    private final List<String> skipped = new ArrayList<>();

    DeploymentWriters(Deployment deployment, Map<String, DriverFactory> driverTypes, RegionOptions options) {
        this.deployment = deployment;
        this.driverTypes = driverTypes;
        this.options = options;
    }

    /**
     * Creates driver {@code d}'s region and starts it sampling, its thread placed as the file says; an optional one
     * without its source is skipped.
     *
     * @throws PlacementException the placement was refused, naming the file's key, the limit and the fix
     */
    void startDriver(Deployment.NodeSpec node, Deployment.DriverSpec d) {
        DriverFactory factory = driverTypes.get(d.type());
        Deployment.RegionSpec region = deployment.region(d.region()).orElseThrow();
        // The runner closes its drivers (threads first, then regions) at shutdown: their publishers need no hook of
        // their own.
        RegionOptions regionOptions = region.options(options).withCloseOnShutdown(false);
        try {
            drivers.add(DriverRunner.start(d.type(), factory.create(new DriverParams(d.type(), factory.parameters(),
                    d.params())),
                    d.region(), region.layout(), d.rateHz(), regionOptions, d.placement().placement()));
        } catch (PlacementException e) {
            throw d.placement().refused(deployment.source(), e);
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

    /** A publisher of region {@code name}, for user code, created on first use. */
    Publisher publisher(String name) {
        return publishers.computeIfAbsent(name, n -> {
            Deployment.RegionSpec region = deployment.region(n).orElseThrow(() -> new IllegalArgumentException(
                    "no region \"" + n + "\" in deployment " + deployment.name()));
            return Publisher.create(n, region.layout(), region.options(options).withCloseOnShutdown(false));
        });
    }

    List<DriverRunner<?>> drivers() {
        return List.copyOf(drivers);
    }

    /** Optional drivers left out because their source is missing, as "type->region". */
    List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** Closes the drivers (each its thread, then its region), then the publishers: their regions CLOSED. */
    void close() {
        drivers.forEach(DriverRunner::close);
        publishers.values().forEach(Publisher::close);
    }

    /** The regions written here: each driver's and its stats region, then the publishers'. */
    Set<String> writtenRegions() {
        Set<String> written = new LinkedHashSet<>();
        for (DriverRunner<?> d : drivers) {
            written.add(d.publisher().region().name());
            written.add(d.publisher().region().name() + DriverRunner.STATS_SUFFIX);
        }
        written.addAll(publishers.keySet());
        return written;
    }
}
