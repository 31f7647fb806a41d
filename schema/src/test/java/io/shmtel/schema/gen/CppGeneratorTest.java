package io.shmtel.schema.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shmtel.schema.Names;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.testing.Examples;
import io.shmtel.schema.testing.Gcc;
import io.shmtel.schema.testing.NativeTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated C++ header ({@code <schema>.hpp}): pinned as a golden file for arm; for every example it compiles
 * with g++ and clang++ under {@code -std=c++17} and {@code -std=c++20 -Wall -Wextra -Werror -pedantic}, with and
 * without {@code -fno-exceptions}, in a program that uses every template on every record, alone and with every other
 * example's header in the same program; names C++ cannot take are refused with the fix. Running it against Java is
 * core's CppClientTest.
 */
class CppGeneratorTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/arm/arm.hpp.txt");
    static final List<String> STRICT = List.of("-Wall", "-Wextra", "-Werror", "-pedantic", "-O1", "-c");

    static Layout layout(Path schema) {
        return LayoutCompiler.compile(SchemaParser.parse(schema));
    }

    @Test
    void armHeaderMatchesTheGoldenFile() throws IOException {
        List<GeneratedFile> files = new CppGenerator(layout(Examples.example("arm.json"))).generate();
        assertThat(files).extracting(GeneratedFile::relativePath).containsExactly("arm.h", "arm.hpp");
        String hpp = files.get(1).content();
        if (Boolean.getBoolean("shmtel.updateGolden")) {
            Files.writeString(GOLDEN, hpp, StandardCharsets.UTF_8);
        }
        assertThat(GOLDEN).as("golden file (create it with -Dshmtel.updateGolden=true)").exists();
        assertThat(hpp).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
        assertThat(files.get(0).content()).as("the C header it includes").isEqualTo(
                new CGenerator(layout(Examples.example("arm.json"))).generate().get(0).content());
    }

    @Test
    void everyLineOfTheCommonTextIsCopiedAndNoMarker() {
        String hpp = new CppGenerator(layout(Examples.example("arm.json"))).generate().get(1).content();
        assertThat(CppGenerator.commonLines()).isNotEmpty().allSatisfy(line -> assertThat(hpp).contains(line));
        assertThat(hpp).doesNotContain(CppGenerator.BEGIN).doesNotContain(CppGenerator.END);
    }

    static Stream<Arguments> compilers() {
        List<Arguments> all = new ArrayList<>();
        for (String compiler : List.of("g++", "clang++")) {
            for (String std : List.of("-std=c++17", "-std=c++20")) {
                for (boolean exceptions : List.of(true, false)) {
                    all.add(Arguments.of(compiler, std, exceptions));
                }
            }
        }
        return all.stream();
    }

    /**
     * Per example, a program using Region (both create and open, throwing where exceptions are on), Publisher and
     * Reader (latest, next, wait, seeks) on every ring record, MailboxSender and MailboxConsumer on every mailbox;
     * then one program including every example's header. Compiled, not linked or run (CppClientTest runs them).
     */
    @ParameterizedTest(name = "{0} {1} exceptions={2}")
    @MethodSource("compilers")
    void everyExampleHeaderCompilesStrictlyAsCpp(String compiler, String std, boolean exceptions,
            @TempDir Path dir) throws Exception {
        NativeTools.require(compiler);
        List<String> flags = new ArrayList<>(List.of(std));
        flags.addAll(STRICT);
        if (!exceptions) {
            flags.add("-fno-exceptions");
        }
        StringBuilder all = new StringBuilder();
        List<Layout> layouts = Examples.examples().map(CppGeneratorTest::layout).toList();
        for (Layout layout : layouts) {
            for (GeneratedFile f : new CppGenerator(layout).generate()) {
                f.writeTo(dir);
            }
            String program = usesOfEveryRecord(layout);
            Path source = dir.resolve(layout.schemaName() + "_uses.cpp");
            Files.writeString(source, program, StandardCharsets.UTF_8);
            assertThat(Gcc.run(compileCommand(compiler, flags, dir, source), 120)).as("%s diagnostics", source)
                    .isEmpty();
            all.append("#include \"").append(CppGenerator.fileName(layout))
                    .append("\"\n");
        }
        Path together = dir.resolve("all_examples.cpp");
        Files.writeString(together, all + "int main() { return 0; }\n", StandardCharsets.UTF_8);
        assertThat(Gcc.run(compileCommand(compiler, flags, dir, together), 120)).isEmpty();
    }

    static List<String> compileCommand(String compiler, List<String> flags, Path dir, Path source) {
        List<String> command = new ArrayList<>(List.of(compiler));
        command.addAll(flags);
        command.addAll(List.of("-I", dir.toString(), "-o", dir.resolve(source.getFileName() + ".o").toString(),
                source.toString()));
        return command;
    }

    /** A program that instantiates every template of the header on every record of the schema. */
    static String usesOfEveryRecord(Layout layout) {
        String ns = "shmtel::" + layout.schemaName();
        StringBuilder p = new StringBuilder("#include \"").append(CppGenerator.fileName(layout)).append("\"\n");
        p.append("#include <utility>\n\n");
        p.append("int uses(int argc) {\n");
        p.append("    ").append(ns).append("::Region owner;\n");
        p.append("    int rc = ").append(ns).append("::Region::create(owner, \"uses\", 0600);\n");
        p.append("    ").append(ns).append("::Region reader;\n");
        p.append("    rc += ").append(ns).append("::Region::open(reader, \"uses\");\n");
        p.append("#if SHMTEL_CPP_EXCEPTIONS_\n");
        p.append("    try {\n");
        p.append("        auto thrown = ").append(ns).append("::Region::open(\"uses\");\n");
        p.append("        rc += static_cast<int>(thrown.state());\n");
        p.append("    } catch (const shmtel::Error &e) {\n");
        p.append("        rc += e.code() + static_cast<int>(e.what()[0]);\n");
        p.append("    }\n");
        p.append("#endif\n");
        p.append("    rc += owner.beat() + owner.start_heartbeat() + reader.state_code() + (owner.owner() ? 1 : 0);\n");
        p.append("    rc += owner.set_heartbeat_period(std::chrono::milliseconds(20));\n");
        p.append("    rc += static_cast<int>(shmtel::to_string(reader.state())[0]) + shmtel::error_text(rc)[0];\n");
        p.append("    std::uint64_t index = static_cast<std::uint64_t>(argc);\n");
        p.append("    std::uint64_t lost = 0;\n");
        p.append("    std::int32_t code = 0;\n");
        p.append("    shmtel::SampleInfo info{};\n");
        for (RecordLayout r : layout.records()) {
            String type = ns + "::" + Names.pascalCase(r.name());
            String v = r.name();
            p.append("    {\n");
            p.append("        ").append(type).append(" ").append(v).append("{};\n");
            p.append("        shmtel::Reader<").append(type).append("> r(reader);\n");
            p.append("        rc += r.latest(").append(v).append(") + r.latest(").append(v).append(", info);\n");
            if (r.isMailbox()) {
                p.append("        shmtel::MailboxSender<").append(type).append("> s(owner);\n");
                p.append("        shmtel::MailboxConsumer<").append(type).append("> c(reader);\n");
                p.append("        auto moved = std::move(c);\n");
                p.append("        rc += s.offer(").append(v).append(", index) + s.poll_answer(code);\n");
                p.append("        rc += moved.take(").append(v).append(", index) + moved.take(").append(v)
                        .append(", index, info.timestamp_ns);\n");
                p.append("        rc += moved.answer(index, 0) + moved.recover() + (s ? 1 : 0);\n");
            } else {
                p.append("        shmtel::Publisher<").append(type).append("> pub(owner);\n");
                p.append("        auto moved = std::move(pub);\n");
                p.append("        index += moved.publish(").append(v).append(") + moved.publish(").append(v)
                        .append(", 7u);\n");
                p.append("        rc += r.next(").append(v).append(", lost) + r.next(").append(v)
                        .append(", lost, info);\n");
                p.append("        rc += r.wait(std::chrono::milliseconds(argc));\n");
                p.append("        r.seek_to_oldest();\n");
                p.append("        r.seek_to_newest();\n");
                p.append("        index += r.published_count();\n");
            }
            p.append("    }\n");
        }
        p.append("    owner.close();\n");
        p.append("    ").append(ns).append("::Region moved = std::move(reader);\n");
        p.append("    return rc + static_cast<int>(index + lost) + code + (moved ? 1 : 0);\n");
        p.append("}\n");
        return p.toString();
    }

    /** Misuses the header turns into compile errors, each with the text the compiler must say. */
    static Stream<Arguments> misuses() {
        return Stream.of(
                Arguments.of("shmtel::Publisher<shmtel::commands::ArmCommand> p(owner);", List.of(),
                        "a mailbox record has no Publisher: use shmtel::MailboxSender"),
                Arguments.of("shmtel::MailboxSender<shmtel::arm::JointState> s(owner);", List.of(),
                        "a ring record is written with shmtel::Publisher"),
                Arguments.of("shmtel::MailboxConsumer<shmtel::arm::JointState> c(owner);", List.of(),
                        "a ring record is read with shmtel::Reader"),
                Arguments.of("shmtel::Reader<shmtel::commands::ArmCommand> r(owner); shmtel::commands::ArmCommand m{};"
                        + " std::uint64_t lost = 0; r.next(m, lost);", List.of(),
                        "a mailbox record is read with latest() or taken with MailboxConsumer"),
                Arguments.of("shmtel::arm::Region copy = arm_owner;", List.of(), "deleted"),
                Arguments.of("shmtel::Publisher<shmtel::arm::JointState> p(arm_owner); auto q = p;", List.of(),
                        "deleted"),
                Arguments.of("auto r = shmtel::arm::Region::create(\"x\");", List.of("-fno-exceptions"),
                        "no matching function"));
    }

    /**
     * Each misuse fails to compile with g++ and says why: a ring's writer on a mailbox record and the other way
     * round, a stream read of a mailbox, a copy of a move-only type, and the throwing create under -fno-exceptions.
     * (Without the check in the header each would compile: the last line of each program is valid C++ otherwise.)
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("misuses")
    void misusesDoNotCompileAndSayWhy(String statement, List<String> extraFlags, String diagnostic,
            @TempDir Path dir) throws Exception {
        NativeTools.require("g++");
        for (String schema : List.of("arm.json", "commands.json")) {
            for (GeneratedFile f : new CppGenerator(layout(Examples.example(schema))).generate()) {
                f.writeTo(dir);
            }
        }
        Path source = dir.resolve("misuse.cpp");
        Files.writeString(source, """
                #include "arm.hpp"
                #include "commands.hpp"
                void misuse(shmtel::commands::Region &owner, shmtel::arm::Region &arm_owner) {
                    (void)owner;
                    (void)arm_owner;
                    %s
                }
                """.formatted(statement), StandardCharsets.UTF_8);
        List<String> flags = new ArrayList<>(List.of("-std=c++17"));
        flags.addAll(STRICT);
        flags.addAll(extraFlags);
        Process p = new ProcessBuilder(compileCommand("g++", flags, dir, source)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("g++ refused it:\n%s", output).isNotZero();
        assertThat(output).contains(diagnostic);
    }

    @Test
    void aSchemaNameThatIsACppKeywordIsRefusedWithTheFix() {
        assertThatThrownBy(() -> new CppGenerator(schema("and", "joint_state", "position")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("schema name \"and\" cannot be a C++ namespace (it is a C++ keyword): the C++ header puts"
                        + " the schema's types in namespace shmtel::and; rename the schema (e.g. \"and_data\")");
        assertThatThrownBy(() -> new CppGenerator(schema("shmtel", "joint_state", "position")))
                .hasMessageContaining("schema name \"shmtel\" cannot be a C++ namespace (it is reserved: one of"
                        + " [detail, error_text, record_traits, shmtel, std, to_string])");
    }

    @Test
    void aRecordNamedLikeTheHeadersOwnTypesIsRefusedWithTheFix() {
        assertThatThrownBy(() -> new CppGenerator(schema("arm", "region", "position")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("record \"region\" of schema \"arm\" would be the C++ type"
                        + " shmtel::arm::Region,")
                .hasMessageEndingWith("rename the record (e.g. \"region_data\")");
    }

    @Test
    void aFieldNamedWithACppKeywordIsRefusedWithTheFix() {
        assertThatThrownBy(() -> new CppGenerator(schema("arm", "joint_state", "typename")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field \"joint_state.typename\" of schema \"arm\" is a C++ keyword, so the record's"
                        + " struct does not compile as C++; rename the field (e.g. \"typename_value\")");
    }

    static Layout schema(String name, String record, String field) {
        String json = """
                {"schema": "%s", "version": 1, "records": [
                  {"name": "%s", "depth": 4, "fields": [{"name": "%s", "type": "f64"}]}]}
                """.formatted(name, record, field);
        return LayoutCompiler.compile(SchemaParser.parse(json, "test.json"));
    }
}
