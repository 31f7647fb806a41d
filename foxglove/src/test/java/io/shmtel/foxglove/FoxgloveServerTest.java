package io.shmtel.foxglove;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.shmtel.core.Publisher;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionDirectory;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The server's protocol behaviour, rate limit, slow clients, page and errors, with a Java client. */
@ExtendWith(ShmDirectory.class)
class FoxgloveServerTest {
    static final Layout ARM = LayoutCompiler.compile(SchemaParser.parse(Path.of("../schema/examples/arm.json")));
    static final Layout WIDE = LayoutCompiler.compile(SchemaParser.parse("""
            {"schema": "wide", "version": 1, "records": [
              {"name": "scan", "depth": 64, "fields": [{"name": "v", "type": "f64", "count": 256, "unit": "m"}]}]}
            """, "wide.json"));
    static final Layout SYSTEM = LayoutCompiler.compile(SchemaParser.parse(Path.of("../schema/examples/system.json")));
    static final Duration WAIT = Duration.ofSeconds(10);

    final List<String> log = new CopyOnWriteArrayList<>();

    FoxgloveServer start(ServerConfig config) {
        return FoxgloveServer.start(config.withPort(0).withScanPeriod(Duration.ofMillis(50)), log::add);
    }

    @Test
    void advertisesRegionsAsTheyComeAndGoAndANewEpochAsANewChannel(RegionOptions options) throws Exception {
        try (FoxgloveServer server = start(ServerConfig.defaults(options));
                WsClient client = WsClient.connect(server.address().getPort())) {
            assertThat(client.subprotocol()).isEqualTo("foxglove.websocket.v1");
            JsonNode info = client.next("serverInfo", WAIT);
            assertThat(info.get("name").asText()).isEqualTo("shmtel");
            assertThat(info.get("capabilities").size()).isZero();

            int first;
            try (Publisher publisher = Publisher.create("arm", ARM, options);
                    CounterFeed feed = new CounterFeed(publisher, "joint_state", 200)) {
                first = client.awaitChannel("arm/joint_state", WAIT);
                client.subscribe(7, first);
                WsClient.Sample s = client.nextSample(7, WAIT);
                assertThat(s).as("a sample of the subscription").isNotNull();
                assertThat(s.data().get("position").size()).isEqualTo(6);
            }
            // The writer closed; a new one takes the region over: a new epoch is a new channel.
            try (Publisher again = Publisher.create("arm", ARM, options);
                    CounterFeed feed = new CounterFeed(again, "joint_state", 200)) {
                assertThat(again.epoch()).isEqualTo(2);
                JsonNode gone = client.next("unadvertise", WAIT);
                assertThat(gone.get("channelIds").get(0).asInt()).isEqualTo(first);
                int second = client.awaitChannel("arm/joint_state", WAIT);
                assertThat(second).isNotEqualTo(first);
                client.samples.clear();
                client.subscribe(8, second);
                assertThat(client.nextSample(8, WAIT)).isNotNull();
                long until = System.nanoTime() + WAIT.toNanos();
                // The figures are refreshed every 100 ms: wait for a refresh after the re-advertisement.
                while (System.nanoTime() < until
                        && (server.channels().isEmpty() || server.channels().get(0).epoch() != 2)) {
                    Thread.sleep(20);
                }
                // the raw record and its well-known JointState channel (arm.json's annotation), both of epoch 2
                assertThat(server.channels()).extracting(ChannelStats::topic)
                        .containsExactlyInAnyOrder("arm/joint_state", "arm/joint_state/JointState");
                assertThat(server.channels()).allSatisfy(c -> assertThat(c.epoch()).isEqualTo(2));
            }
            assertThat(Region.removeUnowned("arm", options)).isTrue();
            assertThat(client.next("unadvertise", WAIT).toString()).contains("channelIds");
        }
        assertThat(log).anyMatch(l -> l.startsWith("advertised arm"))
                .anyMatch(l -> l.startsWith("re-advertised arm (epoch 2)"))
                .anyMatch(l -> l.startsWith("withdrew arm"));
    }

    @Test
    void withoutADirectoryTheEnvironmentsIsServed(RegionOptions options) throws Exception {
        String before = System.getProperty(RegionDirectory.PROPERTY);
        System.setProperty(RegionDirectory.PROPERTY, options.directory().toString());
        try (Publisher publisher = Publisher.create("arm", ARM, options);
                FoxgloveServer server = start(ServerConfig.defaults(RegionOptions.defaults()));
                WsClient client = WsClient.connect(server.address().getPort())) {
            publishOne(publisher, "joint_state"); // a record is advertised once it has published
            JsonNode info = client.next("serverInfo", WAIT);
            assertThat(info.get("metadata").get("shmtel.dir").asText()).isEqualTo(options.directory().toString());
            assertThat(client.awaitChannel("arm/joint_state", WAIT)).isPositive();
        } finally {
            if (before == null) {
                System.clearProperty(RegionDirectory.PROPERTY);
            } else {
                System.setProperty(RegionDirectory.PROPERTY, before);
            }
        }
        assertThat(log).anyMatch(l -> l.startsWith("serving every region of " + options.directory() + " on ws://"));
    }

    @Test
    void onlyTheNamedRecordsAreServedAndAMissingOneIsWaitedFor(RegionOptions options) throws Exception {
        try (Publisher other = Publisher.create("other", ARM, options);
                FoxgloveServer server = start(ServerConfig.defaults(options).withTargets(List.of("arm/joint_state")));
                WsClient client = WsClient.connect(server.address().getPort())) {
            client.next("serverInfo", WAIT);
            Thread.sleep(300); // a few scans: "other" is not a target
            assertThat(client.texts).noneMatch(m -> m.path("op").asText().equals("advertise"));
            try (Publisher arm = Publisher.create("arm", ARM, options)) {
                assertThat(client.awaitChannel("arm/joint_state", WAIT)).isPositive();
            }
        }
    }

    static void publishOne(Publisher publisher, String record) {
        new DynamicWriter(publisher.sink(record), publisher.layout().record(record).orElseThrow()).commit();
    }

    /** The topics of every channel advertised so far, and whether any was withdrawn. */
    static List<String> advertisedTopics(WsClient client) {
        List<String> topics = new ArrayList<>();
        List<JsonNode> all = new ArrayList<>(client.seen);
        all.addAll(client.texts);
        for (JsonNode m : all) {
            if (m.path("op").asText().equals("advertise")) {
                m.get("channels").forEach(c -> topics.add(c.get("topic").asText()));
            }
            assertThat(m.path("op").asText()).as("no channel withdrawn").isNotEqualTo("unadvertise");
        }
        return topics;
    }

    /** A schema of several records in a region whose writer fills one: only what was published is a channel. */
    @Test
    void aRecordIsAdvertisedOnceItHasPublished(RegionOptions options) throws Exception {
        try (Publisher publisher = Publisher.create("sys", SYSTEM, options);
                FoxgloveServer server = start(ServerConfig.defaults(options));
                WsClient client = WsClient.connect(server.address().getPort())) {
            client.next("serverInfo", WAIT);
            Thread.sleep(300); // six scans of a region with nothing published
            assertThat(advertisedTopics(client)).isEmpty();
            publishOne(publisher, "cpu");
            client.awaitChannel("sys/cpu", WAIT);
            Thread.sleep(300);
            assertThat(advertisedTopics(client)).containsExactly("sys/cpu");
            assertThat(server.channels()).extracting(ChannelStats::topic).containsExactly("sys/cpu");
            publishOne(publisher, "memory"); // a record that begins later is added beside the first
            client.awaitChannel("sys/memory", WAIT);
            assertThat(advertisedTopics(client)).containsExactly("sys/cpu", "sys/memory");
        }
        assertThat(log).contains("advertised sys/cpu (its first sample, epoch 1)",
                "advertised sys/memory (its first sample, epoch 1)");
    }

    @Test
    void everyRecordIsAdvertisedWithAllRecordsOrWhenNamed(RegionOptions options) throws Exception {
        try (Publisher publisher = Publisher.create("sys", SYSTEM, options)) {
            try (FoxgloveServer server = start(ServerConfig.defaults(options).withAllRecords(true));
                    WsClient client = WsClient.connect(server.address().getPort())) {
                client.awaitChannel("sys/thermal", WAIT);
                assertThat(advertisedTopics(client)).containsExactly("sys/cpu", "sys/memory", "sys/thermal");
            }
            try (FoxgloveServer server = start(ServerConfig.defaults(options).withTargets(List.of("sys/thermal")));
                    WsClient client = WsClient.connect(server.address().getPort())) {
                client.awaitChannel("sys/thermal", WAIT);
                assertThat(advertisedTopics(client)).containsExactly("sys/thermal");
            }
        }
    }

    @Test
    void aFastRecordIsSentAtMostAtTheRateAsItsNewestSample(RegionOptions options) throws Exception {
        try (Publisher publisher = Publisher.create("arm", ARM, options);
                CounterFeed feed = new CounterFeed(publisher, "joint_state", 2000);
                FoxgloveServer server = start(ServerConfig.defaults(options).withMaxRateHz(50));
                WsClient client = WsClient.connect(server.address().getPort())) {
            client.subscribe(1, client.awaitChannel("arm/joint_state", WAIT));
            assertThat(client.nextSample(1, WAIT)).isNotNull();
            client.samples.clear();
            long published0 = feed.published();
            Thread.sleep(2000);
            long published = feed.published() - published0;
            List<WsClient.Sample> got = new ArrayList<>();
            client.samples.drainTo(got);
            System.out.printf("rate limit 50/s: %d published in 2 s, %d sent%n", published, got.size());
            // 50/s for 2 s, plus the 100 ms burst allowance (5); minus one for scheduling at the edges.
            assertThat(got.size()).isBetween(80, 111);
            assertThat(published).as("the publisher ran much faster than the limit").isGreaterThan(1000);
            long previous = -1;
            for (WsClient.Sample s : got) {
                long k = s.data().get("position").get(0).asLong();
                assertThat(k).as("newest first, in order").isGreaterThan(previous);
                previous = k;
            }
            assertThat(server.channels().get(0).decimated()).isPositive();
        }
    }

    @Test
    void aClientThatStopsReadingCostsBoundedMemoryAndDoesNotDelayTheOthers(RegionOptions options) throws Exception {
        int highWater = 256 * 1024;
        try (Publisher publisher = Publisher.create("wide", WIDE, options);
                CounterFeed feed = new CounterFeed(publisher, "scan", 1000);
                FoxgloveServer server = start(ServerConfig.defaults(options).withHighWaterBytes(highWater));
                WsClient fast = WsClient.connect(server.address().getPort());
                RawClient slow = RawClient.connect(server.address().getPort(), "foxglove.websocket.v1")) {
            int channel = fast.awaitChannel("wide/scan", WAIT);
            slow.send("{\"op\":\"subscribe\",\"subscriptions\":[{\"id\":1,\"channelId\":" + channel + "}]}");
            fast.subscribe(1, channel);
            // The slow client reads nothing from now on; the fast one reads everything.
            long maxQueued = 0;
            long maxMessage = 0;
            long fastMessages = 0;
            long previous = -1;
            long gaps = 0;
            long start = System.nanoTime();
            while (System.nanoTime() - start < 6_000_000_000L) {
                WsClient.Sample s = fast.nextSample(1, Duration.ofMillis(100));
                if (s != null) {
                    long k = s.data().get("v").get(0).asLong();
                    if (previous >= 0) {
                        gaps += k - previous - 1;
                    }
                    previous = k;
                    fastMessages++;
                    maxMessage = Math.max(maxMessage, s.data().toString().length() + 13L);
                }
                for (ClientStats c : server.clients()) {
                    maxQueued = Math.max(maxQueued, c.queuedBytes());
                }
            }
            ClientStats slowStats = server.clients().stream().filter(c -> c.remote().endsWith(":" + slow.localPort()))
                    .findFirst().orElseThrow();
            ClientStats fastStats = server.clients().stream().filter(c -> !c.remote().endsWith(":" + slow.localPort()))
                    .findFirst().orElseThrow();
            System.out.printf("slow client: %s%nfast client: %s; %d messages read, %d gaps; max queued %d bytes "
                    + "(high-water mark %d, message %d bytes)%n", slowStats, fastStats, fastMessages, gaps, maxQueued,
                    highWater, maxMessage);
            assertThat(slowStats.droppedMessages()).as("the slow client's kernel buffers filled, then ours")
                    .isPositive();
            // Writes stop at the high-water mark: at most one message more per subscription, plus frame overhead.
            assertThat(maxQueued).as("bytes queued for any client").isLessThanOrEqualTo(highWater + 2 * maxMessage);
            assertThat(fastMessages).as("the fast client kept receiving (1 kHz for 6 s)").isGreaterThan(3000);
            assertThat(gaps).as("samples the fast client missed").isLessThan(fastMessages / 10);
        }
    }

    @Test
    void badClientMessagesGetAStatusAndTheConnectionStays(RegionOptions options) throws Exception {
        try (Publisher publisher = Publisher.create("arm", ARM, options);
                FoxgloveServer server = start(ServerConfig.defaults(options).withAllRecords(true)); // nothing published
                WsClient client = WsClient.connect(server.address().getPort())) {
            int channel = client.awaitChannel("arm/joint_state", WAIT);
            client.send("this is not json");
            assertThat(status(client)).startsWith("2 not JSON");
            client.send("{\"subscriptions\":[]}");
            assertThat(status(client)).isEqualTo("2 a JSON message needs an \"op\" field");
            client.subscribe(1, 999);
            assertThat(status(client)).startsWith("2 subscribe: no channel 999");
            client.send("{\"op\":\"subscribe\",\"subscriptions\":[{\"id\":-1,\"channelId\":1}]}");
            assertThat(status(client)).startsWith("2 subscribe: each subscription needs integer \"id\" and "
                    + "\"channelId\"");
            client.subscribe(1, channel);
            client.subscribe(1, channel);
            assertThat(status(client)).startsWith("2 subscribe: subscription id 1 is already in use");
            client.subscribe(2, channel);
            assertThat(status(client)).startsWith("2 subscribe: this connection already subscribes to channel");
            client.unsubscribe(5);
            assertThat(status(client)).isEqualTo("1 unsubscribe: no subscription 5");
            client.send("{\"op\":\"getParameters\",\"parameterNames\":[]}");
            assertThat(status(client)).startsWith("1 op \"getParameters\" is not supported");
            client.sendBinary(new byte[] {1, 0, 0, 0, 0});
            assertThat(status(client)).startsWith("2 binary client messages (client publishing, service calls) are "
                    + "not supported");
            // Still served.
            client.unsubscribe(1);
            client.subscribe(3, channel);
            try (CounterFeed feed = new CounterFeed(publisher, "joint_state", 100)) {
                assertThat(client.nextSample(3, WAIT)).isNotNull();
            }
        }
    }

    private static String status(WsClient client) throws InterruptedException {
        JsonNode s = client.next("status", WAIT);
        return s.get("level").asInt() + " " + s.get("message").asText();
    }

    @Test
    void theSamePortServesThePageAndRefusesWebSocketsWithoutTheSubprotocol(RegionOptions options) throws Exception {
        try (FoxgloveServer server = start(ServerConfig.defaults(options))) {
            int port = server.address().getPort();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("<title>shmtel live</title>", "/vendor/uPlot.iife.min.js", "/app.js");
            HttpResponse<String> uplot = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/vendor/uPlot.iife.min.js")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(uplot.statusCode()).isEqualTo(200);
            assertThat(uplot.body()).contains("uPlot").hasSizeGreaterThan(20_000);
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/nothing")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);

            String refused = RawClient.handshake(port, "chat.v2");
            assertThat(refused).startsWith("HTTP/1.1 400").contains("ask for the subprotocol foxglove.websocket.v1 or "
                    + "foxglove.sdk.v1; the request offered \"chat.v2\"");
            assertThat(RawClient.handshake(port, "chat.v2, foxglove.sdk.v1")).startsWith("HTTP/1.1 101")
                    .contains("sec-websocket-protocol: foxglove.sdk.v1");
        }
    }

    /**
     * Issue 23, hole 12 (cross-site WebSocket hijacking): a browser lets any web page open a WebSocket
     * to ws://127.0.0.1:8765 and says which page in the Origin header; the server accepted every
     * origin, so any site the user opened could read the telemetry.
     */
    @Test
    void aWebSocketFromAnotherSitesPageIsRefusedUnlessItsOriginIsAllowed(RegionOptions options) throws Exception {
        String sub = "foxglove.websocket.v1";
        try (FoxgloveServer server = start(ServerConfig.defaults(options))) {
            int port = server.address().getPort();
            String evil = RawClient.handshake(port, sub, "Origin: https://evil.example");
            assertThat(evil).startsWith("HTTP/1.1 403").contains("refused a WebSocket from a web page of origin"
                    + " https://evil.example", "serve with --allow-origin https://evil.example");
            assertThat(log).anyMatch(l ->
                    l.startsWith("refused a WebSocket from a web page of origin https://evil.example (")
                    && l.contains("to allow it, serve with --allow-origin https://evil.example (from /127.0.0.1:"));
            // DNS rebinding: the attacker's own name pointed at 127.0.0.1 makes its page "same-origin" by Host
            assertThat(RawClient.handshake(port, sub, "Origin: http://evil.example:" + port,
                    "Host: evil.example:" + port))
                    .startsWith("HTTP/1.1 403");
            // another local server's page, and sandboxed frames of any site (Origin: null)
            assertThat(RawClient.handshake(port, sub, "Origin: http://127.0.0.1:" + (port == 1 ? 2 : port - 1)))
                    .startsWith("HTTP/1.1 403");
            assertThat(RawClient.handshake(port, sub, "Origin: null")).startsWith("HTTP/1.1 403");

            assertThat(RawClient.handshake(port, sub)).as("no Origin: not a browser page").startsWith("HTTP/1.1 101");
            assertThat(RawClient.handshake(port, sub, "Origin: https://app.foxglove.dev")).startsWith("HTTP/1.1 101");
            assertThat(RawClient.handshake(port, sub, "Origin: https://studio.foxglove.dev"))
                    .startsWith("HTTP/1.1 101");
            assertThat(RawClient.handshake(port, sub, "Origin: http://127.0.0.1:" + port)).as("the built-in page")
                    .startsWith("HTTP/1.1 101");
            assertThat(RawClient.handshake(port, sub, "Origin: http://localhost:" + port, "Host: localhost:" + port))
                    .startsWith("HTTP/1.1 101");
            assertThat(RawClient.handshake(port, sub, "Origin: file://")).as("an app loaded from files")
                    .startsWith("HTTP/1.1 101");
        }
        try (FoxgloveServer server = start(ServerConfig.defaults(options)
                .withAllowedOrigins(List.of("https://Evil.example/")))) {
            int port = server.address().getPort();
            assertThat(RawClient.handshake(port, sub, "Origin: https://evil.example")).startsWith("HTTP/1.1 101");
            assertThat(RawClient.handshake(port, sub, "Origin: https://other.example")).startsWith("HTTP/1.1 403");
            assertThat(RawClient.handshake(port, sub, "Origin: https://app.foxglove.dev")).startsWith("HTTP/1.1 101");
            assertThat(log).contains("web pages of https://evil.example may connect, besides this server's own page and"
                    + " Foxglove's");
        }
        try (FoxgloveServer server = start(ServerConfig.defaults(options).withAllowedOrigins(List.of("*")))) {
            assertThat(RawClient.handshake(server.address().getPort(), sub, "Origin: https://other.example"))
                    .startsWith("HTTP/1.1 101");
            assertThat(log).contains("WARNING: --allow-origin *: any web page the user opens can read the telemetry");
        }
        assertThatThrownBy(() -> ServerConfig.defaults(options)
                .withAllowedOrigins(List.of("https://evil.example/page")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--allow-origin "
                        + "\"https://evil.example/page\" is"
                        + " not an origin: an origin is scheme://host[:port], without a path (e.g."
                        + " https://viewer.example.com or http://robot.local:8765), or * for any origin");
    }

    @Test
    void aPortInUseOrAForeignAddressIsAClearErrorAndANonLoopbackBindIsLogged(RegionOptions options) {
        try (FoxgloveServer first = start(ServerConfig.defaults(options))) {
            int port = first.address().getPort();
            assertThatThrownBy(() -> FoxgloveServer.start(ServerConfig.defaults(options).withPort(port), log::add))
                    .isInstanceOf(ServeException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + port)
                    .hasMessageContaining("pick another port with --port");
        }
        assertThatThrownBy(() -> FoxgloveServer.start(ServerConfig.defaults(options).withBind("192.0.2.1").withPort(0),
                log::add)).isInstanceOf(ServeException.class).hasMessageContaining("cannot listen on 192.0.2.1")
                .hasMessageContaining("is the address one of this machine's?");
        try (FoxgloveServer any = start(ServerConfig.defaults(options).withBind("0.0.0.0"))) {
            assertThat(log).anyMatch(l -> l.startsWith("WARNING: listening on 0.0.0.0, not loopback"));
        }
    }

    /** A WebSocket client by hand on a plain socket with a small receive buffer: it can stop reading. */
    static final class RawClient implements AutoCloseable {
        private final Socket socket;

        private RawClient(Socket socket) {
            this.socket = socket;
        }

        static RawClient connect(int port, String subprotocol) throws IOException {
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            String response = upgrade(s, port, subprotocol);
            assertThat(response).startsWith("HTTP/1.1 101");
            return new RawClient(s);
        }

        /**
         * The server's answer (status line and headers, lower-case names) to an upgrade request, with
         * these extra headers ("Name: value"; a Host given replaces the default 127.0.0.1:port).
         */
        static String handshake(int port, String subprotocols, String... headers) throws IOException {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return upgrade(s, port, subprotocols, headers);
            }
        }

        private static String upgrade(Socket s, int port, String subprotocols, String... headers) throws IOException {
            OutputStream out = s.getOutputStream();
            String host = Arrays.stream(headers).filter(h -> h.startsWith("Host:")).findFirst()
                    .orElse("Host: 127.0.0.1:" + port);
            String extra = Arrays.stream(headers).filter(h -> !h.startsWith("Host:"))
                    .map(h -> h + "\r\n").collect(Collectors.joining());
            out.write(("GET / HTTP/1.1\r\n" + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extra
                    + "Sec-WebSocket-Protocol: " + subprotocols + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            String text = head.toString(StandardCharsets.US_ASCII);
            if (text.startsWith("HTTP/1.1 400") || text.startsWith("HTTP/1.1 403")) {
                text += new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int body = text.indexOf("\r\n\r\n");
            String headerLines = body < 0 ? text : text.substring(0, body);
            return headerLines.lines().map(l -> l.contains(":") ? l.substring(0, l.indexOf(':')).toLowerCase()
                    + l.substring(l.indexOf(':')) : l).reduce((a, b) -> a + "\n" + b).orElse("")
                    + (body < 0 ? "" : "\n\n" + text.substring(body + 4));
        }

        int localPort() {
            return socket.getLocalPort();
        }

        /** One masked text frame (clients must mask). */
        void send(String text) throws IOException {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x81);
            if (payload.length < 126) {
                frame.write(0x80 | payload.length);
            } else {
                frame.write(0x80 | 126);
                frame.write(payload.length >> 8);
                frame.write(payload.length & 0xFF);
            }
            byte[] mask = {0x11, 0x22, 0x33, 0x44};
            frame.write(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
            socket.getOutputStream().write(frame.toByteArray());
            socket.getOutputStream().flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
