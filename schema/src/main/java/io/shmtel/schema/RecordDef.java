package io.shmtel.schema;

import io.shmtel.schema.wellknown.WellKnownDef;
import java.util.List;

/**
 * A record as declared. {@code rateHz} is {@code 0} when the schema gives no nominal rate; a
 * {@link RecordSync#MAILBOX mailbox} has depth 1 (one message at a time). {@code wellKnown}: the well-known
 * messages the record maps to (schema key {@code "wellKnown"}), empty when none.
 */
public record RecordDef(String name, int depth, double rateHz, String description, List<FieldDef> fields,
        RecordSync sync, List<WellKnownDef> wellKnown) {

    public RecordDef {
        description = description == null ? "" : description;
        fields = List.copyOf(fields);
        sync = sync == null ? RecordSync.RING : sync;
        wellKnown = wellKnown == null ? List.of() : List.copyOf(wellKnown);
    }

    /** A record that maps to no well-known message. */
    public RecordDef(String name, int depth, double rateHz, String description, List<FieldDef> fields,
            RecordSync sync) {
        this(name, depth, rateHz, description, fields, sync, List.of());
    }

    /** A ring record. */
    public RecordDef(String name, int depth, double rateHz, String description, List<FieldDef> fields) {
        this(name, depth, rateHz, description, fields, RecordSync.RING);
    }

    public boolean isMailbox() {
        return sync == RecordSync.MAILBOX;
    }
}
