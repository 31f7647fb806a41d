package io.shmtel.foxglove;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;

/** The server's JSON messages of the Foxglove WebSocket protocol (v1), written with Jackson's generator. */
final class Messages {
    /** Binary opcode of Message Data (server to client). */
    static final byte MESSAGE_DATA = 0x01;
    /** Status levels. */
    static final int INFO = 0;
    static final int WARNING = 1;
    static final int ERROR = 2;

    private static final JsonFactory JSON = new JsonFactory();

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private Messages() {}

    private static String op(String op, Body body) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("op", op);
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static String serverInfo(String name, String sessionId, Map<String, String> metadata) {
        return op("serverInfo", g -> {
            g.writeStringField("name", name);
            g.writeArrayFieldStart("capabilities");
            g.writeEndArray();
            g.writeArrayFieldStart("supportedEncodings");
            g.writeEndArray();
            g.writeObjectFieldStart("metadata");
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeStringField("sessionId", sessionId);
        });
    }

    static String advertise(Collection<Topic> topics) {
        return op("advertise", g -> {
            g.writeArrayFieldStart("channels");
            for (Topic t : topics) {
                g.writeStartObject();
                g.writeNumberField("id", t.channelId);
                g.writeStringField("topic", t.topicName);
                g.writeStringField("encoding", t.encoding.messageEncoding);
                g.writeStringField("schemaName", t.schemaName);
                g.writeStringField("schema", t.schema);
                g.writeStringField("schemaEncoding", t.encoding.schemaEncoding);
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    static String unadvertise(Collection<Integer> channelIds) {
        return op("unadvertise", g -> {
            g.writeArrayFieldStart("channelIds");
            for (int id : channelIds) {
                g.writeNumber(id);
            }
            g.writeEndArray();
        });
    }

    static String status(int level, String message) {
        return op("status", g -> {
            g.writeNumberField("level", level);
            g.writeStringField("message", message);
        });
    }
}
