package io.shmtel.tools.mcap;

import static io.shmtel.tools.mcap.McapFormat.FOOTER_CONTENT_LENGTH;
import static io.shmtel.tools.mcap.McapFormat.MAGIC;
import static io.shmtel.tools.mcap.McapFormat.MESSAGE_PREFIX_LENGTH;
import static io.shmtel.tools.mcap.McapFormat.OP_CHANNEL;
import static io.shmtel.tools.mcap.McapFormat.OP_CHUNK;
import static io.shmtel.tools.mcap.McapFormat.OP_CHUNK_INDEX;
import static io.shmtel.tools.mcap.McapFormat.OP_DATA_END;
import static io.shmtel.tools.mcap.McapFormat.OP_FOOTER;
import static io.shmtel.tools.mcap.McapFormat.OP_HEADER;
import static io.shmtel.tools.mcap.McapFormat.OP_MESSAGE;
import static io.shmtel.tools.mcap.McapFormat.OP_MESSAGE_INDEX;
import static io.shmtel.tools.mcap.McapFormat.OP_SCHEMA;
import static io.shmtel.tools.mcap.McapFormat.OP_STATISTICS;
import static io.shmtel.tools.mcap.McapFormat.OP_SUMMARY_OFFSET;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Writes MCAP files (https://mcap.dev/spec), format version 0: magic, header, schemas and channels
 * in the data section, messages in uncompressed chunks each followed by its message indexes, then
 * a summary (schemas, channels, statistics, chunk indexes), summary offsets, the footer with the
 * summary CRC, and the magic. Indexed, so viewers can seek; uncompressed, so any reader opens it.
 * The data end record carries the data section's CRC.
 *
 * <p>Writing to a file, {@link #flush()} puts everything added so far into the file; when a write
 * fails (a full disk), {@link #salvage()} cuts the file back to the last flush and finishes it
 * without a summary, so the messages written before stay a readable MCAP.
 */
public final class McapWriter implements AutoCloseable {
    /** Chunks are flushed when their records reach this size. */
    public static final int CHUNK_BYTES = 1 << 20;

    private final OutputStream out;
    /** The file, when writing to one: to salvage it after a failed write. */
    private final FileChannel file;
    private long position;
    private final CRC32 dataCrc = new CRC32();
    private boolean dataEnded;
    /** What the file held at the last successful {@link #flush()}: bytes, and messages among them. */
    private long flushedBytes;
    private long flushedMessages;
    private int flushedCrc;
    private IOException failure;
    private final List<byte[]> schemas = new ArrayList<>();
    private final List<byte[]> channels = new ArrayList<>();
    private final List<byte[]> chunkIndexes = new ArrayList<>();
    private final Map<Integer, Long> channelMessageCounts = new TreeMap<>();
    private final McapBuffer chunk = new McapBuffer();
    private final Map<Integer, McapBuffer> chunkMessageIndex = new TreeMap<>();
    private long chunkStart = Long.MAX_VALUE;
    private long chunkEnd;
    private long messageCount;
    private long fileStart = Long.MAX_VALUE;
    private long fileEnd;
    private int chunkCount;
    private boolean closed;

    public McapWriter(Path file, String library) throws IOException {
        this(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING), library);
    }

    private McapWriter(FileChannel file, String library) throws IOException {
        this(new BufferedOutputStream(Channels.newOutputStream(file), 1 << 16), file, library);
    }

    public McapWriter(OutputStream out, String library) throws IOException {
        this(out, null, library);
    }

    private McapWriter(OutputStream out, FileChannel file, String library) throws IOException {
        this.out = out;
        this.file = file;
        write(MAGIC);
        McapBuffer header = new McapBuffer().string("").string(library);
        record(OP_HEADER, header);
    }

    /** Bytes added so far (some perhaps not yet in the file: see {@link #flushedBytes()}). */
    public long position() {
        return position + chunk.length();
    }

    /** Bytes in the file as of the last successful {@link #flush()}. */
    public long flushedBytes() {
        return flushedBytes;
    }

    /** Messages in the file as of the last successful {@link #flush()}. */
    public long flushedMessages() {
        return flushedMessages;
    }

    /** Messages added so far. */
    public long messageCount() {
        return messageCount;
    }

    /** The write that failed, or null. */
    public IOException failure() {
        return failure;
    }

    /**
     * Writes everything added so far into the file (the open chunk as a complete chunk with its
     * indexes), so it survives a crash of this process and a write error shows now.
     */
    public void flush() throws IOException {
        flushChunk();
        try {
            out.flush();
        } catch (IOException e) {
            throw failed(e);
        }
        flushedBytes = position;
        flushedMessages = messageCount;
        flushedCrc = (int) dataCrc.getValue();
    }

    /** Adds a schema (ids from 1); written to the data section and the summary. */
    public int addSchema(String name, String encoding, byte[] data) throws IOException {
        flushChunk();
        int id = schemas.size() + 1;
        McapBuffer b = new McapBuffer().u16(id).string(name).string(encoding).u32(data.length).bytes(data);
        schemas.add(b.toRecord(OP_SCHEMA));
        record(OP_SCHEMA, b);
        return id;
    }

    /** Adds a channel (ids from 0) of {@code schemaId}; written to the data section and the summary. */
    public int addChannel(int schemaId, String topic, String messageEncoding, Map<String, String> metadata)
            throws IOException {
        flushChunk();
        int id = channels.size();
        McapBuffer map = new McapBuffer();
        for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
            map.string(e.getKey()).string(e.getValue());
        }
        McapBuffer b = new McapBuffer().u16(id).u16(schemaId).string(topic).string(messageEncoding).u32(map.length())
                .append(map);
        channels.add(b.toRecord(OP_CHANNEL));
        record(OP_CHANNEL, b);
        channelMessageCounts.put(id, 0L);
        return id;
    }

    /** Adds a message (times in nanoseconds since the Unix epoch). */
    public void addMessage(int channelId, long sequence, long logTimeNs, long publishTimeNs, byte[] data, int length)
            throws IOException {
        long offsetInChunk = chunk.length();
        chunk.u8(OP_MESSAGE).u64(MESSAGE_PREFIX_LENGTH + length).u16(channelId).u32((int) sequence).u64(logTimeNs)
                .u64(publishTimeNs).bytes(data, 0, length);
        chunkMessageIndex.computeIfAbsent(channelId, c -> new McapBuffer()).u64(logTimeNs).u64(offsetInChunk);
        chunkStart = Math.min(chunkStart, logTimeNs);
        chunkEnd = Math.max(chunkEnd, logTimeNs);
        fileStart = Math.min(fileStart, logTimeNs);
        fileEnd = Math.max(fileEnd, logTimeNs);
        messageCount++;
        channelMessageCounts.merge(channelId, 1L, Long::sum);
        if (chunk.length() >= CHUNK_BYTES) {
            flush();
        }
    }

    private void flushChunk() throws IOException {
        if (chunk.length() == 0) {
            return;
        }
        byte[] records = chunk.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(records);
        long chunkOffset = position;
        McapBuffer c = new McapBuffer().u64(chunkStart).u64(chunkEnd).u64(records.length).u32((int) crc.getValue())
                .string("").u64(records.length).bytes(records);
        record(OP_CHUNK, c);
        long chunkLength = position - chunkOffset;
        McapBuffer offsets = new McapBuffer();
        long indexStart = position;
        for (Map.Entry<Integer, McapBuffer> e : chunkMessageIndex.entrySet()) {
            offsets.u16(e.getKey()).u64(position);
            McapBuffer entries = e.getValue();
            record(OP_MESSAGE_INDEX, new McapBuffer().u16(e.getKey()).u32(entries.length()).append(entries));
        }
        long indexLength = position - indexStart;
        chunkIndexes.add(new McapBuffer().u64(chunkStart).u64(chunkEnd).u64(chunkOffset).u64(chunkLength)
                .u32(offsets.length()).append(offsets).u64(indexLength).string("").u64(records.length)
                .u64(records.length).toRecord(OP_CHUNK_INDEX));
        chunkCount++;
        chunk.clear();
        chunkMessageIndex.clear();
        chunkStart = Long.MAX_VALUE;
        chunkEnd = 0;
    }

    /** Finishes the file: last chunk, data end, summary, summary offsets, footer, magic. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        if (failure != null) {
            salvage();
            return;
        }
        flush();
        closed = true;
        dataEnded = true;
        record(OP_DATA_END, new McapBuffer().u32((int) dataCrc.getValue()));
        long summaryStart = position;
        CRC32 summaryCrc = new CRC32();
        List<long[]> groups = new ArrayList<>(); // {opcode, start, length}
        groups.add(group(OP_SCHEMA, schemas, summaryCrc));
        groups.add(group(OP_CHANNEL, channels, summaryCrc));
        McapBuffer counts = new McapBuffer();
        channelMessageCounts.forEach((id, n) -> counts.u16(id).u64(n));
        byte[] statistics = new McapBuffer().u64(messageCount).u16(schemas.size()).u32(channels.size()).u32(0).u32(0)
                .u32(chunkCount).u64(messageCount == 0 ? 0 : fileStart).u64(fileEnd).u32(counts.length()).append(counts)
                .toRecord(OP_STATISTICS);
        groups.add(group(OP_STATISTICS, List.of(statistics), summaryCrc));
        groups.add(group(OP_CHUNK_INDEX, chunkIndexes, summaryCrc));
        long summaryOffsetStart = position;
        for (long[] g : groups) {
            if (g[2] > 0) {
                byte[] r = new McapBuffer().u8((int) g[0]).u64(g[1]).u64(g[2]).toRecord(OP_SUMMARY_OFFSET);
                summaryCrc.update(r);
                write(r);
            }
        }
        byte[] footerStart = new McapBuffer().u8(OP_FOOTER).u64(FOOTER_CONTENT_LENGTH).u64(summaryStart)
                .u64(summaryOffsetStart).toByteArray();
        summaryCrc.update(footerStart);
        write(footerStart);
        write(new McapBuffer().u32((int) summaryCrc.getValue()).toByteArray());
        write(MAGIC);
        try {
            out.close();
        } catch (IOException e) {
            closed = false;
            throw failed(e);
        }
    }

    /** What the file holds after {@link #salvage()}. */
    public record Salvage(boolean readable, long bytes, long messages, long bytesBeforeFailure) {}

    /**
     * After a failed write: cuts the file back to what the last {@link #flush()} wrote and ends it
     * with a data end record, a footer without summary and the magic, so the messages flushed
     * before stay a readable MCAP; then closes it. Not readable when nothing was flushed, the output
     * is no regular file (a device) or even that could not be written; the file is then truncated.
     */
    public Salvage salvage() {
        closed = true;
        if (file == null) {
            try {
                out.close();
            } catch (IOException e) {
                // failed already
            }
            return new Salvage(false, 0, 0, position);
        }
        long before = position;
        try (FileChannel f = file) {
            before = f.size();
            if (flushedBytes == 0) {
                return new Salvage(false, before, 0, before);
            }
            f.truncate(flushedBytes);
            if (f.size() != flushedBytes) {
                return new Salvage(false, f.size(), 0, before);
            }
            McapBuffer end = new McapBuffer();
            byte[] dataEnd = new McapBuffer().u32(flushedCrc).toRecord(OP_DATA_END);
            end.bytes(dataEnd, 0, dataEnd.length);
            end.u8(OP_FOOTER).u64(FOOTER_CONTENT_LENGTH).u64(0).u64(0).u32(0).bytes(MAGIC, 0, MAGIC.length);
            ByteBuffer trailer = ByteBuffer.wrap(end.toByteArray());
            try {
                for (long at = flushedBytes; trailer.hasRemaining(); ) {
                    at += f.write(trailer, at);
                }
            } catch (IOException e) {
                f.truncate(flushedBytes);
                return new Salvage(false, flushedBytes, flushedMessages, before);
            }
            return new Salvage(true, f.size(), flushedMessages, before);
        } catch (IOException | RuntimeException e) { // e.g. a device that cannot be truncated
            return new Salvage(false, -1, 0, before);
        }
    }

    private IOException failed(IOException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }

    private long[] group(int opcode, List<byte[]> records, CRC32 crc) throws IOException {
        long start = position;
        for (byte[] r : records) {
            crc.update(r);
            write(r);
        }
        return new long[] {opcode, start, position - start};
    }

    private void record(int opcode, McapBuffer content) throws IOException {
        write(content.toRecord(opcode));
    }

    private void write(byte[] bytes) throws IOException {
        if (failure != null) {
            throw failure;
        }
        try {
            out.write(bytes);
        } catch (IOException e) {
            throw failed(e);
        }
        if (!dataEnded) {
            dataCrc.update(bytes);
        }
        position += bytes.length;
    }
}
