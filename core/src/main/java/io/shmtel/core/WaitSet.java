package io.shmtel.core;

import com.sun.jna.Memory;
import io.shmtel.core.idle.WakeSignal;
import io.shmtel.core.memory.Words;
import io.shmtel.core.nativeio.Errno;
import io.shmtel.core.nativeio.Futex;
import io.shmtel.core.region.ProcessInfo;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.Sleepers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Sleeps until one of several subscribers' writers publishes (or a mailbox's handshake moves, for
 * its ends): the wake-on-publish half that runs in readers. One sleep registers in each record's
 * sleeper words ({@link Sleepers}), issues one global memory barrier, looks at every record's
 * {@code published} count once more (so a sample published meanwhile is never slept through: no
 * lost wake-up), then waits in the kernel on all of their futex words at once ({@code futex_waitv},
 * Linux 5.16+; before that, on one word), and unregisters. {@link #wakeup()} ends a sleep from
 * another thread.
 *
 * <p>A subscriber that cannot be slept on (waiting for its region, a format 1.0 region whose writer
 * does not wake, a region this user may not write, every sleeper slot taken, no {@code membarrier})
 * caps the sleep at {@link #POLL_FALLBACK_NS}: it is then polled as by the backoff's longest park.
 * Once per {@link #HEAL_PERIOD_NS} a sleep first frees its records' sleeper slots whose owner died
 * asleep, so that a writer that does not heal them (a C writer) stops waking nobody.
 * Allocates nothing per sleep. Not thread-safe, but for {@link #wakeup()}.
 */
public final class WaitSet implements WakeSignal {
    /** The longest sleep when some member cannot be woken by its writer. */
    public static final long POLL_FALLBACK_NS = 1_000_000L;
    /** How often a wait set frees the sleeper slots of readers that died asleep (for writers that do not: C). */
    public static final long HEAL_PERIOD_NS = 1_000_000_000L;
    private static final long LONGEST_SLEEP_NS = 3_600_000_000_000L;

    /** How the last {@link #sleep} ended. */
    public enum Outcome {
        /** There was something new (or a wake-up was pending) before sleeping. */
        NOT_SLEPT,
        /** A writer (or {@link #wakeup()}) woke it, or a watched word changed as it went to sleep. */
        WOKEN,
        /** The time ran out. */
        TIMED_OUT
    }

    private static final int PID = ProcessInfo.currentPid();

    private WaitTarget[] members = new WaitTarget[0];
    private int size;
    private ByteBuffer[] buffers = new ByteBuffer[0];
    private RingGeometry[] geometries = new RingGeometry[0];
    private int[] slots = new int[0];
    private int[] offsets = new int[0];
    private long[] seen = new long[0];
    private long[] words = new long[0];
    private Memory waitv;
    private final Memory timespec = Futex.allocate(16);
    private final ByteBuffer doorbell = ByteBuffer.allocateDirect(64).order(ByteOrder.LITTLE_ENDIAN);
    private final long doorbellAddress = Futex.address(doorbell);
    private int seenBell;
    /**
     * Set by {@link #wakeup()} (any thread), read by {@link #sleep} (the polling thread): once set,
     * sleeps on kernels without {@code futex_waitv} (which wait on one word and so cannot also watch
     * the doorbell) are capped at {@link #POLL_FALLBACK_NS}. Volatile: a plain field read by another
     * thread than its writer is a data race (formally, the sleeper might never see it).
     */
    private volatile boolean wakeable;
    private Outcome last = Outcome.NOT_SLEPT;
    private long sleeps;
    private long wakeups;
    private long timeouts;
    private long fallbacks;
    private long nextHealNs = System.nanoTime();
    private long healed;

    public WaitSet() {
        grow(1);
    }

    /** Adds a subscriber (once); allocates here, never in {@link #sleep}. */
    public WaitSet add(Subscriber subscriber) {
        return add(subscriber.waitTarget());
    }

    /** Removes a subscriber; true when it was a member. */
    public boolean remove(Subscriber subscriber) {
        return remove(subscriber.waitTarget());
    }

    WaitSet add(WaitTarget subscriber) {
        for (int i = 0; i < size; i++) {
            if (members[i] == subscriber) {
                return this;
            }
        }
        grow(size + 1);
        members[size++] = subscriber;
        return this;
    }

    boolean remove(WaitTarget subscriber) {
        for (int i = 0; i < size; i++) {
            if (members[i] == subscriber) {
                System.arraycopy(members, i + 1, members, i, size - i - 1);
                members[--size] = null;
                return true;
            }
        }
        return false;
    }

    /** Removes every member (keeps the capacity: re-adding as many allocates nothing). */
    public void clear() {
        Arrays.fill(members, 0, size, null);
        size = 0;
    }

    public int size() {
        return size;
    }

    private void grow(int capacity) {
        if (capacity <= members.length) {
            return;
        }
        int n = Math.max(capacity, members.length * 2);
        members = Arrays.copyOf(members, n);
        buffers = new ByteBuffer[n];
        geometries = new RingGeometry[n];
        slots = new int[n];
        offsets = new int[n];
        seen = new long[n];
        words = new long[n];
        waitv = Futex.allocate((n + 1) * Futex.WAITV_LENGTH); // one more for the doorbell
    }

    /**
     * Ends the current or next {@link #sleep} (from any thread): for a poller that also takes work
     * from other threads. Costs a system call.
     */
    public void wakeup() {
        wakeable = true;
        Words.getAndAddInt(doorbell, 0, 1);
        Futex.wakeAll(doorbellAddress);
    }

    @Override
    public void sleep(long maxWaitNs) {
        long start = System.nanoTime();
        long wait = Math.min(Math.max(0, maxWaitNs), LONGEST_SLEEP_NS);
        int bell = Words.getIntAcquire(doorbell, 0);
        if (bell != seenBell) {
            seenBell = bell;
            last = Outcome.NOT_SLEPT;
            return;
        }
        boolean capped = false;
        boolean heal = start - nextHealNs >= 0;
        if (heal) {
            nextHealNs = start + HEAL_PERIOD_NS;
        }
        int n = 0;
        for (int i = 0; i < size; i++) {
            WaitTarget s = members[i];
            ByteBuffer writable = s.sleeperBuffer();
            if (writable == null) {
                capped = true;
                continue;
            }
            RingGeometry g = s.geometry();
            if (heal && Sleepers.mask(writable, g) != 0) {
                healed += Sleepers.healDead(writable, g);
            }
            int slot = Sleepers.register(writable, g, PID);
            if (slot < 0) {
                capped = true;
                continue;
            }
            buffers[n] = writable;
            geometries[n] = g;
            slots[n] = slot;
            offsets[n] = s.wordOffset();
            seen[n] = s.seenWord();
            words[n] = s.sleeperWordAddress();
            n++;
        }
        boolean changed = false;
        if (n > 0) {
            // The writers load the sleeper bits without a fence of their own: this barrier runs one on their CPUs.
            if (!Futex.globalBarrier()) {
                capped = true;
            }
            for (int j = 0; j < n; j++) {
                if (Words.getLongAcquire(buffers[j], offsets[j]) != seen[j]) {
                    changed = true;
                }
            }
        }
        try {
            if (changed) {
                last = Outcome.NOT_SLEPT;
                return;
            }
            sleeps++;
            if (capped || (n > 1 && !Futex.WAITV_AVAILABLE) || (wakeable && !Futex.WAITV_AVAILABLE)) {
                wait = Math.min(wait, POLL_FALLBACK_NS);
                fallbacks++;
            }
            int result;
            if (n == 0) {
                // Nothing to sleep on but the doorbell: wakeup() still ends the sleep.
                int errno = Futex.await(doorbellAddress, bell, wait, timespec);
                result = errno == 0 ? 0 : -errno;
            } else if (Futex.WAITV_AVAILABLE) {
                for (int j = 0; j < n; j++) {
                    Futex.setWaitv(waitv, j, words[j], (int) seen[j]);
                }
                Futex.setWaitv(waitv, n, doorbellAddress, bell);
                result = Futex.awaitAny(waitv, n + 1, start + wait, timespec);
            } else {
                int errno = Futex.await(words[0], (int) seen[0], wait, timespec);
                result = errno == 0 ? 0 : -errno;
            }
            if (result == -Errno.ETIMEDOUT) {
                timeouts++;
                last = Outcome.TIMED_OUT;
            } else {
                wakeups++;
                last = Outcome.WOKEN;
            }
        } finally {
            for (int j = 0; j < n; j++) {
                Sleepers.unregister(buffers[j], geometries[j], slots[j]);
                buffers[j] = null;
            }
        }
    }

    /** How the last {@link #sleep} ended ({@link Outcome#NOT_SLEPT} after {@link #resetOutcome()}). */
    public Outcome lastOutcome() {
        return last;
    }

    /** Forgets the last outcome, for a caller that wants to know whether the next idle step slept. */
    public void resetOutcome() {
        last = Outcome.NOT_SLEPT;
    }

    /** Sleeps that reached the kernel (or a park). */
    public long sleeps() {
        return sleeps;
    }

    /** Sleeps ended by a wake-up or a changed word. */
    public long wakeups() {
        return wakeups;
    }

    /** Sleeps that ran out of time. */
    public long timeouts() {
        return timeouts;
    }

    /** Sleeper slots of dead readers this set freed (once per {@link #HEAL_PERIOD_NS}, on its records). */
    public long healedSleepers() {
        return healed;
    }

    /** Sleeps capped at {@link #POLL_FALLBACK_NS} because some member could not be woken. */
    public long fallbacks() {
        return fallbacks;
    }
}
