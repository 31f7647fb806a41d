package io.shmtel.foxglove;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A Foxglove WebSocket (v1) server over shmtel regions, and the built-in live page on the same port.
 * One channel per region/record is advertised, with JSON messages and the record's JSON Schema;
 * subscribed channels are read by one pump thread with stream subscribers and sent at most at the
 * configured rate. A region that appears is advertised, one that goes is withdrawn, a new writer
 * epoch is withdrawn and advertised again.
 *
 * <pre>{@code
 * try (FoxgloveServer server = FoxgloveServer.start(ServerConfig.defaults(RegionOptions.defaults()),
 * System.err::println)) {
 *     server.awaitClose();
 * }
 * }</pre>
 */
public final class FoxgloveServer implements AutoCloseable {
    /** The subprotocols accepted, in the order of preference when a client offers several. */
    public static final List<String> SUBPROTOCOLS = List.of("foxglove.websocket.v1", "foxglove.sdk.v1");

    static {
        // Netty's optional sun.misc.Unsafe use is not wanted (Java 17 baseline, no Unsafe; and JDK 24+
        // warns about it). Its portable paths are used instead. A user's explicit setting wins.
        if (System.getProperty("io.netty.noUnsafe") == null) {
            System.setProperty("io.netty.noUnsafe", "true");
        }
    }

    private final ServerConfig config;
    private final EventLoopGroup group;
    private final Channel server;
    private final Pump pump;
    private final Thread pumpThread;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FoxgloveServer(ServerConfig config, EventLoopGroup group, Channel server, Pump pump, Thread pumpThread) {
        this.config = config;
        this.group = group;
        this.server = server;
        this.pump = pump;
        this.pumpThread = pumpThread;
    }

    /**
     * Binds and starts serving. A port in use or an address not on this machine is a
     * {@link ServeException} that says so and what to do.
     */
    public static FoxgloveServer start(ServerConfig config, Consumer<String> log) {
        InetAddress address;
        try {
            address = InetAddress.getByName(config.bind());
        } catch (UnknownHostException e) {
            throw new ServeException("cannot bind to \"" + config.bind() + "\": not an address or known host name");
        }
        Pump pump = new Pump(config, log);
        EventLoopGroup group = new NioEventLoopGroup(2, r -> {
            Thread t = new Thread(r, "shmtel-serve-net");
            t.setDaemon(true);
            return t;
        });
        OriginPolicy origins = new OriginPolicy(config.allowedOrigins());
        ConcurrentHashMap<String, Long> loggedOrigins = new ConcurrentHashMap<>();
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .subprotocols(String.join(",", SUBPROTOCOLS))
                .maxFramePayloadLength(1 << 20)
                .handshakeTimeoutMillis(10_000)
                .build();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.highWaterBytes() / 2, config.highWaterBytes()))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new WebHandler(origins, log, loggedOrigins), new WebSocketServerProtocolHandler(ws),
                                new WebSocketFrameAggregator(1 << 20), new SessionHandler(pump));
                    }
                });
        Channel server;
        try {
            server = bootstrap.bind(new InetSocketAddress(address, config.port())).syncUninterruptibly().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (e instanceof BindException) {
                throw new ServeException("cannot listen on " + address.getHostAddress() + ":" + config.port() + ": "
                        + e.getMessage() + (config.port() != 0 && String.valueOf(e.getMessage()).contains("in use")
                        ? " (another server runs there: stop it, or pick another port with --port)"
                        : " (is the address one of this machine's?)"));
            }
            throw new ServeException("cannot listen on " + address.getHostAddress() + ":" + config.port() + ": " + e,
                    e);
        }
        Thread pumpThread = new Thread(pump, "shmtel-serve-pump");
        pumpThread.setDaemon(true);
        pumpThread.start();
        InetSocketAddress bound = (InetSocketAddress) server.localAddress();
        log.accept("serving " + (config.targets().isEmpty() ? "every region of " + config.directory().path()
                : String.join(" ", config.targets())) + " on ws://" + hostPort(bound) + "/ (Foxglove: open connection, "
                + "Foxglove WebSocket) and http://" + hostPort(bound) + "/ (the built-in page)"
                + (config.maxRateHz() == 0 ? ", no rate limit" : ", at most " + fmt(config.maxRateHz())
                + " messages/s per channel") + (config.encoding() == MessageEncoding.JSON ? ""
                : ", " + config.encoding().messageEncoding + " messages (" + config.encoding().schemaEncoding
                + " schemas; the built-in page needs json)"));
        if (config.allowedOrigins().contains(OriginPolicy.ANY)) {
            log.accept("WARNING: --allow-origin *: any web page the user opens can read the telemetry");
        } else if (!config.allowedOrigins().isEmpty()) {
            log.accept("web pages of " + String.join(", ", config.allowedOrigins()) + " may connect, besides this"
                    + " server's own page and Foxglove's");
        }
        if (!address.isLoopbackAddress()) {
            log.accept("WARNING: listening on " + address.getHostAddress() + ", not loopback: any host that can reach "
                    + "this one can read the telemetry (there is no authentication)");
        }
        return new FoxgloveServer(config, group, server, pump, pumpThread);
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static String fmt(double hz) {
        return hz == Math.rint(hz) ? Long.toString((long) hz) : Double.toString(hz);
    }

    public ServerConfig config() {
        return config;
    }

    /** The address listened on (the port chosen, when the configured one was 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Connected clients, refreshed ten times a second. */
    public List<ClientStats> clients() {
        return pump.clientStats();
    }

    /** Advertised channels, refreshed ten times a second. */
    public List<ChannelStats> channels() {
        return pump.channelStats();
    }

    /** Blocks until the server is closed (by {@link #close} from another thread). */
    public void awaitClose() throws InterruptedException {
        server.closeFuture().await();
    }

    /** Stops listening, closes every connection and every subscriber. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close().syncUninterruptibly();
        pump.stop();
        try {
            pumpThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
