package io.shmtel.foxglove.wellknown;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a well-known message as ROS 2 CDR (little-endian XCDR1, as {@code rmw} and Foxglove read it): the
 * 4-byte encapsulation header, then the members in order, each aligned to its size counted from the end of the
 * header; strings and sequences as a uint32 length first (strings with their NUL). The buffer grows as needed
 * and is reused.
 */
final class CdrSink implements MessageSink {
    private static final int HEADER = 4;
    private static final byte CDR_LE = 1;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int INITIAL_CAPACITY = 256;

    private ByteBuffer out = ByteBuffer.allocate(INITIAL_CAPACITY).order(ByteOrder.LITTLE_ENDIAN);

    @Override
    public void begin() {
        out.clear();
        out.put((byte) 0).put(CDR_LE).put((byte) 0).put((byte) 0); // CDR_LE, no options
    }

    @Override
    public byte[] finish() {
        return Arrays.copyOf(out.array(), out.position());
    }

    private ByteBuffer room(int size, int bytes) {
        int pad = (size - (out.position() - HEADER) % size) % size;
        if (out.remaining() < pad + bytes) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + pad + bytes))
                    .order(ByteOrder.LITTLE_ENDIAN);
            bigger.put(out.array(), 0, out.position());
            out = bigger;
        }
        for (int i = 0; i < pad; i++) {
            out.put((byte) 0);
        }
        return out;
    }

    @Override
    public void beginStruct(String name) {
        // a struct is its members
    }

    @Override
    public void endStruct() {
        // a struct is its members
    }

    @Override
    public void beginList(String name, int count) {
        room(Integer.BYTES, Integer.BYTES).putInt(count);
    }

    @Override
    public void endList() {
        // the elements follow the length
    }

    @Override
    public void time(String name, String nanosName, long timestampNs) {
        room(Integer.BYTES, 2 * Integer.BYTES).putInt((int) Math.floorDiv(timestampNs, NANOS_PER_SECOND))
                .putInt((int) Math.floorMod(timestampNs, NANOS_PER_SECOND));
    }

    @Override
    public void text(String name, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        room(Integer.BYTES, Integer.BYTES + utf8.length + 1).putInt(utf8.length + 1).put(utf8).put((byte) 0);
    }

    @Override
    public void float64(String name, double value) {
        room(Double.BYTES, Double.BYTES).putDouble(value);
    }

    @Override
    public void uint32(String name, long value) {
        room(Integer.BYTES, Integer.BYTES).putInt((int) value);
    }

    @Override
    public void uint8(String name, int value) {
        room(1, 1).put((byte) value);
    }

    @Override
    public void float64s(String name, double[] values, int count) {
        room(Integer.BYTES, Integer.BYTES).putInt(count);
        if (count > 0) {
            room(Double.BYTES, count * Double.BYTES);
            for (int i = 0; i < count; i++) {
                out.putDouble(values[i]);
            }
        }
    }

    @Override
    public void texts(String name, List<String> values) {
        room(Integer.BYTES, Integer.BYTES).putInt(values.size());
        for (String v : values) {
            text(null, v);
        }
    }

    @Override
    public void bytes(String name, byte[] data, int length) {
        room(Integer.BYTES, Integer.BYTES + length).putInt(length).put(data, 0, length);
    }
}
