package io.shmtel.schema.gen;

import io.shmtel.schema.InputFiles;
import io.shmtel.schema.SchemaLimits;
import io.shmtel.schema.layout.ProtocolConstants;
import io.shmtel.schema.layout.RecordBlockDescriptor;
import io.shmtel.schema.layout.RegionHeaderDescriptor;
import io.shmtel.schema.layout.SlotDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The part of every generated C header that is the same for every schema: the includes, platform shims,
 * format constants, error codes, the wake-up and the mailbox handshake, then owning and opening regions. Its C
 * text lives in the resources {@value #RESOURCE} and {@value #REGION_RESOURCE} (headers that compile on their
 * own); this class copies it between their markers and writes the format constants in them from the Java
 * descriptors and {@link ProtocolConstants}, so that each constant is declared once, in Java.
 */
final class CHeaderCommon {
    /** The resource holding the common C text, next to this class. */
    static final String RESOURCE = "shmtel_common.h";
    /** The line before the first line copied. */
    static final String BEGIN = "/* CGenerator: begin */";
    /** The line before the constants this class writes (the resource's own copy of them is not copied). */
    static final String CONSTANTS_BEGIN = "/* CGenerator: constants begin */";
    /** The line after the constants this class writes. */
    static final String CONSTANTS_END = "/* CGenerator: constants end */";
    /** The line after the last line copied. */
    static final String END = "/* CGenerator: end */";

    /** The resource holding the C text that owns and opens regions, copied after the common part. */
    static final String REGION_RESOURCE = "shmtel_region.h";
    /** The line before the first line of {@value #REGION_RESOURCE} copied. */
    static final String REGION_BEGIN = "/* CGenerator: region begin */";
    /** The line before the region constants this class writes. */
    static final String REGION_CONSTANTS_BEGIN = "/* CGenerator: region constants begin */";
    /** The line after the region constants this class writes. */
    static final String REGION_CONSTANTS_END = "/* CGenerator: region constants end */";
    /** The line after the last line of {@value #REGION_RESOURCE} copied. */
    static final String REGION_END = "/* CGenerator: region end */";

    /** The resource's lines: before the constants, the constants (its copy), after the constants. */
    private static final Sections SECTIONS = Sections.of(resourceText());
    /** The region resource's lines, cut the same way. */
    private static final Sections REGION_SECTIONS = Sections.of(regionResourceText(), REGION_RESOURCE, REGION_BEGIN,
            REGION_CONSTANTS_BEGIN, REGION_CONSTANTS_END, REGION_END);

    private CHeaderCommon() {}

    /**
     * Writes the common part: the resource's text with the constants written from the Java descriptors, then the
     * region resource's text with its constants written the same way.
     */
    static void write(SourceWriter w) {
        SECTIONS.beforeConstants().forEach(w::line);
        writeConstants(w);
        SECTIONS.afterConstants().forEach(w::line);
        REGION_SECTIONS.beforeConstants().forEach(w::line);
        writeRegionConstants(w);
        REGION_SECTIONS.afterConstants().forEach(w::line);
    }

    /**
     * The constants of owning and opening regions (the rest of the header and record-table offsets, the state
     * words, the limits and the timings of {@link ProtocolConstants}), as {@link #write} writes them into
     * {@value #REGION_RESOURCE}'s part.
     */
    static void writeRegionConstants(SourceWriter w) {
        define(w, "SHMTEL_FORMAT_VERSION", RegionHeaderDescriptor.FORMAT_VERSION);
        define(w, "SHMTEL_FORMAT_MAJOR_SHIFT", RegionHeaderDescriptor.FORMAT_MAJOR_SHIFT);
        define(w, "SHMTEL_PAGE_LENGTH", RegionHeaderDescriptor.PAGE_LENGTH);
        define(w, "SHMTEL_RECORD_TABLE_OFFSET_OFFSET", RegionHeaderDescriptor.RECORD_TABLE_OFFSET_OFFSET);
        define(w, "SHMTEL_SCHEMA_TEXT_OFFSET_OFFSET", RegionHeaderDescriptor.SCHEMA_TEXT_OFFSET_OFFSET);
        define(w, "SHMTEL_SCHEMA_TEXT_LENGTH_OFFSET", RegionHeaderDescriptor.SCHEMA_TEXT_LENGTH_OFFSET);
        define(w, "SHMTEL_SCHEMA_VERSION_OFFSET", RegionHeaderDescriptor.SCHEMA_VERSION_OFFSET);
        define(w, "SHMTEL_WRITER_START_TIME_OFFSET", RegionHeaderDescriptor.WRITER_START_TIME_OFFSET);
        define(w, "SHMTEL_HEARTBEAT_PERIOD_OFFSET", RegionHeaderDescriptor.HEARTBEAT_PERIOD_OFFSET);
        define(w, "SHMTEL_RECORD_TABLE_OFFSET", RegionHeaderDescriptor.RECORD_TABLE_OFFSET);
        define(w, "SHMTEL_RECORD_ENTRY_LENGTH", RegionHeaderDescriptor.RECORD_ENTRY_LENGTH);
        define(w, "SHMTEL_RECORD_ENTRY_NAME_LENGTH", RegionHeaderDescriptor.RECORD_ENTRY_NAME_LENGTH);
        define(w, "SHMTEL_RECORD_ENTRY_BLOCK_OFFSET_OFFSET", RegionHeaderDescriptor.RECORD_ENTRY_BLOCK_OFFSET_OFFSET);
        define(w, "SHMTEL_RECORD_ENTRY_BLOCK_LENGTH_OFFSET", RegionHeaderDescriptor.RECORD_ENTRY_BLOCK_LENGTH_OFFSET);
        define(w, "SHMTEL_RECORD_ENTRY_FINGERPRINT_OFFSET", RegionHeaderDescriptor.RECORD_ENTRY_FINGERPRINT_OFFSET);
        define(w, "SHMTEL_RECORD_ENTRY_SLOT_LENGTH_OFFSET", RegionHeaderDescriptor.RECORD_ENTRY_SLOT_LENGTH_OFFSET);
        define(w, "SHMTEL_RECORD_ENTRY_DEPTH_OFFSET", RegionHeaderDescriptor.RECORD_ENTRY_DEPTH_OFFSET);
        define(w, "SHMTEL_RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET",
                RegionHeaderDescriptor.RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET);
        define(w, "SHMTEL_RECORD_ENTRY_FIELD_COUNT_OFFSET", RegionHeaderDescriptor.RECORD_ENTRY_FIELD_COUNT_OFFSET);
        define(w, "SHMTEL_RECORD_ENTRY_SYNC_OFFSET", RegionHeaderDescriptor.RECORD_ENTRY_SYNC_OFFSET);
        define(w, "SHMTEL_STATE_WORD_INITIALISING", RegionHeaderDescriptor.STATE_INITIALISING);
        define(w, "SHMTEL_STATE_WORD_LIVE", RegionHeaderDescriptor.STATE_LIVE);
        define(w, "SHMTEL_STATE_WORD_CLOSED", RegionHeaderDescriptor.STATE_CLOSED);
        define(w, "SHMTEL_SYNC_RING", RegionHeaderDescriptor.SYNC_RING);
        define(w, "SHMTEL_SYNC_MAILBOX", RegionHeaderDescriptor.SYNC_MAILBOX);
        define(w, "SHMTEL_MAX_RECORDS", SchemaLimits.MAX_RECORDS);
        define(w, "SHMTEL_MAX_SCHEMA_TEXT_LENGTH", InputFiles.MAX_TEXT_BYTES);
        define(w, "SHMTEL_MAX_REGION_NAME_LENGTH", ProtocolConstants.MAX_REGION_NAME_LENGTH);
        defineU64(w, "SHMTEL_DEFAULT_HEARTBEAT_PERIOD_NS", ProtocolConstants.DEFAULT_HEARTBEAT_PERIOD_NS);
        define(w, "SHMTEL_STALLED_AFTER_PERIODS", ProtocolConstants.DEFAULT_STALLED_AFTER_PERIODS);
        defineU64(w, "SHMTEL_OPEN_WAIT_NS", ProtocolConstants.DEFAULT_INIT_TIMEOUT_NS);
        defineU64(w, "SHMTEL_CREATION_POLL_NS", ProtocolConstants.CREATION_POLL_NS);
        w.line("#define SHMTEL_MAX_STATE_ATTEMPTS " + ProtocolConstants.MAX_STATE_ATTEMPTS);
        defineU64(w, "SHMTEL_CREATE_GIVE_UP_NS", ProtocolConstants.CREATE_GIVE_UP_NS);
        w.line("#define SHMTEL_CREATE_MIN_ATTEMPTS " + ProtocolConstants.CREATE_MIN_ATTEMPTS);
        defineU64(w, "SHMTEL_CREATE_RETRY_PAUSE_NS", ProtocolConstants.CREATE_RETRY_PAUSE_NS);
    }

    /** The region resource's own copy of its constants, one string per line. */
    static List<String> regionResourceConstants() {
        return REGION_SECTIONS.constants();
    }

    /** {@code #define name UINT64_C(value)}: a 64-bit unsigned C constant. */
    static void defineU64(SourceWriter w, String name, long value) {
        w.line("#define " + name + " UINT64_C(" + value + ")");
    }

    /** The format constants, as {@link #write} writes them. */
    static void writeConstants(SourceWriter w) {
        w.line("#define SHMTEL_MAGIC UINT64_C(" + hex(RegionHeaderDescriptor.MAGIC) + ") /* \"SHMTEL\\0\\0\" */");
        w.line("#define SHMTEL_FORMAT_MAJOR " + RegionHeaderDescriptor.FORMAT_MAJOR + "u");
        w.line("#define SHMTEL_FORMAT_MINOR " + RegionHeaderDescriptor.FORMAT_MINOR + "u");
        define(w, "SHMTEL_MAGIC_OFFSET", RegionHeaderDescriptor.MAGIC_OFFSET);
        define(w, "SHMTEL_VERSION_OFFSET", RegionHeaderDescriptor.VERSION_OFFSET);
        define(w, "SHMTEL_HEADER_LENGTH_OFFSET", RegionHeaderDescriptor.HEADER_LENGTH_OFFSET);
        define(w, "SHMTEL_REGION_LENGTH_OFFSET", RegionHeaderDescriptor.REGION_LENGTH_OFFSET);
        define(w, "SHMTEL_FINGERPRINT_OFFSET", RegionHeaderDescriptor.FINGERPRINT_OFFSET);
        define(w, "SHMTEL_RECORD_COUNT_OFFSET", RegionHeaderDescriptor.RECORD_COUNT_OFFSET);
        define(w, "SHMTEL_WRITER_PID_OFFSET", RegionHeaderDescriptor.WRITER_PID_OFFSET);
        define(w, "SHMTEL_STATE_OFFSET", RegionHeaderDescriptor.STATE_OFFSET);
        define(w, "SHMTEL_WRITER_EPOCH_OFFSET", RegionHeaderDescriptor.WRITER_EPOCH_OFFSET);
        define(w, "SHMTEL_HEARTBEAT_OFFSET", RegionHeaderDescriptor.HEARTBEAT_OFFSET);
        define(w, "SHMTEL_PUBLISHED_OFFSET", RecordBlockDescriptor.PUBLISHED_OFFSET);
        define(w, "SHMTEL_SLOTS_OFFSET", RecordBlockDescriptor.SLOTS_OFFSET);
        define(w, "SHMTEL_SLEEPERS_OFFSET", RecordBlockDescriptor.SLEEPERS_OFFSET);
        define(w, "SHMTEL_SLEEPER_PIDS_OFFSET", RecordBlockDescriptor.SLEEPER_PIDS_OFFSET);
        define(w, "SHMTEL_SLEEPER_SLOTS", RecordBlockDescriptor.SLEEPER_SLOTS);
        w.line("/* Mailbox records (format 1.2, schema \"sync\": \"mailbox\"): one slot, and after published a u64 of");
        w.line(" * state (low half, the futex word) and, in the high half, the holder pid while READING, else a count");
        w.line(" * (messages put while READY, answered while EMPTY or ERROR), changed only by compare-and-swap:");
        w.line(" * writer EMPTY|k -> READY|k+1 after writing slot k, then published = k+1; consumer READY|n ->");
        w.line(" * READING|pid, then READING|pid -> EMPTY|k+1 (done) or ERROR|k+1 (code >= 1 stored first); writer");
        w.line(" * ERROR|n -> EMPTY|n after reading the code; anyone, when pid is dead: READING|pid -> READING|own"
                + " pid,");
        w.line(" * then code -1 and READING|own pid -> ERROR|k+1. See docs/format.md. */");
        define(w, "SHMTEL_MAILBOX_STATE_OFFSET", RecordBlockDescriptor.MAILBOX_STATE_OFFSET);
        define(w, "SHMTEL_MAILBOX_HOLDER_PID_OFFSET", RecordBlockDescriptor.MAILBOX_HOLDER_PID_OFFSET);
        define(w, "SHMTEL_MAILBOX_CODE_OFFSET", RecordBlockDescriptor.MAILBOX_CODE_OFFSET);
        define(w, "SHMTEL_MAILBOX_HOLDER_START_OFFSET", RecordBlockDescriptor.MAILBOX_HOLDER_START_OFFSET);
        define(w, "SHMTEL_MAILBOX_RECOVERED_OFFSET", RecordBlockDescriptor.MAILBOX_RECOVERED_OFFSET);
        w.line("#define SHMTEL_MAILBOX_EMPTY " + RecordBlockDescriptor.MAILBOX_EMPTY + "u");
        w.line("#define SHMTEL_MAILBOX_READY " + RecordBlockDescriptor.MAILBOX_READY + "u");
        w.line("#define SHMTEL_MAILBOX_READING " + RecordBlockDescriptor.MAILBOX_READING + "u");
        w.line("#define SHMTEL_MAILBOX_ERROR " + RecordBlockDescriptor.MAILBOX_ERROR + "u");
        w.line("#define SHMTEL_MAILBOX_CODE_CONSUMER_DIED (" + RecordBlockDescriptor.MAILBOX_CODE_CONSUMER_DIED + ")");
        define(w, "SHMTEL_SEQ_OFFSET", SlotDescriptor.SEQ_OFFSET);
        define(w, "SHMTEL_TIMESTAMP_OFFSET", SlotDescriptor.TIMESTAMP_OFFSET);
        define(w, "SHMTEL_PAYLOAD_OFFSET", SlotDescriptor.PAYLOAD_OFFSET);
        w.line("#define SHMTEL_MAX_LATEST_ATTEMPTS " + ProtocolConstants.MAX_LATEST_ATTEMPTS);
    }

    /** The resource's own copy of the constants (what it compiles with alone), one string per line. */
    static List<String> resourceConstants() {
        return SECTIONS.constants();
    }

    /** {@code #define name valueu}: an unsigned C constant. */
    static void define(SourceWriter w, String name, long value) {
        w.line("#define " + name + " " + value + "u");
    }

    /** A 64-bit value as 16 hexadecimal digits after {@code 0x}. */
    static String hex(long value) {
        return String.format("0x%016x", value);
    }

    static String resourceText() {
        return text(RESOURCE);
    }

    static String regionResourceText() {
        return text(REGION_RESOURCE);
    }

    private static String text(String resource) {
        try (InputStream in = CHeaderCommon.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing next to " + CHeaderCommon.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** The resource cut at its marker lines. */
    record Sections(List<String> beforeConstants, List<String> constants, List<String> afterConstants) {
        static Sections of(String text) {
            return of(text, RESOURCE, BEGIN, CONSTANTS_BEGIN, CONSTANTS_END, END);
        }

        /** {@code text} of {@code resource} cut at the four marker lines given. */
        static Sections of(String text, String resource, String beginMarker, String constantsBeginMarker,
                String constantsEndMarker, String endMarker) {
            List<String> lines = text.lines().toList();
            int begin = marker(lines, resource, beginMarker);
            int constantsBegin = marker(lines, resource, constantsBeginMarker);
            int constantsEnd = marker(lines, resource, constantsEndMarker);
            int end = marker(lines, resource, endMarker);
            if (!(begin < constantsBegin && constantsBegin < constantsEnd && constantsEnd < end)) {
                throw new IllegalStateException(resource + ": its markers are out of order");
            }
            return new Sections(lines.subList(begin + 1, constantsBegin),
                    lines.subList(constantsBegin + 1, constantsEnd), lines.subList(constantsEnd + 1, end));
        }

        private static int marker(List<String> lines, String resource, String marker) {
            int at = lines.indexOf(marker);
            if (at < 0 || lines.lastIndexOf(marker) != at) {
                throw new IllegalStateException(resource + " needs the line " + marker + " exactly once");
            }
            return at;
        }
    }
}
