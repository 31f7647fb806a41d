package io.shmtel.core.region;

import io.shmtel.schema.layout.ProtocolConstants;

import static io.shmtel.schema.layout.RegionHeaderDescriptor.STATE_CLOSED;

/**
 * Where a reader decides whether a region's writer is alive ({@link Region#writerState}): the
 * loads of the epoch and the state word, the probe of the writer's lock and the heartbeat's age, in
 * the order format.md's liveness rule R3 gives and spec/liveness.pml proves. The test hooks
 * {@link Region#beforeLockProbe} and {@link Region#afterFreeLockProbe} run here.
 */
final class RegionLiveness {
    /** Times {@link #writerState} starts again when the epoch changed under it, before it answers with what it saw. */
    private static final int MAX_STATE_ATTEMPTS = ProtocolConstants.MAX_STATE_ATTEMPTS;

    private RegionLiveness() {
    }

    /**
     * The writer's state as a reader sees it now; see {@link WriterState}. The decision (format.md,
     * liveness rule R3, proven in spec/liveness.pml): load the epoch, then the state word; CLOSED:
     * CLOSED. Otherwise probe the lock ({@code F_OFD_GETLK}, {@code F_RDLCK}: only a writer's exclusive
     * lock conflicts, not a remover's shared one). Lock held: the heartbeat's age tells LIVE from
     * STALLED. Lock free: load the state word again, then the epoch: CLOSED: CLOSED (the writer closed
     * cleanly between the first load and the probe: {@link Region#close()} stores CLOSED before it
     * releases the lock); another epoch: a writer took the region over meanwhile (it stores its epoch
     * before its state word 0), start again; else WRITER_DEAD.
     */
    static WriterState writerState(Region region, int stalledAfterPeriods) {
        WriterState seen = WriterState.WRITER_DEAD;
        for (int attempt = 0; attempt < MAX_STATE_ATTEMPTS; attempt++) {
            long epoch = region.epoch();
            if (region.stateWord() == STATE_CLOSED) {
                return WriterState.CLOSED;
            }
            Runnable pause = Region.beforeLockProbe;
            if (pause != null) {
                pause.run();
            }
            if (region.isWriterLockHeld()) {
                long period = Math.max(1, region.heartbeatPeriodNs());
                long age = System.nanoTime() - region.heartbeatNs();
                return age > stalledAfterPeriods * period ? WriterState.STALLED : WriterState.LIVE;
            }
            Runnable free = Region.afterFreeLockProbe;
            if (free != null) {
                free.run();
            }
            if (region.stateWord() == STATE_CLOSED) {
                return WriterState.CLOSED;
            }
            if (region.epoch() == epoch) {
                return WriterState.WRITER_DEAD;
            }
            seen = WriterState.WRITER_DEAD; // taken over meanwhile: look again
        }
        return seen;
    }
}
