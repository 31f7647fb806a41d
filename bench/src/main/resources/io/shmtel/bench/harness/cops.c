/*
 * The operations of shmtel's JMH benchmarks (bench SeqlockBenchmarks), written in C on a mapping of a
 * region-shaped file and timed here, on the machine the harness runs on: the floor each Java figure is
 * compared with. Compiled and run by the harness's `cops` scenario (bin/shmtel bench --only cops).
 *
 *   cops FILE ITERATIONS BATCHES OUTFILE
 *
 * FILE is created (2 pages: a record block at 4096 like a region's first record: published, the
 * sleeper line, then two rings' slots), mapped MAP_SHARED and removed at the end. Every operation runs
 * BATCHES batches of ITERATIONS calls; OUTFILE gets one line per operation:
 *
 *   NAME MIN_NS MEDIAN_NS
 *
 * the fastest and the median batch's time per call, in this thread's CPU time
 * (CLOCK_THREAD_CPUTIME_ID: time the thread was descheduled does not count, so a loaded machine
 * inflates the figures less; the fastest batch is the one least disturbed). The operations follow format.md's seqlock exactly as the Java
 * writer and reader do (the same orders: relaxed busy mark, release fence, plain payload, release
 * seq and published, relaxed sleeper load; acquire seq, copy, acquire fence, relaxed seq again), each
 * in a function of its own (not inlined), as the JMH methods are each one call:
 *
 *   publish64      set a field of a 48-byte staging payload, publish it into a 64-byte slot
 *   publish64fence the same with the full fence a C writer issues before loading the sleeper bits
 *                  (a Java writer registered for membarrier does not)
 *   publish256     a 240-byte payload into a 256-byte slot
 *   readLatest64   published (acquire), then a validated copy of the newest 64-byte slot
 *   readLatest256  the same for a 256-byte slot
 *   pollNothingNew a stream poll (or latest-value watch) with nothing new: one acquire load of the
 *                  watched slot's seq, found holding an older sample
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define BLOCK PAGE                 /* the record block: published at +0 */
#define SLEEPERS_OFFSET 64         /* the sleeper line */
#define SLOTS_OFFSET 128
#define DEPTH 8
#define SEQ 0
#define TIMESTAMP 8
#define PAYLOAD 16
#define MAX_BATCHES 1000

struct ring {
    unsigned char *block;          /* published at +0, sleepers at +64, slots at +128 */
    uint32_t slot_length;
    uint32_t payload_length;
    uint64_t next;                 /* the writer's next index */
    unsigned char staging[256];    /* the writer's private payload (a generated writer's staging buffer) */
    unsigned char snapshot[256];   /* the reader's private copy */
};

static inline _Atomic uint64_t *u64(unsigned char *p) {
    return (_Atomic uint64_t *) (void *) p;
}

static inline _Atomic uint32_t *u32(unsigned char *p) {
    return (_Atomic uint32_t *) (void *) p;
}

static inline unsigned char *slot(struct ring *r, uint64_t k) {
    return r->block + SLOTS_OFFSET + (k & (DEPTH - 1)) * r->slot_length;
}

static uint64_t wakes;

static inline uint64_t publish_steps(struct ring *r, uint64_t timestamp, int fence) {
    memcpy(r->staging, &timestamp, sizeof timestamp); /* the field the JMH method sets */
    uint64_t k = r->next;
    unsigned char *s = slot(r, k);
    atomic_store_explicit(u64(s + SEQ), 2 * k + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    memcpy(s + TIMESTAMP, &timestamp, sizeof timestamp);
    memcpy(s + PAYLOAD, r->staging, r->payload_length);
    atomic_store_explicit(u64(s + SEQ), 2 * k + 2, memory_order_release);
    atomic_store_explicit(u64(r->block), k + 1, memory_order_release);
    r->next = k + 1;
    if (fence) {
        atomic_thread_fence(memory_order_seq_cst);
    }
    if (atomic_load_explicit(u32(r->block + SLEEPERS_OFFSET), memory_order_relaxed) != 0) {
        wakes++; /* nobody sleeps here: never taken */
    }
    return k;
}

__attribute__((noinline)) static uint64_t publish(struct ring *r, uint64_t timestamp) {
    return publish_steps(r, timestamp, 0);
}

__attribute__((noinline)) static uint64_t publish_fenced(struct ring *r, uint64_t timestamp) {
    return publish_steps(r, timestamp, 1);
}

/* The newest complete sample's index, or -1 (none, or torn 64 times). */
__attribute__((noinline)) static int64_t read_latest(struct ring *r) {
    for (int attempt = 0; attempt < 64; attempt++) {
        uint64_t p = atomic_load_explicit(u64(r->block), memory_order_acquire);
        if (p == 0) {
            return -1;
        }
        uint64_t k = p - 1;
        unsigned char *s = slot(r, k);
        uint64_t s0 = atomic_load_explicit(u64(s + SEQ), memory_order_acquire);
        if (s0 != 2 * k + 2) {
            continue;
        }
        memcpy(r->snapshot, s, r->slot_length);
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(u64(s + SEQ), memory_order_relaxed) == s0) {
            return (int64_t) k;
        }
    }
    return -1;
}

/* A stream poll at cursor k: 1 when sample k is there to copy, 0 when not (yet). */
__attribute__((noinline)) static int poll_next(struct ring *r, uint64_t k) {
    uint64_t s0 = atomic_load_explicit(u64(slot(r, k) + SEQ), memory_order_acquire);
    if (s0 < 2 * k + 2 && s0 != 2 * k + 1) {
        return 0;
    }
    return 1;
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

enum op { PUBLISH, PUBLISH_FENCED, READ_LATEST, POLL };

static uint64_t sink;

static double batch(enum op op, struct ring *r, long iterations) {
    double start = now_ns();
    uint64_t cursor = r->next; /* nothing published at or after it while polling */
    for (long i = 0; i < iterations; i++) {
        switch (op) {
        case PUBLISH: sink += publish(r, (uint64_t) i); break;
        case PUBLISH_FENCED: sink += publish_fenced(r, (uint64_t) i); break;
        case READ_LATEST: sink += (uint64_t) read_latest(r) + r->snapshot[PAYLOAD]; break;
        default: sink += (uint64_t) poll_next(r, cursor); break;
        }
    }
    return (now_ns() - start) / (double) iterations;
}

static void measure(FILE *out, const char *name, enum op op, struct ring *r, long iterations, int batches) {
    double ns[MAX_BATCHES];
    batch(op, r, iterations); /* warm-up: caches, page faults, branch predictors */
    for (int b = 0; b < batches; b++) {
        ns[b] = batch(op, r, iterations);
    }
    qsort(ns, (size_t) batches, sizeof ns[0], compare);
    fprintf(out, "%s %.3f %.3f\n", name, ns[0], ns[batches / 2]);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: cops FILE ITERATIONS BATCHES OUTFILE\n");
        return 2;
    }
    long iterations = atol(argv[2]);
    int batches = atoi(argv[3]);
    if (iterations < 1 || batches < 1 || batches > MAX_BATCHES) {
        fprintf(stderr, "cops: ITERATIONS must be >= 1 and BATCHES 1 to %d\n", MAX_BATCHES);
        return 2;
    }
    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ftruncate(fd, 2 * PAGE) != 0) {
        perror(argv[1]);
        return 1;
    }
    unsigned char *map = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    /* Two rings in the one block page, as the bench schema's line1 and line4 records: 8 x 64 bytes, then 8 x 256
     * (the second ring's block starts after the first one's slots; each has its own published and sleeper line). */
    static struct ring r64, r256;
    r64.block = map + BLOCK;
    r64.slot_length = 64;
    r64.payload_length = 48;
    r256.block = map; /* the header page stands in for the second block: 128 + 8 x 256 bytes fit in it */
    r256.slot_length = 256;
    r256.payload_length = 240;
    for (uint64_t i = 0; i < 16; i++) { /* as the JMH setup: 16 samples in each ring */
        publish(&r64, i);
        publish(&r256, i);
    }
    FILE *out = fopen(argv[4], "w");
    if (out == NULL) {
        perror(argv[4]);
        return 1;
    }
    measure(out, "publish64", PUBLISH, &r64, iterations, batches);
    measure(out, "publish64fence", PUBLISH_FENCED, &r64, iterations, batches);
    measure(out, "publish256", PUBLISH, &r256, iterations, batches);
    measure(out, "readLatest64", READ_LATEST, &r64, iterations, batches);
    measure(out, "readLatest256", READ_LATEST, &r256, iterations, batches);
    measure(out, "pollNothingNew", POLL, &r64, iterations, batches);
    if (fclose(out) != 0) {
        perror(argv[4]);
        return 1;
    }
    munmap(map, 2 * PAGE);
    close(fd);
    unlink(argv[1]);
    return sink == 42 && wakes == 42 ? 3 : 0; /* uses the results: the loops cannot be dropped */
}
