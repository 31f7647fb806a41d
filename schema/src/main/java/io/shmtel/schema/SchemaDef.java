package io.shmtel.schema;

import java.util.List;
import java.util.Optional;

/**
 * A validated schema: the model between the JSON text and the layout compiler. {@code source} is
 * the file it came from (for generated-code headers and messages).
 */
public record SchemaDef(String name, int version, String description, List<RecordDef> records, String source) {

    public SchemaDef {
        description = description == null ? "" : description;
        records = List.copyOf(records);
    }

    public Optional<RecordDef> record(String recordName) {
        return records.stream().filter(r -> r.name().equals(recordName)).findFirst();
    }
}
