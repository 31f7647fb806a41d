"""Reading a shmtel region: open (every check of docs/format.md), writer state, latest, stream, wait.

Over 400 lines because the open checks, the liveness decision, the seqlock reads and the sleeper
protocol all act on one mapping's private state (its words' addresses, the writable sleeper mapping,
the file identity a reader follows); the value decoding lives in sample.py, the layout in layout.py.

A Region object is for one thread at a time (``wait`` included); open one per thread otherwise. One
exception: ``close()`` from another thread ends a ``wait``/``stream`` wait there (RegionClosedError) first.
"""

import enum
import errno
import logging
import mmap
import os
import stat
import threading
import time

from . import _atomics as atomics
from . import _linux
from . import layout as L
from ._names import NAME, check_name
from .errors import (ContentionError, CorruptRegionError, IncompatibleRegionError, InvalidRegionNameError,
                     RegionClosedError, RegionNotFoundError, RegionNotReadyError, RegionPermissionError, SchemaError)
from .sample import Decoder, numpy_module

log = logging.getLogger("shmtel")

FILE_PREFIX = "shmtel."
DEFAULT_DIR = "/dev/shm"
ENV_DIR = "SHMTEL_DIR"
#: How long open() waits for a region being created (format version 0, or an empty file).
INIT_TIMEOUT_S = 2.0
#: Heartbeat periods after which a writer holding the lock is STALLED.
STALLED_AFTER_PERIODS = 5
MAX_LATEST_ATTEMPTS = 64
MAX_STATE_ATTEMPTS = 64
MAX_SCHEMA_TEXT_LENGTH = 16 * 1024 * 1024
MAX_FILE_LENGTH = (1 << 31) - 1
#: A reader that may not sleep polls at most this often.
POLL_S = 0.001
#: While a wait in another thread has not left, close() wakes it again this often.
CLOSE_WAKE_S = 0.01
#: A sleeping reader frees the slots of dead sleepers at most this often (and when every slot is taken).
HEAL_PERIOD_NS = 1_000_000_000
_MIN_LIVENESS_NS = 1_000_000
_U32 = 0xFFFFFFFF
_OK, _NOT_YET, _OVERWRITTEN, _ABANDONED = range(4)


class State(enum.IntEnum):
    """The writer's state as a reader sees it (same numbers as C's SHMTEL_WAITING ... SHMTEL_CORRUPT)."""
    WAITING = 0       # no region file of that name (yet)
    LIVE = 1          # the writer holds the lock and its heartbeat is fresh
    STALLED = 2       # the lock is held, the heartbeat older than 5 heartbeat periods
    WRITER_DEAD = 3   # nobody holds the lock and the state word is not CLOSED
    CLOSED = 4        # the writer closed the region cleanly
    CORRUPT = 5       # the file is shorter than its mapping (truncated)

    def __str__(self):
        return self.name


def region_dir(directory=None):
    """``directory``, else $SHMTEL_DIR, else /dev/shm."""
    if directory is not None:
        return os.fspath(directory)
    env = os.environ.get(ENV_DIR, "")
    return env if env.strip() else DEFAULT_DIR


def region_path(name, directory=None):
    return os.path.join(region_dir(directory), FILE_PREFIX + check_name(name))


def list_names(directory=None):
    """Names of the regions in the directory, sorted; empty when it does not exist."""
    d = region_dir(directory)
    try:
        entries = os.listdir(d)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(e[len(FILE_PREFIX):] for e in entries
                  if e.startswith(FILE_PREFIX) and NAME.match(e[len(FILE_PREFIX):]))


def open(name, dir=None, *, numpy=None, any_owner=False, init_timeout=INIT_TIMEOUT_S):  # noqa: A001
    """Opens region ``name`` read-only (``dir``, else $SHMTEL_DIR, else /dev/shm) and checks it whole.

    ``numpy``: True: array fields as numpy arrays; False: as tuples; None: numpy when importable.
    ``any_owner``: accept a file of another user (never one group or others may write).
    Raises a ShmtelError subclass naming the region, the value and the fix.
    """
    return Region(name, dir, numpy=numpy, any_owner=any_owner, init_timeout=init_timeout)


class _Mapping:
    """One attached file: descriptor, read-only mapping, its address, checked layout, sleeper mapping."""

    def __init__(self, fd, st, mm, pin, lay, version):
        self.fd, self.stat, self.mm, self.pin, self.layout, self.version = fd, st, mm, pin, lay, version
        self.base = pin.address
        self.length = len(mm)
        self.ident = (st.st_dev, st.st_ino)
        self.writable = None        # (mmap, Pin) of the sleeper mapping, mapped on first sleep
        self.sleep_refusal = None   # why this reader polls, once known

    def close(self):
        if self.writable is not None:
            self.writable[1].release()
            self.writable[0].close()
            self.writable = None
        if self.pin is not None:
            self.pin.release()
            self.pin = None
        self.mm.close()
        os.close(self.fd)


class Region:
    """A region opened for reading; see ``shmtel.open``. Close it (or use ``with``) when done."""

    def __init__(self, name, directory=None, *, numpy=None, any_owner=False, init_timeout=INIT_TIMEOUT_S):
        check_name(name)
        atomics.check_available()
        self.name = name
        self.dir = region_dir(directory)
        self.path = os.path.join(self.dir, FILE_PREFIX + name)
        self._numpy = numpy_module(numpy)
        self._any_owner = any_owner
        self._init_timeout = init_timeout
        self._map = None
        self._waiters = threading.Condition()   # close() against waits in other threads
        self._waiting = 0                       # waits in progress (they use the mapping)
        self._waiting_threads = set()
        self._close_deferred = False            # close() came from a waiting thread (a signal handler)
        self._closing = False
        self._truncated = None      # the message, once the file was found shorter than its mapping
        self._seen = {}             # record -> the published count the last latest() saw
        self._last_heal = {}
        #: Incremented each time this reader attaches another file under the name (its samples number from 0).
        self.generation = 0
        self._attach(self._open_checked())

    # ------------------------------------------------------------------ opening
    def _where(self):
        return f'region "{self.name}"'

    def _open_checked(self):
        """Opens, checks and maps the file now at the name (format.md, "Creating, taking over and opening")."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NOCTTY)
        except OSError as e:
            raise self._open_error(e) from None
        try:
            st = self._check_file(fd)
            deadline = time.monotonic() + self._init_timeout
            while st.st_size == 0 and time.monotonic() < deadline:
                time.sleep(POLL_S)
                st = os.fstat(fd)
            if st.st_size == 0:
                raise RegionNotReadyError(
                    f"{self._where()} ({self.path}) is an empty file after {self._init_timeout * 1000:.0f} ms; shmtel "
                    "writers never leave one (they link complete regions into place): remove it with: shmtel rm "
                    f"{self.name}")
            if st.st_size < L.PAGE_LENGTH:
                raise CorruptRegionError(f"{self._where()}: file is {st.st_size} bytes, shorter than one header page "
                                         f"({L.PAGE_LENGTH} bytes)")
            mm = mmap.mmap(fd, st.st_size, mmap.MAP_SHARED, mmap.PROT_READ)
            pin = atomics.Pin(mm)
            try:
                while atomics.load_u32(pin.address + L.VERSION_OFFSET, atomics.ACQUIRE) == 0:
                    if time.monotonic() >= deadline:
                        raise RegionNotReadyError(
                            f"{self._where()} ({self.path}) is still being created after "
                            f"{self._init_timeout * 1000:.0f} ms (format version word is 0); if its writer died while "
                            f"creating it, the next writer replaces it, or remove it with: shmtel rm {self.name}")
                    time.sleep(POLL_S)
                lay, version = self._decode(mm, pin.address)
            except BaseException:
                pin.release()
                mm.close()
                raise
            return _Mapping(fd, st, mm, pin, lay, version)
        except BaseException:
            os.close(fd)
            raise

    def _open_error(self, e):
        if e.errno == errno.ENOENT:
            if os.path.isdir(self.dir):
                return RegionNotFoundError(f'{self._where()} not found: no file {self.path} (is its writer running? '
                                           f"'python3 -m shmtel ls' lists the regions in {self.dir})")
            return RegionNotFoundError(f"{self._where()} not found: directory {self.dir} does not exist (set "
                                       "SHMTEL_DIR or dir= to the writer's directory)")
        if e.errno == errno.ELOOP:
            return RegionPermissionError(f"{self._where()}: {self.path} is a symbolic link; shmtel never follows "
                                         "links in the region directory: remove it")
        if e.errno in (errno.EACCES, errno.EPERM):
            return RegionPermissionError(
                f"{self._where()}: permission denied on {self.path} ({e.strerror}); the writer creates regions with "
                "mode 0600 by default: let it use a wider mode (e.g. 0640 with a shared group) or run as its user")
        if e.errno == errno.ENOTDIR:
            return RegionNotFoundError(f"{self._where()}: {self.dir} is not a directory")
        return RegionPermissionError(f"{self._where()}: cannot open {self.path}: {e.strerror} (errno {e.errno})")

    def _check_file(self, fd):
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory",
                    stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device"}.get(stat.S_IFMT(st.st_mode),
                                                                                        "not a regular file")
            raise RegionPermissionError(
                f"{self._where()}: {self.path} is not a regular file ({kind}, mode 0{st.st_mode:o}); shmtel opens "
                f"only regular files in the region directory: remove it (rm {self.path})")
        uid = os.geteuid()
        if st.st_uid != uid and not self._any_owner:
            raise RegionPermissionError(
                f"{self._where()}: {self.path} is owned by uid {st.st_uid}, not by this user (uid {uid}); open it "
                "with any_owner=True (CLI: --any-owner) if you trust that user")
        if st.st_mode & 0o022:
            raise RegionPermissionError(
                f"{self._where()}: {self.path} has mode 0{stat.S_IMODE(st.st_mode):o}: group or others may write it, "
                "so another process than its writer could change what readers read; refused (any_owner does not "
                f"lift this). Fix: chmod go-w {self.path} (its owner), or restart its writer (writers create regions "
                "0600, or 0640 for a reader group, and replace a writable one)")
        if st.st_size > MAX_FILE_LENGTH:
            raise CorruptRegionError(f"{self._where()}: file is {st.st_size} bytes; regions are at most "
                                     f"{MAX_FILE_LENGTH} bytes")
        return st

    def _corrupt(self, offset, found, expected):
        return CorruptRegionError(f"{self._where()}: {found} at offset {offset}; expected {expected}")

    def _decode(self, mm, base):
        """Checks the header, each word read once, against the file and the recompiled embedded schema."""
        size = len(mm)
        where = self._where()
        u32 = lambda off: int.from_bytes(mm[off:off + 4], "little")   # noqa: E731
        u64 = lambda off: int.from_bytes(mm[off:off + 8], "little")   # noqa: E731
        magic = u64(L.MAGIC_OFFSET)
        if magic != L.MAGIC:
            raise CorruptRegionError(f"{where}: wrong magic at offset {L.MAGIC_OFFSET}: found "
                                     f"{L.fingerprint_hex(magic)}, expected {L.fingerprint_hex(L.MAGIC)} "
                                     "(\"SHMTEL\"): this is not a shmtel region")
        version = atomics.load_u32(base + L.VERSION_OFFSET, atomics.ACQUIRE)
        major, minor = version >> L.FORMAT_MAJOR_SHIFT, version & 0xFFFF
        if major != L.FORMAT_MAJOR:
            raise IncompatibleRegionError(f"{where}: format version {major}.{minor}, this shmtel reads "
                                          f"{L.FORMAT_MAJOR}.x: use a shmtel release of the writer's format")
        head = u32(L.HEADER_LENGTH_OFFSET)
        if head < L.PAGE_LENGTH or head % L.PAGE_LENGTH or head > size:
            raise self._corrupt(L.HEADER_LENGTH_OFFSET, f"header length {head}",
                                f"a multiple of {L.PAGE_LENGTH} within the file ({size} bytes)")
        region = u64(L.REGION_LENGTH_OFFSET)
        if region > size:
            raise CorruptRegionError(f"{where}: file is {size} bytes, shorter than the {region} bytes its header says "
                                     f"(offset {L.REGION_LENGTH_OFFSET})")
        if region < head or region % L.PAGE_LENGTH:
            raise self._corrupt(L.REGION_LENGTH_OFFSET, f"region length {region}",
                                f"a multiple of {L.PAGE_LENGTH} no less than the header length {head}")
        count = u32(L.RECORD_COUNT_OFFSET)
        if not 1 <= count <= L.MAX_RECORDS:
            raise self._corrupt(L.RECORD_COUNT_OFFSET, f"record count {count}", f"1 to {L.MAX_RECORDS}")
        table = u32(L.RECORD_TABLE_OFFSET_OFFSET)
        if table != L.RECORD_TABLE_OFFSET:
            raise self._corrupt(L.RECORD_TABLE_OFFSET_OFFSET, f"record table offset {table}", L.RECORD_TABLE_OFFSET)
        text_offset = u32(L.SCHEMA_TEXT_OFFSET_OFFSET)
        expected_text_offset = L.RECORD_TABLE_OFFSET + L.RECORD_ENTRY_LENGTH * count
        if text_offset != expected_text_offset:
            raise self._corrupt(L.SCHEMA_TEXT_OFFSET_OFFSET, f"schema text offset {text_offset}",
                                f"{expected_text_offset} for {count} records")
        text_length = u32(L.SCHEMA_TEXT_LENGTH_OFFSET)
        max_text = min(head - text_offset, MAX_SCHEMA_TEXT_LENGTH)
        if text_length == 0 or text_length > max_text:
            raise self._corrupt(L.SCHEMA_TEXT_LENGTH_OFFSET, f"schema text length {text_length}",
                                f"1 to {max_text} (the text must end inside the header, and an embedded schema is at "
                                f"most {MAX_SCHEMA_TEXT_LENGTH} bytes, as a schema file)")
        try:
            text = mm[text_offset:text_offset + text_length].decode("utf-8")
        except UnicodeDecodeError:
            raise CorruptRegionError(f"{where}: embedded schema at offset {text_offset} is not UTF-8") from None
        try:
            lay = L.compile_schema(text, f"{where} embedded schema")
        except SchemaError as e:
            raise CorruptRegionError(f"{where}: embedded schema at offset {text_offset} is invalid: "
                                     f"{e.problems[0]}") from None
        fingerprint = u64(L.FINGERPRINT_OFFSET)
        if fingerprint != lay.fingerprint:
            raise CorruptRegionError(f"{where}: header fingerprint {L.fingerprint_hex(fingerprint)} does not match its "
                                     f"embedded schema ({L.fingerprint_hex(lay.fingerprint)})")
        if (lay.header_length, lay.region_length, len(lay.records)) != (head, region, count):
            raise CorruptRegionError(f"{where}: header says header {head}, region {region}, {count} records; its "
                                     f"embedded schema gives {lay.header_length}, {lay.region_length}, "
                                     f"{len(lay.records)}")
        for r in lay.records:
            entry = L.RECORD_TABLE_OFFSET + r.index * L.RECORD_ENTRY_LENGTH
            name = r.name.encode("utf-8").ljust(L.RECORD_ENTRY_NAME_LENGTH, b"\0")
            found_name = mm[entry:entry + L.RECORD_ENTRY_NAME_LENGTH]
            if found_name != name:
                raise self._corrupt(entry, f"record {r.index} name {found_name.rstrip(bytes(1))!r}",
                                    f"{r.name} (from the embedded schema)")
            sync = L.SYNC_MAILBOX if r.is_mailbox else L.SYNC_RING
            for offset, read, expected, what in (
                    (L.RECORD_ENTRY_BLOCK_OFFSET_OFFSET, u64, r.block_offset, "block offset"),
                    (L.RECORD_ENTRY_BLOCK_LENGTH_OFFSET, u64, r.block_length, "block length"),
                    (L.RECORD_ENTRY_FINGERPRINT_OFFSET, u64, r.fingerprint, "fingerprint"),
                    (L.RECORD_ENTRY_SLOT_LENGTH_OFFSET, u32, r.slot_length, "slot length"),
                    (L.RECORD_ENTRY_DEPTH_OFFSET, u32, r.depth, "depth"),
                    (L.RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET, u32, r.payload_length, "payload length"),
                    (L.RECORD_ENTRY_FIELD_COUNT_OFFSET, u32, len(r.fields), "field count"),
                    (L.RECORD_ENTRY_SYNC_OFFSET, u32, sync, "sync")):
                found = read(entry + offset)
                if found != expected:
                    shown = L.fingerprint_hex if what == "fingerprint" else str
                    suffix = f" ({r.sync})" if what == "sync" else ""
                    raise self._corrupt(entry + offset, f"record {r.name} {what} {shown(found)}",
                                        f"{shown(expected)}{suffix} (from the embedded schema)")
        return lay, version

    def _attach(self, mapping):
        old = self._map
        self._map = mapping
        self._truncated = None
        self._decoders = {r.name: Decoder(r, self._numpy) for r in mapping.layout.records}
        self._seen = {}
        if old is not None:
            old.close()
            self.generation += 1

    # ------------------------------------------------------------------ what the region is
    def _m(self):
        if self._map is None:
            raise RegionClosedError(f"{self._where()} is closed: open it again with shmtel.open({self.name!r})")
        return self._map

    @property
    def layout(self):
        return self._m().layout

    @property
    def records(self):
        """Record name -> its layout (depth, fields with type, offset, count, length, unit, enum; sync)."""
        return {r.name: r for r in self._m().layout.records}

    @property
    def format_version(self):
        v = self._m().version
        return f"{v >> L.FORMAT_MAJOR_SHIFT}.{v & 0xFFFF}"

    def _u64(self, offset, order=atomics.ACQUIRE):
        return atomics.load_u64(self._m().base + offset, order)

    def _u32(self, offset, order=atomics.ACQUIRE):
        return atomics.load_u32(self._m().base + offset, order)

    @property
    def epoch(self):
        return self._u64(L.WRITER_EPOCH_OFFSET)

    @property
    def writer_pid(self):
        pid = self._u32(L.WRITER_PID_OFFSET, atomics.RELAXED)
        return pid - (1 << 32) if pid >= 1 << 31 else pid

    @property
    def heartbeat_period_ns(self):
        return self._u64(L.HEARTBEAT_PERIOD_OFFSET, atomics.RELAXED)

    def _record(self, record):
        r = self._m().layout.record(record)
        if r is None:
            raise KeyError(f"{self._where()} has no record {record!r} (records: "
                           f"{', '.join(x.name for x in self._m().layout.records)})")
        return r

    def published(self, record):
        """Count of samples of ``record`` published so far (acquire); the newest one's index is this - 1."""
        return self._u64(self._record(record).published_offset)

    # ------------------------------------------------------------------ writer state
    @property
    def state(self):
        """The writer's state now (format.md, rule 17), following a new file under the name (rule 18)."""
        m = self._m()
        try:
            named = os.stat(self.path, follow_symlinks=False)
        except FileNotFoundError:
            return State.WAITING
        if (named.st_dev, named.st_ino) != m.ident:
            try:
                self._attach(self._open_checked())
            except (RegionNotFoundError, RegionNotReadyError):
                return State.WAITING
            except CorruptRegionError:
                return State.CORRUPT
            m = self._map
        if self._truncated is not None or os.fstat(m.fd).st_size < m.length:
            self._drop_truncated(m)
            return State.CORRUPT
        for _ in range(MAX_STATE_ATTEMPTS):
            epoch = self._u64(L.WRITER_EPOCH_OFFSET)
            if self._u32(L.STATE_OFFSET) == L.STATE_CLOSED:
                return State.CLOSED
            if _linux.write_lock_holder(m.fd):
                period = max(1, self._u64(L.HEARTBEAT_PERIOD_OFFSET, atomics.RELAXED))
                age = _signed64(time.monotonic_ns() - self._u64(L.HEARTBEAT_OFFSET))
                return State.STALLED if age > STALLED_AFTER_PERIODS * period else State.LIVE
            if self._u32(L.STATE_OFFSET) == L.STATE_CLOSED:
                return State.CLOSED
            if self._u64(L.WRITER_EPOCH_OFFSET) == epoch:
                return State.WRITER_DEAD
        return State.WRITER_DEAD

    def _drop_truncated(self, m):
        if self._truncated is None:
            self._truncated = (f"{self._where()}: {self.path} was truncated to {os.fstat(m.fd).st_size} bytes under "
                               f"its {m.length}-byte mapping; the region is corrupt (its writer replaces it when it "
                               "starts again)")
            log.warning("%s", self._truncated)

    def _check_readable(self):
        m = self._m()
        if self._truncated is not None:
            raise CorruptRegionError(self._truncated)
        return m

    # ------------------------------------------------------------------ reading
    def _read(self, m, r, k):
        """Copies sample k's slot; (_OK, bytes) or (_NOT_YET | _OVERWRITTEN | _ABANDONED, None) (rules 15, 16)."""
        offset = r.slot_offset(k & (r.depth - 1))
        seq_addr = m.base + offset
        expected = 2 * k + 2
        s0 = atomics.load_u64(seq_addr, atomics.ACQUIRE)
        if s0 != expected:
            if s0 > expected:
                return _OVERWRITTEN, None
            if s0 != expected - 1:
                return _NOT_YET, None          # the slot still holds an older sample
            if atomics.load_u64(m.base + r.published_offset, atomics.ACQUIRE) <= k:
                return _NOT_YET, None
            s0 = atomics.load_u64(seq_addr, atomics.ACQUIRE)  # after published, not before (rule R2)
            if s0 < expected:
                return _ABANDONED, None
            if s0 != expected:
                return _OVERWRITTEN, None
        data = m.mm[offset:offset + r.slot_length]
        atomics.fence(atomics.ACQUIRE)                         # the copy before the second load
        if atomics.load_u64(seq_addr, atomics.RELAXED) != expected:
            return _OVERWRITTEN, None
        return _OK, data

    def latest(self, record):
        """The newest complete sample of ``record`` (a Sample), or None when nothing was published yet.

        Raises ContentionError when the writer lapped the whole ring during each of 64 attempts.
        """
        m = self._check_readable()
        r = self._record(record)
        for _ in range(MAX_LATEST_ATTEMPTS):
            published = atomics.load_u64(m.base + r.published_offset, atomics.ACQUIRE)
            self._seen[record] = published
            if published == 0:
                return None
            status, data = self._read(m, r, published - 1)
            if status == _OK:
                return self._decoders[record].decode(data, published - 1)
        raise ContentionError(f"{self._where()}: record {record!r}: the writer overwrote the newest sample during "
                              f"each of {MAX_LATEST_ATTEMPTS} reads; read less often than the ring's depth "
                              f"({r.depth}) of samples are published, or raise the depth")

    def stream(self, record, timeout=None, start="newest"):
        """Every sample of ``record`` in order, as an iterator of Samples (a Stream, with ``.lost``).

        ``start``: "newest" (the newest complete sample first, then every later one), "oldest" (the oldest
        the ring still holds) or "next" (only samples published from now on). ``timeout`` (seconds): the
        iteration ends when no sample came for that long; None: it waits for ever.
        """
        self._record(record)
        return Stream(self, record, timeout, start)

    # ------------------------------------------------------------------ waiting
    def wait(self, record, timeout=None, seen=None):
        """Waits until ``record``'s published count differs from ``seen``; True then, False after ``timeout`` s.

        ``seen`` defaults to the count the last ``latest(record)`` saw, else the count now (the next publish).
        Sleeps in the kernel (futex, woken by the writer's publish) when this user may write the region file,
        else polls every 1 ms. Wakes at least every heartbeat period to follow a new writer's file.
        """
        r = self._record(record)
        if seen is None:
            seen = self._seen.get(record)
            if seen is None:
                seen = self.published(record)
        deadline = None if timeout is None else time.monotonic_ns() + int(timeout * 1e9)
        with self._in_wait():
            return self._wait_until_not(r, seen, deadline)

    def _in_wait(self):
        """Counts a wait (or a stream's next) in progress, so that close() from another thread ends it first."""
        return _WaitGuard(self)

    def _check_not_closing(self):
        if self._closing:
            raise RegionClosedError(f"{self._where()} was closed (by another thread) while waiting")

    def _wait_until_not(self, r, seen, deadline):
        generation = self.generation
        period = max(_MIN_LIVENESS_NS, self.heartbeat_period_ns)
        next_check = time.monotonic_ns() + period
        while True:
            self._check_not_closing()
            m = self._check_readable()
            if atomics.load_u64(m.base + r.published_offset, atomics.ACQUIRE) != seen:
                return True
            now = time.monotonic_ns()
            if deadline is not None and now >= deadline:
                return False
            if now >= next_check:
                self.state                      # noqa: B018 (follows a new file, notices a truncation)
                if self.generation != generation:
                    return True                 # another file: its samples number from 0 again
                next_check = now + period
                continue
            self._sleep(m, r, seen, min(next_check, deadline if deadline is not None else next_check) - now)

    def _sleep(self, m, r, seen, timeout_ns):
        """One sleep of at most timeout_ns on r's published word (format.md rule 21), or a poll."""
        writable = self._sleeper_mapping(m)
        if writable is None:
            time.sleep(min(POLL_S, timeout_ns / 1e9))
            return
        wbase = writable[1].address
        block = wbase + r.block_offset
        slot = self._claim(m, r, block)
        if slot < 0:
            time.sleep(min(POLL_S, timeout_ns / 1e9))
            return
        bits = block + L.SLEEPERS_OFFSET
        atomics.fetch_or_u32(bits, 1 << slot)
        try:
            if _linux.membarrier(_linux.MEMBARRIER_CMD_GLOBAL_EXPEDITED) != 0:
                m.sleep_refusal = f"{self._where()}: the kernel refused membarrier; this reader polls instead"
                log.warning("%s", m.sleep_refusal)
                return
            atomics.fence(atomics.SEQ_CST)
            if atomics.load_u64(block + L.PUBLISHED_OFFSET, atomics.ACQUIRE) != seen:
                return
            _linux.futex_wait(block + L.PUBLISHED_OFFSET, seen & _U32, timeout_ns)
        finally:
            atomics.fetch_and_u32(bits, ~(1 << slot))
            atomics.store_u32(block + L.SLEEPER_PIDS_OFFSET + 4 * slot, 0, atomics.RELEASE)

    def _claim(self, m, r, block):
        pid = os.getpid()
        now = time.monotonic_ns()
        if now - self._last_heal.get(r.name, 0) >= HEAL_PERIOD_NS:
            self._last_heal[r.name] = now
            _heal(block)
        for attempt in range(2):
            for slot in range(L.SLEEPER_SLOTS):
                addr = block + L.SLEEPER_PIDS_OFFSET + 4 * slot
                if atomics.load_u32(addr, atomics.RELAXED) == 0 and atomics.cas_u32(addr, 0, pid)[0]:
                    return slot
            if attempt == 0 and _heal(block) == 0:
                break
        return -1

    def _sleeper_mapping(self, m):
        """The writable mapping for the sleeper words, or None (then this reader polls; the reason said once)."""
        if m.sleep_refusal is not None:
            return None
        if m.writable is not None:
            return m.writable
        minor = m.version & 0xFFFF
        if minor < L.WAKE_MINOR_VERSION:
            m.sleep_refusal = f"{self._where()}: format 1.{minor} writers wake nobody; this reader polls"
        elif not atomics.HAVE_RMW:
            m.sleep_refusal = (f"{self._where()}: sleeping needs compare-and-swap (libatomic.so.1, which did not "
                               "load); this reader polls every 1 ms instead")
        elif not _linux.global_barrier_available():
            m.sleep_refusal = f"{self._where()}: the kernel offers no membarrier; this reader polls every 1 ms"
        else:
            try:
                fd = os.open(f"/proc/self/fd/{m.fd}", os.O_RDWR | os.O_CLOEXEC)
                try:
                    mm = mmap.mmap(fd, m.length, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
                finally:
                    os.close(fd)
                m.writable = (mm, atomics.Pin(mm))
            except OSError as e:
                m.sleep_refusal = (
                    f"{self._where()}: a sleeping reader registers in the region, which needs write access to "
                    f"{self.path} ({e.strerror}, mode 0{stat.S_IMODE(m.stat.st_mode):o}); this reader polls instead. "
                    "Only the writer's user may write a region: run this reader as the writer's user to let it sleep")
        if m.sleep_refusal is not None:
            log.info("%s", m.sleep_refusal)
        return m.writable

    @property
    def sleeps(self):
        """True when wait() sleeps in the kernel, False when it polls (``sleep_refusal`` says why)."""
        m = self._m()
        return self._sleeper_mapping(m) is not None

    @property
    def sleep_refusal(self):
        m = self._m()
        self._sleeper_mapping(m)
        return m.sleep_refusal

    # ------------------------------------------------------------------ closing
    def take(self, record, timeout=0.0):
        """Mailbox records: the next message (``shmtel.Message``) or None; see ``shmtel._consumer.take``."""
        from . import _consumer
        return _consumer.take(self, record, timeout)

    def close(self):
        """Unmaps the region and closes its file; later calls raise RegionClosedError. Idempotent.

        A ``wait`` (or a stream's ``next``) in another thread ends first, with RegionClosedError: close wakes
        it and unmaps only once it has left the mapping.
        """
        from . import _consumer
        waiters = self.__dict__.get("_waiters")
        if waiters is not None:
            with waiters:
                self._closing = True
                if threading.get_ident() in self._waiting_threads:
                    # A signal handler of a thread that waits here: that wait ends (RegionClosedError) and the
                    # last wait to leave unmaps; waiting for it here would wait for ever.
                    self._close_deferred = True
                    return
                while self._waiting > 0:
                    self._wake_own_sleepers()
                    waiters.wait(CLOSE_WAKE_S)
        _consumer.close_consumers(self)
        if self._map is not None:
            self._map.close()
            self._map = None

    def _wake_own_sleepers(self):
        """FUTEX_WAKE on every record's published word (a waiter of another process re-checks and sleeps on)."""
        m = self._map
        writable = m.writable if m is not None else None
        if writable is None:
            return      # a polling waiter looks again within 1 ms
        for r in m.layout.records:
            _linux.futex_wake(writable[1].address + r.block_offset + L.PUBLISHED_OFFSET)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:   # noqa: BLE001 (interpreter shutdown)
            pass

    def __repr__(self):
        if self._map is None:
            return f"<shmtel.Region {self.name} closed>"
        return (f"<shmtel.Region {self.name} schema={self._map.layout.schema_name} "
                f"records={[r.name for r in self._map.layout.records]}>")


class _WaitGuard:
    """``with region._in_wait():`` around a wait; refuses to start once close() began."""

    def __init__(self, region):
        self.region = region

    def __enter__(self):
        region = self.region
        with region._waiters:
            region._check_not_closing()
            region._m()
            region._waiting += 1
            region._waiting_threads.add(threading.get_ident())
        return self

    def __exit__(self, *exc):
        region = self.region
        with region._waiters:
            region._waiting -= 1
            region._waiting_threads.discard(threading.get_ident())
            region._waiters.notify_all()
            deferred = region._close_deferred and region._waiting == 0
        if deferred:
            region.close()
        return False


def _heal(block):
    """Frees the sleeper slots of dead processes (format.md rule 22); returns how many."""
    healed = 0
    for slot in range(L.SLEEPER_SLOTS):
        addr = block + L.SLEEPER_PIDS_OFFSET + 4 * slot
        pid = atomics.load_u32(addr, atomics.RELAXED)
        pid = pid - (1 << 32) if pid >= 1 << 31 else pid
        if pid > 0 and not _linux.process_exists(pid) and atomics.cas_u32(addr, pid, -1)[0]:
            atomics.fetch_and_u32(block + L.SLEEPERS_OFFSET, ~(1 << slot))
            atomics.store_u32(addr, 0, atomics.RELEASE)
            healed += 1
    return healed


def _signed64(value):
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


class Stream:
    """An in-order iterator over one record's samples; ``lost`` counts the indexes it skipped.

    Skipped: overwritten by the writer before this reader read them (lapped), or abandoned unfinished by
    a writer that died (the next writer resumed past them). ``poll()`` gives the next sample or None.
    """

    def __init__(self, region, record, timeout, start):
        if start not in ("newest", "oldest", "next"):
            raise ValueError(f"start must be 'newest', 'oldest' or 'next'; got {start!r}")
        self.region = region
        self.record = record
        self.timeout = timeout
        self.lost = 0
        self._start = start
        self._generation = region.generation
        published = region.published(record)
        depth = region.records[record].depth
        self._cursor = {"newest": max(0, published - 1), "oldest": max(0, published - depth), "next": published}[start]

    def __iter__(self):
        return self

    def __next__(self):
        sample = self.next(self.timeout)
        if sample is None:
            raise StopIteration
        return sample

    def next(self, timeout=None):
        """The next sample in order, waiting up to ``timeout`` seconds (None: for ever); None after the timeout."""
        deadline = None if timeout is None else time.monotonic_ns() + int(timeout * 1e9)
        with self.region._in_wait():
            return self._next(deadline)

    def _next(self, deadline):
        r = self.region._record(self.record)
        while True:
            # The published count BEFORE the look (format.md, "Wake-on-publish"): a sample published between an
            # empty poll and this load would otherwise be slept past; and the wait compares with this count, not
            # with the cursor (a cursor past published, after a sample complete before its count, must sleep).
            seen = self.region.published(self.record)
            sample = self.poll()
            if sample is not None:
                return sample
            if deadline is not None and time.monotonic_ns() >= deadline:
                return None
            if not self.region._wait_until_not(r, seen, deadline):
                return None

    def poll(self):
        """The next sample in order, or None when it is not published yet."""
        region = self.region
        m = region._check_readable()
        if region.generation != self._generation:
            self._generation = region.generation
            self._cursor = -1
            self._start = "oldest"      # a replacing writer's samples are all newer than this reader
        r = region._record(self.record)
        if self._cursor < 0:
            published = atomics.load_u64(m.base + r.published_offset, atomics.ACQUIRE)
            self._cursor = max(0, published - (1 if self._start == "newest" else r.depth))
        for _ in range(MAX_LATEST_ATTEMPTS):
            status, data = region._read(m, r, self._cursor)
            if status == _OK:
                sample = region._decoders[self.record].decode(data, self._cursor)
                self._cursor += 1
                return sample
            if status == _NOT_YET:
                return None
            if status == _ABANDONED:
                self.lost += 1
                self._cursor += 1
                continue
            oldest_safe = atomics.load_u64(m.base + r.published_offset, atomics.ACQUIRE) - r.depth + 1
            following = max(self._cursor + 1, oldest_safe)
            self.lost += following - self._cursor
            self._cursor = following
        return None
