package io.shmtel.core.fault;

import io.shmtel.core.nativeio.Posix;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Staged crash points for the fault-injection tests: with {@code -Dshmtel.crashAt=POINT@N} the
 * process kills itself with SIGKILL the {@code N}th time it reaches {@code POINT} (N defaults to
 * 1), so a test can stop a writer between any two steps of the publish protocol or of region
 * creation and check what readers and the next writer make of the remains.
 *
 * <p>Without the property, {@link #ENABLED} is a constant false and the JIT removes every hook.
 */
public final class CrashPoint {
    public static final String PROPERTY = "shmtel.crashAt";
    /** Stops (SIGSTOP) instead of dying: {@code -Dshmtel.stopAt=POINT@N}; SIGCONT resumes the process. */
    public static final String STOP_PROPERTY = "shmtel.stopAt";

    /** Publish, sample k: the slot's seq is 2k+1 (busy), nothing of the payload written yet. */
    public static final String PUBLISH_MARKED = "publish.marked";
    /** Publish: timestamp and the first half of the payload written, seq still 2k+1. */
    public static final String PUBLISH_HALF = "publish.half";
    /** Publish: the whole payload written, seq still 2k+1. */
    public static final String PUBLISH_WRITTEN = "publish.written";
    /** Publish: seq 2k+2 (complete), the published count still k. */
    public static final String PUBLISH_COMPLETE = "publish.complete";
    /** Publish: the published count is k+1: the sample is fully published. */
    public static final String PUBLISH_COUNTED = "publish.counted";
    /** Create: an unnamed (or temporary) file exists, nothing else. */
    public static final String CREATE_FILE = "create.file";
    /** Create: the writer lock is taken. */
    public static final String CREATE_LOCKED = "create.locked";
    /** Create: space reserved (posix_fallocate) and the mode set. */
    public static final String CREATE_RESERVED = "create.reserved";
    /** Create: the header written and the format version published, the file still without its name. */
    public static final String CREATE_HEADER = "create.header";
    /** Create: the file has its region name. */
    public static final String CREATE_LINKED = "create.linked";
    /** Takeover of a dead writer's region: lock taken, the state word back to INITIALISING. */
    public static final String TAKEOVER_LOCKED = "takeover.locked";
    /** Takeover: the new writer line written (pid, epoch, LIVE). */
    public static final String TAKEOVER_WRITTEN = "takeover.written";

    /** Mailbox put, message k: the box moved to READY, the published count still k. */
    public static final String MAILBOX_PUT = "mailbox.put";
    /** Mailbox take: the consumer moved the box to READING (its pid recorded), its start time not stored yet. */
    public static final String MAILBOX_TAKEN = "mailbox.taken";
    /** Mailbox answer: the consumer handled the message and cleared its start time; the box still READING. */
    public static final String MAILBOX_ANSWERING = "mailbox.answering";
    /** Mailbox recovery: the recoverer saw READING|p with p dead and read the message index; nothing stored yet. */
    public static final String MAILBOX_RECOVERING = "mailbox.recovering";

    public static final List<String> PUBLISH_POINTS =
            List.of(PUBLISH_MARKED, PUBLISH_HALF, PUBLISH_WRITTEN, PUBLISH_COMPLETE, PUBLISH_COUNTED);
    public static final List<String> CREATE_POINTS =
            List.of(CREATE_FILE, CREATE_LOCKED, CREATE_RESERVED, CREATE_HEADER, CREATE_LINKED);
    public static final List<String> TAKEOVER_POINTS = List.of(TAKEOVER_LOCKED, TAKEOVER_WRITTEN);
    public static final List<String> MAILBOX_POINTS = List.of(MAILBOX_PUT, MAILBOX_TAKEN, MAILBOX_ANSWERING,
            MAILBOX_RECOVERING);

    private static final String POINT;
    private static final long AT;
    private static final AtomicLong HITS = new AtomicLong();
    private static final String STOP_POINT;
    private static final long STOP_AT;
    private static final AtomicLong STOP_HITS = new AtomicLong();
    /** True only in processes started with {@value #PROPERTY} or {@value #STOP_PROPERTY}. */
    public static final boolean ENABLED;

    static {
        String crash = System.getProperty(PROPERTY);
        String stop = System.getProperty(STOP_PROPERTY);
        POINT = point(PROPERTY, crash);
        AT = at(crash);
        STOP_POINT = point(STOP_PROPERTY, stop);
        STOP_AT = at(stop);
        ENABLED = POINT != null || STOP_POINT != null;
    }

    private static String point(String property, String spec) {
        if (spec == null || spec.isBlank()) {
            return null;
        }
        int at = spec.indexOf('@');
        String point = at < 0 ? spec : spec.substring(0, at);
        if (!PUBLISH_POINTS.contains(point) && !CREATE_POINTS.contains(point) && !TAKEOVER_POINTS.contains(point)
                && !MAILBOX_POINTS.contains(point)) {
            throw new IllegalArgumentException("-D" + property + "=" + spec + ": unknown crash point " + point
                    + "; points: " + PUBLISH_POINTS + " " + CREATE_POINTS + " " + TAKEOVER_POINTS + " "
                            + MAILBOX_POINTS);
        }
        return point;
    }

    private static long at(String spec) {
        if (spec == null || spec.isBlank()) {
            return 0;
        }
        int at = spec.indexOf('@');
        return at < 0 ? 1 : Long.parseLong(spec.substring(at + 1));
    }

    private CrashPoint() {}

    /**
     * Kills this process (SIGKILL) when {@code point} is the configured crash point and this is its Nth
     * hit; stops it (SIGSTOP, until SIGCONT) when it is the configured stop point and its Nth hit.
     */
    public static void reached(String point) {
        if (point.equals(POINT) && HITS.incrementAndGet() == AT) {
            System.out.flush();
            Posix.killSelf();
        }
        if (point.equals(STOP_POINT) && STOP_HITS.incrementAndGet() == STOP_AT) {
            System.out.flush();
            Posix.stopSelf();
        }
    }
}
