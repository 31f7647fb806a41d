package io.shmtel.core;

import io.shmtel.core.idle.BackoffIdleStrategy;
import io.shmtel.core.idle.IdleStrategies;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.ring.RingReader;
import io.shmtel.core.view.OptimisticReader;
import io.shmtel.core.view.RecordView;
import io.shmtel.schema.layout.Layout;
import java.util.Objects;

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
 *
 * <p>Where things are: this file holds the read paths (the stream cursor of {@link #poll} and
 * {@link #awaitNext}, {@link #latest}) and the waiting; {@link SubscriberAttachment} how a region is
 * attached and its writers followed ({@link #state()}, {@link #corruption()}); {@link SubscriberWaitTarget}
 * what a sleeping subscriber registers in the region. Over 400 lines because the optimistic read paths
 * ({@link #latestOptimistic}, {@link #pollOptimistic}) share the stream cursor's private state with the
 * copying ones, and must count lost samples exactly as they do.
 *
 * <p>Zero-copy reading: {@link #latestOptimistic} and {@link #pollOptimistic} read fields straight from
 * the live slot through an {@link OptimisticReader} and validate afterwards, instead of copying the whole
 * slot first (worth it for large records of which a reader needs a few fields). The reader's values count
 * only when the call returns true.
 */
public final class Subscriber extends SubscriberAttachment implements AutoCloseable {
    private IdleStrategy idle;
    private WaitSet ownWaitSet;
    private long cursor = -1;
    /** The first stream read starts at the newest complete sample (set by open() when it found the region). */
    private boolean startAtNewest;
    private long lost;
    private long lastSampleIndex = -1;
    /**
     * The index {@link #pollLatest} must exceed: the last sample handed out from the attached file; -1 after a new
     * file is attached (it numbers its samples from 0 again) or the region dropped.
     */
    private long latestAfter = -1;

    private Subscriber(String regionName, String recordName, Layout expected, RegionOptions options) {
        super(regionName, recordName, expected, options);
        this.idle = new BackoffIdleStrategy();
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
        this.idle = Objects.requireNonNull(strategy, "strategy");
        return this;
    }

    /**
     * Uses the idle strategy named {@code name} ({@code busy-spin}, {@code yield}, {@code backoff},
     * {@code blocking}: the {@link IdleStrategies} names, as in the CLI's {@code --idle} and
     * deployment files) with its default parameters.
     */
    public Subscriber idleStrategy(String name) {
        return idleStrategy(IdleStrategies.byName(name));
    }

    public IdleStrategy idleStrategy() {
        return idle;
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
        handedOut(k);
        wrap(view);
        return true;
    }

    /**
     * Fills {@code view} with the newest complete sample when it is newer than the last one this subscriber handed
     * out ({@link #lastSampleIndex()}, by any read); false when there is none newer yet. The latest-value waiter's
     * step ({@link #awaitLatest} spins on it): it watches the slot the next sample takes rather than the published
     * count, so a call with nothing new loads one word, on the cache line the writer's next sample brings, and the
     * call that finds it moves that one line ({@link RingReader#readLatestAfter}). A writer that laps this reader,
     * or dies in the middle of the sample watched, is read past by {@code published}: the newest sample is handed
     * out, as {@link #latest} would.
     */
    public boolean pollLatest(RecordView view) {
        if (reader == null && !tryAttach(false)) {
            return false;
        }
        if (region.isTruncated()) {
            dropTruncated();
            return false;
        }
        long k;
        try {
            k = reader.readLatestAfter(latestAfter, snapshot);
        } catch (InternalError e) {
            absorb(e);
            return false;
        }
        if (k < 0) {
            return false;
        }
        handedOut(k);
        wrap(view);
        return true;
    }

    private void handedOut(long k) {
        lastSampleIndex = k;
        latestAfter = k;
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
                handedOut(cursor++);
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
        handedOut(k);
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

    /**
     * Waits up to {@code timeoutNs} for a sample newer than the last one handed out and fills {@code view} with the
     * newest ({@link #pollLatest} in the {@link #idleStrategy()}'s loop).
     */
    public boolean awaitLatest(RecordView view, long timeoutNs) {
        return await(view, timeoutNs, false);
    }

    private boolean await(RecordView view, long timeoutNs, boolean stream) {
        long deadline = System.nanoTime() + timeoutNs;
        if (ownWaitSet == null) {
            ownWaitSet = new WaitSet().add(this);
        }
        boolean wokenEmpty = false;
        while (true) {
            boolean got = stream ? poll(view) : pollLatest(view);
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

    /** The stream cursor, or past the last sample handed out when that is further. */
    @Override
    long seenPublished() {
        return Math.max(cursor, lastSampleIndex + 1);
    }

    @Override
    void attachedNewFile(boolean following) {
        if (following) {
            startAtNewest = false; // a replacing writer's samples are all newer than this subscriber
        }
        cursor = -1; // a new file numbers its samples from 0 again
        latestAfter = -1;
    }

    @Override
    void dropped() {
        cursor = -1;
        latestAfter = -1;
        startAtNewest = false;
    }

    /** What a {@link WaitSet} sleeps on for this subscriber: the low half of {@code published}. */
    WaitTarget waitTarget() {
        return waitTarget;
    }

    /** Releases the region; every later read or state call throws {@link IllegalStateException}. */
    @Override
    public void close() {
        closeAttachment();
    }

    // Optimistic (zero-copy) reads, issue 25: the view reads the live slot inside the reader's call.

    /**
     * The newest complete sample, read in place: points {@code view} at the live slot of the newest
     * sample, calls {@code reader} (which copies the fields it needs), unwraps the view, then validates
     * the slot's seq as {@link #latest} does after its copy. True when the reader's last call read one
     * whole sample (its index is then {@link #lastSampleIndex()}); an overlapped attempt is discarded and
     * retried on the newest sample, at most {@link RingReader#MAX_LATEST_ATTEMPTS} times. False, as for
     * {@link #latest}, when there is none (yet) or every attempt was overlapped: the reader's fields are
     * then not a sample. See {@link OptimisticReader} for what the reader may do. Allocates nothing.
     */
    public <V extends RecordView> boolean latestOptimistic(V view, OptimisticReader<? super V> reader) {
        if (this.reader == null && !tryAttach(false)) {
            return false;
        }
        if (region.isTruncated()) {
            dropTruncated();
            return false;
        }
        checkView(view);
        try {
            for (int attempt = 0; attempt < RingReader.MAX_LATEST_ATTEMPTS; attempt++) {
                long k = this.reader.optimisticLatest();
                if (k < 0) {
                    return false;
                }
                RuntimeException failure = readLive(view, reader, k);
                if (this.reader.validate(k)) {
                    lastSampleIndex = k;
                    throwIfFailed(failure);
                    return true;
                }
            }
        } catch (InternalError e) {
            absorb(e);
        }
        return false;
    }

    /**
     * The next sample of the stream, read in place: {@link #poll} without the copy. True when
     * {@code reader}'s last call read sample {@link #lastSampleIndex()} whole; false when the writer has
     * not published it yet. The stream cursor moves and counts {@link #lostSamples()} exactly as
     * {@link #poll}'s does: a read that the writer overlapped is the copying read's failed second check
     * (lapped: the cursor skips to the oldest sample the writer will not overwrite next, counting the
     * skipped ones lost). See {@link OptimisticReader} for what the reader may do. Allocates nothing.
     */
    public <V extends RecordView> boolean pollOptimistic(V view, OptimisticReader<? super V> reader) {
        if (this.reader == null && !tryAttach(false)) {
            return false;
        }
        if (region.isTruncated()) {
            dropTruncated();
            return false;
        }
        checkView(view);
        try {
            return pollOptimisticAttached(view, reader);
        } catch (InternalError e) {
            absorb(e);
            return false;
        }
    }

    private <V extends RecordView> boolean pollOptimisticAttached(V view, OptimisticReader<? super V> reader) {
        if (cursor < 0) {
            long published = this.reader.publishedAcquire();
            cursor = Math.max(0, published - (startAtNewest ? 1 : record.depth()));
            startAtNewest = false;
        }
        for (int attempt = 0; attempt < RingReader.MAX_LATEST_ATTEMPTS; attempt++) {
            int result = this.reader.optimisticRead(cursor);
            if (result == RingReader.OK) {
                RuntimeException failure = readLive(view, reader, cursor);
                if (this.reader.validate(cursor)) {
                    lastSampleIndex = cursor++;
                    throwIfFailed(failure);
                    return true;
                }
                // Overlapped by the writer: what the copying read's second seq check calls OVERWRITTEN.
            } else if (result == RingReader.NOT_YET) {
                return false;
            } else if (result == RingReader.ABANDONED) {
                lost++;
                cursor++;
                continue;
            }
            // Lapped, as in pollAttached: skip to the oldest sample the writer will not overwrite next.
            long oldestSafe = this.reader.publishedAcquire() - record.depth() + 1;
            long next = Math.max(cursor + 1, oldestSafe);
            lost += next - cursor;
            cursor = next;
        }
        return false;
    }

    /**
     * Points {@code view} at the live slot of sample {@code k}, runs {@code reader}, unwraps the view; returns
     * what the reader threw (null: nothing), to be rethrown only if the read validates.
     */
    private <V extends RecordView> RuntimeException readLive(V view, OptimisticReader<? super V> reader, long k) {
        view.wrap(this.reader.sharedBuffer(), this.reader.slotOffset(k));
        try {
            reader.read(view);
            return null;
        } catch (RuntimeException e) { // on torn bytes, perhaps: dropped unless the read validates
            return e;
        } finally {
            view.unwrap();
        }
    }

    private static void throwIfFailed(RuntimeException failure) {
        if (failure != null) {
            throw failure;
        }
    }
}
