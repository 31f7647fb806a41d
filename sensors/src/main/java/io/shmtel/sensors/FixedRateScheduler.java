package io.shmtel.sensors;

import io.shmtel.core.nativeio.SchedCalls;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.placement.PlacementHandshake;
import io.shmtel.core.placement.ThreadPlacement;
import io.shmtel.core.region.Region;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a task at a fixed rate on its own thread without drift: run {@code k} is due at
 * {@code start + k / rate}, whatever earlier runs cost. A run that starts a whole period late
 * skips the due times it missed (counted, not bunched up), so timing stays on the grid. Its thread can be
 * placed ({@link #start(ThreadPlacement)}: CPUs, real-time scheduling) before its first run.
 */
public final class FixedRateScheduler implements AutoCloseable {

    /** The periodic work: run {@code runIndex}, due at {@code dueNs} (CLOCK_MONOTONIC). */
    @FunctionalInterface
    public interface Task {
        void run(long runIndex, long dueNs) throws Exception;
    }

    private final String name;
    private final double rateHz;
    private final long spinNs;
    private final Task task;
    private final SamplingStats stats;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;
    /** The thread's Linux thread id, once it runs. */
    private volatile long nativeThreadId;
    /** How the thread places itself; set before the thread starts. */
    private PlacementHandshake placing = new PlacementHandshake(ThreadPlacement.none());
    /** The scheduler thread's: when run 0 was due, and the next run's index. */
    private long startNs;
    private long runIndex;

    /**
     * @param spinNs how long before a due time to stop parking and spin (0: park only; parking
     *               wakes tens of microseconds late, spinning costs CPU)
     */
    public FixedRateScheduler(String name, double rateHz, long spinNs, SamplingStats stats, Task task) {
        if (!(rateHz > 0) || Double.isInfinite(rateHz)) {
            throw new IllegalArgumentException("rate must be a positive number of Hz: rateHz=" + rateHz);
        }
        this.name = name;
        this.rateHz = rateHz;
        this.spinNs = Math.max(0, spinNs);
        this.task = task;
        this.stats = stats;
        this.thread = new Thread(this::loop, "shmtel-driver-" + name);
        this.thread.setDaemon(true);
    }

    public FixedRateScheduler start() {
        return start(ThreadPlacement.none());
    }

    /**
     * Starts the thread, which applies {@code placement} before its first run; returns once it did.
     *
     * @throws PlacementException the placement was refused: the thread ended without running the task
     */
    public FixedRateScheduler start(ThreadPlacement placement) {
        placing = new PlacementHandshake(placement);
        thread.start();
        placing.await();
        return this;
    }

    /**
     * The thread's Linux thread id (gettid: for /proc/PID/task/TID, ps -L, chrt -p, taskset -p), known once
     * {@link #start} returned; 0 before.
     */
    public long nativeThreadId() {
        return nativeThreadId;
    }

    /** The placement the thread applied (none unless started with one). */
    public ThreadPlacement placement() {
        return placing.placement();
    }

    public double rateHz() {
        return rateHz;
    }

    /** The error that stopped the loop, if one did. */
    public Throwable failure() {
        return failure;
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    private void loop() {
        nativeThreadId = SchedCalls.gettid();
        if (!placing.apply()) {
            return; // start() throws the refusal
        }
        startNs = System.nanoTime();
        // A fault on the mapping of a region truncated under the task's writer (SIGBUS, raised by the JVM at a
        // later instruction, possibly past the task's own try) is that run's error: the loop goes on. Any other
        // error stops it.
        while (running) {
            try {
                runLoop();
                return;
            } catch (InternalError e) {
                RuntimeException truncation = Region.truncatedMappingFault(e);
                if (truncation == null) {
                    failure = e;
                    throw e;
                }
                stats.recordError();
                failure = truncation;
                runIndex++;
            }
        }
    }

    private void runLoop() {
        double periodNs = 1e9 / rateHz;
        while (running) {
            long due = startNs + Math.round(runIndex * periodNs);
            waitUntil(due);
            if (!running) {
                return;
            }
            long begin = System.nanoTime();
            long late = begin - due;
            if (late >= periodNs) {
                long skip = (long) (late / periodNs);
                stats.recordMissed(skip);
                runIndex += skip;
                due = startNs + Math.round(runIndex * periodNs);
                late = begin - due;
            }
            try {
                task.run(runIndex, due);
                stats.recordSample(late, System.nanoTime() - begin);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                stats.recordError();
                failure = e;
            } catch (InternalError e) {
                throw e; // loop() tells a truncated region's fault from others
            } catch (Error e) {
                failure = e;
                throw e;
            }
            runIndex++;
        }
    }

    private void waitUntil(long due) {
        long wait;
        while (running && (wait = due - System.nanoTime()) > spinNs) {
            LockSupport.parkNanos(Math.min(wait - spinNs, TimeUnit.MILLISECONDS.toNanos(50)));
        }
        while (running && due - System.nanoTime() > 0) {
            Thread.onSpinWait();
        }
    }

    /** Stops the loop and waits (up to a second) for the thread to end. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "scheduler " + name + " at " + rateHz + " Hz";
    }
}
