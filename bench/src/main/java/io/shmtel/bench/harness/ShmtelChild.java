package io.shmtel.bench.harness;

import static io.shmtel.bench.harness.Child.MAX_WAIT_SECONDS;
import static io.shmtel.bench.harness.Child.MEASURED;
import static io.shmtel.bench.harness.Child.awaitGo;
import static io.shmtel.bench.harness.Child.gap;
import static io.shmtel.bench.harness.Child.histogram;
import static io.shmtel.bench.harness.Child.layout;
import static io.shmtel.bench.harness.Child.metric;
import static io.shmtel.bench.harness.Child.pace;
import static io.shmtel.bench.harness.Child.ready;
import static io.shmtel.bench.harness.Child.report;

import io.shmtel.bench.gen.bench.Cmd1View;
import io.shmtel.bench.gen.bench.Cmd1Writer;
import io.shmtel.bench.gen.bench.Line1View;
import io.shmtel.bench.gen.bench.Line1Writer;
import io.shmtel.core.MailboxReceiver;
import io.shmtel.core.MailboxSender;
import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.schema.layout.Layout;
import java.io.IOException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The shmtel sides of the latency scenarios, run by {@link Child}: one-way publisher and
 * subscriber (also the fan-out and bridge runs), the ping-pong over two regions, and the mailbox
 * handshake.
 */
final class ShmtelChild {
    private ShmtelChild() {}

    // ---- shmtel one-way (and fan-out) ----

    /**
     * Warm-up samples are paced at {@code warmupGapNs} when it is positive (a quicker warm-up of long-gap runs);
     * with {@code linger} the publisher reports, then keeps its region open without publishing until the harness
     * says STOP (a silent record with a live writer: the bridge's idle period).
     */
    static void onewayPublisher(RegionOptions options, long gapMinNs, long gapMaxNs, int warmup, int count,
            long warmupGapNs, boolean linger) throws IOException {
        try (Publisher publisher = Publisher.create("oneway", layout(), options)) {
            Line1Writer writer = new Line1Writer(publisher.sink("line1"));
            ready();
            awaitGo();
            Histogram cost = histogram();
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < warmup + count; i++) {
                writer.x(0, i).x(1, i >= warmup ? MEASURED : 0);
                long t0 = System.nanoTime();
                writer.commit(t0);
                long t1 = System.nanoTime();
                if (i >= warmup) {
                    cost.recordValue(t1 - t0);
                }
                pace(t0, i < warmup && warmupGapNs > 0 ? warmupGapNs : gap(random, gapMinNs, gapMaxNs));
            }
            writer.x(0, -1).commit();
            report("publish-cost", cost);
            if (linger) {
                Child.awaitLine(Child.STOP);
            }
        }
    }

    static void onewaySubscriber(RegionOptions options, String idle, String read) {
        boolean stream = switch (read) {
            case "stream" -> true;
            case "latest" -> false;
            default -> throw new IllegalArgumentException("read must be stream or latest, not " + read);
        };
        Line1View view = new Line1View();
        try (Subscriber subscriber = Subscriber.open("oneway", "line1", options)) {
            subscriber.idleStrategy(BenchIdle.create(idle));
            if (subscriber.region() == null) {
                throw new IllegalStateException("region oneway is not there: start the publisher first");
            }
            subscriber.seekToNewest();
            ready();
            Histogram latency = histogram();
            long received = 0;
            while (true) {
                long timeout = TimeUnit.SECONDS.toNanos(MAX_WAIT_SECONDS);
                if (!(stream ? subscriber.awaitNext(view, timeout) : subscriber.awaitLatest(view, timeout))) {
                    throw new IllegalStateException("no sample for " + MAX_WAIT_SECONDS + " s");
                }
                long now = System.nanoTime();
                if (view.x(0) < 0) {
                    break;
                }
                received++;
                if (view.x(1) == MEASURED) {
                    latency.recordValue(Math.max(0, now - view.timestampNs()));
                }
            }
            metric("received", received);
            metric("lost", subscriber.lostSamples());
            report("latency", latency);
        }
    }

    // ---- shmtel round trip ----

    static void ping(RegionOptions options, int warmup, int count) throws IOException {
        Layout layout = layout();
        try (Publisher publisher = Publisher.create("ping", layout, options);
                Subscriber subscriber = Subscriber.open("pong", "line1", layout, options)) {
            subscriber.idleStrategy(BenchIdle.create(BenchIdle.BUSY_SPIN));
            Line1Writer writer = new Line1Writer(publisher.sink("line1"));
            Line1View view = new Line1View();
            ready();
            awaitGo();
            subscriber.seekToNewest();
            Histogram halfRoundTrip = histogram();
            for (int i = 0; i < warmup + count; i++) {
                long t0 = System.nanoTime();
                writer.x(0, i).commit(t0);
                do {
                    if (!subscriber.awaitNext(view, TimeUnit.SECONDS.toNanos(MAX_WAIT_SECONDS))) {
                        throw new IllegalStateException("no answer to ping " + i);
                    }
                } while (view.x(0) != i);
                long t1 = System.nanoTime();
                if (i >= warmup) {
                    halfRoundTrip.recordValue((t1 - t0) / 2);
                }
            }
            writer.x(0, -1).commit();
            report("latency", halfRoundTrip);
        }
    }

    static void pong(RegionOptions options) {
        Layout layout = layout();
        try (Publisher publisher = Publisher.create("pong", layout, options);
                Subscriber subscriber = Subscriber.open("ping", "line1", layout, options)) {
            subscriber.idleStrategy(BenchIdle.create(BenchIdle.BUSY_SPIN));
            Line1Writer writer = new Line1Writer(publisher.sink("line1"));
            Line1View view = new Line1View();
            ready();
            while (true) {
                if (!subscriber.awaitNext(view, TimeUnit.SECONDS.toNanos(MAX_WAIT_SECONDS))) {
                    throw new IllegalStateException("no ping for " + MAX_WAIT_SECONDS + " s");
                }
                double x = view.x(0);
                if (x < 0) {
                    return;
                }
                writer.x(0, x).commit();
            }
        }
    }

    // ---- shmtel mailbox handshake ----

    /**
     * Sends messages to mailbox "mailbox"/cmd1 one at a time, {@code gapNs} apart (0: back to back),
     * and waits for each answer; latency = half of put-to-answer-seen, as the other round-trip rows.
     */
    static void mailboxSender(RegionOptions options, String idle, int warmup, int count, long gapNs)
            throws IOException {
        try (Publisher publisher = Publisher.create("mailbox", layout(), options)) {
            MailboxSender sender = publisher.mailbox("cmd1").idleStrategy(BenchIdle.create(idle));
            Cmd1Writer writer = new Cmd1Writer(sender);
            Duration timeout = Duration.ofSeconds(MAX_WAIT_SECONDS);
            ready();
            awaitGo();
            Histogram halfRoundTrip = histogram();
            for (int i = 0; i <= warmup + count; i++) {
                long t0 = System.nanoTime();
                writer.x(0, i < warmup + count ? i : -1);
                if (!writer.put(timeout) || !sender.awaitAnswer(timeout.toNanos())) {
                    throw new IllegalStateException("message " + i + " not taken and answered in " + MAX_WAIT_SECONDS
                            + " s");
                }
                long t1 = System.nanoTime();
                if (sender.lastAnswerCode() != MailboxSender.DONE
                        || sender.lastAnsweredMessage() != sender.sent() - 1) {
                    throw new IllegalStateException("message " + i + " answered " + sender.lastAnswerCode());
                }
                if (i >= warmup && i < warmup + count) {
                    halfRoundTrip.recordValue((t1 - t0) / 2);
                }
                if (gapNs > 0) {
                    pace(t1, gapNs);
                }
            }
            report("latency", halfRoundTrip);
        }
    }

    /** Takes and answers (done) every message of mailbox "mailbox"/cmd1 until x[0] &lt; 0. */
    static void mailboxReceiver(RegionOptions options, String idle) {
        Cmd1View view = new Cmd1View();
        try (MailboxReceiver receiver = MailboxReceiver.open("mailbox", "cmd1", layout(), options)) {
            receiver.idleStrategy(BenchIdle.create(idle));
            ready();
            long expected = 0;
            while (true) {
                if (!receiver.take(view, TimeUnit.SECONDS.toNanos(MAX_WAIT_SECONDS))) {
                    throw new IllegalStateException("no message for " + MAX_WAIT_SECONDS + " s");
                }
                double x = view.x(0);
                receiver.done();
                if (x < 0) {
                    metric("taken", expected);
                    return;
                }
                if (x != expected++) {
                    throw new IllegalStateException("message " + x + " arrived, expected " + (expected - 1));
                }
            }
        }
    }
}
