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

/**
 * Plain HTTP on the server's port: the built-in page and its scripts. WebSocket upgrades pass on
 * to the WebSocket handler, once they ask for a subprotocol this server speaks.
 */
final class WebHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** Path → (content type, bytes), read from the classpath once. */
    static final Map<String, Asset> ASSETS = Map.of(
            "/", Asset.load("io/shmtel/foxglove/web/index.html", "text/html; charset=utf-8"),
            "/app.js", Asset.load("io/shmtel/foxglove/web/app.js", "text/javascript; charset=utf-8"),
            "/vendor/uPlot.iife.min.js", Asset.load(WebJar.UPLOT + "dist/uPlot.iife.min.js",
                    "text/javascript; charset=utf-8"),
            "/vendor/uPlot.min.css", Asset.load(WebJar.UPLOT + "dist/uPlot.min.css", "text/css; charset=utf-8"),
            "/vendor/uPlot.LICENSE", Asset.load(WebJar.UPLOT + "LICENSE", "text/plain; charset=utf-8"));

    record Asset(String contentType, byte[] bytes) {
        static Asset load(String resource, String contentType) {
            try (InputStream in = WebHandler.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + resource + " (a broken build of shmtel-foxglove)");
                }
                return new Asset(contentType, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    WebHandler() {
        super(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
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
