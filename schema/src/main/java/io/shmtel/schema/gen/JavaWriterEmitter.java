package io.shmtel.schema.gen;

import io.shmtel.schema.FieldType;
import io.shmtel.schema.Names;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.RecordLayout;
import java.util.stream.Collectors;

/**
 * Emits a record's typed writer ({@code <Record>Writer}): a setter per field (with bulk setters for arrays)
 * storing where the writer points its setters (its staging payload, or during a claim the ring's slot
 * itself: {@code target()} at {@code base}), unsigned values checked against their type's range, and a
 * {@code claim()} for zero-copy writing.
 */
final class JavaWriterEmitter {
    private final JavaSource src;

    JavaWriterEmitter(JavaSource src) {
        this.src = src;
    }

    String writerClass(RecordLayout r) {
        SourceWriter w = src.header();
        w.line("import io.shmtel.core.view.RecordWriter;");
        w.line("import io.shmtel.core.view.SampleSink;");
        w.line("import io.shmtel.core.view.Utf8;");
        w.line("import java.util.Objects;");
        w.line();
        String cls = JavaGenerator.writerClassName(r);
        String view = JavaGenerator.viewClassName(r);
        src.recordJavadoc(w, r, "Typed writer of");
        w.open("public final class " + cls + " extends RecordWriter {");
        w.line();
        w.line("/** A writer publishing into {@code sink}, normally the record's ring in a region this process"
                + " owns. */");
        w.open("public " + cls + "(SampleSink sink) {");
        w.line("super(sink, " + view + ".PAYLOAD_LENGTH);");
        w.close("}");
        claim(w, cls, r);
        for (FieldLayout f : r.fields()) {
            setter(w, cls, view, f);
        }
        w.close("}");
        return w.toString();
    }

    /** {@code claim()}: zero-copy writing, with the fields a claim must set named. */
    private static void claim(SourceWriter w, String cls, RecordLayout r) {
        String fields = r.fields().stream().map(FieldLayout::name).collect(Collectors.joining(", "));
        w.line();
        w.line("/**");
        w.line(" * Claims the ring's next slot (zero-copy): the setters write straight into it until"
                + " {@link #commit()}");
        w.line(" * completes it or {@link #abortClaim()} gives it up. Ring records only (a mailbox refuses it).");
        w.line(" * The slot still holds an older sample's bytes, so set every field before commit():");
        w.line(" * " + fields + ".");
        w.line(" * The staged values are not copied into the slot, and the claim's values do not reach them.");
        w.line(" */");
        w.open("public " + cls + " claim() {");
        w.line("beginClaim();");
        w.line("return this;");
        w.close("}");
    }

    private void setter(SourceWriter w, String cls, String view, FieldLayout f) {
        String m = Names.camelCase(f.name());
        String c = view + "." + Names.upperSnake(f.name());
        String doc = "f" + JavaSource.fieldDoc(f).substring(1);
        w.line();
        if (f.type() == FieldType.STRING) {
            w.line("/** Sets " + doc + " Text longer than " + f.length()
                    + " UTF-8 bytes is refused with IllegalArgumentException. */");
            w.open("public " + cls + " " + m + "(CharSequence value) {");
            w.line("Utf8.encode(value, target(), base + " + c + "_OFFSET, " + c + "_LENGTH, \"" + f.name() + "\");");
            w.line("return this;");
            w.close("}");
            return;
        }
        if (f.isEnum()) {
            String type = view + "." + Names.pascalCase(f.name());
            w.line("/** Sets " + doc + " */");
            w.open("public " + cls + " " + m + "(" + type + " value) {");
            w.line("target().putInt(base + " + c + "_OFFSET, value.value());");
            w.line("return this;");
            w.close("}");
            w.line();
            w.line("/** Sets " + doc + " As the raw i32 value. */");
            w.open("public " + cls + " " + m + "Raw(int value) {");
            w.line("target().putInt(base + " + c + "_OFFSET, value);");
            w.line("return this;");
            w.close("}");
            return;
        }
        String javaType = f.type().javaType();
        String size = Integer.toString(f.type().sizeBytes());
        String index = f.isArray() ? c + "_OFFSET + index * " + size : c + "_OFFSET";
        w.line("/** Sets " + doc + (f.isArray() ? " Element {@code index} of " + f.count() + "." : "") + " */");
        w.open("public " + cls + " " + m + "(" + (f.isArray() ? "int index, " : "") + javaType + " value) {");
        if (f.isArray()) {
            w.line("Objects.checkIndex(index, " + c + "_COUNT);");
        }
        if (f.type().isUnsigned()) {
            w.line("checkUnsigned(value, " + JavaAccess.maxLiteral(f.type()) + ", \"" + f.name() + "\");");
        }
        w.line(JavaAccess.store(f.type(), index, "value"));
        w.line("return this;");
        w.close("}");
        if (f.isArray()) {
            bulkSetter(w, cls, c, f, m, size, doc);
        }
    }

    private static void bulkSetter(SourceWriter w, String cls, String c, FieldLayout f, String m, String size,
            String doc) {
        String arrayType = f.type().javaArrayType();
        w.line();
        w.line("/** Sets " + doc + " All " + f.count() + " elements, from {@code src[0.." + f.count()
                + ")} (src may be longer). */");
        w.open("public " + cls + " " + m + "(" + arrayType + " src) {");
        w.line("return " + m + "(src, 0, " + c + "_COUNT);");
        w.close("}");
        w.line();
        w.line("/** Sets " + doc + " Elements {@code [0, length)} from {@code src[srcOffset, srcOffset + length)};"
                + " later elements keep their values. */");
        w.open("public " + cls + " " + m + "(" + arrayType + " src, int srcOffset, int length) {");
        w.line("Objects.checkFromIndexSize(0, length, " + c + "_COUNT);");
        w.line("Objects.checkFromIndexSize(srcOffset, length, src.length);");
        String v = "src[srcOffset + i]";
        String max = f.type().isUnsigned() ? JavaAccess.maxLiteral(f.type()) : null;
        if (max != null) { // every value checked before any is stored: a refused array changes nothing
            w.open("for (int i = 0; i < length; i++) {");
            w.line("checkUnsigned(" + v + ", " + max + ", \"" + f.name() + "\");");
            w.close("}");
        }
        w.open("for (int i = 0; i < length; i++) {");
        String at = c + "_OFFSET + i * " + size;
        w.line(JavaAccess.store(f.type(), at, v));
        w.close("}");
        w.line("return this;");
        w.close("}");
    }
}
