package io.shmtel.foxglove;

import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionNotFoundException;
import io.shmtel.core.region.RegionNotReadyException;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.schema.layout.RecordLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The pump's look at the directory, every scan period: it advertises the channels of regions that appeared
 * or changed epoch (and of records that began publishing), withdraws those of regions that went or were
 * truncated, and tells every client. It holds the served regions open between scans. Used by the pump thread only.
 */
final class RegionScan {
    private final ServerConfig config;
    private final Consumer<String> log;
    private final Channels channels;
    /** Sends a control message to every client. */
    private final Consumer<String> broadcast;
    /** Advertised channels by region. */
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

    RegionScan(ServerConfig config, Consumer<String> log, Channels channels, Consumer<String> broadcast) {
        this.config = config;
        this.log = log;
        this.channels = channels;
        this.broadcast = broadcast;
    }

    /** Advertises what appeared or changed, withdraws what went. */
    void scan() {
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
                    channels.withdraw(t);
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
                            Topic t = channels.add(k, open);
                            fresh.add(t);
                            added.add(t);
                            log.accept("advertised " + t.topicName + " (its first sample, epoch "
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
                    channels.withdraw(t);
                    removed.add(t.channelId);
                }
                List<Topic> fresh = new ArrayList<>();
                for (Topic.Key k : wanted) {
                    fresh.add(channels.add(k, region));
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
            broadcast.accept(Messages.unadvertise(removed));
        }
        if (!added.isEmpty()) {
            broadcast.accept(Messages.advertise(added));
        }
    }

    /**
     * The channels a region gets: its records (those named, when records are named), each with a channel per
     * well-known mapping beside it, once it has published a sample (unless {@link ServerConfig#allRecords}, or
     * named): a record the region's writer never fills (one record of a schema of several) is no channel of
     * empty data.
     */
    private List<Topic.Key> keys(Region region, String onlyRecords) {
        List<Topic.Key> keys = new ArrayList<>();
        for (RecordLayout rec : region.layout().records()) {
            boolean named = onlyRecords != null && List.of(onlyRecords.split("\n")).contains(rec.name());
            if (named || onlyRecords == null && (config.allRecords()
                    || new RingReader(region.buffer(), RingGeometry.of(rec)).publishedAcquire() > 0)) {
                long inode = region.stat().inode();
                keys.add(new Topic.Key(region.name(), rec.name(), region.epoch(), inode, rec.fingerprint(),
                        Topic.Key.RAW));
                for (int m = 0; m < rec.wellKnown().size(); m++) { // its well-known messages, beside it
                    keys.add(new Topic.Key(region.name(), rec.name(), region.epoch(), inode, rec.fingerprint(), m));
                }
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

    /** The pump stops: the held regions are closed. */
    void close() {
        held.values().forEach(Region::close);
        held.clear();
    }
}
