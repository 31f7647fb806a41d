package io.shmtel.bridge.aeron;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.bridge.Transports;
import io.shmtel.bridge.spi.Inbound;
import io.shmtel.bridge.spi.Outbound;
import io.shmtel.bridge.spi.Transport;
import io.shmtel.bridge.spi.TransportProvider;
import io.shmtel.core.idle.IdleStrategyKind;
import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Aeron transport's idle strategies ({@code idle-strategy}): every strategy of the registry carries frames
 * over loopback UDP, and {@code blocking} sleeps until there is work: with the driver's sleep and the poller's park
 * both one second or more, a frame offered after a quiet spell still arrives at once, because the offer wakes the
 * driver, the datagram wakes it on the other side, and the driver unparks the polling thread.
 */
class AeronIdleTest {
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long QUIET_MS = 100;
    private static final int FRAMES = 9;
    /** The driver's longest sleep in the wake test: a frame waiting for it would take half of this on average. */
    private static final String LONG_SLEEP_US = String.valueOf(TimeUnit.SECONDS.toMicros(1));
    private static final long POLLER_PARK_NS = TimeUnit.SECONDS.toNanos(2);
    /** Far below the half second a frame would wait on average if nothing woke the driver and the poller. */
    private static final long WOKEN_BOUND_NS = TimeUnit.MILLISECONDS.toNanos(250);

    private static int freePort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Transport open(Map<String, String> options) {
        return Transports.provider("aeron").open(options, line -> { });
    }

    /** Offers {@code value} until sent; waits for it, parking {@code parkNs} between empty polls; returns ns taken. */
    private static long roundOne(Outbound out, Inbound in, ByteBuffer frame, long value, long parkNs) {
        frame.putLong(0, value);
        long start = System.nanoTime();
        while (out.offer(frame, Long.BYTES) != Outbound.SENT) {
            assertThat(System.nanoTime() - start).as("offer of frame " + value).isLessThan(CONNECT_TIMEOUT_NS);
            Thread.onSpinWait();
        }
        long[] got = {-1};
        while (got[0] != value) {
            int n = in.poll((buffer, length) -> got[0] = buffer.getLong(0), 1);
            assertThat(System.nanoTime() - start).as("frame " + value + " arrived").isLessThan(CONNECT_TIMEOUT_NS);
            if (n == 0) {
                LockSupport.parkNanos(parkNs);
            }
        }
        return System.nanoTime() - start;
    }

    private static void awaitConnected(Outbound out, Inbound in) {
        long start = System.nanoTime();
        while (!out.isConnected() || !in.isConnected()) {
            assertThat(System.nanoTime() - start).as("connected").isLessThan(CONNECT_TIMEOUT_NS);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @ParameterizedTest
    @EnumSource(IdleStrategyKind.class)
    void everyStrategyCarriesFrames(IdleStrategyKind kind) throws Exception {
        String channel = "aeron:udp?endpoint=127.0.0.1:" + freePort();
        ByteBuffer frame = ByteBuffer.allocateDirect(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (Transport transport = open(Map.of(TransportProvider.IDLE_STRATEGY, kind.strategyName()));
                Inbound in = transport.inbound(channel, 1, true); Outbound out = transport.outbound(channel, 1)) {
            awaitConnected(out, in);
            for (int i = 0; i < FRAMES; i++) {
                roundOne(out, in, frame, i, TimeUnit.MICROSECONDS.toNanos(1));
            }
            assertThat(in.wakesPoller()).isEqualTo(kind == IdleStrategyKind.BLOCKING);
        }
    }

    @Test
    void aBlockingDriverWakesForAnOfferAndWakesItsPoller() throws Exception {
        String channel = "aeron:udp?endpoint=127.0.0.1:" + freePort();
        ByteBuffer frame = ByteBuffer.allocateDirect(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (Transport transport = open(Map.of(TransportProvider.IDLE_STRATEGY, IdleStrategyKind.BLOCKING
                .strategyName(), TransportProvider.IDLE_MAX_PARK_US, LONG_SLEEP_US));
                Inbound in = transport.inbound(channel, 1, true); Outbound out = transport.outbound(channel, 1)) {
            awaitConnected(out, in);
            roundOne(out, in, frame, -2, POLLER_PARK_NS); // the poller registers with its first poll
            List<Long> took = new ArrayList<>();
            for (int i = 0; i < FRAMES; i++) {
                Thread.sleep(QUIET_MS); // the driver spins a little, then sleeps
                took.add(roundOne(out, in, frame, i, POLLER_PARK_NS));
            }
            Collections.sort(took);
            assertThat(took.get(FRAMES / 2)).as("median ns from offer to poll after a quiet spell " + took)
                    .isLessThan(WOKEN_BOUND_NS);
        }
    }
}
