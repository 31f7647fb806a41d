package io.shmtel.schema;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How a record's samples move between processes: the schema key {@code "sync"}.
 *
 * <ul>
 *   <li>{@link #RING} (the default): a seqlock ring of {@code depth} slots; the writer never waits,
 *       readers see the newest sample or follow the stream and count what they missed.
 *   <li>{@link #MAILBOX}: one message at a time under a handshake (empty, ready, being read,
 *       error): the writer waits for the box to be empty, the consumer answers every message;
 *       nothing is overwritten. For commands, not telemetry.
 * </ul>
 */
public enum RecordSync {
    RING("ring"),
    MAILBOX("mailbox");

    private final String schemaName;

    RecordSync(String schemaName) {
        this.schemaName = schemaName;
    }

    /** The value of the {@code "sync"} key. */
    public String schemaName() {
        return schemaName;
    }

    public static Optional<RecordSync> bySchemaName(String name) {
        return Arrays.stream(values()).filter(s -> s.schemaName.equals(name)).findFirst();
    }

    public static List<String> schemaNames() {
        return Arrays.stream(values()).map(RecordSync::schemaName).toList();
    }
}
