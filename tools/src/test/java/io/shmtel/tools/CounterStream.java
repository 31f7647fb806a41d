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
 * sample whole (counter pattern with the source's index, carried in field {@code k}), in order,
 * never twice; gaps are counted, not hidden.
 */
final class CounterStream implements AutoCloseable {
    final Subscriber subscriber;
    private DynamicView view;
    private FieldLayout k;
    long first = -1;
    long last = -1;
    long read;
    long missing;
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
        assertThat(value).as("samples in order, never twice (after %d)", last).isGreaterThan(last);
        if (last >= 0 && value > last + 1) {
            missing += value - last - 1;
            gaps.add((last + 1) + ".." + (value - 1));
        }
        if (first < 0) {
            first = value;
        }
        last = value;
        read++;
        return true;
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
