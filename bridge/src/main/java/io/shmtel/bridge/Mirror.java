package io.shmtel.bridge;

import io.shmtel.bridge.gen.bridge_stats.LinkWriter;
import io.shmtel.core.Publisher;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.RegionOwnedException;
import io.shmtel.core.region.WriterState;
import io.shmtel.schema.layout.Layout;
import java.util.Map;
import java.util.function.Consumer;

/** A region recreated here, written by this bridge alone. */
final class Mirror {
    final String name;
    private final ReceiverConfig config;
    private final RegionOptions mirrorOptions;
    private final Consumer<String> log;
    /** The bridge's links, shared: a new epoch detaches the links of this mirror. */
    private final Map<String, Link> links;
    Publisher publisher;
    Publisher stats;
    LinkWriter statsWriter;
    long layoutFingerprint;
    long sourceEpoch = -1;
    WriterState ended;

    Mirror(String name, ReceiverConfig config, RegionOptions mirrorOptions, Consumer<String> log,
            Map<String, Link> links) {
        this.name = name;
        this.config = config;
        this.mirrorOptions = mirrorOptions;
        this.log = log;
        this.links = links;
    }

    /** (Re)creates the mirror for a source epoch: a new local epoch, or a new file for another layout. */
    boolean start(Layout layout, long epoch) {
        if (publisher != null && ended == null) {
            publisher.close();
        }
        try {
            publisher = Publisher.create(name, layout, mirrorOptions);
            if (stats == null) {
                stats = Publisher.create(name + ReceiverBridge.STATS_SUFFIX, ReceiverBridge.STATS_LAYOUT,
                        config.regions().withCloseOnShutdown(false));
                statsWriter = new LinkWriter(stats.sink("link"));
            }
        } catch (RegionOwnedException e) {
            publisher = null;
            log.accept("bridge " + config.name() + ": cannot mirror into " + name + ": " + e.getMessage()
                    + " (another process writes it: choose another --prefix)");
            return false;
        }
        layoutFingerprint = layout.fingerprint();
        sourceEpoch = epoch;
        ended = null;
        for (Link l : links.values()) {
            if (l.mirror == this) {
                l.writer = null; // re-attached by the schema frames of the new epoch
            }
        }
        return true;
    }

    /** Mirrors the source writer's end: CLOSED closes the mirror, WRITER_DEAD abandons it. */
    void end(WriterState state) {
        ended = state;
        if (state == WriterState.CLOSED) {
            publisher.close();
        } else {
            publisher.abandon();
        }
        log.accept("bridge " + config.name() + ": source of " + name + " is " + state + "; so is the mirror");
    }

    void close() {
        if (publisher != null && ended == null) {
            publisher.close();
        }
        if (stats != null) {
            stats.close();
        }
        if (config.removeOnExit()) {
            remove(name);
            remove(name + ReceiverBridge.STATS_SUFFIX);
        }
    }

    private void remove(String region) {
        try {
            Region.removeUnowned(region, config.regions());
        } catch (RuntimeException e) {
            log.accept("bridge " + config.name() + ": left " + region + " in place: " + e.getMessage());
        }
    }
}
