package io.shmtel.core.region;

import io.shmtel.core.memory.Words;
import com.sun.jna.Memory;
import io.shmtel.core.nativeio.Posix;
import io.shmtel.core.nativeio.Posix.FileStat;
import io.shmtel.core.nativeio.Posix.PosixException;
import io.shmtel.schema.layout.Layout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Supplier;

import static io.shmtel.schema.layout.RegionHeaderDescriptor.FLUSHED_AT_OFFSET;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.HEARTBEAT_OFFSET;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.HEARTBEAT_PERIOD_OFFSET;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.RECORD_ENTRY_FLUSHED_OFFSET;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.STATE_CLOSED;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.STATE_OFFSET;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.WRITER_EPOCH_OFFSET;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.WRITER_PID_OFFSET;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.WRITER_START_TIME_OFFSET;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.recordEntryOffset;

/**
 * One mapped region file: its descriptor, its mapping (read-only for readers), the layout decoded
 * from its header, and the writer-line words. Writers get one through {@link #createOrTakeOver},
 * readers through {@link #open}. Closing releases the descriptor (and with it a writer's lock);
 * the mapping itself stays valid until it is garbage collected, so a late read never faults.
 *
 * <p>This class holds a region's state, its header words, the liveness decision
 * ({@link #writerState}) and its lifecycle; the rest of the package does the work behind its static
 * entry points: {@link RegionOpening} (open), {@link RegionCreation} (create),
 * {@link RegionTakeover} (take a dead writer's file over), {@link RegionRemoval} (rm, gc),
 * {@link RegionMemory} (prefault, mlock, huge pages), {@link RegionFlush} (durability),
 * {@link RegionTruncation} (a file truncated under a mapping) and {@link RegionFiles} (what they share).
 *
 * <p>Why over 400 lines: this is the package's one public type, so every public method and its
 * Javadoc (about a third of the file) lives here; what is left is the per-region state the hot paths
 * read without an indirection ({@link #isTruncated()}, the header words) and the lifecycle.
 */
public final class Region implements AutoCloseable {
    /** The format version word's low half: the minor number. */
    private static final int MINOR_MASK = 0xFFFF;

    private final String name;
    private final Path file;
    private final int fd;
    private final ByteBuffer buffer;
    private final Layout layout;
    private final boolean writable;
    private final FileStat stat;
    private volatile boolean closed;
    private final SleeperMapping sleeper;
    /** Reused by every liveness check (never freed by close: a late check must not touch freed memory). */
    private final Memory lockQuery = Posix.lockQueryBuffer();
    /** Reused by every truncation check (statx), likewise. */
    private final Memory sizeQuery = Posix.statxBuffer();
    /** Set once the file was found shorter than the mapping: from then on nothing touches the mapping. */
    private volatile boolean truncated;
    private volatile long truncatedTo = -1;

    Region(String name, Path file, int fd, ByteBuffer buffer, Layout layout, boolean writable, FileStat stat) {
        this.name = name;
        this.file = file;
        this.fd = fd;
        this.buffer = buffer;
        this.layout = layout;
        this.writable = writable;
        this.stat = stat;
        this.sleeper = new SleeperMapping(this, fd);
        RegionTruncation.mapped(this);
    }

    // ------------------------------------------------------------------------------ truncation

    /**
     * True when the region's file is now shorter than this process's mapping of it (someone truncated
     * it): one statx call, allocation-free, unless it was found before (then no call). The first time
     * it is found, the region is marked: {@link #isTruncated()} then answers without a call, and every
     * user of the mapping must stop touching it (the bytes past the file's end fault: SIGBUS, which
     * the JVM turns into an {@link InternalError}, possibly later than the faulting access).
     */
    public boolean checkTruncated() {
        if (truncated) {
            return true;
        }
        if (closed) {
            return false; // the descriptor is gone: nobody uses the mapping of a closed region
        }
        long size;
        synchronized (sizeQuery) {
            if (closed) {
                return false;
            }
            size = Posix.fileSize(fd, sizeQuery);
        }
        if (size < 0 || size >= buffer.capacity()) {
            return false; // intact (or the check itself failed: then the fault, if any, says so)
        }
        markTruncated(size);
        return true;
    }

    private synchronized void markTruncated(long size) {
        if (truncated) {
            return;
        }
        truncatedTo = size;
        truncated = true;
        RegionTruncation.found(this);
    }

    /** True once {@link #checkTruncated()} (or a fault) found the file shorter than the mapping; no system call. */
    public boolean isTruncated() {
        return truncated;
    }

    /**
     * What happened, as an exception to throw or print: {@code consequence} says what this process
     * does about it (e.g. "this reader stops reading it"), appended to the one-line message.
     */
    public RegionTruncatedException truncation(String consequence) {
        long to = truncatedTo;
        return new RegionTruncatedException("region \"" + name + "\" (" + file + ") was truncated to " + to
                + " bytes while this process mapped its " + buffer.capacity() + " bytes: the region is corrupt (its"
                + " file was shrunk with truncate/ftruncate)" + (consequence.isEmpty() ? "" : "; " + consequence),
                to, buffer.capacity());
    }

    /**
     * Runs {@code loop} (a reading or publishing loop, with its state kept outside it) and returns
     * what it returns; when the fault of an access to a truncated region's mapping surfaces in it
     * ({@link #truncatedMappingFault}), runs it again; any other error goes on. Because the JVM raises
     * such a fault at a later instruction (a loop's back edge, a method's return) than the access, a
     * try/catch around one turn of a loop does not catch every one: a try around the whole loop does.
     */
    public static <T> T surviving(Supplier<T> loop) {
        return RegionTruncation.surviving(loop);
    }

    /**
     * Whether {@code error} is the fault of an access to a truncated region's mapping in this process:
     * the JVM reports SIGBUS on a mapped file as an {@link InternalError} ("a fault occurred in ... unsafe
     * memory access operation"), in compiled code asynchronously, at a later instruction than the
     * access (even after the reading method returned). Returns the truncation found (checking the
     * file length of every region this process maps, and those found truncated before), or null when
     * {@code error} is no such fault or every mapped region's file is intact: the caller rethrows it then.
     */
    public static RegionTruncatedException truncatedMappingFault(Throwable error) {
        return RegionTruncation.truncatedMappingFault(error);
    }

    // ------------------------------------------------------------------------ state and header words

    public String name() {
        return name;
    }

    public Path file() {
        return file;
    }

    /** The whole mapping, little-endian; read-only for readers. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** The layout recompiled from the region's embedded schema (checked against its header). */
    public Layout layout() {
        return layout;
    }

    public boolean isWritable() {
        return writable;
    }

    /**
     * The format version's minor number (1 and later: the writer wakes sleeping readers) (acquire
     * load: the version word is stored last, with release, when a region is created or taken over, so
     * the header words read after it are the ones its writer wrote).
     */
    public int formatMinor() {
        return RegionHeader.versionAcquire(buffer) & MINOR_MASK;
    }

    /**
     * A writable mapping of this region for the sleeper words that a sleeping reader writes (the
     * writer's own mapping for a writer), mapped on first use; null when this process may not write
     * the file, with the reason in {@link #sleeperRefusal()}. Readers never write anything else.
     */
    public ByteBuffer sleeperBuffer() {
        return writable ? buffer : sleeper.buffer();
    }

    /**
     * Why {@link #sleeperBuffer()} is null, in a few words ("no write access to FILE (reason)"); null
     * while it is not.
     */
    public String writeRefusal() {
        return sleeper.writeRefusal();
    }

    /** Why {@link #sleeperBuffer()} is null; null while it is not. */
    public String sleeperRefusal() {
        return sleeper.sleeperRefusal();
    }

    /** Inode and device of the mapped file, to notice when the name points to a new file. */
    public FileStat stat() {
        return stat;
    }

    /** The writer's pid (opaque load: a plain word of the writer line, stored before the state word's release). */
    public int writerPid() {
        return Words.getIntOpaque(buffer, WRITER_PID_OFFSET);
    }

    /** The writer's process start time (opaque load, like {@link #writerPid()}): tells a reused pid from it. */
    public long writerStartTime() {
        return Words.getLongOpaque(buffer, WRITER_START_TIME_OFFSET);
    }

    /**
     * The writer's epoch: one more for each writer that took the region over (acquire load: the loads
     * after it, the state word's first, are made after it; {@link #writerState} compares the epochs it
     * loads before and after its lock probe to notice a takeover in between, which stores the new epoch
     * before its state word 0: liveness rule R3).
     */
    public long epoch() {
        return Words.getLongAcquire(buffer, WRITER_EPOCH_OFFSET);
    }

    /** How often the writer beats, ns (opaque load: a plain word of the writer line, written once per writer). */
    public long heartbeatPeriodNs() {
        return Words.getLongOpaque(buffer, HEARTBEAT_PERIOD_OFFSET);
    }

    /**
     * Writer's last heartbeat, CLOCK_MONOTONIC ns (acquire load: it pairs with {@link #heartbeat()}'s
     * release store, which is all it orders; the heartbeat runs on its own thread, not the publishing
     * one, so a beat seen says nothing about the samples: only its value counts, as the writer's proof
     * of life).
     */
    public long heartbeatNs() {
        return Words.getLongAcquire(buffer, HEARTBEAT_OFFSET);
    }

    /**
     * The raw state word: {@code STATE_INITIALISING}, {@code STATE_LIVE} or {@code STATE_CLOSED}
     * (acquire load: it pairs with the writer's release stores, so a reader that sees LIVE sees the
     * writer line stored before it, one that sees CLOSED every sample published before the close, one
     * that sees a takeover's 0 that takeover's epoch).
     */
    public int stateWord() {
        return Words.getIntAcquire(buffer, STATE_OFFSET);
    }

    /** True while some process (this one included) holds the writer's lock on the file. */
    public boolean isWriterLockHeld() {
        try {
            synchronized (lockQuery) {
                return Posix.isWriteLocked(fd, lockQuery);
            }
        } catch (PosixException e) {
            throw RegionFiles.ioError(name, e);
        }
    }

    // ------------------------------------------------------------------------------- liveness

    /**
     * Tests only: runs in {@link #writerState} ({@link RegionLiveness}) between the first load of the
     * state word and the lock probe, so that a test can close the writer exactly there. Null (nothing
     * runs) otherwise.
     */
    static volatile Runnable beforeLockProbe;

    /**
     * Tests only: runs in {@link #writerState} ({@link RegionLiveness}) after the lock probe found the
     * lock free and before the state word is loaded again, so that a test can let another writer take
     * the region over there.
     */
    static volatile Runnable afterFreeLockProbe;

    /**
     * The writer's state as a reader sees it now; see {@link WriterState}. Decided by
     * {@link RegionLiveness} (format.md, liveness rule R3, proven in spec/liveness.pml) from the epoch,
     * the state word, a probe of the writer's lock and the heartbeat's age; {@code stalledAfterPeriods}:
     * how many heartbeat periods without a beat make a writer that holds the lock STALLED.
     */
    public WriterState writerState(int stalledAfterPeriods) {
        return RegionLiveness.writerState(this, stalledAfterPeriods);
    }

    /**
     * Stores a fresh heartbeat; writers only. Called on the heartbeat's own thread (the publisher's
     * heartbeat thread, once a period), not on the publishing one; a driver that runs without that
     * thread calls it itself ({@code heartbeatThread=false}).
     */
    public void heartbeat() {
        checkWritable();
        // Release, paired with heartbeatNs()'s acquire. It orders only this thread's own earlier accesses; the
        // samples are published on another thread, so a reader that sees this beat may not assume it sees
        // them: the beat only says the writer's process was running now.
        Words.putLongRelease(buffer, HEARTBEAT_OFFSET, System.nanoTime());
    }

    /** True when the region's name now refers to another file than the one mapped (replaced or removed). */
    public boolean isReplaced() {
        return !RegionFiles.namesFile(file, stat);
    }

    // ----------------------------------------------------------------------------- durability

    /**
     * Writers: makes the region durable up to now on a file-backed region directory. Reads each
     * record's published count, writes the whole mapping to storage ({@code msync(MS_SYNC)}), then
     * records those counts in the record table (with the time) and syncs the header again: after a
     * crash or reboot, {@link #flushedSamples} tells a reader which samples are on storage. On tmpfs
     * ({@code /dev/shm}) it costs little and changes nothing. Returns the time it took in nanoseconds.
     * See {@link RegionFlush}.
     */
    public synchronized long flush() {
        if (!writable) {
            throw new IllegalStateException("region \"" + name + "\": only its writer flushes it");
        }
        return RegionFlush.flush(this);
    }

    /**
     * Samples of record {@code recordIndex} on storage as of the last {@link #flush} (0 when never
     * flushed) (acquire load: it pairs with the flush's release store of the count, which that flush
     * made after its msync returned).
     */
    public long flushedSamples(int recordIndex) {
        return Words.getLongAcquire(buffer,
                recordEntryOffset(recordIndex) + RECORD_ENTRY_FLUSHED_OFFSET);
    }

    /**
     * When the last {@link #flush} completed (CLOCK_REALTIME ns since the epoch), 0 when never (acquire
     * load: it pairs with the flush's release store, so a reader that sees this time sees that flush's
     * counts).
     */
    public long flushedAtEpochNs() {
        return Words.getLongAcquire(buffer, FLUSHED_AT_OFFSET);
    }

    // ------------------------------------------------------------------------------ lifecycle

    /**
     * Writers: marks the region CLOSED (clean shutdown), then releases the lock with the descriptor, in
     * that order: a reader that finds the lock free loads the state word again and sees CLOSED.
     * Everyone: releases the descriptor (and the writer's lock).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        boolean truncatedNow = checkTruncated(); // a truncated region is left as it is: its header is gone
        closed = true;
        RegionTruncation.closed(this);
        if (writable && !truncatedNow) {
            try {
                // Release: a reader that sees CLOSED sees every sample published before.
                Words.putIntRelease(buffer, STATE_OFFSET, STATE_CLOSED);
            } catch (InternalError e) {
                if (truncatedMappingFault(e) == null) {
                    throw e;
                }
            }
        }
        synchronized (sizeQuery) {
            Posix.close(fd);
        }
    }

    /**
     * Writers: releases the descriptor and the writer's lock <em>without</em> marking the region
     * CLOSED, exactly as a dying writer would: readers then report {@link WriterState#WRITER_DEAD}
     * and the next writer takes over with a new epoch. For processes that mirror another writer's
     * death (the network bridge); a normal writer calls {@link #close()}.
     */
    public void abandon() {
        if (closed) {
            return;
        }
        checkTruncated();
        closed = true;
        RegionTruncation.closed(this);
        synchronized (sizeQuery) {
            Posix.close(fd);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    private void checkWritable() {
        if (!writable) {
            throw new IllegalStateException("region \"" + name + "\" is open read-only");
        }
        if (closed) {
            throw new IllegalStateException("region \"" + name + "\" is closed");
        }
    }

    // ---------------------------------------------- where a region is opened, created, taken over, removed

    /** Opens region {@code name} read-only, waiting (bounded) while it is being created; see {@link RegionOpening}. */
    public static Region open(String name, RegionOptions options) {
        return RegionOpening.open(name, options);
    }

    /**
     * Creates region {@code name} for {@code layout} and takes its writer lock; or, when a region of
     * that name exists and its owner is dead (lock free), takes it over: in place with a new epoch
     * when the layout is the same, else by replacing the file. Fails with {@link RegionOwnedException}
     * when a live writer holds it, and with {@link NoSpaceException} when the directory is full.
     *
     * <p>A new region is built complete in an unnamed file (O_TMPFILE; a hidden temporary name where
     * the file system lacks it) and then linked under its name, which fails if the name exists: of
     * two writers racing for a name exactly one wins, and nobody ever opens a half-made region.
     * Whoever takes a lock on an existing file checks afterwards that the name still refers to it.
     * See {@link RegionCreation} and {@link RegionTakeover}.
     */
    public static Region createOrTakeOver(String name, Layout layout, RegionOptions options) {
        return RegionCreation.createOrTakeOver(name, layout, options, 0);
    }

    /**
     * {@link #createOrTakeOver(String, Layout, RegionOptions)} with writer epoch {@code epoch} rather
     * than the one the format counts, for a writer that keeps another region's epoch (the bridge's
     * mirror keeps its source's). A new file gets {@code epoch}; a dead writer's file of the same
     * layout is taken over in place only when {@code epoch} is greater than its epoch (its readers see
     * the epoch change, as at any takeover), else it is replaced by a new file (its readers follow the
     * new file, as after any replacement). {@code epoch} must be at least 1.
     */
    public static Region createOrTakeOver(String name, Layout layout, RegionOptions options, long epoch) {
        if (epoch < 1) {
            throw new IllegalArgumentException("region \"" + name + "\": writer epoch " + epoch
                    + " is below 1, the first epoch; give 1 or more");
        }
        return RegionCreation.createOrTakeOver(name, layout, options, epoch);
    }

    /**
     * True when some process holds the writer lock of region {@code name}'s file, read without
     * decoding the header (so it works on corrupt regions too); false when there is no such file.
     */
    public static boolean isWriterLockHeld(String name, RegionOptions options) {
        return RegionRemoval.isWriterLockHeld(name, options);
    }

    /**
     * Removes region {@code name}'s file unless a writer holds it, without a window in which a
     * writer could take it over first: the remover holds a shared lock on the file (which keeps
     * writers out) and checks that the name still refers to it while it unlinks. True when removed,
     * false when there was no such file; {@link RegionOwnedException} when a writer holds it.
     */
    public static boolean removeUnowned(String name, RegionOptions options) {
        return RegionRemoval.removeUnowned(name, options);
    }

    /** Removes region {@code name}'s file whoever holds it; true when there was one. */
    public static boolean unlink(String name, RegionOptions options) {
        return RegionRemoval.unlink(name, options);
    }

    /** Why huge pages cannot back a region file of {@code length} bytes here; null when they can. */
    public static String hugePageRefusal(Path file, long length) {
        return RegionMemory.hugePageRefusal(file, length);
    }

    /**
     * Sums the smaps lines starting with {@code key} (e.g. {@code "Rss:"}, {@code "Locked:"},
     * {@code "ShmemPmdMapped:"}) of this process's mapping that holds {@code buffer}; bytes, -1 when unknown.
     */
    public static long mappingBytes(ByteBuffer buffer, String key) {
        return RegionMemory.mappingBytes(buffer, key);
    }
}
