package io.shmtel.core.view;

import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.RecordLayout;
import java.util.HashMap;
import java.util.Map;

/** A record's fields by name, for the dynamic view and writer. */
final class FieldIndex {
    private final RecordLayout record;
    private final Map<String, FieldLayout> byName = new HashMap<>();

    FieldIndex(RecordLayout record) {
        this.record = record;
        for (FieldLayout f : record.fields()) {
            byName.put(f.name(), f);
        }
    }

    /** The field called {@code name}; IllegalArgumentException naming the record's fields when there is none. */
    FieldLayout get(String name) {
        FieldLayout f = byName.get(name);
        if (f == null) {
            throw new IllegalArgumentException("record \"" + record.name() + "\" has no field \"" + name
                    + "\"; its fields: "
                    + record.fields().stream().map(FieldLayout::name).toList());
        }
        return f;
    }
}
