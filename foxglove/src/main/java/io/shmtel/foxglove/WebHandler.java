package io.shmtel.foxglove;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Plain HTTP on the server's port: the built-in page and its scripts. WebSocket upgrades pass on
 * to the WebSocket handler, once they ask for a subprotocol this server speaks.
 */
final class WebHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** Path → (content type, bytes), read from the classpath once. */
    static final Map<String, Asset> ASSETS = Map.of(
            "/", Asset.load("io/shmtel/foxglove/web/index.html", "text/html; charset=utf-8"),
            "/app.js", Asset.load("io/shmtel/foxglove/web/app.js", "text/javascript; charset=utf-8"),
            "/scene3d.js", Asset.load("io/shmtel/foxglove/web/scene3d.js", "text/javascript; charset=utf-8"),
            "/vendor/uPlot.iife.min.js", Asset.load(WebJar.UPLOT + "dist/uPlot.iife.min.js",
                    "text/javascript; charset=utf-8"),
            "/vendor/uPlot.min.css", Asset.load(WebJar.UPLOT + "dist/uPlot.min.css", "text/css; charset=utf-8"),
            "/vendor/uPlot.LICENSE", Asset.load(WebJar.UPLOT + "LICENSE", "text/plain; charset=utf-8"));

    record Asset(String contentType, byte[] bytes) {
        static Asset load(String resource, String contentType) {
            try (InputStream in = WebHandler.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + resource
                            + " (a broken build of shmtel-foxglove)");
                }
                return new Asset(contentType, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Refused origins logged, with when: each is logged at most once a minute (a page may retry in a loop). */
    private static final int MAX_LOGGED_ORIGINS = 256;
    private static final long RELOG_NS = TimeUnit.MINUTES.toNanos(1);

    private final OriginPolicy origins;
    private final Consumer<String> log;
    private final ConcurrentHashMap<String, Long> loggedOrigins;

    WebHandler(OriginPolicy origins, Consumer<String> log,
            ConcurrentHashMap<String, Long> loggedOrigins) {
        super(false);
        this.origins = origins;
        this.log = log;
        this.loggedOrigins = loggedOrigins;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
            String origin = request.headers().get(HttpHeaderNames.ORIGIN);
            if (!origins.allows(origin, request.headers().get(HttpHeaderNames.HOST))) {
                refuseOrigin(ctx, request, origin);
                request.release();
                return;
            }
            String offered = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, "");
            boolean speaks = Arrays.stream(offered.split(",")).map(String::trim)
                    .anyMatch(FoxgloveServer.SUBPROTOCOLS::contains);
            if (!speaks) {
                respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8",
                        ("This is a Foxglove WebSocket server (shmtel serve): ask for the subprotocol "
                                + String.join(" or ", FoxgloveServer.SUBPROTOCOLS) + "; the request offered "
                                + (offered.isEmpty() ? "none" : "\"" + offered + "\"") + ".\n")
                                .getBytes(StandardCharsets.UTF_8));
                request.release();
                return;
            }
            ctx.fireChannelRead(request); // to the WebSocket handshake
            return;
        }
        try {
            if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
                respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                        "GET only\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = request.uri();
            int query = path.indexOf('?');
            if (query >= 0) {
                path = path.substring(0, query);
            }
            Asset asset = ASSETS.get(path);
            if (asset == null) {
                respond(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                        ("no page " + path + " here; the page is at /, live data at ws://<this host:port>/ with the "
                                + "subprotocol foxglove.websocket.v1\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            respond(ctx, request, HttpResponseStatus.OK, asset.contentType(), asset.bytes());
        } finally {
            request.release();
        }
    }

    /**
     * 403 for a WebSocket handshake from a web page of another site (issue 23, hole 12: any page the
     * user opened could read the telemetry), with a log line naming the origin and the option.
     */
    private void refuseOrigin(ChannelHandlerContext ctx, FullHttpRequest request, String header) {
        // printable, and short: the header is the client's text
        String origin = header.length() > 200 ? header.substring(0, 200) + "..." : header;
        origin = origin.replaceAll("[^\\x21-\\x7e]", "?");
        String why = "refused a WebSocket from a web page of origin " + origin + " (only pages of this server, of"
                + " Foxglove (" + String.join(", ", OriginPolicy.FOXGLOVE) + ") and clients without an Origin header"
                + " may connect, so that no other web site can read the telemetry); to allow it, serve with"
                + " --allow-origin " + origin;
        long now = System.nanoTime();
        Long last = loggedOrigins.get(origin);
        if (last == null || now - last > RELOG_NS) {
            if (loggedOrigins.size() >= MAX_LOGGED_ORIGINS) {
                loggedOrigins.clear();
            }
            loggedOrigins.put(origin, now);
            log.accept(why + " (from " + ctx.channel().remoteAddress() + ")");
        }
        respond(ctx, request, HttpResponseStatus.FORBIDDEN, "text/plain; charset=utf-8",
                ("shmtel serve " + why + ".\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
            String contentType, byte[] body) {
        boolean head = request.method().equals(HttpMethod.HEAD);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set("X-Content-Type-Options", "nosniff");
        boolean keepAlive = HttpUtil.isKeepAlive(request) && status.code() < 400;
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
