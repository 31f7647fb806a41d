package io.shmtel.bridge.aeron;

import io.aeron.driver.media.UdpChannelTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.agrona.concurrent.IdleStrategy;

/**
 * The embedded media driver's idle strategy for the bridge's {@code blocking} idle policy: the driver's thread
 * spins a little after work, then sleeps in {@link Selector#select(long)} on the UDP sockets of every send and
 * receive endpoint, so a datagram wakes it at once (a sample to republish, a status message or NAK for the
 * sender); an {@link AeronTransport} offer wakes it with {@link #wake()} so the frame leaves now rather than at
 * its next timer; and after a duty cycle that did work it unparks the threads that poll the transport's
 * subscriptions (a receiving bridge parked between polls reads the new frame at once). The longest sleep,
 * {@code maxSleepNs}, keeps the driver's timers (heartbeats, status messages, liveness) running while all is
 * quiet. Used by the driver's one (shared) thread, except {@link #wake()} and {@link #addPoller}.
 */
final class DriverIdle implements IdleStrategy {
    private static final long NANOS_PER_MILLI = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Consumer<SelectionKey> IGNORE_KEY = key -> { };

    private final int maxSpins;
    private final long maxSleepMs;
    private final Selector selector;
    /** The endpoints the driver made, added by the driver's thread as it makes them. */
    private final List<UdpChannelTransport> endpoints = new CopyOnWriteArrayList<>();
    /** The sockets registered so far (by the driver's thread only). */
    private final List<DatagramChannel> registered = new ArrayList<>();
    /** The threads to unpark after the driver did work: each inbound's polling thread. */
    private final List<Thread> pollers = new CopyOnWriteArrayList<>();
    private int spins;

    /**
     * @param maxSpins   busy spins after work before sleeping
     * @param maxSleepNs the longest sleep, rounded up to whole milliseconds (what {@code select} takes)
     */
    DriverIdle(int maxSpins, long maxSleepNs) {
        this.maxSpins = maxSpins;
        this.maxSleepMs = Math.max(1, (maxSleepNs + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI);
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the Aeron driver's idle strategy", e);
        }
    }

    /** Watches {@code endpoint}'s socket once it is open (called by the driver as it makes the endpoint). */
    <T extends UdpChannelTransport> T watch(T endpoint) {
        endpoints.add(endpoint);
        return endpoint;
    }

    /** Unparks {@code thread} after each duty cycle that did work (any thread). */
    void addPoller(Thread thread) {
        pollers.add(thread);
    }

    /** Stops unparking {@code thread}. */
    void removePoller(Thread thread) {
        pollers.remove(thread);
    }

    /** Ends a sleep now, or the next one at once if the driver is awake (any thread). */
    void wake() {
        selector.wakeup();
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            reset();
            for (int i = 0; i < pollers.size(); i++) {
                LockSupport.unpark(pollers.get(i));
            }
        } else {
            idle();
        }
    }

    @Override
    public void idle() {
        if (spins < maxSpins) {
            spins++;
            Thread.onSpinWait();
            return;
        }
        registerNewSockets();
        try {
            // The driver's own poller reads the datagrams: nothing to do per ready key, and no selected-key set filled.
            selector.select(IGNORE_KEY, maxSleepMs);
        } catch (IOException e) {
            throw new UncheckedIOException("the Aeron driver's idle select failed", e);
        }
    }

    @Override
    public void reset() {
        spins = 0;
    }

    @Override
    public String alias() {
        return "shmtel-select";
    }

    /**
     * Registers the sockets of endpoints opened since the last sleep and forgets closed ones (their keys leave the
     * selector by themselves). Allocates nothing unless an endpoint opened or closed.
     */
    private void registerNewSockets() {
        for (int i = endpoints.size() - 1; i >= 0; i--) {
            DatagramChannel channel = endpoints.get(i).receiveDatagramChannel();
            if (channel == null) {
                continue; // not open yet
            }
            if (!channel.isOpen()) {
                endpoints.remove(i);
                registered.remove(channel);
            } else if (!registered.contains(channel)) {
                try {
                    channel.register(selector, SelectionKey.OP_READ);
                    registered.add(channel);
                } catch (ClosedChannelException e) {
                    endpoints.remove(i);
                }
            }
        }
    }

    /** Closes the selector (after the driver stopped). */
    void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
