/* shmtel_common.h: the part of every generated shmtel header that is the same for every schema: the includes,
 * the platform shims, the region format's constants and error codes, the wake-up and the mailbox handshake.
 *
 * Kept as C so that it reads and compiles as C: CommonHeaderResourceTest compiles this file on its own with gcc
 * and clang under -std=c11 -Wall -Wextra -Werror -pedantic. CGenerator (CHeaderCommon) copies the lines between
 * the "CGenerator: begin" and "CGenerator: end" markers into each header, after its include guard, and writes
 * the lines between the "constants" markers itself from the Java descriptors (RegionHeaderDescriptor,
 * RecordBlockDescriptor, SlotDescriptor, ProtocolConstants): the copy of them here only lets this file compile
 * alone, and the test fails when it differs from what CGenerator writes. Marker lines are never copied. */
/* CGenerator: begin */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* ---- region format, shared by every shmtel header ---- */
#ifndef SHMTEL_FORMAT_1_DEFINED
#define SHMTEL_FORMAT_1_DEFINED
/* The header is C11 and C++17 alike. Atomics are the GCC and Clang __atomic builtins on plain words (C++17 has
 * no <stdatomic.h>, C has no std::atomic_ref): SHMTEL_LOAD_(p, ACQUIRE), SHMTEL_STORE_(p, v, RELEASE), with
 * the orders of docs/format.md ("opaque" is RELAXED, "volatile" and compare-and-swap SEQ_CST). */
#ifdef __cplusplus
#define SHMTEL_STATIC_ASSERT(condition, message) static_assert(condition, message)
#else
#define SHMTEL_STATIC_ASSERT(condition, message) _Static_assert(condition, message)
#endif
#define SHMTEL_LOAD_(p, order) __atomic_load_n((p), __ATOMIC_##order)
#define SHMTEL_STORE_(p, v, order) __atomic_store_n((p), (v), __ATOMIC_##order)
#define SHMTEL_FENCE_(order) __atomic_thread_fence(__ATOMIC_##order)
#define SHMTEL_FETCH_ADD_(p, v) __atomic_fetch_add((p), (v), __ATOMIC_SEQ_CST)
SHMTEL_STATIC_ASSERT(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "shmtel regions are little-endian");
SHMTEL_STATIC_ASSERT(sizeof(bool) == 1, "shmtel bool fields are one byte");
#if __GCC_ATOMIC_LLONG_LOCK_FREE != 2
#error "shmtel needs lock-free 64-bit atomics (the __atomic builtins of GCC or Clang)"
#endif
/* Strict C11 hides the POSIX and Linux calls used here, and only feature-test macros defined before a
 * program's first include show them, so what is hidden is declared here as the C library declares it.
 * (g++ and clang++ define _GNU_SOURCE: C++ sees every declaration, and a second one would differ.) */
#ifndef __cplusplus
long syscall(long, ...);
#endif
#ifdef CLOCK_MONOTONIC
#define SHMTEL_CLOCK_MONOTONIC_ CLOCK_MONOTONIC
#elif !defined __cplusplus /* <time.h> hid clock_gettime too */
int clock_gettime(int, struct timespec *); /* clockid_t is int on Linux */
#define SHMTEL_CLOCK_MONOTONIC_ 1 /* CLOCK_MONOTONIC on Linux */
#endif
#if defined O_CLOEXEC
#define SHMTEL_O_CLOEXEC_ O_CLOEXEC
#elif defined __O_CLOEXEC
#define SHMTEL_O_CLOEXEC_ __O_CLOEXEC /* glibc's name when O_CLOEXEC is hidden */
#else
#define SHMTEL_O_CLOEXEC_ 0
#endif
/* CGenerator: constants begin */
#define SHMTEL_MAGIC UINT64_C(0x00004c45544d4853) /* "SHMTEL\0\0" */
#define SHMTEL_FORMAT_MAJOR 1u
#define SHMTEL_FORMAT_MINOR 2u
#define SHMTEL_MAGIC_OFFSET 0u
#define SHMTEL_VERSION_OFFSET 8u
#define SHMTEL_HEADER_LENGTH_OFFSET 12u
#define SHMTEL_REGION_LENGTH_OFFSET 16u
#define SHMTEL_FINGERPRINT_OFFSET 24u
#define SHMTEL_RECORD_COUNT_OFFSET 32u
#define SHMTEL_WRITER_PID_OFFSET 64u
#define SHMTEL_STATE_OFFSET 68u
#define SHMTEL_WRITER_EPOCH_OFFSET 80u
#define SHMTEL_HEARTBEAT_OFFSET 128u
#define SHMTEL_PUBLISHED_OFFSET 0u
#define SHMTEL_SLOTS_OFFSET 128u
#define SHMTEL_SLEEPERS_OFFSET 64u
#define SHMTEL_SLEEPER_PIDS_OFFSET 68u
#define SHMTEL_SLEEPER_SLOTS 15u
/* Mailbox records (format 1.2, schema "sync": "mailbox"): one slot, and after published a u64 of
 * state (low half, the futex word) and, in the high half, the holder pid while READING, else a count
 * (messages put while READY, answered while EMPTY or ERROR), changed only by compare-and-swap:
 * writer EMPTY|k -> READY|k+1 after writing slot k, then published = k+1; consumer READY|n ->
 * READING|pid, then READING|pid -> EMPTY|k+1 (done) or ERROR|k+1 (code >= 1 stored first); writer
 * ERROR|n -> EMPTY|n after reading the code; anyone, when pid is dead: READING|pid -> READING|own pid,
 * then code -1 and READING|own pid -> ERROR|k+1. See docs/format.md. */
#define SHMTEL_MAILBOX_STATE_OFFSET 8u
#define SHMTEL_MAILBOX_HOLDER_PID_OFFSET 12u
#define SHMTEL_MAILBOX_CODE_OFFSET 24u
#define SHMTEL_MAILBOX_HOLDER_START_OFFSET 32u
#define SHMTEL_MAILBOX_RECOVERED_OFFSET 40u
#define SHMTEL_MAILBOX_EMPTY 0u
#define SHMTEL_MAILBOX_READY 1u
#define SHMTEL_MAILBOX_READING 2u
#define SHMTEL_MAILBOX_ERROR 3u
#define SHMTEL_MAILBOX_CODE_CONSUMER_DIED (-1)
#define SHMTEL_SEQ_OFFSET 0u
#define SHMTEL_TIMESTAMP_OFFSET 8u
#define SHMTEL_PAYLOAD_OFFSET 16u
#define SHMTEL_MAX_LATEST_ATTEMPTS 64
/* CGenerator: constants end */
#define SHMTEL_OK 0
#define SHMTEL_ERR_INITIALISING (-1) /* version word still 0: retry shortly */
#define SHMTEL_ERR_MAGIC (-2)        /* not a shmtel region */
#define SHMTEL_ERR_VERSION (-3)      /* another format major version */
#define SHMTEL_ERR_FINGERPRINT (-4)  /* region written with another layout */
#define SHMTEL_ERR_CORRUPT (-5)      /* mailbox word or slot not as the handshake leaves them */
#define SHMTEL_ERR_NOT_HELD (-6)     /* mailbox answer: someone else answered it (taken for dead) */
#define SHMTEL_ERR_ARGUMENT (-7)     /* mailbox answer: a code below 0 (0 is done, >= 1 an error) */
#define SHMTEL_ERR_SHORT (-8)        /* the mapping (or the file) is shorter than the region: truncated */
#define SHMTEL_ERR_SYSTEM (-16)      /* a system call failed: errno or r->sys_errno says why (-9.. in shmtel_region.h) */

/* CLOCK_MONOTONIC in nanoseconds: the clock of Java's System.nanoTime() on Linux. */
static inline uint64_t shmtel_now_ns(void) {
    struct timespec ts;
    clock_gettime(SHMTEL_CLOCK_MONOTONIC_, &ts);
    return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

/* The u64 word at base + offset; shmtel_u32_ the u32 word (atomics go through the SHMTEL_ macros). */
static inline uint64_t *shmtel_u64_(const void *base, size_t offset) {
    return (uint64_t *)(void *)((char *)(uintptr_t)base + offset);
}

static inline uint32_t *shmtel_u32_(const void *base, size_t offset) {
    return (uint32_t *)(void *)((char *)(uintptr_t)base + offset);
}

static inline int32_t *shmtel_i32_(const void *base, size_t offset) {
    return (int32_t *)(void *)((char *)(uintptr_t)base + offset);
}

/* Wakes the readers asleep on the record whose block starts at block_offset (format 1.1+): a full
 * fence after the publish, one load of the record's sleeper bits, and the futex wake system call
 * only when a reader sleeps. Every generated _publish function calls it; a writer that publishes
 * by other means calls it after storing the published count. */
static inline void shmtel_wake_sleepers(void *base, size_t block_offset) {
    char *block = (char *)base + block_offset;
    SHMTEL_FENCE_(SEQ_CST); /* published store before the sleeper-bits load */
    if (SHMTEL_LOAD_(shmtel_u32_(block, SHMTEL_SLEEPERS_OFFSET), RELAXED) != 0) {
        /* The futex word is the low half of the little-endian published count. */
        syscall(SYS_futex, (uint32_t *)(void *)(block + SHMTEL_PUBLISHED_OFFSET), FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
    }
}

/* ---- ring writers and stream readers (docs/format.md, "The seqlock protocol") ---- */
/* The takeover rule R1 (docs/format.md, "Creating, taking over and opening") for the ring whose block starts at
 * block: the index to write next, past `published` and past every index some slot shows started (seq 2k+1) or
 * complete (2k+2) by a writer that died before counting it. Generated _publish functions call it only when the
 * slot of index `published` shows that index already started (seq >= 2*published+1), which a slot never does
 * in steady state: they keep no index outside the region, so they apply the rule lazily, at any publish. */
static inline uint64_t shmtel_resume_index_(const char *block, uint64_t published, uint64_t depth,
                                            size_t slot_length) {
    uint64_t next = published, j;
    for (j = 0; j < depth; j++) {
        uint64_t s = SHMTEL_LOAD_(shmtel_u64_(block, SHMTEL_SLOTS_OFFSET + (size_t)j * slot_length
                                                        + SHMTEL_SEQ_OFFSET), RELAXED);
        if (s != 0 && (s - 1) / 2 + 1 > next) next = (s - 1) / 2 + 1; /* s names index (s-1)/2 */
    }
    return next;
}

/* The stream reader of docs/format.md: copies sample *cursor of the ring at block_offset (depth slots of
 * slot_length bytes) into out (length payload bytes). 1: delivered, *cursor moved past it; 0: not published yet;
 * -1: the writer overwrote the slot during every attempt (retry). Indexes no writer will complete (abandoned by a
 * writer that died) and indexes the writer overwrote before they were read (lapped: the cursor jumps to the oldest
 * index the writer does not overwrite next) are added to *lost (when not NULL) and skipped. */
static inline int shmtel_read_next_(const void *base, size_t block_offset, uint64_t depth, size_t slot_length,
                                    uint64_t *cursor, void *out, size_t length, uint64_t *sample_index,
                                    uint64_t *timestamp_ns, uint64_t *lost) {
    const char *block = (const char *)base + block_offset;
    uint64_t *published = shmtel_u64_(block, SHMTEL_PUBLISHED_OFFSET);
    int attempt;
    for (attempt = 0; attempt < SHMTEL_MAX_LATEST_ATTEMPTS; attempt++) {
        uint64_t k = *cursor, complete = 2 * k + 2, s0, ts, p, next;
        const char *slot = block + SHMTEL_SLOTS_OFFSET + (size_t)(k & (depth - 1)) * slot_length;
        uint64_t *seq = shmtel_u64_(slot, SHMTEL_SEQ_OFFSET);
        s0 = SHMTEL_LOAD_(seq, ACQUIRE);
        if (s0 < complete) {
            /* Only 2k+1 may be an abandoned index (it shows 2k+1 until lapped): anything lower is an older sample,
             * k not begun, and costs no second load. */
            if (s0 != complete - 1) return 0;
            if (SHMTEL_LOAD_(published, ACQUIRE) <= k) return 0; /* k in progress */
            s0 = SHMTEL_LOAD_(seq, ACQUIRE);                     /* after published, not before */
            if (s0 < complete) {                                 /* published > k and k never complete */
                *cursor = k + 1;
                if (lost != NULL) *lost += 1;
                continue;
            }
        }
        if (s0 == complete) {
            memcpy(&ts, slot + SHMTEL_TIMESTAMP_OFFSET, sizeof ts);
            memcpy(out, slot + SHMTEL_PAYLOAD_OFFSET, length);
            SHMTEL_FENCE_(ACQUIRE); /* the copy before the second seq load */
            if (SHMTEL_LOAD_(seq, RELAXED) == s0) {
                *cursor = k + 1;
                if (sample_index != NULL) *sample_index = k;
                if (timestamp_ns != NULL) *timestamp_ns = ts;
                return 1;
            }
        }
        /* Lapped: skip to the oldest index the writer does not overwrite next, counting the ones skipped. */
        p = SHMTEL_LOAD_(published, ACQUIRE);
        next = p + 1 > depth ? p + 1 - depth : 0;
        if (next < k + 1) next = k + 1;
        if (lost != NULL) *lost += next - k;
        *cursor = next;
    }
    return -1;
}

/* ---- wake-on-publish, the reader's half (docs/format.md, "Wake-on-publish") ---- */
#define SHMTEL_POLL_FALLBACK_NS_ UINT64_C(1000000) /* the longest nap of a reader that cannot sleep: 1 ms */
#define SHMTEL_HEAL_PERIOD_NS_ UINT64_C(1000000000) /* how often a sleeper frees dead sleepers' slots */
#define SHMTEL_SLEEPER_HEALING_ (-1)                /* a slot's pid while a healer frees it; never a pid */
#define SHMTEL_MEMBARRIER_CMD_GLOBAL_EXPEDITED_ (1 << 1) /* <linux/membarrier.h>, Linux 4.16 */
#define SHMTEL_CLOSED_WORD_ 2u /* the state word of a closed region: SHMTEL_STATE_WORD_CLOSED (checked there) */
/* shmtel_region.h checks these against its SHMTEL_HEARTBEAT_PERIOD_OFFSET, SHMTEL_STALLED_AFTER_PERIODS and
 * SHMTEL_DEFAULT_HEARTBEAT_PERIOD_NS (the common part comes first in every header, and _wait needs them). */
#define SHMTEL_WAIT_PERIOD_OFFSET_ 88u               /* the heartbeat period in the header */
#define SHMTEL_WAIT_STALLED_PERIODS_ 5u              /* a heartbeat older than this many periods: stalled or dead */
#define SHMTEL_WAIT_DEFAULT_PERIOD_NS_ UINT64_C(100000000)
#define SHMTEL_WAIT_MINOR_MASK_ 0xffffu              /* the minor version in the version word */
#define SHMTEL_WAKE_MINOR_ 1u                        /* format 1.1 writers wake sleepers; 1.0 ones never do */

/* The liveness period of the region mapped at base: its heartbeat period x 5 (format.md checklist rule 21 caps
 * each sleep at it). */
static inline uint64_t shmtel_liveness_ns_(const void *base) {
    uint64_t period = SHMTEL_LOAD_(shmtel_u64_(base, SHMTEL_WAIT_PERIOD_OFFSET_), RELAXED);
    if (period == 0 || period > UINT64_MAX / SHMTEL_WAIT_STALLED_PERIODS_) period = SHMTEL_WAIT_DEFAULT_PERIOD_NS_;
    return period * SHMTEL_WAIT_STALLED_PERIODS_;
}

/* 1 while the writer's heartbeat is at most a liveness period old (signed: a heartbeat ahead of now is fresh). */
static inline int shmtel_heartbeat_fresh_(const void *base, uint64_t now) {
    uint64_t age = now - SHMTEL_LOAD_(shmtel_u64_(base, SHMTEL_HEARTBEAT_OFFSET), ACQUIRE);
    return (int64_t)age <= 0 || age <= shmtel_liveness_ns_(base);
}

static inline int32_t *shmtel_sleeper_pid_(char *block, int slot) {
    return shmtel_i32_(block, SHMTEL_SLEEPER_PIDS_OFFSET + (size_t)slot * sizeof(int32_t));
}

/* Frees the sleeper slots of the record whose writable block is `block` whose owner process no longer exists (a
 * reader killed asleep), as Java's Sleepers.healDead: the pid swapped for a marker, the bit cleared, then 0. */
static inline int shmtel_heal_sleepers_(char *block) {
    uint32_t *mask = shmtel_u32_(block, SHMTEL_SLEEPERS_OFFSET);
    int slot, healed = 0;
    for (slot = 0; slot < (int)SHMTEL_SLEEPER_SLOTS; slot++) {
        int32_t *word = shmtel_sleeper_pid_(block, slot);
        int32_t pid = SHMTEL_LOAD_(word, RELAXED);
        if (pid > 0 && syscall(SYS_kill, (long)pid, 0L) != 0 && errno == ESRCH
                && __atomic_compare_exchange_n(word, &pid, SHMTEL_SLEEPER_HEALING_, false, __ATOMIC_SEQ_CST,
                                               __ATOMIC_SEQ_CST)) {
            __atomic_fetch_and(mask, ~((uint32_t)1 << slot), __ATOMIC_SEQ_CST);
            SHMTEL_STORE_(word, 0, RELEASE); /* free only once its bit is clear */
            healed++;
        }
    }
    return healed;
}

/* Claims a free sleeper slot (pid 0 -> pid by compare-and-swap) and sets its bit (a full barrier); -1 when all
 * are taken even after freeing the slots of dead sleepers. */
static inline int shmtel_sleeper_claim_(char *block, int32_t pid) {
    int attempt, slot;
    for (attempt = 0; attempt < 2; attempt++) {
        for (slot = 0; slot < (int)SHMTEL_SLEEPER_SLOTS; slot++) {
            int32_t *word = shmtel_sleeper_pid_(block, slot);
            int32_t free_pid = 0;
            if (SHMTEL_LOAD_(word, RELAXED) == 0 && __atomic_compare_exchange_n(word, &free_pid, pid, false,
                                                                              __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
                __atomic_fetch_or(shmtel_u32_(block, SHMTEL_SLEEPERS_OFFSET), (uint32_t)1 << slot, __ATOMIC_SEQ_CST);
                return slot;
            }
        }
        if (shmtel_heal_sleepers_(block) == 0) return -1;
    }
    return -1;
}

/* Waits until the `published` count of the record whose block starts at block_offset differs from seen: 1 when it
 * does (at once or after sleeping); 0 when timeout_ns passed first or, earlier, when during the wait the writer
 * closed the region (its close wakes the sleepers) or its heartbeat went older than the liveness period (a writer
 * killed, stopped, or whose file was replaced): then look at shmtel_region_state; SHMTEL_ERR_SYSTEM when the
 * futex call failed (errno says why). Each sleep lasts at most the liveness period (the header's heartbeat period
 * x 5), so a writer gone without a wake is noticed within it. base: the region's mapping (read-only will do).
 * sleepers_base: a writable shared mapping of the same file, where the sleeper words are claimed so that the
 * writer wakes this reader; NULL (no write permission on the file) polls instead, every 1 ms at most, as does a
 * reader of a format 1.0 region (its writers never wake anyone), one that finds every sleeper slot taken, or one
 * whose kernel refuses membarrier. A sleep may also end early (a signal): it then looks again. */
static inline int shmtel_wait_(const void *base, void *sleepers_base, size_t block_offset, uint64_t seen,
                               uint64_t timeout_ns) {
    static uint64_t next_heal_ns; /* per program (per translation unit), shared by its threads */
    if (base == NULL) return SHMTEL_ERR_ARGUMENT;
    const char *block = (const char *)base + block_offset;
    uint64_t *published = shmtel_u64_(block, SHMTEL_PUBLISHED_OFFSET);
    uint32_t *state = shmtel_u32_(base, SHMTEL_STATE_OFFSET);
    /* A close during the wait ends it; a region closed before it began leaves it to its timeout (or a new writer). */
    int closed_before = SHMTEL_LOAD_(state, ACQUIRE) == SHMTEL_CLOSED_WORD_;
    /* Sleep only on a region of minor 1 or more (checklist rule 20): a 1.0 writer never loads the sleeper bits. */
    int wakes = (SHMTEL_LOAD_(shmtel_u32_(base, SHMTEL_VERSION_OFFSET), ACQUIRE) & SHMTEL_WAIT_MINOR_MASK_)
                >= SHMTEL_WAKE_MINOR_;
    char *own = sleepers_base == NULL || !wakes ? NULL : (char *)sleepers_base + block_offset;
    uint64_t start = shmtel_now_ns();
    /* A heartbeat that goes stale during the wait ends it; one stale already (a writer that does not beat, or a
     * dead one) leaves it to its timeout. */
    int fresh_before = shmtel_heartbeat_fresh_(base, start);
    uint64_t deadline = timeout_ns > UINT64_MAX - start ? UINT64_MAX : start + timeout_ns;
    int32_t pid = (int32_t)getpid();
    for (;;) {
        uint64_t now, nap;
        struct timespec relative;
        int slot = -1, capped, changed, closed;
        long r = 0;
        if (SHMTEL_LOAD_(published, ACQUIRE) != seen) return 1;
        if (!closed_before && SHMTEL_LOAD_(state, ACQUIRE) == SHMTEL_CLOSED_WORD_) return 0;
        now = shmtel_now_ns();
        if (now >= deadline) return 0;
        if (fresh_before && !shmtel_heartbeat_fresh_(base, now)) return 0;
        nap = deadline - now;
        if (nap > shmtel_liveness_ns_(base)) nap = shmtel_liveness_ns_(base); /* then look at the heartbeat again */
        if (own != NULL) {
            uint64_t heal_at = SHMTEL_LOAD_(&next_heal_ns, RELAXED);
            if (now >= heal_at && SHMTEL_LOAD_(shmtel_u32_(own, SHMTEL_SLEEPERS_OFFSET), RELAXED) != 0
                    && __atomic_compare_exchange_n(&next_heal_ns, &heal_at, now + SHMTEL_HEAL_PERIOD_NS_, false,
                                                   __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
                shmtel_heal_sleepers_(own); /* a C writer does not heal: its readers do */
            }
            slot = shmtel_sleeper_claim_(own, pid);
        }
        capped = slot < 0; /* no slot: nobody wakes it, it polls */
#ifdef SYS_membarrier
        /* The writer loads the sleeper bits without a fence of its own (Java): this runs one on its CPUs. */
        if (!capped && syscall(SYS_membarrier, (long)SHMTEL_MEMBARRIER_CMD_GLOBAL_EXPEDITED_, 0L) != 0) capped = 1;
#else
        capped = 1;
#endif
        if (capped && nap > SHMTEL_POLL_FALLBACK_NS_) nap = SHMTEL_POLL_FALLBACK_NS_;
        SHMTEL_FENCE_(SEQ_CST); /* the bit before the last look (the membarrier is one too, unknown to compilers) */
        changed = SHMTEL_LOAD_(published, ACQUIRE) != seen; /* the last look, after the barrier */
        closed = !closed_before && SHMTEL_LOAD_(state, ACQUIRE) == SHMTEL_CLOSED_WORD_;
        if (!changed && !closed) {
            relative.tv_sec = (time_t)(nap / UINT64_C(1000000000));
            relative.tv_nsec = (long)(nap % UINT64_C(1000000000));
            /* The futex word is the low half of the little-endian published count; shared, not private. */
            r = syscall(SYS_futex, (uint32_t *)(void *)published, FUTEX_WAIT, (uint32_t)seen, &relative, NULL, 0);
            if (r != 0 && (errno == ETIMEDOUT || errno == EAGAIN || errno == EINTR)) r = 0;
        }
        if (slot >= 0) {
            __atomic_fetch_and(shmtel_u32_(own, SHMTEL_SLEEPERS_OFFSET), ~((uint32_t)1 << slot), __ATOMIC_SEQ_CST);
            SHMTEL_STORE_(shmtel_sleeper_pid_(own, slot), 0, RELEASE); /* free only once its bit is clear */
        }
        if (r != 0) return SHMTEL_ERR_SYSTEM;
        if (changed) return 1;
        if (closed) return 0;
    }
}

/* ---- mailbox handshake (format 1.2): the transitions above, by compare-and-swap ---- */
static inline uint64_t *shmtel_mailbox_word_(void *base, size_t block_offset) {
    return shmtel_u64_((char *)base + block_offset, SHMTEL_MAILBOX_STATE_OFFSET);
}

static inline uint64_t shmtel_mailbox_pack_(uint32_t state, uint64_t high) {
    return (uint64_t)state | ((uint64_t)(uint32_t)high << 32);
}

/* The full count whose low 32 bits are low, within 2^31 of near. */
static inline uint64_t shmtel_widen_(uint32_t low, uint64_t near) {
    return near + (uint64_t)(int64_t)(int32_t)(low - (uint32_t)near);
}

static inline bool shmtel_cas_(uint64_t *word, uint64_t expected, uint64_t next) {
    return __atomic_compare_exchange_n(word, &expected, next, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/* Wakes whoever sleeps on the mailbox's state word, when a sleeper bit is set. */
static inline void shmtel_mailbox_wake_(void *base, size_t block_offset) {
    char *block = (char *)base + block_offset;
    SHMTEL_FENCE_(SEQ_CST); /* the transition before the sleeper-bits load */
    if (SHMTEL_LOAD_(shmtel_u32_(block, SHMTEL_SLEEPERS_OFFSET), RELAXED) != 0) {
        syscall(SYS_futex, (uint32_t *)(void *)(block + SHMTEL_MAILBOX_STATE_OFFSET), FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
    }
}

#ifndef SHMTEL_PROC_ROOT
#define SHMTEL_PROC_ROOT "/proc" /* where process entries are read (tests play a /proc that hides one) */
#endif
#ifndef SHMTEL_MAILBOX_RECOVERING_HOOK
#define SHMTEL_MAILBOX_RECOVERING_HOOK() ((void)0) /* tests stall a recoverer here (after deciding) */
#endif

/* Start time of process pid (field 22 of /proc/PID/stat, clock ticks after boot), -1 when it cannot be read
 * (no such process, hidepid, another PID namespace, no descriptor left): -1 alone never proves a process
 * dead. With the pid, it tells the holder of a message from a later process that reuses its pid. */
static inline int64_t shmtel_process_start_time(int pid) {
    char path[sizeof SHMTEL_PROC_ROOT + 18], digits[12], buf[1024];
    char *p;
    unsigned u = (unsigned)pid;
    size_t i = sizeof SHMTEL_PROC_ROOT - 1;
    int nd = 0, field = 2, fd;
    ssize_t n;
    int64_t value = 0;
    memcpy(path, SHMTEL_PROC_ROOT, i);
    path[i++] = '/';
    do { digits[nd++] = (char)('0' + u % 10); u /= 10; } while (u != 0);
    while (nd > 0) path[i++] = digits[--nd];
    memcpy(path + i, "/stat", 6);
    fd = open(path, O_RDONLY | SHMTEL_O_CLOEXEC_);
    if (fd < 0) return -1;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = '\0';
    p = strrchr(buf, ')'); /* the command name (field 2) may hold spaces and parentheses */
    if (p == NULL) return -1;
    for (p++; *p != '\0' && field < 22; p++) {
        if (*p == ' ') field++;
    }
    if (*p < '0' || *p > '9') return -1;
    while (*p >= '0' && *p <= '9') value = value * 10 + (*p++ - '0');
    return value;
}

static inline int shmtel_mailbox_offer_(void *base, size_t block_offset, const void *message, size_t length,
                                        uint64_t timestamp_ns, uint64_t *message_index) {
    char *block = (char *)base + block_offset;
    char *slot = block + SHMTEL_SLOTS_OFFSET;
    uint64_t *word = shmtel_mailbox_word_(base, block_offset);
    uint64_t *published = shmtel_u64_(block, SHMTEL_PUBLISHED_OFFSET);
    uint64_t *seq = shmtel_u64_(slot, SHMTEL_SEQ_OFFSET);
    uint64_t seen = SHMTEL_LOAD_(word, SEQ_CST), k, s;
    if ((uint32_t)seen == SHMTEL_MAILBOX_ERROR) { /* an answer nobody read: ERROR|n -> EMPTY|n */
        if (!shmtel_cas_(word, seen, shmtel_mailbox_pack_(SHMTEL_MAILBOX_EMPTY, seen >> 32))) return SHMTEL_ERR_CORRUPT;
        seen = shmtel_mailbox_pack_(SHMTEL_MAILBOX_EMPTY, seen >> 32);
    }
    if ((uint32_t)seen != SHMTEL_MAILBOX_EMPTY) return 0;
    /* EMPTY|n: n messages put and answered (exact even when a writer died before counting its last) */
    k = shmtel_widen_((uint32_t)(seen >> 32), SHMTEL_LOAD_(published, RELAXED));
    s = SHMTEL_LOAD_(seq, RELAXED);
    if (s != 0 && (s - 1) / 2 + 1 > k) {
        /* a writer died after writing message (s-1)/2 (or while writing it) but before putting it: that index
         * is never written again with other contents; skipped, counted answered, never delivered */
        uint64_t skipped = shmtel_mailbox_pack_(SHMTEL_MAILBOX_EMPTY, (s - 1) / 2 + 1);
        if (!shmtel_cas_(word, seen, skipped)) return SHMTEL_ERR_CORRUPT;
        seen = skipped;
        k = (s - 1) / 2 + 1;
    }
    SHMTEL_STORE_(seq, 2 * k + 1, RELAXED); /* slot busy */
    SHMTEL_FENCE_(RELEASE);
    memcpy(slot + SHMTEL_TIMESTAMP_OFFSET, &timestamp_ns, sizeof timestamp_ns);
    memcpy(slot + SHMTEL_PAYLOAD_OFFSET, message, length);
    SHMTEL_STORE_(seq, 2 * k + 2, RELEASE); /* message complete */
    if (!shmtel_cas_(word, seen, shmtel_mailbox_pack_(SHMTEL_MAILBOX_READY, k + 1))) return SHMTEL_ERR_CORRUPT;
    SHMTEL_STORE_(published, k + 1, RELEASE);
    shmtel_wake_sleepers(base, block_offset); /* subscribers watching the mailbox */
    shmtel_mailbox_wake_(base, block_offset); /* consumers asleep on the state */
    *message_index = k;
    return 1;
}

static inline int shmtel_mailbox_poll_answer_(void *base, size_t block_offset, int32_t *code) {
    char *block = (char *)base + block_offset;
    uint64_t *word = shmtel_mailbox_word_(base, block_offset);
    uint64_t seen = SHMTEL_LOAD_(word, SEQ_CST);
    int32_t answer;
    switch ((uint32_t)seen) {
    case SHMTEL_MAILBOX_EMPTY:
        *code = 0;
        return 1;
    case SHMTEL_MAILBOX_ERROR:
        answer = SHMTEL_LOAD_(shmtel_i32_(block, SHMTEL_MAILBOX_CODE_OFFSET), SEQ_CST);
        if (!shmtel_cas_(word, seen, shmtel_mailbox_pack_(SHMTEL_MAILBOX_EMPTY, seen >> 32))) return SHMTEL_ERR_CORRUPT;
        *code = answer;
        return 1;
    case SHMTEL_MAILBOX_READY:
    case SHMTEL_MAILBOX_READING:
        return 0;
    default:
        return SHMTEL_ERR_CORRUPT;
    }
}

static inline int shmtel_mailbox_answer_(void *base, size_t block_offset, uint64_t message_index, int32_t code) {
    char *block = (char *)base + block_offset;
    uint64_t held = shmtel_mailbox_pack_(SHMTEL_MAILBOX_READING, (uint32_t)getpid());
    SHMTEL_STORE_(shmtel_u64_(block, SHMTEL_MAILBOX_HOLDER_START_OFFSET), 0, SEQ_CST);
    if (code != 0) SHMTEL_STORE_(shmtel_i32_(block, SHMTEL_MAILBOX_CODE_OFFSET), code, SEQ_CST);
    if (!shmtel_cas_(shmtel_mailbox_word_(base, block_offset), held, shmtel_mailbox_pack_(
            code != 0 ? SHMTEL_MAILBOX_ERROR : SHMTEL_MAILBOX_EMPTY, message_index + 1))) return SHMTEL_ERR_NOT_HELD;
    shmtel_mailbox_wake_(base, block_offset); /* the sender waits for the answer */
    return SHMTEL_OK;
}

static inline int shmtel_mailbox_take_(void *base, size_t block_offset, void *out, size_t length,
                                       uint64_t *message_index, uint64_t *timestamp_ns) {
    char *block = (char *)base + block_offset;
    char *slot = block + SHMTEL_SLOTS_OFFSET;
    uint64_t *word = shmtel_mailbox_word_(base, block_offset);
    uint64_t seen = SHMTEL_LOAD_(word, SEQ_CST), seq;
    int pid = (int)getpid();
    int64_t start;
    if ((uint32_t)seen != SHMTEL_MAILBOX_READY) return 0;
    if (!shmtel_cas_(word, seen, shmtel_mailbox_pack_(SHMTEL_MAILBOX_READING, (uint32_t)pid))) {
        return 0; /* another consumer took it first */
    }
    shmtel_mailbox_wake_(base, block_offset); /* the sender asleep for its answer: a consumer holds it */
    start = shmtel_process_start_time(pid);
    SHMTEL_STORE_(shmtel_u64_(block, SHMTEL_MAILBOX_HOLDER_START_OFFSET), (uint64_t)(start > 0 ? start : 0), SEQ_CST);
    seq = SHMTEL_LOAD_(shmtel_u64_(slot, SHMTEL_SEQ_OFFSET), ACQUIRE);
    if (seq < 2 || (seq & 1) != 0 || (uint32_t)(seq / 2) != (uint32_t)(seen >> 32)) {
        /* READY without that complete message: answered undeliverable, as a Java consumer does */
        shmtel_mailbox_answer_(base, block_offset, shmtel_widen_((uint32_t)(seen >> 32),
                SHMTEL_LOAD_(shmtel_u64_(block, SHMTEL_PUBLISHED_OFFSET), SEQ_CST)) - 1, SHMTEL_MAILBOX_CODE_CONSUMER_DIED);
        return SHMTEL_ERR_CORRUPT;
    }
    memcpy(out, slot + SHMTEL_PAYLOAD_OFFSET, length); /* nobody writes the slot while READING */
    if (timestamp_ns != NULL) memcpy(timestamp_ns, slot + SHMTEL_TIMESTAMP_OFFSET, sizeof *timestamp_ns);
    *message_index = seq / 2 - 1;
    return 1;
}

static inline int shmtel_mailbox_recover_(void *base, size_t block_offset) {
    char *block = (char *)base + block_offset;
    uint64_t *word = shmtel_mailbox_word_(base, block_offset);
    uint64_t *seq = shmtel_u64_(block + SHMTEL_SLOTS_OFFSET, SHMTEL_SEQ_OFFSET);
    uint64_t s = SHMTEL_LOAD_(seq, ACQUIRE); /* the slot first, then the word */
    uint64_t seen = SHMTEL_LOAD_(word, SEQ_CST), held, own;
    int pid = (int)(uint32_t)(seen >> 32);
    int64_t start, now;
    if ((uint32_t)seen != SHMTEL_MAILBOX_READING || pid <= 0) return 0;
    if (syscall(SYS_kill, pid, 0) == 0 || errno != ESRCH) { /* the pid is in use: by the holder? */
        start = (int64_t)SHMTEL_LOAD_(shmtel_u64_(block, SHMTEL_MAILBOX_HOLDER_START_OFFSET), SEQ_CST);
        if (start <= 0) return 0; /* no start time stored: the pid alone decides */
        now = shmtel_process_start_time(pid);
        if (now < 0 || now == start) return 0; /* unreadable (hidepid, another PID namespace): alive */
    }
    /* The same message around the check: else the start time read may be a later holder's. */
    if (SHMTEL_LOAD_(seq, ACQUIRE) != s) return 0;
    if (s < 2 || (s & 1) != 0) return 0; /* no message the writer put: nothing to answer */
    SHMTEL_MAILBOX_RECOVERING_HOOK();
    /* Become the holder first, then answer as a consumer does: a recoverer that stalled after looking
     * stores nothing but this harmless 0 once the box has moved on (a holder's check turns pid-only). */
    SHMTEL_STORE_(shmtel_u64_(block, SHMTEL_MAILBOX_HOLDER_START_OFFSET), 0, SEQ_CST);
    own = shmtel_mailbox_pack_(SHMTEL_MAILBOX_READING, (uint32_t)getpid());
    if (!shmtel_cas_(word, seen, own)) return 0; /* someone moved first */
    held = SHMTEL_LOAD_(seq, ACQUIRE); /* nobody writes the slot while it is held */
    if (held >= 2 && (held & 1) == 0) s = held;
    SHMTEL_STORE_(shmtel_i32_(block, SHMTEL_MAILBOX_CODE_OFFSET), SHMTEL_MAILBOX_CODE_CONSUMER_DIED, SEQ_CST);
    if (!shmtel_cas_(word, own, shmtel_mailbox_pack_(SHMTEL_MAILBOX_ERROR, s / 2))) return 0;
    SHMTEL_FETCH_ADD_(shmtel_u64_(block, SHMTEL_MAILBOX_RECOVERED_OFFSET), 1);
    shmtel_mailbox_wake_(base, block_offset);
    return 1;
}
#endif /* SHMTEL_FORMAT_1_DEFINED */

/* CGenerator: end */
