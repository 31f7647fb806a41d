package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.schema.layout.FieldLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads a mirrored counter stream (host B) as any local subscriber would, and checks it: every
 * sample whole (counter pattern with the source's index, carried in field {@code k}) and at that
 * same index in the mirror, in order, never twice; gaps are counted, not hidden, and the reader's
 * own lost count ({@link Subscriber#lostSamples()}) sees them too.
 */
final class CounterStream implements AutoCloseable {
    final Subscriber subscriber;
    private DynamicView view;
    private FieldLayout k;
    long first = -1;
    long last = -1;
    long read;
    long missing;
    /** The subscriber's lost count when the first sample came (indexes before it it could not read). */
    long lostBeforeFirst = -1;
    final List<String> gaps = new ArrayList<>();

    CounterStream(Path dir, String region) {
        RegionOptions options = ShmDirectory.options(dir);
        this.subscriber = Subscriber.open(region, "counter", options);
    }

    /** Reads until the sample with source index {@code target} arrived; fails after {@code timeoutMs}. */
    void readThrough(long target, long timeoutMs, Supplier<String> context) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (last < target) {
            assertThat(System.nanoTime() - deadline).as("sample " + target + " did not arrive in " + timeoutMs
                    + " ms (last " + last + ", read " + read + ", gaps " + gaps + ")\n" + context.get()).isNegative();
            next();
        }
    }

    /**
     * Reads every sample there is until none came for {@code quietMs} (for a stream whose last samples may be lost).
     */
    void drain(long quietMs) {
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < TimeUnit.MILLISECONDS.toNanos(quietMs)) {
            if (next()) {
                quietSince = System.nanoTime();
            }
        }
    }

    /** Waits up to 50 ms for the next sample and checks it; true when one came. */
    private boolean next() {
        if (subscriber.record() == null) {
            subscriber.state();
            sleep(20);
            return false;
        }
        if (view == null || view.record() != subscriber.record()) {
            view = new DynamicView(subscriber.record());
            k = view.field("k");
        }
        if (!subscriber.awaitNext(view, TimeUnit.MILLISECONDS.toNanos(50))) {
            return false;
        }
        long value = view.integer(k, 0);
        assertThat(CounterPattern.check(view, value)).as("sample %d is whole", value).isTrue();
        assertThat(view.sampleIndex()).as("the mirror's index of source sample %d", value).isEqualTo(value);
        assertThat(value).as("samples in order, never twice (after %d)", last).isGreaterThan(last);
        if (last >= 0 && value > last + 1) {
            missing += value - last - 1;
            gaps.add((last + 1) + ".." + (value - 1));
        }
        if (first < 0) {
            first = value;
            lostBeforeFirst = subscriber.lostSamples();
        }
        last = value;
        read++;
        return true;
    }

    /** Samples the subscriber counted lost since the first it read: the gaps, as the mirror's own readers see them. */
    long lostSinceFirst() {
        return subscriber.lostSamples() - lostBeforeFirst;
    }

    /** Waits until the mirror's writer state is {@code expected}. */
    void awaitState(WriterState expected, long timeoutMs, Supplier<String> context) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        WriterState now;
        while ((now = subscriber.state()) != expected) {
            assertThat(System.nanoTime() - deadline).as("mirror state " + now + ", expected " + expected + "\n"
                    + context.get()).isNegative();
            sleep(20);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        subscriber.close();
    }
}
