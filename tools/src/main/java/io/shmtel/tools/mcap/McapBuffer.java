package io.shmtel.tools.mcap;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A little-endian byte builder for MCAP record contents ({@link McapWriter}'s records, chunks and summary). */
final class McapBuffer {
    /** The first capacity; it doubles as needed. */
    private static final int INITIAL_CAPACITY = 256;

    private byte[] bytes = new byte[INITIAL_CAPACITY];
    private int length;

    int length() {
        return length;
    }

    void clear() {
        length = 0;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    McapBuffer u8(int v) {
        ensure(1);
        bytes[length++] = (byte) v;
        return this;
    }

    McapBuffer u16(int v) {
        return u8(v).u8(v >>> 8);
    }

    McapBuffer u32(int v) {
        return u16(v).u16(v >>> 16);
    }

    McapBuffer u64(long v) {
        return u32((int) v).u32((int) (v >>> 32));
    }

    McapBuffer bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    McapBuffer bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, length, len);
        length += len;
        return this;
    }

    McapBuffer string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u32(b.length).bytes(b);
    }

    McapBuffer append(McapBuffer other) {
        return bytes(other.bytes, 0, other.length);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    /** These bytes as the content of a record: op code, content length, content. */
    byte[] toRecord(int opcode) {
        return new McapBuffer().u8(opcode).u64(length).append(this).toByteArray();
    }
}
