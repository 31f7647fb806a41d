package io.shmtel.foxglove;

import io.shmtel.core.Publisher;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicWriter;
import java.util.concurrent.locks.LockSupport;

/** Publishes the counter pattern into one record at a fixed rate on its own thread, until closed. */
final class CounterFeed implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;
    private volatile long published;

    CounterFeed(Publisher publisher, String record, double rateHz) {
        thread = new Thread(() -> {
            RingWriter sink = publisher.sink(record);
            DynamicWriter w = new DynamicWriter(sink, publisher.layout().record(record).orElseThrow());
            long periodNs = (long) (1e9 / rateHz);
            long start = System.nanoTime();
            for (long k = 0; !stop; k++) {
                long due = start + k * periodNs;
                for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(Math.min(wait, 200_000));
                }
                CounterPattern.fill(w, sink.nextSampleIndex());
                w.commit();
                published = k + 1;
            }
        }, "counter-feed-" + record);
        thread.setDaemon(true);
        thread.start();
    }

    long published() {
        return published;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(5_000);
    }
}
