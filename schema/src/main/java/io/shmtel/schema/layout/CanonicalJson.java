package io.shmtel.schema.layout;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.shmtel.schema.FieldDef;
import io.shmtel.schema.FieldType;
import io.shmtel.schema.RecordDef;
import io.shmtel.schema.SchemaDef;
import io.shmtel.schema.wellknown.Binding;
import io.shmtel.schema.wellknown.WellKnownDef;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The canonical text of a schema: compact JSON, keys in a fixed order, defaults written out
 * ({@code depth}), absent optional keys left out, {@code $schema} dropped. Parsing it gives back
 * the same schema, so {@code core} embeds it in regions for tools to decode them without the file. A record's
 * {@code "wellKnown"} mappings come after its fields, only when it has any.
 */
public final class CanonicalJson {
    private static final JsonFactory FACTORY = new JsonFactory();
    /** The largest magnitude below which every integer is a double exactly (2^53): written as an integer. */
    static final double MAX_EXACT_INTEGER = 9_007_199_254_740_992d;

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
                if (!r.wellKnown().isEmpty()) {
                    writeWellKnown(g, r.wellKnown());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * A record's well-known mappings (docs/schema.md, "Well-known messages"): always an array; each mapping its
     * "type", then its bindings in the type's order (defaults included), vectors item by item.
     */
    private static void writeWellKnown(JsonGenerator g, List<WellKnownDef> mappings) throws IOException {
        g.writeArrayFieldStart("wellKnown");
        for (WellKnownDef def : mappings) {
            g.writeStartObject();
            g.writeStringField("type", def.type().typeName());
            writeMembers(g, def.bindings());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeMembers(JsonGenerator g, Map<String, Binding> members) throws IOException {
        for (Map.Entry<String, Binding> e : members.entrySet()) {
            g.writeFieldName(e.getKey());
            writeBinding(g, e.getValue());
        }
    }

    private static void writeBinding(JsonGenerator g, Binding binding) throws IOException {
        if (binding instanceof Binding.Text t) {
            g.writeString(t.value());
        } else if (binding instanceof Binding.TextField f) {
            g.writeStartObject();
            g.writeStringField("field", f.field());
            g.writeEndObject();
        } else if (binding instanceof Binding.Constant c) {
            writeNumber(g, c.value());
        } else if (binding instanceof Binding.NumberRef r) {
            g.writeString(r.isScalar() ? r.field() : r.field() + "[" + r.index() + "]");
        } else if (binding instanceof Binding.Numbers n) {
            g.writeString(n.field());
        } else if (binding instanceof Binding.Texts t) {
            g.writeStartArray();
            for (String v : t.values()) {
                g.writeString(v);
            }
            g.writeEndArray();
        } else if (binding instanceof Binding.Vector v) {
            g.writeStartArray();
            for (Binding item : v.items()) {
                writeBinding(g, item);
            }
            g.writeEndArray();
        } else if (binding instanceof Binding.Struct s) {
            g.writeStartObject();
            writeMembers(g, s.members());
            g.writeEndObject();
        } else if (binding instanceof Binding.StructList l) {
            g.writeStartArray();
            for (Binding.Struct s : l.items()) {
                writeBinding(g, s);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("unknown binding " + binding);
        }
    }

    /** An integral number within {@link #MAX_EXACT_INTEGER} as an integer, any other as Java's Double.toString. */
    private static void writeNumber(JsonGenerator g, double v) throws IOException {
        if (v == Math.rint(v) && Math.abs(v) <= MAX_EXACT_INTEGER) {
            g.writeNumber((long) v);
        } else {
            g.writeNumber(v);
        }
    }
}
