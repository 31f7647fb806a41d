package io.shmtel.tools.mcap;

/**
 * The MCAP vocabulary that {@link McapWriter} writes and {@link McapReader} reads
 * (https://mcap.dev/spec): the magic at both ends of a file, the op codes of the records used here
 * and the fixed lengths of record contents. Each record is its op code (1 byte), its content length
 * (8 bytes, little-endian) and the content ({@link McapBuffer#toRecord}).
 */
final class McapFormat {
    static final byte[] MAGIC = {(byte) 0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n'};
    static final int OP_HEADER = 0x01;
    static final int OP_FOOTER = 0x02;
    static final int OP_SCHEMA = 0x03;
    static final int OP_CHANNEL = 0x04;
    static final int OP_MESSAGE = 0x05;
    static final int OP_CHUNK = 0x06;
    static final int OP_MESSAGE_INDEX = 0x07;
    static final int OP_CHUNK_INDEX = 0x08;
    static final int OP_STATISTICS = 0x0B;
    static final int OP_SUMMARY_OFFSET = 0x0E;
    static final int OP_DATA_END = 0x0F;
    /** A message's content before its data: channel id, sequence, log time, publish time. */
    static final int MESSAGE_PREFIX_LENGTH = 2 + 4 + 8 + 8;
    /** A footer's content: summary start, summary offset start, summary CRC. */
    static final int FOOTER_CONTENT_LENGTH = 8 + 8 + 4;

    private McapFormat() {}
}
