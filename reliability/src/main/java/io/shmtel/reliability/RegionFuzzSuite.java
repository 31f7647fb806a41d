package io.shmtel.reliability;

import static io.shmtel.schema.layout.RegionHeaderDescriptor.*;

import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.CorruptRegionException;
import io.shmtel.core.region.IncompatibleLayoutException;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionNotReadyException;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.DynamicView;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hostile regions: copies of a valid region with corrupted header fields, record table, lengths,
 * embedded schema, ring words or file length (random and targeted, seeded), opened and read by
 * subscribers; and a live region corrupted under readers that keep reading. Only the documented
 * errors may come out (CorruptRegionException, IncompatibleLayoutException, RegionNotReadyException):
 * never another exception, a hang (5 s per case) or a JVM crash.
 */
public final class RegionFuzzSuite {
    static final int[] HEADER_INTS = {VERSION_OFFSET, HEADER_LENGTH_OFFSET, RECORD_COUNT_OFFSET,
            RECORD_TABLE_OFFSET_OFFSET,
            SCHEMA_TEXT_OFFSET_OFFSET, SCHEMA_TEXT_LENGTH_OFFSET, SCHEMA_VERSION_OFFSET, WRITER_PID_OFFSET,
                    STATE_OFFSET,
            RECORD_TABLE_OFFSET + RECORD_ENTRY_SLOT_LENGTH_OFFSET, RECORD_TABLE_OFFSET + RECORD_ENTRY_DEPTH_OFFSET,
            RECORD_TABLE_OFFSET + RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET,
                    RECORD_TABLE_OFFSET + RECORD_ENTRY_FIELD_COUNT_OFFSET};
    static final int[] HEADER_LONGS = {MAGIC_OFFSET, REGION_LENGTH_OFFSET, FINGERPRINT_OFFSET, WRITER_EPOCH_OFFSET,
            HEARTBEAT_PERIOD_OFFSET, HEARTBEAT_OFFSET, WRITER_START_TIME_OFFSET,
            RECORD_TABLE_OFFSET + RECORD_ENTRY_BLOCK_OFFSET_OFFSET,
                    RECORD_TABLE_OFFSET + RECORD_ENTRY_BLOCK_LENGTH_OFFSET,
            RECORD_TABLE_OFFSET + RECORD_ENTRY_FINGERPRINT_OFFSET};
    static final long[] INTERESTING = {0, 1, -1, 2, 63, 64, 4095, 4096, 4097, 8192, Integer.MAX_VALUE,
            Integer.MIN_VALUE,
            0xFFFF_FFFFL, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 32, 1L << 40};

    private final SuiteResult result = new SuiteResult("fuzz-region");
    private final Path dir;
    private final RegionOptions options;
    private final Map<String, Integer> outcomes = new TreeMap<>();

    private RegionFuzzSuite(Path dir) {
        this.dir = dir;
        this.options = Worker.options(dir).withInitTimeout(Duration.ZERO).withAnyOwner(true);
    }

    public static SuiteResult run(Path dir, int iterations, long seed, long liveMillis) throws Exception {
        RegionFuzzSuite suite = new RegionFuzzSuite(dir);
        suite.result.figure("seed %d", seed);
        byte[] pristine = suite.pristine();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            long start = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                long caseSeed = seed * 1_000_003L + i;
                if (!suite.fuzzCase(executor, pristine, caseSeed)) {
                    break;
                }
            }
            suite.result.figure("%d corrupted regions opened and read in %.1f s; outcomes: %s", iterations,
                    (System.nanoTime() - start) / 1e9, suite.outcomes);
            suite.live(seed, liveMillis);
        } finally {
            executor.shutdownNow();
        }
        return suite.result;
    }

    /** A valid region with a few samples, its writer closed; its bytes are the fuzzer's starting point. */
    private byte[] pristine() throws Exception {
        try (Publisher p = Publisher.create("pristine", TortureSample.LAYOUT, options)) {
            publish(p.sink(TortureSample.RECORD), 10);
        }
        byte[] bytes = Files.readAllBytes(options.regionDirectory().file("pristine"));
        Region.unlink("pristine", options);
        return bytes;
    }

    static void publish(RingWriter sink, int n) {
        ByteBuffer payload = ByteBuffer.allocateDirect(TortureSample.PAYLOAD_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            TortureSample.fill(payload, sink.nextSampleIndex());
            sink.publish(payload, TortureSample.PAYLOAD_LENGTH, System.nanoTime());
        }
    }

    private boolean fuzzCase(ExecutorService executor, byte[] pristine, long caseSeed) throws Exception {
        Random rnd = new Random(caseSeed);
        ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(pristine, pristine.length)).order(ByteOrder.LITTLE_ENDIAN);
        String mutation = mutate(b, rnd, pristine.length);
        byte[] bytes = b.array();
        if (mutation.startsWith("truncate") || mutation.startsWith("extend")) {
            int length = Integer.parseInt(mutation.substring(mutation.indexOf(' ') + 1));
            bytes = Arrays.copyOf(bytes, length);
        }
        Path file = options.regionDirectory().file("fuzz");
        Files.deleteIfExists(file);
        Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Future<String> outcome = executor.submit(this::openAndRead);
        try {
            String o = outcome.get(5, TimeUnit.SECONDS);
            outcomes.merge(o, 1, Integer::sum);
            return true;
        } catch (TimeoutException e) {
            outcome.cancel(true);
            result.check(false, "seed %d (%s): open and read did not finish in 5 s", caseSeed, mutation);
            return false;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            result.check(false, "seed %d (%s): undocumented %s: %s", caseSeed, mutation, cause.getClass().getName(),
                    cause.getMessage());
            cause.printStackTrace(System.out);
            return false;
        }
    }

    /** Opens the fuzzed region and reads it every way a subscriber can; returns the documented outcome. */
    private String openAndRead() {
        try {
            try (Region r = Region.open("fuzz", options)) {
                r.writerState(5);
                r.isReplaced();
            }
            try (Subscriber latest = Subscriber.open("fuzz", TortureSample.RECORD, options);
                    Subscriber stream = Subscriber.open("fuzz", TortureSample.RECORD, options)) {
                DynamicView a = new DynamicView(latest.record());
                DynamicView b = new DynamicView(stream.record());
                for (int i = 0; i < 20; i++) {
                    latest.latest(a);
                    stream.poll(b);
                    latest.state();
                    stream.awaitNext(b, 10_000);
                }
            }
            return "opened";
        } catch (CorruptRegionException e) {
            return "CorruptRegionException";
        } catch (IncompatibleLayoutException e) {
            return "IncompatibleLayoutException";
        } catch (RegionNotReadyException e) {
            return "RegionNotReadyException";
        }
    }

    /** Applies one random or targeted corruption; returns its description. */
    static String mutate(ByteBuffer b, Random rnd, int length) {
        int textOffset = b.getInt(SCHEMA_TEXT_OFFSET_OFFSET);
        int textLength = b.getInt(SCHEMA_TEXT_LENGTH_OFFSET);
        int headerLength = b.getInt(HEADER_LENGTH_OFFSET);
        switch (rnd.nextInt(9)) {
            case 0 -> {
                int n = 1 + rnd.nextInt(8);
                for (int i = 0; i < n; i++) {
                    b.put(rnd.nextInt(PAGE_LENGTH), (byte) rnd.nextInt());
                }
                return n + " random header bytes";
            }
            case 1 -> {
                int at = HEADER_INTS[rnd.nextInt(HEADER_INTS.length)];
                long v = INTERESTING[rnd.nextInt(INTERESTING.length)] + (rnd.nextBoolean() ? 0 : rnd.nextInt(3) - 1);
                b.putInt(at, (int) v);
                return "int at " + at + " = " + (int) v;
            }
            case 2 -> {
                int at = HEADER_LONGS[rnd.nextInt(HEADER_LONGS.length)];
                long v = INTERESTING[rnd.nextInt(INTERESTING.length)] + (rnd.nextBoolean() ? 0 : rnd.nextInt(3) - 1);
                b.putLong(at, v);
                return "long at " + at + " = " + v;
            }
            case 3 -> {
                int n = 1 + rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    b.put(textOffset + rnd.nextInt(textLength), (byte) "{}[]\":,0123456789eE-+ \\\u00ff\u0000x".charAt(
                            rnd.nextInt(26)));
                }
                return n + " schema text bytes";
            }
            case 4 -> {
                int newLength = rnd.nextInt(Math.max(1, headerLength - textOffset + 2));
                b.putInt(SCHEMA_TEXT_LENGTH_OFFSET, newLength);
                return "schema text length " + newLength;
            }
            case 5 -> {
                // deep nesting and long strings in place of the schema text
                StringBuilder sb = new StringBuilder();
                int depth = rnd.nextInt(headerLength - textOffset);
                for (int i = 0; i < depth / 2; i++) {
                    sb.append(rnd.nextBoolean() ? '[' : '{');
                }
                byte[] text = sb.toString().getBytes();
                b.put(textOffset, text);
                b.putInt(SCHEMA_TEXT_LENGTH_OFFSET, text.length);
                return "schema text nested " + text.length;
            }
            case 6 -> {
                // the ring: published count and slot seqs to any value
                int block = (int) b.getLong(RECORD_TABLE_OFFSET + RECORD_ENTRY_BLOCK_OFFSET_OFFSET);
                int n = 1 + rnd.nextInt(6);
                for (int i = 0; i < n; i++) {
                    int at = block + 64 * rnd.nextInt(1 + 4 * 3);
                    b.putLong(at, rnd.nextBoolean() ? INTERESTING[rnd.nextInt(INTERESTING.length)] : rnd.nextLong());
                }
                return n + " ring words";
            }
            case 7 -> {
                int newLength = rnd.nextBoolean() ? rnd.nextInt(length) : rnd.nextInt(PAGE_LENGTH * 2);
                return "truncate " + newLength;
            }
            default -> {
                int n = 1 + rnd.nextInt(16);
                for (int i = 0; i < n; i++) {
                    b.put(rnd.nextInt(length), (byte) rnd.nextInt());
                }
                return n + " random bytes anywhere";
            }
        }
    }

    /** A live region corrupted at random under a latest and a stream subscriber that keep reading. */
    private void live(long seed, long millis) throws Exception {
        Random rnd = new Random(seed);
        AtomicBoolean running = new AtomicBoolean(true);
        long[] counts = new long[2];
        Throwable[] failure = new Throwable[1];
        try (Publisher p = Publisher.create("live", TortureSample.LAYOUT, options)) {
            publish(p.sink(TortureSample.RECORD), 100);
            CountDownLatch attached = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try {
                    Subscriber latest = null;
                    Subscriber stream = null;
                    DynamicView a = null;
                    DynamicView b = null;
                    while (running.get()) {
                        try {
                            if (latest == null) {
                                latest = Subscriber.open("live", TortureSample.RECORD, options);
                                stream = Subscriber.open("live", TortureSample.RECORD, options);
                                a = new DynamicView(latest.record());
                                b = new DynamicView(stream.record());
                                attached.countDown();
                            }
                            counts[0] += latest.latest(a) ? 1 : 0;
                            counts[0] += stream.poll(b) ? 1 : 0;
                            latest.state();
                            stream.awaitNext(b, 1000);
                        } catch (CorruptRegionException | IncompatibleLayoutException | RegionNotReadyException e) {
                            counts[1]++; // documented: reopen and go on
                            if (latest != null) {
                                latest.close();
                                stream.close();
                            }
                            latest = null;
                        }
                    }
                    if (latest != null) {
                        latest.close();
                        stream.close();
                    }
                } catch (Throwable t) {
                    failure[0] = t;
                    attached.countDown();
                }
            }, "live-fuzz-reader");
            RingWriter sink = p.sink(TortureSample.RECORD);
            Thread writer = new Thread(() -> {
                while (running.get()) {
                    publish(sink, 100);
                    Thread.yield();
                }
            }, "live-fuzz-writer");
            reader.start();
            attached.await(10, TimeUnit.SECONDS);
            writer.start();
            long writes = 0;
            try (FileChannel ch = FileChannel.open(options.regionDirectory().file("live"), StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size());
                m.order(ByteOrder.LITTLE_ENDIAN);
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
                while (System.nanoTime() < end && failure[0] == null) {
                    m.put(rnd.nextInt((int) ch.size()), (byte) rnd.nextInt());
                    writes++;
                    if ((writes & 1023) == 0) {
                        Thread.yield();
                    }
                }
            }
            running.set(false);
            writer.join(10_000);
            reader.join(10_000);
            result.check(!reader.isAlive(), "the live reader hangs");
            if (failure[0] != null) {
                failure[0].printStackTrace(System.out);
            }
            result.check(failure[0] == null, "live corruption (seed %d): undocumented %s", seed, failure[0]);
            result.figure("live region: %,d random byte writes in %d ms under two subscribers: %,d reads, %d documented"
                    + " errors, nothing else", writes, millis, counts[0], counts[1]);
        } finally {
            Region.unlink("live", options);
        }
    }
}
