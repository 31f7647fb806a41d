package io.shmtel.core;

import io.shmtel.core.idle.BackoffIdleStrategy;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.nativeio.Futex;
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
import io.shmtel.schema.layout.RecordBlockDescriptor;
import io.shmtel.schema.layout.RecordLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads one record of one region from another process. {@link #latest} gives the newest complete
 * sample; {@link #poll} gives every sample in order, counting the ones lost when the writer laps
 * the reader (or when a writer died in the middle of one and the next writer resumed past it).
 * Both fill the caller's view from a private, validated snapshot and allocate nothing.
 *
 * <p>Where the stream ({@link #poll}, {@link #awaitNext}) starts: a subscriber that found the region
 * at {@link #open} is a live consumer and starts at the newest complete sample at its first read (or,
 * when there is none yet, the first one published), never at samples the ring kept from before;
 * {@link #seekToOldest()} replays what the ring still holds (up to the record's depth) instead, and
 * {@link #seekToNewest()} skips to samples published after the call. A subscriber opened before its
 * region existed, or following a writer that replaced the region's file, starts at the oldest sample
 * the ring holds: every sample of that file is newer than the subscriber.
 *
 * <pre>{@code
 * try (Subscriber subscriber = Subscriber.open("arm", "joint_state", ArmSchema.layout(), RegionOptions.defaults())) {
 *     subscriber.idleStrategy(IdleStrategies.blocking());  // sleep in the kernel until the writer publishes
 *     JointStateView view = new JointStateView();
 *     double[] positions = new double[JointStateView.POSITION_COUNT];
 *     while (subscriber.awaitNext(view, 1_000_000_000L)) {  // the newest sample, then every later one
 *         double[] position = view.position(positions);      // the whole array, copied without allocating
 *     }
 * }
 * }</pre>
 *
 * <p>A subscriber outlives its writer: it reports {@link WriterState}s and, when a new writer takes
 * the region over (new epoch) or replaces its file, follows it without being reopened. A region
 * that does not exist yet leaves the subscriber {@link WriterState#WAITING} until it appears.
 * Not thread-safe: one subscriber per reading thread.
 *
 * <p>A region whose file is truncated under the subscriber (shorter than its mapping) is corrupt:
 * the subscriber notices it at its next liveness check (one statx call) or at the fault of a read
 * (SIGBUS, which the JVM raises as an {@link InternalError}), says so once in the log
 * ({@link #corruption()}), reports {@link WriterState#CORRUPT}, never touches that mapping again, and
 * attaches to a new region of that name when one replaces the file. In compiled code the JVM raises
 * the fault asynchronously, possibly after the read returned (at the caller's loop back edge): a
 * reading loop that must survive a truncated region runs whole inside {@link Region#surviving}, or
 * catches {@link InternalError} around the whole loop (not one turn) and rethrows it unless
 * {@link Region#truncatedMappingFault} says it was one, then runs the loop again (the subscriber
 * reports CORRUPT at its next call). The bytes of a sample copied in the instant of the
 * truncation are undefined.
 */
public final class Subscriber implements AutoCloseable {
    private static final long ATTACH_RETRY_NS = 50_000_000L;

    private final String regionName;
    private final String recordName;
    private final Layout expected;
    private final RegionOptions options;
    private IdleStrategy idle;

    private Region region;
    private RecordLayout record;
    private RingReader reader;
    private RingGeometry geometry;
    private ByteBuffer sleeperBuffer;
    private long sleeperWordAddress;
    private WaitSet ownWaitSet;
    private boolean warnedNoSleep;
    private ByteBuffer snapshot;
    private long expectedRecordFingerprint;
    private long epoch;
    private long cursor = -1;
    /** The first stream read starts at the newest complete sample (set by open() when it found the region). */
    private boolean startAtNewest;
    private long lost;
    private long lastSampleIndex = -1;
    private long nextAttachNs;
    private long nextLivenessNs;
    private WriterState state = WriterState.WAITING;
    private boolean closed;
    /** The region whose file was truncated under this subscriber (closed), while its name still refers to it. */
    private Region truncatedRegion;
    private String corruption;

    private Subscriber(String regionName, String recordName, Layout expected, RegionOptions options) {
        this.regionName = regionName;
        this.recordName = recordName;
        this.expected = expected;
        this.options = options;
        this.idle = new BackoffIdleStrategy();
        if (expected != null && expected.record(recordName).isEmpty()) {
            throw new IllegalArgumentException("no record \"" + recordName + "\" in the expected layout of schema \""
                    + expected.schemaName() + "\"");
        }
    }

    /** Subscribes to {@code record} of {@code region}, reading whatever layout the region has. */
    public static Subscriber open(String region, String record, RegionOptions options) {
        return open(region, record, null, options);
    }

    /**
     * Subscribes to {@code record} of {@code region}, requiring the region's layout to be
     * {@code expected} or compatible with it by the evolution rule. A region that exists but is
     * incompatible, corrupt or not accessible fails here; a missing one leaves the subscriber WAITING.
     */
    public static Subscriber open(String region, String record, Layout expected, RegionOptions options) {
        Subscriber s = new Subscriber(region, record, expected, options);
        s.startAtNewest = s.tryAttach(true);
        return s;
    }

    /**
     * Uses {@code strategy} in the await methods (default: {@link BackoffIdleStrategy}), e.g.
     * {@code IdleStrategies.blocking()} to sleep in the kernel until the writer publishes. One
     * strategy instance per subscriber: strategies keep per-poller state.
     */
    public Subscriber idleStrategy(IdleStrategy strategy) {
        this.idle = java.util.Objects.requireNonNull(strategy, "strategy");
        return this;
    }

    /**
     * Uses the idle strategy named {@code name} ({@code busy-spin}, {@code yield}, {@code backoff},
     * {@code blocking}: the {@link io.shmtel.core.idle.IdleStrategies} names, as in the CLI's
     * {@code --idle} and deployment files) with its default parameters.
     */
    public Subscriber idleStrategy(String name) {
        return idleStrategy(io.shmtel.core.idle.IdleStrategies.byName(name));
    }

    public IdleStrategy idleStrategy() {
        return idle;
    }

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

    /**
     * Samples the stream cursor skipped: overwritten by the writer before this subscriber read them,
     * or abandoned unfinished by a writer that died (the next writer resumed past them).
     */
    public long lostSamples() {
        return lost;
    }

    /** Index of the last sample handed out, -1 before the first. */
    public long lastSampleIndex() {
        return lastSampleIndex;
    }

    /**
     * Fills {@code view} with the newest complete sample; false when there is none (yet), or when
     * the writer overwrote the newest slot during each of {@link RingReader#MAX_LATEST_ATTEMPTS}
     * copies (a writer publishing flat out into a shallow ring): call again.
     */
    public boolean latest(RecordView view) {
        if (reader == null && !tryAttach(false)) {
            return false;
        }
        if (region.isTruncated()) {
            dropTruncated();
            return false;
        }
        long k;
        try {
            k = reader.readLatestChecked(snapshot);
        } catch (InternalError e) {
            absorb(e);
            return false;
        }
        if (k < 0) {
            return false;
        }
        lastSampleIndex = k;
        wrap(view);
        return true;
    }

    /** Fills {@code view} with the next sample of the stream; false when the writer has not published it yet. */
    public boolean poll(RecordView view) {
        if (reader == null && !tryAttach(false)) {
            return false;
        }
        if (region.isTruncated()) {
            dropTruncated();
            return false;
        }
        try {
            return pollAttached(view);
        } catch (InternalError e) {
            absorb(e);
            return false;
        }
    }

    private boolean pollAttached(RecordView view) {
        if (cursor < 0) {
            long published = reader.publishedAcquire();
            cursor = Math.max(0, published - (startAtNewest ? 1 : record.depth()));
            startAtNewest = false;
        }
        for (int attempt = 0; attempt < RingReader.MAX_LATEST_ATTEMPTS; attempt++) {
            int result = reader.readChecked(cursor, snapshot);
            if (result == RingReader.OK) {
                lastSampleIndex = cursor++;
                wrap(view);
                return true;
            }
            if (result == RingReader.NOT_YET) {
                return false;
            }
            if (result == RingReader.ABANDONED) {
                // A dead writer left index cursor unfinished and a later writer published past it: never complete.
                lost++;
                cursor++;
                continue;
            }
            // Lapped: skip to the oldest sample the writer will not overwrite next.
            long oldestSafe = reader.publishedAcquire() - record.depth() + 1;
            long next = Math.max(cursor + 1, oldestSafe);
            lost += next - cursor;
            cursor = next;
        }
        return false;
    }

    /** Attaches the region if it exists now (at most every 50 ms); true when one is attached. For mailbox consumers. */
    boolean attached() {
        if (reader != null && region.isTruncated()) {
            dropTruncated();
        }
        return reader != null || tryAttach(false);
    }

    /**
     * Fills {@code view} with the sample in a depth-1 record's only slot (a mailbox's message, which
     * its writer does not touch while a consumer holds it); returns its index, or -1 when the slot does
     * not hold a complete sample.
     */
    long readOnlySlot(RecordView view) {
        long k;
        try {
            long seq = reader.slotSeqAcquire(0);
            if (seq < 2 || (seq & 1) != 0) {
                return -1;
            }
            k = seq / 2 - 1;
            if (reader.readChecked(k, snapshot) != RingReader.OK) {
                return -1;
            }
        } catch (InternalError e) {
            absorb(e);
            return -1;
        }
        lastSampleIndex = k;
        wrap(view);
        return k;
    }

    /**
     * Moves the stream cursor past every sample published so far: {@link #poll} and
     * {@link #awaitNext} then give only samples published after this call (not even the newest one
     * already there). For measuring what arrives from now on, e.g. latency. Before the region
     * exists, every sample it will have is newer: the stream then starts at its first.
     */
    public void seekToNewest() {
        startAtNewest = false;
        if (reader == null && !tryAttach(true)) {
            cursor = -1;
            return;
        }
        try {
            cursor = region.isTruncated() ? -1 : reader.publishedAcquire();
        } catch (InternalError e) {
            absorb(e);
            cursor = -1;
        }
    }

    /**
     * Replays the ring: the next {@link #poll} or {@link #awaitNext} gives the oldest sample the
     * ring still holds (at most the record's depth old), then every later one. For recorders and
     * for checking what a writer left behind; a live consumer keeps the default start at the newest.
     */
    public void seekToOldest() {
        startAtNewest = false;
        cursor = -1;
    }

    /**
     * Waits up to {@code timeoutNs} for the next stream sample, idling (with the
     * {@link #idleStrategy()}) and checking liveness meanwhile; false on timeout. The first call
     * gives the newest complete sample (see the class comment for where the stream starts), later
     * calls every sample after it in order, counting those the writer overwrote first in
     * {@link #lostSamples()}.
     */
    public boolean awaitNext(RecordView view, long timeoutNs) {
        return await(view, timeoutNs, true);
    }

    /** Waits up to {@code timeoutNs} for a sample newer than the last one handed out. */
    public boolean awaitLatest(RecordView view, long timeoutNs) {
        return await(view, timeoutNs, false);
    }

    private boolean await(RecordView view, long timeoutNs, boolean stream) {
        long deadline = System.nanoTime() + timeoutNs;
        long before = lastSampleIndex;
        if (ownWaitSet == null) {
            ownWaitSet = new WaitSet().add(this);
        }
        boolean wokenEmpty = false;
        while (true) {
            boolean got = stream ? poll(view) : latest(view) && lastSampleIndex != before;
            if (got) {
                idle.reset();
                return true;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return false;
            }
            // Woken with nothing new: the writer closed the region (it wakes sleepers when it does). Look now.
            if (wokenEmpty || now - nextLivenessNs >= 0) {
                state();
            }
            // A blocking strategy sleeps until the writer publishes, at most until the next liveness check.
            ownWaitSet.resetOutcome();
            try {
                idle.idle(ownWaitSet, Math.min(deadline - now, Math.max(0, nextLivenessNs - now)));
            } catch (InternalError e) { // registering as a sleeper writes into the mapping
                absorb(e);
            }
            wokenEmpty = ownWaitSet.lastOutcome() == WaitSet.Outcome.WOKEN;
        }
    }

    /** The ring's geometry in the attached region; null while WAITING. */
    RingGeometry geometry() {
        return geometry;
    }

    /** The {@code published} count this subscriber has read up to: the writer has nothing newer while they are equal. */
    long seenPublished() {
        return Math.max(cursor, lastSampleIndex + 1);
    }

    /** What a {@link WaitSet} sleeps on for this subscriber: the low half of {@code published}. */
    WaitTarget waitTarget() {
        return waitTarget;
    }

    private final WaitTarget waitTarget = new WaitTarget() {
        @Override
        public ByteBuffer sleeperBuffer() {
            return Subscriber.this.sleeperBuffer();
        }

        @Override
        public RingGeometry geometry() {
            return geometry;
        }

        @Override
        public int wordOffset() {
            return geometry.publishedOffset();
        }

        @Override
        public long sleeperWordAddress() {
            return sleeperWordAddress;
        }

        @Override
        public long seenWord() {
            return seenPublished();
        }
    };

    /**
     * The writable mapping a {@link WaitSet} registers this subscriber's sleeps in; null when it
     * cannot sleep on this record (no region yet, closed, a format 1.0 region, no write access: said once in the log).
     */
    ByteBuffer sleeperBuffer() {
        if (reader == null || region.isTruncated()) {
            return null;
        }
        if (sleeperBuffer == null) {
            if (region.formatMinor() < RecordBlockDescriptor.WAKE_MINOR_VERSION) {
                warnNoSleep("region \"" + regionName + "\" has format 1." + region.formatMinor()
                        + ", whose writers do not wake sleeping readers: polling it every "
                        + WaitSet.POLL_FALLBACK_NS / 1000 + " us instead (upgrade its writer)");
                return null;
            }
            ByteBuffer b = region.sleeperBuffer();
            if (b == null) {
                warnNoSleep(region.sleeperRefusal());
                return null;
            }
            sleeperWordAddress = Futex.address(b) + geometry.publishedOffset();
            sleeperBuffer = b;
        }
        return sleeperBuffer;
    }

    /** Native address of the futex word (the low half of {@code published}) in {@link #sleeperBuffer()}. */
    long sleeperWordAddress() {
        return sleeperWordAddress;
    }

    private void warnNoSleep(String why) {
        if (!warnedNoSleep) {
            warnedNoSleep = true;
            System.getLogger("io.shmtel.subscriber").log(System.Logger.Level.WARNING, why);
        }
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
    private void absorb(InternalError e) {
        if (Region.truncatedMappingFault(e) == null) {
            throw e;
        }
        if (region != null && region.checkTruncated()) {
            dropTruncated();
        }
    }

    /** The attached region's file was truncated: never touch its mapping again, say so once, wait for a new file. */
    private void dropTruncated() {
        // Let go of the mapping first: a fault still pending from an earlier read may be raised in any call below
        // (at a system call's return); the subscriber is consistent by then, and its caller's loop runs on.
        Region old = region;
        truncatedRegion = old;
        region = null;
        record = null;
        reader = null;
        geometry = null;
        sleeperBuffer = null;
        sleeperWordAddress = 0;
        cursor = -1;
        startAtNewest = false;
        state = WriterState.CORRUPT;
        nextAttachNs = System.nanoTime() + ATTACH_RETRY_NS;
        corruption = old.truncation("this reader stops reading it and attaches to a new region of that name when a"
                + " writer replaces the file (a writer that starts replaces it; or remove it: shmtel rm " + regionName
                + ")").getMessage();
        Region.surviving(() -> {
            System.getLogger("io.shmtel.subscriber").log(System.Logger.Level.WARNING, corruption);
            return null;
        });
        Region.surviving(() -> {
            old.close();
            return null;
        });
    }

    /** Opens the region (again); true when a region is attached afterwards. Unless forced, at most every 50 ms. */
    private boolean tryAttach(boolean force) {
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
            long expectedFingerprint = r.fingerprint();
            if (expected != null && expected.fingerprint() != opened.layout().fingerprint()) {
                Compatibility.Report report = Compatibility.check(expected, opened.layout());
                if (!report.compatible()) {
                    throw new IncompatibleLayoutException("region \"" + regionName + "\" has layout "
                            + Fingerprint.hex(opened.layout().fingerprint()) + ", this reader expects "
                            + Fingerprint.hex(expected.fingerprint()) + " and cannot read it:\n" + report.render());
                }
                expectedFingerprint = expected.record(recordName).orElseThrow().fingerprint();
            }
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
            sleeperBuffer = null; // mapped again on the first sleep
            sleeperWordAddress = 0;
            snapshot = ByteBuffer.allocateDirect(r.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
            reader.checkSnapshot(snapshot); // once: the snapshot is private and never changes shape
            epoch = opened.epoch();
            if (!sameFile) {
                if (following) {
                    startAtNewest = false; // a replacing writer's samples are all newer than this subscriber
                }
                cursor = -1; // a new file numbers its samples from 0 again
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

    private void wrap(RecordView view) {
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

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("subscriber of \"" + regionName + "/" + recordName + "\" is closed");
        }
    }

    /** Releases the region; every later read or state call throws {@link IllegalStateException}. */
    @Override
    public void close() {
        closed = true;
        reader = null; // the hot paths then go through tryAttach, which refuses
        if (region != null) {
            region.close();
        }
    }
}
