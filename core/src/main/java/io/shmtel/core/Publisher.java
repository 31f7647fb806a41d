package io.shmtel.core;

import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.RegionTruncatedException;
import io.shmtel.core.ring.MailboxWords;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.ring.Sleepers;
import io.shmtel.core.view.SampleSink;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The single writer of one region: creates it (or takes over a dead owner's), holds its lock for
 * life, hands out one {@link SampleSink} per record for generated writers, and beats the heartbeat
 * from a daemon thread (or, with {@code heartbeatThread=false}, from the caller's
 * {@link #heartbeat()} calls). Close it to mark the region CLOSED and release the lock; the file
 * stays for readers until someone removes it.
 *
 * <p>A publisher still open when the JVM shuts down (SIGTERM, Ctrl-C, {@code System.exit}) is
 * closed by a shared shutdown hook ({@link ShutdownCloser}), so readers see CLOSED rather than
 * WRITER_DEAD; opt out with {@code RegionOptions.withCloseOnShutdown(false)} when the program closes
 * its publishers from its own shutdown handling. Closing from the hook while another thread
 * publishes makes that thread's next commit throw {@link IllegalStateException}; a publishing loop
 * that wants to end quietly checks {@link #isClosed()}.
 *
 * <pre>{@code
 * try (Publisher publisher = Publisher.create("arm", layout, RegionOptions.defaults())) {
 *     JointStateWriter writer = new JointStateWriter(publisher.sink("joint_state"));
 *     writer.position(0, 1.57).commit();
 * }
 * }</pre>
 */
public final class Publisher implements AutoCloseable {
    private final Region region;
    private final RingWriter[] writers;
    private final MailboxSender[] mailboxes;
    private final Thread heartbeatThread;
    private final Thread flushThread;
    private final boolean closeOnShutdown;
    private volatile boolean closed;
    private final AtomicBoolean warnedTruncated = new AtomicBoolean();

    private Publisher(Region region, RegionOptions options) {
        this.region = region;
        this.writers = new RingWriter[region.layout().records().size()];
        this.mailboxes = new MailboxSender[writers.length];
        if (options.heartbeatThread()) {
            long periodNs = options.heartbeatPeriod().toNanos();
            heartbeatThread = new Thread(() -> beat(periodNs), "shmtel-heartbeat-" + region.name());
            heartbeatThread.setDaemon(true);
            heartbeatThread.start();
        } else {
            heartbeatThread = null;
        }
        if (!options.flushPeriod().isZero()) {
            long periodNs = options.flushPeriod().toNanos();
            flushThread = new Thread(() -> flushEvery(periodNs), "shmtel-flush-" + region.name());
            flushThread.setDaemon(true);
            flushThread.start();
        } else {
            flushThread = null;
        }
        closeOnShutdown = options.closeOnShutdown();
        if (closeOnShutdown) {
            ShutdownCloser.register(this);
        }
    }

    /**
     * Makes every sample published so far durable on a file-backed region (msync) and records how
     * many in the header ({@link Region#flush()}); returns the nanoseconds it took. Also done every
     * {@code flushPeriod} and on {@link #close()}. Safe from any thread while others publish.
     */
    public long flush() {
        if (truncated()) {
            throw region.truncation(TRUNCATED_CONSEQUENCE);
        }
        return region.flush();
    }

    /**
     * The flush thread. A fault on a truncated file's mapping (SIGBUS) reaches Java as an InternalError that the JVM
     * may raise at a later instruction than the faulting one, so the whole turn is inside the catch, not one call.
     */
    private void flushEvery(long periodNs) {
        while (!closed) {
            try {
                LockSupport.parkNanos(periodNs);
                if (closed || truncated()) {
                    return;
                }
                region.flush();
            } catch (RuntimeException e) {
                System.getLogger("io.shmtel.publisher").log(System.Logger.Level.WARNING, e.getMessage());
            } catch (InternalError e) {
                if (Region.truncatedMappingFault(e) == null) {
                    throw e;
                }
                // the next turn's truncated() says so once and ends the thread
            }
        }
    }

    /**
     * True when the region's file was truncated under this writer (one statx call, or none once
     * found): said once in the log; from then on every publish throws {@link RegionTruncatedException}
     * and nothing touches the mapping.
     */
    private boolean truncated() {
        if (!region.checkTruncated()) {
            return false;
        }
        // Not under the publisher's monitor: stop() holds it while it waits for the heartbeat thread, which comes here.
        if (warnedTruncated.compareAndSet(false, true)) {
            try {
                System.getLogger("io.shmtel.publisher").log(System.Logger.Level.WARNING,
                        region.truncation(TRUNCATED_CONSEQUENCE).getMessage());
            } catch (InternalError e) { // the mapping's late fault, raised here: the caller's next turn says it
                warnedTruncated.set(false);
                throw e;
            }
        }
        return true;
    }

    private static final String TRUNCATED_CONSEQUENCE = "this writer stops publishing to it (each publish throws"
            + " RegionTruncatedException): stop it and start it again (a starting writer replaces the truncated file)";

    /** A fault on a mapping: rethrown unless it comes from a truncated region's. */
    private void absorb(InternalError e) {
        if (Region.truncatedMappingFault(e) == null) {
            throw e;
        }
        truncated();
    }

    /** Creates region {@code name} for {@code layout} (or takes over a dead writer's) and owns it. */
    public static Publisher create(String name, Layout layout, RegionOptions options) {
        return new Publisher(Region.createOrTakeOver(name, layout, options), options);
    }

    /**
     * Creates region {@code name} (or takes over a dead writer's) with writer epoch {@code epoch}, for a
     * writer that keeps another region's epoch (the bridge's mirror); see
     * {@link Region#createOrTakeOver(String, Layout, RegionOptions, long)}.
     */
    public static Publisher create(String name, Layout layout, RegionOptions options, long epoch) {
        return new Publisher(Region.createOrTakeOver(name, layout, options, epoch), options);
    }

    @Override
    public String toString() {
        return "Publisher[" + region.name() + "]";
    }

    public Region region() {
        return region;
    }

    public Layout layout() {
        return region.layout();
    }

    /** The writer epoch: 1 for a new region, one more at each takeover (or the epoch given to {@code create}). */
    public long epoch() {
        return region.epoch();
    }

    /**
     * The ring of {@code record}; the same instance on every call. Not thread-safe: one publishing thread per record.
     */
    public synchronized RingWriter sink(String record) {
        RecordLayout r = recordOf(record);
        if (r.isMailbox()) {
            throw new IllegalArgumentException("record \"" + record + "\" of region \"" + region.name()
                    + "\" is a mailbox: send to it with publisher.mailbox(\"" + record + "\")");
        }
        if (writers[r.index()] == null) {
            // Past every index a previous writer of this region published, completed or started (takeover rule R1).
            writers[r.index()] = new RingWriter(region, RingGeometry.of(r));
        }
        return writers[r.index()];
    }

    /**
     * The sending end of mailbox record {@code record} (schema {@code "sync": "mailbox"}); the same
     * instance on every call. Not thread-safe: one sending thread per mailbox.
     */
    public synchronized MailboxSender mailbox(String record) {
        RecordLayout r = recordOf(record);
        if (mailboxes[r.index()] == null) {
            mailboxes[r.index()] = new MailboxSender(region, r);
        }
        return mailboxes[r.index()];
    }

    private RecordLayout recordOf(String record) {
        if (closed) {
            throw new IllegalStateException("publisher of region \"" + region.name() + "\" is closed");
        }
        return region.layout().record(record).orElseThrow(() -> new IllegalArgumentException(
                "no record \"" + record + "\" in region \"" + region.name() + "\"; its records: "
                        + region.layout().records().stream().map(RecordLayout::name).toList()));
    }

    /**
     * Stores a fresh heartbeat now (for drivers that run without the heartbeat thread); throws
     * {@link RegionTruncatedException} when the region's file was truncated under this writer.
     */
    public void heartbeat() {
        if (truncated()) {
            throw region.truncation(TRUNCATED_CONSEQUENCE);
        }
        try {
            region.heartbeat();
        } catch (InternalError e) {
            absorb(e);
            throw region.truncation(TRUNCATED_CONSEQUENCE);
        }
    }

    /**
     * The heartbeat thread: also where a truncated file is noticed (one statx per period) when nobody publishes.
     * As in {@link #flushEvery}, the whole turn is inside the catch: the JVM may raise a fault on the mapping
     * (SIGBUS) past the heartbeat store, even inside {@link #truncated()}'s logging.
     */
    private void beat(long periodNs) {
        while (!closed) {
            try {
                if (truncated()) {
                    return; // no heartbeat into a truncated file: its readers report it CORRUPT
                }
                region.heartbeat();
                LockSupport.parkNanos(periodNs);
            } catch (InternalError e) {
                if (Region.truncatedMappingFault(e) == null) {
                    throw e;
                }
                // the next turn's truncated() says so once and ends the thread
            }
        }
    }

    /** True once {@link #close()} or {@link #abandon()} ran, by the caller or by the shutdown hook. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Marks the region CLOSED and releases it; safe from any thread and more than once (later calls wait for the
     * first).
     */
    @Override
    public void close() {
        stop(false);
    }

    /**
     * Stops publishing and releases the region as a dying writer would (readers see
     * {@link io.shmtel.core.region.WriterState#WRITER_DEAD}, not CLOSED); see {@link Region#abandon()}.
     */
    public void abandon() {
        stop(true);
    }

    private synchronized void stop(boolean abandon) {
        if (closed) {
            return;
        }
        closed = true;
        if (closeOnShutdown) {
            ShutdownCloser.unregister(this);
        }
        synchronized (this) {
            for (RingWriter w : writers) {
                if (w != null) {
                    w.close();
                }
            }
            for (MailboxSender m : mailboxes) {
                if (m != null) {
                    m.close();
                }
            }
        }
        if (flushThread != null) {
            LockSupport.unpark(flushThread);
            try {
                flushThread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean truncatedFile = truncated(); // nothing is written into a truncated file: readers report it CORRUPT
        if (!abandon && !truncatedFile) {
            try {
                region.flush(); // a clean close leaves every sample on storage (file-backed regions)
            } catch (RuntimeException e) { // still close: readers must see CLOSED, the lock must go
                System.getLogger("io.shmtel.publisher").log(System.Logger.Level.WARNING, e.getMessage());
            }
        }
        if (heartbeatThread != null) {
            LockSupport.unpark(heartbeatThread);
            try {
                heartbeatThread.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (abandon) {
            region.abandon();
        } else {
            region.close();
        }
        // Readers asleep on a record learn the news now, not at their next liveness check.
        if (truncatedFile) {
            return;
        }
        synchronized (this) {
            for (RecordLayout r : region.layout().records()) {
                RingGeometry g = RingGeometry.of(r);
                if (Sleepers.mask(region.buffer(), g) != 0) {
                    (writers[r.index()] != null ? writers[r.index()] : new RingWriter(region.buffer(), g))
                            .wakeSleepers();
                    if (r.isMailbox()) { // consumers sleep on the state word
                        MailboxWords.wake(region.buffer(), g, MailboxWords.stateWordAddress(region.buffer(), g));
                    }
                }
            }
        }
    }
}
