package io.shmtel.schema.layout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a reader compiled against one layout can read a region written with another.
 *
 * <p>The evolution rule: a writer layout is compatible with a reader layout when every record the
 * reader declares exists in the writer's layout and the reader's fields are a prefix of the
 * writer's (same names, types, counts, lengths, offsets, and enum constants the writer keeps with
 * the same values). The writer may append fields, append records, add enum constants and change
 * depths, units, descriptions and rates; the reader then reads the prefix it knows, taking ring
 * geometry (block offset, slot length, depth) from the region. Everything else is incompatible.
 */
public final class Compatibility {

    /** One finding: the record and field it is about ({@code ""} for none), and whether it breaks compatibility. */
    public record Finding(String record, String field, boolean breaking, String message) {
        @Override
        public String toString() {
            String where = record + (field.isEmpty() ? "" : "." + field);
            return (breaking ? "INCOMPATIBLE " : "compatible   ") + (where.isEmpty() ? "" : where + ": ") + message;
        }
    }

    /** The findings of one check; compatible when none of them is breaking. */
    public record Report(List<Finding> findings) {
        public boolean compatible() {
            return findings.stream().noneMatch(Finding::breaking);
        }

        public List<Finding> breaking() {
            return findings.stream().filter(Finding::breaking).toList();
        }

        public String render() {
            StringBuilder sb = new StringBuilder(compatible() ? "compatible" : "incompatible");
            for (Finding f : findings) {
                sb.append("\n  ").append(f);
            }
            return sb.toString();
        }
    }

    private Compatibility() {}

    /** Can a reader built for {@code reader} read a region written with {@code writer}? */
    public static Report check(Layout reader, Layout writer) {
        List<Finding> findings = new ArrayList<>();
        if (!reader.schemaName().equals(writer.schemaName())) {
            findings.add(new Finding("", "", true, "schema name differs: reader \"" + reader.schemaName()
                    + "\", writer \"" + writer.schemaName() + "\""));
        }
        for (RecordLayout r : reader.records()) {
            Optional<RecordLayout> w = writer.record(r.name());
            if (w.isEmpty()) {
                findings.add(new Finding(r.name(), "", true, "record missing from the writer's layout"));
                continue;
            }
            checkRecord(r, w.get(), findings);
        }
        for (RecordLayout w : writer.records()) {
            if (reader.record(w.name()).isEmpty()) {
                findings.add(new Finding(w.name(), "", false, "record added by the writer (ignored by the reader)"));
            }
        }
        return new Report(List.copyOf(findings));
    }

    private static void checkRecord(RecordLayout r, RecordLayout w, List<Finding> findings) {
        if (r.depth() != w.depth()) {
            findings.add(new Finding(r.name(), "", false, "depth " + r.depth() + " -> " + w.depth()
                    + " (ring geometry is read from the region)"));
        }
        int common = Math.min(r.fields().size(), w.fields().size());
        for (int i = 0; i < common; i++) {
            FieldLayout rf = r.fields().get(i);
            FieldLayout wf = w.fields().get(i);
            String name = rf.name();
            if (!rf.name().equals(wf.name())) {
                findings.add(new Finding(r.name(), name, true, "field " + i + " is \"" + rf.name()
                        + "\" for the reader but \"" + wf.name() + "\" for the writer: fields may only be appended"));
                continue;
            }
            if (rf.type() != wf.type()) {
                findings.add(new Finding(r.name(), name, true, "type " + rf.type().schemaName() + " -> "
                        + wf.type().schemaName()));
            }
            if (rf.count() != wf.count()) {
                findings.add(new Finding(r.name(), name, true, "count " + rf.count() + " -> " + wf.count()));
            }
            if (rf.length() != wf.length()) {
                findings.add(new Finding(r.name(), name, true, "length " + rf.length() + " -> " + wf.length()));
            }
            if (rf.offset() != wf.offset()) {
                findings.add(new Finding(r.name(), name, true, "offset " + rf.offset() + " -> " + wf.offset()));
            }
            for (Map.Entry<String, Integer> e : rf.enumConstants().entrySet()) {
                Integer wv = wf.enumConstants().get(e.getKey());
                if (wv == null) {
                    findings.add(new Finding(r.name(), name, true, "enum constant " + e.getKey()
                            + " removed by the writer"));
                } else if (!wv.equals(e.getValue())) {
                    findings.add(new Finding(r.name(), name, true, "enum constant " + e.getKey() + " = "
                            + e.getValue() + " -> " + wv));
                }
            }
            for (String constant : wf.enumConstants().keySet()) {
                if (!rf.enumConstants().containsKey(constant)) {
                    findings.add(new Finding(r.name(), name, false, "enum constant " + constant
                            + " added by the writer (the reader sees its raw value)"));
                }
            }
            if (!rf.unit().equals(wf.unit())) {
                findings.add(new Finding(r.name(), name, false, "unit \"" + rf.unit() + "\" -> \"" + wf.unit() + "\""));
            }
        }
        for (int i = common; i < r.fields().size(); i++) {
            findings.add(new Finding(r.name(), r.fields().get(i).name(), true,
                    "field missing from the writer's layout (fields may only be appended, never removed)"));
        }
        for (int i = common; i < w.fields().size(); i++) {
            findings.add(new Finding(r.name(), w.fields().get(i).name(), false,
                    "field appended by the writer at offset " + w.fields().get(i).offset()
                            + " (not read by the reader)"));
        }
    }
}
