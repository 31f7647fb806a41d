package io.shmtel.schema.gen;

import io.shmtel.schema.layout.Layout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scaffolding while the C region layer of issue 26 (shmtel_region_t, {@code <schema>_region_create/_open},
 * shmtel_region_*; docs/c.md) is not yet in the generated C header: declarations of exactly the
 * signatures the C++ header calls, so the C++ compile test checks the C++ text. It writes nothing once the C header
 * declares {@code <schema>_region_create}: then the real declarations are compiled.
 */
final class CppStubs {
    private CppStubs() {}

    static boolean needed(Layout layout) {
        return !new CGenerator(layout).generate().get(0).content().contains(layout.schemaName() + "_region_create(");
    }

    /** The #include line of the stub, or nothing when the C header has the real declarations. */
    static String include(Layout layout) {
        return needed(layout) ? "#include \"" + layout.schemaName() + "_stub.h\"\n" : "";
    }

    static void writeIfMissing(Path dir, Layout layout) throws IOException {
        if (!needed(layout)) {
            return;
        }
        StringBuilder s = new StringBuilder("""
                #ifndef SHMTEL_STUB_COMMON
                #define SHMTEL_STUB_COMMON
                #include <stddef.h>
                #include <stdint.h>
                typedef struct shmtel_region {
                    void *base; size_t length; int fd; int owner; void *sleepers; uint64_t epoch;
                    int32_t owner_pid; int sys_errno;
                } shmtel_region_t;
                #define SHMTEL_ERR_OWNED (-9)
                #define SHMTEL_ERR_PERMISSION (-11)
                #define SHMTEL_ERR_CLOSED (-15)
                #define SHMTEL_ERR_SYSTEM (-16)
                #define SHMTEL_WAITING 0
                #define SHMTEL_LIVE 1
                #define SHMTEL_STALLED 2
                #define SHMTEL_WRITER_DEAD 3
                #define SHMTEL_CLOSED 4
                #define SHMTEL_CORRUPT 5
                extern "C" int shmtel_region_beat(shmtel_region_t *r);
                extern "C" int shmtel_region_start_heartbeat(shmtel_region_t *r);
                extern "C" int shmtel_region_state(const shmtel_region_t *r);
                extern "C" void shmtel_region_close(shmtel_region_t *r);
                extern "C" const char *shmtel_strerror(int code);
                #endif
                """);
        String p = layout.schemaName();
        s.append("extern \"C\" int ").append(p).append("_region_create(shmtel_region_t *, const char *, unsigned);\n");
        s.append("extern \"C\" int ").append(p).append("_region_open(shmtel_region_t *, const char *);\n");
        Files.writeString(dir.resolve(p + "_stub.h"), s.toString(), StandardCharsets.UTF_8);
    }
}
