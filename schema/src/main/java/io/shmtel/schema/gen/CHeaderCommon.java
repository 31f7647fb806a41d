package io.shmtel.schema.gen;

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
 * format constants, error codes, the wake-up and the mailbox handshake. Its C text lives in the resource
 * {@value #RESOURCE} (a header that compiles on its own); this class copies it between its markers and writes
 * the format constants in it from the Java descriptors and {@link ProtocolConstants}, so that each constant is
 * declared once, in Java.
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

    /** The resource's lines: before the constants, the constants (its copy), after the constants. */
    private static final Sections SECTIONS = Sections.of(resourceText());

    private CHeaderCommon() {}

    /** Writes the common part: the resource's text with the constants written from the Java descriptors. */
    static void write(SourceWriter w) {
        SECTIONS.beforeConstants().forEach(w::line);
        writeConstants(w);
        SECTIONS.afterConstants().forEach(w::line);
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
        try (InputStream in = CHeaderCommon.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing next to " + CHeaderCommon.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The resource cut at its marker lines. */
    record Sections(List<String> beforeConstants, List<String> constants, List<String> afterConstants) {
        static Sections of(String text) {
            List<String> lines = text.lines().toList();
            int begin = marker(lines, BEGIN);
            int constantsBegin = marker(lines, CONSTANTS_BEGIN);
            int constantsEnd = marker(lines, CONSTANTS_END);
            int end = marker(lines, END);
            if (!(begin < constantsBegin && constantsBegin < constantsEnd && constantsEnd < end)) {
                throw new IllegalStateException(RESOURCE + ": its markers are out of order");
            }
            return new Sections(lines.subList(begin + 1, constantsBegin),
                    lines.subList(constantsBegin + 1, constantsEnd), lines.subList(constantsEnd + 1, end));
        }

        private static int marker(List<String> lines, String marker) {
            int at = lines.indexOf(marker);
            if (at < 0 || lines.lastIndexOf(marker) != at) {
                throw new IllegalStateException(RESOURCE + " needs the line " + marker + " exactly once");
            }
            return at;
        }
    }
}
