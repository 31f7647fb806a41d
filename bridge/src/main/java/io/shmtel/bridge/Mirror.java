package io.shmtel.bridge;

import io.shmtel.bridge.gen.bridge_stats.LinkWriter;
import io.shmtel.core.Publisher;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.RegionOwnedException;
import io.shmtel.core.region.RegionTruncatedException;
import io.shmtel.core.region.WriterState;
import io.shmtel.schema.layout.Layout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A region recreated here, written by this bridge alone: each sample at its source index, in a
 * region whose writer epoch is the source's (docs/bridge.md, "Indexes and epochs of a mirror").
 */
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
    private Layout layout;
    long sourceEpoch = -1;
    WriterState ended;
    /** The label ({@code host:pid}) of the sender whose schema asked for this mirror last. */
    String sender;
    /** The last reason said in the log for not mirroring onto the sender's own source (said once). */
    private String selfMirrorRefusal;

    Mirror(String name, ReceiverConfig config, RegionOptions mirrorOptions, Consumer<String> log,
            Map<String, Link> links) {
        this.name = name;
        this.config = config;
        this.mirrorOptions = mirrorOptions;
        this.log = log;
        this.links = links;
    }

    /**
     * (Re)creates the mirror for source epoch {@code epoch}, with that epoch: taken over in place when
     * the file there has the same layout and a lower epoch (the source's writer was taken over: its
     * numbering goes on, and so does the mirror's), else a new file (another layout, or an epoch that is
     * not higher: a new source file, numbered from 0 again, or this mirror restarted at the same epoch).
     */
    boolean start(Layout layout, long epoch) {
        if (publisher != null && ended == null) {
            publisher.close();
        }
        String loop = SelfMirror.refusal(name, mirrorOptions, sender);
        if (loop != null) {
            publisher = null;
            detachLinks();
            if (!loop.equals(selfMirrorRefusal)) {
                selfMirrorRefusal = loop;
                log.accept("bridge " + config.name() + ": cannot mirror into " + name + ": " + loop);
            }
            return false;
        }
        try {
            publisher = Publisher.create(name, layout, mirrorOptions, epoch);
            if (stats == null) {
                createStats();
            }
        } catch (RegionOwnedException e) {
            publisher = null;
            detachLinks();
            log.accept("bridge " + config.name() + ": cannot mirror into " + name + ": " + e.getMessage()
                    + " (another process writes it: choose another --prefix)");
            return false;
        }
        this.layout = layout;
        layoutFingerprint = layout.fingerprint();
        sourceEpoch = epoch;
        ended = null;
        detachLinks(); // re-attached by the schema frames of the new epoch
        return true;
    }

    private void detachLinks() {
        for (Link l : links.values()) {
            if (l.mirror == this) {
                l.writer = null;
            }
        }
    }

    /**
     * A sample of the current epoch came with a lower index than the mirror's next one before any other
     * of its record in this epoch: the source numbers from below where the mirror is (a new source file
     * of a higher epoch, or a mirror file another source left here), and a writer never goes back. So the
     * mirror moves to a new file at the same epoch (its readers follow it, as after any replacement), and
     * the records of this epoch whose schemas came already are attached to it at once. False when the
     * name could not be had (said in the log; the records are then detached).
     */
    boolean restartNumbering(String record, long index, long next) {
        log.accept("bridge " + config.name() + ": " + name + "/" + record + ": the source's sample " + index
                + " is below the mirror's next index " + next + " at the start of epoch " + sourceEpoch
                + ": a new source file, numbered from 0 again; the mirror starts a new file at that epoch");
        return restart(false);
    }

    /**
     * A sample came for this mirror after its source's writer ended, in the same epoch, from the sender
     * that reported the end: the source region was created again (a new file: a takeover in place would
     * have changed the epoch) and happens to have the same epoch, e.g. 1 after it was removed. The
     * mirror moves to a new file at that epoch, numbered as the source's new file is; false when the name
     * could not be had (said in the log).
     */
    boolean restartAfterEnd(String record, long index) {
        log.accept("bridge " + config.name() + ": " + name + "/" + record + ": sample " + index + " of epoch "
                + sourceEpoch + " after the source's writer was " + ended + ": a new source file at the same"
                + " epoch; the mirror starts a new file at that epoch");
        return restart(true);
    }

    /** A new file at the same epoch, with the records of this epoch attached to it at once. */
    private boolean restart(boolean newNumbering) {
        List<Link> attached = new ArrayList<>();
        for (Link l : links.values()) {
            if (l.mirror == this && l.writer != null && l.epoch == sourceEpoch) {
                attached.add(l);
            }
        }
        if (!start(layout, sourceEpoch)) {
            return false; // start() left every link of this mirror detached
        }
        for (Link l : attached) {
            l.writer = publisher.sink(l.record);
            if (newNumbering) {
                l.lastIndex = -1;
                l.publishedInEpoch = false;
            }
        }
        return true;
    }

    /**
     * The mirror's file was truncated under this bridge (someone shrank it: corrupt, docs/format.md
     * "Truncated files"): said in the log, and the mirror starts again in a new file at the same epoch
     * (the cut file's header no longer validates, so it is replaced), its records attached to it at
     * once; its readers report CORRUPT, then follow the new file. False when the name could not be had.
     */
    boolean truncated() {
        log.accept("bridge " + config.name() + ": " + publisher.region().truncation(
                "this bridge writes the mirror again in a new file").getMessage());
        return restart(false);
    }

    /** The statistics region's file was truncated: said in the log, and a new one replaces it. */
    void statsTruncated() {
        log.accept("bridge " + config.name() + ": " + stats.region().truncation(
                "this bridge writes the statistics again in a new file").getMessage());
        stats.close(); // writes nothing into the cut file, releases the lock
        stats = null;
        try {
            createStats();
        } catch (RegionOwnedException | RegionTruncatedException e) {
            log.accept("bridge " + config.name() + ": no statistics for " + name + ": " + e.getMessage());
        }
    }

    private void createStats() {
        stats = Publisher.create(name + ReceiverBridge.STATS_SUFFIX, ReceiverBridge.STATS_LAYOUT,
                config.regions().withCloseOnShutdown(false));
        statsWriter = new LinkWriter(stats.sink("link"));
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
