package io.shmtel.foxglove.wellknown;

import io.shmtel.core.view.DynamicView;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a well-known message as the JSON object Foxglove's JSON schemas describe. Numbers that JSON cannot
 * carry (NaN, infinities) are written as {@code null}; bytes as base64. Reuses its buffers from message to
 * message.
 */
final class JsonSink implements MessageSink {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int INITIAL_DEPTH = 8;
    /** The base64 alphabet (RFC 4648, with padding), as JSON carries Foxglove's {@code bytes}. */
    private static final char[] BASE64 =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    private final StringBuilder json = new StringBuilder(256);
    /** Whether the object or array at each depth has no member yet. */
    private boolean[] empty = new boolean[INITIAL_DEPTH];
    private int depth;

    @Override
    public void begin() {
        json.setLength(0);
        json.append('{');
        depth = 0;
        empty[0] = true;
    }

    @Override
    public byte[] finish() {
        json.append('}');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void member(String name) {
        if (!empty[depth]) {
            json.append(',');
        }
        empty[depth] = false;
        if (name != null) {
            json.append('"').append(name).append("\":");
        }
    }

    private void open(char bracket) {
        json.append(bracket);
        if (++depth == empty.length) {
            empty = Arrays.copyOf(empty, depth * 2);
        }
        empty[depth] = true;
    }

    @Override
    public void beginStruct(String name) {
        member(name);
        open('{');
    }

    @Override
    public void endStruct() {
        json.append('}');
        depth--;
    }

    @Override
    public void beginList(String name, int count) {
        member(name);
        open('[');
    }

    @Override
    public void endList() {
        json.append(']');
        depth--;
    }

    @Override
    public void time(String name, String nanosName, long timestampNs) {
        member(name);
        json.append("{\"sec\":").append(Math.floorDiv(timestampNs, NANOS_PER_SECOND)).append(",\"").append(nanosName)
                .append("\":").append(Math.floorMod(timestampNs, NANOS_PER_SECOND)).append('}');
    }

    @Override
    public void text(String name, String value) {
        member(name);
        DynamicView.appendJsonString(json, value);
    }

    @Override
    public void float64(String name, double value) {
        member(name);
        number(value);
    }

    private void number(double value) {
        if (!Double.isFinite(value)) {
            json.append("null");
        } else if (value == Math.rint(value) && Math.abs(value) < Long.MAX_VALUE) {
            json.append((long) value);
        } else {
            json.append(value);
        }
    }

    @Override
    public void uint32(String name, long value) {
        member(name);
        json.append(value);
    }

    @Override
    public void uint8(String name, int value) {
        member(name);
        json.append(value);
    }

    @Override
    public void float64s(String name, double[] values, int count) {
        member(name);
        json.append('[');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                json.append(',');
            }
            number(values[i]);
        }
        json.append(']');
    }

    @Override
    public void texts(String name, List<String> values) {
        member(name);
        json.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            DynamicView.appendJsonString(json, values.get(i));
        }
        json.append(']');
    }

    @Override
    public void bytes(String name, byte[] data, int length) {
        member(name);
        json.append('"');
        int i = 0;
        for (; i + 2 < length; i += 3) { // whole groups of 3 bytes: 4 characters
            int group = (data[i] & 0xFF) << 16 | (data[i + 1] & 0xFF) << 8 | data[i + 2] & 0xFF;
            json.append(BASE64[group >>> 18]).append(BASE64[group >>> 12 & 0x3F]).append(BASE64[group >>> 6 & 0x3F])
                    .append(BASE64[group & 0x3F]);
        }
        if (length - i == 1) {
            int group = (data[i] & 0xFF) << 16;
            json.append(BASE64[group >>> 18]).append(BASE64[group >>> 12 & 0x3F]).append("==");
        } else if (length - i == 2) {
            int group = (data[i] & 0xFF) << 16 | (data[i + 1] & 0xFF) << 8;
            json.append(BASE64[group >>> 18]).append(BASE64[group >>> 12 & 0x3F]).append(BASE64[group >>> 6 & 0x3F])
                    .append('=');
        }
        json.append('"');
    }
}
