package io.shmtel.schema;

import java.util.List;

/**
 * A record as declared. {@code rateHz} is {@code 0} when the schema gives no nominal rate; a
 * {@link RecordSync#MAILBOX mailbox} has depth 1 (one message at a time).
 */
public record RecordDef(String name, int depth, double rateHz, String description, List<FieldDef> fields,
        RecordSync sync) {

    public RecordDef {
        description = description == null ? "" : description;
        fields = List.copyOf(fields);
        sync = sync == null ? RecordSync.RING : sync;
    }

    /** A ring record. */
    public RecordDef(String name, int depth, double rateHz, String description, List<FieldDef> fields) {
        this(name, depth, rateHz, description, fields, RecordSync.RING);
    }

    public boolean isMailbox() {
        return sync == RecordSync.MAILBOX;
    }
}
