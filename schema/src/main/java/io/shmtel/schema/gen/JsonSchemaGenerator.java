package io.shmtel.schema.gen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The JSON Schema (2020-12) of a record's samples as JSON objects, one property per field: what
 * MCAP files and live viewers (Foxglove, PlotJuggler) use to know fields, types, units and
 * descriptions. Integers are integers, floats numbers (NaN and infinities as strings), bools
 * booleans, strings strings, enums their constant names (or the raw integer for an undeclared
 * value), arrays fixed-size arrays.
 */
public final class JsonSchemaGenerator {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonSchemaGenerator() {}

    public static String recordSchema(Layout layout, RecordLayout record) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("$schema", "https://json-schema.org/draft/2020-12/schema");
            g.writeStringField("title", layout.schemaName() + "." + record.name());
            if (!record.description().isEmpty()) {
                g.writeStringField("description", record.description());
            }
            g.writeStringField("type", "object");
            g.writeObjectFieldStart("properties");
            for (FieldLayout f : record.fields()) {
                g.writeObjectFieldStart(f.name());
                String description = (f.description() + (f.unit().isEmpty() ? "" : " [" + f.unit() + "]")).trim();
                if (!description.isEmpty()) {
                    g.writeStringField("description", description);
                }
                if (f.isArray()) {
                    g.writeStringField("type", "array");
                    g.writeNumberField("minItems", f.count());
                    g.writeNumberField("maxItems", f.count());
                    g.writeObjectFieldStart("items");
                    element(g, f);
                    g.writeEndObject();
                } else {
                    element(g, f);
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeArrayFieldStart("required");
            for (FieldLayout f : record.fields()) {
                g.writeString(f.name());
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void element(JsonGenerator g, FieldLayout f) throws IOException {
        if (f.isEnum()) {
            g.writeArrayFieldStart("anyOf");
            g.writeStartObject();
            g.writeArrayFieldStart("enum");
            for (String name : f.enumConstants().keySet()) {
                g.writeString(name);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeStartObject();
            g.writeStringField("type", "integer");
            g.writeEndObject();
            g.writeEndArray();
            return;
        }
        switch (f.type().kind()) {
            case BOOLEAN, SIGNED_INTEGER -> g.writeStringField("type", f.type().jsonType());
            case UNSIGNED_INTEGER -> {
                g.writeStringField("type", f.type().jsonType());
                g.writeNumberField("minimum", f.type().minValue());
            }
            case TEXT -> {
                g.writeStringField("type", f.type().jsonType());
                g.writeNumberField("maxLength", f.length());
            }
            case FLOAT -> { // NaN and the infinities are sent as strings
                g.writeArrayFieldStart("type");
                g.writeString(f.type().jsonType());
                g.writeString("string");
                g.writeEndArray();
            }
        }
    }
}
