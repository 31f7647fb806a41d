package io.shmtel.bridge;

// Over 400 lines: the one bridge thread's loop and everything it does with its state (resolving targets, forwarding
// and batching samples, schemas, status); split, each part would reach into the same fields.

import io.shmtel.bridge.spi.Outbound;
import io.shmtel.bridge.spi.Transport;
import io.shmtel.core.Clocks;
import io.shmtel.core.Subscriber;
import io.shmtel.core.WaitSet;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionNotFoundException;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.view.DynamicView;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.layout.SlotDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The sending half of a bridge: one thread reads every sample of the chosen records with stream
 * subscribers (just more readers: it never slows a publisher) and forwards each one, with its
 * sample index, publish time and the region's schema, over a {@link Transport}. See docs/bridge.md.
 */
public final class SenderBridge implements AutoCloseable {
    private static final int BATCH = 256;
    /**
     * The most bytes of one SAMPLES frame: one Aeron datagram at its default MTU (1,408 bytes less its 32-byte
     * header), so a batch is never split into fragments and a lost datagram loses one batch.
     */
    static final int BATCH_BYTES = 1376;
    private static final long RESOLVE_PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long LOG_PERIOD_NS = TimeUnit.SECONDS.toNanos(10);

    private final SenderConfig config;
    private final Outbound out;
    private final Consumer<String> log;
    private final long senderId = ThreadLocalRandom.current().nextLong();
    private final byte[] label = label().getBytes(StandardCharsets.UTF_8);
    private final List<SenderConfig.Target> unresolved = new ArrayList<>();
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    /** The bridge thread's copy of {@link #streams}, walked by index: no iterator per loop turn. */
    private Stream[] active = new Stream[0];
    /** The source records slept on, for {@link #active} as it was when last refreshed. */
    private final WaitSet waitSet = new WaitSet();
    private Stream[] slept = null;
    private final IdleStrategy idle;
    private final Thread thread;
    private ByteBuffer frame = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    /** The SAMPLES frame being filled: {@link #batched} samples of {@link #batchPayload} bytes each. */
    private ByteBuffer batch = ByteBuffer.allocateDirect(BATCH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private int batched;
    private int batchPayload;
    private long monotonicToEpochNs = Clocks.monotonicToEpochOffsetNs();
    private boolean wasConnected;
    private volatile boolean running = true;
    private volatile Throwable failure;
    /** Counted down once the thread has applied its placement (or failed to). */
    private final CountDownLatch placed = new CountDownLatch(1);
    private volatile PlacementException placementRefused;

    // totals, written by the bridge thread, read by anyone
    private volatile long sent;
    private volatile long notConnected;
    private volatile long backPressured;
    private volatile long batches;

    private SenderBridge(SenderConfig config, Transport transport, Consumer<String> log) {
        this.config = config;
        // Blocking (the default) sleeps on the source records until one publishes (wake-on-publish), at most until
        // the next timer.
        this.idle = config.idle().create();
        this.log = log;
        for (String t : config.targets()) {
            unresolved.add(SenderConfig.Target.parse(t));
        }
        this.out = transport.outbound(config.channel(), config.streamId());
        this.thread = new Thread(this::run, "shmtel-bridge-send-" + config.name());
        this.thread.setDaemon(true);
    }

    /**
     * Starts forwarding {@code config}'s targets through {@code transport} (which the caller closes after this).
     *
     * @throws PlacementException when the system refuses the thread's {@link SenderConfig#placement()}
     */
    public static SenderBridge start(SenderConfig config, Transport transport, Consumer<String> log) {
        SenderBridge bridge = new SenderBridge(config, transport, log);
        bridge.thread.start();
        PlacementException refused = awaitPlacement(bridge.placed, () -> bridge.placementRefused);
        if (refused != null) {
            bridge.close();
            throw refused;
        }
        log.accept("bridge " + config.name() + ": sending " + config.targets() + " to " + config.channel() + " stream "
                + config.streamId() + " as " + new String(bridge.label, StandardCharsets.UTF_8));
        return bridge;
    }

    /** Samples handed to the transport. */
    public long sent() {
        return sent;
    }

    /** Samples not sent because no receiver was connected. */
    public long notConnected() {
        return notConnected;
    }

    /** Offers the transport refused for a moment (each retried until it took the sample). */
    public long backPressured() {
        return backPressured;
    }

    /** SAMPLES frames sent: messages that carried several samples (a fast publisher's). */
    public long batches() {
        return batches;
    }

    /** Samples the bridge's readers lost because a writer lapped them (the bridge fell behind). */
    public long lostAtSender() {
        long n = 0;
        for (Stream s : List.copyOf(streams)) {
            n += s.lost;
        }
        return n;
    }

    /** The error that stopped the bridge thread, or null while it runs. */
    public Throwable failure() {
        return failure;
    }

    /** "REGION/RECORD" of every stream resolved so far. */
    public List<String> streams() {
        return List.copyOf(streams).stream().map(s -> s.region + "/" + s.record).toList();
    }

    /** Waits for a bridge thread to apply its placement; returns what refused it, or null. */
    static PlacementException awaitPlacement(CountDownLatch placed, Supplier<PlacementException> refused) {
        try {
            placed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return refused.get();
    }

    private void run() {
        try {
            config.placement().apply();
        } catch (PlacementException e) {
            placementRefused = e; // start() closes the bridge and throws it
            return;
        } finally {
            placed.countDown();
        }
        try {
            long nextResolve = 0;
            long nextStatus = 0;
            long nextSchemas = 0;
            long nextLog = System.nanoTime() + LOG_PERIOD_NS;
            // A fault on the mapping of a source region truncated under the bridge (SIGBUS, raised by the JVM at a
            // later instruction) ends the loop; that record's subscriber drops the region (CORRUPT, said in the log)
            // and follows the file that replaces it; the bridge goes on.
            while (running) {
                try {
                    while (running) {
                        long now = System.nanoTime();
                        if (!unresolved.isEmpty() && now - nextResolve >= 0) {
                            resolve();
                            nextResolve = now + RESOLVE_PERIOD_NS;
                        }
                        boolean connected = out.isConnected();
                        if (connected && !wasConnected) {
                            log.accept("bridge " + config.name() + ": a receiver is connected");
                            nextSchemas = now; // a receiver (re)joined: schemas first
                        } else if (!connected && wasConnected) {
                            log.accept("bridge " + config.name() +
                                    ": no receiver connected; samples are counted as not sent");
                        }
                        wasConnected = connected;
                        if (now - nextSchemas >= 0) {
                            for (Stream s : active) {
                                if (s.subscriber.record() != null) {
                                    sendSchema(s, s.subscriber.region().epoch());
                                }
                            }
                            nextSchemas = now + config.schemaPeriod().toNanos();
                        }
                        int work = 0;
                        Stream[] all = active;
                        for (int i = 0; i < all.length; i++) {
                            work += forward(all[i]);
                        }
                        if (now - nextStatus >= 0) {
                            for (int i = 0; i < all.length; i++) {
                                status(all[i]);
                            }
                            nextStatus = now + config.statusPeriod().toNanos();
                        }
                        if (now - nextLog >= 0) {
                            nextLog = now + LOG_PERIOD_NS;
                            // Both allocate, so they run every 10 s only: the two clocks drift apart by microseconds
                            // meanwhile.
                            monotonicToEpochNs = Clocks.monotonicToEpochOffsetNs();
                            log.accept(summary());
                        }
                        if (work == 0) {
                            if (slept != all) {
                                slept = all;
                                waitSet.clear();
                                for (Stream st : all) {
                                    waitSet.add(st.subscriber);
                                }
                            }
                            long next = Math.min(Math.min(nextStatus, nextSchemas), nextLog);
                            if (!unresolved.isEmpty()) {
                                next = Math.min(next, nextResolve);
                            }
                            idle.idle(waitSet, next - System.nanoTime());
                        } else {
                            idle.reset();
                        }
                    }
                } catch (InternalError e) {
                    if (Region.truncatedMappingFault(e) == null) {
                        throw e;
                    }
                }
            }
        } catch (Throwable t) {
            failure = t;
            log.accept("bridge " + config.name() + ": stopped by " + t);
        }
    }

    /** One line with the totals, for logs. */
    public String summary() {
        return "bridge " + config.name() + ": sent " + sent + " samples of " + streams.size() + " records, "
                + notConnected + " not sent (no receiver), " + lostAtSender() + " lost by the bridge's readers, "
                + backPressured + " back-pressured offers";
    }

    private void resolve() {
        for (var it = unresolved.iterator(); it.hasNext();) {
            SenderConfig.Target t = it.next();
            List<String> records;
            if (t.record() != null) {
                records = List.of(t.record());
            } else {
                try (Region region = Region.open(t.region(), config.regions())) {
                    records = region.layout().records().stream().map(RecordLayout::name).toList();
                } catch (RegionNotFoundException e) {
                    continue; // not there yet: the next scan looks again
                } catch (RuntimeException e) {
                    log.accept("bridge " + config.name() + ": cannot open region " + t.region() + " (will retry): "
                            + e.getMessage());
                    continue;
                }
            }
            for (String record : records) {
                Subscriber subscriber = Subscriber.open(t.region(), record, config.regions());
                subscriber.seekToOldest(); // the mirror gets what the ring holds, not only the newest sample
                streams.add(new Stream(streams.size(), t.region(), record, subscriber));
                active = streams.toArray(new Stream[0]);
            }
            it.remove();
        }
    }

    private int forward(Stream s) {
        Subscriber sub = s.subscriber;
        RecordLayout record = sub.record();
        if (record == null) {
            return 0; // not attached yet: status() calls state(), which attaches when the region appears
        }
        if (s.view == null || s.view.record() != record) {
            s.view = new DynamicView(record); // only when the region's file (and layout) changed
        }
        int n = 0;
        while (n < BATCH && sub.poll(s.view)) {
            // The header's epoch word, read after the sample: a new writer sets it before it publishes,
            // so no sample of a new epoch goes out under the old one (the subscriber's own epoch() is
            // refreshed only by state()).
            long epoch = sub.region().epoch();
            if (epoch != s.schemaEpoch) {
                flush(s); // the samples of the old epoch first
                sendSchema(s, epoch);
            }
            add(s);
            n++;
        }
        flush(s); // what was waiting goes now: a batch never waits for more samples
        s.lost = sub.lostSamples();
        return n;
    }

    /** Adds the sample in {@code s.view} to the batch, sending the batch first when it would not fit. */
    private void add(Stream s) {
        DynamicView view = s.view;
        int payload = view.payloadLength();
        int at = Frames.entryOffset(batched, payload);
        if (batched > 0 && at + Frames.ENTRY_PAYLOAD + payload > BATCH_BYTES) {
            flush(s);
            at = Frames.entryOffset(0, payload);
        }
        int end = at + Frames.ENTRY_PAYLOAD + payload;
        if (batch.capacity() < end) {
            batch = ByteBuffer.allocateDirect(Integer.highestOneBit(end) * 2).order(ByteOrder.LITTLE_ENDIAN);
        }
        batch.put(at + Frames.ENTRY_PAYLOAD, view.buffer(), view.offset() + SlotDescriptor.PAYLOAD_OFFSET, payload);
        Frames.entry(batch, at, view.sampleIndex(), s.sent + batched, view.timestampNs() + monotonicToEpochNs);
        batched++;
        batchPayload = payload;
    }

    /** Sends the batched samples of {@code s}: one as a SAMPLE frame, more as one SAMPLES frame. */
    private void flush(Stream s) {
        int count = batched;
        if (count == 0) {
            return;
        }
        batched = 0;
        int length = Frames.samples(batch, senderId, s.index, s.schemaEpoch, count, batchPayload);
        boolean sentNow;
        if (count == 1) {
            ensure(Frames.SAMPLE_PAYLOAD + batchPayload);
            sentNow = offer(frame, Frames.unbatch(batch, 0, frame));
        } else {
            sentNow = offer(batch, length);
            if (sentNow) {
                batches++;
            }
        }
        if (sentNow) {
            s.sent += count;
            sent += count;
        } else {
            notConnected += count;
        }
    }

    private void sendSchema(Stream s, long epoch) {
        Subscriber sub = s.subscriber;
        var layout = sub.region().layout();
        RecordLayout record = sub.record();
        if (s.schemaLayout != layout) { // once per layout: the periodic repeats allocate nothing
            s.schemaLayout = layout;
            s.schemaText = layout.canonicalJson().getBytes(StandardCharsets.UTF_8);
        }
        byte[] text = s.schemaText;
        int length = Frames.schemaLength(s.regionBytes, s.recordBytes, label, text);
        ensure(length);
        length = Frames.schema(frame, senderId, s.index, epoch, layout.fingerprint(), record.fingerprint(),
                s.regionBytes, s.recordBytes, label, text);
        if (offer(frame, length)) {
            s.schemaEpoch = epoch;
        }
    }

    private void status(Stream s) {
        WriterState state = s.subscriber.state();
        if (s.subscriber.record() == null || s.schemaEpoch < 0) {
            return; // nothing sent yet: the receiver has no use for it
        }
        if (state == WriterState.CLOSED || state == WriterState.WRITER_DEAD) {
            while (forward(s) > 0) {
                // the writer's last samples go out before the news of its end
            }
        }
        int length = Frames.status(frame, senderId, s.index, s.schemaEpoch, state.ordinal(), s.sent, s.lost,
                System.nanoTime() + monotonicToEpochNs);
        offer(frame, length);
    }

    /**
     * Offers {@code b}'s frame, retrying while the transport is back-pressured; false when no receiver is connected.
     */
    private boolean offer(ByteBuffer b, int length) {
        int spins = 0;
        while (true) {
            int result = out.offer(b, length);
            if (result == Outbound.SENT) {
                return true;
            }
            if (result == Outbound.NOT_CONNECTED || !running) {
                return false;
            }
            backPressured++;
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private void ensure(int length) {
        if (frame.capacity() < length) {
            frame = ByteBuffer.allocateDirect(Integer.highestOneBit(length) * 2).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static String label() {
        String host;
        try {
            host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException | RuntimeException e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid();
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        waitSet.wakeup(); // out of a sleep on the source records now
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.accept(summary());
        for (Stream s : streams) {
            s.subscriber.close();
        }
        out.close();
    }

    /** One forwarded record. */
    private static final class Stream {
        final int index;
        final String region;
        final String record;
        final byte[] regionBytes;
        final byte[] recordBytes;
        final Subscriber subscriber;
        DynamicView view;
        Layout schemaLayout;
        byte[] schemaText;
        long schemaEpoch = -1;
        long sent;
        long lost;

        Stream(int index, String region, String record, Subscriber subscriber) {
            this.index = index;
            this.region = region;
            this.record = record;
            this.regionBytes = region.getBytes(StandardCharsets.UTF_8);
            this.recordBytes = record.getBytes(StandardCharsets.UTF_8);
            this.subscriber = subscriber;
        }
    }
}
