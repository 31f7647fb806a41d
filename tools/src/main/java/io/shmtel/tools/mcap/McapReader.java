package io.shmtel.tools.mcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an MCAP file's schemas, channels and messages in file order (messages of uncompressed
 * chunks included), checking the magic at both ends and every length against the file.
 */
public final class McapReader {

    public record Schema(int id, String name, String encoding, byte[] data) {}

    public record Channel(int id, int schemaId, String topic, String messageEncoding, Map<String, String> metadata) {}

    public record Message(int channelId, long sequence, long logTimeNs, long publishTimeNs, byte[] data) {}

    /** Everything read from a file. */
    public record Contents(Map<Integer, Schema> schemas, Map<Integer, Channel> channels, List<Message> messages) {}

    /** A file that is not MCAP, or is damaged; says where. */
    public static final class McapFormatException extends IOException {
        private static final long serialVersionUID = 1L;

        McapFormatException(Path file, long offset, String message) {
            super(file + ": " + message + " (at byte " + offset + ")");
        }
    }

    private McapReader() {}

    public static Contents read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 2 * McapWriter.MAGIC.length
                || !Arrays.equals(Arrays.copyOf(bytes, McapWriter.MAGIC.length), McapWriter.MAGIC)) {
            throw new McapFormatException(file, 0, "not an MCAP file (no \\x89MCAP0 magic)");
        }
        if (!Arrays.equals(Arrays.copyOfRange(bytes, bytes.length - McapWriter.MAGIC.length, bytes.length), McapWriter.MAGIC)) {
            throw new McapFormatException(file, bytes.length, "no MCAP magic at the end: the file is truncated (was its"
                    + " recording interrupted before it finished?)");
        }
        Map<Integer, Schema> schemas = new LinkedHashMap<>();
        Map<Integer, Channel> channels = new LinkedHashMap<>();
        List<Message> messages = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, bytes.length - McapWriter.MAGIC.length).order(ByteOrder.LITTLE_ENDIAN);
        b.position(McapWriter.MAGIC.length);
        records(file, b, schemas, channels, messages, true);
        return new Contents(schemas, channels, messages);
    }

    private static void records(Path file, ByteBuffer b, Map<Integer, Schema> schemas, Map<Integer, Channel> channels,
            List<Message> messages, boolean top) throws IOException {
        while (b.remaining() > 0) {
            long at = b.position();
            if (b.remaining() < 9) {
                throw new McapFormatException(file, at, "record header cut short");
            }
            int op = b.get() & 0xFF;
            long length = b.getLong();
            if (length < 0 || length > b.remaining()) {
                throw new McapFormatException(file, at, "record length " + length + " runs past the end");
            }
            ByteBuffer r = b.slice(b.position(), (int) length).order(ByteOrder.LITTLE_ENDIAN);
            b.position(b.position() + (int) length);
            switch (op) {
                case McapWriter.OP_SCHEMA -> {
                    int id = r.getShort() & 0xFFFF;
                    schemas.putIfAbsent(id, new Schema(id, string(r), string(r), bytes(r, r.getInt())));
                }
                case McapWriter.OP_CHANNEL -> {
                    int id = r.getShort() & 0xFFFF;
                    int schemaId = r.getShort() & 0xFFFF;
                    String topic = string(r);
                    String encoding = string(r);
                    int mapLength = r.getInt();
                    ByteBuffer m = r.slice(r.position(), mapLength).order(ByteOrder.LITTLE_ENDIAN);
                    Map<String, String> metadata = new LinkedHashMap<>();
                    while (m.remaining() > 0) {
                        metadata.put(string(m), string(m));
                    }
                    channels.putIfAbsent(id, new Channel(id, schemaId, topic, encoding, metadata));
                }
                case McapWriter.OP_MESSAGE -> {
                    int channel = r.getShort() & 0xFFFF;
                    long sequence = r.getInt() & 0xFFFF_FFFFL;
                    long logTime = r.getLong();
                    long publishTime = r.getLong();
                    messages.add(new Message(channel, sequence, logTime, publishTime, bytes(r, r.remaining())));
                }
                case McapWriter.OP_CHUNK -> {
                    r.getLong();
                    r.getLong();
                    r.getLong();
                    r.getInt();
                    String compression = string(r);
                    if (!compression.isEmpty()) {
                        throw new McapFormatException(file, at, "chunk compressed with " + compression
                                + "; shmtel replays uncompressed MCAP (as shmtel record writes it)");
                    }
                    long recordsLength = r.getLong();
                    ByteBuffer inner = r.slice(r.position(), (int) recordsLength).order(ByteOrder.LITTLE_ENDIAN);
                    records(file, inner, schemas, channels, messages, false);
                }
                case McapWriter.OP_DATA_END -> {
                    if (top) {
                        return; // the summary repeats what was read
                    }
                }
                default -> {
                    // header, indexes, statistics, metadata, attachments: not needed to replay
                }
            }
        }
    }

    private static String string(ByteBuffer b) {
        return new String(bytes(b, b.getInt()), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer b, int length) {
        byte[] out = new byte[length];
        b.get(out);
        return out;
    }
}
