package io.shmtel.reliability;

import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.view.DynamicView;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A reader beside a writer being killed at random: a latest-value and a stream subscriber of the
 * same record, each snapshot checked for tearing ({@link TortureSample#check}), until {@code running} clears.
 */
final class TornReader implements Runnable {
    private final String name;
    private final RegionOptions options;
    private final AtomicBoolean running;
    private final AtomicLong reads;
    private final AtomicLong torn;

    TornReader(String name, RegionOptions options, AtomicBoolean running, AtomicLong reads, AtomicLong torn) {
        this.name = name;
        this.options = options;
        this.running = running;
        this.reads = reads;
        this.torn = torn;
    }

    @Override
    public void run() {
        try (Subscriber latest = Subscriber.open(name, TortureSample.RECORD, options);
                Subscriber stream = Subscriber.open(name, TortureSample.RECORD, options)) {
            DynamicView a = null;
            DynamicView b = null;
            while (running.get()) {
                if (latest.record() != null && a == null) {
                    a = new DynamicView(latest.record());
                }
                if (stream.record() != null && b == null) {
                    b = new DynamicView(stream.record());
                }
                boolean got = false;
                if (a != null && latest.latest(a)) {
                    got = true;
                    reads.incrementAndGet();
                    if (!TortureSample.check(a.buffer(), a.offset())) {
                        torn.incrementAndGet();
                    }
                } else if (a == null) {
                    latest.state();
                }
                if (b != null && stream.poll(b)) {
                    got = true;
                    reads.incrementAndGet();
                    if (!TortureSample.check(b.buffer(), b.offset())) {
                        torn.incrementAndGet();
                    }
                } else if (b == null) {
                    stream.state();
                }
                if (!got) {
                    LockSupport.parkNanos(50_000);
                    latest.state();
                    stream.state();
                }
            }
        }
    }
}
