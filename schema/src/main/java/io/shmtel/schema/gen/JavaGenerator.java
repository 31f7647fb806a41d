package io.shmtel.schema.gen;

import io.shmtel.schema.Names;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Generates, from a {@link Layout}, one Java view and one writer per record and a schema class
 * with the schema's constants. Views and writers target {@code io.shmtel.core.view}; their hot
 * paths (getters, setters) allocate nothing. The view and the writer are emitted by {@link JavaViewEmitter}
 * and {@link JavaWriterEmitter}; the schema class here.
 */
public final class JavaGenerator {

    private static final Pattern PACKAGE = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*(\\.[a-zA-Z_][a-zA-Z0-9_]*)*");
    /** Longest string constant piece: class-file constants are limited to 65535 UTF-8 bytes. */
    private static final int LITERAL_CHUNK = 8000;

    private final Layout layout;
    private final String packageName;
    private final JavaSource src;

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
        this.src = new JavaSource(layout, packageName);
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
        JavaViewEmitter views = new JavaViewEmitter(src);
        JavaWriterEmitter writers = new JavaWriterEmitter(src);
        for (RecordLayout record : layout.records()) {
            files.add(new GeneratedFile(dir + viewClassName(record) + ".java", views.viewClass(record)));
            files.add(new GeneratedFile(dir + writerClassName(record) + ".java", writers.writerClass(record)));
        }
        return files;
    }

    // ------------------------------------------------------------------ schema class

    private String schemaClass() {
        SourceWriter w = src.header();
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
        w.line("public static final long FINGERPRINT = " + JavaSource.hex(layout.fingerprint()) + ";");
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
        w.line(" * The compiled layout of this schema (from {@link #CANONICAL_JSON}, checked against"
                + " {@link #FINGERPRINT}),");
        w.line(" * for {@code Publisher.create} and {@code Subscriber.open}. Compiled once, on the first call;"
                + " the same");
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
        w.line("        + io.shmtel.schema.layout.Fingerprint.hex(layout.fingerprint())"
                + " + \", the generated code expects \"");
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
}
