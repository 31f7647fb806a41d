package io.shmtel.foxglove;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.atomic.AtomicInteger;

/** One WebSocket connection after the handshake: the client's JSON requests become pump commands. */
final class SessionHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NUMBERS = new AtomicInteger();

    private final Pump pump;
    private Client client;

    SessionHandler(Pump pump) {
        this.pump = pump;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete done) {
            Client c = new Client(NUMBERS.incrementAndGet(), ctx.channel(),
                    String.valueOf(ctx.channel().remoteAddress()),
                    done.selectedSubprotocol());
            client = c;
            pump.submit(() -> pump.connected(c));
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        Client c = client;
        if (c != null) {
            pump.submit(() -> pump.disconnected(c));
        }
        super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        Client c = client;
        if (c == null) {
            return;
        }
        if (frame instanceof BinaryWebSocketFrame) {
            refuse(c, Messages.ERROR, "binary client messages (client publishing, service calls) are not supported: "
                    + "this server advertises no capabilities");
            return;
        }
        if (!(frame instanceof TextWebSocketFrame text)) {
            return;
        }
        JsonNode message;
        try {
            message = JSON.readTree(text.text());
        } catch (JsonProcessingException e) {
            refuse(c, Messages.ERROR, "not JSON: " + e.getOriginalMessage());
            return;
        }
        String op = message.path("op").asText("");
        switch (op) {
            case "subscribe" -> {
                JsonNode subs = message.path("subscriptions");
                if (!subs.isArray()) {
                    refuse(c, Messages.ERROR,
                            "subscribe: \"subscriptions\" must be an array of {\"id\", \"channelId\"}");
                    return;
                }
                for (JsonNode s : subs) {
                    Integer id = uint32(s.path("id"));
                    Integer channelId = uint32(s.path("channelId"));
                    if (id == null || channelId == null) {
                        refuse(c, Messages.ERROR, "subscribe: each subscription needs integer \"id\" and \"channelId\" "
                                + "(0 or more), not " + s);
                        continue;
                    }
                    pump.submit(() -> pump.subscribe(c, id, channelId));
                }
            }
            case "unsubscribe" -> {
                JsonNode ids = message.path("subscriptionIds");
                if (!ids.isArray()) {
                    refuse(c, Messages.ERROR, "unsubscribe: \"subscriptionIds\" must be an array of integers");
                    return;
                }
                for (JsonNode n : ids) {
                    Integer id = uint32(n);
                    if (id == null) {
                        refuse(c, Messages.ERROR, "unsubscribe: subscription id " + n + " is not an integer 0 or more");
                        continue;
                    }
                    pump.submit(() -> pump.unsubscribe(c, id));
                }
            }
            case "" -> refuse(c, Messages.ERROR, "a JSON message needs an \"op\" field");
            default -> refuse(c, Messages.WARNING, "op \"" + op + "\" is not supported: this server advertises no "
                    + "capabilities (it serves subscribe and unsubscribe)");
        }
    }

    private void refuse(Client c, int level, String message) {
        pump.submit(() -> pump.status(c, level, message));
    }

    /** A JSON integer 0..2^31-1 (ids this server hands out and accepts), or null. */
    private static Integer uint32(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToInt() && n.intValue() >= 0 ? n.intValue() : null;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset connection or a protocol violation: the client goes, the server stays
    }
}
