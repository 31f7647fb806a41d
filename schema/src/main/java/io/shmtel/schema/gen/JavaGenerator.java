package io.shmtel.schema.gen;

import io.shmtel.schema.FieldType;
import io.shmtel.schema.Names;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Fingerprint;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Generates, from a {@link Layout}, one Java view and one writer per record and a schema class
 * with the schema's constants. Views and writers target {@code io.shmtel.core.view}; their hot
 * paths (getters, setters) allocate nothing.
 */
public final class JavaGenerator {

    private static final Pattern PACKAGE = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*(\\.[a-zA-Z_][a-zA-Z0-9_]*)*");
    /** Longest string constant piece: class-file constants are limited to 65535 UTF-8 bytes. */
    private static final int LITERAL_CHUNK = 8000;

    private final Layout layout;
    private final String packageName;
    private final String sourceName;

    public JavaGenerator(Layout layout, String packageName) {
        if (!PACKAGE.matcher(packageName).matches()) {
            throw new IllegalArgumentException("not a Java package name: \"" + packageName
                    + "\" (expected dot-separated identifiers, e.g. com.example.telemetry)");
        }
        for (String part : packageName.split("\\.")) {
            if (Names.JAVA_KEYWORDS.contains(part)) {
                throw new IllegalArgumentException("not a Java package name: \"" + packageName + "\" (\"" + part
                        + "\" is a Java keyword)");
            }
        }
        String top = packageName.split("\\.")[0];
        if (top.equals("java") || top.equals("javax")) {
            throw new IllegalArgumentException("not a package for generated code: \"" + packageName + "\" (" + top
                    + ".* belongs to the JDK, and the JVM refuses classes of java.* from an application; use your own,"
                    + " e.g. com.example.telemetry)");
        }
        this.layout = layout;
        this.packageName = packageName;
        this.sourceName = layout.source() == null ? "<unknown>" : layout.source();
    }

    /** The default package for a schema: {@code io.shmtel.generated.<schema>}. */
    public static String defaultPackage(Layout layout) {
        return "io.shmtel.generated." + layout.schemaName();
    }

    public static String schemaClassName(Layout layout) {
        return Names.pascalCase(layout.schemaName()) + "Schema";
    }

    public static String viewClassName(RecordLayout record) {
        return Names.pascalCase(record.name()) + "View";
    }

    public static String writerClassName(RecordLayout record) {
        return Names.pascalCase(record.name()) + "Writer";
    }

    public List<GeneratedFile> generate() {
        List<GeneratedFile> files = new ArrayList<>();
        String dir = packageName.replace('.', '/') + "/";
        files.add(new GeneratedFile(dir + schemaClassName(layout) + ".java", schemaClass()));
        for (RecordLayout record : layout.records()) {
            files.add(new GeneratedFile(dir + viewClassName(record) + ".java", viewClass(record)));
            files.add(new GeneratedFile(dir + writerClassName(record) + ".java", writerClass(record)));
        }
        return files;
    }

    // ------------------------------------------------------------------ schema class

    private String schemaClass() {
        SourceWriter w = header();
        String name = schemaClassName(layout);
        w.line("/**");
        w.line(" * Constants of schema \"" + layout.schemaName() + "\" version " + layout.schemaVersion()
                + (layout.description().isEmpty() ? "" : ": " + SourceWriter.comment(layout.description())) + ".");
        w.line(" * {@link #layout()} gives the compiled layout from the schema text embedded here: no schema file");
        w.line(" * is needed at run time.");
        w.line(" */");
        w.open("public final class " + name + " {");
        w.line("public static final String NAME = " + SourceWriter.literal(layout.schemaName(), true) + ";");
        w.line("public static final int VERSION = " + layout.schemaVersion() + ";");
        w.line("/** Fingerprint of the whole layout, as stored in the region header. */");
        w.line("public static final long FINGERPRINT = " + hex(layout.fingerprint()) + ";");
        w.line("public static final long HEADER_LENGTH = " + layout.headerLength() + "L;");
        w.line("public static final long REGION_LENGTH = " + layout.regionLength() + "L;");
        w.line("/** Names of the records, in declaration order. */");
        StringBuilder names = new StringBuilder();
        for (RecordLayout r : layout.records()) {
            names.append(names.length() == 0 ? "" : ", ").append(SourceWriter.literal(r.name(), true));
        }
        w.line("public static final java.util.List<String> RECORDS = java.util.List.of(" + names + ");");
        w.line("/** Canonical schema text, embedded in every region of this schema. */");
        w.line("public static final String CANONICAL_JSON = " + chunkedLiteral(layout.canonicalJson()) + ";");
        w.line();
        w.line("private " + name + "() {}");
        w.line();
        w.line("/**");
        w.line(" * The compiled layout of this schema (from {@link #CANONICAL_JSON}, checked against {@link #FINGERPRINT}),");
        w.line(" * for {@code Publisher.create} and {@code Subscriber.open}. Compiled once, on the first call; the same");
        w.line(" * instance afterwards.");
        w.line(" */");
        w.open("public static io.shmtel.schema.layout.Layout layout() {");
        w.line("return Compiled.LAYOUT;");
        w.close("}");
        w.line();
        w.line("/** Compiles on first use (class initialisation is lazy and thread-safe). */");
        w.open("private static final class Compiled {");
        w.line("static final io.shmtel.schema.layout.Layout LAYOUT = compile();");
        w.line();
        w.open("private static io.shmtel.schema.layout.Layout compile() {");
        w.line("io.shmtel.schema.layout.Layout layout = io.shmtel.schema.layout.LayoutCompiler.compile(");
        w.line("        io.shmtel.schema.SchemaParser.parse(CANONICAL_JSON, NAME + \" (generated " + name + ")\"));");
        w.open("if (layout.fingerprint() != FINGERPRINT) {");
        w.line("throw new IllegalStateException(\"" + name + ": the embedded schema compiles to layout \"");
        w.line("        + io.shmtel.schema.layout.Fingerprint.hex(layout.fingerprint()) + \", the generated code expects \"");
        w.line("        + io.shmtel.schema.layout.Fingerprint.hex(FINGERPRINT)");
        w.line("        + \": regenerate the code with the shmtel version on the class path\");");
        w.close("}");
        w.line("return layout;");
        w.close("}");
        w.close("}");
        w.close("}");
        return w.toString();
    }

    private static String chunkedLiteral(String text) {
        if (text.length() <= LITERAL_CHUNK) {
            return SourceWriter.literal(text, true);
        }
        StringBuilder sb = new StringBuilder("String.join(\"\"");
        for (int i = 0; i < text.length(); i += LITERAL_CHUNK) {
            sb.append(",\n            ").append(SourceWriter.literal(
                    text.substring(i, Math.min(text.length(), i + LITERAL_CHUNK)), true));
        }
        return sb.append(")").toString();
    }

    // ------------------------------------------------------------------ view

    private String viewClass(RecordLayout r) {
        SourceWriter w = header();
        w.line("import io.shmtel.core.view.FieldMeta;");
        w.line("import io.shmtel.core.view.RecordView;");
        w.line("import io.shmtel.core.view.Utf8;");
        w.line("import java.nio.ByteBuffer;");
        w.line("import java.util.List;");
        w.line("import java.util.Objects;");
        w.line();
        String cls = viewClassName(r);
        recordJavadoc(w, r, "Typed read-only view of");
        w.open("public final class " + cls + " extends RecordView {");
        recordConstants(w, r);
        for (FieldLayout f : r.fields()) {
            if (f.isEnum()) {
                enumType(w, r, f);
            }
        }
        w.line();
        w.line("/** Points this view at a slot image (normally a validated snapshot) at {@code offset}. */");
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

    private void recordJavadoc(SourceWriter w, RecordLayout r, String what) {
        w.line("/**");
        w.line(" * " + what + " record \"" + r.name() + "\" of schema \"" + layout.schemaName() + "\""
                + (r.description().isEmpty() ? "." : ": " + SourceWriter.comment(r.description())
                + (r.description().endsWith(".") ? "" : ".")));
        w.line(" *");
        w.line(" * <p>Depth " + r.depth() + (r.rateHz() > 0 ? ", nominal rate " + formatRate(r.rateHz()) + " Hz" : "")
                + ", payload " + r.payloadLength() + " bytes, slot " + r.slotLength() + " bytes. Payload layout:");
        w.line(" *");
        w.line(" * <pre>");
        w.line(" *   offset  size  type          field");
        for (FieldLayout f : r.fields()) {
            w.line(String.format(" *   %6d  %4d  %-12s  %s%s", f.offset(), f.sizeBytes(), typeLabel(f), f.name(),
                    f.unit().isEmpty() ? "" : " [" + SourceWriter.comment(f.unit()) + "]"));
        }
        w.line(" * </pre>");
        w.line(" */");
    }

    private static String typeLabel(FieldLayout f) {
        if (f.type() == FieldType.STRING) {
            return "string[" + f.length() + "]";
        }
        if (f.isEnum()) {
            return "enum i32";
        }
        return f.type().schemaName() + (f.isArray() ? "[" + f.count() + "]" : "");
    }

    private void recordConstants(SourceWriter w, RecordLayout r) {
        w.line("public static final String RECORD_NAME = " + SourceWriter.literal(r.name(), true) + ";");
        w.line("/** Fingerprint of this record's layout, as stored in the region's record table. */");
        w.line("public static final long FINGERPRINT = " + hex(r.fingerprint()) + ";");
        w.line("public static final long SCHEMA_FINGERPRINT = " + hex(layout.fingerprint()) + ";");
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
            w.line("public static final FieldMeta " + c + "_META = new FieldMeta(" + SourceWriter.literal(f.name(), true)
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
        if (type.equals(viewClassName(r))) {
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
        String doc = fieldDoc(f);
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
            w.line("/** " + doc + " {@code null} when the stored value is not a declared constant; see " + m + "Raw(). */");
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
        String javaType = javaType(f.type());
        String size = Integer.toString(f.type().sizeBytes());
        if (f.isArray()) {
            w.line("/** " + doc + " Element {@code index} of " + f.count() + ". */");
            w.open("public " + javaType + " " + m + "(int index) {");
            w.line("Objects.checkIndex(index, " + c + "_COUNT);");
            w.line("return " + read(f.type(), "payloadOffset + " + c + "_OFFSET + index * " + size) + ";");
            w.close("}");
            w.line();
            w.line("/** " + doc + " All " + f.count() + " elements, copied into {@code dst[0.." + f.count()
                    + ")} without allocating; returns {@code dst}. */");
            w.open("public " + javaType + "[] " + m + "(" + javaType + "[] dst) {");
            w.line("return " + m + "(dst, 0, " + c + "_COUNT);");
            w.close("}");
            w.line();
            w.line("/** " + doc + " Elements {@code [0, length)} copied into {@code dst[dstOffset, dstOffset + length)}"
                    + " without allocating; returns {@code dst}. */");
            w.open("public " + javaType + "[] " + m + "(" + javaType + "[] dst, int dstOffset, int length) {");
            w.line("Objects.checkFromIndexSize(0, length, " + c + "_COUNT);");
            w.line("Objects.checkFromIndexSize(dstOffset, length, dst.length);");
            w.line("int base = payloadOffset + " + c + "_OFFSET;");
            w.open("for (int i = 0; i < length; i++) {");
            w.line("dst[dstOffset + i] = " + read(f.type(), "base + i * " + size) + ";");
            w.close("}");
            w.line("return dst;");
            w.close("}");
        } else {
            w.line("/** " + doc + " */");
            w.open("public " + javaType + " " + m + "() {");
            w.line("return " + read(f.type(), "payloadOffset + " + c + "_OFFSET") + ";");
            w.close("}");
        }
    }

    private static String fieldDoc(FieldLayout f) {
        StringBuilder sb = new StringBuilder("Field {@code ").append(f.name()).append('}');
        if (!f.unit().isEmpty()) {
            sb.append(" [").append(SourceWriter.comment(f.unit())).append(']');
        }
        if (!f.description().isEmpty()) {
            sb.append(": ").append(SourceWriter.comment(f.description()));
        }
        return sb.append('.').toString();
    }

    private static String javaType(FieldType t) {
        return switch (t) {
            case BOOL -> "boolean";
            case I8 -> "byte";
            case U8, U16 -> "int";
            case I16 -> "short";
            case I32 -> "int";
            case U32, I64 -> "long";
            case F32 -> "float";
            case F64 -> "double";
            case STRING -> "String";
        };
    }

    private static String read(FieldType t, String index) {
        return switch (t) {
            case BOOL -> "buffer.get(" + index + ") != 0";
            case I8 -> "buffer.get(" + index + ")";
            case U8 -> "buffer.get(" + index + ") & 0xFF";
            case I16 -> "buffer.getShort(" + index + ")";
            case U16 -> "buffer.getShort(" + index + ") & 0xFFFF";
            case I32 -> "buffer.getInt(" + index + ")";
            case U32 -> "buffer.getInt(" + index + ") & 0xFFFF_FFFFL";
            case I64 -> "buffer.getLong(" + index + ")";
            case F32 -> "buffer.getFloat(" + index + ")";
            case F64 -> "buffer.getDouble(" + index + ")";
            case STRING -> throw new IllegalArgumentException("strings are read with Utf8");
        };
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

    // ------------------------------------------------------------------ writer

    private String writerClass(RecordLayout r) {
        SourceWriter w = header();
        w.line("import io.shmtel.core.view.RecordWriter;");
        w.line("import io.shmtel.core.view.SampleSink;");
        w.line("import io.shmtel.core.view.Utf8;");
        w.line("import java.util.Objects;");
        w.line();
        String cls = writerClassName(r);
        String view = viewClassName(r);
        recordJavadoc(w, r, "Typed writer of");
        w.open("public final class " + cls + " extends RecordWriter {");
        w.line();
        w.line("/** A writer publishing into {@code sink}, normally the record's ring in a region this process owns. */");
        w.open("public " + cls + "(SampleSink sink) {");
        w.line("super(sink, " + view + ".PAYLOAD_LENGTH);");
        w.close("}");
        for (FieldLayout f : r.fields()) {
            setter(w, cls, view, f);
        }
        w.close("}");
        return w.toString();
    }

    private void setter(SourceWriter w, String cls, String view, FieldLayout f) {
        String m = Names.camelCase(f.name());
        String c = view + "." + Names.upperSnake(f.name());
        String doc = "f" + fieldDoc(f).substring(1);
        w.line();
        if (f.type() == FieldType.STRING) {
            w.line("/** Sets " + doc + " Text longer than " + f.length()
                    + " UTF-8 bytes is refused with IllegalArgumentException. */");
            w.open("public " + cls + " " + m + "(CharSequence value) {");
            w.line("Utf8.encode(value, staging, " + c + "_OFFSET, " + c + "_LENGTH, \"" + f.name() + "\");");
            w.line("return this;");
            w.close("}");
            return;
        }
        if (f.isEnum()) {
            String type = view + "." + Names.pascalCase(f.name());
            w.line("/** Sets " + doc + " */");
            w.open("public " + cls + " " + m + "(" + type + " value) {");
            w.line("staging.putInt(" + c + "_OFFSET, value.value());");
            w.line("return this;");
            w.close("}");
            w.line();
            w.line("/** Sets " + doc + " As the raw i32 value. */");
            w.open("public " + cls + " " + m + "Raw(int value) {");
            w.line("staging.putInt(" + c + "_OFFSET, value);");
            w.line("return this;");
            w.close("}");
            return;
        }
        String javaType = javaType(f.type());
        String size = Integer.toString(f.type().sizeBytes());
        String index = f.isArray() ? c + "_OFFSET + index * " + size : c + "_OFFSET";
        w.line("/** Sets " + doc + (f.isArray() ? " Element {@code index} of " + f.count() + "." : "") + " */");
        w.open("public " + cls + " " + m + "(" + (f.isArray() ? "int index, " : "") + javaType + " value) {");
        if (f.isArray()) {
            w.line("Objects.checkIndex(index, " + c + "_COUNT);");
        }
        switch (f.type()) {
            case BOOL -> w.line("staging.put(" + index + ", (byte) (value ? 1 : 0));");
            case I8 -> w.line("staging.put(" + index + ", value);");
            case U8 -> {
                w.line("checkUnsigned(value, 0xFF, \"" + f.name() + "\");");
                w.line("staging.put(" + index + ", (byte) value);");
            }
            case I16 -> w.line("staging.putShort(" + index + ", value);");
            case U16 -> {
                w.line("checkUnsigned(value, 0xFFFF, \"" + f.name() + "\");");
                w.line("staging.putShort(" + index + ", (short) value);");
            }
            case I32 -> w.line("staging.putInt(" + index + ", value);");
            case U32 -> {
                w.line("checkUnsigned(value, 0xFFFF_FFFFL, \"" + f.name() + "\");");
                w.line("staging.putInt(" + index + ", (int) value);");
            }
            case I64 -> w.line("staging.putLong(" + index + ", value);");
            case F32 -> w.line("staging.putFloat(" + index + ", value);");
            case F64 -> w.line("staging.putDouble(" + index + ", value);");
            case STRING -> throw new IllegalStateException("unreachable");
        }
        w.line("return this;");
        w.close("}");
        if (f.isArray()) {
            bulkSetter(w, cls, c, f, m, javaType, size, doc);
        }
    }

    private static void bulkSetter(SourceWriter w, String cls, String c, FieldLayout f, String m, String javaType,
            String size, String doc) {
        w.line();
        w.line("/** Sets " + doc + " All " + f.count() + " elements, from {@code src[0.." + f.count()
                + ")} (src may be longer). */");
        w.open("public " + cls + " " + m + "(" + javaType + "[] src) {");
        w.line("return " + m + "(src, 0, " + c + "_COUNT);");
        w.close("}");
        w.line();
        w.line("/** Sets " + doc + " Elements {@code [0, length)} from {@code src[srcOffset, srcOffset + length)};"
                + " later elements keep their values. */");
        w.open("public " + cls + " " + m + "(" + javaType + "[] src, int srcOffset, int length) {");
        w.line("Objects.checkFromIndexSize(0, length, " + c + "_COUNT);");
        w.line("Objects.checkFromIndexSize(srcOffset, length, src.length);");
        String v = "src[srcOffset + i]";
        String max = switch (f.type()) {
            case U8 -> "0xFF";
            case U16 -> "0xFFFF";
            case U32 -> "0xFFFF_FFFFL";
            default -> null;
        };
        if (max != null) { // every value checked before any is stored: a refused array changes nothing
            w.open("for (int i = 0; i < length; i++) {");
            w.line("checkUnsigned(" + v + ", " + max + ", \"" + f.name() + "\");");
            w.close("}");
        }
        w.open("for (int i = 0; i < length; i++) {");
        String at = c + "_OFFSET + i * " + size;
        switch (f.type()) {
            case BOOL -> w.line("staging.put(" + at + ", (byte) (" + v + " ? 1 : 0));");
            case I8 -> w.line("staging.put(" + at + ", " + v + ");");
            case U8 -> w.line("staging.put(" + at + ", (byte) " + v + ");");
            case I16 -> w.line("staging.putShort(" + at + ", " + v + ");");
            case U16 -> w.line("staging.putShort(" + at + ", (short) " + v + ");");
            case I32 -> w.line("staging.putInt(" + at + ", " + v + ");");
            case U32 -> w.line("staging.putInt(" + at + ", (int) " + v + ");");
            case I64 -> w.line("staging.putLong(" + at + ", " + v + ");");
            case F32 -> w.line("staging.putFloat(" + at + ", " + v + ");");
            case F64 -> w.line("staging.putDouble(" + at + ", " + v + ");");
            case STRING -> throw new IllegalStateException("unreachable");
        }
        w.close("}");
        w.line("return this;");
        w.close("}");
    }

    // ------------------------------------------------------------------ helpers

    private SourceWriter header() {
        SourceWriter w = new SourceWriter("    ");
        w.line("// Generated by shmtel from " + SourceWriter.comment(sourceName) + " (schema \"" + layout.schemaName()
                + "\" version " + layout.schemaVersion() + ", layout " + Fingerprint.hex(layout.fingerprint())
                + "). Do not edit.");
        w.line("package " + packageName + ";");
        w.line();
        return w;
    }

    private static String hex(long value) {
        return String.format("0x%016xL", value);
    }

    static String formatRate(double rateHz) {
        return rateHz == Math.rint(rateHz) ? Long.toString((long) rateHz) : Double.toString(rateHz);
    }
}
