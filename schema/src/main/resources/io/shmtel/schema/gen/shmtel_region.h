/* shmtel_region.h: the part of every generated shmtel header that owns and opens regions, the same for every
 * schema: a C driver creates its region, takes a dead writer's region over in place, beats, closes it, and opens
 * regions for reading with the liveness decision, following docs/format.md ("Owning a region", "Creating, taking
 * over and opening") as core's Java does (RegionCreation, RegionTakeover, RegionOpening, RegionLiveness). Each
 * generated header adds a layout descriptor of its schema and <schema>_region_create / <schema>_region_open,
 * which call the generic functions here. See docs/c.md.
 *
 * Kept as C so that it reads and compiles as C: RegionHeaderResourceTest compiles this file on its own with gcc
 * and clang under -std=c11 -Wall -Wextra -Werror -pedantic and with g++ and clang++ under -std=c++17. CGenerator
 * (CHeaderCommon) copies the lines between the "CGenerator: region begin" and "CGenerator: region end" markers
 * into each header after the common part (shmtel_common.h, included here only so that this file compiles
 * alone), and writes the lines between the "region constants" markers itself from the Java descriptors
 * (RegionHeaderDescriptor, ProtocolConstants): the copy of them here only lets this file compile alone, and the
 * test fails when it differs from what CGenerator writes. Marker lines are never copied. */
#include "shmtel_common.h"
/* CGenerator: region begin */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

/* ---- owning and opening regions, shared by every shmtel header ---- */
#ifndef SHMTEL_REGION_1_DEFINED
#define SHMTEL_REGION_1_DEFINED
/* CGenerator: region constants begin */
#define SHMTEL_FORMAT_VERSION 65538u
#define SHMTEL_FORMAT_MAJOR_SHIFT 16u
#define SHMTEL_PAGE_LENGTH 4096u
#define SHMTEL_RECORD_TABLE_OFFSET_OFFSET 36u
#define SHMTEL_SCHEMA_TEXT_OFFSET_OFFSET 40u
#define SHMTEL_SCHEMA_TEXT_LENGTH_OFFSET 44u
#define SHMTEL_SCHEMA_VERSION_OFFSET 48u
#define SHMTEL_WRITER_START_TIME_OFFSET 72u
#define SHMTEL_HEARTBEAT_PERIOD_OFFSET 88u
#define SHMTEL_RECORD_TABLE_OFFSET 256u
#define SHMTEL_RECORD_ENTRY_LENGTH 128u
#define SHMTEL_RECORD_ENTRY_NAME_LENGTH 64u
#define SHMTEL_RECORD_ENTRY_BLOCK_OFFSET_OFFSET 64u
#define SHMTEL_RECORD_ENTRY_BLOCK_LENGTH_OFFSET 72u
#define SHMTEL_RECORD_ENTRY_FINGERPRINT_OFFSET 80u
#define SHMTEL_RECORD_ENTRY_SLOT_LENGTH_OFFSET 88u
#define SHMTEL_RECORD_ENTRY_DEPTH_OFFSET 92u
#define SHMTEL_RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET 96u
#define SHMTEL_RECORD_ENTRY_FIELD_COUNT_OFFSET 100u
#define SHMTEL_RECORD_ENTRY_SYNC_OFFSET 104u
#define SHMTEL_STATE_WORD_INITIALISING 0u
#define SHMTEL_STATE_WORD_LIVE 1u
#define SHMTEL_STATE_WORD_CLOSED 2u
#define SHMTEL_SYNC_RING 0u
#define SHMTEL_SYNC_MAILBOX 1u
#define SHMTEL_MAX_RECORDS 256u
#define SHMTEL_MAX_SCHEMA_TEXT_LENGTH 16777216u
#define SHMTEL_MAX_REGION_NAME_LENGTH 128u
#define SHMTEL_DEFAULT_HEARTBEAT_PERIOD_NS UINT64_C(100000000)
#define SHMTEL_STALLED_AFTER_PERIODS 5u
#define SHMTEL_OPEN_WAIT_NS UINT64_C(2000000000)
#define SHMTEL_CREATION_POLL_NS UINT64_C(1000000)
#define SHMTEL_MAX_STATE_ATTEMPTS 64
#define SHMTEL_CREATE_GIVE_UP_NS UINT64_C(2000000000)
#define SHMTEL_CREATE_MIN_ATTEMPTS 3
#define SHMTEL_CREATE_RETRY_PAUSE_NS UINT64_C(200000)
/* CGenerator: region constants end */
/* Errors of the region functions (after the common part's -1 .. -8). r->sys_errno holds the errno of the system
 * call behind each of them (0 when none failed). shmtel_strerror(code) says what each means and the fix. */
#define SHMTEL_ERR_OWNED (-9)         /* a live writer holds the region: r->owner_pid */
#define SHMTEL_ERR_NO_SPACE (-10)     /* the region directory has no room for the region (posix_fallocate) */
#define SHMTEL_ERR_PERMISSION (-11)   /* EACCES/EPERM, a file of another user, or one group/others may write */
#define SHMTEL_ERR_NOT_FOUND (-12)    /* open: no region of that name; create: no such directory */
#define SHMTEL_ERR_NAME (-13)         /* not [A-Za-z0-9][A-Za-z0-9._-]{0,127} */
#define SHMTEL_ERR_NOT_REGULAR (-14)  /* a FIFO, socket, device, directory or symbolic link at the name */
#define SHMTEL_ERR_CLOSED (-15)       /* the region was closed (or never opened) */
#define SHMTEL_ERR_MODE (-17)         /* create: a mode with group/others write bits, or without owner rw */
/* What shmtel_region_state returns (non-negative; the numbers of Java's WriterState, Python's shmtel.State). */
#define SHMTEL_WAITING 0      /* no region file of that name */
#define SHMTEL_LIVE 1         /* the writer holds the lock and beats */
#define SHMTEL_STALLED 2      /* the writer holds the lock, its heartbeat is older than 5 periods */
#define SHMTEL_WRITER_DEAD 3  /* nobody holds the lock and the region was not closed: its writer died */
#define SHMTEL_CLOSED 4       /* the writer closed the region cleanly */
#define SHMTEL_CORRUPT 5      /* the file is shorter than the mapping: truncated (docs/format.md) */

/* Strict C11 hides these (glibc shows them for _GNU_SOURCE): the Linux values, the same on every architecture. */
#define SHMTEL_F_OFD_GETLK_ 36
#define SHMTEL_F_OFD_SETLK_ 37
#define SHMTEL_AT_FDCWD_ (-100)
#define SHMTEL_AT_SYMLINK_NOFOLLOW_ 0x100
#define SHMTEL_AT_SYMLINK_FOLLOW_ 0x400
#define SHMTEL_AT_EMPTY_PATH_ 0x1000
#define SHMTEL_STATX_BASIC_STATS_ 0x7ffu
#define SHMTEL_S_IFMT_ 0170000u
#define SHMTEL_S_IFREG_ 0100000u
#define SHMTEL_GROUP_OR_OTHERS_WRITE_ 0022u
#define SHMTEL_OWNER_READ_WRITE_ 0600u
#define SHMTEL_PERMISSION_BITS_ 0777u
#define SHMTEL_O_NOFOLLOW_ __O_NOFOLLOW
#define SHMTEL_O_TMPFILE_ __O_TMPFILE
SHMTEL_STATIC_ASSERT(SHMTEL_CLOSED_WORD_ == SHMTEL_STATE_WORD_CLOSED, "the state word _wait knows as closed");
SHMTEL_STATIC_ASSERT(SHMTEL_WAIT_PERIOD_OFFSET_ == SHMTEL_HEARTBEAT_PERIOD_OFFSET, "_wait's heartbeat period");
SHMTEL_STATIC_ASSERT(SHMTEL_WAIT_STALLED_PERIODS_ == SHMTEL_STALLED_AFTER_PERIODS, "_wait's liveness period");
SHMTEL_STATIC_ASSERT(SHMTEL_WAIT_DEFAULT_PERIOD_NS_ == SHMTEL_DEFAULT_HEARTBEAT_PERIOD_NS, "_wait's default period");
SHMTEL_STATIC_ASSERT(SHMTEL_WAIT_MINOR_MASK_ + 1 == 1u << SHMTEL_FORMAT_MAJOR_SHIFT, "_wait's minor version");
SHMTEL_STATIC_ASSERT(sizeof(long) == 8, "the shmtel region functions need a 64-bit Linux (x86-64, aarch64)");

/* A record of a schema's layout, as the region's record table holds it (docs/format.md, "Record-table entry"). */
typedef struct shmtel_record_desc {
    const char *name;
    uint64_t block_offset;
    uint64_t block_length;
    uint64_t fingerprint;
    uint32_t slot_length;
    uint32_t depth;
    uint32_t payload_length;
    uint32_t field_count;
    uint32_t sync; /* SHMTEL_SYNC_RING or SHMTEL_SYNC_MAILBOX */
} shmtel_record_desc_t;

/* A schema's layout: what a writer writes into a new region's header and what a reader checks. CGenerator
 * writes one per schema (<schema>_layout()). The canonical schema text (docs/format.md, "The embedded schema")
 * is held in pieces of at most 4000 bytes (strict C11 promises string literals of 4095), NULL-terminated. */
typedef struct shmtel_layout_desc {
    const char *schema_name;
    uint32_t schema_version;
    uint64_t fingerprint;
    uint32_t header_length;
    uint64_t region_length;
    const char *const *schema_text_parts;
    uint32_t schema_text_length;
    uint32_t record_count;
    const shmtel_record_desc_t *records;
} shmtel_layout_desc_t;

struct shmtel_heartbeat_;

/* A region owned (created or taken over) or opened for reading by this process. Fill it with
 * <schema>_region_create or <schema>_region_open; release it with shmtel_region_close. It may be copied or
 * moved (the heartbeat thread keeps its own state), but only one copy is closed. */
typedef struct shmtel_region {
    void *base;       /* the mapping: pass to _publish/_read_latest/_read_next/mailbox functions */
    size_t length;    /* bytes mapped (the file's length) */
    int fd;           /* the region file, -1 when not open */
    int owner;        /* 1: created/taken over by this process (writer); 0: opened for reading */
    void *sleepers;   /* reader: a writable shared mapping of the file for the sleeper words, or NULL when the
                         file is not writable for this user (then _wait polls); owner: base */
    uint64_t epoch;   /* owner: its epoch; reader: the epoch seen at open */
    int32_t owner_pid; /* after SHMTEL_ERR_OWNED: the live writer's pid */
    int sys_errno;    /* after SHMTEL_ERR_SYSTEM (and others from a system call): the errno */
    /* private: */
    char *path_;                           /* "<dir>/shmtel.<name>" (malloc), NULL when closed */
    struct shmtel_heartbeat_ *heartbeat_;  /* the heartbeat thread, NULL when none runs */
    uint64_t inode_;                       /* of the mapped file */
    uint64_t device_;                      /* major << 32 | minor */
    const shmtel_layout_desc_t *layout_;   /* the schema's layout: the records close wakes, the check of a new file */
} shmtel_region_t;

/* What each code means, with the fix: every SHMTEL_ERR_* and SHMTEL_OK (and the states). */
static inline const char *shmtel_strerror(int code) {
    switch (code) {
    case SHMTEL_OK: return "ok";
    case SHMTEL_ERR_INITIALISING: return "the region is still being created (format version 0, or an empty file,"
        " after 2 s): if its writer died while creating it, the next writer replaces it, or remove it (shmtel rm)";
    case SHMTEL_ERR_MAGIC: return "not a shmtel region (wrong magic): remove the file at that name";
    case SHMTEL_ERR_VERSION: return "the region has another format major version: use a shmtel of the writer's"
        " format";
    case SHMTEL_ERR_FINGERPRINT: return "the region was written with another layout (fingerprint): regenerate"
        " the header from the writer's schema";
    case SHMTEL_ERR_CORRUPT: return "the region is corrupt (a header word or mailbox word not as the format"
        " leaves it): remove it, its next writer creates it again";
    case SHMTEL_ERR_NOT_HELD: return "mailbox answer: someone else answered the message (taken for dead)";
    case SHMTEL_ERR_ARGUMENT: return "an argument out of range: a mailbox answer code below 0, or a region"
        " function that needs the region's owner given a reader";
    case SHMTEL_ERR_SHORT: return "the file (or the mapping) is shorter than the region: truncated; its next"
        " writer replaces it";
    case SHMTEL_ERR_OWNED: return "the region is owned by a live writer: a region has one writer; stop that"
        " writer first (shmtel ls shows its pid) or publish under another name";
    case SHMTEL_ERR_NO_SPACE: return "no space left for the region in its directory ($SHMTEL_DIR, else /dev/shm):"
        " free space there (shmtel ls, shmtel rm) or give it more (a tmpfs: mount -o remount,size=1G DIR;"
        " Docker's /dev/shm: --shm-size=256m)";
    case SHMTEL_ERR_PERMISSION: return "permission denied: the region file belongs to another user, or group or"
        " others may write it (chmod go-w FILE, or restart its writer), or the region directory ($SHMTEL_DIR, else"
        " /dev/shm) refuses this user (ls -l FILE and ls -ld DIR tell which)";
    case SHMTEL_ERR_NOT_FOUND: return "opening: no region of that name (is its writer running? shmtel ls lists"
        " them); opening or creating: the region directory ($SHMTEL_DIR, else /dev/shm) does not exist (create it,"
        " or set SHMTEL_DIR)";
    case SHMTEL_ERR_NAME: return "invalid region name: names match [A-Za-z0-9][A-Za-z0-9._-]{0,127} (letters,"
        " digits, '.', '_', '-'; 1 to 128 characters, not starting with '.', '_' or '-'; no '/')";
    case SHMTEL_ERR_NOT_REGULAR: return "not a regular file at the region's name (a FIFO, socket, device,"
        " directory or symbolic link): shmtel opens only regular files there; remove it";
    case SHMTEL_ERR_CLOSED: return "the region is closed (or was never opened)";
    case SHMTEL_ERR_SYSTEM: return "a system call failed: see r->sys_errno (strerror)";
    case SHMTEL_ERR_MODE: return "mode refused: a region keeps owner read-write (0600) and never lets group or"
        " others write it (one writer per region); use 0600, or 0640 for a reader group";
    default: return "unknown shmtel code";
    }
}

/* ---- system calls strict C11 hides, through syscall() ---- */
/* What statx tells of a file (docs/format.md: fstat is statx with AT_EMPTY_PATH). */
typedef struct shmtel_stat_ {
    uint32_t mode;
    uint32_t uid;
    uint64_t inode;
    uint64_t size;
    uint64_t device;
} shmtel_stat_t_;

/* statx(dirfd, path, flags): 0, or -1 with errno. The struct statx fields, by their Linux ABI offsets. */
static inline int shmtel_statx_(int dirfd, const char *path, int flags, shmtel_stat_t_ *out) {
    uint64_t buffer[32]; /* struct statx: 256 bytes */
    unsigned char *b = (unsigned char *)buffer;
    uint16_t mode;
    uint32_t major, minor;
    memset(buffer, 0, sizeof buffer);
    if (syscall(SYS_statx, dirfd, path, flags, SHMTEL_STATX_BASIC_STATS_, buffer) != 0) return -1;
    memcpy(&out->uid, b + 20, sizeof out->uid);
    memcpy(&mode, b + 28, sizeof mode);
    memcpy(&out->inode, b + 32, sizeof out->inode);
    memcpy(&out->size, b + 40, sizeof out->size);
    memcpy(&major, b + 136, sizeof major);
    memcpy(&minor, b + 140, sizeof minor);
    out->mode = mode;
    out->device = (uint64_t)major << 32 | minor;
    return 0;
}

static inline int shmtel_fstat_(int fd, shmtel_stat_t_ *out) {
    return shmtel_statx_(fd, "", SHMTEL_AT_EMPTY_PATH_, out);
}

static inline void shmtel_sleep_ns_(uint64_t ns) {
    struct timespec ts;
    ts.tv_sec = (time_t)(ns / UINT64_C(1000000000));
    ts.tv_nsec = (long)(ns % UINT64_C(1000000000));
    syscall(SYS_nanosleep, &ts, NULL);
}

/* fcntl(F_OFD_SETLK or F_OFD_GETLK) on the whole file; l_type in *type, and the conflicting type after GETLK. */
static inline int shmtel_ofd_lock_(int fd, int command, short *type) {
    struct flock lock;
    int rc;
    memset(&lock, 0, sizeof lock);
    lock.l_type = *type;
    lock.l_whence = SEEK_SET; /* l_start 0, l_len 0: the whole file, whatever its length; l_pid 0 (OFD locks) */
    rc = fcntl(fd, command, &lock);
    *type = lock.l_type;
    return rc;
}

/* Maps length bytes of the file behind fd read-write through a second open of /proc/self/fd/N, as Java's
 * RegionFiles.map does: the mapping references another open file description than fd, so closing fd (the locked
 * one) releases the lock at once, whatever mappings remain (a forked child's copy included). MAP_FAILED and errno
 * on failure. */
static inline void *shmtel_map_rw_(int fd, size_t length) {
    char self[32];
    void *base;
    int rw, saved;
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    rw = open(self, O_RDWR | SHMTEL_O_CLOEXEC_);
    if (rw < 0) return MAP_FAILED;
    base = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
    saved = errno;
    close(rw); /* the mapping keeps its own reference to the file */
    errno = saved;
    return base;
}

/* Reserves the file's first length bytes (posix_fallocate: a full file system fails here, never with SIGBUS at
 * a later store): 0, or -1 with errno (ENOSPC). A file system without fallocate gets the length by ftruncate. */
static inline int shmtel_reserve_(int fd, uint64_t length) {
    if (syscall(SYS_fallocate, fd, 0, 0L, (long)length) == 0) return 0;
    if (errno != EOPNOTSUPP) return -1;
    return (int)syscall(SYS_ftruncate, fd, (long)length);
}

/* ---- names, paths and codes ---- */
static inline int shmtel_region_name_ok_(const char *name) {
    size_t i;
    if (name == NULL) return 0;
    for (i = 0; name[i] != '\0'; i++) {
        char c = name[i];
        int alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (i >= SHMTEL_MAX_REGION_NAME_LENGTH) return 0;
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return 0;
    }
    return i > 0;
}

/* The region directory: $SHMTEL_DIR when set and not blank, else /dev/shm (as Java's RegionDirectory). */
static inline const char *shmtel_region_dir_(void) {
    const char *dir = getenv("SHMTEL_DIR");
    const char *c;
    if (dir != NULL) {
        for (c = dir; *c != '\0'; c++) {
            if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r' && *c != '\f' && *c != '\v') return dir;
        }
    }
    return "/dev/shm";
}

/* Clears r (fd -1) and sets its path, "<dir>/shmtel.<name>": SHMTEL_OK, SHMTEL_ERR_NAME or SHMTEL_ERR_SYSTEM. */
static inline int shmtel_region_init_(shmtel_region_t *r, const char *name) {
    const char *dir = shmtel_region_dir_();
    size_t length;
    memset(r, 0, sizeof *r);
    r->fd = -1;
    if (!shmtel_region_name_ok_(name)) return SHMTEL_ERR_NAME;
    length = strlen(dir) + strlen(name) + sizeof "/shmtel.";
    r->path_ = (char *)malloc(length);
    if (r->path_ == NULL) {
        r->sys_errno = ENOMEM;
        return SHMTEL_ERR_SYSTEM;
    }
    snprintf(r->path_, length, "%s/shmtel.%s", dir, name);
    return SHMTEL_OK;
}

/* The code of a failed system call (errno e), kept in r->sys_errno. */
static inline int shmtel_errno_code_(shmtel_region_t *r, int e) {
    r->sys_errno = e;
    switch (e) {
    case ENOENT: case ENOTDIR: return SHMTEL_ERR_NOT_FOUND;
    case EACCES: case EPERM: case EROFS: return SHMTEL_ERR_PERMISSION;
    case ELOOP: case EISDIR: case ENXIO: return SHMTEL_ERR_NOT_REGULAR;
    case ENOSPC: case EDQUOT: return SHMTEL_ERR_NO_SPACE;
    default: return SHMTEL_ERR_SYSTEM;
    }
}

/* The checks every opener of an existing file makes on its descriptor first (docs/format.md): a regular file
 * of this user, not writable by group or others when reader. */
static inline int shmtel_check_file_(shmtel_region_t *r, int fd, int reader, shmtel_stat_t_ *st) {
    if (shmtel_fstat_(fd, st) != 0) return shmtel_errno_code_(r, errno);
    if ((st->mode & SHMTEL_S_IFMT_) != SHMTEL_S_IFREG_) return SHMTEL_ERR_NOT_REGULAR;
    if (st->uid != (uint32_t)getuid()) return SHMTEL_ERR_PERMISSION;
    if (reader && (st->mode & SHMTEL_GROUP_OR_OTHERS_WRITE_) != 0) return SHMTEL_ERR_PERMISSION;
    if (st->size > (uint64_t)INT_MAX) return SHMTEL_ERR_CORRUPT;
    return SHMTEL_OK;
}

/* 1 when path (not followed if a link) is the file described by st. */
static inline int shmtel_names_file_(const char *path, const shmtel_stat_t_ *st) {
    shmtel_stat_t_ now;
    if (shmtel_statx_(SHMTEL_AT_FDCWD_, path, SHMTEL_AT_SYMLINK_NOFOLLOW_, &now) != 0) return 0;
    return now.inode == st->inode && now.device == st->device;
}

/* ---- the header ---- */
/* SHMTEL_OK when the length bytes at base hold a complete region of layout d, checking each word once as
 * docs/format.md says a reader does; else the code: SHMTEL_ERR_INITIALISING (version 0), _MAGIC, _VERSION,
 * _SHORT (the region is longer than length), _FINGERPRINT (another layout), _CORRUPT (any other word). The
 * embedded text is not parsed: the fingerprint, lengths and record table are compared with d's. */
static inline int shmtel_region_check_header_(const void *base, size_t length, const shmtel_layout_desc_t *d) {
    const char *b = (const char *)base;
    uint64_t magic, region_length, fingerprint, u64;
    uint32_t version, header_length, count, table, text_offset, text_length, max_text, u32, i;
    char name[SHMTEL_RECORD_ENTRY_NAME_LENGTH];
    if (length < SHMTEL_PAGE_LENGTH) return SHMTEL_ERR_SHORT;
    version = SHMTEL_LOAD_(shmtel_u32_(b, SHMTEL_VERSION_OFFSET), ACQUIRE);
    if (version == 0) return SHMTEL_ERR_INITIALISING;
    memcpy(&magic, b + SHMTEL_MAGIC_OFFSET, sizeof magic);
    if (magic != SHMTEL_MAGIC) return SHMTEL_ERR_MAGIC;
    if ((version >> SHMTEL_FORMAT_MAJOR_SHIFT) != SHMTEL_FORMAT_MAJOR) return SHMTEL_ERR_VERSION;
    memcpy(&header_length, b + SHMTEL_HEADER_LENGTH_OFFSET, sizeof header_length);
    if (header_length < SHMTEL_PAGE_LENGTH || header_length % SHMTEL_PAGE_LENGTH != 0 || header_length > length) {
        return SHMTEL_ERR_CORRUPT;
    }
    memcpy(&region_length, b + SHMTEL_REGION_LENGTH_OFFSET, sizeof region_length);
    if (region_length > length) return SHMTEL_ERR_SHORT;
    if (region_length < header_length || region_length % SHMTEL_PAGE_LENGTH != 0) return SHMTEL_ERR_CORRUPT;
    memcpy(&count, b + SHMTEL_RECORD_COUNT_OFFSET, sizeof count);
    if (count < 1 || count > SHMTEL_MAX_RECORDS) return SHMTEL_ERR_CORRUPT;
    memcpy(&table, b + SHMTEL_RECORD_TABLE_OFFSET_OFFSET, sizeof table);
    if (table != SHMTEL_RECORD_TABLE_OFFSET) return SHMTEL_ERR_CORRUPT;
    memcpy(&text_offset, b + SHMTEL_SCHEMA_TEXT_OFFSET_OFFSET, sizeof text_offset);
    if (text_offset != SHMTEL_RECORD_TABLE_OFFSET + count * SHMTEL_RECORD_ENTRY_LENGTH) return SHMTEL_ERR_CORRUPT;
    memcpy(&text_length, b + SHMTEL_SCHEMA_TEXT_LENGTH_OFFSET, sizeof text_length);
    max_text = header_length - text_offset;
    if (max_text > SHMTEL_MAX_SCHEMA_TEXT_LENGTH) max_text = SHMTEL_MAX_SCHEMA_TEXT_LENGTH;
    if (text_length == 0 || text_length > max_text) return SHMTEL_ERR_CORRUPT;
    memcpy(&fingerprint, b + SHMTEL_FINGERPRINT_OFFSET, sizeof fingerprint);
    if (fingerprint != d->fingerprint) return SHMTEL_ERR_FINGERPRINT;
    if (header_length != d->header_length || region_length != d->region_length || count != d->record_count) {
        return SHMTEL_ERR_CORRUPT;
    }
    for (i = 0; i < count; i++) {
        const shmtel_record_desc_t *rd = &d->records[i];
        const char *e = b + SHMTEL_RECORD_TABLE_OFFSET + (size_t)i * SHMTEL_RECORD_ENTRY_LENGTH;
        size_t n = strlen(rd->name);
        memset(name, 0, sizeof name);
        memcpy(name, rd->name, n < sizeof name ? n : sizeof name);
        if (memcmp(name, e, sizeof name) != 0) return SHMTEL_ERR_CORRUPT;
        memcpy(&u64, e + SHMTEL_RECORD_ENTRY_BLOCK_OFFSET_OFFSET, sizeof u64);
        if (u64 != rd->block_offset) return SHMTEL_ERR_CORRUPT;
        memcpy(&u64, e + SHMTEL_RECORD_ENTRY_BLOCK_LENGTH_OFFSET, sizeof u64);
        if (u64 != rd->block_length) return SHMTEL_ERR_CORRUPT;
        memcpy(&u64, e + SHMTEL_RECORD_ENTRY_FINGERPRINT_OFFSET, sizeof u64);
        if (u64 != rd->fingerprint) return SHMTEL_ERR_CORRUPT;
        memcpy(&u32, e + SHMTEL_RECORD_ENTRY_SLOT_LENGTH_OFFSET, sizeof u32);
        if (u32 != rd->slot_length) return SHMTEL_ERR_CORRUPT;
        memcpy(&u32, e + SHMTEL_RECORD_ENTRY_DEPTH_OFFSET, sizeof u32);
        if (u32 != rd->depth) return SHMTEL_ERR_CORRUPT;
        memcpy(&u32, e + SHMTEL_RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET, sizeof u32);
        if (u32 != rd->payload_length) return SHMTEL_ERR_CORRUPT;
        memcpy(&u32, e + SHMTEL_RECORD_ENTRY_FIELD_COUNT_OFFSET, sizeof u32);
        if (u32 != rd->field_count) return SHMTEL_ERR_CORRUPT;
        memcpy(&u32, e + SHMTEL_RECORD_ENTRY_SYNC_OFFSET, sizeof u32);
        if (u32 != rd->sync) return SHMTEL_ERR_CORRUPT;
    }
    return SHMTEL_OK;
}

/* The owner's identity, epoch and heartbeat period, then a fresh heartbeat and LIVE (release): a reader that
 * sees LIVE sees the words before it (Java's RegionHeader.writeWriterLine). */
static inline void shmtel_write_writer_line_(void *base, uint64_t epoch) {
    int pid = (int)getpid();
    int64_t start = shmtel_process_start_time(pid);
    SHMTEL_STORE_(shmtel_i32_(base, SHMTEL_WRITER_PID_OFFSET), (int32_t)pid, RELAXED);
    SHMTEL_STORE_(shmtel_u64_(base, SHMTEL_WRITER_START_TIME_OFFSET), (uint64_t)start, RELAXED);
    SHMTEL_STORE_(shmtel_u64_(base, SHMTEL_WRITER_EPOCH_OFFSET), epoch, RELAXED);
    SHMTEL_STORE_(shmtel_u64_(base, SHMTEL_HEARTBEAT_PERIOD_OFFSET), SHMTEL_DEFAULT_HEARTBEAT_PERIOD_NS, RELAXED);
    SHMTEL_STORE_(shmtel_u64_(base, SHMTEL_HEARTBEAT_OFFSET), shmtel_now_ns(), RELEASE);
    SHMTEL_STORE_(shmtel_u32_(base, SHMTEL_STATE_OFFSET), SHMTEL_STATE_WORD_LIVE, RELEASE);
}

/* Writes a new region's header, record table and schema text into the zeroed mapping, then the writer line;
 * everything but the format version, which the caller stores last. */
static inline void shmtel_write_header_(void *base, const shmtel_layout_desc_t *d, uint64_t epoch) {
    char *b = (char *)base;
    uint64_t magic = SHMTEL_MAGIC;
    uint32_t table = SHMTEL_RECORD_TABLE_OFFSET;
    uint32_t text_offset = SHMTEL_RECORD_TABLE_OFFSET + d->record_count * SHMTEL_RECORD_ENTRY_LENGTH;
    uint32_t i;
    size_t at = text_offset;
    memcpy(b + SHMTEL_MAGIC_OFFSET, &magic, sizeof magic);
    memcpy(b + SHMTEL_HEADER_LENGTH_OFFSET, &d->header_length, sizeof d->header_length);
    memcpy(b + SHMTEL_REGION_LENGTH_OFFSET, &d->region_length, sizeof d->region_length);
    memcpy(b + SHMTEL_FINGERPRINT_OFFSET, &d->fingerprint, sizeof d->fingerprint);
    memcpy(b + SHMTEL_RECORD_COUNT_OFFSET, &d->record_count, sizeof d->record_count);
    memcpy(b + SHMTEL_RECORD_TABLE_OFFSET_OFFSET, &table, sizeof table);
    memcpy(b + SHMTEL_SCHEMA_TEXT_OFFSET_OFFSET, &text_offset, sizeof text_offset);
    memcpy(b + SHMTEL_SCHEMA_TEXT_LENGTH_OFFSET, &d->schema_text_length, sizeof d->schema_text_length);
    memcpy(b + SHMTEL_SCHEMA_VERSION_OFFSET, &d->schema_version, sizeof d->schema_version);
    for (i = 0; i < d->record_count; i++) {
        const shmtel_record_desc_t *rd = &d->records[i];
        char *e = b + SHMTEL_RECORD_TABLE_OFFSET + (size_t)i * SHMTEL_RECORD_ENTRY_LENGTH;
        size_t n = strlen(rd->name);
        memcpy(e, rd->name, n < SHMTEL_RECORD_ENTRY_NAME_LENGTH ? n : SHMTEL_RECORD_ENTRY_NAME_LENGTH);
        memcpy(e + SHMTEL_RECORD_ENTRY_BLOCK_OFFSET_OFFSET, &rd->block_offset, sizeof rd->block_offset);
        memcpy(e + SHMTEL_RECORD_ENTRY_BLOCK_LENGTH_OFFSET, &rd->block_length, sizeof rd->block_length);
        memcpy(e + SHMTEL_RECORD_ENTRY_FINGERPRINT_OFFSET, &rd->fingerprint, sizeof rd->fingerprint);
        memcpy(e + SHMTEL_RECORD_ENTRY_SLOT_LENGTH_OFFSET, &rd->slot_length, sizeof rd->slot_length);
        memcpy(e + SHMTEL_RECORD_ENTRY_DEPTH_OFFSET, &rd->depth, sizeof rd->depth);
        memcpy(e + SHMTEL_RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET, &rd->payload_length, sizeof rd->payload_length);
        memcpy(e + SHMTEL_RECORD_ENTRY_FIELD_COUNT_OFFSET, &rd->field_count, sizeof rd->field_count);
        memcpy(e + SHMTEL_RECORD_ENTRY_SYNC_OFFSET, &rd->sync, sizeof rd->sync);
    }
    for (i = 0; d->schema_text_parts[i] != NULL; i++) {
        size_t n = strlen(d->schema_text_parts[i]);
        memcpy(b + at, d->schema_text_parts[i], n);
        at += n;
    }
    shmtel_write_writer_line_(base, epoch);
}

/* ---- creating and taking over (docs/format.md, "Creating, taking over and opening") ---- */
#define SHMTEL_ABSENT_ 1   /* no file at the name: create one */
#define SHMTEL_RETRY_ 2    /* busy (a remover) or replaced meanwhile: look again */
#define SHMTEL_REPLACE_ 3  /* a dead writer's file removed under its lock: create one with the next epoch */

/* Meets the file at r->path_: taken over in place (SHMTEL_OK, r filled), ABSENT, RETRY, REPLACE (*old_epoch:
 * the removed file's epoch), or a SHMTEL_ERR_ code (SHMTEL_ERR_OWNED: r->owner_pid). */
static inline int shmtel_region_existing_(shmtel_region_t *r, const shmtel_layout_desc_t *d, uint64_t *old_epoch) {
    int fd = open(r->path_, O_RDWR | O_NONBLOCK | SHMTEL_O_NOFOLLOW_ | O_NOCTTY | SHMTEL_O_CLOEXEC_);
    shmtel_stat_t_ st = {0, 0, 0, 0, 0};
    short type = F_WRLCK;
    void *base;
    int rc, same = 0;
    if (fd < 0) return errno == ENOENT ? SHMTEL_ABSENT_ : shmtel_errno_code_(r, errno);
    rc = shmtel_check_file_(r, fd, 0, &st);
    if (rc != SHMTEL_OK) {
        close(fd);
        return rc;
    }
    if (shmtel_ofd_lock_(fd, SHMTEL_F_OFD_SETLK_, &type) != 0) {
        if (errno != EAGAIN && errno != EACCES) {
            rc = shmtel_errno_code_(r, errno);
        } else {
            type = F_WRLCK;
            if (shmtel_ofd_lock_(fd, SHMTEL_F_OFD_GETLK_, &type) != 0) {
                rc = shmtel_errno_code_(r, errno);
            } else if (type != F_WRLCK) {
                rc = SHMTEL_RETRY_; /* a remover's shared lock, or released between the two calls */
            } else {
                rc = SHMTEL_ERR_OWNED;
                if (st.size >= SHMTEL_PAGE_LENGTH) {
                    base = mmap(NULL, SHMTEL_PAGE_LENGTH, PROT_READ, MAP_SHARED, fd, 0);
                    if (base != MAP_FAILED) {
                        r->owner_pid = SHMTEL_LOAD_(shmtel_i32_(base, SHMTEL_WRITER_PID_OFFSET), ACQUIRE);
                        munmap(base, SHMTEL_PAGE_LENGTH);
                    }
                }
            }
        }
        close(fd);
        return rc;
    }
    if (!shmtel_names_file_(r->path_, &st)) { /* removed or replaced between our open and our lock */
        close(fd);
        return SHMTEL_RETRY_;
    }
    /* We hold the lock: the previous owner is gone (or never finished creating the region). */
    if (st.size >= SHMTEL_PAGE_LENGTH) {
        base = shmtel_map_rw_(fd, (size_t)st.size);
        if (base == MAP_FAILED) {
            rc = shmtel_errno_code_(r, errno);
            close(fd);
            return rc;
        }
        rc = shmtel_region_check_header_(base, (size_t)st.size, d);
        if (rc == SHMTEL_OK || rc == SHMTEL_ERR_FINGERPRINT || rc == SHMTEL_ERR_CORRUPT) {
            *old_epoch = SHMTEL_LOAD_(shmtel_u64_(base, SHMTEL_WRITER_EPOCH_OFFSET), ACQUIRE);
        }
        same = rc == SHMTEL_OK && (st.mode & SHMTEL_GROUP_OR_OTHERS_WRITE_) == 0;
        if (same) {
            /* Reserve the whole file before writing anything: a sparse file on a full file system fails here. */
            if (shmtel_reserve_(fd, st.size) != 0) {
                rc = shmtel_errno_code_(r, errno);
                munmap(base, (size_t)st.size);
                close(fd);
                return rc;
            }
            /* The new epoch before the state word 0 (both release): a reader that finds the lock free and then
             * loads this 0 also loads this epoch, and looks again (the liveness decision). */
            SHMTEL_STORE_(shmtel_u64_(base, SHMTEL_WRITER_EPOCH_OFFSET), *old_epoch + 1, RELEASE);
            SHMTEL_STORE_(shmtel_u32_(base, SHMTEL_STATE_OFFSET), SHMTEL_STATE_WORD_INITIALISING, RELEASE);
            shmtel_write_writer_line_(base, *old_epoch + 1);
            /* a 1.0 or 1.1 region becomes 1.2: this writer wakes sleepers */
            SHMTEL_STORE_(shmtel_u32_(base, SHMTEL_VERSION_OFFSET), SHMTEL_FORMAT_VERSION, RELEASE);
            r->base = base;
            r->length = (size_t)st.size;
            r->fd = fd;
            r->owner = 1;
            r->sleepers = base;
            r->epoch = *old_epoch + 1;
            r->inode_ = st.inode;
            r->device_ = st.device;
            return SHMTEL_OK;
        }
        munmap(base, (size_t)st.size);
    }
    unlink(r->path_); /* still under our lock, and still our file (checked above) */
    close(fd);
    return SHMTEL_REPLACE_;
}

/* Builds the region complete in an unnamed file and links it in: SHMTEL_OK (r filled), SHMTEL_RETRY_ when
 * another writer linked the name first, or a SHMTEL_ERR_ code; the directory is left as it was on failure. */
static inline int shmtel_region_new_(shmtel_region_t *r, const char *name, const shmtel_layout_desc_t *d,
                                     unsigned mode, uint64_t epoch) {
    const char *dir = shmtel_region_dir_();
    size_t temp_length = strlen(dir) + strlen(name) + 64; /* "/.shmtel-tmp.", ".<pid>.<ns>" */
    char *temp = NULL, self[32];
    int fd, rc = SHMTEL_OK;
    short type = F_WRLCK;
    void *base = MAP_FAILED;
    shmtel_stat_t_ st = {0, 0, 0, 0, 0};
    fd = open(dir, O_RDWR | SHMTEL_O_TMPFILE_ | SHMTEL_O_CLOEXEC_, 0600);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        /* no O_TMPFILE here: a hidden name stands in for it, removed again below */
        temp = (char *)malloc(temp_length);
        if (temp == NULL) return shmtel_errno_code_(r, ENOMEM);
        snprintf(temp, temp_length, "%s/.shmtel-tmp.%s.%d.%llu", dir, name, (int)getpid(),
                 (unsigned long long)shmtel_now_ns());
        fd = open(temp, O_RDWR | O_CREAT | O_EXCL | SHMTEL_O_NOFOLLOW_ | SHMTEL_O_CLOEXEC_, 0600);
    }
    if (fd < 0) {
        rc = shmtel_errno_code_(r, errno);
        free(temp);
        return rc;
    }
    if (shmtel_ofd_lock_(fd, SHMTEL_F_OFD_SETLK_, &type) != 0 || shmtel_reserve_(fd, d->region_length) != 0
            || syscall(SYS_fchmod, fd, mode) != 0 || shmtel_fstat_(fd, &st) != 0) {
        rc = shmtel_errno_code_(r, errno);
    }
    if (rc == SHMTEL_OK) {
        base = shmtel_map_rw_(fd, (size_t)d->region_length);
        if (base == MAP_FAILED) rc = shmtel_errno_code_(r, errno);
    }
    if (rc == SHMTEL_OK) {
        shmtel_write_header_(base, d, epoch);
        SHMTEL_STORE_(shmtel_u32_(base, SHMTEL_VERSION_OFFSET), SHMTEL_FORMAT_VERSION, RELEASE); /* last */
        snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
        if (syscall(SYS_linkat, SHMTEL_AT_FDCWD_, self, SHMTEL_AT_FDCWD_, r->path_, SHMTEL_AT_SYMLINK_FOLLOW_) != 0) {
            rc = errno == EEXIST ? SHMTEL_RETRY_ : shmtel_errno_code_(r, errno);
        }
    }
    if (temp != NULL) {
        unlink(temp);
        free(temp);
    }
    if (rc != SHMTEL_OK) {
        if (base != MAP_FAILED) munmap(base, (size_t)d->region_length);
        close(fd); /* an unnamed file vanishes with its last descriptor */
        return rc;
    }
    r->base = base;
    r->length = (size_t)d->region_length;
    r->fd = fd;
    r->owner = 1;
    r->sleepers = base;
    r->epoch = epoch;
    r->inode_ = st.inode;
    r->device_ = st.device;
    return SHMTEL_OK;
}

/* <schema>_region_create: creates region name of layout d in $SHMTEL_DIR or /dev/shm with mode (0600, or 0640
 * for a reader group), or takes a dead writer's region of that name over in place (same layout: epoch + 1, the
 * sample numbering continues), or replaces a dead writer's region of another layout or an unreadable one (next
 * epoch). SHMTEL_OK (r owns it: beat it, close it) or a SHMTEL_ERR_ code (r->owner_pid, r->sys_errno). */
static inline int shmtel_region_create_(shmtel_region_t *r, const char *name, unsigned mode,
                                        const shmtel_layout_desc_t *d) {
    uint64_t previous_epoch = 0, old_epoch, deadline;
    int attempts = 0, rc;
    if (r == NULL || d == NULL) return SHMTEL_ERR_ARGUMENT;
    rc = shmtel_region_init_(r, name);
    if (rc == SHMTEL_OK && ((mode & ~SHMTEL_PERMISSION_BITS_) != 0 || (mode & SHMTEL_GROUP_OR_OTHERS_WRITE_) != 0
            || (mode & SHMTEL_OWNER_READ_WRITE_) != SHMTEL_OWNER_READ_WRITE_)) {
        rc = SHMTEL_ERR_MODE;
    }
    deadline = shmtel_now_ns() + SHMTEL_CREATE_GIVE_UP_NS;
    while (rc == SHMTEL_OK) {
        attempts++;
        old_epoch = 0;
        rc = shmtel_region_existing_(r, d, &old_epoch);
        if (rc == SHMTEL_OK) {
            r->layout_ = d;
            return SHMTEL_OK;
        }
        if (rc < 0) break;
        if (old_epoch > previous_epoch) previous_epoch = old_epoch;
        if (rc != SHMTEL_RETRY_) {
            rc = shmtel_region_new_(r, name, d, mode, previous_epoch + 1);
            if (rc == SHMTEL_OK) {
                r->layout_ = d;
                return SHMTEL_OK;
            }
            if (rc < 0) break;
            /* lost the race for the name: look at the winner's file */
        } else {
            shmtel_sleep_ns_(SHMTEL_CREATE_RETRY_PAUSE_NS);
        }
        if (attempts > SHMTEL_CREATE_MIN_ATTEMPTS && shmtel_now_ns() > deadline) {
            r->sys_errno = EBUSY; /* other processes keep creating and removing it */
            rc = SHMTEL_ERR_SYSTEM;
            break;
        }
        rc = SHMTEL_OK;
    }
    free(r->path_);
    r->path_ = NULL;
    return rc;
}

/* ---- opening for reading ---- */
/* <schema>_region_open: opens region name of layout d read-only (waiting up to 2 s while it is being created)
 * and checks magic, major version, fingerprint, lengths and record table. SHMTEL_OK or a SHMTEL_ERR_ code. */
static inline int shmtel_region_open_(shmtel_region_t *r, const char *name, const shmtel_layout_desc_t *d) {
    shmtel_stat_t_ st = {0, 0, 0, 0, 0};
    uint64_t deadline;
    void *base = MAP_FAILED;
    int fd, rc;
    if (r == NULL || d == NULL) return SHMTEL_ERR_ARGUMENT;
    rc = shmtel_region_init_(r, name);
    if (rc != SHMTEL_OK) return rc;
    fd = open(r->path_, O_RDONLY | O_NONBLOCK | SHMTEL_O_NOFOLLOW_ | O_NOCTTY | SHMTEL_O_CLOEXEC_);
    if (fd < 0) {
        rc = shmtel_errno_code_(r, errno);
    } else {
        rc = shmtel_check_file_(r, fd, 1, &st);
    }
    deadline = shmtel_now_ns() + SHMTEL_OPEN_WAIT_NS;
    while (rc == SHMTEL_OK && st.size == 0 && shmtel_now_ns() < deadline) {
        shmtel_sleep_ns_(SHMTEL_CREATION_POLL_NS);
        if (shmtel_fstat_(fd, &st) != 0) rc = shmtel_errno_code_(r, errno);
    }
    if (rc == SHMTEL_OK && st.size == 0) rc = SHMTEL_ERR_INITIALISING;
    if (rc == SHMTEL_OK && st.size < SHMTEL_PAGE_LENGTH) rc = SHMTEL_ERR_CORRUPT;
    if (rc == SHMTEL_OK) {
        base = mmap(NULL, (size_t)st.size, PROT_READ, MAP_SHARED, fd, 0);
        if (base == MAP_FAILED) rc = shmtel_errno_code_(r, errno);
    }
    while (rc == SHMTEL_OK && SHMTEL_LOAD_(shmtel_u32_(base, SHMTEL_VERSION_OFFSET), ACQUIRE) == 0) {
        if (shmtel_now_ns() >= deadline) rc = SHMTEL_ERR_INITIALISING;
        else shmtel_sleep_ns_(SHMTEL_CREATION_POLL_NS);
    }
    if (rc == SHMTEL_OK) rc = shmtel_region_check_header_(base, (size_t)st.size, d);
    if (rc != SHMTEL_OK) {
        if (base != MAP_FAILED) munmap(base, (size_t)st.size);
        if (fd >= 0) close(fd);
        free(r->path_);
        r->path_ = NULL;
        return rc;
    }
    r->base = base;
    r->length = (size_t)st.size;
    r->fd = fd;
    r->owner = 0;
    r->layout_ = d;
    r->epoch = SHMTEL_LOAD_(shmtel_u64_(base, SHMTEL_WRITER_EPOCH_OFFSET), ACQUIRE);
    r->inode_ = st.inode;
    r->device_ = st.device;
    /* The sleeper words are the only words readers write: a second, writable mapping of the very file the
     * descriptor holds, when this user may write it (else _wait polls). */
    base = shmtel_map_rw_(fd, r->length);
    r->sleepers = base == MAP_FAILED ? NULL : base;
    return SHMTEL_OK;
}

/* ---- owning: the heartbeat, the state, the close ---- */
/* Owner: stores a fresh heartbeat (CLOCK_MONOTONIC ns, release). Call it at least once per heartbeat period
 * (100 ms unless shmtel_region_set_heartbeat_period said otherwise), or let shmtel_region_start_heartbeat do. */
static inline int shmtel_region_beat(shmtel_region_t *r) {
    if (r == NULL || r->base == NULL) return SHMTEL_ERR_CLOSED;
    if (!r->owner) return SHMTEL_ERR_ARGUMENT;
    SHMTEL_STORE_(shmtel_u64_(r->base, SHMTEL_HEARTBEAT_OFFSET), shmtel_now_ns(), RELEASE);
    return SHMTEL_OK;
}

/* Owner: beat every period_ns from now on (readers read the period from the header: a writer that beats less
 * often than it says is STALLED after 5 periods). */
static inline int shmtel_region_set_heartbeat_period(shmtel_region_t *r, uint64_t period_ns) {
    if (r == NULL || r->base == NULL) return SHMTEL_ERR_CLOSED;
    if (!r->owner || period_ns == 0) return SHMTEL_ERR_ARGUMENT;
    SHMTEL_STORE_(shmtel_u64_(r->base, SHMTEL_HEARTBEAT_PERIOD_OFFSET), period_ns, RELAXED);
    return shmtel_region_beat(r);
}

/* The heartbeat thread's own state (not in the region struct, so that the struct may move while it runs). */
struct shmtel_heartbeat_ {
    uint32_t stop; /* the futex word close wakes the thread with */
    void *base;
    pthread_t thread;
};

static inline void *shmtel_heartbeat_main_(void *arg) {
    struct shmtel_heartbeat_ *h = (struct shmtel_heartbeat_ *)arg;
    struct timespec ts;
    uint64_t period;
    while (SHMTEL_LOAD_(&h->stop, ACQUIRE) == 0) {
        SHMTEL_STORE_(shmtel_u64_(h->base, SHMTEL_HEARTBEAT_OFFSET), shmtel_now_ns(), RELEASE);
        period = SHMTEL_LOAD_(shmtel_u64_(h->base, SHMTEL_HEARTBEAT_PERIOD_OFFSET), RELAXED);
        ts.tv_sec = (time_t)(period / UINT64_C(1000000000));
        ts.tv_nsec = (long)(period % UINT64_C(1000000000));
        syscall(SYS_futex, &h->stop, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0); /* a period, or until close */
    }
    return NULL;
}

/* Owner: starts a thread that beats every heartbeat period until shmtel_region_close (which stops it at once).
 * SHMTEL_OK (also when one runs already) or SHMTEL_ERR_SYSTEM. Link with -pthread. */
static inline int shmtel_region_start_heartbeat(shmtel_region_t *r) {
    struct shmtel_heartbeat_ *h;
    int rc;
    if (r == NULL || r->base == NULL) return SHMTEL_ERR_CLOSED;
    if (!r->owner) return SHMTEL_ERR_ARGUMENT;
    if (r->heartbeat_ != NULL) return SHMTEL_OK;
    h = (struct shmtel_heartbeat_ *)calloc(1, sizeof *h);
    if (h == NULL) return shmtel_errno_code_(r, ENOMEM);
    h->base = r->base;
    rc = pthread_create(&h->thread, NULL, shmtel_heartbeat_main_, h);
    if (rc != 0) {
        free(h);
        return shmtel_errno_code_(r, rc);
    }
    r->heartbeat_ = h;
    return SHMTEL_OK;
}

/* The liveness decision on the file behind fd, mapped (at least its first page) at base: the epoch, the state word,
 * the lock probe (F_OFD_GETLK, F_RDLCK), the state word and the epoch again; an owner asks about itself (its
 * heartbeat's age). */
static inline int shmtel_decide_state_(int fd, const void *base, int owner) {
    uint64_t epoch, period, age;
    int attempt;
    short type;
    for (attempt = 0; attempt < SHMTEL_MAX_STATE_ATTEMPTS; attempt++) {
        epoch = SHMTEL_LOAD_(shmtel_u64_(base, SHMTEL_WRITER_EPOCH_OFFSET), ACQUIRE);
        if (SHMTEL_LOAD_(shmtel_u32_(base, SHMTEL_STATE_OFFSET), ACQUIRE) == SHMTEL_STATE_WORD_CLOSED) {
            return SHMTEL_CLOSED;
        }
        type = F_RDLCK; /* only a writer's exclusive lock conflicts, not a remover's shared one */
        if (!owner && shmtel_ofd_lock_(fd, SHMTEL_F_OFD_GETLK_, &type) != 0) return SHMTEL_ERR_SYSTEM;
        if (owner || type != F_UNLCK) {
            period = SHMTEL_LOAD_(shmtel_u64_(base, SHMTEL_HEARTBEAT_PERIOD_OFFSET), RELAXED);
            age = shmtel_now_ns() - SHMTEL_LOAD_(shmtel_u64_(base, SHMTEL_HEARTBEAT_OFFSET), ACQUIRE);
            if (period == 0) period = 1;
            return (int64_t)age > 0 && age > SHMTEL_STALLED_AFTER_PERIODS * period ? SHMTEL_STALLED : SHMTEL_LIVE;
        }
        if (SHMTEL_LOAD_(shmtel_u32_(base, SHMTEL_STATE_OFFSET), ACQUIRE) == SHMTEL_STATE_WORD_CLOSED) {
            return SHMTEL_CLOSED; /* closed between the first load and the probe */
        }
        if (SHMTEL_LOAD_(shmtel_u64_(base, SHMTEL_WRITER_EPOCH_OFFSET), ACQUIRE) == epoch) {
            return SHMTEL_WRITER_DEAD;
        }
        /* a writer took the region over meanwhile: look again */
    }
    return SHMTEL_WRITER_DEAD;
}

/* The state of the file now at r's name, which is not the file r maps: as a fresh reader would open it (regular,
 * this user's, not writable by group or others, a complete region of r's layout), the liveness decision on a
 * mapping made and dropped here; SHMTEL_WAITING when it is not one a reader of this layout could open (Java's
 * subscriber, which cannot attach it, says WAITING too). r itself is left as it is. */
static inline int shmtel_new_file_state_(const shmtel_region_t *r) {
    shmtel_region_t scratch; /* shmtel_check_file_ keeps an errno there */
    shmtel_stat_t_ st = {0, 0, 0, 0, 0};
    void *base;
    int state = SHMTEL_WAITING;
    int fd = open(r->path_, O_RDONLY | O_NONBLOCK | SHMTEL_O_NOFOLLOW_ | O_NOCTTY | SHMTEL_O_CLOEXEC_);
    if (fd < 0) return SHMTEL_WAITING;
    memset(&scratch, 0, sizeof scratch);
    if (r->layout_ != NULL && shmtel_check_file_(&scratch, fd, 1, &st) == SHMTEL_OK
            && st.size >= SHMTEL_PAGE_LENGTH) {
        base = mmap(NULL, (size_t)st.size, PROT_READ, MAP_SHARED, fd, 0);
        if (base != MAP_FAILED) {
            if (shmtel_region_check_header_(base, (size_t)st.size, r->layout_) == SHMTEL_OK) {
                state = shmtel_decide_state_(fd, base, 0);
            }
            munmap(base, (size_t)st.size);
        }
    }
    close(fd);
    return state;
}

/* The writer's state as docs/format.md decides it: SHMTEL_LIVE, _STALLED, _WRITER_DEAD, _CLOSED, _WAITING (no
 * file at the name), _CORRUPT (the file is shorter than the mapping: unmap it, never touch it again), or a
 * negative SHMTEL_ERR_ code. A reader whose file's writer is gone (WRITER_DEAD, CLOSED) while the name refers to
 * another file reports that file's state, as Java's and Python's readers, which follow the new file, do
 * (SHMTEL_WAITING when it is not a region of this layout); shmtel_region_replaced then says 1: reopen the name to
 * read the new file. */
static inline int shmtel_region_state(const shmtel_region_t *r) {
    shmtel_stat_t_ st = {0, 0, 0, 0, 0};
    shmtel_stat_t_ named = {0, 0, 0, 0, 0};
    int state, named_ok;
    if (r == NULL || r->base == NULL || r->path_ == NULL) return SHMTEL_ERR_CLOSED;
    named_ok = shmtel_statx_(SHMTEL_AT_FDCWD_, r->path_, SHMTEL_AT_SYMLINK_NOFOLLOW_, &named) == 0;
    if (!named_ok && errno == ENOENT) return SHMTEL_WAITING;
    if (shmtel_fstat_(r->fd, &st) != 0) return SHMTEL_ERR_SYSTEM;
    if (st.size < r->length) return SHMTEL_CORRUPT;
    state = shmtel_decide_state_(r->fd, r->base, r->owner);
    if (!r->owner && named_ok && (state == SHMTEL_WRITER_DEAD || state == SHMTEL_CLOSED)
            && (named.inode != r->inode_ || named.device != r->device_)) {
        return shmtel_new_file_state_(r);
    }
    return state;
}

/* 1 when the region's name no longer refers to the file r maps (removed, or replaced by a writer that could not
 * take it over in place: another layout, a group-writable file), else 0: a reader then closes and opens the name
 * again (a new file's samples number from 0), as Java's readers follow a new inode. SHMTEL_ERR_CLOSED when closed. */
static inline int shmtel_region_replaced(const shmtel_region_t *r) {
    shmtel_stat_t_ st = {0, 0, 0, 0, 0};
    if (r == NULL || r->base == NULL || r->path_ == NULL) return SHMTEL_ERR_CLOSED;
    st.inode = r->inode_;
    st.device = r->device_;
    return !shmtel_names_file_(r->path_, &st);
}

/* Owner: wakes every reader asleep on the region's records (docs/format.md, checklist rule 13): on each record's
 * published count, and on a mailbox's state word. Unconditionally (a close is rare): one FUTEX_WAKE per word. */
static inline void shmtel_region_wake_all_(void *base, const shmtel_layout_desc_t *d) {
    uint32_t i;
    for (i = 0; i < d->record_count; i++) {
        char *block = (char *)base + d->records[i].block_offset;
        syscall(SYS_futex, (uint32_t *)(void *)(block + SHMTEL_PUBLISHED_OFFSET), FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
        if (d->records[i].sync == SHMTEL_SYNC_MAILBOX) {
            syscall(SYS_futex, (uint32_t *)(void *)(block + SHMTEL_MAILBOX_STATE_OFFSET), FUTEX_WAKE, INT_MAX, NULL,
                    NULL, 0);
        }
    }
}

/* Owner: stops the heartbeat thread, stores CLOSED (release; not into a truncated file), then releases the lock
 * by closing the descriptor (the mapping was made through another open of the file: the lock goes at once),
 * wakes every record's sleepers (a reader asleep in _wait returns 0 and finds CLOSED), and unmaps. Reader:
 * unmaps and closes. Either way r is left closed (fd -1); a second close does nothing. */
static inline void shmtel_region_close(shmtel_region_t *r) {
    shmtel_stat_t_ st = {0, 0, 0, 0, 0};
    int closed = 0;
    if (r == NULL) return;
    if (r->heartbeat_ != NULL) {
        SHMTEL_STORE_(&r->heartbeat_->stop, 1u, RELEASE);
        syscall(SYS_futex, &r->heartbeat_->stop, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
        pthread_join(r->heartbeat_->thread, NULL);
        free(r->heartbeat_);
        r->heartbeat_ = NULL;
    }
    if (r->owner && r->base != NULL && r->fd >= 0 && shmtel_fstat_(r->fd, &st) == 0 && st.size >= r->length) {
        SHMTEL_STORE_(shmtel_u32_(r->base, SHMTEL_STATE_OFFSET), SHMTEL_STATE_WORD_CLOSED, RELEASE);
        closed = 1;
    }
    if (r->fd >= 0) close(r->fd); /* the owner's lock goes with it, after CLOSED */
    if (closed && r->layout_ != NULL) shmtel_region_wake_all_(r->base, r->layout_); /* after the unlock */
    if (r->sleepers != NULL && r->sleepers != r->base) munmap(r->sleepers, r->length);
    if (r->base != NULL) munmap(r->base, r->length);
    free(r->path_);
    r->path_ = NULL;
    r->base = NULL;
    r->sleepers = NULL;
    r->fd = -1;
}
#endif /* SHMTEL_REGION_1_DEFINED */
/* CGenerator: region end */
