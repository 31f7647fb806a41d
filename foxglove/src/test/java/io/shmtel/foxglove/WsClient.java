package io.shmtel.foxglove;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A Foxglove WebSocket client for the Java-side tests, on the JDK's own WebSocket client. */
final class WsClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A Message Data frame. */
    record Sample(int subscription, long timestampNs, JsonNode data, long receivedNs) {}

    final BlockingQueue<JsonNode> texts = new LinkedBlockingQueue<>();
    final BlockingQueue<Sample> samples = new LinkedBlockingQueue<>();
    final List<JsonNode> seen = new ArrayList<>();
    private final WebSocket ws;

    private WsClient(int port) throws Exception {
        ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("foxglove.websocket.v1")
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new Listener()).get(10, TimeUnit.SECONDS);
    }

    static WsClient connect(int port) throws Exception {
        return new WsClient(port);
    }

    String subprotocol() {
        return ws.getSubprotocol();
    }

    void send(String json) {
        ws.sendText(json, true).join();
    }

    void sendBinary(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    void subscribe(int subscription, int channel) {
        send("{\"op\":\"subscribe\",\"subscriptions\":[{\"id\":" + subscription + ",\"channelId\":" + channel + "}]}");
    }

    void unsubscribe(int subscription) {
        send("{\"op\":\"unsubscribe\",\"subscriptionIds\":[" + subscription + "]}");
    }

    /** The next JSON message with this op (others are kept in {@link #seen}); fails after {@code timeout}. */
    JsonNode next(String op, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            JsonNode m = texts.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) {
                break;
            }
            seen.add(m);
            if (m.path("op").asText().equals(op)) {
                return m;
            }
        }
        throw new AssertionError("no \"" + op + "\" message within " + timeout + "; got " + seen);
    }

    /** The channel id advertised for {@code topic} by the next advertise that has it. */
    int awaitChannel(String topic, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode ad = next("advertise", Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            for (JsonNode c : ad.get("channels")) {
                if (c.get("topic").asText().equals(topic)) {
                    return c.get("id").asInt();
                }
            }
        }
    }

    /** The next sample of {@code subscription}, or null after {@code timeout}. */
    Sample nextSample(int subscription, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            Sample s = samples.poll(left, TimeUnit.NANOSECONDS);
            if (s != null && s.subscription() == subscription) {
                return s;
            }
        }
        return null;
    }

    @Override
    public void close() {
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    texts.add(JSON.readTree(text.toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                byte[] frame = binary.toByteArray();
                binary.reset();
                ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
                if (b.get() != Messages.MESSAGE_DATA) {
                    throw new AssertionError("unknown binary opcode " + frame[0]);
                }
                int subscription = b.getInt();
                long timestamp = b.getLong();
                try {
                    samples.add(new Sample(subscription, timestamp, JSON.readTree(Arrays.copyOfRange(frame, 13,
                            frame.length)), System.nanoTime()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
