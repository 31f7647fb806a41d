package io.shmtel.schema.gen;

import io.shmtel.schema.FieldType;
import io.shmtel.schema.Names;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Emits a record's typed read-only view ({@code <Record>View}): its constants and {@code FieldMeta} table,
 * an enum type per enum field, a getter (and array copy methods) per field, and {@code toString}.
 */
final class JavaViewEmitter {
    private final JavaSource src;
    private final Layout layout;

    JavaViewEmitter(JavaSource src) {
        this.src = src;
        this.layout = src.layout();
    }

    String viewClass(RecordLayout r) {
        SourceWriter w = src.header();
        w.line("import io.shmtel.core.view.FieldMeta;");
        w.line("import io.shmtel.core.view.RecordView;");
        w.line("import io.shmtel.core.view.Utf8;");
        w.line("import java.nio.ByteBuffer;");
        w.line("import java.util.List;");
        w.line("import java.util.Objects;");
        w.line();
        String cls = JavaGenerator.viewClassName(r);
        src.recordJavadoc(w, r, "Typed read-only view of");
        w.open("public final class " + cls + " extends RecordView {");
        recordConstants(w, r);
        for (FieldLayout f : r.fields()) {
            if (f.isEnum()) {
                enumType(w, r, f);
            }
        }
        w.line();
        w.line("/**");
        w.line(" * Points this view at a slot image (normally a validated snapshot) at {@code offset}. Every getter"
                + " reads at");
        w.line(" * fixed offsets, so it is also safe on a live slot that a writer is rewriting (an optimistic read,");
        w.line(" * {@code Subscriber.latestOptimistic}): torn bytes give wrong values, never an exception or a loop.");
        w.line(" */");
        w.line("@Override");
        w.open("public " + cls + " wrap(ByteBuffer buffer, int offset) {");
        w.line("wrapSlot(buffer, offset, PAYLOAD_LENGTH);");
        w.line("return this;");
        w.close("}");
        w.line();
        w.line("@Override");
        w.open("public long recordFingerprint() {");
        w.line("return FINGERPRINT;");
        w.close("}");
        w.line();
        w.line("@Override");
        w.open("public String recordName() {");
        w.line("return RECORD_NAME;");
        w.close("}");
        w.line();
        w.line("@Override");
        w.open("public int payloadLength() {");
        w.line("return PAYLOAD_LENGTH;");
        w.close("}");
        for (FieldLayout f : r.fields()) {
            getter(w, f);
        }
        toStringMethod(w, r);
        w.close("}");
        return w.toString();
    }

    private void recordConstants(SourceWriter w, RecordLayout r) {
        w.line("public static final String RECORD_NAME = " + SourceWriter.literal(r.name(), true) + ";");
        w.line("/** Fingerprint of this record's layout, as stored in the region's record table. */");
        w.line("public static final long FINGERPRINT = " + JavaSource.hex(r.fingerprint()) + ";");
        w.line("public static final long SCHEMA_FINGERPRINT = " + JavaSource.hex(layout.fingerprint()) + ";");
        w.line("public static final int DEPTH = " + r.depth() + ";");
        w.line("public static final int PAYLOAD_LENGTH = " + r.payloadLength() + ";");
        w.line("public static final int SLOT_LENGTH = " + r.slotLength() + ";");
        w.line("/** Offset of this record's block from the region start. */");
        w.line("public static final long BLOCK_OFFSET = " + r.blockOffset() + "L;");
        w.line("public static final double RATE_HZ = " + r.rateHz() + ";");
        w.line();
        StringBuilder metas = new StringBuilder();
        for (FieldLayout f : r.fields()) {
            String c = Names.upperSnake(f.name());
            w.line("public static final int " + c + "_OFFSET = " + f.offset() + ";");
            if (f.isArray()) {
                w.line("public static final int " + c + "_COUNT = " + f.count() + ";");
            }
            if (f.type() == FieldType.STRING) {
                w.line("public static final int " + c + "_LENGTH = " + f.length() + ";");
            }
            w.line("public static final FieldMeta " + c + "_META = new FieldMeta("
                    + SourceWriter.literal(f.name(), true)
                    + ", " + SourceWriter.literal(f.isEnum() ? "enum" : f.type().schemaName(), true) + ", "
                    + f.offset() + ", " + f.count() + ", " + f.length() + ", " + f.sizeBytes() + ", "
                    + SourceWriter.literal(f.unit(), true) + ", " + SourceWriter.literal(f.description(), true) + ");");
            metas.append(metas.length() == 0 ? "" : ", ").append(c).append("_META");
        }
        w.line("/** Every field, in layout order. */");
        w.line("public static final List<FieldMeta> FIELDS = List.of(" + metas + ");");
    }

    private void enumType(SourceWriter w, RecordLayout r, FieldLayout f) {
        String type = Names.pascalCase(f.name());
        if (type.equals(JavaGenerator.viewClassName(r))) {
            throw new IllegalStateException("enum field \"" + f.name() + "\" of record \"" + r.name()
                    + "\" would generate a type named like its view class " + type + "; rename the field");
        }
        w.line();
        w.line("/** Constants of field {@code " + f.name() + "}" + (f.description().isEmpty() ? "" : ": "
                + SourceWriter.comment(f.description())) + ". */");
        w.open("public enum " + type + " {");
        List<String> constants = new ArrayList<>();
        for (Map.Entry<String, Integer> e : f.enumConstants().entrySet()) {
            constants.add(e.getKey() + "(" + e.getValue() + ")");
        }
        for (int i = 0; i < constants.size(); i++) {
            w.line(constants.get(i) + (i == constants.size() - 1 ? ";" : ","));
        }
        w.line();
        w.line("private final int value;");
        w.line();
        w.open(type + "(int value) {");
        w.line("this.value = value;");
        w.close("}");
        w.line();
        w.line("/** The value stored in shared memory. */");
        w.open("public int value() {");
        w.line("return value;");
        w.close("}");
        w.line();
        w.line("/** The constant stored as {@code value}, or {@code null} when the schema declares none. */");
        w.open("public static " + type + " fromValue(int value) {");
        w.open("switch (value) {");
        for (Map.Entry<String, Integer> e : f.enumConstants().entrySet()) {
            w.line("case " + e.getValue() + ": return " + e.getKey() + ";");
        }
        w.line("default: return null;");
        w.close("}");
        w.close("}");
        w.close("}");
    }

    private void getter(SourceWriter w, FieldLayout f) {
        String m = Names.camelCase(f.name());
        String c = Names.upperSnake(f.name());
        String doc = JavaSource.fieldDoc(f);
        w.line();
        if (f.type() == FieldType.STRING) {
            w.line("/** " + doc + " Decoded into a new String (allocates); see the StringBuilder overload. */");
            w.open("public String " + m + "() {");
            w.line("return Utf8.decode(buffer, payloadOffset + " + c + "_OFFSET, " + c + "_LENGTH);");
            w.close("}");
            w.line();
            w.line("/** " + doc + " Appended to {@code dst} without allocating. */");
            w.open("public StringBuilder " + m + "(StringBuilder dst) {");
            w.line("return Utf8.decode(buffer, payloadOffset + " + c + "_OFFSET, " + c + "_LENGTH, dst);");
            w.close("}");
            return;
        }
        if (f.isEnum()) {
            String type = Names.pascalCase(f.name());
            w.line("/** " + doc + " {@code null} when the stored value is not a declared constant; see " + m
                    + "Raw(). */");
            w.open("public " + type + " " + m + "() {");
            w.line("return " + type + ".fromValue(" + m + "Raw());");
            w.close("}");
            w.line();
            w.line("/** " + doc + " The raw i32 value. */");
            w.open("public int " + m + "Raw() {");
            w.line("return buffer.getInt(payloadOffset + " + c + "_OFFSET);");
            w.close("}");
            return;
        }
        String javaType = f.type().javaType();
        String arrayType = f.type().javaArrayType();
        String size = Integer.toString(f.type().sizeBytes());
        if (f.isArray()) {
            w.line("/** " + doc + " Element {@code index} of " + f.count() + ". */");
            w.open("public " + javaType + " " + m + "(int index) {");
            w.line("Objects.checkIndex(index, " + c + "_COUNT);");
            w.line("return " + JavaAccess.read(f.type(), "payloadOffset + " + c + "_OFFSET + index * " + size) + ";");
            w.close("}");
            w.line();
            w.line("/** " + doc + " All " + f.count() + " elements, copied into {@code dst[0.." + f.count()
                    + ")} without allocating; returns {@code dst}. */");
            w.open("public " + arrayType + " " + m + "(" + arrayType + " dst) {");
            w.line("return " + m + "(dst, 0, " + c + "_COUNT);");
            w.close("}");
            w.line();
            w.line("/** " + doc + " Elements {@code [0, length)} copied into {@code dst[dstOffset, dstOffset + length)}"
                    + " without allocating; returns {@code dst}. */");
            w.open("public " + arrayType + " " + m + "(" + arrayType + " dst, int dstOffset, int length) {");
            w.line("Objects.checkFromIndexSize(0, length, " + c + "_COUNT);");
            w.line("Objects.checkFromIndexSize(dstOffset, length, dst.length);");
            w.line("int base = payloadOffset + " + c + "_OFFSET;");
            w.open("for (int i = 0; i < length; i++) {");
            w.line("dst[dstOffset + i] = " + JavaAccess.read(f.type(), "base + i * " + size) + ";");
            w.close("}");
            w.line("return dst;");
            w.close("}");
        } else {
            w.line("/** " + doc + " */");
            w.open("public " + javaType + " " + m + "() {");
            w.line("return " + JavaAccess.read(f.type(), "payloadOffset + " + c + "_OFFSET") + ";");
            w.close("}");
        }
    }

    private void toStringMethod(SourceWriter w, RecordLayout r) {
        w.line();
        w.line("/** The sample as text (allocates; for logs and tools, not hot paths). */");
        w.line("@Override");
        w.open("public String toString() {");
        w.open("if (buffer == null) {");
        w.line("return \"" + r.name() + "{unwrapped}\";");
        w.close("}");
        w.line("StringBuilder sb = new StringBuilder(\"" + r.name() + "{sample=\").append(sampleIndex())"
                + ".append(\", timestampNs=\").append(timestampNs());");
        for (FieldLayout f : r.fields()) {
            String m = Names.camelCase(f.name());
            String c = Names.upperSnake(f.name());
            w.line("sb.append(\", " + f.name() + "=\");");
            if (f.type() == FieldType.STRING) {
                w.line("sb.append('\"');");
                w.line(m + "(sb);");
                w.line("sb.append('\"');");
            } else if (f.isEnum()) {
                w.line("sb.append(" + m + "() != null ? " + m + "().name() : Integer.toString(" + m + "Raw()));");
            } else if (f.isArray()) {
                w.line("sb.append('[');");
                w.open("for (int i = 0; i < " + c + "_COUNT; i++) {");
                w.line("sb.append(i == 0 ? \"\" : \", \").append(" + m + "(i));");
                w.close("}");
                w.line("sb.append(']');");
            } else {
                w.line("sb.append(" + m + "());");
            }
        }
        w.line("return sb.append('}').toString();");
        w.close("}");
    }
}
