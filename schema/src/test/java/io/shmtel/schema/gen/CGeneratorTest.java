package io.shmtel.schema.gen;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.schema.Names;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.testing.CCounterPattern;
import io.shmtel.schema.testing.Examples;
import io.shmtel.schema.testing.Gcc;
import io.shmtel.schema.testing.NativeTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generated C headers compile with {@code gcc -std=c11 -Wall -Wextra -Werror -pedantic}, and the
 * offsets and sizes gcc computes equal the Java layout's, field by field, for every example.
 */
class CGeneratorTest {

    @BeforeAll
    static void needsGcc() {
        NativeTools.require("gcc");
    }

    static List<Layout> exampleLayouts() {
        return Examples.examples().map(p -> LayoutCompiler.compile(SchemaParser.parse(p))).toList();
    }

    static final String SYSTEM_HEADERS = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <time.h>
            #include <unistd.h>
            """;

    /**
     * Every example's header compiles, links and runs under strict C11 ({@code -std=c11 -Wall -Wextra
     * -Werror -pedantic}) with gcc and clang in any include order: after the common system headers,
     * before them, and after them with {@code _GNU_SOURCE} (where the C library declares what the
     * header declares itself). The program calls the functions that need POSIX and Linux calls:
     * clock_gettime, open/read (/proc), syscall (kill, futex). clang is skipped with the reason when
     * absent unless SHMTEL_REQUIRE_CLANG=1.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gcc", "clang"})
    void everyExampleHeaderCompilesInAnyIncludeOrderUnderStrictC11(String compiler,
            @TempDir Path dir) throws Exception {
        Gcc.require(compiler);
        Map<String, String> orders = Map.of(
                "system_first", SYSTEM_HEADERS + "#include \"%s\"\n",
                "header_first", "#include \"%s\"\n" + SYSTEM_HEADERS,
                "gnu_source", "#define _GNU_SOURCE\n" + SYSTEM_HEADERS + "#include \"%s\"\n");
        List<String> compiled = new ArrayList<>();
        for (Layout layout : exampleLayouts()) {
            new CGenerator(layout).generate().get(0).writeTo(dir);
            for (Map.Entry<String, String> order : new TreeMap<>(orders).entrySet()) {
                String name = layout.schemaName() + "_" + order.getKey();
                String program = order.getValue().formatted(CGenerator.fileName(layout)) + """
                        int main(void) {
                            static _Alignas(64) char base[%1$s_REGION_LENGTH];
                            uint64_t now = shmtel_now_ns();
                            int64_t started = shmtel_process_start_time((int)getpid());
                            shmtel_wake_sleepers(base, 0);
                            printf("check %%d now %%d started %%d\\n", %2$s_check_region(base), now > 0, started > 0);
                            return 0;
                        }
                        """.formatted(Names.upperSnake(layout.schemaName()), layout.schemaName());
                Path source = dir.resolve(name + ".c");
                Files.writeString(source, program, StandardCharsets.UTF_8);
                Path binary = Gcc.compile(compiler, dir, source, name, Gcc.STRICT_C11);
                assertThat(Gcc.run(List.of(binary.toString()), 60)).as(name).isEqualTo("check -1 now 1 started 1\n");
                compiled.add(name);
            }
        }
        assertThat(compiled).hasSize(3 * exampleLayouts().size()).contains("arm_header_first", "commands_system_first");
    }

    /**
     * Every example's header, all included from one C++17 file, compiles with g++ and clang++ under {@code
     * -std=c++17 -Wall -Wextra -Werror -pedantic}, and the program publishes the counter pattern into each ring
     * record and reads it back with {@code _read_latest}, {@code _read_next} and {@code _wait}, and puts a message
     * into each mailbox record, takes, answers and reads its answer.
     */
    @ParameterizedTest
    @ValueSource(strings = {"g++", "clang++"})
    void everyExampleHeaderCompilesAsCpp17AndPublishesAndReadsBack(String compiler, @TempDir Path dir)
            throws Exception {
        Gcc.require(compiler);
        StringBuilder program = new StringBuilder();
        StringBuilder body = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (Layout layout : exampleLayouts()) {
            new CGenerator(layout).generate().get(0).writeTo(dir);
            program.append("#include \"").append(CGenerator.fileName(layout)).append("\"\n");
        }
        program.append("#include <cstdio>\n#include <cstring>\n");
        for (Layout layout : exampleLayouts()) {
            String schema = layout.schemaName();
            String upper = Names.upperSnake(schema);
            body.append("    {\n        alignas(64) static char base[").append(upper).append("_REGION_LENGTH];\n");
            for (RecordLayout r : layout.records()) {
                String fn = schema + "_" + r.name();
                String type = fn + "_t";
                String t = "t_" + fn;
                program.append(CCounterPattern.functions(r, type, t));
                body.append("        {\n            ").append(type).append(" in{}, out{};\n")
                        .append("            uint64_t k = 9, ts = 0;\n")
                        .append("            ").append(t).append("_fill(&in, 41);\n");
                if (r.isMailbox()) {
                    body.append("            int32_t code = 9;\n")
                            .append("            int put = ").append(fn).append("_offer(base, &in, 5, &k);\n")
                            .append("            int took = ").append(fn).append("_take(base, &out, &k, &ts);\n")
                            .append("            int answered = ").append(fn).append("_answer(base, k, 0);\n")
                            .append("            int polled = ").append(fn).append("_poll_answer(base, &code);\n")
                            .append("            std::printf(\"").append(fn)
                            .append(" %d %d %d %d %d %d\\n\", put, took, answered, polled, (int)code, ").append(t)
                            .append("_check(&out, 41));\n");
                    expected.add(fn + " 1 1 0 1 0 1");
                } else {
                    body.append("            uint64_t cursor = 0, lost = 0;\n")
                            .append("            uint64_t first = ").append(fn).append("_publish(base, &in, 5);\n")
                            .append("            int latest = ").append(fn)
                            .append("_read_latest(base, &out, &k, &ts) == 1 && ").append(t)
                            .append("_check(&out, 41);\n")
                            .append("            std::memset(&out, 0, sizeof out);\n")
                            .append("            int next = ").append(fn)
                            .append("_read_next(base, &cursor, &out, &k, &ts, &lost);\n")
                            .append("            int woken = ").append(fn).append("_wait(base, nullptr, 0, 1000000)")
                            .append(" == 1 && ").append(fn).append("_published(base) == 1;\n")
                            .append("            std::printf(\"").append(fn)
                            .append(" %d %d %d %d %d %d\\n\", (int)first, latest, next, ").append(t)
                            .append("_check(&out, 41), (int)cursor, woken);\n");
                    expected.add(fn + " 0 1 1 1 1 1");
                }
                body.append("        }\n");
            }
            body.append("    }\n");
        }
        program.append("int main() {\n").append(body).append("    return 0;\n}\n");
        Path source = dir.resolve("uses.cpp");
        Files.writeString(source, program, StandardCharsets.UTF_8);
        Path binary = Gcc.compileCpp(compiler, dir, source, "uses");
        assertThat(Gcc.run(List.of(binary.toString()), 60).lines().toList()).isEqualTo(expected);
    }

    @Test
    void offsetsSeenByGccEqualTheJavaLayoutForEveryExample(@TempDir Path dir) throws Exception {
        List<Layout> layouts = exampleLayouts();
        StringBuilder program = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (Layout layout : layouts) {
            for (GeneratedFile f : new CGenerator(layout).generate()) {
                f.writeTo(dir);
            }
            program.append("#include \"").append(CGenerator.fileName(layout)).append("\"\n");
        }
        program.append("#include <stdio.h>\nint main(void) {\n");
        for (Layout layout : layouts) {
            String schemaMacro = Names.upperSnake(layout.schemaName());
            program.append("    printf(\"%s fingerprint %llx header %u region %u\\n\", ").append(schemaMacro)
                    .append("_SCHEMA_NAME, (unsigned long long)").append(schemaMacro).append("_FINGERPRINT, ")
                    .append(schemaMacro).append("_HEADER_LENGTH, ").append(schemaMacro).append("_REGION_LENGTH);\n");
            expected.add(String.format("%s fingerprint %x header %d region %d", layout.schemaName(),
                    layout.fingerprint(), layout.headerLength(), layout.regionLength()));
            for (RecordLayout r : layout.records()) {
                String type = layout.schemaName() + "_" + r.name() + "_t";
                String m = schemaMacro + "_" + Names.upperSnake(r.name());
                program.append("    printf(\"").append(r.name())
                        .append(" size %zu slot %u block %u depth %u\\n\", sizeof(")
                        .append(type).append("), ").append(m).append("_SLOT_LENGTH, ").append(m)
                                .append("_BLOCK_OFFSET, ")
                        .append(m).append("_DEPTH);\n");
                expected.add(String.format("%s size %d slot %d block %d depth %d", r.name(), r.payloadLength(),
                        r.slotLength(), r.blockOffset(), r.depth()));
                for (FieldLayout f : r.fields()) {
                    program.append("    printf(\"").append(r.name()).append('.').append(f.name())
                            .append(" %zu %zu\\n\", offsetof(").append(type).append(", ").append(f.name())
                            .append("), sizeof(((").append(type).append(" *)0)->").append(f.name()).append("));\n");
                    expected.add(r.name() + "." + f.name() + " " + f.offset() + " " + f.sizeBytes());
                }
            }
        }
        program.append("    return 0;\n}\n");
        Path source = dir.resolve("offsets.c");
        Files.writeString(source, program, StandardCharsets.UTF_8);
        Path binary = Gcc.compile(dir, source, "offsets", Gcc.STRICT_C11);
        assertThat(Gcc.run(List.of(binary.toString()), 60).lines().toList()).isEqualTo(expected);
    }

    @Test
    void generatedHeaderCompilesAndItsSeqlockPublishesAndReadsBack(@TempDir Path dir) throws Exception {
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(Examples.example("arm.json")));
        new CGenerator(layout).generate().get(0).writeTo(dir);
        String program = """
                #include "arm.h"
                #include <stdio.h>
                #include <stdlib.h>
                int main(void) {
                    void *base = aligned_alloc(4096, ARM_REGION_LENGTH);
                    arm_joint_state_t in, out;
                    uint64_t index = 99, ts = 0;
                    memset(base, 0, ARM_REGION_LENGTH);
                    printf("empty %d\\n", arm_joint_state_read_latest(base, &out, &index, &ts));
                    printf("check %d\\n", arm_check_region(base));
                    for (int k = 0; k < 11; k++) {
                        memset(&in, 0, sizeof in);
                        for (int j = 0; j < 6; j++) in.position[j] = k + j / 10.0;
                        in.status = ARM_JOINT_STATE_STATUS_FAULT;
                        snprintf(in.frame_id, sizeof in.frame_id, "base_%d", k);
                        arm_joint_state_publish(base, &in, 1000 + k);
                    }
                    printf("read %d\\n", arm_joint_state_read_latest(base, &out, &index, &ts));
                    printf("index %llu ts %llu pos5 %.1f status %d frame %s\\n", (unsigned long long)index,
                           (unsigned long long)ts, out.position[5], out.status, out.frame_id);
                    free(base);
                    return 0;
                }
                """;
        Path source = dir.resolve("roundtrip.c");
        Files.writeString(source, program, StandardCharsets.UTF_8);
        assertThat(Gcc.run(List.of(Gcc.compile(dir, source, "roundtrip", Gcc.STRICT_C11).toString()), 60).lines())
                .containsExactly(
                "empty 0",
                "check -1",
                "read 1",
                "index 10 ts 1010 pos5 10.5 status 1 frame base_10");
    }

    /**
     * One thread at a time per record (format.md checklist rule 10): the generated {@code _publish} says so, and
     * docs/c.md's mutex pattern, compiled from the page, lets four threads publish one record with every index
     * given exactly once and the published count equal to the samples published.
     */
    @Test
    void publishSaysOneThreadAtATimeAndThePagesMutexPatternHoldsIt(@TempDir Path dir) throws Exception {
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(Examples.example("arm.json")));
        String header = new CGenerator(layout).generate().get(0).content();
        assertThat(header).contains("one thread at a time per\n * record: guard it with a mutex");
        String page = Files.readString(Path.of("../docs/c.md"), StandardCharsets.UTF_8);
        int section = page.indexOf("\n## Publishing from several threads\n");
        assertThat(section).as("docs/c.md's section on publishing threads").isPositive();
        int start = page.indexOf("```c\n", section) + "```c\n".length();
        String example = page.substring(start, page.indexOf("```\n", start));
        new CGenerator(layout).generate().get(0).writeTo(dir);
        String program = "#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */\n#include \"arm.h\"\n#include <pthread.h>\n"
                + "#include <stdio.h>\n#include <sys/mman.h>\n" + example + """
                #define THREADS 4
                #define EACH 20000
                static void *base;
                static unsigned char given[THREADS * EACH];
                static void *run(void *arg) {
                    arm_joint_state_t s;
                    int i;
                    (void)arg;
                    memset(&s, 0, sizeof s);
                    for (i = 0; i < EACH; i++) {
                        uint64_t k = publish_joint_state(base, &s);
                        if (k < THREADS * EACH) __atomic_fetch_add(&given[k], 1, __ATOMIC_RELAXED);
                    }
                    return NULL;
                }
                int main(void) {
                    pthread_t t[THREADS];
                    int i, wrong = 0;
                    base = mmap(NULL, ARM_REGION_LENGTH, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
                    for (i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, run, NULL);
                    for (i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
                    for (i = 0; i < THREADS * EACH; i++) wrong += given[i] != 1;
                    printf("published %llu wrong %d\\n", (unsigned long long)arm_joint_state_published(base), wrong);
                    return 0;
                }
                """;
        Path source = dir.resolve("threads.c");
        Files.writeString(source, program, StandardCharsets.UTF_8);
        List<String> flags = new ArrayList<>(Gcc.STRICT_C11);
        flags.add("-pthread");
        Path binary = Gcc.compile(dir, source, "threads", flags);
        assertThat(Gcc.run(List.of(binary.toString()), 120).lines()).containsExactly("published 80000 wrong 0");
    }

    /**
     * The generated {@code _wait} between C processes: without a writable mapping it polls and times out (0);
     * a published count that already differs returns 1 at once; a forked sleeper registered in a shared mapping is
     * woken by the parent's {@code _publish} long before its 60 s timeout, and frees its slot; a sleeper that finds
     * every slot held by dead processes frees them (as Java readers do, since a C writer does not heal) and sleeps.
     */
    @Test
    void generatedWaitSleepsUntilAPublishAndFreesDeadSleepersSlots(@TempDir Path dir) throws Exception {
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(Examples.example("arm.json")));
        new CGenerator(layout).generate().get(0).writeTo(dir);
        String program = """
                #define _DEFAULT_SOURCE /* MAP_ANONYMOUS, fork: the program's own needs */
                #include "arm.h"
                #include <stdio.h>
                #include <sys/mman.h>
                #include <sys/wait.h>
                #define BLOCK(b) ((char *)(b) + ARM_JOINT_STATE_BLOCK_OFFSET)
                static unsigned mask(void *b) {
                    return SHMTEL_LOAD_(shmtel_u32_(BLOCK(b), SHMTEL_SLEEPERS_OFFSET), SEQ_CST);
                }
                int main(void) {
                    void *base = mmap(NULL, ARM_REGION_LENGTH, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                                      -1, 0);
                    arm_joint_state_t s;
                    int status, i, dead, r;
                    pid_t child;
                    uint64_t start;
                    memset(&s, 0, sizeof s);
                    /* a region of this format (a 1.0 one, minor 0, is polled: its writers wake nobody) */
                    SHMTEL_STORE_(shmtel_u32_(base, SHMTEL_VERSION_OFFSET), SHMTEL_FORMAT_VERSION, RELEASE);
                    printf("poll timeout %d\\n", arm_joint_state_wait(base, NULL, 0, 3000000));
                    r = arm_joint_state_wait(base, base, 0, 3000000);
                    printf("sleep timeout %d mask %u\\n", r, mask(base));
                    printf("at once %d\\n", arm_joint_state_wait(base, NULL, 5, 60000000000u));
                    fflush(stdout);
                    child = fork();
                    if (child == 0) {
                        start = shmtel_now_ns();
                        r = arm_joint_state_wait(base, base, 0, 60000000000u);
                        _exit(r == 1 && shmtel_now_ns() - start < 30000000000u ? 0 : 1);
                    }
                    while (mask(base) == 0) {} /* the child registered: it sleeps or is about to */
                    printf("child registered pid %d\\n",
                           SHMTEL_LOAD_(shmtel_i32_(BLOCK(base), SHMTEL_SLEEPER_PIDS_OFFSET), SEQ_CST) == child);
                    arm_joint_state_publish(base, &s, 1);
                    waitpid(child, &status, 0);
                    printf("child woken %d mask %u\\n", WIFEXITED(status) && WEXITSTATUS(status) == 0, mask(base));
                    child = fork();
                    if (child == 0) _exit(0);
                    waitpid(child, &status, 0);
                    dead = (int)child; /* what sleepers killed asleep leave: every slot held by a dead pid */
                    for (i = 0; i < (int)SHMTEL_SLEEPER_SLOTS; i++) {
                        SHMTEL_STORE_(shmtel_i32_(BLOCK(base), SHMTEL_SLEEPER_PIDS_OFFSET + 4 * i), dead, SEQ_CST);
                    }
                    SHMTEL_STORE_(shmtel_u32_(BLOCK(base), SHMTEL_SLEEPERS_OFFSET), (1u << SHMTEL_SLEEPER_SLOTS) - 1,
                                  SEQ_CST);
                    r = arm_joint_state_wait(base, base, 1, 2000000);
                    printf("healed sleep %d mask %u\\n", r, mask(base));
                    for (i = 0; i < (int)SHMTEL_SLEEPER_SLOTS; i++) {
                        if (SHMTEL_LOAD_(shmtel_i32_(BLOCK(base), SHMTEL_SLEEPER_PIDS_OFFSET + 4 * i), SEQ_CST) != 0) {
                            printf("slot %d still held\\n", i);
                        }
                    }
                    return 0;
                }
                """;
        Path source = dir.resolve("wait.c");
        Files.writeString(source, program, StandardCharsets.UTF_8);
        assertThat(Gcc.run(List.of(Gcc.compile(dir, source, "wait", Gcc.STRICT_C11).toString()), 120).lines())
                .containsExactly(
                "poll timeout 0",
                "sleep timeout 0 mask 0",
                "at once 1",
                "child registered pid 1",
                "child woken 1 mask 0",
                "healed sleep 0 mask 0");
    }

    /**
     * The example of docs/c.md's "Reading samples" section, as the page holds it, follows a forked writer: it starts at
     * the
     * published count, sleeps in {@code _wait} (the writer publishes only once a sleeper bit is set), reads the
     * writer's samples in order, and returns after a second without one; {@code _read_latest} gives the newest.
     */
    @Test
    void theReadingExampleOfTheCPageFollowsAWriter(@TempDir Path dir) throws Exception {
        String page = Files.readString(Path.of("../docs/c.md"), StandardCharsets.UTF_8);
        String section = page.substring(page.indexOf("\n## Reading samples\n"));
        int start = section.indexOf("```c\n") + "```c\n".length();
        String example = section.substring(start, section.indexOf("```\n", start));
        new CGenerator(LayoutCompiler.compile(SchemaParser.parse(Examples.example("arm.json")))).generate().get(0)
                .writeTo(dir);
        String program = "#define _DEFAULT_SOURCE /* mmap, fork */\n" + example + """
                #include <sys/mman.h>
                #include <sys/wait.h>
                int main(void) {
                    void *base = mmap(NULL, ARM_REGION_LENGTH, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                                      -1, 0);
                    const char *block = (const char *)base + ARM_JOINT_STATE_BLOCK_OFFSET;
                    arm_joint_state_t s;
                    pid_t writer;
                    memset(&s, 0, sizeof s);
                    /* a region of this format (a 1.0 one, minor 0, is polled: its writers wake nobody) */
                    SHMTEL_STORE_(shmtel_u32_(base, SHMTEL_VERSION_OFFSET), SHMTEL_FORMAT_VERSION, RELEASE);
                    s.position[0] = 0.5;
                    arm_joint_state_publish(base, &s, shmtel_now_ns()); /* before the reader: not followed */
                    fflush(stdout);
                    writer = fork();
                    if (writer == 0) {
                        for (int k = 1; k <= 3; k++) {
                            while (SHMTEL_LOAD_(shmtel_u32_(block, SHMTEL_SLEEPERS_OFFSET), SEQ_CST) == 0) {}
                            s.position[0] = k;
                            s.status = k;
                            arm_joint_state_publish(base, &s, shmtel_now_ns());
                        }
                        _exit(0);
                    }
                    printf("read %llu\\n", (unsigned long long)follow_joint_state(base, base));
                    waitpid(writer, NULL, 0);
                    return print_newest_joint_state(base) == 1 ? 0 : 1;
                }
                """;
        Path source = dir.resolve("reading.c");
        Files.writeString(source, program, StandardCharsets.UTF_8);
        Path binary = Gcc.compile(dir, source, "reading", Gcc.STRICT_C11);
        assertThat(Gcc.run(List.of(binary.toString()), 60).lines()).containsExactly(
                "sample 1 position[0] 1.0 lost 0",
                "sample 2 position[0] 2.0 lost 0",
                "sample 3 position[0] 3.0 lost 0",
                "read 3",
                "newest 3 status 3");
    }

    /**
     * Truncated files: {@code arm_check_mapping} refuses a mapping shorter than the region (before
     * touching it: NULL passes) and a header that says the region is longer than the mapping; and the
     * pattern docs/format.md shows for a C reader that must survive its file truncated while mapped
     * (SIGBUS caught with sigsetjmp around each access, then fstat says what happened) does.
     */
    @Test
    void checkMappingRefusesAShortMappingAndTheSigsetjmpPatternSurvivesATruncatedFile(@TempDir Path dir)
            throws Exception {
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(Examples.example("arm.json")));
        new CGenerator(layout).generate().get(0).writeTo(dir);
        String program = """
                #define _POSIX_C_SOURCE 200809L /* sigsetjmp, sigaction, ftruncate, mmap: the program's needs */
                #include "arm.h"
                #include <fcntl.h>
                #include <setjmp.h>
                #include <signal.h>
                #include <stdio.h>
                #include <sys/mman.h>
                #include <sys/stat.h>
                static sigjmp_buf on_bus;
                static volatile sig_atomic_t guarded;
                static arm_joint_state_t in, out; /* static: a siglongjmp leaves them as they were */
                static uint64_t index, ts;
                static void bus(int sig) {
                    if (guarded) siglongjmp(on_bus, 1);
                    signal(sig, SIG_DFL); /* not ours: die of it as before */
                    raise(sig);
                }
                int main(int argc, char **argv) {
                    uint64_t v;
                    uint32_t version = SHMTEL_FORMAT_MAJOR << 16;
                    struct sigaction sa;
                    int round;
                    int fd = open(argv[argc - 1], O_RDWR | O_CREAT | O_TRUNC, 0600);
                    char *b;
                    printf("null short %d\\n", arm_check_mapping(NULL, ARM_REGION_LENGTH - 1));
                    if (fd < 0 || ftruncate(fd, ARM_REGION_LENGTH) != 0) return 2;
                    b = mmap(NULL, ARM_REGION_LENGTH, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
                    if (b == MAP_FAILED) return 3;
                    v = SHMTEL_MAGIC; memcpy(b + SHMTEL_MAGIC_OFFSET, &v, sizeof v);
                    v = ARM_FINGERPRINT; memcpy(b + SHMTEL_FINGERPRINT_OFFSET, &v, sizeof v);
                    v = ARM_REGION_LENGTH + 4096; memcpy(b + SHMTEL_REGION_LENGTH_OFFSET, &v, sizeof v);
                    memcpy(b + SHMTEL_VERSION_OFFSET, &version, sizeof version);
                    printf("header longer %d\\n", arm_check_mapping(b, ARM_REGION_LENGTH));
                    v = ARM_REGION_LENGTH; memcpy(b + SHMTEL_REGION_LENGTH_OFFSET, &v, sizeof v);
                    printf("whole %d\\n", arm_check_mapping(b, ARM_REGION_LENGTH));
                    memset(&in, 0, sizeof in);
                    in.position[0] = 1.5;
                    arm_joint_state_publish(b, &in, 7);
                    memset(&sa, 0, sizeof sa);
                    sa.sa_handler = bus;
                    sigemptyset(&sa.sa_mask);
                    sigaction(SIGBUS, &sa, NULL);
                    for (round = 0; round < 2; round++) {
                        if (round == 1 && ftruncate(fd, 0) != 0) return 4; /* someone cuts the file */
                        if (sigsetjmp(on_bus, 1) == 0) {
                            int r;
                            guarded = 1;
                            r = arm_joint_state_read_latest(b, &out, &index, &ts);
                            guarded = 0;
                            printf("read %d index %llu pos0 %.1f\\n", r, (unsigned long long)index, out.position[0]);
                        } else {
                            struct stat st;
                            guarded = 0;
                            fstat(fd, &st);
                            printf("SIGBUS: the file is %lld bytes, the mapping %u: truncated, unmapped\\n",
                                   (long long)st.st_size, ARM_REGION_LENGTH);
                            munmap(b, ARM_REGION_LENGTH);
                        }
                    }
                    return 0;
                }
                """;
        Path source = dir.resolve("truncated.c");
        Files.writeString(source, program, StandardCharsets.UTF_8);
        Path binary = Gcc.compile(dir, source, "truncated", Gcc.STRICT_C11);
        assertThat(Gcc.run(List.of(binary.toString(), dir.resolve("region").toString()), 60).lines()).containsExactly(
                "null short -8",
                "header longer -8",
                "whole 0",
                "read 1 index 0 pos0 1.5",
                "SIGBUS: the file is 0 bytes, the mapping 8192: truncated, unmapped");
    }

    /**
     * The generated mailbox functions in one C program: offer, take, answer (done and an error
     * code), poll_answer; a full mailbox refuses; misuse codes; a forked consumer that exits holding
     * a message is recovered (CONSUMER_DIED), and the mailbox works again.
     */
    @Test
    void generatedMailboxFunctionsFollowTheHandshake(@TempDir Path dir) throws Exception {
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(Examples.example("commands.json")));
        new CGenerator(layout).generate().get(0).writeTo(dir);
        String program = """
                #define _DEFAULT_SOURCE /* MAP_ANONYMOUS: the program's own need, the header needs none */
                #include "commands.h"
                #include <stdio.h>
                #include <sys/mman.h>
                #include <sys/wait.h>
                static int state(void *base) {
                    return (int)(uint32_t)SHMTEL_LOAD_(shmtel_u64_((char *)base + COMMANDS_ARM_COMMAND_BLOCK_OFFSET,
                                                                  SHMTEL_MAILBOX_STATE_OFFSET), SEQ_CST);
                }
                int main(void) {
                    void *base = mmap(NULL, COMMANDS_REGION_LENGTH, PROT_READ | PROT_WRITE,
                                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
                    commands_arm_command_t in, out;
                    uint64_t k = 99, taken = 99, ts = 0;
                    int32_t code = 99;
                    int r;
                    pid_t child;
                    memset(&in, 0, sizeof in);
                    in.request_id = 41;
                    in.mode = COMMANDS_ARM_COMMAND_MODE_MOVE;
                    r = commands_arm_command_poll_answer(base, &code);
                    printf("poll empty %d code %d\\n", r, code);
                    r = commands_arm_command_take(base, &out, &taken, &ts);
                    printf("take empty %d\\n", r);
                    r = commands_arm_command_offer(base, &in, 1234, &k);
                    printf("offer %d k %llu state %d\\n", r, (unsigned long long)k, state(base));
                    in.request_id = 42;
                    r = commands_arm_command_offer(base, &in, 1235, &k);
                    printf("offer full %d\\n", r);
                    r = commands_arm_command_poll_answer(base, &code);
                    printf("poll pending %d\\n", r);
                    r = commands_arm_command_take(base, &out, &taken, &ts);
                    printf("take %d k %llu ts %llu id %u state %d\\n", r,
                           (unsigned long long)taken, (unsigned long long)ts, out.request_id, state(base));
                    r = commands_arm_command_take(base, &out, &taken, &ts);
                    printf("take held %d\\n", r);
                    r = commands_arm_command_answer(base, taken, -1);
                    printf("answer -1 %d\\n", r);
                    r = commands_arm_command_answer(base, taken, 7);
                    printf("answer 7 %d state %d\\n", r, state(base));
                    r = commands_arm_command_answer(base, taken, 0);
                    printf("answer again %d\\n", r);
                    r = commands_arm_command_poll_answer(base, &code);
                    printf("poll %d code %d state %d\\n", r, code, state(base));
                    r = commands_arm_command_offer(base, &in, 1236, &k);
                    printf("offer %d k %llu\\n", r, (unsigned long long)k);
                    r = commands_arm_command_take(base, &out, &taken, NULL);
                    printf("take %d k %llu id %u\\n", r,
                           (unsigned long long)taken, out.request_id);
                    r = commands_arm_command_answer(base, taken, 0);
                    printf("done %d\\n", r);
                    r = commands_arm_command_poll_answer(base, &code);
                    printf("poll %d code %d\\n", r, code);
                    r = commands_arm_command_offer(base, &in, 1237, &k);
                    printf("offer %d k %llu\\n", r, (unsigned long long)k);
                    r = commands_arm_command_take(base, &out, &taken, NULL);
                    printf("take %d k %llu\\n", r, (unsigned long long)taken);
                    r = commands_arm_command_recover(base);
                    printf("recover alive holder %d state %d\\n", r, state(base));
                    r = commands_arm_command_answer(base, taken, 0);
                    printf("done %d\\n", r);
                    in.request_id = 43;
                    r = commands_arm_command_offer(base, &in, 1238, &k);
                    printf("offer %d k %llu\\n", r, (unsigned long long)k);
                    fflush(stdout);
                    child = fork();
                    if (child == 0) { /* a consumer that takes the message and dies holding it */
                        _exit(commands_arm_command_take(base, &out, &taken, NULL) == 1 && out.request_id == 43 ? 0 : 1);
                    }
                    waitpid(child, NULL, 0);
                    printf("held by the dead child %d\\n", state(base));
                    r = commands_arm_command_poll_answer(base, &code);
                    printf("poll held %d\\n", r);
                    r = commands_arm_command_recover(base);
                    printf("recover %d state %d\\n", r, state(base));
                    r = commands_arm_command_recover(base);
                    printf("recover again %d\\n", r);
                    r = commands_arm_command_poll_answer(base, &code);
                    printf("poll %d code %d\\n", r, code);
                    r = commands_arm_command_offer(base, &in, 1239, &k);
                    printf("offer %d k %llu\\n", r, (unsigned long long)k);
                    r = commands_arm_command_read_latest(base, &out, &taken, &ts);
                    printf("read_latest %d\\n", r);
                    printf("latest k %llu id %u\\n", (unsigned long long)taken, out.request_id);
                    return 0;
                }
                """;
        Path source = dir.resolve("mailbox.c");
        Files.writeString(source, program, StandardCharsets.UTF_8);
        assertThat(Gcc.run(List.of(Gcc.compile(dir, source, "mailbox", Gcc.STRICT_C11).toString()), 60).lines())
                .containsExactly(
                "poll empty 1 code 0",
                "take empty 0",
                "offer 1 k 0 state 1",
                "offer full 0",
                "poll pending 0",
                "take 1 k 0 ts 1234 id 41 state 2",
                "take held 0",
                "answer -1 -7",
                "answer 7 0 state 3",
                "answer again -6",
                "poll 1 code 7 state 0",
                "offer 1 k 1",
                "take 1 k 1 id 42",
                "done 0",
                "poll 1 code 0",
                "offer 1 k 2",
                "take 1 k 2",
                "recover alive holder 0 state 2",
                "done 0",
                "offer 1 k 3",
                "held by the dead child 2",
                "poll held 0",
                "recover 1 state 3",
                "recover again 0",
                "poll 1 code -1",
                "offer 1 k 4",
                "read_latest 1",
                "latest k 4 id 43");
    }
}
