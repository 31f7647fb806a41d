/* The C side of tools' CrossLanguageMatrixTest: one program, one line protocol shared with the C++, Python and Java
 * sides (see the test's Javadoc). The region directory is $SHMTEL_DIR. Modes:
 *   writer NAME PERIOD_MS GAP_US GO  create (or take over) NAME of all_types, heartbeat thread every PERIOD_MS,
 *                                    publish every_type's counter pattern, say "ready epoch=E first=K", then (once
 *                                    the file GO exists; "-": at once) one sample every GAP_US until SIGTERM/SIGINT,
 *                                    then close (CLOSED) and say "closed"
 *   reader NAME                      open NAME, say "open 0", then each change of the state ("state LIVE") and
 *                                    each sample of the stream, in order from the oldest the ring holds ("sample K
 *                                    ok" or "sample K bad": the counter pattern of K or not)
 *   sleep NAME TIMEOUT_MS            open NAME, say "waiting asleep|polling", _wait for the next publish, say
 *                                    "woken R"
 *   mbox-send NAME COUNT             create NAME of commands, offer arm_command messages 0..COUNT-1 (the counter
 *                                    pattern of each index), read each answer; say "sent N wrong W codes C,C,..."
 *   mbox-take NAME COUNT             map NAME's file (writable), take COUNT messages, check each, answer K with
 *                                    K % 3; say "taken N torn T backwards B"
 */
#include "all_types.h"
#include "commands.h"
#include "pattern.h"
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static const char *const STATES[] = {"WAITING", "LIVE", "STALLED", "WRITER_DEAD", "CLOSED", "CORRUPT"};

static const char *state_name(int state) {
    return state >= 0 && state <= SHMTEL_CORRUPT ? STATES[state] : "ERROR";
}

/* The index _publish gives the next sample: the published count, or past every index a dead writer started. */
static uint64_t next_index(void *base) {
    char *block = (char *)base + ALL_TYPES_EVERY_TYPE_BLOCK_OFFSET;
    uint64_t k = all_types_every_type_published(base);
    char *slot = block + SHMTEL_SLOTS_OFFSET + (size_t)(k & (ALL_TYPES_EVERY_TYPE_DEPTH - 1))
            * ALL_TYPES_EVERY_TYPE_SLOT_LENGTH;
    if (SHMTEL_LOAD_(shmtel_u64_(slot, SHMTEL_SEQ_OFFSET), RELAXED) >= 2 * k + 1) {
        k = shmtel_resume_index_(block, k, ALL_TYPES_EVERY_TYPE_DEPTH, ALL_TYPES_EVERY_TYPE_SLOT_LENGTH);
    }
    return k;
}

static int publish_one(void *base) {
    all_types_every_type_t s;
    uint64_t k = next_index(base);
    every_fill(&s, k);
    if (all_types_every_type_publish(base, &s, shmtel_now_ns()) != k) {
        printf("index mismatch at %llu\n", (unsigned long long)k);
        return -1;
    }
    return 0;
}

static int writer(const char *name, long period_ms, long gap_us, const char *go) {
    shmtel_region_t r;
    uint64_t first;
    int rc;
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    rc = all_types_region_create(&r, name, 0600);
    if (rc != SHMTEL_OK) {
        printf("error %d %s\n", rc, shmtel_strerror(rc));
        return 3;
    }
    shmtel_region_set_heartbeat_period(&r, (uint64_t)period_ms * 1000000u);
    shmtel_region_start_heartbeat(&r);
    first = next_index(r.base);
    if (publish_one(r.base) != 0) return 4;
    printf("ready epoch=%llu first=%llu\n", (unsigned long long)r.epoch, (unsigned long long)first);
    while (!stop && strcmp(go, "-") != 0 && access(go, F_OK) != 0) usleep(1000);
    while (!stop) {
        if (publish_one(r.base) != 0) return 4;
        usleep((useconds_t)gap_us);
    }
    shmtel_region_close(&r);
    printf("closed\n");
    return 0;
}

static int reader(const char *name) {
    shmtel_region_t r;
    all_types_every_type_t s;
    uint64_t index, cursor, lost = 0;
    int rc = all_types_region_open(&r, name), state, previous = -100;
    printf("open %d\n", rc);
    if (rc != SHMTEL_OK) return 3;
    cursor = all_types_every_type_published(r.base);
    cursor = cursor > ALL_TYPES_EVERY_TYPE_DEPTH ? cursor - ALL_TYPES_EVERY_TYPE_DEPTH : 0; /* the oldest kept */
    for (;;) {
        state = shmtel_region_state(&r);
        if (state != previous) printf("state %s\n", state_name(state));
        previous = state;
        while (all_types_every_type_read_next(r.base, &cursor, &s, &index, NULL, &lost) == 1) {
            printf("sample %llu %s\n", (unsigned long long)index, every_check(&s, index) ? "ok" : "bad");
        }
        usleep(1000);
    }
}

static int sleeper(const char *name, long timeout_ms) {
    shmtel_region_t r;
    uint64_t seen;
    int rc = all_types_region_open(&r, name);
    if (rc != SHMTEL_OK) {
        printf("open %d\n", rc);
        return 3;
    }
    seen = all_types_every_type_published(r.base);
    printf("waiting %s\n", r.sleepers != NULL ? "asleep" : "polling");
    fflush(stdout);
    rc = all_types_every_type_wait(r.base, r.sleepers, seen, (uint64_t)timeout_ms * 1000000u);
    printf("woken %d\n", rc);
    shmtel_region_close(&r);
    return 0;
}

static int mbox_send(const char *name, long count) {
    shmtel_region_t r;
    commands_arm_command_t m;
    uint64_t k;
    int32_t code;
    long i, wrong = 0;
    int rc = commands_region_create(&r, name, 0600);
    if (rc != SHMTEL_OK) {
        printf("error %d %s\n", rc, shmtel_strerror(rc));
        return 3;
    }
    printf("ready\n");
    fflush(stdout);
    for (i = 0; i < count; i++) {
        cmd_fill(&m, (uint64_t)i);
        while ((rc = commands_arm_command_offer(r.base, &m, shmtel_now_ns(), &k)) == 0) usleep(100);
        if (rc < 0) { printf("offer %d\n", rc); return 4; }
        if (k != (uint64_t)i) wrong++;
        while ((rc = commands_arm_command_poll_answer(r.base, &code)) == 0) usleep(100);
        if (rc < 0) { printf("poll_answer %d\n", rc); return 4; }
        if (code != (int32_t)(i % 3)) wrong++;
    }
    printf("sent %ld wrong %ld\n", count, wrong);
    shmtel_region_close(&r);
    return 0;
}

static int mbox_take(const char *name, long count) {
    char path[4096];
    const char *dir = getenv("SHMTEL_DIR");
    commands_arm_command_t m;
    uint64_t k = 0, last = 0;
    long taken = 0, torn = 0, backwards = 0;
    int rc, fd;
    void *base;
    snprintf(path, sizeof path, "%s/shmtel.%s", dir != NULL ? dir : "/dev/shm", name);
    fd = open(path, O_RDWR);
    if (fd < 0) { perror(path); return 2; }
    base = mmap(NULL, COMMANDS_REGION_LENGTH, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) { perror("mmap"); return 2; }
    rc = commands_check_region(base);
    if (rc != SHMTEL_OK) { printf("check %d\n", rc); return 3; }
    printf("ready\n");
    fflush(stdout);
    while (taken < count) {
        rc = commands_arm_command_take(base, &m, &k, NULL);
        if (rc < 0) { printf("take %d\n", rc); return 4; }
        if (rc == 0) { usleep(100); continue; }
        if (!cmd_check(&m, k)) torn++;
        if (taken > 0 && k <= last) backwards++;
        last = k;
        taken++;
        rc = commands_arm_command_answer(base, k, (int32_t)(k % 3));
        if (rc != SHMTEL_OK) { printf("answer %d\n", rc); return 4; }
    }
    printf("taken %ld torn %ld backwards %ld\n", taken, torn, backwards);
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 6 && strcmp(argv[1], "writer") == 0) return writer(argv[2], atol(argv[3]), atol(argv[4]), argv[5]);
    if (argc >= 3 && strcmp(argv[1], "reader") == 0) return reader(argv[2]);
    if (argc >= 4 && strcmp(argv[1], "sleep") == 0) return sleeper(argv[2], atol(argv[3]));
    if (argc >= 4 && strcmp(argv[1], "mbox-send") == 0) return mbox_send(argv[2], atol(argv[3]));
    if (argc >= 4 && strcmp(argv[1], "mbox-take") == 0) return mbox_take(argv[2], atol(argv[3]));
    fprintf(stderr, "usage: see the comment at the top of matrix.c\n");
    return 2;
}
