package io.shmtel.schema;

/** The bounds the schema language enforces; each error message that concerns one states it. */
public final class SchemaLimits {
    public static final int MAX_IDENTIFIER_LENGTH = 64;
    public static final int MAX_RECORDS = 256;
    public static final int MAX_FIELDS = 1024;
    public static final int MIN_DEPTH = 2;
    public static final int MAX_DEPTH = 65_536;
    public static final int DEFAULT_DEPTH = 2;
    public static final int MAX_COUNT = 65_536;
    public static final int MAX_STRING_LENGTH = 65_536;
    /** Largest record payload: 1 MiB. */
    public static final int MAX_PAYLOAD_BYTES = 1 << 20;
    /** Largest ring (depth x slot length) of one record: 256 MiB. */
    public static final long MAX_RING_BYTES = 256L << 20;
    /** Largest region (header and every record block): 1 GiB, so one mapping addresses it. */
    public static final long MAX_REGION_BYTES = 1L << 30;
    public static final double MAX_RATE_HZ = 1_000_000;
    public static final int MAX_TEXT_LENGTH = 1024;
    public static final int MAX_UNIT_LENGTH = 64;
    public static final int MAX_ENUM_CONSTANTS = 4096;

    private SchemaLimits() {}
}
