package io.shmtel.schema.layout;

import static io.shmtel.schema.layout.RecordBlockDescriptor.*;
import static io.shmtel.schema.layout.RegionHeaderDescriptor.*;
import static io.shmtel.schema.layout.SlotDescriptor.CACHE_LINE_LENGTH;
import static io.shmtel.schema.layout.SlotDescriptor.PAYLOAD_OFFSET;
import static io.shmtel.schema.layout.SlotDescriptor.SEQ_OFFSET;
import static io.shmtel.schema.layout.SlotDescriptor.SIZE_OF_LONG;
import static io.shmtel.schema.layout.SlotDescriptor.TIMESTAMP_OFFSET;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The layout descriptors ({@link RegionHeaderDescriptor}, {@link RecordBlockDescriptor},
 * {@link SlotDescriptor}) against docs/format.md, which implementers in other languages copy: every
 * word of its "Every word" table, and the named lines and reserved words of its diagrams, are at
 * the offset the chained constants give. A constant whose chain breaks (or a doc that drifts) fails here.
 */
class LayoutDescriptorsTest {
    private static final Pattern WHERE_OFFSET = Pattern.compile("\\+(\\d+)");
    private static final Pattern LEADING_OFFSET = Pattern.compile("^\\s*\\+?(\\d+)\\s");

    /** A word of the "Every word" table: its value column, which offset of its where column, and the constant. */
    static Stream<Arguments> everyWord() {
        return Stream.of(
                word("magic", "header", 0, MAGIC_OFFSET),
                word("format version", "", 0, VERSION_OFFSET),
                word("header length", "", 0, HEADER_LENGTH_OFFSET),
                word("region length", "", 0, REGION_LENGTH_OFFSET),
                word("fingerprints", "", 0, FINGERPRINT_OFFSET),
                word("fingerprints", "entry", 1, RECORD_ENTRY_FINGERPRINT_OFFSET),
                word("record count", "", 0, RECORD_COUNT_OFFSET),
                word("record-table, schema-text offsets", "", 0, RECORD_TABLE_OFFSET_OFFSET),
                word("record-table, schema-text offsets", "", 1, SCHEMA_TEXT_OFFSET_OFFSET),
                word("schema text length", "", 0, SCHEMA_TEXT_LENGTH_OFFSET),
                word("schema version", "", 0, SCHEMA_VERSION_OFFSET),
                word("last flush", "", 0, FLUSHED_AT_OFFSET),
                word("writer pid", "", 0, WRITER_PID_OFFSET),
                word("state", "", 0, STATE_OFFSET),
                word("writer start time", "", 0, WRITER_START_TIME_OFFSET),
                word("epoch", "", 0, WRITER_EPOCH_OFFSET),
                word("heartbeat period", "", 0, HEARTBEAT_PERIOD_OFFSET),
                word("heartbeat", "", 0, HEARTBEAT_OFFSET),
                word("record name", "entry", 0, RECORD_ENTRY_NAME_OFFSET),
                word("block offset, block length", "entry", 0, RECORD_ENTRY_BLOCK_OFFSET_OFFSET),
                word("block offset, block length", "entry", 1, RECORD_ENTRY_BLOCK_LENGTH_OFFSET),
                word("slot length", "entry", 0, RECORD_ENTRY_SLOT_LENGTH_OFFSET),
                word("depth", "entry", 0, RECORD_ENTRY_DEPTH_OFFSET),
                word("payload length", "entry", 0, RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET),
                word("field count", "entry", 0, RECORD_ENTRY_FIELD_COUNT_OFFSET),
                word("sync", "entry", 0, RECORD_ENTRY_SYNC_OFFSET),
                word("flushed", "entry", 0, RECORD_ENTRY_FLUSHED_OFFSET),
                word("`published`", "block", 0, PUBLISHED_OFFSET),
                word("sleeper bits", "block", 0, SLEEPERS_OFFSET),
                word("sleeper pid", "block", 0, SLEEPER_PIDS_OFFSET),
                word("handshake word", "mailbox block", 0, MAILBOX_STATE_OFFSET),
                word("code", "mailbox block", 0, MAILBOX_CODE_OFFSET),
                word("holder start time", "mailbox block", 0, MAILBOX_HOLDER_START_OFFSET),
                word("recovered", "mailbox block", 0, MAILBOX_RECOVERED_OFFSET),
                word("`seq`", "slot", 0, SEQ_OFFSET),
                word("timestamp", "slot", 0, TIMESTAMP_OFFSET),
                word("payload", "slot", 0, PAYLOAD_OFFSET));
    }

    private static Arguments word(String value, String scope, int index, int offset) {
        return Arguments.of(value, scope, index, offset);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyWord")
    void everyWordOfTheFormatTableIsWhereItsConstantSays(String value, String scope, int index, int offset)
            throws IOException {
        String row = FormatDocTest.doc().lines().filter(l -> l.startsWith("| "))
                .filter(l -> cells(l).size() > 1 && cells(l).get(1).equals(value)).findFirst().orElse(null);
        assertThat(row).as("docs/format.md's word table has a row for %s", value).isNotNull();
        String where = cells(row).get(0);
        assertThat(where).as("where %s is", value).contains(scope);
        List<Integer> offsets = new ArrayList<>();
        Matcher m = WHERE_OFFSET.matcher(where);
        while (m.find()) {
            offsets.add(Integer.parseInt(m.group(1)));
        }
        assertThat(offsets).as("offsets of %s in \"%s\"", value, where).hasSizeGreaterThan(index);
        assertThat(offsets.get(index)).as("offset of %s", value).isEqualTo(offset);
    }

    private static List<String> cells(String row) {
        List<String> cells = new ArrayList<>();
        for (String cell : row.substring(1).split("(?<!\\\\)\\|")) {
            cells.add(cell.trim());
        }
        return cells;
    }

    /** A labelled line of a diagram: the heading its fenced block follows, the label, and the constant. */
    static Stream<Arguments> diagramLines() {
        return Stream.of(
                line("## Header", "writer line", WRITER_LINE_OFFSET),
                line("## Header", "reserved to 128", WRITER_LINE_RESERVED_OFFSET),
                line("## Header", "heartbeat line", HEARTBEAT_LINE_OFFSET),
                line("## Header", "reserved to 256", HEARTBEAT_LINE_RESERVED_OFFSET),
                line("## Header", "---- record table", RECORD_TABLE_OFFSET),
                line("### Record-table entry", "reserved (u32)", RECORD_ENTRY_RESERVED_OFFSET),
                line("### Record-table entry", "reserved to 128", RECORD_ENTRY_TAIL_RESERVED_OFFSET),
                line("## Record block", "published line", PUBLISHED_OFFSET),
                line("## Record block", "a ring: pad to 64 bytes", MAILBOX_STATE_OFFSET),
                line("## Record block", "sleeper line", SLEEPER_LINE_OFFSET),
                line("## Record block", "sleepers (u32)", SLEEPERS_OFFSET),
                line("## Record block", "---- slots", SLOTS_OFFSET),
                line("## Mailbox records", "published (u64)", PUBLISHED_OFFSET),
                line("## Mailbox records", "low half", MAILBOX_STATE_OFFSET),
                line("## Mailbox records", "reserved (u64)", MAILBOX_RESERVED_OFFSET),
                line("## Mailbox records", "reserved (u32)", MAILBOX_CODE_RESERVED_OFFSET),
                line("## Mailbox records", "reserved to 64", MAILBOX_LINE_RESERVED_OFFSET),
                line("## Mailbox records", "sleeper words", SLEEPER_LINE_OFFSET),
                line("## Mailbox records", "the slot", SLOTS_OFFSET));
    }

    private static Arguments line(String heading, String label, int offset) {
        return Arguments.of(heading, label, offset);
    }

    /**
     * The diagram line holding {@code label} is at {@code offset}: the number it starts with, or (a line
     * inside a box) the one of the nearest line above that starts with one.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("diagramLines")
    void everyLabelledLineOfTheFormatDiagramsIsWhereItsConstantSays(String heading, String label, int offset)
            throws IOException {
        List<String> lines = FormatDocTest.blockAfter(FormatDocTest.doc(), "\n" + heading).lines().toList();
        Integer at = null;
        Integer found = null;
        for (String l : lines) {
            Matcher m = LEADING_OFFSET.matcher(l);
            if (m.find()) {
                at = Integer.parseInt(m.group(1));
            }
            if (l.contains(label)) {
                found = at;
                break;
            }
        }
        assertThat(found).as("the diagram after %s has a numbered line with \"%s\"", heading, label).isNotNull();
        assertThat(found).as("offset of \"%s\"", label).isEqualTo(offset);
    }

    @Test
    void theFixedLengthsFollowFromTheChains() {
        assertThat(WRITER_LINE_OFFSET).isEqualTo(CACHE_LINE_LENGTH);
        assertThat(RECORD_ENTRY_LENGTH).isEqualTo(2 * CACHE_LINE_LENGTH);
        assertThat(SLOTS_OFFSET).isEqualTo(2 * CACHE_LINE_LENGTH);
        assertThat(SLEEPER_SLOTS).isEqualTo(15);
        assertThat(sleeperPidOffset(SLEEPER_SLOTS - 1) + Integer.BYTES).isEqualTo(SLOTS_OFFSET);
        assertThat(MAILBOX_LINE_RESERVED_OFFSET).isLessThan(SLEEPER_LINE_OFFSET);
        assertThat(MAILBOX_HOLDER_PID_OFFSET).isEqualTo(MAILBOX_STATE_OFFSET + Integer.BYTES);
        assertThat(MAILBOX_HOLDER_START_OFFSET % SIZE_OF_LONG).isZero();
        assertThat(RECORD_ENTRY_FLUSHED_OFFSET % SIZE_OF_LONG).isZero();
        assertThat(FLUSHED_AT_OFFSET % SIZE_OF_LONG).isZero();
    }
}
