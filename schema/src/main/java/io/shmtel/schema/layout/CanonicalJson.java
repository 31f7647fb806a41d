package io.shmtel.schema.layout;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.shmtel.schema.FieldDef;
import io.shmtel.schema.FieldType;
import io.shmtel.schema.RecordDef;
import io.shmtel.schema.SchemaDef;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The canonical text of a schema: compact JSON, keys in a fixed order, defaults written out
 * ({@code depth}), absent optional keys left out, {@code $schema} dropped. Parsing it gives back
 * the same schema, so {@code core} embeds it in regions for tools to decode them without the file.
 */
public final class CanonicalJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private CanonicalJson() {}

    public static String write(SchemaDef schema) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("schema", schema.name());
            g.writeNumberField("version", schema.version());
            if (!schema.description().isEmpty()) {
                g.writeStringField("description", schema.description());
            }
            g.writeArrayFieldStart("records");
            for (RecordDef r : schema.records()) {
                g.writeStartObject();
                g.writeStringField("name", r.name());
                if (r.isMailbox()) {
                    g.writeStringField("sync", r.sync().schemaName()); // a mailbox has no depth
                } else {
                    g.writeNumberField("depth", r.depth());
                }
                if (r.rateHz() > 0) {
                    g.writeFieldName("rateHz");
                    if (r.rateHz() == Math.rint(r.rateHz())) {
                        g.writeNumber((long) r.rateHz());
                    } else {
                        g.writeNumber(r.rateHz());
                    }
                }
                if (!r.description().isEmpty()) {
                    g.writeStringField("description", r.description());
                }
                g.writeArrayFieldStart("fields");
                for (FieldDef f : r.fields()) {
                    g.writeStartObject();
                    g.writeStringField("name", f.name());
                    g.writeStringField("type", f.type().schemaName());
                    if (f.isArray()) {
                        g.writeNumberField("count", f.count());
                    }
                    if (f.type() == FieldType.STRING) {
                        g.writeNumberField("length", f.length());
                    }
                    if (!f.unit().isEmpty()) {
                        g.writeStringField("unit", f.unit());
                    }
                    if (!f.description().isEmpty()) {
                        g.writeStringField("description", f.description());
                    }
                    if (f.isEnum()) {
                        g.writeObjectFieldStart("enum");
                        for (Map.Entry<String, Integer> e : f.enumConstants().entrySet()) {
                            g.writeNumberField(e.getKey(), e.getValue());
                        }
                        g.writeEndObject();
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
