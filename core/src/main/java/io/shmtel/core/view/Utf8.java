package io.shmtel.core.view;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Fixed-capacity UTF-8 text fields: NUL-padded, not necessarily NUL-terminated when full. */
public final class Utf8 {
    private static final char REPLACEMENT = '\uFFFD';

    private Utf8() {}

    /** Bytes {@code value} takes in UTF-8 (unpaired surrogates count as one byte, written as '?'). */
    public static int encodedLength(CharSequence value) {
        int n = 0;
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * Encodes {@code value} at {@code offset} and NUL-fills the rest of the capacity, without
     * allocating. Text that does not fit is refused before anything is written, so the field keeps
     * its previous value.
     */
    public static void encode(CharSequence value, ByteBuffer buffer, int offset, int capacity, String fieldName) {
        int encoded = encodedLength(value);
        if (encoded > capacity) {
            throw new IllegalArgumentException("text does not fit field " + fieldName + ": needs " + encoded
                    + " UTF-8 bytes, capacity=" + capacity);
        }
        int n = 0;
        int length = value.length();
        for (int i = 0; i < length; i++) {
            int c = value.charAt(i);
            if (Character.isHighSurrogate((char) c) && i + 1 < length
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                c = Character.toCodePoint((char) c, value.charAt(++i));
            } else if (Character.isSurrogate((char) c)) {
                c = '?';
            }
            if (c < 0x80) {
                buffer.put(offset + n++, (byte) c);
            } else if (c < 0x800) {
                buffer.put(offset + n++, (byte) (0xC0 | (c >> 6)));
                buffer.put(offset + n++, (byte) (0x80 | (c & 0x3F)));
            } else if (c < 0x10000) {
                buffer.put(offset + n++, (byte) (0xE0 | (c >> 12)));
                buffer.put(offset + n++, (byte) (0x80 | ((c >> 6) & 0x3F)));
                buffer.put(offset + n++, (byte) (0x80 | (c & 0x3F)));
            } else {
                buffer.put(offset + n++, (byte) (0xF0 | (c >> 18)));
                buffer.put(offset + n++, (byte) (0x80 | ((c >> 12) & 0x3F)));
                buffer.put(offset + n++, (byte) (0x80 | ((c >> 6) & 0x3F)));
                buffer.put(offset + n++, (byte) (0x80 | (c & 0x3F)));
            }
        }
        for (int i = n; i < capacity; i++) {
            buffer.put(offset + i, (byte) 0);
        }
    }

    /** Bytes of text stored at {@code offset}: up to the first NUL or the capacity. */
    public static int byteLength(ByteBuffer buffer, int offset, int capacity) {
        for (int i = 0; i < capacity; i++) {
            if (buffer.get(offset + i) == 0) {
                return i;
            }
        }
        return capacity;
    }

    /** Decodes the text at {@code offset} into a new String (allocates). */
    public static String decode(ByteBuffer buffer, int offset, int capacity) {
        int n = byteLength(buffer, offset, capacity);
        byte[] bytes = new byte[n];
        buffer.get(offset, bytes, 0, n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Appends the text at {@code offset} to {@code dst} without allocating; bad bytes become U+FFFD. */
    public static StringBuilder decode(ByteBuffer buffer, int offset, int capacity, StringBuilder dst) {
        int n = byteLength(buffer, offset, capacity);
        int i = 0;
        while (i < n) {
            int b0 = buffer.get(offset + i) & 0xFF;
            int need;
            int cp;
            if (b0 < 0x80) {
                dst.append((char) b0);
                i++;
                continue;
            } else if (b0 >= 0xC2 && b0 < 0xE0) {
                need = 1;
                cp = b0 & 0x1F;
            } else if (b0 >= 0xE0 && b0 < 0xF0) {
                need = 2;
                cp = b0 & 0x0F;
            } else if (b0 >= 0xF0 && b0 < 0xF5) {
                need = 3;
                cp = b0 & 0x07;
            } else {
                dst.append(REPLACEMENT);
                i++;
                continue;
            }
            if (i + need >= n) {
                dst.append(REPLACEMENT);
                i++;
                continue;
            }
            boolean ok = true;
            for (int j = 1; j <= need; j++) {
                int b = buffer.get(offset + i + j) & 0xFF;
                if ((b & 0xC0) != 0x80) {
                    ok = false;
                    break;
                }
                cp = (cp << 6) | (b & 0x3F);
            }
            int min = need == 1 ? 0x80 : need == 2 ? 0x800 : 0x10000;
            if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                dst.append(REPLACEMENT);
                i++;
                continue;
            }
            dst.appendCodePoint(cp);
            i += need + 1;
        }
        return dst;
    }
}
