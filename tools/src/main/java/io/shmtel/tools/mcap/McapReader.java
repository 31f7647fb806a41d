package io.shmtel.tools.mcap;

import io.shmtel.schema.InputFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
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
import java.util.zip.CRC32;

/**
 * Reads an MCAP file's schemas, channels and messages in file order (messages of uncompressed
 * chunks included), verifying the whole file before returning anything: the magic at both ends,
 * the footer, every record's length against its container and every field's length against its
 * record, that messages name channels defined before them, and the CRCs the file carries (each
 * chunk's, the data section's in the data end record, the summary's in the footer; a CRC of 0
 * means none, as the MCAP spec says). A damaged file is refused with the offset and what is wrong.
 */
public final class McapReader {
    /** The largest MCAP file read (it is read whole): 1 GiB. */
    public static final int MAX_FILE_BYTES = 1 << 30;
    private static final int FOOTER_LENGTH = 1 + 8 + 8 + 8 + 4;

    public record Schema(int id, String name, String encoding, byte[] data) {}

    public record Channel(int id, int schemaId, String topic, String messageEncoding, Map<String, String> metadata) {}

    /**
     * One message; {@code offset}: where its record starts in the file. Its data stay in the file's
     * bytes (read them with {@link #dataStream()} without a copy), so a file needs its size in memory once.
     */
    public static final class Message {
        private final int channelId;
        private final long sequence;
        private final long logTimeNs;
        private final long publishTimeNs;
        private final long offset;
        private final byte[] file;
        private final int dataOffset;
        private final int dataLength;

        Message(int channelId, long sequence, long logTimeNs, long publishTimeNs, long offset, byte[] file,
                int dataOffset, int dataLength) {
            this.channelId = channelId;
            this.sequence = sequence;
            this.logTimeNs = logTimeNs;
            this.publishTimeNs = publishTimeNs;
            this.offset = offset;
            this.file = file;
            this.dataOffset = dataOffset;
            this.dataLength = dataLength;
        }

        public int channelId() {
            return channelId;
        }

        public long sequence() {
            return sequence;
        }

        public long logTimeNs() {
            return logTimeNs;
        }

        public long publishTimeNs() {
            return publishTimeNs;
        }

        /** Where the message record starts in the file. */
        public long offset() {
            return offset;
        }

        /** A copy of the message data. */
        public byte[] data() {
            return Arrays.copyOfRange(file, dataOffset, dataOffset + dataLength);
        }

        /** The message data, read in place. */
        public InputStream dataStream() {
            return new ByteArrayInputStream(file, dataOffset, dataLength);
        }
    }

    /** Everything read from a file. */
    public record Contents(Map<Integer, Schema> schemas, Map<Integer, Channel> channels, List<Message> messages) {}

    /** A file that is not MCAP, or is damaged; says where. */
    public static final class McapFormatException extends IOException {
        private static final long serialVersionUID = 1L;

        public McapFormatException(Path file, long offset, String message) {
            super(file + ": " + message + " (at byte " + offset + ")");
        }

        public McapFormatException(Path file, String message) {
            super(file + ": " + message);
        }
    }

    /** A field that does not fit its record; the caller adds which record and where. */
    private static final class Damage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Damage(String message) {
            super(message, null, false, false);
        }
    }

    private final Path file;
    private final byte[] bytes;
    private final Map<Integer, Schema> schemas = new LinkedHashMap<>();
    private final Map<Integer, Channel> channels = new LinkedHashMap<>();
    private final List<Message> messages = new ArrayList<>();

    private McapReader(Path file, byte[] bytes) {
        this.file = file;
        this.bytes = bytes;
    }

    /**
     * Reads and verifies {@code file}, a regular file of at most {@link #MAX_FILE_BYTES}.
     *
     * @throws InputFiles.UnreadableFileException the file is missing, not a regular file or too large
     * @throws McapFormatException it is not MCAP or is damaged
     */
    public static Contents read(Path file) throws IOException {
        // The file is held in memory, with a small object per message: refuse it rather than run out.
        long size = Files.isRegularFile(file) ? Files.size(file) : 0;
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (size <= MAX_FILE_BYTES && size + size / 2 > available) {
            throw new InputFiles.UnreadableFileException(file,
                    size + " bytes need about " + (size + size / 2) / (1 << 20)
                    + " MiB of memory, more than this JVM has free (" + available / (1 << 20) + " MiB): give it more,"
                    + " e.g. SHMTEL_JAVA_OPTS=-Xmx" + Math.max(2, (size * 2 >> 30) + 1) + "g", null);
        }
        return new McapReader(file, InputFiles.read(file, MAX_FILE_BYTES)).read();
    }

    /** Verifies and reads {@code bytes}, the contents of {@code file} (named in messages). */
    public static Contents read(Path file, byte[] bytes) throws McapFormatException {
        return new McapReader(file, bytes).read();
    }

    private Contents read() throws McapFormatException {
        byte[] magic = McapFormat.MAGIC;
        if (bytes.length < magic.length || !Arrays.equals(Arrays.copyOf(bytes, magic.length), magic)) {
            throw new McapFormatException(file, 0, "not an MCAP file (no \\x89MCAP0 magic)");
        }
        if (bytes.length < 2 * magic.length + FOOTER_LENGTH
                || !Arrays.equals(Arrays.copyOfRange(bytes, bytes.length - magic.length, bytes.length), magic)) {
            throw new McapFormatException(file, bytes.length, "no MCAP magic at the end: the file is truncated (was its"
                    + " recording interrupted before it finished?)");
        }
        int footer = bytes.length - magic.length - FOOTER_LENGTH;
        ByteBuffer f = ByteBuffer.wrap(bytes, footer, FOOTER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        if ((f.get() & 0xFF) != McapFormat.OP_FOOTER || f.getLong() != FOOTER_LENGTH - 9) {
            throw new McapFormatException(file, footer,
                    "no footer record before the closing magic: the file is damaged");
        }
        long summaryStart = f.getLong();
        f.getLong(); // summary offset start
        int summaryCrc = f.getInt();

        // The data section, up to and including the data end record.
        ByteBuffer data = ByteBuffer.wrap(bytes, 0, footer).order(ByteOrder.LITTLE_ENDIAN);
        data.position(magic.length);
        int dataEnd = records(data, 0, true);
        if (dataEnd < 0) {
            throw new McapFormatException(file, footer, "no data end record before the footer: the file is damaged");
        }
        int dataCrc = ByteBuffer.wrap(bytes, dataEnd + 9, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (dataCrc != 0) {
            checkCrc(0, dataEnd, dataCrc, "data section CRC", dataEnd);
        }

        // The summary section: whole records up to the footer, covered by the footer's CRC.
        int summary = data.position();
        if (summaryStart != 0 && summaryStart != summary) {
            throw new McapFormatException(file, footer, "the footer puts the summary at byte " + summaryStart
                    + ", but the data section ends at byte " + summary + ": the file is damaged");
        }
        if (summaryCrc != 0) { // from the end of the data section to the footer's CRC field
            checkCrc(summary, footer + 1 + 8 + 8 + 8, summaryCrc, "summary CRC", footer);
        }
        while (data.hasRemaining()) {
            int at = data.position();
            data.position(at + 9 + (int) recordLength(data, at));
        }
        return new Contents(schemas, channels, messages);
    }

    /** Checks the CRC32 of bytes [from, to) against {@code expected}, which the record at {@code at} stores. */
    private void checkCrc(int from, int to, int expected, String what, long at) throws McapFormatException {
        CRC32 crc = new CRC32();
        crc.update(bytes, from, to - from);
        if ((int) crc.getValue() != expected) {
            throw new McapFormatException(file, at,
                    String.format("%s mismatch: bytes %d to %d hold CRC 0x%08x, the file"
                    + " says 0x%08x: the file is damaged", what, from, to, (int) crc.getValue(), expected));
        }
    }

    /** The length of the record at {@code at}, checked against what is left of its container. */
    private long recordLength(ByteBuffer b, int at) throws McapFormatException {
        if (b.remaining() < 9) {
            throw new McapFormatException(file, at, "record header cut short: " + b.remaining()
                    + " bytes left, a record needs 9");
        }
        long length = ByteBuffer.wrap(bytes, at + 1, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (length < 0 || length > b.remaining() - 9) {
            throw new McapFormatException(file, at, "record length " + length + " runs past the end of its "
                    + (b.limit() == bytes.length - McapFormat.MAGIC.length - FOOTER_LENGTH ? "section" : "chunk")
                    + " (" + (b.remaining() - 9) + " bytes left): the file is damaged");
        }
        return length;
    }

    /**
     * Reads the records of {@code b} (positions are file offsets); at the top level stops after the
     * data end record and returns its offset (else -1).
     */
    private int records(ByteBuffer b, int depth, boolean top) throws McapFormatException {
        boolean first = top;
        while (b.hasRemaining()) {
            int at = b.position();
            long length = recordLength(b, at);
            int op = bytes[at] & 0xFF;
            ByteBuffer r = ByteBuffer.wrap(bytes, at + 9, (int) length).slice().order(ByteOrder.LITTLE_ENDIAN);
            b.position(at + 9 + (int) length);
            if (first && op != McapFormat.OP_HEADER) {
                throw new McapFormatException(file, at, "the first record is not a header (opcode 0x"
                        + Integer.toHexString(op) + "): the file is damaged");
            }
            first = false;
            try {
                switch (op) {
                    case McapFormat.OP_HEADER -> {
                        string(r);
                        string(r);
                    }
                    case McapFormat.OP_SCHEMA -> {
                        int id = r.getShort() & 0xFFFF;
                        schemas.putIfAbsent(id, new Schema(id, string(r), string(r), bytes(r, r.getInt())));
                    }
                    case McapFormat.OP_CHANNEL -> {
                        int id = r.getShort() & 0xFFFF;
                        int schemaId = r.getShort() & 0xFFFF;
                        if (schemaId != 0 && !schemas.containsKey(schemaId)) {
                            throw new Damage("names schema " + schemaId + ", not defined before it");
                        }
                        String topic = string(r);
                        String encoding = string(r);
                        ByteBuffer m = ByteBuffer.wrap(bytes(r, r.getInt())).order(ByteOrder.LITTLE_ENDIAN);
                        Map<String, String> metadata = new LinkedHashMap<>();
                        while (m.hasRemaining()) {
                            metadata.put(string(m), string(m));
                        }
                        channels.putIfAbsent(id, new Channel(id, schemaId, topic, encoding, metadata));
                    }
                    case McapFormat.OP_MESSAGE -> {
                        int channel = r.getShort() & 0xFFFF;
                        if (!channels.containsKey(channel)) {
                            throw new Damage("names channel " + channel + ", not defined before it");
                        }
                        long sequence = r.getInt() & 0xFFFF_FFFFL;
                        long logTime = r.getLong();
                        long publishTime = r.getLong();
                        int data = at + 9 + r.position();
                        messages.add(new Message(channel, sequence, logTime, publishTime, at, bytes, data,
                                r.remaining()));
                    }
                    case McapFormat.OP_CHUNK -> chunk(r, at, depth);
                    case McapFormat.OP_DATA_END -> {
                        r.getInt();
                        if (top) {
                            return at;
                        }
                    }
                    default -> {
                        // indexes, statistics, metadata, attachments: not needed to replay
                    }
                }
            } catch (Damage | BufferUnderflowException e) {
                throw new McapFormatException(file, name(op) + " at byte " + at + ": "
                        + (e instanceof Damage ? e.getMessage() : "shorter than its fields say (" + length + " bytes)")
                        + ": the file is damaged");
            }
        }
        return -1;
    }

    private void chunk(ByteBuffer r, int at, int depth) throws McapFormatException {
        if (depth > 0) {
            throw new Damage("lies inside a chunk");
        }
        r.getLong(); // message start time
        r.getLong(); // message end time
        long uncompressedSize = r.getLong();
        int crc = r.getInt();
        String compression = string(r);
        if (!compression.isEmpty()) {
            throw new McapFormatException(file, at, "chunk compressed with " + compression
                    + "; shmtel replays uncompressed MCAP (as shmtel record writes it)");
        }
        long recordsLength = r.getLong();
        // Bytes after the records are allowed (fields a later MCAP version may add).
        if (recordsLength < 0 || recordsLength > r.remaining() || uncompressedSize != recordsLength) {
            throw new Damage("its records take " + recordsLength + " bytes (uncompressed " + uncompressedSize
                    + "), but " + r.remaining() + " bytes follow");
        }
        int start = at + 9 + r.position();
        if (crc != 0) {
            CRC32 actual = new CRC32();
            actual.update(bytes, start, (int) recordsLength);
            if ((int) actual.getValue() != crc) {
                throw new Damage(String.format("CRC mismatch: its records hold CRC 0x%08x, the chunk says 0x%08x",
                        (int) actual.getValue(), crc));
            }
        }
        ByteBuffer inner = ByteBuffer.wrap(bytes, 0, start + (int) recordsLength).order(ByteOrder.LITTLE_ENDIAN);
        inner.position(start);
        records(inner, depth + 1, false);
    }

    private static String name(int op) {
        return switch (op) {
            case McapFormat.OP_HEADER -> "header";
            case McapFormat.OP_SCHEMA -> "schema";
            case McapFormat.OP_CHANNEL -> "channel";
            case McapFormat.OP_MESSAGE -> "message";
            case McapFormat.OP_CHUNK -> "chunk";
            case McapFormat.OP_DATA_END -> "data end";
            default -> "opcode 0x" + Integer.toHexString(op);
        };
    }

    private static String string(ByteBuffer b) {
        return new String(bytes(b, b.getInt()), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer b, int length) {
        if (length < 0 || length > b.remaining()) {
            throw new Damage("a length of " + (length & 0xFFFF_FFFFL) + " bytes where " + b.remaining()
                    + " are left");
        }
        byte[] out = new byte[length];
        b.get(out);
        return out;
    }
}
