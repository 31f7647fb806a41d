package io.shmtel.config;

import com.google.inject.AbstractModule;
import com.google.inject.Inject;
import com.google.inject.Provider;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.name.Names;
import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import java.util.List;

/**
 * Binds one deployment, restricted to the nodes being run: the {@link Deployment}, its
 * {@link RegionOptions}, the {@link DeploymentRunner}, each declared subscriber as
 * {@code @Named("<subscriber name>") Subscriber} (a new one per injection, for one thread, configured
 * as the file says), and each region without a driver here as
 * {@code @Named("<region>") Publisher} for user code to publish into.
 */
public final class DeploymentModule extends AbstractModule {
    private final Deployment deployment;
    private final List<Deployment.NodeSpec> nodes;

    public DeploymentModule(Deployment deployment, List<Deployment.NodeSpec> nodes) {
        this.deployment = deployment;
        this.nodes = List.copyOf(nodes);
    }

    @Override
    protected void configure() {
        bind(Deployment.class).toInstance(deployment);
        bind(DeploymentRunner.class).in(Singleton.class);
        for (Deployment.NodeSpec node : nodes) {
            for (Deployment.SubscriberSpec s : node.subscribers()) {
                bind(Subscriber.class).annotatedWith(Names.named(s.name()))
                        .toProvider(new NamedSubscriber(s.name()));
            }
        }
        for (Deployment.RegionSpec region : deployment.regions()) {
            boolean driven = nodes.stream().flatMap(n -> n.drivers().stream())
                    .anyMatch(d -> d.region().equals(region.name()));
            if (!driven) {
                bind(Publisher.class).annotatedWith(Names.named(region.name()))
                        .toProvider(new NamedPublisher(region.name())).in(Singleton.class);
            }
        }
    }

    @Provides
    @Singleton
    RegionOptions regionOptions() {
        return DeploymentRunner.options(deployment);
    }

    @Provides
    List<Deployment.NodeSpec> nodes() {
        return nodes;
    }

    /** A new subscriber configured as the file's subscriber of that name. */
    private static final class NamedSubscriber implements Provider<Subscriber> {
        private final String name;
        @Inject
        private DeploymentRunner runner;

        NamedSubscriber(String name) {
            this.name = name;
        }

        @Override
        public Subscriber get() {
            return runner.subscriber(name);
        }
    }

    /** A publisher of a region no driver here writes; the runner closes it on shutdown. */
    private static final class NamedPublisher implements Provider<Publisher> {
        private final String region;
        @Inject
        private DeploymentRunner runner;

        NamedPublisher(String region) {
            this.region = region;
        }

        @Override
        public Publisher get() {
            return runner.publisher(region);
        }
    }
}
