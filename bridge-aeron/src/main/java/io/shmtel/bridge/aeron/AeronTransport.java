package io.shmtel.bridge.aeron;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.Configuration;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ReceiveChannelEndpointSupplier;
import io.aeron.driver.SendChannelEndpointSupplier;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.aeron.exceptions.AeronException;
import io.aeron.logbuffer.FragmentHandler;
import io.shmtel.bridge.BridgeException;
import io.shmtel.bridge.spi.Inbound;
import io.shmtel.bridge.spi.Outbound;
import io.shmtel.bridge.spi.Transport;
import io.shmtel.bridge.spi.TransportProvider;
import io.shmtel.core.idle.BlockingIdleStrategy;
import io.shmtel.core.idle.IdleStrategyKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * An embedded Aeron media driver (shared threading: one thread does its conductor's, sender's and receiver's work)
 * and its client, for one bridge process. The driver's thread idles as the {@code idle-strategy} option says
 * ({@link TransportProvider#IDLE_STRATEGY}): {@code blocking} (the default) sleeps until a datagram arrives or a
 * frame is offered ({@link DriverIdle}), at most {@code idle-max-park-us}; {@code backoff} polls with doubling parks
 * up to it; {@code yield} and {@code busy-spin} never sleep.
 */
final class AeronTransport implements Transport {
    static final String DIR_PREFIX = "aeron-shmtel-";
    private static final String REPAIRS = "naks_sent";
    /** The driver's longest park by default when it polls (backoff), microseconds. */
    static final String DEFAULT_MAX_PARK_US = "2000";
    /**
     * The blocking driver's longest sleep by default, microseconds: a datagram or an offer wakes it, so this only
     * paces its timers (heartbeats, status messages, a NAK's delay after a loss, a new publication's setup) while
     * all is quiet; 100 wake-ups a second cost about 0.2 % of a core.
     */
    static final String DEFAULT_BLOCKING_SLEEP_US = "10000";
    /** The backoff's yields before parking and its first park, ns (the driver's own loop, not a bridge thread's). */
    private static final int BACKOFF_MAX_YIELDS = 10;
    private static final long BACKOFF_MIN_PARK_NS = 1_000;
    /**
     * Bytes a subscriber consumes before it wakes a sleeping driver to report them to the sender: an eighth of the
     * smallest receiver window Aeron uses by default (128 KiB), well before the sender runs out of window.
     */
    static final long WAKE_AFTER_BYTES = 16 * 1024;

    private final MediaDriver driver;
    private final Aeron aeron;
    private final Consumer<String> log;
    /** The driver's idle strategy when it is {@code blocking}; null otherwise. */
    private final DriverIdle wakeable;

    AeronTransport(Map<String, String> options, Consumer<String> log) {
        this.log = log;
        Path shm = Path.of("/dev/shm");
        String dir = options.getOrDefault("aeron.dir", (Files.isDirectory(shm) ? shm : Path.of(
                System.getProperty("java.io.tmpdir"))).resolve(DIR_PREFIX + ProcessHandle.current().pid()).toString());
        removeStaleDirectories(Path.of(dir).getParent());
        int termLength = Integer.parseInt(options.getOrDefault("aeron.term-length", String.valueOf(1 << 20)));
        int maxSpins = Integer.parseInt(options.getOrDefault(TransportProvider.IDLE_MAX_SPINS,
                String.valueOf(BlockingIdleStrategy.DEFAULT_MAX_SPINS)));
        IdleStrategyKind kind = IdleStrategyKind.byName(options.getOrDefault(TransportProvider.IDLE_STRATEGY,
                IdleStrategyKind.BLOCKING.strategyName()));
        long maxParkNs = 1000L * Long.parseLong(options.getOrDefault(TransportProvider.IDLE_MAX_PARK_US,
                kind == IdleStrategyKind.BLOCKING ? DEFAULT_BLOCKING_SLEEP_US : DEFAULT_MAX_PARK_US));
        this.wakeable = kind == IdleStrategyKind.BLOCKING ? new DriverIdle(maxSpins, maxParkNs) : null;
        IdleStrategy driverIdle = switch (kind) {
            case BUSY_SPIN -> new BusySpinIdleStrategy();
            case YIELD -> new YieldingIdleStrategy();
            case BACKOFF -> new BackoffIdleStrategy(maxSpins, BACKOFF_MAX_YIELDS,
                    Math.min(BACKOFF_MIN_PARK_NS, maxParkNs), maxParkNs);
            case BLOCKING -> wakeable;
        };
        MediaDriver.Context context = new MediaDriver.Context()
                .aeronDirectoryName(dir)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(driverIdle)
                // Name resolution on the driver's thread: no executor thread polling while idle (1 % of a core).
                .asyncExecutorEnabled(false)
                .publicationTermBufferLength(termLength)
                .ipcTermBufferLength(termLength)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .errorHandler(e -> log.accept("aeron: " + e));
        if (wakeable != null) { // the endpoints' sockets wake the sleeping driver
            SendChannelEndpointSupplier send = Configuration.sendChannelEndpointSupplier();
            ReceiveChannelEndpointSupplier receive = Configuration.receiveChannelEndpointSupplier();
            context.sendChannelEndpointSupplier((channel, status, ctx) -> wakeable.watch(
                    send.newInstance(channel, status, ctx)));
            context.receiveChannelEndpointSupplier((channel, dispatcher, status, ctx) -> wakeable.watch(
                    receive.newInstance(channel, dispatcher, status, ctx)));
        }
        try {
            this.driver = MediaDriver.launchEmbedded(context);
        } catch (RuntimeException e) {
            closeWakeable();
            throw new BridgeException("cannot start the Aeron media driver in " + dir + ": " + e.getMessage(), e);
        }
        try {
            this.aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName())
                    .errorHandler(e -> log.accept("aeron: " + e)));
        } catch (RuntimeException e) {
            driver.close();
            closeWakeable();
            throw new BridgeException("cannot connect to the embedded Aeron media driver: " + e.getMessage(), e);
        }
    }

    /**
     * Removes {@code aeron-shmtel-PID} directories of processes that are gone (a bridge killed with SIGKILL leaves
     * one).
     */
    private void removeStaleDirectories(Path parent) {
        if (parent == null || !Files.isDirectory(parent)) {
            return;
        }
        try (Stream<Path> entries = Files.list(parent)) {
            entries.filter(p -> p.getFileName().toString().startsWith(DIR_PREFIX)).forEach(p -> {
                String pid = p.getFileName().toString().substring(DIR_PREFIX.length());
                if (pid.chars().allMatch(Character::isDigit) && !pid.isEmpty()
                        && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                    deleteTree(p);
                    log.accept("aeron: removed " + p + " left by a bridge that is gone");
                }
            });
        } catch (IOException e) {
            log.accept("aeron: cannot list " + parent + ": " + e);
        }
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> all = Files.walk(p)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort: the next start tries again
        }
    }

    private static String check(String channel) {
        try {
            ChannelUri uri = ChannelUri.parse(channel);
            if (!CommonContext.UDP_MEDIA.equals(uri.media())) {
                throw new BridgeException("bad Aeron channel \"" + channel + "\": the bridge crosses hosts over UDP"
                        + " (aeron:udp?endpoint=HOST:PORT)");
            }
            return channel;
        } catch (IllegalArgumentException e) {
            throw new BridgeException("bad Aeron channel \"" + channel + "\": " + e.getMessage()
                    + " (expected e.g. aeron:udp?endpoint=10.0.0.2:40456)", e);
        }
    }

    @Override
    public Outbound outbound(String channel, int streamId) {
        try {
            return new AeronOutbound(aeron.addExclusivePublication(check(channel), streamId), wakeable);
        } catch (AeronException e) {
            throw new BridgeException("cannot send on " + channel + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Inbound inbound(String channel, int streamId, boolean reliable) {
        ChannelUri uri = ChannelUri.parse(check(channel));
        uri.put(CommonContext.RELIABLE_STREAM_PARAM_NAME, Boolean.toString(reliable));
        try {
            return new AeronInbound(aeron.addSubscription(uri.toString(), streamId), wakeable);
        } catch (AeronException e) {
            throw new BridgeException("cannot receive on " + channel + ": " + e.getMessage()
                    + " (is the address this host's, and the port free?)", e);
        }
    }

    @Override
    public Map<String, Long> counters() {
        var reader = aeron.countersReader();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("naks_sent", reader.getCounterValue(SystemCounterDescriptor.NAK_MESSAGES_SENT.id()));
        m.put("naks_received", reader.getCounterValue(SystemCounterDescriptor.NAK_MESSAGES_RECEIVED.id()));
        m.put("retransmits_sent", reader.getCounterValue(SystemCounterDescriptor.RETRANSMITS_SENT.id()));
        m.put("loss_gap_fills", reader.getCounterValue(SystemCounterDescriptor.LOSS_GAP_FILLS.id()));
        m.put("bytes_sent", reader.getCounterValue(SystemCounterDescriptor.BYTES_SENT.id()));
        m.put("bytes_received", reader.getCounterValue(SystemCounterDescriptor.BYTES_RECEIVED.id()));
        m.put("errors", reader.getCounterValue(SystemCounterDescriptor.ERRORS.id()));
        return m;
    }

    @Override
    public String repairsCounter() {
        return REPAIRS;
    }

    @Override
    public void close() {
        aeron.close();
        driver.close();
        closeWakeable();
    }

    private void closeWakeable() {
        if (wakeable != null) {
            wakeable.close();
        }
    }

    private static final class AeronOutbound implements Outbound {
        private final ExclusivePublication publication;
        private final UnsafeBuffer wrapper = new UnsafeBuffer(0, 0);
        private final DriverIdle driverIdle;
        private ByteBuffer wrapped;

        /** {@code driverIdle}: woken after each frame offered (null: a driver that does not sleep on sockets). */
        AeronOutbound(ExclusivePublication publication, DriverIdle driverIdle) {
            this.publication = publication;
            this.driverIdle = driverIdle;
        }

        @Override
        public int offer(ByteBuffer frame, int length) {
            if (frame != wrapped) {
                wrapper.wrap(frame);
                wrapped = frame;
            }
            long result = publication.offer(wrapper, 0, length);
            if (result > 0) {
                if (driverIdle != null) {
                    driverIdle.wake(); // the driver sends it now, not at its next timer
                }
                return SENT;
            }
            if (result == Publication.NOT_CONNECTED) {
                return NOT_CONNECTED;
            }
            if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION) {
                if (driverIdle != null) {
                    driverIdle.wake(); // the driver drains the full window now (status messages, sending)
                }
                return BACK_PRESSURED;
            }
            throw new BridgeException(result == Publication.MAX_POSITION_EXCEEDED
                    ? "Aeron publication reached its maximum position (restart the bridge)"
                    : "Aeron publication is closed");
        }

        @Override
        public boolean isConnected() {
            return publication.isConnected();
        }

        @Override
        public void close() {
            publication.close();
        }
    }

    private static final class AeronInbound implements Inbound {
        private final Subscription subscription;
        private final FragmentAssembler assembler;
        private ByteBuffer copy = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        private FrameHandler target;
        private final DriverIdle driverIdle;
        /** The thread that polls, unparked by the driver after it did work (set on the first poll). */
        private Thread poller;
        /** Bytes consumed since the driver was last woken to report them. */
        private long unreported;

        AeronInbound(Subscription subscription, DriverIdle driverIdle) {
            this.subscription = subscription;
            this.driverIdle = driverIdle;
            FragmentHandler handler = (buffer, offset, length, header) -> {
                if (copy.capacity() < length) {
                    copy = ByteBuffer.allocateDirect(Integer.highestOneBit(length) * 2).order(ByteOrder.LITTLE_ENDIAN);
                }
                buffer.getBytes(offset, copy, 0, length);
                target.onFrame(copy, length);
            };
            this.assembler = new FragmentAssembler(handler);
        }

        @Override
        public int poll(FrameHandler handler, int limit) {
            if (driverIdle == null) {
                target = handler;
                return subscription.poll(assembler, limit);
            }
            if (poller == null) {
                poller = Thread.currentThread();
                driverIdle.addPoller(poller);
            }
            target = handler;
            long before = consumedPosition();
            int n = subscription.poll(assembler, limit);
            if (n > 0) {
                // The sleeping driver tells the sender how far this subscriber has read (a status message) only
                // when it wakes: after a window's worth, wake it, or a fast sender stalls on a full window.
                unreported += Math.max(0, consumedPosition() - before); // 0 when an image came or went
                if (unreported >= WAKE_AFTER_BYTES) {
                    unreported = 0;
                    driverIdle.wake();
                }
            }
            return n;
        }

        /** The sum of the images' positions: how many bytes this subscription has consumed. */
        private long consumedPosition() {
            long sum = 0;
            for (int i = 0, n = subscription.imageCount(); i < n; i++) {
                sum += subscription.imageAtIndex(i).position();
            }
            return sum;
        }

        @Override
        public boolean wakesPoller() {
            return driverIdle != null;
        }

        @Override
        public boolean isConnected() {
            return subscription.isConnected();
        }

        @Override
        public void close() {
            if (poller != null) {
                driverIdle.removePoller(poller);
            }
            subscription.close();
        }
    }
}
