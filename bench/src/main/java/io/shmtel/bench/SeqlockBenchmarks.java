package io.shmtel.bench;

import io.shmtel.bench.gen.bench.BenchSchema;
import io.shmtel.bench.gen.bench.Cmd1View;
import io.shmtel.bench.gen.bench.Cmd1Writer;
import io.shmtel.bench.gen.bench.Line1View;
import io.shmtel.bench.gen.bench.Line1Writer;
import io.shmtel.bench.gen.bench.Line4View;
import io.shmtel.bench.gen.bench.Line4Writer;
import io.shmtel.core.MailboxReceiver;
import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.OptimisticReader;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of each hot path, single-threaded, on a real region in /dev/shm: publish one sample of
 * a one-cache-line (64-byte slot) and a four-cache-line (256-byte slot) record, read the latest,
 * poll a stream with nothing new, read fields through the generated and the dynamic view, and one
 * whole mailbox handshake (offer, take, answer) with both ends in this thread.
 * Run with {@code -prof gc}: every benchmark must show 0 B/op (gc.alloc.rate.norm).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SeqlockBenchmarks {
    private Path dir;
    private Publisher publisher;
    private Line1Writer line1;
    private Line4Writer line4;
    private Subscriber latest1;
    private Subscriber latest4;
    private Subscriber stream1;
    private final Line1View view1 = new Line1View();
    private final Line4View view4 = new Line4View();
    private DynamicView dynamic1;
    private FieldLayout dynamicX;
    private long timestamp;
    private Cmd1Writer cmd1;
    private MailboxReceiver receiver;
    private final Cmd1View cmdView = new Cmd1View();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm")
                : Path.of(System.getProperty("java.io.tmpdir"));
        dir = Files.createTempDirectory(base, "shmtel-bench-");
        RegionOptions options = RegionOptions.defaults().withDirectory(dir);
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(BenchSchema.CANONICAL_JSON, "bench"));
        publisher = Publisher.create("bench", layout, options);
        line1 = new Line1Writer(publisher.sink("line1"));
        line4 = new Line4Writer(publisher.sink("line4"));
        for (int i = 0; i < 16; i++) {
            line1.x(0, i).commit(i);
            line4.x(0, i).commit(i);
        }
        latest1 = Subscriber.open("bench", "line1", layout, options);
        latest4 = Subscriber.open("bench", "line4", layout, options);
        stream1 = Subscriber.open("bench", "line1", layout, options);
        stream1.seekToNewest();
        latest1.latest(view1);
        latest4.latest(view4);
        dynamic1 = new DynamicView(layout.record("line1").orElseThrow());
        dynamicX = dynamic1.field("x");
        latest1.latest(dynamic1);
        cmd1 = new Cmd1Writer(publisher.mailbox("cmd1"));
        receiver = MailboxReceiver.open("bench", "cmd1", layout, options);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        latest1.close();
        latest4.close();
        stream1.close();
        receiver.close();
        publisher.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Set one field and publish a 64-byte-slot sample (seqlock: busy mark, copy 48 bytes, complete, published). */
    @Benchmark
    public long publish64() {
        return line1.x(0, timestamp).commit(++timestamp);
    }

    /** The same for a 256-byte slot (240 bytes of payload). */
    @Benchmark
    public long publish256() {
        return line4.x(0, timestamp).commit(++timestamp);
    }

    /** Validated copy of the newest 64-byte slot into the subscriber's snapshot, view wrapped. */
    @Benchmark
    public boolean readLatest64() {
        return latest1.latest(view1);
    }

    @Benchmark
    public boolean readLatest256() {
        return latest4.latest(view4);
    }

    /** A stream poll that finds nothing new: one acquire load of the slot's seq. */
    @Benchmark
    public boolean streamPollNothingNew() {
        return stream1.poll(view1);
    }

    /**
     * One mailbox handshake, both ends in this thread: offer a 48-byte message (collecting the
     * previous answer first), take it into the view (CAS READY to READING, copy), answer it done
     * (CAS to EMPTY): three compare-and-sets and two copies; nobody sleeps, so nothing is woken.
     */
    @Benchmark
    public boolean mailboxHandshake() {
        if (!cmd1.x(0, timestamp).offer()) {
            throw new IllegalStateException("the mailbox is still full: the last message was not answered");
        }
        boolean taken = receiver.poll(cmdView);
        receiver.done();
        timestamp++;
        return taken;
    }

    /** Sum the six f64 fields through the generated view (over the snapshot). */
    @Benchmark
    public double typedViewAccess() {
        double sum = 0;
        for (int i = 0; i < Line1View.X_COUNT; i++) {
            sum += view1.x(i);
        }
        return sum;
    }

    /** The same through the dynamic view, by field layout. */
    @Benchmark
    public double dynamicViewAccess() {
        double sum = 0;
        for (int i = 0; i < 6; i++) {
            sum += dynamic1.number(dynamicX, i);
        }
        return sum;
    }

    /** The reader of {@link #readLatestOptimistic64}: copies one field out of the live slot; allocated once. */
    static final class FirstX implements OptimisticReader<Line1View> {
        double x;

        @Override
        public void read(Line1View view) {
            x = view.x(0);
        }
    }

    private final FirstX firstX = new FirstX();
    private final Line1View liveView1 = new Line1View();

    /**
     * Zero-copy read of the newest 64-byte-slot sample: the seq checks of {@link #readLatest64} around one field
     * read in place instead of the copy of the slot (and that field handed out, which readLatest64 does not).
     */
    @Benchmark
    public double readLatestOptimistic64() {
        return latest1.latestOptimistic(liveView1, firstX) ? firstX.x : -1;
    }

    /**
     * publish64 written in place (zero-copy claim): claim the slot (busy mark), set all six f64 fields
     * straight into it (a claim must set every field), complete and count it. No 48-byte copy.
     */
    @Benchmark
    public long publishClaim64() {
        Line1Writer w = line1.claim();
        double v = timestamp;
        for (int i = 0; i < Line1View.X_COUNT; i++) {
            w.x(i, v);
        }
        return w.commit(++timestamp);
    }

    /** publish64 with all six fields set, as a claim must: the staged path to set beside publishClaim64. */
    @Benchmark
    public long publishAllFields64() {
        double v = timestamp;
        for (int i = 0; i < Line1View.X_COUNT; i++) {
            line1.x(i, v);
        }
        return line1.commit(++timestamp);
    }

    /**
     * A latest-value reader of its own (a region of its own, so nothing here depends on the order of JMH's
     * setups) that has read the newest sample: {@link #latestPollNothingNew} polls it with nothing newer.
     */
    @State(Scope.Thread)
    public static class LatestWatch {
        private Path dir;
        private Publisher publisher;
        private Subscriber subscriber;
        private final Line1View view = new Line1View();

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory(Path.of(tempBase()), "shmtel-bench-");
            RegionOptions options = RegionOptions.defaults().withDirectory(dir);
            Layout layout = LayoutCompiler.compile(SchemaParser.parse(BenchSchema.CANONICAL_JSON, "bench"));
            publisher = Publisher.create("watch", layout, options);
            Line1Writer writer = new Line1Writer(publisher.sink("line1"));
            for (int i = 0; i < 16; i++) {
                writer.x(0, i).commit(i);
            }
            subscriber = Subscriber.open("watch", "line1", layout, options);
            if (!subscriber.pollLatest(view) || subscriber.pollLatest(view)) {
                throw new IllegalStateException("the watch subscriber should have read sample 15 and nothing newer");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            subscriber.close();
            publisher.close();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }

        private static String tempBase() {
            return Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : System.getProperty("java.io.tmpdir");
        }
    }

    /**
     * The latest-value waiter's step with nothing newer: {@code Subscriber.pollLatest} loads the seq word of the
     * slot the next sample takes (not {@code published}) and finds an older sample there.
     */
    @Benchmark
    public boolean latestPollNothingNew(LatestWatch watch) {
        return watch.subscriber.pollLatest(watch.view);
    }

    /**
     * The copying twin of {@link #readLatestOptimistic64}: {@link #readLatest64} and then the same one field read
     * from the snapshot and handed out, so that the two latest reads compare like for like.
     */
    @Benchmark
    public double readLatestField64() {
        return latest1.latest(view1) ? view1.x(0) : -1;
    }
}
