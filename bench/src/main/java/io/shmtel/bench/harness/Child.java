package io.shmtel.bench.harness;

import io.shmtel.bench.gen.bench.BenchSchema;
import io.shmtel.bench.gen.bench.Cmd1View;
import io.shmtel.bench.gen.bench.Cmd1Writer;
import io.shmtel.bench.gen.bench.Deep1View;
import io.shmtel.bench.gen.bench.Deep1Writer;
import io.shmtel.bench.gen.bench.Line1View;
import io.shmtel.bench.gen.bench.Line1Writer;
import io.shmtel.core.MailboxReceiver;
import io.shmtel.core.MailboxSender;
import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.idle.IdleStrategies;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * One side of one harness scenario, run in its own JVM by {@link Harness}. Talks to the harness by
 * lines: it prints {@code READY} once set up, waits for {@code GO} on stdin where the run must start
 * in step with other processes, prints {@code METRIC name value} and {@code HIST name base64} lines
 * with what it measured, and {@code DONE} last. Every latency is in nanoseconds.
 *
 * <p>Modes (arguments after the mode and the working directory):
 * <pre>
 *   oneway-pub   GAP_MIN_NS GAP_MAX_NS WARMUP COUNT   publish x[0]=i on region "oneway", gap between samples
 *   oneway-sub   IDLE [stream|latest]                 await each sample (or the newest); latency = now - slot timestamp
 *   ping         WARMUP COUNT                         shmtel round trip over regions "ping" and "pong"
 *   pong                                              echoes "ping" samples into "pong"
 *   mb-send      IDLE WARMUP COUNT GAP_NS             put messages into mailbox "mailbox"/cmd1, await each answer
 *   mb-recv      IDLE                                 take and answer (done) every message
 *   uds-server / uds-client WARMUP COUNT              8-byte ping-pong over a Unix-domain socket
 *   naive-pub    GAP_MIN_NS GAP_MAX_NS WARMUP COUNT   flag + timestamp in a mapped file
 *   naive-sub    SLEEP_MS                             the tutorials' loop: check the flag, sleep, repeat
 *   tput-pub     SECONDS RATE WARMUP_SECONDS          publish into "tput"/deep1 at RATE samples/s (0: as fast as it can)
 *   tput-sub                                          stream-poll every sample of "tput"/deep1
 *   idle-sub     SECONDS                              default backoff on a silent record; CPU time used
 * </pre>
 * The Aeron modes are in {@link AeronChild}, which alone runs with the JVM flags Aeron needs.
 */
public final class Child {
    /** x[1] of a sample to measure (x[1] = 0: warm-up); x[0] < 0 ends a run. */
    static final double MEASURED = 1;
    static final int MAX_WAIT_SECONDS = 60;

    private Child() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        RegionOptions options = RegionOptions.defaults().withDirectory(dir);
        switch (mode) {
            case "oneway-pub" -> onewayPublisher(options, Long.parseLong(args[2]), Long.parseLong(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]), args.length > 6 ? Long.parseLong(args[6]) : -1);
            case "oneway-sub" -> onewaySubscriber(options, args[2], args.length > 3 ? args[3] : "stream");
            case "ping" -> ping(options, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "pong" -> pong(options);
            case "mb-send" -> mailboxSender(options, args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Long.parseLong(args[5]));
            case "mb-recv" -> mailboxReceiver(options, args[2]);
            case "uds-server" -> udsServer(dir);
            case "uds-client" -> udsClient(dir, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "naive-pub" -> naivePublisher(dir, Long.parseLong(args[2]), Long.parseLong(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "naive-sub" -> naiveSubscriber(dir, Long.parseLong(args[2]));
            case "tput-pub" -> throughputPublisher(options, Double.parseDouble(args[2]), Double.parseDouble(args[3]),
                    Double.parseDouble(args[4]));
            case "tput-sub" -> throughputSubscriber(options);
            case "idle-sub" -> idleSubscriber(options, Double.parseDouble(args[2]),
                    args.length > 3 ? args[3] : IdleStrategies.BACKOFF);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
        System.out.println("DONE");
        System.out.flush();
    }

    static Layout layout() {
        return LayoutCompiler.compile(SchemaParser.parse(BenchSchema.CANONICAL_JSON, "bench"));
    }

    static Histogram histogram() {
        return new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    }

    static void ready() {
        System.out.println("READY");
        System.out.flush();
    }

    /** Blocks until the harness sends GO (or closes stdin, which ends the run). */
    static void awaitGo() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("GO")) {
                return;
            }
        }
        throw new IllegalStateException("the harness closed stdin before GO");
    }

    static void metric(String name, double value) {
        System.out.println("METRIC " + name + " " + value);
    }

    static void report(String name, Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        System.out.println("HIST " + name + " " + Base64.getEncoder().encodeToString(bytes));
        System.out.flush();
    }

    /** Waits until {@code gapNs} after {@code startNs}: spinning for gaps under 50 us, parking otherwise. */
    static void pace(long startNs, long gapNs) {
        long until = startNs + gapNs;
        if (gapNs >= 50_000) {
            long left;
            while ((left = until - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
        } else {
            while (System.nanoTime() - until < 0) {
                Thread.onSpinWait();
            }
        }
    }

    static long gap(SplittableRandom random, long minNs, long maxNs) {
        return minNs == maxNs ? minNs : random.nextLong(minNs, maxNs + 1);
    }

    // ---- shmtel one-way (and fan-out) ----

    /** Warm-up samples are paced at {@code warmupGapNs} when it is positive (a quicker warm-up of long-gap runs). */
    static void onewayPublisher(RegionOptions options, long gapMinNs, long gapMaxNs, int warmup, int count,
            long warmupGapNs) throws IOException {
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
            subscriber.idleStrategy(IdleStrategies.byName(idle));
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
            subscriber.idleStrategy(IdleStrategies.byName(IdleStrategies.BUSY_SPIN));
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
            subscriber.idleStrategy(IdleStrategies.byName(IdleStrategies.BUSY_SPIN));
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
    static void mailboxSender(RegionOptions options, String idle, int warmup, int count, long gapNs) throws IOException {
        try (Publisher publisher = Publisher.create("mailbox", layout(), options)) {
            MailboxSender sender = publisher.mailbox("cmd1").idleStrategy(IdleStrategies.byName(idle));
            Cmd1Writer writer = new Cmd1Writer(sender);
            Duration timeout = Duration.ofSeconds(MAX_WAIT_SECONDS);
            ready();
            awaitGo();
            Histogram halfRoundTrip = histogram();
            for (int i = 0; i <= warmup + count; i++) {
                long t0 = System.nanoTime();
                writer.x(0, i < warmup + count ? i : -1);
                if (!writer.put(timeout) || !sender.awaitAnswer(timeout.toNanos())) {
                    throw new IllegalStateException("message " + i + " not taken and answered in " + MAX_WAIT_SECONDS + " s");
                }
                long t1 = System.nanoTime();
                if (sender.lastAnswerCode() != MailboxSender.DONE || sender.lastAnsweredMessage() != sender.sent() - 1) {
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
            receiver.idleStrategy(IdleStrategies.byName(idle));
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

    // ---- Unix-domain socket ping-pong: what a user would pick instead ----

    static Path socketPath(Path dir) {
        return dir.resolve("uds.sock");
    }

    static void udsServer(Path dir) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socketPath(dir)));
            ready();
            try (SocketChannel channel = server.accept()) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
                while (true) {
                    buffer.clear();
                    while (buffer.hasRemaining()) {
                        if (channel.read(buffer) < 0) {
                            return;
                        }
                    }
                    buffer.flip();
                    long x = buffer.getLong(0);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    if (x < 0) {
                        return;
                    }
                }
            }
        }
    }

    static void udsClient(Path dir, int warmup, int count) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socketPath(dir)))) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            ready();
            awaitGo();
            Histogram halfRoundTrip = histogram();
            for (int i = 0; i <= warmup + count; i++) {
                long value = i == warmup + count ? -1 : i;
                long t0 = System.nanoTime();
                buffer.clear();
                buffer.putLong(0, value);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                buffer.clear();
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer) < 0) {
                        throw new IOException("the server closed the socket");
                    }
                }
                long t1 = System.nanoTime();
                if (buffer.getLong(0) != value) {
                    throw new IllegalStateException("echo " + buffer.getLong(0) + " for " + value);
                }
                if (i >= warmup && value >= 0) {
                    halfRoundTrip.recordValue((t1 - t0) / 2);
                }
            }
            report("latency", halfRoundTrip);
        }
    }

    // ---- the shared-memory tutorials' flag + sleep loop ----

    static final int NAIVE_FLAG = 0;
    static final int NAIVE_TIMESTAMP = 8;
    static final int NAIVE_VALUE = 16;

    static MappedByteBuffer naiveMapping(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir.resolve("naive.flag"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, 64);
            buffer.order(ByteOrder.nativeOrder());
            return buffer;
        }
    }

    static void naivePublisher(Path dir, long gapMinNs, long gapMaxNs, int warmup, int count) throws IOException {
        MappedByteBuffer flag = naiveMapping(dir);
        ready();
        awaitGo();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i <= warmup + count; i++) {
            while (flag.getLong(NAIVE_FLAG) != 0) {
                LockSupport.parkNanos(100_000);
            }
            flag.putLong(NAIVE_VALUE, i == warmup + count ? -1 : i >= warmup ? 1 : 0);
            long t0 = System.nanoTime();
            flag.putLong(NAIVE_TIMESTAMP, t0);
            flag.putLong(NAIVE_FLAG, 1);
            pace(t0, gap(random, gapMinNs, gapMaxNs));
        }
    }

    static void naiveSubscriber(Path dir, long sleepMs) throws IOException, InterruptedException {
        MappedByteBuffer flag = naiveMapping(dir);
        ready();
        Histogram latency = histogram();
        while (true) {
            while (flag.getLong(NAIVE_FLAG) != 1) {
                Thread.sleep(sleepMs);
            }
            long now = System.nanoTime();
            long value = flag.getLong(NAIVE_VALUE);
            if (value > 0) {
                latency.recordValue(Math.max(0, now - flag.getLong(NAIVE_TIMESTAMP)));
            }
            flag.putLong(NAIVE_FLAG, 0);
            if (value < 0) {
                break;
            }
        }
        report("latency", latency);
    }

    // ---- stream throughput ----

    static void throughputPublisher(RegionOptions options, double seconds, double rate, double warmupSeconds)
            throws IOException {
        try (Publisher publisher = Publisher.create("tput", layout(), options)) {
            Deep1Writer writer = new Deep1Writer(publisher.sink("deep1"));
            ready();
            awaitGo();
            long start = System.nanoTime();
            long measureFrom = start + (long) (warmupSeconds * 1e9);
            long deadline = measureFrom + (long) (seconds * 1e9);
            double periodNs = rate > 0 ? 1e9 / rate : 0;
            long published = 0;
            long measuredFromIndex = -1;
            long scheduleStart = start;
            long scheduleBase = 0;
            double flag = 0;
            long now;
            do {
                now = System.nanoTime();
                if (measuredFromIndex < 0 && now - measureFrom >= 0) {
                    // The measured window gets its own schedule: no catching up on the warm-up's debt.
                    measuredFromIndex = published;
                    measureFrom = now;
                    scheduleStart = now;
                    scheduleBase = published;
                    flag = MEASURED;
                }
                // Paced: sample i is due at i * period into the schedule; a late publisher catches up
                // in batches of at most 64 between clock reads. Unpaced: batches of 1024.
                long due = rate > 0
                        ? Math.min(published + 64, scheduleBase + (long) ((now - scheduleStart) / periodNs) + 1)
                        : published + 1024;
                while (published < due) {
                    writer.x(0, published++).x(1, flag).commit(now);
                }
            } while (now - deadline < 0);
            writer.x(0, -1).commit();
            metric("published", published);
            metric("measured-published", published - measuredFromIndex);
            metric("seconds", (now - measureFrom) / 1e9);
        }
    }

    static void throughputSubscriber(RegionOptions options) {
        Deep1View view = new Deep1View();
        try (Subscriber subscriber = Subscriber.open("tput", "deep1", options)) {
            if (subscriber.region() == null) {
                throw new IllegalStateException("region tput is not there: start the publisher first");
            }
            subscriber.idleStrategy(IdleStrategies.byName(IdleStrategies.BUSY_SPIN));
            subscriber.seekToNewest();
            ready();
            long received = 0;
            long measured = 0;
            long outOfOrder = 0;
            double last = -1;
            while (true) {
                if (!subscriber.awaitNext(view, TimeUnit.SECONDS.toNanos(MAX_WAIT_SECONDS))) {
                    throw new IllegalStateException("no sample for " + MAX_WAIT_SECONDS + " s");
                }
                double x = view.x(0);
                if (x < 0) {
                    break;
                }
                if (x <= last) {
                    outOfOrder++;
                }
                last = x;
                received++;
                if (view.x(1) == MEASURED) {
                    measured++;
                }
            }
            metric("received", received);
            metric("measured-received", measured);
            metric("lost", subscriber.lostSamples());
            metric("out-of-order", outOfOrder);
        }
    }

    // ---- idle cost of the default backoff ----

    static void idleSubscriber(RegionOptions options, double seconds, String idle) {
        Line1View view = new Line1View();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Subscriber subscriber = Subscriber.open("silent", "line1", options)) {
            subscriber.idleStrategy(IdleStrategies.byName(idle));
            if (subscriber.region() == null) {
                throw new IllegalStateException("region silent is not there");
            }
            subscriber.seekToNewest();
            // Settle: let start-up work (JIT, class loading) finish before measuring.
            subscriber.awaitNext(view, TimeUnit.MILLISECONDS.toNanos(500));
            ready();
            long wall0 = System.nanoTime();
            long thread0 = threads.getCurrentThreadCpuTime();
            long process0 = os.getProcessCpuTime();
            boolean got = subscriber.awaitNext(view, (long) (seconds * 1e9));
            long wall = System.nanoTime() - wall0;
            long thread = threads.getCurrentThreadCpuTime() - thread0;
            long process = os.getProcessCpuTime() - process0;
            if (got) {
                throw new IllegalStateException("the silent record got a sample");
            }
            metric("wall-ns", wall);
            metric("thread-cpu-ns", thread);
            metric("process-cpu-ns", process);
        }
    }
}
