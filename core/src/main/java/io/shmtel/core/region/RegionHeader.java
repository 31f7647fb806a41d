package io.shmtel.core.region;

import io.shmtel.schema.InputFiles;
import io.shmtel.schema.SchemaException;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.SchemaLimits;
import io.shmtel.schema.layout.Fingerprint;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.core.memory.Words;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.shmtel.schema.layout.RegionHeaderDescriptor.*;

/**
 * Writes a region header on create and decodes one on open. Decoding trusts nothing: each length
 * and offset is read once into a local, checked against the file and the format, and only then
 * used; the embedded schema is parsed and recompiled, and its layout must reproduce the header's
 * fingerprint, lengths and record table exactly.
 */
final class RegionHeader {
    /**
     * The longest embedded schema text a reader accepts (and a writer embeds): the bound of a schema
     * file ({@link InputFiles#MAX_TEXT_BYTES}, 16 MiB). Checked before the text is copied, so a
     * hostile header cannot make a reader allocate more.
     */
    static final int MAX_SCHEMA_TEXT_LENGTH = InputFiles.MAX_TEXT_BYTES;

    private RegionHeader() {}

    /** Writes everything but the format version, which {@link #publishVersion} stores last. */
    static void write(ByteBuffer b, Layout layout, int pid, long startTime, long epoch, long heartbeatPeriodNs) {
        byte[] schemaText = layout.canonicalJson().getBytes(StandardCharsets.UTF_8);
        int recordCount = layout.records().size();
        b.putLong(MAGIC_OFFSET, MAGIC);
        b.putInt(HEADER_LENGTH_OFFSET, Math.toIntExact(layout.headerLength()));
        b.putLong(REGION_LENGTH_OFFSET, layout.regionLength());
        b.putLong(FINGERPRINT_OFFSET, layout.fingerprint());
        b.putInt(RECORD_COUNT_OFFSET, recordCount);
        b.putInt(RECORD_TABLE_OFFSET_OFFSET, RECORD_TABLE_OFFSET);
        b.putInt(SCHEMA_TEXT_OFFSET_OFFSET, schemaTextOffset(recordCount));
        b.putInt(SCHEMA_TEXT_LENGTH_OFFSET, schemaText.length);
        b.putInt(SCHEMA_VERSION_OFFSET, layout.schemaVersion());
        for (RecordLayout r : layout.records()) {
            int entry = recordEntryOffset(r.index());
            byte[] name = r.name().getBytes(StandardCharsets.UTF_8);
            b.put(entry + RECORD_ENTRY_NAME_OFFSET, name);
            b.putLong(entry + RECORD_ENTRY_BLOCK_OFFSET_OFFSET, r.blockOffset());
            b.putLong(entry + RECORD_ENTRY_BLOCK_LENGTH_OFFSET, r.blockLength());
            b.putLong(entry + RECORD_ENTRY_FINGERPRINT_OFFSET, r.fingerprint());
            b.putInt(entry + RECORD_ENTRY_SLOT_LENGTH_OFFSET, r.slotLength());
            b.putInt(entry + RECORD_ENTRY_DEPTH_OFFSET, r.depth());
            b.putInt(entry + RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET, r.payloadLength());
            b.putInt(entry + RECORD_ENTRY_FIELD_COUNT_OFFSET, r.fields().size());
            b.putInt(entry + RECORD_ENTRY_SYNC_OFFSET, r.isMailbox() ? SYNC_MAILBOX : SYNC_RING);
        }
        b.put(schemaTextOffset(recordCount), schemaText);
        writeWriterLine(b, pid, startTime, epoch, heartbeatPeriodNs);
    }

    /** The owner's identity, epoch and heartbeat period, then a fresh heartbeat and the LIVE state (release). */
    static void writeWriterLine(ByteBuffer b, int pid, long startTime, long epoch, long heartbeatPeriodNs) {
        b.putInt(WRITER_PID_OFFSET, pid);
        b.putLong(WRITER_START_TIME_OFFSET, startTime);
        b.putLong(WRITER_EPOCH_OFFSET, epoch);
        b.putLong(HEARTBEAT_PERIOD_OFFSET, heartbeatPeriodNs);
        Words.putLongRelease(b, HEARTBEAT_OFFSET, System.nanoTime());
        // Release: a reader that sees LIVE sees the identity and epoch above.
        Words.putIntRelease(b, STATE_OFFSET, STATE_LIVE);
    }

    /** Stored last on create: readers that acquire a non-zero version see a complete header. */
    static void publishVersion(ByteBuffer b) {
        Words.putIntRelease(b, VERSION_OFFSET, FORMAT_VERSION);
    }

    static int versionAcquire(ByteBuffer b) {
        return Words.getIntAcquire(b, VERSION_OFFSET);
    }

    /**
     * Decodes and checks the header of region {@code name} mapped in {@code b} (whose capacity is
     * the file size); returns the layout recompiled from the embedded schema.
     */
    static Layout decode(ByteBuffer b, String name) {
        int fileSize = b.capacity();
        String where = "region \"" + name + "\"";
        if (fileSize < PAGE_LENGTH) {
            throw new CorruptRegionException(where + ": file is " + fileSize + " bytes, shorter than one header page ("
                    + PAGE_LENGTH + " bytes)");
        }
        long magic = b.getLong(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new CorruptRegionException(where + ": wrong magic at offset " + MAGIC_OFFSET + ": found "
                    + Fingerprint.hex(magic) + ", expected " + Fingerprint.hex(MAGIC)
                    + " (\"SHMTEL\"): this is not a shmtel region");
        }
        int version = versionAcquire(b);
        if (major(version) != FORMAT_MAJOR) {
            throw new IncompatibleLayoutException(where + ": format version " + major(version) + "." + minor(version)
                    + ", this shmtel reads " + FORMAT_MAJOR + ".x: use a shmtel release of the writer's format");
        }
        long headerLength = b.getInt(HEADER_LENGTH_OFFSET) & 0xFFFF_FFFFL;
        if (headerLength < PAGE_LENGTH || headerLength % PAGE_LENGTH != 0 || headerLength > fileSize) {
            throw corrupt(where, HEADER_LENGTH_OFFSET, "header length " + headerLength,
                    "a multiple of " + PAGE_LENGTH + " within the file (" + fileSize + " bytes)");
        }
        long regionLength = b.getLong(REGION_LENGTH_OFFSET);
        if (regionLength > fileSize) {
            throw new CorruptRegionException(where + ": file is " + fileSize + " bytes, shorter than the "
                    + regionLength + " bytes its header says (offset " + REGION_LENGTH_OFFSET + ")");
        }
        if (regionLength < headerLength || regionLength % PAGE_LENGTH != 0) {
            throw corrupt(where, REGION_LENGTH_OFFSET, "region length " + regionLength,
                    "a multiple of " + PAGE_LENGTH + " no less than the header length " + headerLength);
        }
        int recordCount = b.getInt(RECORD_COUNT_OFFSET);
        if (recordCount < 1 || recordCount > SchemaLimits.MAX_RECORDS) {
            throw corrupt(where, RECORD_COUNT_OFFSET, "record count " + recordCount,
                    "1 to " + SchemaLimits.MAX_RECORDS);
        }
        int tableOffset = b.getInt(RECORD_TABLE_OFFSET_OFFSET);
        if (tableOffset != RECORD_TABLE_OFFSET) {
            throw corrupt(where, RECORD_TABLE_OFFSET_OFFSET, "record table offset " + tableOffset,
                    Integer.toString(RECORD_TABLE_OFFSET));
        }
        int textOffset = b.getInt(SCHEMA_TEXT_OFFSET_OFFSET);
        if (textOffset != schemaTextOffset(recordCount)) {
            throw corrupt(where, SCHEMA_TEXT_OFFSET_OFFSET, "schema text offset " + textOffset,
                    Integer.toString(schemaTextOffset(recordCount)) + " for " + recordCount + " records");
        }
        long textLength = b.getInt(SCHEMA_TEXT_LENGTH_OFFSET) & 0xFFFF_FFFFL;
        long maxTextLength = Math.min(headerLength - textOffset, MAX_SCHEMA_TEXT_LENGTH);
        if (textLength == 0 || textLength > maxTextLength) {
            throw corrupt(where, SCHEMA_TEXT_LENGTH_OFFSET, "schema text length " + textLength,
                    "1 to " + maxTextLength
                            + " (the text must end inside the header, and an embedded schema is at most "
                            + MAX_SCHEMA_TEXT_LENGTH + " bytes, as a schema file)");
        }
        byte[] text = new byte[(int) textLength];
        b.get(textOffset, text);
        String schemaText;
        try {
            schemaText = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(text)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptRegionException(where + ": embedded schema at offset " + textOffset + " is not UTF-8");
        }
        Layout layout;
        try {
            layout = LayoutCompiler.compile(SchemaParser.parse(schemaText, where + " embedded schema"));
        } catch (SchemaException e) {
            throw new CorruptRegionException(where + ": embedded schema at offset " + textOffset + " is invalid: "
                    + e.problems().get(0).message());
        }
        long fingerprint = b.getLong(FINGERPRINT_OFFSET);
        if (fingerprint != layout.fingerprint()) {
            throw new CorruptRegionException(where + ": header fingerprint " + Fingerprint.hex(fingerprint)
                    + " does not match its embedded schema (" + Fingerprint.hex(layout.fingerprint()) + ")");
        }
        if (layout.headerLength() != headerLength || layout.regionLength() != regionLength
                || layout.records().size() != recordCount) {
            throw new CorruptRegionException(where + ": header says header " + headerLength + ", region " + regionLength
                    + ", " + recordCount + " records; its embedded schema gives " + layout.headerLength() + ", "
                    + layout.regionLength() + ", " + layout.records().size());
        }
        for (RecordLayout r : layout.records()) {
            checkEntry(b, where, r);
        }
        return layout;
    }

    private static void checkEntry(ByteBuffer b, String where, RecordLayout r) {
        int entry = recordEntryOffset(r.index());
        byte[] expectedName = new byte[RECORD_ENTRY_NAME_LENGTH];
        byte[] name = r.name().getBytes(StandardCharsets.UTF_8);
        System.arraycopy(name, 0, expectedName, 0, name.length);
        byte[] actualName = new byte[RECORD_ENTRY_NAME_LENGTH];
        b.get(entry + RECORD_ENTRY_NAME_OFFSET, actualName);
        check(Arrays.equals(expectedName, actualName), where, entry + RECORD_ENTRY_NAME_OFFSET,
                "record " + r.index() + " name", r.name());
        check(b.getLong(entry + RECORD_ENTRY_BLOCK_OFFSET_OFFSET) == r.blockOffset(), where,
                entry + RECORD_ENTRY_BLOCK_OFFSET_OFFSET, "record " + r.name() + " block offset "
                        + b.getLong(entry + RECORD_ENTRY_BLOCK_OFFSET_OFFSET), Long.toString(r.blockOffset()));
        check(b.getLong(entry + RECORD_ENTRY_BLOCK_LENGTH_OFFSET) == r.blockLength(), where,
                entry + RECORD_ENTRY_BLOCK_LENGTH_OFFSET, "record " + r.name() + " block length "
                        + b.getLong(entry + RECORD_ENTRY_BLOCK_LENGTH_OFFSET), Long.toString(r.blockLength()));
        check(b.getLong(entry + RECORD_ENTRY_FINGERPRINT_OFFSET) == r.fingerprint(), where,
                entry + RECORD_ENTRY_FINGERPRINT_OFFSET, "record " + r.name() + " fingerprint "
                        + Fingerprint.hex(b.getLong(entry + RECORD_ENTRY_FINGERPRINT_OFFSET)),
                Fingerprint.hex(r.fingerprint()));
        check(b.getInt(entry + RECORD_ENTRY_SLOT_LENGTH_OFFSET) == r.slotLength(), where,
                entry + RECORD_ENTRY_SLOT_LENGTH_OFFSET, "record " + r.name() + " slot length "
                        + b.getInt(entry + RECORD_ENTRY_SLOT_LENGTH_OFFSET), Integer.toString(r.slotLength()));
        check(b.getInt(entry + RECORD_ENTRY_DEPTH_OFFSET) == r.depth(), where, entry + RECORD_ENTRY_DEPTH_OFFSET,
                "record " + r.name() + " depth " + b.getInt(entry + RECORD_ENTRY_DEPTH_OFFSET),
                Integer.toString(r.depth()));
        check(b.getInt(entry + RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET) == r.payloadLength(), where,
                entry + RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET, "record " + r.name() + " payload length "
                        + b.getInt(entry + RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET), Integer.toString(r.payloadLength()));
        check(b.getInt(entry + RECORD_ENTRY_FIELD_COUNT_OFFSET) == r.fields().size(), where,
                entry + RECORD_ENTRY_FIELD_COUNT_OFFSET, "record " + r.name() + " field count "
                        + b.getInt(entry + RECORD_ENTRY_FIELD_COUNT_OFFSET), Integer.toString(r.fields().size()));
        int sync = r.isMailbox() ? SYNC_MAILBOX : SYNC_RING;
        check(b.getInt(entry + RECORD_ENTRY_SYNC_OFFSET) == sync, where, entry + RECORD_ENTRY_SYNC_OFFSET,
                "record " + r.name() + " sync " + b.getInt(entry + RECORD_ENTRY_SYNC_OFFSET), sync + " ("
                        + r.sync().schemaName() + ")");
    }

    private static void check(boolean ok, String where, int offset, String found, String expected) {
        if (!ok) {
            throw corrupt(where, offset, found, expected + " (from the embedded schema)");
        }
    }

    private static CorruptRegionException corrupt(String where, int offset, String found, String expected) {
        return new CorruptRegionException(where + ": " + found + " at offset " + offset + "; expected " + expected);
    }
}
