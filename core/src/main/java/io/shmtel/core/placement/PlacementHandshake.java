package io.shmtel.core.placement;

import java.util.concurrent.CountDownLatch;

/**
 * Places a thread first thing when it runs and tells the thread that started it whether that worked, so that a
 * refused placement is an exception of the start, not a silent thread that runs unplaced or dies alone:
 *
 * <pre>{@code
 * PlacementHandshake handshake = new PlacementHandshake(placement);
 * Thread thread = new Thread(() -> {
 *     if (handshake.apply()) {   // on the new thread, before its loop
 *         loop();
 *     }
 * });
 * thread.start();
 * handshake.await();             // on the starter: returns once placed, or throws the refusal
 * }</pre>
 *
 * One handshake serves one thread, once.
 */
public final class PlacementHandshake {
    private final ThreadPlacement placement;
    private final CountDownLatch done = new CountDownLatch(1);
    /** Written by the placed thread before {@code done} counts down; read by the starter after it did. */
    private Throwable refusal;

    public PlacementHandshake(ThreadPlacement placement) {
        this.placement = placement;
    }

    public ThreadPlacement placement() {
        return placement;
    }

    /**
     * On the thread to place: applies the placement and tells the starter. False when it was refused: the thread
     * should end without running its work (the starter throws the refusal).
     */
    public boolean apply() {
        try {
            placement.apply();
            return true;
        } catch (RuntimeException | Error e) {
            refusal = e;
            return false;
        } finally {
            done.countDown();
        }
    }

    /**
     * On the starter, after starting the thread: waits until the thread was placed (an interrupt is kept for later,
     * the wait goes on: the thread's fate must be known).
     *
     * @throws PlacementException the placement the thread met refused (a new one with its message, caused by it:
     *     the stack shows the start)
     */
    public void await() {
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (refusal instanceof PlacementException e) {
            throw new PlacementException(e.getMessage(), e);
        }
        if (refusal instanceof RuntimeException e) {
            throw e;
        }
        if (refusal instanceof Error e) {
            throw e;
        }
    }
}
