/* The C++ side of tools' CrossLanguageMatrixTest (the generated all_types.hpp), speaking matrix.c's line protocol:
 *   writer NAME PERIOD_MS GAP_US GO | reader NAME | sleep NAME TIMEOUT_MS   (see matrix.c) */
#include "all_types.hpp"
#include "pattern.h"
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <unistd.h>

namespace all_types = shmtel::all_types;

static volatile std::sig_atomic_t stop;
static void on_signal(int) { stop = 1; }

/* The index the next publish gets (matrix.c's next_index). */
static std::uint64_t next_index(void *base) {
    char *block = static_cast<char *>(base) + ALL_TYPES_EVERY_TYPE_BLOCK_OFFSET;
    std::uint64_t k = all_types_every_type_published(base);
    char *slot = block + SHMTEL_SLOTS_OFFSET + static_cast<std::size_t>(k & (ALL_TYPES_EVERY_TYPE_DEPTH - 1))
            * ALL_TYPES_EVERY_TYPE_SLOT_LENGTH;
    if (SHMTEL_LOAD_(shmtel_u64_(slot, SHMTEL_SEQ_OFFSET), RELAXED) >= 2 * k + 1) {
        k = shmtel_resume_index_(block, k, ALL_TYPES_EVERY_TYPE_DEPTH, ALL_TYPES_EVERY_TYPE_SLOT_LENGTH);
    }
    return k;
}

static int writer(const char *name, long period_ms, long gap_us, const std::string &go) {
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    {
        all_types::Region region = all_types::Region::create(name);
        region.set_heartbeat_period(std::chrono::milliseconds(period_ms));
        if (region.start_heartbeat() != SHMTEL_OK) return 4;
        shmtel::Publisher<all_types::EveryType> publisher(region);
        all_types::EveryType s{};
        std::uint64_t first = next_index(region.base());
        every_fill(&s, first);
        if (publisher.publish(s) != first) return 5;
        std::printf("ready epoch=%llu first=%llu\n", (unsigned long long)region.epoch(), (unsigned long long)first);
        while (!stop && go != "-" && access(go.c_str(), F_OK) != 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        while (!stop) {
            std::uint64_t k = next_index(region.base());
            every_fill(&s, k);
            if (publisher.publish(s) != k) {
                std::printf("index mismatch at %llu\n", (unsigned long long)k);
                return 5;
            }
            std::this_thread::sleep_for(std::chrono::microseconds(gap_us));
        }
    } /* the Region's destructor closes it: CLOSED */
    std::printf("closed\n");
    return 0;
}

static int reader(const char *name) {
    all_types::Region region = all_types::Region::open(name);
    shmtel::Reader<all_types::EveryType> reader(region);
    std::printf("open 0\n");
    all_types::EveryType s{};
    shmtel::SampleInfo info{};
    std::uint64_t lost = 0;
    int previous = -100;
    reader.seek_to_oldest();
    for (;;) {
        shmtel::State state = region.state();
        if (static_cast<int>(state) != previous) std::printf("state %s\n", shmtel::to_string(state));
        previous = static_cast<int>(state);
        while (reader.next(s, lost, info)) {
            std::printf("sample %llu %s\n", (unsigned long long)info.index, every_check(&s, info.index) ? "ok" : "bad");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

static int sleeper(const char *name, long timeout_ms) {
    all_types::Region region = all_types::Region::open(name);
    shmtel::Reader<all_types::EveryType> reader(region);
    reader.seek_to_newest();
    std::printf("waiting %s\n", region.c_region()->sleepers != nullptr ? "asleep" : "polling");
    std::fflush(stdout);
    int rc = reader.wait(std::chrono::milliseconds(timeout_ms));
    std::printf("woken %d\n", rc);
    return 0;
}

int main(int argc, char **argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    std::string mode = argc > 1 ? argv[1] : "";
    try {
        if (argc >= 6 && mode == "writer") return writer(argv[2], std::atol(argv[3]), std::atol(argv[4]), argv[5]);
        if (argc >= 3 && mode == "reader") return reader(argv[2]);
        if (argc >= 4 && mode == "sleep") return sleeper(argv[2], std::atol(argv[3]));
    } catch (const shmtel::Error &e) {
        std::printf("error %d %s\n", e.code(), e.what());
        return 3;
    }
    std::fprintf(stderr, "usage: see matrix.cpp\n");
    return 2;
}
