package io.shmtel.schema;

import java.util.List;

/** A record as declared. {@code rateHz} is {@code 0} when the schema gives no nominal rate. */
public record RecordDef(String name, int depth, double rateHz, String description, List<FieldDef> fields) {

    public RecordDef {
        description = description == null ? "" : description;
        fields = List.copyOf(fields);
    }
}
