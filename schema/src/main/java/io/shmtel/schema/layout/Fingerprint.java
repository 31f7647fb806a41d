package io.shmtel.schema.layout;

import java.nio.charset.StandardCharsets;

/**
 * 64-bit FNV-1a over UTF-8 text: simple enough to reimplement in any language from the format
 * document, and stable across JVMs (unlike {@code String.hashCode}).
 */
public final class Fingerprint {
    static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    static final long PRIME = 0x100000001b3L;

    private Fingerprint() {}

    public static long fnv1a64(String text) {
        long hash = OFFSET_BASIS;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= (b & 0xFF);
            hash *= PRIME;
        }
        return hash;
    }

    public static String hex(long fingerprint) {
        return String.format("0x%016x", fingerprint);
    }
}
