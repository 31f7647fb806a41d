package io.shmtel.core;

import io.shmtel.core.nativeio.Futex;
import io.shmtel.core.region.Region;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.schema.layout.RecordBlockDescriptor;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * What a {@link WaitSet} sleeps on for a {@link Subscriber}: the low half of its record's
 * {@code published} count, in a writable mapping of the attached region (mapped on the first sleep,
 * again after each attach), or nothing when this subscriber cannot sleep on the record (then it is
 * polled, and the reason is said once in the log). The mailbox ends have {@link MailboxWaitTarget}.
 */
final class SubscriberWaitTarget implements WaitTarget {
    private static final long NANOS_PER_MICRO = 1000;

    private final SubscriberAttachment subscriber;
    private ByteBuffer sleeperBuffer;
    private long sleeperWordAddress;
    private boolean warnedNoSleep;

    SubscriberWaitTarget(SubscriberAttachment subscriber) {
        this.subscriber = subscriber;
    }

    /** A region was attached or dropped: the mapping is made again at the next sleep. */
    void reset() {
        sleeperBuffer = null;
        sleeperWordAddress = 0;
    }

    /**
     * The writable mapping a {@link WaitSet} registers this subscriber's sleeps in; null when it
     * cannot sleep on this record (no region yet, closed, a format 1.0 region, no write access: said
     * once in the log).
     */
    @Override
    public ByteBuffer sleeperBuffer() {
        Region region = subscriber.region;
        if (subscriber.reader == null || region.isTruncated()) {
            return null;
        }
        if (sleeperBuffer == null) {
            if (region.formatMinor() < RecordBlockDescriptor.WAKE_MINOR_VERSION) {
                warnNoSleep("region \"" + subscriber.regionName + "\" has format 1." + region.formatMinor()
                        + ", whose writers do not wake sleeping readers: polling it every "
                        + WaitSet.POLL_FALLBACK_NS / NANOS_PER_MICRO + " us instead (upgrade its writer)");
                return null;
            }
            ByteBuffer b = region.sleeperBuffer();
            if (b == null) {
                warnNoSleep(region.sleeperRefusal());
                return null;
            }
            sleeperWordAddress = Futex.address(b) + subscriber.geometry().publishedOffset();
            sleeperBuffer = b;
        }
        return sleeperBuffer;
    }

    @Override
    public RingGeometry geometry() {
        return subscriber.geometry();
    }

    @Override
    public int wordOffset() {
        return subscriber.geometry().publishedOffset();
    }

    /** Native address of the futex word (the low half of {@code published}) in {@link #sleeperBuffer()}. */
    @Override
    public long sleeperWordAddress() {
        return sleeperWordAddress;
    }

    @Override
    public long seenWord() {
        return subscriber.seenPublished();
    }

    private void warnNoSleep(String why) {
        if (!warnedNoSleep) {
            warnedNoSleep = true;
            System.getLogger("io.shmtel.subscriber").log(Level.WARNING, why);
        }
    }
}
