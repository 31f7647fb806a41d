"""Writing a region: ``shmtel.create(name, schema)`` -> ``Writer`` with ``publish``, ``send``, ``close``.

The writer owns its region from creation to close as docs/format.md says (the file steps are in
``_owner``): an exclusive OFD lock for its whole life, a heartbeat thread storing CLOCK_MONOTONIC every
heartbeat period, the seqlock stores of each publish, the wake-up of sleeping readers, and a clean close
(state CLOSED, then the lock released, then the sleepers woken).

Publishing sample ``k`` of a ring record (format.md, "The seqlock protocol", conformance rules 10, 11)::

    seq = 2k+1 (relaxed); release fence; timestamp and payload (plain copy); seq = 2k+2 (release);
    published = k+1 (release); full fence; sleeper bits (relaxed) != 0: FUTEX_WAKE on published

The writer numbers samples itself: at a takeover it resumes past every index a previous writer published,
completed or started (rule R1: ``next = max(published, 1 + max started index over the slots)``) and keeps
``next`` in the Writer object. Mailbox records are written with ``send`` (``mailbox.py``).

(Over 400 lines on purpose: the Writer's publish, heartbeat, close, exit and fork handling share its lock and
its state; the file steps, the field encoding and the mailboxes are in their own modules.)
"""

import atexit
import logging
import os
import signal
import struct
import threading
import time
import weakref

from . import _atomics as atomics
from . import _owner
from . import _linux
from . import layout as L
from ._fields import RecordEncoder
from .errors import RegionClosedError, SchemaError, ShmtelError
from .region import _heal

LOG = logging.getLogger("shmtel")

_TIMESTAMP = struct.Struct("<Q")
#: A writer frees dead sleepers' slots after this many wakes in a row that woke nobody (Java's rule 22 numbers),
HEAL_AFTER_WAKES = 64
#: and at most this often.
HEAL_PERIOD_S = 0.1
_NS_PER_S = 1_000_000_000


class Writer:
    """The owner of one region; made by ``shmtel.create``. Thread-safe: publishes are serialised by a lock.

    Attributes: ``name``, ``path`` (the region file), ``layout``, ``epoch`` (this owner's), ``took_over``
    (True when it took a dead writer's region over in place), ``heartbeat_period`` (seconds).
    """

    def __init__(self, owned, heartbeat_period_s, heartbeat_thread):
        self._owned = owned
        self.name = owned.name
        self.path = owned.path
        self.layout = owned.layout
        self.epoch = owned.epoch
        self.took_over = owned.took_over
        self.heartbeat_period = heartbeat_period_s
        self._mm = owned.mm
        self._base = owned.base
        self._lock = threading.RLock()
        self._closed = False
        self._forked_from = None
        self._records = {}
        _ALL.add(self)
        try:
            self._prepare()
        except BaseException:
            self._release_owned()  # the region stays as a dead writer's: the next writer takes it over
            raise
        self._stop = threading.Event()
        self._thread = None
        if heartbeat_thread:
            self._thread = threading.Thread(target=self._beat_every_period, name=f"shmtel-heartbeat-{self.name}",
                                            daemon=True)
            self._thread.start()

    def _prepare(self):
        for r in self.layout.records:
            self._records[r.name] = _RecordState(self, r)
        from .mailbox import SenderState
        for state in self._records.values():
            if state.record.is_mailbox:
                # The mailbox rules number messages (R7) and repair what a dead writer left half done.
                state.sender = SenderState(self, state)
        # A writer that cannot issue a full fence itself (x86-64 without libatomic) registers for membarrier,
        # as Java does: sleepers then run the fence for it (format.md, "Wake-on-publish").
        self._fence = atomics.HAVE_RMW
        if not self._fence and _linux.membarrier(_linux.MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED) != 0:
            raise atomics.AtomicsUnavailableError(
                "a writer must wake sleeping readers safely: that needs a full fence (libatomic.so.1, which did not "
                "load) or membarrier(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED), which the kernel refused. Fix: "
                "install libatomic1 (Debian/Ubuntu: apt-get install libatomic1)")

    # ------------------------------------------------------------------ publishing
    def publish(self, record, values=None, /, *, timestamp_ns=None, **fields):
        """Publishes one sample of ring record ``record``; returns its index.

        Fields come as keyword arguments (``position=[...]``, ``status="OK"``) and/or as the mapping
        ``values`` (for a field named like a keyword option, ``timestamp_ns``); fields left out are zero.
        Unknown names and values a field cannot hold raise ``FieldError`` before the slot is touched.
        ``timestamp_ns``: CLOCK_MONOTONIC nanoseconds (default: now, ``time.monotonic_ns()``).
        """
        state = self._record(record)
        if state.record.is_mailbox:
            raise ShmtelError(f"record \"{record}\" of region \"{self.name}\" is a mailbox, not a ring: send to it "
                              f"with writer.send(\"{record}\", ...), which waits for the consumer's answer")
        payload = state.encoder.encode(_merge(values, fields))
        contents = stamped(timestamp_ns, payload)
        with self._lock:
            self._check_open()
            k = state.next
            state.write_slot(k, contents)
            # published = k+1 (release): a reader that sees it finds 2k+2 (or later) in the slot.
            atomics.store_u64(state.published, k + 1, atomics.RELEASE)
            state.next = k + 1
            self._wake(state, state.published)
        return k

    def next_index(self, record):
        """The index the next sample (or message) of ``record`` gets."""
        return self._record(record).next

    def send(self, record, values=None, /, *, timeout=10.0, **fields):
        """Mailbox records: puts one message and waits for its answer (see ``shmtel.mailbox``); returns the code.

        0 (``shmtel.DONE``): handled; 1 or more: the consumer's error code; -1 (``shmtel.CONSUMER_DIED``): the
        consumer died holding it. ``timeout`` (seconds, None: no limit) bounds the wait for room in the box and
        for the answer; past it ``MailboxTimeoutError`` says whether the message was put.
        """
        from . import mailbox
        return mailbox.send(self, record, _merge(values, fields), timeout)

    # ------------------------------------------------------------------ heartbeat, flush, close
    def beat(self):
        """Stores the heartbeat now (the heartbeat thread does it every period; call it yourself without one)."""
        with self._lock:
            self._check_open()
            self._store_beat()

    def _store_beat(self):
        # Release, paired with readers' acquire load: only the value counts (the beat says the process ran).
        atomics.store_u64(self._base + L.HEARTBEAT_OFFSET, time.monotonic_ns(), atomics.RELEASE)

    def _beat_every_period(self):
        while not self._stop.wait(self.heartbeat_period):
            with self._lock:
                if self._closed:
                    return
                self._store_beat()

    def flush(self):
        """Makes the region durable up to now (a region directory on a real file system; on tmpfs it costs little).

        format.md, "Durability": each record's published count, msync of the whole region, those counts into
        the record table (release), the time (release), msync of the header.
        """
        with self._lock:
            self._check_open()
            self._flush()

    def _flush(self):
        counts = [atomics.load_u64(s.published, atomics.ACQUIRE) for s in self._records.values()]
        self._mm.flush()
        for s, n in zip(self._records.values(), counts):
            entry = L.RECORD_TABLE_OFFSET + L.RECORD_ENTRY_LENGTH * s.record.index
            atomics.store_u64(self._base + entry + L.RECORD_ENTRY_FLUSHED_OFFSET, n, atomics.RELEASE)
        atomics.store_u64(self._base + L.FLUSHED_AT_OFFSET, time.time_ns(), atomics.RELEASE)
        self._mm.flush(0, self.layout.header_length)

    def close(self):
        """Closes cleanly: flush, state CLOSED (release), the lock released, every record's sleepers woken.

        Readers then see CLOSED (not WRITER_DEAD). A second call does nothing.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            _OPEN.discard(self)
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        with self._lock:
            self._finish_close(flush=True)  # CLOSED, and every sleeper woken: a waiting send() sees the close
        for state in self._records.values():
            if state.sender is not None:
                with state.sender.lock:  # a send() in another thread has left the mapping (it raises)
                    pass
        with self._lock:
            self._release_owned()

    def _finish_close(self, flush):
        if flush:
            try:
                self._flush()
            except (OSError, ValueError):
                pass  # durability is best effort at close; CLOSED matters more
        # Release: a reader that sees CLOSED sees every sample published before it.
        atomics.store_u32(self._base + L.STATE_OFFSET, L.STATE_CLOSED, atomics.RELEASE)
        fd, self._owned.fd = self._owned.fd, -1
        if fd >= 0:
            os.close(fd)  # after CLOSED: the lock goes now (the mapping was made through another description)
        # Then the sleepers: woken, they find CLOSED (format.md rule 13's order: CLOSED, unlock, wake).
        for s in self._records.values():
            _linux.futex_wake(s.published)
            if s.record.is_mailbox:
                _linux.futex_wake(s.state_word)

    def _close_for_exit(self):
        """SIGTERM: CLOSED, the lock released, sleepers woken; the mapping stays (the process is ending)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._stop.set()
            self._finish_close(flush=False)

    def _release_owned(self):
        self._owned.pin.release()
        try:
            self._owned.mm.close()
        except BufferError as e:
            # Something still exports the mapping (a memoryview, a numpy array of it): it stays mapped until that
            # goes. The lock does not depend on it (the mapping has its own open file description).
            LOG.warning("region \"%s\": the writer's mapping stays until what still uses it is released (%s); "
                        "the region is closed and its lock released all the same", self.name, e)
        except ValueError:
            pass
        if self._owned.fd >= 0:
            os.close(self._owned.fd)
            self._owned.fd = -1

    @property
    def closed(self):
        return self._closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        return (f"<shmtel.Writer {self.name!r} epoch={self.epoch} records={list(self._records)} "
                f"{'closed' if self._closed else 'live'}>")

    # ------------------------------------------------------------------ internals
    def _record(self, name):
        state = self._records.get(name)
        if state is None:
            raise ShmtelError(f"region \"{self.name}\" has no record \"{name}\" (its records: "
                              f"{', '.join(self._records)})")
        return state

    def _check_open(self):
        if self._closed:
            if self._forked_from:
                raise RegionClosedError(f"region \"{self.name}\": this writer belongs to process "
                                        f"{self._forked_from}, which forked this one; a region has one writer: "
                                        f"publish from that process, or create a writer here under another name")
            raise RegionClosedError(f"region \"{self.name}\": this writer is closed (close() was called); create "
                                    f"it again to publish")

    def _forget_in_child(self, parent):
        """After fork: the child drops its copies of the descriptor and mapping, so the lock dies with the parent."""
        self._forked_from = parent
        self._closed = True
        self._lock = threading.RLock()  # the parent's threads are gone; a lock they held must not block the child
        self._stop = threading.Event()
        self._thread = None
        # The descriptor holds the lock; the mapping (another open file description) does not, but the child must
        # not write the parent's region either: unmap it too.
        self._release_owned()

    def _wake(self, state, word_address):
        """After a store sleepers wait for: full fence, the sleeper bits (relaxed), FUTEX_WAKE when one is set."""
        if self._fence:
            atomics.fence(atomics.SEQ_CST)  # the store above before the load of the bits (store-load)
        if atomics.load_u32(state.sleepers, atomics.RELAXED) != 0:
            if _linux.futex_wake(word_address) > 0:
                state.fruitless_wakes = 0
                return
            # Nobody woke: a reader killed asleep left its bit. After HEAL_AFTER_WAKES fruitless wakes in a row (at
            # most every HEAL_PERIOD_S) free the slots of dead processes, as Java writers do (format.md, rule 22).
            state.fruitless_wakes += 1
            now = time.monotonic()
            if state.fruitless_wakes >= HEAL_AFTER_WAKES and now >= state.next_heal and atomics.HAVE_RMW:
                state.next_heal = now + HEAL_PERIOD_S
                state.fruitless_wakes = 0
                state.healed += _heal(self._base + state.record.block_offset)


class _RecordState:
    """One record's addresses, encoder and next index (rule R1 at a takeover)."""

    def __init__(self, writer, record):
        self.record = record
        self.encoder = RecordEncoder(writer.name, record)
        base = writer._base
        self.published = base + record.block_offset + L.PUBLISHED_OFFSET
        self.state_word = base + record.block_offset + L.MAILBOX_STATE_OFFSET
        self.sleepers = base + record.block_offset + L.SLEEPERS_OFFSET
        self.mm = writer._mm
        self.base = base
        self.mask = record.depth - 1
        self.next = self.resume_index()
        self.sender = None  # a mailbox's writer side (mailbox.SenderState)
        self.fruitless_wakes = 0
        self.next_heal = 0.0
        self.healed = 0

    def resume_index(self):
        """max(published, 1 + max{k : some slot's seq is 2k+1 or 2k+2}) (format.md, the takeover rule)."""
        nxt = atomics.load_u64(self.published, atomics.ACQUIRE)
        for i in range(self.record.depth):
            seq = atomics.load_u64(self.base + self.record.slot_offset(i) + L.SEQ_OFFSET, atomics.ACQUIRE)
            if seq:
                nxt = max(nxt, (seq - 1) // 2 + 1)
        return nxt

    def slot_address(self, k):
        return self.base + self.record.slot_offset(k & self.mask)

    def write_slot(self, k, contents):
        """The seqlock stores of index k (``contents``: timestamp and payload), up to seq = 2k+2 (not published)."""
        offset = self.record.slot_offset(k & self.mask)
        seq = self.base + offset + L.SEQ_OFFSET
        atomics.store_u64(seq, 2 * k + 1, atomics.RELAXED)  # busy
        atomics.fence(atomics.RELEASE)  # the busy mark before any payload store
        start = offset + L.TIMESTAMP_OFFSET
        self.mm[start:start + len(contents)] = contents
        atomics.store_u64(seq, 2 * k + 2, atomics.RELEASE)  # complete


def stamped(timestamp_ns, payload):
    """The slot's bytes after seq: the timestamp (default now, CLOCK_MONOTONIC ns), then the payload."""
    stamp = time.monotonic_ns() if timestamp_ns is None else timestamp_ns
    if not isinstance(stamp, int) or isinstance(stamp, bool) or not 0 <= stamp < 1 << 64:
        raise ValueError(f"timestamp_ns must be CLOCK_MONOTONIC nanoseconds, an int from 0 to 2^64-1 (e.g. "
                         f"time.monotonic_ns()): timestamp_ns={timestamp_ns!r}")
    return _TIMESTAMP.pack(stamp) + payload


def _merge(values, fields):
    if values is None:
        return fields
    merged = dict(values)
    for name in fields:
        if name in merged:
            raise ShmtelError(f"field \"{name}\" given twice: in the values mapping and as a keyword argument")
    merged.update(fields)
    return merged


# ---------------------------------------------------------------------- create, and closing at exit
_OPEN = weakref.WeakSet()   # the writers to close at exit
_ALL = weakref.WeakSet()    # every writer of this process (a forked child drops their descriptors)
_EXIT_HOOKS = []
_PID = [os.getpid()]


def _after_fork_in_child():
    # A child forked without exec (multiprocessing) would hold each writer's lock on through its copy of the
    # descriptor (the lock belongs to the open file description): the region would read STALLED, not
    # WRITER_DEAD, after the writer died. The child drops the descriptor and the mapping and cannot publish.
    parent, _PID[0] = _PID[0], os.getpid()
    for w in list(_ALL):
        w._forget_in_child(parent)
    _OPEN.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def create(name, schema, dir=None, mode=0o600, *, heartbeat_period=_owner.DEFAULT_HEARTBEAT_PERIOD_S,
           heartbeat_thread=True, close_on_exit=True):
    """Creates region ``name`` (or takes a dead writer's over) and returns its ``Writer``.

    ``schema``: a schema file's path, its JSON text (or bytes), a parsed dict, or a ``shmtel.layout.Layout``.
    ``dir``: the region directory (default ``$SHMTEL_DIR``, else /dev/shm). ``mode``: the file's permission
    bits, applied with fchmod (0o600; 0o640 for a reader group; group or world write is refused).
    ``heartbeat_period``: seconds between beats (Java's default 0.1), written into the header for readers.
    ``heartbeat_thread``: False to call ``beat()`` yourself. ``close_on_exit``: close the region cleanly (CLOSED,
    not WRITER_DEAD) at interpreter exit and on SIGTERM (when SIGTERM has no handler of yours), as Java writers
    do; a SIGKILL still leaves WRITER_DEAD.

    Errors: ``InvalidRegionNameError``, ``RegionOwnedError`` (a live writer holds it; ``.pid``),
    ``NoSpaceError``, ``RegionPermissionError``, ``RegionNotFoundError`` (no such directory), ``SchemaError``.
    """
    layout = _layout_of(schema)
    if not heartbeat_period > 0:
        raise ValueError(f"heartbeat_period must be > 0 seconds: heartbeat_period={heartbeat_period!r}")
    period_ns = int(heartbeat_period * _NS_PER_S)
    owned = _owner.acquire(name, layout, dir, mode, period_ns)
    writer = Writer(owned, heartbeat_period, heartbeat_thread)
    if close_on_exit:
        _OPEN.add(writer)
        _install_exit_hooks()
    return writer


def _layout_of(schema):
    if isinstance(schema, L.Layout):
        return schema
    if isinstance(schema, (dict, bytes, bytearray)):
        return L.compile_schema(schema)
    if isinstance(schema, str) and schema.lstrip().startswith("{"):
        return L.compile_schema(schema)
    try:
        return L.load(schema)
    except OSError as e:
        raise SchemaError(os.fspath(schema), [f"cannot read the schema file: {e.strerror} (give the path of a "
                                              f"schema file, its JSON text, or a parsed dict)"]) from None


def _close_all_at_exit():
    for w in list(_OPEN):
        try:
            w.close()
        except Exception:  # noqa: BLE001 - exiting: close the others anyway
            pass


def _on_sigterm(signum, frame):
    for w in list(_OPEN):
        try:
            w._close_for_exit()
        except Exception:  # noqa: BLE001 - dying anyway: close the others
            pass
    # Die of SIGTERM as without this handler (exit status 143 in a shell).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _install_exit_hooks():
    if _EXIT_HOOKS:
        return
    _EXIT_HOOKS.append(True)
    atexit.register(_close_all_at_exit)
    if threading.current_thread() is threading.main_thread():
        try:
            if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
                signal.signal(signal.SIGTERM, _on_sigterm)
        except (ValueError, OSError):
            pass  # not the main interpreter: atexit only
