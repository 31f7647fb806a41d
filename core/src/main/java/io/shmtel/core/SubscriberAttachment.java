package io.shmtel.core;

import io.shmtel.core.region.IncompatibleLayoutException;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionNotFoundException;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.core.view.RecordView;
import io.shmtel.schema.layout.Compatibility;
import io.shmtel.schema.layout.Fingerprint;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The attaching and following half of a {@link Subscriber}: which region and record it reads, how it
 * attaches one (opens the region and checks the record's layout against the expected one), and how
 * it follows the region's writers: their liveness ({@link #state()}), a new writer in place, a
 * replaced file, a file truncated under it ({@link #corruption()}). {@link Subscriber} adds the read
 * paths (the stream and latest cursors) and the waiting.
 *
 * <p>A hot/cold split by superclass: the fields the read paths use on every call ({@code region},
 * {@code reader}, {@code snapshot}, {@code record}) are declared here and read by the subclass
 * directly, in the same object, as before the split: no indirection on a poll.
 */
abstract class SubscriberAttachment {
    /** How often a subscriber looks for its region again while it has none (and its liveness period then). */
    static final long ATTACH_RETRY_NS = 50_000_000L;

    final String regionName;
    final String recordName;
    private final Layout expected;
    private final RegionOptions options;

    /** The attached region; null while WAITING (or CORRUPT). */
    Region region;
    RecordLayout record;
    /** Null while no region is attached, and after close: the read paths then go through {@link #tryAttach}. */
    RingReader reader;
    private RingGeometry geometry;
    /** The private, validated copy of the last sample read: every view this subscriber fills wraps it. */
    ByteBuffer snapshot;
    private long expectedRecordFingerprint;
    private long epoch;
    private long nextAttachNs;
    /** When {@link #state()} checks the writer next: the await loop calls it then. */
    long nextLivenessNs;
    private WriterState state = WriterState.WAITING;
    private boolean closed;
    /** The region whose file was truncated under this subscriber (closed), while its name still refers to it. */
    private Region truncatedRegion;
    private String corruption;
    /** What a {@link WaitSet} sleeps on for this subscriber; its mapping belongs to the attached region. */
    final SubscriberWaitTarget waitTarget = new SubscriberWaitTarget(this);

    SubscriberAttachment(String regionName, String recordName, Layout expected, RegionOptions options) {
        this.regionName = regionName;
        this.recordName = recordName;
        this.expected = expected;
        this.options = options;
        if (expected != null && expected.record(recordName).isEmpty()) {
            throw new IllegalArgumentException("no record \"" + recordName + "\" in the expected layout of schema \""
                    + expected.schemaName() + "\"");
        }
    }

    /** A new region file was attached (not the one attached before): the stream starts again. */
    abstract void attachedNewFile(boolean following);

    /** The attached region was dropped (its file was truncated): no stream position is valid any more. */
    abstract void dropped();

    /**
     * The {@code published} count this subscriber has read up to: the writer has nothing newer while
     * they are equal.
     */
    abstract long seenPublished();

    /** The record's layout in the attached region; null while WAITING for the first region. */
    public RecordLayout record() {
        return record;
    }

    /** The attached region; null while WAITING for the first region. */
    public Region region() {
        return region;
    }

    public String regionName() {
        return regionName;
    }

    /** Writer epoch of the attached region (0 while none). */
    public long epoch() {
        return epoch;
    }

    /** The ring's geometry in the attached region; null while WAITING. */
    RingGeometry geometry() {
        return geometry;
    }

    /** Attaches the region if it exists now (at most every 50 ms); true when one is attached. For mailbox consumers. */
    boolean attached() {
        if (reader != null && region.isTruncated()) {
            dropTruncated();
        }
        return reader != null || tryAttach(false);
    }

    /**
     * The writer's state now (one fcntl call). Also where the subscriber follows a new writer: a
     * new epoch in place, a replaced file, or a region that appeared after a WAITING start.
     */
    public WriterState state() {
        checkOpen();
        nextLivenessNs = System.nanoTime() + livenessPeriodNs();
        try {
            return checkState();
        } catch (InternalError e) {
            absorb(e);
            return state;
        }
    }

    private WriterState checkState() {
        if (region == null) {
            tryAttach(true);
            return state;
        }
        if (region.checkTruncated()) { // one statx: a truncation is noticed even when no read faulted
            dropTruncated();
            tryAttach(true);
            return state;
        }
        state = region.writerState(options.stalledAfterPeriods());
        if (state == WriterState.WRITER_DEAD || state == WriterState.CLOSED) {
            if (region.isReplaced()) {
                Region old = region;
                // Not rate-limited: state() is paced by its callers, and a replaced file must be followed now.
                if (tryAttach(true) && region != old) {
                    old.close();
                    state = region.writerState(options.stalledAfterPeriods());
                } else if (region == old) {
                    state = WriterState.WAITING;
                }
            }
        }
        long nowEpoch = region.epoch();
        if (nowEpoch != epoch) {
            epoch = nowEpoch;
        }
        return state;
    }

    private long livenessPeriodNs() {
        long period = region == null || region.isTruncated() ? ATTACH_RETRY_NS : region.heartbeatPeriodNs();
        return period > 0 ? period : ATTACH_RETRY_NS;
    }

    /**
     * Why this subscriber reports {@link WriterState#CORRUPT}: one line naming the region, its file,
     * the lengths and what the subscriber does; null while it does not.
     */
    public String corruption() {
        return corruption;
    }

    /**
     * A fault on a mapping ({@link InternalError}): when some mapped region's file was truncated, and
     * this subscriber's is one, drops it; when none was, it is not ours to hide: rethrown.
     */
    final void absorb(InternalError e) {
        if (Region.truncatedMappingFault(e) == null) {
            throw e;
        }
        if (region != null && region.checkTruncated()) {
            dropTruncated();
        }
    }

    /** The attached region's file was truncated: never touch its mapping again, say so once, wait for a new file. */
    final void dropTruncated() {
        // Let go of the mapping first: a fault still pending from an earlier read may be raised in any call below
        // (at a system call's return); the subscriber is consistent by then, and its caller's loop runs on.
        Region old = region;
        truncatedRegion = old;
        region = null;
        record = null;
        reader = null;
        geometry = null;
        waitTarget.reset();
        dropped();
        state = WriterState.CORRUPT;
        nextAttachNs = System.nanoTime() + ATTACH_RETRY_NS;
        corruption = old.truncation("this reader stops reading it and attaches to a new region of that name when a"
                + " writer replaces the file (a writer that starts replaces it; or remove it: shmtel rm " + regionName
                + ")").getMessage();
        Region.surviving(() -> {
            System.getLogger("io.shmtel.subscriber").log(Level.WARNING, corruption);
            return null;
        });
        Region.surviving(() -> {
            old.close();
            return null;
        });
    }

    /** Opens the region (again); true when a region is attached afterwards. Unless forced, at most every 50 ms. */
    final boolean tryAttach(boolean force) {
        checkOpen();
        long now = System.nanoTime();
        if (!force && now - nextAttachNs < 0) {
            return region != null;
        }
        nextAttachNs = now + ATTACH_RETRY_NS;
        if (truncatedRegion != null && !truncatedRegion.isReplaced()) {
            return false; // the name still refers to the truncated file: CORRUPT until a new file replaces it
        }
        Region opened;
        try {
            opened = Region.open(regionName, options);
        } catch (RegionNotFoundException e) {
            if (region == null) {
                state = WriterState.WAITING;
            }
            return region != null;
        }
        boolean done = false;
        try {
            RecordLayout r = opened.layout().record(recordName).orElseThrow(() -> new IncompatibleLayoutException(
                    "region \"" + regionName + "\" has no record \"" + recordName + "\"; its records: "
                            + opened.layout().records().stream().map(RecordLayout::name).toList()));
            long expectedFingerprint = expectedRecordFingerprint(opened.layout(), r);
            boolean sameFile = region != null && region.stat().inode() == opened.stat().inode()
                    && region.stat().device() == opened.stat().device();
            boolean following = region != null || truncatedRegion != null;
            if (region != null) {
                region.close();
            }
            region = opened;
            record = r;
            expectedRecordFingerprint = expectedFingerprint;
            geometry = RingGeometry.of(r);
            reader = new RingReader(opened.buffer(), geometry);
            waitTarget.reset(); // mapped again on the first sleep
            snapshot = ByteBuffer.allocateDirect(r.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
            reader.checkSnapshot(snapshot); // once: the snapshot is private and never changes shape
            epoch = opened.epoch();
            if (!sameFile) {
                attachedNewFile(following);
            }
            state = opened.writerState(options.stalledAfterPeriods());
            truncatedRegion = null;
            corruption = null;
            done = true;
            return true;
        } catch (InternalError e) { // its file was cut while it was being attached: corrupt, as a file found cut
            if (Region.truncatedMappingFault(e) == null || !opened.checkTruncated()) {
                throw e;
            }
            throw opened.truncation("it cannot be read");
        } finally {
            if (!done) {
                opened.close();
            }
        }
    }

    /**
     * The fingerprint a view of record {@code r} (found in {@code layout}, the region's) may carry
     * besides {@code r}'s own: the expected layout's, when that differs from the region's but is
     * compatible with it by the evolution rule; {@link IncompatibleLayoutException} when it is not.
     */
    private long expectedRecordFingerprint(Layout layout, RecordLayout r) {
        if (expected == null || expected.fingerprint() == layout.fingerprint()) {
            return r.fingerprint();
        }
        Compatibility.Report report = Compatibility.check(expected, layout);
        if (!report.compatible()) {
            throw new IncompatibleLayoutException("region \"" + regionName + "\" has layout "
                    + Fingerprint.hex(layout.fingerprint()) + ", this reader expects "
                    + Fingerprint.hex(expected.fingerprint()) + " and cannot read it:\n" + report.render());
        }
        return expected.record(recordName).orElseThrow().fingerprint();
    }

    /** Makes {@code view} read this subscriber's snapshot, after checking it is a view of this record. */
    final void wrap(RecordView view) {
        if (view.buffer() == snapshot && view.offset() == 0) {
            return; // already reads this subscriber's private snapshot: checked when it was wrapped
        }
        long fingerprint = view.recordFingerprint();
        if (fingerprint != record.fingerprint() && fingerprint != expectedRecordFingerprint) {
            throw new IncompatibleLayoutException("view of record \"" + view.recordName() + "\" has layout "
                    + Fingerprint.hex(fingerprint) + "; record \"" + recordName + "\" of region \"" + regionName
                    + "\" has " + Fingerprint.hex(record.fingerprint())
                    + " (open the subscriber with the view's schema layout to read a compatible prefix)");
        }
        view.wrap(snapshot, 0);
    }

    final void checkOpen() {
        if (closed) {
            throw new IllegalStateException("subscriber of \"" + regionName + "/" + recordName + "\" is closed");
        }
    }

    /** Releases the region; every later read or state call throws {@link IllegalStateException}. */
    void closeAttachment() {
        closed = true;
        reader = null; // the hot paths then go through tryAttach, which refuses
        if (region != null) {
            region.close();
        }
    }

    /**
     * Throws unless {@code view} is a view of this record (its layout or the expected compatible one), as
     * {@link #wrap} checks; for optimistic reads, which wrap it on the live slot instead of the snapshot.
     */
    final void checkView(RecordView view) {
        long fingerprint = view.recordFingerprint();
        if (fingerprint != record.fingerprint() && fingerprint != expectedRecordFingerprint) {
            throw new IncompatibleLayoutException("view of record \"" + view.recordName() + "\" has layout "
                    + Fingerprint.hex(fingerprint) + "; record \"" + recordName + "\" of region \"" + regionName
                    + "\" has " + Fingerprint.hex(record.fingerprint())
                    + " (open the subscriber with the view's schema layout to read a compatible prefix)");
        }
    }
}
