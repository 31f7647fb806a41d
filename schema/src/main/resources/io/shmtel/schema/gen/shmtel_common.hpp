/* shmtel_common.hpp: the part of every generated shmtel C++ header (<schema>.hpp) that is the same for every
 * schema: RAII owners and readers over the C layer of <schema>.h (shmtel::Region, Publisher, Reader,
 * MailboxSender, MailboxConsumer), the writer states, and the errors. CppGenerator copies the lines between the
 * "CppGenerator: begin" and "CppGenerator: end" markers into each <schema>.hpp, after its #include of <schema>.h
 * and before the schema's own part (its namespace, and a shmtel::record_traits specialisation per record that maps
 * the record's C struct to its C functions). The text is guarded, so several schemas' headers go in one program.
 *
 * Kept as C++ so it reads as C++; it needs the declarations of a generated <schema>.h, so CppGeneratorTest compiles
 * it through the generated headers (g++ and clang++, -std=c++17 and -std=c++20, -Wall -Wextra -Werror -pedantic,
 * with and without -fno-exceptions). The API is described in docs/cpp.md. */
/* CppGenerator: begin */
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#ifndef SHMTEL_CPP_1_DEFINED
#define SHMTEL_CPP_1_DEFINED
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#define SHMTEL_CPP_EXCEPTIONS_ 1 /* the throwing create/open exist; without exceptions only the int ones */
#else
#define SHMTEL_CPP_EXCEPTIONS_ 0
#endif

namespace shmtel {

/* The writer state of a region (docs/format.md), the numbers of the C SHMTEL_WAITING ... SHMTEL_CORRUPT. */
enum class State : int {
    WAITING = SHMTEL_WAITING,
    LIVE = SHMTEL_LIVE,
    STALLED = SHMTEL_STALLED,
    WRITER_DEAD = SHMTEL_WRITER_DEAD,
    CLOSED = SHMTEL_CLOSED,
    CORRUPT = SHMTEL_CORRUPT
};

/* The state's name as the other languages print it: "LIVE", "WRITER_DEAD", ... */
inline const char *to_string(State state) noexcept {
    switch (state) {
    case State::WAITING: return "WAITING";
    case State::LIVE: return "LIVE";
    case State::STALLED: return "STALLED";
    case State::WRITER_DEAD: return "WRITER_DEAD";
    case State::CLOSED: return "CLOSED";
    case State::CORRUPT: return "CORRUPT";
    }
    return "UNKNOWN";
}

/* The text of SHMTEL_OK or a SHMTEL_ERR_ code (shmtel_strerror; not named strerror, which a program that says
 * "using namespace shmtel" would then call ambiguously with ::strerror). */
inline const char *error_text(int code) noexcept {
    return shmtel_strerror(code);
}

/* What a region create or open failed with: code() is the SHMTEL_ERR_ code, what() says the region, the call,
 * shmtel_strerror's text and, where the C layer set them, the live writer's pid or the system call's errno. */
class Error : public std::runtime_error {
public:
    Error(int code, const std::string &message) : std::runtime_error(message), code_(code) {}
    int code() const noexcept { return code_; }

private:
    int code_;
};

/* Maps a record's C struct type to its schema, name, block and C functions; <schema>.hpp specialises it. */
template <typename T>
struct record_traits;

namespace detail {
/* The text of an Error: "shmtel: cannot create region \"arm\": <strerror> (...)". */
inline std::string describe(const char *action, const char *name, int code, const shmtel_region_t &r) {
    std::string text = std::string("shmtel: cannot ") + action + " region \"" + (name ? name : "(null)") + "\": "
            + shmtel_strerror(code);
    if (code == SHMTEL_ERR_OWNED) {
        text += " (writer pid " + std::to_string(r.owner_pid) + ")";
    } else if (code == SHMTEL_ERR_SYSTEM) {
        text += " (errno " + std::to_string(r.sys_errno) + ": " + std::strerror(r.sys_errno) + ")";
    }
    return text;
}

/* The published count of record T in the region mapped at base (acquire). */
template <typename T>
inline std::uint64_t published(const void *base) noexcept {
    return SHMTEL_LOAD_(shmtel_u64_(static_cast<const char *>(base) + record_traits<T>::BLOCK_OFFSET,
                                    SHMTEL_PUBLISHED_OFFSET), ACQUIRE);
}
} /* namespace detail */

/* A sample's index in its record's stream and the timestamp its writer gave it. */
struct SampleInfo {
    std::uint64_t index;
    std::uint64_t timestamp_ns;
};

/* A region of schema S, created (this process is its writer) or opened for reading; closes in its destructor
 * (owner: state CLOSED, heartbeat thread stopped, lock released; reader: unmapped). Move-only. The C region lives
 * on the heap, so Publishers and Readers made from a Region stay valid when it moves; it must outlive them. */
template <typename S>
class Region {
public:
    Region() noexcept = default;
    Region(const Region &) = delete;
    Region &operator=(const Region &) = delete;
    Region(Region &&other) noexcept : r_(other.r_), open_(other.open_) {
        other.r_ = nullptr;
        other.open_ = false;
    }
    Region &operator=(Region &&other) noexcept {
        if (this != &other) {
            release();
            r_ = other.r_;
            open_ = other.open_;
            other.r_ = nullptr;
            other.open_ = false;
        }
        return *this;
    }
    ~Region() { release(); }

    /* Creates (or takes over from a dead writer) region `name` in $SHMTEL_DIR or /dev/shm with file mode `mode`,
     * into `out` (closing what it held). SHMTEL_OK, or a negative SHMTEL_ERR_ code (out is then not open, and
     * owner_pid() / sys_errno() tell more). Never throws: for programs built with -fno-exceptions. */
    static int create(Region &out, const char *name, unsigned mode = 0600) noexcept {
        return out.attach(name, mode, true);
    }
    /* Opens region `name` for reading into `out`, as create. */
    static int open(Region &out, const char *name) noexcept { return out.attach(name, 0, false); }

#if SHMTEL_CPP_EXCEPTIONS_
    /* As create(Region&, ...), throwing shmtel::Error on failure. */
    static Region create(const char *name, unsigned mode = 0600) {
        Region region;
        region.check(create(region, name, mode), "create", name);
        return region;
    }
    /* As open(Region&, ...), throwing shmtel::Error on failure. */
    static Region open(const char *name) {
        Region region;
        region.check(open(region, name), "open", name);
        return region;
    }
#endif

    bool is_open() const noexcept { return open_; }
    explicit operator bool() const noexcept { return open_; }
    /* True when this process created the region (its writer). */
    bool owner() const noexcept { return open_ && r_->owner != 0; }
    /* The mapping, for the C functions of <schema>.h; nullptr when not open. */
    void *base() const noexcept { return open_ ? r_->base : nullptr; }
    /* The C region, for the C functions that take one (nullptr before the first create or open). */
    shmtel_region_t *c_region() const noexcept { return r_; }
    std::uint64_t epoch() const noexcept { return r_ ? r_->epoch : 0; }
    /* After SHMTEL_ERR_OWNED: the live writer's pid. */
    std::int32_t owner_pid() const noexcept { return r_ ? r_->owner_pid : 0; }
    /* After SHMTEL_ERR_SYSTEM: the errno of the failed system call. */
    int sys_errno() const noexcept { return r_ ? r_->sys_errno : 0; }

    /* shmtel_region_state: a State's number, or a negative SHMTEL_ERR_ code (SHMTEL_ERR_CLOSED when not open). */
    int state_code() const noexcept { return open_ ? shmtel_region_state(r_) : SHMTEL_ERR_CLOSED; }
    /* The writer state; CORRUPT when it cannot be read (state_code() says why). */
    State state() const noexcept {
        int code = state_code();
        return code >= 0 ? static_cast<State>(code) : State::CORRUPT;
    }
    /* Owner: stores the heartbeat now (call it at least every heartbeat period, or start_heartbeat()). */
    int beat() noexcept { return open_ ? shmtel_region_beat(r_) : SHMTEL_ERR_CLOSED; }
    /* Owner: beat every `period` from now on (100 ms unless set; readers say STALLED after 5 periods unbeaten). */
    int set_heartbeat_period(std::chrono::nanoseconds period) noexcept {
        std::int64_t ns = period.count();
        return open_ ? shmtel_region_set_heartbeat_period(r_, ns > 0 ? static_cast<std::uint64_t>(ns) : 0)
                     : SHMTEL_ERR_CLOSED;
    }
    /* Owner: a thread that beats every period until close. */
    int start_heartbeat() noexcept { return open_ ? shmtel_region_start_heartbeat(r_) : SHMTEL_ERR_CLOSED; }
    /* Closes now (the destructor does it otherwise): owner: CLOSED; reader: unmapped. */
    void close() noexcept {
        if (open_) {
            open_ = false;
            shmtel_region_close(r_);
        }
    }

private:
    int attach(const char *name, unsigned mode, bool create) noexcept {
        release();
        r_ = new (std::nothrow) shmtel_region_t();
        if (r_ == nullptr) {
            return SHMTEL_ERR_SYSTEM;
        }
        int code = create ? S::create(r_, name, mode) : S::open(r_, name);
        open_ = code == SHMTEL_OK;
        return code;
    }
#if SHMTEL_CPP_EXCEPTIONS_
    void check(int code, const char *action, const char *name) const {
        if (code != SHMTEL_OK) {
            shmtel_region_t none = shmtel_region_t();
            throw Error(code, detail::describe(action, name, code, r_ ? *r_ : none));
        }
    }
#endif
    void release() noexcept {
        close();
        delete r_;
        r_ = nullptr;
    }

    shmtel_region_t *r_ = nullptr;
    bool open_ = false;
};

/* Publishes samples of ring record T into a region this process created. Move-only, as the record has one
 * writer: keep one Publisher per record (publish is not safe from two threads at once). Empty (false, publish
 * returns NOT_PUBLISHED and touches nothing) when made from a region this process does not own. */
template <typename T>
class Publisher {
    using traits = record_traits<T>;
    static_assert(!traits::MAILBOX, "a mailbox record has no Publisher: use shmtel::MailboxSender");

public:
    /* What publish returns from an empty Publisher. */
    static constexpr std::uint64_t NOT_PUBLISHED = UINT64_MAX;

    explicit Publisher(Region<typename traits::schema> &region) noexcept
        : base_(region.owner() ? region.base() : nullptr) {}
    Publisher(const Publisher &) = delete;
    Publisher &operator=(const Publisher &) = delete;
    Publisher(Publisher &&other) noexcept : base_(other.base_) { other.base_ = nullptr; }
    Publisher &operator=(Publisher &&other) noexcept {
        if (this != &other) {
            base_ = other.base_;
            other.base_ = nullptr;
        }
        return *this;
    }

    explicit operator bool() const noexcept { return base_ != nullptr; }

    /* Publishes sample stamped with the monotonic clock now; returns its sample index. No allocation. */
    std::uint64_t publish(const T &sample) noexcept { return publish(sample, shmtel_now_ns()); }
    std::uint64_t publish(const T &sample, std::uint64_t timestamp_ns) noexcept {
        return base_ != nullptr ? traits::publish(base_, &sample, timestamp_ns) : NOT_PUBLISHED;
    }

private:
    void *base_;
};

/* Reads record T of a region: latest() the newest sample, next() every sample in order with a lost count, wait()
 * asleep until the writer publishes (futex wake-on-publish). The stream starts as a Java Subscriber's: at the
 * newest complete sample at the first next(), or where seek_to_oldest() / seek_to_newest() put it. Copyable (each
 * copy has its own position); no call allocates or throws. Made from a region that is not open, it reads nothing
 * (latest and next false, wait SHMTEL_ERR_CLOSED). */
template <typename T>
class Reader {
    using traits = record_traits<T>;

public:
    explicit Reader(const Region<typename traits::schema> &region) noexcept
        : base_(region.base()), sleepers_(region.owner() ? region.base() : region.is_open()
                                                  ? region.c_region()->sleepers : nullptr) {}

    /* Copies the newest complete sample into out: true; false when nothing is published yet (or the writer
     * overwrote the newest slot during every attempt: call again). */
    bool latest(T &out) noexcept {
        return base_ != nullptr && traits::read_latest(base_, &out, nullptr, nullptr) == 1;
    }
    bool latest(T &out, SampleInfo &info) noexcept {
        return base_ != nullptr && traits::read_latest(base_, &out, &info.index, &info.timestamp_ns) == 1;
    }

    /* Copies the next sample of the stream into out: true, and lost grows by the samples skipped since the
     * previous one (overwritten before they were read); false when there is none yet. */
    bool next(T &out, std::uint64_t &lost) noexcept {
        SampleInfo info;
        return next(out, lost, info);
    }
    bool next(T &out, std::uint64_t &lost, SampleInfo &info) noexcept {
        static_assert(!traits::MAILBOX, "a mailbox record is read with latest() or taken with MailboxConsumer");
        start();
        if (base_ == nullptr) {
            return false;
        }
        seen_ = published_count(); /* before the look at the slot: what wait() compares with */
        return traits::read_next(base_, &cursor_, &out, &info.index, &info.timestamp_ns, &lost) == 1;
    }

    /* Sleeps until a sample next() would deliver is published: 1 (at once when there is one), 0 after timeout
     * (or when the writer closed the region meanwhile), or a negative SHMTEL_ERR_ code. It sleeps on the published
     * count the last next() saw before it looked, never on the cursor: a cursor past the published count (a writer
     * that died between completing a sample and counting it) sleeps until a writer publishes, it does not spin. */
    int wait(std::chrono::nanoseconds timeout) noexcept {
        static_assert(!traits::MAILBOX, "a mailbox record is read with latest() or taken with MailboxConsumer");
        if (base_ == nullptr) {
            return SHMTEL_ERR_CLOSED;
        }
        start();
        if (cursor_ < published_count()) {
            return 1; /* next() has a sample (or one to count lost) now */
        }
        std::int64_t ns = timeout.count();
        return traits::wait(base_, sleepers_, seen_, ns > 0 ? static_cast<std::uint64_t>(ns) : 0);
    }

    /* The stream goes on with the oldest sample the ring still holds. */
    void seek_to_oldest() noexcept {
        std::uint64_t p = published_count();
        cursor_ = p > traits::DEPTH ? p - traits::DEPTH : 0;
        seen_ = cursor_;
        started_ = true;
    }
    /* The stream goes on with the first sample published after this call. */
    void seek_to_newest() noexcept {
        cursor_ = published_count();
        seen_ = cursor_;
        started_ = true;
    }
    /* The samples published so far (the next index the writer gives). */
    std::uint64_t published_count() const noexcept { return base_ != nullptr ? detail::published<T>(base_) : 0; }

private:
    void start() noexcept {
        if (!started_) {
            std::uint64_t p = published_count();
            cursor_ = p > 0 ? p - 1 : 0;
            seen_ = cursor_;
            started_ = true;
        }
    }

    const void *base_;
    void *sleepers_; /* the writable mapping where a sleeping reader registers, or nullptr: wait() then polls */
    std::uint64_t cursor_ = 0;
    std::uint64_t seen_ = 0; /* the published count loaded before next()'s last look: what wait() sleeps on */
    bool started_ = false;
};

/* The sending end of mailbox record T: this process created the region (its single writer) and offers one
 * message at a time, each taken once and answered once (docs/format.md). Move-only; empty (false, calls return
 * SHMTEL_ERR_CLOSED) when made from a region this process does not own. */
template <typename T>
class MailboxSender {
    using traits = record_traits<T>;
    static_assert(traits::MAILBOX, "a ring record is written with shmtel::Publisher");

public:
    explicit MailboxSender(Region<typename traits::schema> &region) noexcept
        : base_(region.owner() ? region.base() : nullptr) {}
    MailboxSender(const MailboxSender &) = delete;
    MailboxSender &operator=(const MailboxSender &) = delete;
    MailboxSender(MailboxSender &&other) noexcept : base_(other.base_) { other.base_ = nullptr; }
    MailboxSender &operator=(MailboxSender &&other) noexcept {
        if (this != &other) {
            base_ = other.base_;
            other.base_ = nullptr;
        }
        return *this;
    }

    explicit operator bool() const noexcept { return base_ != nullptr; }

    /* Puts message into the empty mailbox: 1 (message_index set), 0 while the previous one is unanswered, or a
     * negative SHMTEL_ERR_ code. */
    int offer(const T &message, std::uint64_t &message_index) noexcept {
        return base_ != nullptr ? traits::offer(base_, &message, shmtel_now_ns(), &message_index) : SHMTEL_ERR_CLOSED;
    }
    /* 1 when the last message is answered (or none is pending), code set: 0 done, 1 or more the consumer's error,
     * SHMTEL_MAILBOX_CODE_CONSUMER_DIED; 0 while it waits or is held; or a negative SHMTEL_ERR_ code. */
    int poll_answer(std::int32_t &code) noexcept {
        return base_ != nullptr ? traits::poll_answer(base_, &code) : SHMTEL_ERR_CLOSED;
    }

private:
    void *base_;
};

/* The consuming end of mailbox record T, in a process that opened the region: takes each message once and
 * answers it. It needs the region's writable mapping (Region::c_region()->sleepers): without one (a file this
 * user cannot write) it is empty (false, calls return SHMTEL_ERR_PERMISSION). Move-only. */
template <typename T>
class MailboxConsumer {
    using traits = record_traits<T>;
    static_assert(traits::MAILBOX, "a ring record is read with shmtel::Reader");

public:
    explicit MailboxConsumer(Region<typename traits::schema> &region) noexcept
        : base_(region.is_open() ? (region.owner() ? region.base() : region.c_region()->sleepers) : nullptr) {}
    MailboxConsumer(const MailboxConsumer &) = delete;
    MailboxConsumer &operator=(const MailboxConsumer &) = delete;
    MailboxConsumer(MailboxConsumer &&other) noexcept : base_(other.base_) { other.base_ = nullptr; }
    MailboxConsumer &operator=(MailboxConsumer &&other) noexcept {
        if (this != &other) {
            base_ = other.base_;
            other.base_ = nullptr;
        }
        return *this;
    }

    explicit operator bool() const noexcept { return base_ != nullptr; }

    /* Takes the message into out: 1 (message_index set; answer it), 0 when there is none to take, or a negative
     * SHMTEL_ERR_ code. */
    int take(T &out, std::uint64_t &message_index) noexcept {
        return base_ != nullptr ? traits::take(base_, &out, &message_index, nullptr) : SHMTEL_ERR_PERMISSION;
    }
    int take(T &out, std::uint64_t &message_index, std::uint64_t &timestamp_ns) noexcept {
        return base_ != nullptr ? traits::take(base_, &out, &message_index, &timestamp_ns) : SHMTEL_ERR_PERMISSION;
    }
    /* Answers the message taken: code 0 done, 1 or more an error the sender reads back. SHMTEL_OK or a negative
     * SHMTEL_ERR_ code (SHMTEL_ERR_NOT_HELD: someone answered it for this process, taken for dead). */
    int answer(std::uint64_t message_index, std::int32_t code) noexcept {
        return base_ != nullptr ? traits::answer(base_, message_index, code) : SHMTEL_ERR_PERMISSION;
    }
    /* Answers SHMTEL_MAILBOX_CODE_CONSUMER_DIED for a message whose consumer died holding it: 1 recovered. */
    int recover() noexcept { return base_ != nullptr ? traits::recover(base_) : SHMTEL_ERR_PERMISSION; }

private:
    void *base_;
};

} /* namespace shmtel */
#endif /* SHMTEL_CPP_1_DEFINED */
/* CppGenerator: end */
