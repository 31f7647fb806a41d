package io.shmtel.core.region;

import io.shmtel.core.fault.CrashPoint;
import io.shmtel.core.nativeio.Posix;
import io.shmtel.core.nativeio.Posix.FileStat;
import io.shmtel.core.nativeio.Posix.PosixException;
import io.shmtel.schema.layout.Fingerprint;
import io.shmtel.schema.layout.Layout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import io.shmtel.core.nativeio.MemoryCalls;
import io.shmtel.schema.layout.RecordLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.shmtel.schema.layout.RegionHeaderDescriptor.*;

/**
 * One mapped region file: its descriptor, its mapping (read-only for readers), the layout decoded
 * from its header, and the writer-line words. Writers get one through {@link #createOrTakeOver},
 * readers through {@link #open}. Closing releases the descriptor (and with it a writer's lock);
 * the mapping itself stays valid until it is garbage collected, so a late read never faults.
 */
public final class Region implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.shmtel.region");

    private final String name;
    private final Path file;
    private final int fd;
    private final ByteBuffer buffer;
    private final Layout layout;
    private final boolean writable;
    private final FileStat stat;
    private volatile boolean closed;
    private ByteBuffer sleeperMapping;
    private String sleeperRefusal;
    private String writeRefusal;
    /** Reused by every liveness check (never freed by close: a late check must not touch freed memory). */
    private final com.sun.jna.Memory lockQuery = Posix.lockQueryBuffer();
    /** Reused by every truncation check (statx), likewise. */
    private final com.sun.jna.Memory sizeQuery = Posix.statxBuffer();
    /** Set once the file was found shorter than the mapping: from then on nothing touches the mapping. */
    private volatile boolean truncated;
    private volatile long truncatedTo = -1;

    /** The regions this process maps and has not closed: where a fault on a truncated mapping comes from. */
    private static final java.util.Set<Region> MAPPED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The last regions found truncated, closed or not: a fault found late may still come from them. */
    private static final java.util.Deque<Region> TRUNCATED = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private static final int TRUNCATED_KEPT = 32;

    private Region(String name, Path file, int fd, ByteBuffer buffer, Layout layout, boolean writable, FileStat stat) {
        this.name = name;
        this.file = file;
        this.fd = fd;
        this.buffer = buffer;
        this.layout = layout;
        this.writable = writable;
        this.stat = stat;
        MAPPED.add(this);
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
        TRUNCATED.addFirst(this);
        while (TRUNCATED.size() > TRUNCATED_KEPT) {
            TRUNCATED.pollLast();
        }
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
    public static <T> T surviving(java.util.function.Supplier<T> loop) {
        while (true) {
            try {
                return loop.get();
            } catch (InternalError e) {
                if (truncatedMappingFault(e) == null) {
                    throw e;
                }
            }
        }
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
        if (!(error instanceof InternalError) || error.getMessage() == null
                || !error.getMessage().contains("unsafe memory access")) {
            return null;
        }
        Region found = null;
        for (Region r : MAPPED) {
            if (r.checkTruncated() && found == null) {
                found = r;
            }
        }
        if (found == null) {
            found = TRUNCATED.peekFirst();
        }
        return found == null ? null : found.truncation("");
    }

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

    /** The format version's minor number (1 and later: the writer wakes sleeping readers). */
    public int formatMinor() {
        return RegionHeader.versionAcquire(buffer) & 0xFFFF;
    }

    /**
     * A writable mapping of this region for the sleeper words that a sleeping reader writes (the
     * writer's own mapping for a writer), mapped on first use; null when this process may not write
     * the file, with the reason in {@link #sleeperRefusal()}. Readers never write anything else.
     */
    public synchronized ByteBuffer sleeperBuffer() {
        if (writable) {
            return buffer;
        }
        if (sleeperMapping == null && sleeperRefusal == null) {
            try {
                sleeperMapping = map(name, fd, buffer.capacity(), true);
            } catch (RegionIoException e) {
                String detail = file + " (" + (e.getCause() instanceof java.nio.file.AccessDeniedException
                                ? "permission denied, mode 0" + Integer.toOctalString(stat.permissions())
                                : e.getCause() instanceof java.nio.file.FileSystemException f && f.getReason() != null
                                        ? f.getReason() : e.getMessage())
                        + ")";
                writeRefusal = "no write access to " + detail;
                sleeperRefusal = "region \"" + name + "\": a sleeping reader registers in the region, which needs write"
                        + " access to " + detail + "; this reader polls instead. Only the writer's user may write a"
                        + " region (readers refuse one that group or others may write): run this reader as the"
                        + " writer's user to let it sleep";
            }
        }
        return sleeperMapping;
    }

    /** Why {@link #sleeperBuffer()} is null, in a few words ("no write access to FILE (reason)"); null while it is not. */
    public synchronized String writeRefusal() {
        return writeRefusal;
    }

    /** Why {@link #sleeperBuffer()} is null; null while it is not. */
    public synchronized String sleeperRefusal() {
        return sleeperRefusal;
    }

    /** Inode and device of the mapped file, to notice when the name points to a new file. */
    public FileStat stat() {
        return stat;
    }

    public int writerPid() {
        return (int) RegionHeader.INT.getOpaque(buffer, WRITER_PID_OFFSET);
    }

    public long writerStartTime() {
        return (long) RegionHeader.LONG.getOpaque(buffer, WRITER_START_TIME_OFFSET);
    }

    public long epoch() {
        return (long) RegionHeader.LONG.getAcquire(buffer, WRITER_EPOCH_OFFSET);
    }

    public long heartbeatPeriodNs() {
        return (long) RegionHeader.LONG.getOpaque(buffer, HEARTBEAT_PERIOD_OFFSET);
    }

    /** Writer's last heartbeat, CLOCK_MONOTONIC ns. */
    public long heartbeatNs() {
        return (long) RegionHeader.LONG.getAcquire(buffer, HEARTBEAT_OFFSET);
    }

    /** The raw state word: {@code STATE_INITIALISING}, {@code STATE_LIVE} or {@code STATE_CLOSED}. */
    public int stateWord() {
        return (int) RegionHeader.INT.getAcquire(buffer, STATE_OFFSET);
    }

    /** True while some process (this one included) holds the writer's lock on the file. */
    public boolean isWriterLockHeld() {
        try {
            synchronized (lockQuery) {
                return Posix.isWriteLocked(fd, lockQuery);
            }
        } catch (PosixException e) {
            throw new RegionIoException("region \"" + name + "\": " + e.getMessage(), e);
        }
    }

    /**
     * Tests only: runs in {@link #writerState} between the first load of the state word and the lock
     * probe, so that a test can close the writer exactly there. Null (nothing runs) otherwise.
     */
    static volatile Runnable beforeLockProbe;

    /**
     * Tests only: runs in {@link #writerState} after the lock probe found the lock free and before the
     * state word is loaded again, so that a test can let another writer take the region over there.
     */
    static volatile Runnable afterFreeLockProbe;

    /** Times {@link #writerState} starts again when the epoch changed under it, before it answers with what it saw. */
    private static final int MAX_STATE_ATTEMPTS = 64;

    /**
     * The writer's state as a reader sees it now; see {@link WriterState}. The decision (format.md,
     * liveness rule R3, proven in spec/liveness.pml): load the epoch, then the state word; CLOSED:
     * CLOSED. Otherwise probe the lock ({@code F_OFD_GETLK}, {@code F_RDLCK}: only a writer's exclusive
     * lock conflicts, not a remover's shared one). Lock held: the heartbeat's age tells LIVE from
     * STALLED. Lock free: load the state word again, then the epoch: CLOSED: CLOSED (the writer closed
     * cleanly between the first load and the probe: {@link #close()} stores CLOSED before it releases
     * the lock); another epoch: a writer took the region over meanwhile (it stores its epoch before its
     * state word 0), start again; else WRITER_DEAD.
     */
    public WriterState writerState(int stalledAfterPeriods) {
        WriterState seen = WriterState.WRITER_DEAD;
        for (int attempt = 0; attempt < MAX_STATE_ATTEMPTS; attempt++) {
            long epoch = epoch();
            if (stateWord() == STATE_CLOSED) {
                return WriterState.CLOSED;
            }
            Runnable pause = beforeLockProbe;
            if (pause != null) {
                pause.run();
            }
            if (isWriterLockHeld()) {
                long period = Math.max(1, heartbeatPeriodNs());
                long age = System.nanoTime() - heartbeatNs();
                return age > stalledAfterPeriods * period ? WriterState.STALLED : WriterState.LIVE;
            }
            Runnable free = afterFreeLockProbe;
            if (free != null) {
                free.run();
            }
            if (stateWord() == STATE_CLOSED) {
                return WriterState.CLOSED;
            }
            if (epoch() == epoch) {
                return WriterState.WRITER_DEAD;
            }
            seen = WriterState.WRITER_DEAD; // taken over meanwhile: look again
        }
        return seen;
    }

    /** Stores a fresh heartbeat; writers only. */
    public void heartbeat() {
        checkWritable();
        // Release: readers that see the new heartbeat also see the samples published before it.
        RegionHeader.LONG.setRelease(buffer, HEARTBEAT_OFFSET, System.nanoTime());
    }

    /** True when the region's name now refers to another file than the one mapped (replaced or removed). */
    public boolean isReplaced() {
        return !namesFile(file, stat);
    }

    private static boolean sameDevice(long dev, FileStat stat) {
        // unix:dev is the kernel's encoded dev_t; statx gives major and minor: compare through the encoding.
        long major = ((dev >>> 32) & 0xFFFF_F000L) | ((dev >>> 8) & 0xFFFL);
        long minor = ((dev >>> 12) & 0xFFFF_FF00L) | (dev & 0xFFL);
        return ((major << 32) | minor) == stat.device();
    }

    /**
     * Writers: makes the region durable up to now on a file-backed region directory. Reads each
     * record's published count, writes the whole mapping to storage ({@code msync(MS_SYNC)}), then
     * records those counts in the record table (with the time) and syncs the header again: after a
     * crash or reboot, {@link #flushedSamples} tells a reader which samples are on storage. On tmpfs
     * ({@code /dev/shm}) it costs little and changes nothing. Returns the time it took in nanoseconds.
     */
    public synchronized long flush() {
        if (!writable) {
            throw new IllegalStateException("region \"" + name + "\": only its writer flushes it");
        }
        long start = System.nanoTime();
        long[] counts = new long[layout.records().size()];
        for (RecordLayout r : layout.records()) {
            counts[r.index()] = (long) RegionHeader.LONG.getAcquire(buffer, (int) r.publishedOffset());
        }
        msync(0, buffer.capacity());
        for (RecordLayout r : layout.records()) {
            RegionHeader.LONG.setRelease(buffer, recordEntryOffset(r.index()) + RECORD_ENTRY_FLUSHED_OFFSET, counts[r.index()]);
        }
        java.time.Instant now = java.time.Instant.now();
        RegionHeader.LONG.setRelease(buffer, FLUSHED_AT_OFFSET, now.getEpochSecond() * 1_000_000_000L + now.getNano());
        msync(0, (int) layout.headerLength());
        return System.nanoTime() - start;
    }

    private void msync(int offset, int length) {
        int errno = MemoryCalls.msync(buffer, offset, length, MemoryCalls.MS_SYNC);
        if (errno != 0) {
            throw new RegionIoException("region \"" + name + "\" (" + file + "): msync failed: " + Posix.describe(errno)
                    + "; its samples may not be on storage (a full or failing disk?)");
        }
    }

    /** Samples of record {@code recordIndex} on storage as of the last {@link #flush} (0 when never flushed). */
    public long flushedSamples(int recordIndex) {
        return (long) RegionHeader.LONG.getAcquire(buffer, recordEntryOffset(recordIndex) + RECORD_ENTRY_FLUSHED_OFFSET);
    }

    /** When the last {@link #flush} completed (CLOCK_REALTIME ns since the epoch), 0 when never. */
    public long flushedAtEpochNs() {
        return (long) RegionHeader.LONG.getAcquire(buffer, FLUSHED_AT_OFFSET);
    }

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
        MAPPED.remove(this);
        if (writable && !truncatedNow) {
            try {
                // Release: a reader that sees CLOSED sees every sample published before.
                RegionHeader.INT.setRelease(buffer, STATE_OFFSET, STATE_CLOSED);
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
        MAPPED.remove(this);
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

    // ------------------------------------------------------------------------------------ open

    /** Opens region {@code name} read-only, waiting (bounded) while it is being created. */
    public static Region open(String name, RegionOptions options) {
        RegionDirectory dir = options.regionDirectory();
        Path file = dir.file(name);
        int fd;
        try {
            fd = Posix.openExisting(file.toString(), false);
        } catch (PosixException e) {
            throw openError(name, dir, file, e);
        }
        try {
            FileStat stat = checkFile(name, file, fd, options, true);
            long deadline = System.nanoTime() + options.initTimeout().toNanos();
            while (stat.size() == 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                stat = fstat(name, fd);
            }
            if (stat.size() == 0) {
                throw new RegionNotReadyException("region \"" + name + "\" (" + file + ") is an empty file after "
                        + options.initTimeout().toMillis() + " ms; shmtel writers never leave one (they link complete"
                        + " regions into place): remove it with: shmtel rm " + name);
            }
            if (stat.size() < PAGE_LENGTH) {
                throw new CorruptRegionException("region \"" + name + "\": file is " + stat.size() + " bytes, shorter"
                        + " than one header page (" + PAGE_LENGTH + " bytes)");
            }
            ByteBuffer buffer = map(name, fd, stat.size(), false);
            while (RegionHeader.versionAcquire(buffer) == 0) {
                if (System.nanoTime() >= deadline) {
                    throw new RegionNotReadyException("region \"" + name + "\" (" + file + ") is still being created after "
                            + options.initTimeout().toMillis() + " ms (format version word is 0); if its writer died while"
                            + " creating it, the next writer replaces it, or remove it with: shmtel rm " + name);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            Layout layout = RegionHeader.decode(buffer, name);
            applyMemory(name, file, buffer, stat.size(), false, options.memory());
            return new Region(name, file, fd, buffer, layout, false, stat);
        } catch (RuntimeException | Error e) { // Error: a fault on a file truncated while it was being opened
            Posix.close(fd);
            throw e;
        }
    }

    /**
     * The checks every opener of an existing region file makes on its descriptor before anything
     * else: a regular file ({@link #checkType}), owned by this user unless {@code anyOwner}, not
     * writable by group or others when {@code reader} (see {@link #foreignWriteRefusal}), at most
     * {@link Integer#MAX_VALUE} bytes.
     */
    private static FileStat checkFile(String name, Path file, int fd, RegionOptions options, boolean reader) {
        FileStat stat = checkType(name, file, fd);
        int uid = ProcessInfo.currentUid();
        if (stat.uid() != uid && !options.anyOwner()) {
            throw new RegionPermissionException("region \"" + name + "\": " + file + " is owned by uid " + stat.uid()
                    + ", not by this user (uid " + uid + "); open it with anyOwner (CLI: --any-owner) if you trust that user");
        }
        if (reader && (stat.permissions() & 0022) != 0) {
            throw new RegionPermissionException(foreignWriteRefusal(name, file, stat));
        }
        if (stat.size() > Integer.MAX_VALUE) {
            throw new CorruptRegionException("region \"" + name + "\": file is " + stat.size()
                    + " bytes; regions are at most " + Integer.MAX_VALUE + " bytes");
        }
        return stat;
    }

    /**
     * Why a reader refuses a region file that group or others may write: a process other than its
     * one writer could change what readers read (or forge the writer's lock-free words). Trusting
     * another owner ({@code anyOwner}, {@code --any-owner}) does not lift it: the owner is trusted,
     * not everybody who may write the file.
     */
    static String foreignWriteRefusal(String name, Path file, FileStat stat) {
        return "region \"" + name + "\": " + file + " has mode 0" + Integer.toOctalString(stat.permissions())
                + ": group or others may write it, so another process than its writer could change what readers read;"
                + " refused (--any-owner does not lift this). Fix: chmod go-w " + file + " (its owner), or restart its"
                + " writer (writers create regions 0600, or 0640 for a reader group, and replace a writable one)";
    }

    /**
     * Checks with fstat, first of all, that the descriptor (opened with O_NONBLOCK | O_NOFOLLOW, so
     * the open itself never waits) is a regular file: a FIFO, socket, device or directory planted at
     * a region name is refused before anything reads, locks or maps it.
     */
    private static FileStat checkType(String name, Path file, int fd) {
        FileStat stat = fstat(name, fd);
        if (!stat.isRegularFile()) {
            throw new RegionPermissionException("region \"" + name + "\": " + file + " is not a regular file ("
                    + stat.typeName() + ", mode 0" + Integer.toOctalString(stat.mode()) + "); shmtel opens only regular"
                    + " files in the region directory: remove it (rm " + file + ")");
        }
        return stat;
    }

    private static FileStat fstat(String name, int fd) {
        try {
            return Posix.fstat(fd);
        } catch (PosixException e) {
            throw new RegionIoException("region \"" + name + "\": " + e.getMessage(), e);
        }
    }

    private static RuntimeException openError(String name, RegionDirectory dir, Path file, PosixException e) {
        return switch (e.errno()) {
            case Posix.ENOENT -> Files.isDirectory(dir.path())
                    ? new RegionNotFoundException("region \"" + name + "\" not found: no file " + file
                            + " (is its writer running? 'shmtel ls' lists the regions in " + dir + ")")
                    : new RegionNotFoundException("region \"" + name + "\" not found: directory " + dir
                            + " does not exist (set SHMTEL_DIR or --dir to the writer's directory)");
            case Posix.ELOOP -> new RegionPermissionException("region \"" + name + "\": " + file
                    + " is a symbolic link; shmtel never follows links in the region directory: remove it");
            case Posix.EACCES, Posix.EPERM -> new RegionPermissionException("region \"" + name + "\": permission denied on "
                    + file + " (" + e.getMessage() + "); the writer creates regions with mode 0600 by default: let it use"
                    + " a wider mode (e.g. 0640 with a shared group) or run as its user");
            case Posix.ENOTDIR -> new RegionNotFoundException("region \"" + name + "\": " + dir + " is not a directory");
            default -> new RegionIoException("region \"" + name + "\": " + e.getMessage(), e);
        };
    }

    /**
     * Applies {@code memory} to a fresh mapping, before the region is used (a writer: before anything
     * is written or linked, so a refusal leaves the directory as it was).
     */
    static void applyMemory(String name, Path file, ByteBuffer buffer, long length, boolean writer, MemoryOptions memory) {
        if (memory.isDefault()) {
            return;
        }
        if (memory.hugePages()) {
            String why = hugePageRefusal(file, length);
            if (why != null) {
                throw new RegionMemoryException("region \"" + name + "\": cannot use huge pages: " + why);
            }
            int errno = MemoryCalls.madvise(buffer, length, MemoryCalls.MADV_HUGEPAGE);
            if (errno != 0) {
                throw new RegionMemoryException("region \"" + name + "\": madvise(MADV_HUGEPAGE) failed: "
                        + Posix.describe(errno) + "; this kernel has no transparent huge pages (CONFIG_TRANSPARENT_HUGEPAGE):"
                        + " run without huge pages");
            }
        }
        if (memory.advice() != MemoryOptions.Advice.NORMAL) {
            int errno = MemoryCalls.madvise(buffer, length, memory.advice().value());
            if (errno != 0) {
                throw new RegionMemoryException("region \"" + name + "\": madvise(" + memory.advice().configName()
                        + ") failed: " + Posix.describe(errno));
            }
        }
        if (memory.lock()) {
            int errno = MemoryCalls.mlock(buffer, length); // faults every page in, too
            if (errno != 0) {
                throw new RegionMemoryException(lockRefusal(name, length, errno));
            }
        } else if (memory.prefault()) {
            int errno = MemoryCalls.madvise(buffer, length,
                    writer ? MemoryCalls.MADV_POPULATE_WRITE : MemoryCalls.MADV_POPULATE_READ);
            if (errno == MemoryCalls.EINVAL) { // before Linux 5.14: touch every page
                long sum = 0;
                for (int offset = 0; offset < length; offset += PAGE_LENGTH) {
                    sum += buffer.get(offset);
                }
                PREFAULT_SINK = sum;
            } else if (errno != 0) {
                throw new RegionMemoryException("region \"" + name + "\": cannot prefault its " + length + " bytes: "
                        + "madvise(MADV_POPULATE_" + (writer ? "WRITE" : "READ") + ") failed: " + Posix.describe(errno));
            }
        }
    }

    /** Keeps the page-touching loop of a prefault from being optimised away. */
    @SuppressWarnings("unused")
    private static volatile long PREFAULT_SINK;

    private static String lockRefusal(String name, long length, int errno) {
        long[] limit = MemoryCalls.memlockLimit();
        long locked = MemoryCalls.lockedBytes();
        String fix = "raise it for this process: `ulimit -l " + Math.max(1, (length + (locked > 0 ? locked : 0)) / 1024 + 1)
                + "` (KiB; or `ulimit -l unlimited`) in the shell that starts it (up to the hard limit "
                + MemoryCalls.bytes(limit[1]) + "; root raises that in /etc/security/limits.conf: `USER - memlock"
                + " unlimited`), `LimitMEMLOCK=infinity` in its systemd unit, or `--ulimit memlock=-1` for a container";
        if (errno == MemoryCalls.ENOMEM || errno == MemoryCalls.EPERM || errno == MemoryCalls.EAGAIN) {
            return "region \"" + name + "\": cannot lock its " + MemoryCalls.bytes(length) + " in RAM: mlock failed: "
                    + Posix.describe(errno) + ". The locked-memory limit (RLIMIT_MEMLOCK) of this process is "
                    + MemoryCalls.bytes(limit[0]) + (locked >= 0 ? " and it has " + MemoryCalls.bytes(locked)
                            + " locked already" : "") + "; " + fix + ". Without the lock option the region works, pageable";
        }
        return "region \"" + name + "\": cannot lock its " + MemoryCalls.bytes(length) + " in RAM: mlock failed: "
                + Posix.describe(errno);
    }

    /** Why huge pages cannot back a region file of {@code length} bytes here; null when they can. */
    public static String hugePageRefusal(Path file, long length) {
        if (length < (2L << 20)) {
            return "the region is " + MemoryCalls.bytes(length) + ", smaller than one huge page (2 MiB): huge pages"
                    + " only help regions of 2 MiB and more";
        }
        Path dir = file.toAbsolutePath().getParent();
        String mountOptions = null;
        String mountPoint = null;
        String fsType = null;
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] halves = line.split(" - ", 2);
                String[] f = halves[0].split(" ");
                String point = f[4].replace("\\040", " ");
                if (dir.startsWith(point) && (mountPoint == null || point.length() >= mountPoint.length())) {
                    mountPoint = point;
                    String[] t = halves[1].split(" ");
                    fsType = t[0];
                    mountOptions = t.length > 2 ? t[2] : "";
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return "cannot read /proc/self/mountinfo to see how " + dir + " is mounted: " + e.getMessage();
        }
        String shmem = selectedSetting(Path.of("/sys/kernel/mm/transparent_hugepage/shmem_enabled"));
        if (shmem == null) {
            return "this kernel has no transparent huge pages (no /sys/kernel/mm/transparent_hugepage)";
        }
        if (!"tmpfs".equals(fsType)) {
            return "the region directory " + dir + " is on " + fsType + ", and file mappings get huge pages only on"
                    + " tmpfs: use a tmpfs directory (the default /dev/shm, or one mounted with huge=advise)";
        }
        if (shmem.equals("force")) {
            return null;
        }
        if (shmem.equals("deny")) {
            return "huge pages for shared memory are denied on this system (/sys/kernel/mm/transparent_hugepage/"
                    + "shmem_enabled is [deny]); as root: echo advise > /sys/kernel/mm/transparent_hugepage/shmem_enabled";
        }
        String huge = "never";
        for (String o : mountOptions.split(",")) {
            if (o.startsWith("huge=")) {
                huge = o.substring(5);
            }
        }
        if (huge.equals("never")) {
            return "the tmpfs at " + mountPoint + " is mounted without huge pages (no huge= option, i.e. huge=never);"
                    + " as root: mount -o remount,huge=advise " + mountPoint + " (or mount a tmpfs with huge=advise for"
                    + " the regions and pass its directory with --dir / SHMTEL_DIR)";
        }
        return null;
    }

    private static String selectedSetting(Path file) {
        try {
            String text = java.nio.file.Files.readString(file);
            int open = text.indexOf('[');
            int close = text.indexOf(']', open + 1);
            return open >= 0 && close > open ? text.substring(open + 1, close) : text.trim();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * Sums the smaps lines starting with {@code key} (e.g. {@code "Rss:"}, {@code "Locked:"},
     * {@code "ShmemPmdMapped:"}) of this process's mapping that holds {@code buffer}; bytes, -1 when unknown.
     */
    public static long mappingBytes(ByteBuffer buffer, String key) {
        long address = io.shmtel.core.nativeio.Futex.address(buffer);
        try {
            boolean inside = false;
            long total = -1;
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/smaps"))) {
                int dash = line.indexOf('-');
                int space = line.indexOf(' ');
                if (dash > 0 && space > dash && line.substring(0, dash).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                    long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                    long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                    inside = address >= start && address < end;
                    continue;
                }
                if (inside && line.startsWith(key)) {
                    total = Math.max(total, 0) + Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return total;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    private static ByteBuffer map(String name, int fd, long size, boolean writable) {
        // Through /proc/self/fd: the very file the descriptor holds, whatever the name points to now.
        Path self = Path.of("/proc/self/fd", Integer.toString(fd));
        try (FileChannel channel = writable
                ? FileChannel.open(self, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(self, StandardOpenOption.READ)) {
            return channel.map(writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0, size)
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new RegionIoException("region \"" + name + "\": cannot map " + size + " bytes: " + e, e);
        }
    }

    // ---------------------------------------------------------------------------------- create

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
     */
    public static Region createOrTakeOver(String name, Layout layout, RegionOptions options) {
        RegionDirectory dir = options.regionDirectory();
        Path file = dir.file(name);
        if (layout.regionLength() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("region too large for one mapping: regionLength=" + layout.regionLength());
        }
        int textLength = layout.canonicalJson().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (textLength > RegionHeader.MAX_SCHEMA_TEXT_LENGTH) {
            throw new IllegalArgumentException("schema \"" + layout.schemaName() + "\" is " + textLength + " bytes as"
                    + " canonical text; readers accept embedded schemas of at most " + RegionHeader.MAX_SCHEMA_TEXT_LENGTH
                    + " bytes: split it into several schemas");
        }
        long previousEpoch = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        int attempts = 0;
        while (true) {
            attempts++;
            Existing existing = openExisting(name, file, layout, options);
            if (existing.region != null) {
                return existing.region;
            }
            previousEpoch = Math.max(previousEpoch, existing.epochToReplace);
            if (!existing.retry) {
                Region created = createNew(name, dir, file, layout, options, previousEpoch + 1);
                if (created != null) {
                    return created;
                }
                // lost the race for the name: look at the winner's file
            } else {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
            }
            if (attempts > 3 && System.nanoTime() - deadline > 0) {
                throw new RegionIoException("region \"" + name + "\": could not create or take over " + file
                        + " in 2 s (" + attempts + " attempts: other processes keep creating and removing it)");
            }
        }
    }

    /** Builds the region in an unnamed file and links it in; null when another writer linked the name first. */
    private static Region createNew(String name, RegionDirectory dir, Path file, Layout layout, RegionOptions options,
            long epoch) {
        int fd;
        Path temp = null;
        try {
            fd = Posix.createUnnamed(dir.path().toString(), RegionOptions.DEFAULT_MODE);
            if (fd < 0) {
                temp = dir.path().resolve(".shmtel-tmp." + name + "." + ProcessInfo.currentPid() + "." + System.nanoTime());
                fd = Posix.createExclusive(temp.toString(), RegionOptions.DEFAULT_MODE);
            }
        } catch (PosixException e) {
            throw createError(name, dir, file, e);
        }
        boolean done = false;
        try {
            if (CrashPoint.ENABLED) {
                CrashPoint.reached(CrashPoint.CREATE_FILE);
            }
            if (!tryLock(name, fd)) {
                throw new RegionIoException("region \"" + name + "\": cannot lock the new, unnamed file");
            }
            if (CrashPoint.ENABLED) {
                CrashPoint.reached(CrashPoint.CREATE_LOCKED);
            }
            reserve(name, file, fd, layout.regionLength(), "create");
            Posix.fchmod(fd, options.mode());
            if (CrashPoint.ENABLED) {
                CrashPoint.reached(CrashPoint.CREATE_RESERVED);
            }
            ByteBuffer buffer = map(name, fd, layout.regionLength(), true);
            applyMemory(name, file, buffer, layout.regionLength(), true, options.memory());
            RegionHeader.write(buffer, layout, ProcessInfo.currentPid(), ProcessInfo.startTime(ProcessInfo.currentPid()),
                    epoch, options.heartbeatPeriod().toNanos());
            RegionHeader.publishVersion(buffer);
            if (CrashPoint.ENABLED) {
                CrashPoint.reached(CrashPoint.CREATE_HEADER);
            }
            if (!Posix.linkNew(fd, file.toString())) {
                return null;
            }
            if (CrashPoint.ENABLED) {
                CrashPoint.reached(CrashPoint.CREATE_LINKED);
            }
            Region region = new Region(name, file, fd, buffer, layout, true, Posix.fstat(fd));
            done = true;
            return region;
        } catch (PosixException e) {
            throw createError(name, dir, file, e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
            }
            if (!done) {
                Posix.close(fd); // an unnamed file vanishes with its last descriptor
            }
        }
    }

    /**
     * The outcome of meeting an existing file: taken over (region); gone or replaced, so create a
     * new one (epochToReplace: the dead file's epoch); or busy, so look again (retry).
     */
    private record Existing(Region region, long epochToReplace, boolean retry) {
        static final Existing ABSENT = new Existing(null, 0, false);
        static final Existing RETRY = new Existing(null, 0, true);
    }

    private static Existing openExisting(String name, Path file, Layout layout, RegionOptions options) {
        int fd;
        try {
            fd = Posix.openExisting(file.toString(), true);
        } catch (PosixException e) {
            if (e.errno() == Posix.ENOENT) {
                return Existing.ABSENT;
            }
            throw createError(name, RegionDirectory.of(file.getParent()), file, e);
        }
        boolean keep = false;
        try {
            FileStat stat = checkFile(name, file, fd, options, false);
            if (!tryLock(name, fd)) {
                if (!isExclusiveLockHeld(name, fd)) {
                    return Existing.RETRY; // a remover (gc, rm) holds it to unlink it, or the lock was just released
                }
                throw owned(name, file, fd, stat);
            }
            if (!namesFile(file, stat)) {
                return Existing.RETRY; // removed or replaced between our open and our lock
            }
            if (CrashPoint.ENABLED) {
                CrashPoint.reached(CrashPoint.TAKEOVER_LOCKED);
            }
            // We hold the lock: the previous owner is gone (or never finished creating the region).
            long oldEpoch = 0;
            Layout old = null;
            if (stat.size() >= PAGE_LENGTH) {
                ByteBuffer buffer = map(name, fd, stat.size(), true);
                if (RegionHeader.versionAcquire(buffer) != 0) {
                    try {
                        old = RegionHeader.decode(buffer, name);
                        oldEpoch = buffer.getLong(WRITER_EPOCH_OFFSET);
                    } catch (RuntimeException corrupt) {
                        LOG.log(System.Logger.Level.WARNING, "replacing unreadable region of a dead writer: "
                                + corrupt.getMessage());
                    }
                }
                boolean foreignWritable = (stat.permissions() & 0022) != 0;
                if (old != null && old.fingerprint() == layout.fingerprint() && !foreignWritable) {
                    // Reserve the whole file before writing the writer line (as a new region is reserved):
                    // a sparse file on a full file system fails here, not with SIGBUS at a later publish.
                    reserve(name, file, fd, stat.size(), "take over");
                    applyMemory(name, file, buffer, stat.size(), true, options.memory());
                    long epoch = oldEpoch + 1;
                    // The new epoch before the state word 0 (release): a reader that finds the lock free and
                    // then loads this 0 also loads this epoch, and looks again (liveness rule R3).
                    RegionHeader.LONG.setRelease(buffer, WRITER_EPOCH_OFFSET, epoch);
                    RegionHeader.INT.setRelease(buffer, STATE_OFFSET, STATE_INITIALISING);
                    RegionHeader.writeWriterLine(buffer, ProcessInfo.currentPid(),
                            ProcessInfo.startTime(ProcessInfo.currentPid()), epoch, options.heartbeatPeriod().toNanos());
                    RegionHeader.publishVersion(buffer); // a 1.0 or 1.1 region becomes 1.2: this writer wakes sleepers
                    if (CrashPoint.ENABLED) {
                        CrashPoint.reached(CrashPoint.TAKEOVER_WRITTEN);
                    }
                    keep = true;
                    return new Existing(new Region(name, file, fd, buffer, layout, true, stat), 0, false);
                }
            }
            if ((stat.permissions() & 0022) != 0) {
                LOG.log(System.Logger.Level.WARNING, "replacing region \"" + name + "\" of a dead writer: " + file
                        + " has mode 0" + Integer.toOctalString(stat.permissions()) + " (group or others may write it,"
                        + " and readers refuse it); its replacement has mode 0" + Integer.toOctalString(options.mode()));
            } else if (old != null) {
                LOG.log(System.Logger.Level.INFO, "replacing region \"" + name + "\" of a dead writer: its layout "
                        + Fingerprint.hex(old.fingerprint()) + " differs from this writer's " + Fingerprint.hex(layout.fingerprint()));
            }
            deleteQuietly(file); // still under our lock, and still our file (checked above)
            return new Existing(null, oldEpoch, false);
        } finally {
            if (!keep) {
                Posix.close(fd);
            }
        }
    }

    private static boolean isExclusiveLockHeld(String name, int fd) {
        try {
            return Posix.isExclusiveLockHeld(fd);
        } catch (PosixException e) {
            throw new RegionIoException("region \"" + name + "\": " + e.getMessage(), e);
        }
    }

    /** True when {@code file} (not followed if a link) is the file described by {@code stat}. */
    private static boolean namesFile(Path file, FileStat stat) {
        try {
            Object inode = Files.getAttribute(file, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Object device = Files.getAttribute(file, "unix:dev", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return ((Long) inode) == stat.inode() && sameDevice((Long) device, stat);
        } catch (IOException e) {
            return false;
        }
    }

    private static RegionOwnedException owned(String name, Path file, int fd, FileStat stat) {
        String owner = "";
        if (stat.size() >= PAGE_LENGTH) {
            ByteBuffer b = map(name, fd, PAGE_LENGTH, false);
            int pid = b.getInt(WRITER_PID_OFFSET);
            owner = " (owner pid " + pid + (ProcessHandle.of(pid).isPresent() ? ", running" : "") + ")";
        }
        return new RegionOwnedException("region \"" + name + "\" is owned by a live writer" + owner + ": a region has"
                + " one writer; stop that writer first or publish under another name (" + file + ")");
    }

    private static boolean tryLock(String name, int fd) {
        try {
            return Posix.tryLockExclusive(fd);
        } catch (PosixException e) {
            throw new RegionIoException("region \"" + name + "\": " + e.getMessage(), e);
        }
    }

    /** posix_fallocate of the whole region file; {@code verb} ("create", "take over") for the message. */
    private static void reserve(String name, Path file, int fd, long length, String verb) {
        int rc = Posix.fallocate(fd, length);
        if (rc == 0) {
            return;
        }
        if (rc == Posix.ENOSPC) {
            long free = -1;
            try {
                free = Files.getFileStore(file.getParent()).getUsableSpace();
            } catch (IOException ignored) {
                // the size of the hole is enough to go on
            }
            throw new NoSpaceException("cannot " + verb + " region \"" + name + "\": it needs " + length + " bytes and "
                    + file.getParent() + " has " + (free < 0 ? "less" : free + " bytes") + " free. Free space there"
                    + " ('shmtel ls', 'shmtel rm'), or give it more (in Docker: --shm-size=256m; on a host: mount -o"
                    + " remount,size=1G " + file.getParent() + ")");
        }
        throw new RegionIoException("region \"" + name + "\": posix_fallocate(" + length + " bytes) in " + file.getParent()
                + ": " + Posix.describe(rc));
    }

    private static RuntimeException createError(String name, RegionDirectory dir, Path file, PosixException e) {
        java.util.Optional<String> unusable = dir.unusable();
        if (unusable.isPresent()) { // not a directory, or one that holds no files (/proc): whatever errno the kernel chose
            return new RegionNotFoundException("cannot create region \"" + name + "\": " + unusable.get());
        }
        return switch (e.errno()) {
            case Posix.ENOENT, Posix.ENOTDIR -> new RegionNotFoundException("cannot create region \"" + name + "\": "
                    + (Files.isDirectory(dir.path())
                            ? "directory " + dir + " refuses new files (" + e.getMessage() + ")"
                            : "directory " + dir + " does not exist (create it, or set SHMTEL_DIR / --dir)"));
            case Posix.EACCES, Posix.EPERM, Posix.EROFS -> new RegionPermissionException("cannot create region \""
                    + name + "\" in " + dir + ": " + e.getMessage() + " (the writer needs write access to the directory)");
            case Posix.ELOOP -> new RegionPermissionException("region \"" + name + "\": " + file
                    + " is a symbolic link; shmtel never follows links in the region directory: remove it");
            default -> new RegionIoException("cannot create region \"" + name + "\": " + e.getMessage(), e);
        };
    }

    /**
     * A read-only descriptor of {@code file}, checked to be a regular file ({@link #checkType}), or
     * -1 when there is no such file.
     */
    private static int openReadOnlyIfExists(String name, Path file, RegionOptions options) {
        int fd;
        try {
            fd = Posix.openExisting(file.toString(), false);
        } catch (PosixException e) {
            if (e.errno() == Posix.ENOENT) {
                return -1;
            }
            throw openError(name, options.regionDirectory(), file, e);
        }
        try {
            checkType(name, file, fd);
            return fd;
        } catch (RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
    }

    /**
     * True when some process holds the writer lock of region {@code name}'s file, read without
     * decoding the header (so it works on corrupt regions too); false when there is no such file.
     */
    public static boolean isWriterLockHeld(String name, RegionOptions options) {
        Path file = options.regionDirectory().file(name);
        int fd = openReadOnlyIfExists(name, file, options);
        if (fd < 0) {
            return false;
        }
        try {
            return Posix.isWriteLocked(fd);
        } catch (PosixException e) {
            throw new RegionIoException("region \"" + name + "\": " + e.getMessage(), e);
        } finally {
            Posix.close(fd);
        }
    }

    /**
     * Removes region {@code name}'s file unless a writer holds it, without a window in which a
     * writer could take it over first: the remover holds a shared lock on the file (which keeps
     * writers out) and checks that the name still refers to it while it unlinks. True when removed,
     * false when there was no such file; {@link RegionOwnedException} when a writer holds it.
     */
    public static boolean removeUnowned(String name, RegionOptions options) {
        Path file = options.regionDirectory().file(name);
        int fd = openReadOnlyIfExists(name, file, options);
        if (fd < 0) {
            return false;
        }
        try {
            if (!Posix.tryLockShared(fd)) {
                throw new RegionOwnedException("region \"" + name + "\" has a live writer (it holds the region's lock);"
                        + " stop the writer first");
            }
            FileStat stat = Posix.fstat(fd);
            if (!namesFile(file, stat)) {
                return false; // replaced meanwhile by a new file, which is not the one we looked at
            }
            try {
                return Posix.unlink(file.toString());
            } catch (PosixException e) {
                if (e.errno() == Posix.EPERM || e.errno() == Posix.EACCES) {
                    throw new RegionPermissionException("cannot remove region \"" + name + "\": " + e.getMessage()
                            + "; the file is owned by uid " + stat.uid() + ", and removing it needs write access to "
                            + file.getParent() + " (in a sticky directory such as /dev/shm, only the file's owner or root"
                            + " may remove it)");
                }
                throw new RegionIoException("cannot remove region \"" + name + "\": " + e.getMessage(), e);
            }
        } catch (PosixException e) {
            throw new RegionIoException("region \"" + name + "\": " + e.getMessage(), e);
        } finally {
            Posix.close(fd);
        }
    }

    /** Removes region {@code name}'s file whoever holds it; true when there was one. */
    public static boolean unlink(String name, RegionOptions options) {
        Path file = options.regionDirectory().file(name);
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new RegionIoException("cannot remove region \"" + name + "\" (" + file + "): " + e, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort on a failure path; the caller's error says what went wrong
        }
    }
}
