package io.shmtel.schema.gen;

import io.shmtel.schema.Names;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Fingerprint;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Generates the C++17 header of a schema, {@code <schema>.hpp}, next to its C header (which it includes): RAII
 * owners and readers over the C layer ({@code shmtel::arm::Region}, {@code shmtel::Publisher<shmtel::arm::JointState>},
 * {@code Reader}, {@code MailboxSender}, {@code MailboxConsumer}), records as the C structs under C++ names in
 * namespace shmtel::&lt;schema&gt; ({@code shmtel::arm::JointState} is {@code arm_joint_state_t}; a top-level
 * namespace would clash with C library names such as the example schema "system"). The templates are the same for
 * every schema: their text is
 * the resource {@value #RESOURCE}, copied between its markers; this class writes the schema's namespace and one
 * {@code shmtel::record_traits} specialisation per record, which maps the struct to its C functions, block offset
 * and name. The API is described in docs/cpp.md.
 */
public final class CppGenerator {
    /** The resource holding the C++ text common to every schema, next to this class. */
    static final String RESOURCE = "shmtel_common.hpp";
    /** The line before the first line copied from the resource. */
    static final String BEGIN = "/* CppGenerator: begin */";
    /** The line after the last line copied. */
    static final String END = "/* CppGenerator: end */";

    /**
     * C++20 keywords and alternative tokens that the schema language does not already refuse as Java or C keywords
     * (docs/schema.md): the schema's name is a C++ namespace and field names are struct members.
     */
    static final Set<String> CPP_KEYWORDS = Set.of(
            "alignas", "alignof", "and", "and_eq", "asm", "bitand", "bitor", "char8_t", "char16_t", "char32_t",
            "compl", "concept", "consteval", "constexpr", "constinit", "const_cast", "co_await", "co_return",
            "co_yield", "decltype", "delete", "dynamic_cast", "explicit", "export", "friend", "mutable", "namespace",
            "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "reinterpret_cast", "requires",
            "static_assert", "static_cast", "template", "thread_local", "typeid", "typename", "using", "virtual",
            "wchar_t", "xor", "xor_eq");
    /**
     * Names a schema cannot take as namespace shmtel::&lt;schema&gt;: the standard library's (which the templates
     * name inside shmtel), the common templates' own lower-case names, and shmtel itself.
     */
    static final Set<String> RESERVED_NAMESPACES = Set.of("std", "shmtel", "detail", "record_traits", "error_text",
            "to_string");
    /** Names the generated namespace declares itself, which a record's C++ name cannot be. */
    static final Set<String> RESERVED_TYPE_NAMES = Set.of("Schema", "Region");

    private static final List<String> COMMON = commonLines();
    /** Generated lines stay within this many characters (before indentation), as the C header's. */
    private static final int WRAP_AT = 100;
    /** The indentation of a continued signature, relative to its first line. */
    private static final String CONTINUATION = "        ";

    private final Layout layout;
    private final String prefix;
    private final String upper;

    /** Checks that the schema's names are usable in C++: an IllegalArgumentException names the clash and the fix. */
    public CppGenerator(Layout layout) {
        this.layout = layout;
        this.prefix = layout.schemaName();
        this.upper = Names.upperSnake(layout.schemaName());
        checkNames(layout);
    }

    /** {@code <schema>.hpp}. */
    public static String fileName(Layout layout) {
        return layout.schemaName() + ".hpp";
    }

    /** The C header the C++ header includes, then the C++ header. */
    public List<GeneratedFile> generate() {
        List<GeneratedFile> files = new ArrayList<>(new CGenerator(layout).generate());
        files.add(new GeneratedFile(fileName(layout), header()));
        return files;
    }

    private static void checkNames(Layout layout) {
        String schema = layout.schemaName();
        if (CPP_KEYWORDS.contains(schema) || RESERVED_NAMESPACES.contains(schema)) {
            throw new IllegalArgumentException("schema name \"" + schema + "\" cannot be a C++ namespace (it is "
                    + (CPP_KEYWORDS.contains(schema) ? "a C++ keyword"
                            : "reserved: one of " + new TreeSet<>(RESERVED_NAMESPACES))
                    + "): the C++ header puts the schema's types in namespace shmtel::" + schema
                    + "; rename the schema (e.g. \"" + schema + "_data\")");
        }
        for (RecordLayout r : layout.records()) {
            String type = Names.pascalCase(r.name());
            if (RESERVED_TYPE_NAMES.contains(type)) {
                throw new IllegalArgumentException("record \"" + r.name() + "\" of schema \"" + schema
                        + "\" would be the C++ type shmtel::" + schema + "::" + type
                        + ", which the header declares itself (" + new TreeSet<>(RESERVED_TYPE_NAMES)
                        + "); rename the record (e.g. \"" + r.name() + "_data\")");
            }
            for (FieldLayout f : r.fields()) {
                if (CPP_KEYWORDS.contains(f.name())) {
                    throw new IllegalArgumentException("field \"" + r.name() + "." + f.name() + "\" of schema \""
                            + schema + "\" is a C++ keyword, so the record's struct does not compile as C++;"
                            + " rename the field (e.g. \"" + f.name() + "_value\")");
                }
            }
        }
    }

    private String header() {
        SourceWriter w = new SourceWriter("    ");
        String guard = "SHMTEL_" + upper + "_HPP";
        w.line("/* Generated by shmtel from " + SourceWriter.comment(source()) + " (schema \"" + layout.schemaName()
                + "\" version " + layout.schemaVersion() + ", layout " + Fingerprint.hex(layout.fingerprint())
                + "). Do not edit.");
        w.line(" *");
        w.line(" * C++17 or later: RAII owners and readers over the C layer of " + CGenerator.fileName(layout)
                + " (docs/cpp.md), for g++ and clang++.");
        w.line(" * Records are the C structs; shmtel::record_traits maps each to its C functions. */");
        w.line("#ifndef " + guard);
        w.line("#define " + guard);
        w.line();
        w.line("#include \"" + CGenerator.fileName(layout) + "\"");
        w.line();
        COMMON.forEach(w::line);
        w.line();
        w.line("/* ---- schema \"" + layout.schemaName() + "\": namespace shmtel::" + prefix
                + " (inside shmtel, so that no C library name such as system() or time() can clash) ---- */");
        w.line("namespace shmtel {");
        w.line("namespace " + prefix + " {");
        w.line();
        w.line("/* The schema: its constants, and the C create/open of its regions, for shmtel::Region<shmtel::"
                + prefix + "::Schema>. */");
        w.open("struct Schema {");
        w.line("static constexpr const char *NAME = " + upper + "_SCHEMA_NAME;");
        w.line("static constexpr std::uint32_t VERSION = " + upper + "_SCHEMA_VERSION;");
        w.line("static constexpr std::uint64_t FINGERPRINT = " + upper + "_FINGERPRINT;");
        w.line("static constexpr std::size_t REGION_LENGTH = " + upper + "_REGION_LENGTH;");
        w.open("static int create(shmtel_region_t *r, const char *name, unsigned mode) noexcept {");
        w.line("return " + prefix + "_region_create(r, name, mode);");
        w.close("}");
        w.open("static int open(shmtel_region_t *r, const char *name) noexcept {");
        w.line("return " + prefix + "_region_open(r, name);");
        w.close("}");
        w.close("};");
        w.line();
        w.line("/* A region of this schema: Region::create(\"name\") or Region::open(\"name\"). */");
        w.line("using Region = shmtel::Region<Schema>;");
        for (RecordLayout r : layout.records()) {
            w.line();
            w.line("/* Record \"" + r.name() + "\"" + (r.isMailbox() ? " (a mailbox)" : "") + ", the C struct "
                    + cType(r) + (r.description().isEmpty() ? ". */" : ":"));
            if (!r.description().isEmpty()) {
                w.line(" * " + SourceWriter.comment(r.description()) + " */");
            }
            w.line("using " + Names.pascalCase(r.name()) + " = " + cType(r) + ";");
        }
        w.line();
        w.line("} /* namespace " + prefix + " */");
        for (RecordLayout r : layout.records()) {
            w.line();
            traits(w, r);
        }
        w.line();
        w.line("} /* namespace shmtel */");
        w.line();
        w.line("#endif /* " + guard + " */");
        return w.toString();
    }

    private void traits(SourceWriter w, RecordLayout r) {
        String type = prefix + "::" + Names.pascalCase(r.name());
        String fn = prefix + "_" + r.name();
        String m = upper + "_" + Names.upperSnake(r.name());
        w.line("/* Record \"" + r.name() + "\" of schema \"" + prefix + "\": its C functions. */");
        w.line("template <>");
        w.open("struct record_traits<" + type + "> {");
        w.line("using schema = " + prefix + "::Schema;");
        w.line("static constexpr const char *NAME = \"" + r.name() + "\";");
        w.line("static constexpr std::size_t BLOCK_OFFSET = " + m + "_BLOCK_OFFSET;");
        w.line("static constexpr std::uint32_t DEPTH = " + m + "_DEPTH;");
        w.line("static constexpr bool MAILBOX = " + r.isMailbox() + ";");
        w.line("static constexpr std::uint64_t FINGERPRINT = " + m + "_FINGERPRINT;");
        if (r.isMailbox()) {
            function(w, "int offer(void *base, const " + type
                    + " *message, std::uint64_t timestamp_ns, std::uint64_t *message_index)",
                    fn + "_offer(base, message, timestamp_ns, message_index)");
            function(w, "int poll_answer(void *base, std::int32_t *code)", fn + "_poll_answer(base, code)");
            function(w, "int take(void *base, " + type
                    + " *out, std::uint64_t *message_index, std::uint64_t *timestamp_ns)",
                    fn + "_take(base, out, message_index, timestamp_ns)");
            function(w, "int answer(void *base, std::uint64_t message_index, std::int32_t code)",
                    fn + "_answer(base, message_index, code)");
            function(w, "int recover(void *base)", fn + "_recover(base)");
        } else {
            function(w, "std::uint64_t publish(void *base, const " + type
                    + " *sample, std::uint64_t timestamp_ns)", fn + "_publish(base, sample, timestamp_ns)");
            function(w, "int read_next(const void *base, std::uint64_t *cursor, " + type
                    + " *out, std::uint64_t *sample_index, std::uint64_t *timestamp_ns, std::uint64_t *lost)",
                    fn + "_read_next(base, cursor, out, sample_index, timestamp_ns, lost)");
            function(w, "int wait(const void *base, void *sleepers, std::uint64_t seen_published,"
                    + " std::uint64_t timeout_ns)", fn + "_wait(base, sleepers, seen_published, timeout_ns)");
        }
        function(w, "int read_latest(const void *base, " + type
                + " *out, std::uint64_t *sample_index, std::uint64_t *timestamp_ns)",
                fn + "_read_latest(base, out, sample_index, timestamp_ns)");
        w.close("};");
    }

    /** A static member function forwarding to one C call; a signature too long for a line continues on the next. */
    private static void function(SourceWriter w, String signature, String call) {
        String head = "static " + signature + " noexcept {";
        int cut = head.lastIndexOf(", ", WRAP_AT);
        if (head.length() > WRAP_AT && cut > 0) {
            w.line(head.substring(0, cut + 1));
            w.open(CONTINUATION + head.substring(cut + 2));
        } else {
            w.open(head);
        }
        w.line("return " + call + ";");
        w.close("}");
    }

    private String cType(RecordLayout r) {
        return prefix + "_" + r.name() + "_t";
    }

    private String source() {
        return layout.source() == null ? "<unknown>" : layout.source();
    }

    /** The resource's lines between its markers. */
    static List<String> commonLines() {
        String text;
        try (InputStream in = CppGenerator.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing next to " + CppGenerator.class.getName());
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        List<String> lines = text.lines().toList();
        int begin = lines.indexOf(BEGIN);
        int end = lines.indexOf(END);
        if (begin < 0 || end < begin || lines.lastIndexOf(BEGIN) != begin || lines.lastIndexOf(END) != end) {
            throw new IllegalStateException(RESOURCE + " needs the lines " + BEGIN + " and " + END
                    + " exactly once each, in that order");
        }
        return lines.subList(begin + 1, end);
    }
}
