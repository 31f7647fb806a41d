/*
 * The hardware floor of the shmtel benchmark harness, compiled by the harness with gcc. Two
 * processes share one cache line of a MAP_SHARED mapping and busy-spin on it.
 *
 *   floor pingpong WARMUP COUNT GAP_NS OUTFILE
 *       ping-pong a 64-bit word; records half of each round trip
 *   floor oneway WARMUP COUNT GAP_NS OUTFILE
 *       the writer stores a CLOCK_MONOTONIC timestamp and a sequence number in the line (a seqlock
 *       of one cache line), then waits GAP_NS; the reader spins on the sequence and records
 *       now - timestamp (the same measurement as the harness's shmtel one-way run)
 *   floor futex WARMUP COUNT GAP_NS OUTFILE
 *       the same sample, but the writer sleeps GAP_NS to 5 x GAP_NS between samples (nanosleep)
 *       and wakes the reader with FUTEX_WAKE, and the reader sleeps in FUTEX_WAIT on the low half
 *       of the sequence: the kernel's wake-up latency, the floor of a blocking subscriber
 *
 * OUTFILE gets one uint32 (nanoseconds, native byte order) per measured exchange (in oneway, per
 * sample the reader saw). Only errors are printed, and with the optional arguments
 *
 *   floor MODE WARMUP COUNT GAP_NS OUTFILE CPU_A,CPU_B [FIFO_PRIORITY]
 *
 * the placement: the first process (writer, pinger) runs on CPU_A, the forked one on CPU_B
 * (sched_setaffinity), optionally SCHED_FIFO at FIFO_PRIORITY; each prints one line
 * "placement ok CPU n" or "placement refused CPU n: reason" and runs on (unplaced when refused).
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <limits.h>
#include <sched.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct line {
    _Atomic uint64_t seq;
    _Atomic uint64_t timestamp;
    char pad[48];
};

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static int write_out(const char *path, const uint32_t *values, size_t count) {
    FILE *out = fopen(path, "wb");
    if (out == NULL) {
        perror(path);
        return 1;
    }
    if (fwrite(values, sizeof(uint32_t), count, out) != count) {
        perror("fwrite");
        fclose(out);
        return 1;
    }
    return fclose(out) == 0 ? 0 : 1;
}

static void futex_wait(_Atomic uint64_t *word, uint32_t expected) {
    syscall(SYS_futex, (uint32_t *) (void *) word, FUTEX_WAIT, expected, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint64_t *word) {
    syscall(SYS_futex, (uint32_t *) (void *) word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static uint32_t clamp32(uint64_t v) {
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t) v;
}

/* Places the calling process on CPU cpu (and SCHED_FIFO at fifo when fifo > 0); says how it went, never fails. */
static void place(int cpu, int fifo) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
        printf("placement refused CPU %d: sched_setaffinity: %s\n", cpu, strerror(errno));
        fflush(stdout);
        return;
    }
    if (fifo > 0) {
        struct sched_param param = {.sched_priority = fifo};
        if (sched_setscheduler(0, SCHED_FIFO, &param) != 0) {
            printf("placement ok CPU %d; SCHED_FIFO %d refused: %s (ran SCHED_OTHER)\n", cpu, fifo, strerror(errno));
            fflush(stdout);
            return;
        }
        printf("placement ok CPU %d SCHED_FIFO %d\n", cpu, fifo);
    } else {
        printf("placement ok CPU %d\n", cpu);
    }
    fflush(stdout);
}

int main(int argc, char **argv) {
    if ((argc < 6 || argc > 8) || (strcmp(argv[1], "pingpong") != 0 && strcmp(argv[1], "oneway") != 0
            && strcmp(argv[1], "futex") != 0)) {
        fprintf(stderr, "usage: floor pingpong|oneway|futex WARMUP COUNT GAP_NS OUTFILE [CPU_A,CPU_B [FIFO]]\n");
        return 2;
    }
    int cpu_a = -1;
    int cpu_b = -1;
    int fifo = argc > 7 ? atoi(argv[7]) : 0;
    if (argc > 6 && sscanf(argv[6], "%d,%d", &cpu_a, &cpu_b) != 2) {
        fprintf(stderr, "floor: CPUs must be two numbers, CPU_A,CPU_B: %s\n", argv[6]);
        return 2;
    }
    int futex = strcmp(argv[1], "futex") == 0;
    int oneway = futex || strcmp(argv[1], "oneway") == 0;
    uint64_t warmup = strtoull(argv[2], NULL, 10);
    uint64_t count = strtoull(argv[3], NULL, 10);
    uint64_t gap = strtoull(argv[4], NULL, 10);
    uint64_t total = warmup + count;
    struct line *line = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (line == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    atomic_store(&line->seq, 0);
    uint32_t *values = malloc(sizeof(uint32_t) * (size_t) (count > 0 ? count : 1));
    if (values == NULL) {
        perror("malloc");
        return 1;
    }
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        if (cpu_b >= 0) {
            place(cpu_b, fifo);
        }
        if (oneway) {
            /* Reader: an even seq 2i+2 means sample i is complete; a sample overwritten before it
               was seen (the reader was descheduled) is skipped, not waited for. */
            uint64_t last = 0;
            size_t measured = 0;
            while (last < 2 * total) {
                uint64_t s1 = atomic_load_explicit(&line->seq, memory_order_acquire);
                if ((s1 & 1) != 0 || s1 <= last) {
                    if (futex && s1 == last) {
                        futex_wait(&line->seq, (uint32_t) s1); /* returns at once if seq moved on */
                    }
                    continue;
                }
                uint64_t ts = atomic_load_explicit(&line->timestamp, memory_order_relaxed);
                atomic_thread_fence(memory_order_acquire);
                if (atomic_load_explicit(&line->seq, memory_order_relaxed) != s1) {
                    continue;
                }
                uint64_t now = now_ns();
                last = s1;
                if (s1 / 2 - 1 >= warmup) {
                    values[measured++] = clamp32(now > ts ? now - ts : 0);
                }
            }
            _exit(write_out(argv[5], values, measured));
        }
        for (uint64_t i = 0; i < total; i++) {
            while (atomic_load_explicit(&line->seq, memory_order_acquire) != 2 * i + 1) {
            }
            atomic_store_explicit(&line->seq, 2 * i + 2, memory_order_release);
        }
        _exit(0);
    }
    if (cpu_a >= 0) {
        place(cpu_a, fifo);
    }
    for (uint64_t i = 0; i < total; i++) {
        uint64_t t0 = now_ns();
        if (oneway) {
            atomic_store_explicit(&line->seq, 2 * i + 1, memory_order_relaxed);
            atomic_thread_fence(memory_order_release);
            atomic_store_explicit(&line->timestamp, t0, memory_order_relaxed);
            atomic_store_explicit(&line->seq, 2 * i + 2, memory_order_release);
            if (futex) {
                futex_wake(&line->seq); /* always: the floor has no sleeper bits to look at */
                uint64_t sleep = gap + (uint64_t) rand() % (4 * gap + 1);
                struct timespec ts = {(time_t) (sleep / 1000000000u), (long) (sleep % 1000000000u)};
                nanosleep(&ts, NULL);
                continue;
            }
            while (now_ns() - t0 < gap) {
            }
        } else {
            atomic_store_explicit(&line->seq, 2 * i + 1, memory_order_release);
            while (atomic_load_explicit(&line->seq, memory_order_acquire) != 2 * i + 2) {
            }
            uint64_t t1 = now_ns();
            if (i >= warmup) {
                values[i - warmup] = clamp32((t1 - t0) / 2);
            }
        }
    }
    int status;
    if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "floor: the second process failed\n");
        return 1;
    }
    return oneway ? 0 : write_out(argv[5], values, (size_t) count);
}
