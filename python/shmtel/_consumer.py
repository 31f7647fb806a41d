"""The consumer's side of mailbox records: ``region.take(record)`` -> ``Message``, ``message.answer(code)``.

Taking and answering follow docs/format.md ("Mailbox records", rules 24 and 25): READY|n -> READING|own pid,
wake the state word (rule R6), store the own start time, copy the slot and check its index against n;
answer with holder start 0, the code (>= 1 for an error), READING|own pid -> EMPTY|k+1 or ERROR|k+1, wake.
A box held by a dead consumer is recovered (answered -1) by whoever looks at it, every 10 ms. The words and
the writer's side are in ``mailbox.py``.
"""

import mmap
import os
import stat
import threading
import time
from collections.abc import Mapping

from . import _atomics as atomics
from . import _linux
from . import layout as L
from .errors import CorruptRegionError, RegionClosedError, RegionPermissionError, ShmtelError
from .mailbox import (_U32, CONSUMER_DIED, DONE, EMPTY, ERROR, HOLDER_CHECK_S, MAX_SLEEP_S, READING, READY, _Box,
                      can_sleep, require_rmw, widen, word_of)

class Message(Mapping):
    """A message taken from a mailbox: its fields (a mapping, as a sample), ``index``, ``timestamp_ns``.

    Answer it exactly once: ``done()`` (``answer(0)``) or ``fail(code)`` (``answer(code)``, code >= 1); the
    writer's ``send`` returns that code. A context manager: leaving the ``with`` block answers ``done()``
    when nothing was answered, or ``fail(1)`` on an exception.
    """

    def __init__(self, consumer, sample):
        self._consumer = consumer
        self._sample = sample
        self.record = sample.record
        self.index = sample.index
        self.timestamp_ns = sample.timestamp_ns
        self.answered = False

    def __getitem__(self, name):
        return self._sample[name]

    def __iter__(self):
        return iter(self._sample)

    def __len__(self):
        return len(self._sample)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._sample, name)

    def raw(self, name):
        return self._sample.raw(name)

    def answer(self, code=DONE):
        """Answers the message: 0 done, >= 1 an error code. False when it had been answered for this consumer
        already (found dead, answered -1 by a recoverer: the answer is void)."""
        if not isinstance(code, int) or isinstance(code, bool) or code < 0 or code > (1 << 31) - 1:
            raise ValueError(f"an answer code is 0 (done) or an error code from 1 to {(1 << 31) - 1}: code={code!r}")
        if self.answered:
            raise ShmtelError(f"message {self.index} of mailbox \"{self._consumer.where}\" was already answered")
        self.answered = True
        return self._consumer.answer(self.index, code)

    def done(self):
        return self.answer(DONE)

    def fail(self, code=1):
        if code == DONE:
            raise ValueError("fail() needs an error code of 1 or more; use done() for success")
        return self.answer(code)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self.answered:
            self.answer(DONE if exc_type is None else 1)
        return False

    def __repr__(self):
        shown = ", ".join(f"{k}={v!r}" for k, v in self._sample.items())
        return f"Message({self.record}#{self.index} t={self.timestamp_ns}: {shown})"


def take(region, record, timeout=0.0):
    """``Region.take``: the next message of mailbox record ``record`` of an opened region, or None.

    ``timeout``: seconds to wait for one (0: look once; None: no limit). Answer the message (``done()``,
    ``fail(code)``) before taking the next. The consumer maps the region file writable (the handshake word is
    stored by consumers too), so it needs write permission on the file.
    """
    r = region._record(record)
    if not r.is_mailbox:
        raise ShmtelError(f"record \"{record}\" of region \"{region.name}\" is a ring, not a mailbox: read it with "
                          f"region.latest(\"{record}\") or region.stream(\"{record}\")")
    consumers = region.__dict__.setdefault("_consumers", {})
    c = consumers.get(record)
    try:
        named = os.stat(region.path, follow_symlinks=False)
        if (named.st_dev, named.st_ino) != region._m().ident:
            region.state  # noqa: B018 (follows a new file under the name: format.md, rule 18)
    except FileNotFoundError:
        pass
    m = region._m()
    if c is None or (c.ident != m.ident and c.held < 0):
        if c is not None:
            c.close()
        c = Consumer(region.name, region.path, m.layout, m.layout.record(record), region._numpy)
        consumers[record] = c
    return c.take(timeout)


def close_consumers(region):
    """Closes the consumers ``take`` opened on ``region`` (``Region.close``)."""
    for c in region.__dict__.pop("_consumers", {}).values():
        c.close()


class Consumer:
    """A consumer of one mailbox record of region file ``path``: its own read-write mapping of the file.

    Readers map regions read-only; taking and answering store the handshake word, so a consumer maps the file
    writable (it needs write permission on it) and stores only the mailbox words (format.md, rule 19).
    """

    def __init__(self, name, path, layout, record, numpy=None):
        """``numpy``: the numpy module for array fields (None: tuples)."""
        self.name = name
        self.path = path
        self.layout = layout
        self.record = record
        self.where = f"{name}/{record.name}"
        require_rmw(self.where)
        from .sample import Decoder  # the reader's decoding of a slot
        self.decoder = Decoder(record, numpy)
        self.sleeps = can_sleep()
        self.held = -1
        self.next_holder_check = 0.0
        self._fd = -1
        self._mm = None
        self._pin = None
        self.ident = None
        self.box = None
        self.lock = threading.RLock()  # take and answer against close (which unmaps) from another thread
        self.closing = False
        self._open()

    def _open(self):
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except PermissionError:
            raise RegionPermissionError(
                f"mailbox \"{self.where}\": taking messages stores the mailbox's handshake word, which needs write "
                f"permission on {self.path}; run the consumer as the writer's user") from None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o022 or st.st_size < self.layout.region_length:
                raise CorruptRegionError(f"mailbox \"{self.where}\": {self.path} is not the region it was opened as "
                                         f"(not a regular file, group/world-writable, or shorter than "
                                         f"{self.layout.region_length} bytes)")
            mm = mmap.mmap(fd, st.st_size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        except BaseException:
            os.close(fd)
            raise
        pin = atomics.Pin(mm)
        if (atomics.load_u32(pin.address + L.VERSION_OFFSET, atomics.ACQUIRE) == 0
                or int.from_bytes(mm[L.FINGERPRINT_OFFSET:L.FINGERPRINT_OFFSET + 8], "little")
                != self.layout.fingerprint):
            pin.release()
            mm.close()
            os.close(fd)
            raise CorruptRegionError(f"mailbox \"{self.where}\": {self.path} now holds another layout (a writer "
                                     f"replaced the region): open the region again")
        self._unmap()
        self._fd, self._mm, self._pin, self.ident = fd, mm, pin, (st.st_dev, st.st_ino)
        self.box = _Box(pin.address, self.record)

    def _follow(self):
        """Maps the file again when the name now refers to another file (a writer replaced the region)."""
        try:
            st = os.stat(self.path, follow_symlinks=False)
        except FileNotFoundError:
            return
        if (st.st_dev, st.st_ino) != self.ident and self.held < 0:
            self._open()

    def take(self, timeout=0.0):
        """The next message, or None when none came within ``timeout`` seconds (0: look once; None: no limit)."""
        with self.lock:
            if self._mm is None or self.closing:
                raise RegionClosedError(f"mailbox \"{self.where}\": this consumer is closed")
            if self.held >= 0:
                raise ShmtelError(f"mailbox \"{self.where}\": message {self.held} taken by this consumer is not "
                                  f"answered yet: answer it (message.done() or .fail(code)) before taking the next")
            deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
            self._follow()
            box = self.box
            while True:
                word = box.load_word()
                st = word & _U32
                if st == READY:
                    message = self._take(word)
                    if message is not None:
                        return message
                    continue
                if st == READING and time.monotonic() >= self.next_holder_check:
                    self.next_holder_check = time.monotonic() + HOLDER_CHECK_S
                    if box.recover(word):
                        continue
                now = time.monotonic()
                if deadline is not None and now >= deadline:
                    return None
                wait = MAX_SLEEP_S if deadline is None else min(MAX_SLEEP_S, deadline - now)
                if st == READING:
                    wait = min(wait, max(0.0, self.next_holder_check - now))
                box.sleep(word, wait, self.sleeps, lambda: self.closing)
                if self.closing:
                    raise RegionClosedError(f"mailbox \"{self.where}\": closed while waiting for a message")

    def _take(self, word):
        box = self.box
        n = word >> 32
        if not box.cas(word, word_of(READING, os.getpid())):
            return None  # another consumer took it
        # Rule R6: the take wakes too (the writer asleep for its answer starts its holder checks).
        box.wake_state()
        start = _linux.start_time()
        atomics.store_u64(box.holder_start, start if start is not None else 0, atomics.SEQ_CST)
        slot_offset = self.record.slot_offset(0)
        slot = bytes(self._mm[slot_offset:slot_offset + self.record.slot_length])
        seq = int.from_bytes(slot[:8], "little")
        k = seq // 2 - 1
        if seq < 2 or seq % 2 or (k + 1) & _U32 != n:
            # A box that a program outside this protocol wrote: answer it undeliverable so the writer gets an
            # answer and the box works again, and say the region is corrupt.
            published = atomics.load_u64(box.published, atomics.ACQUIRE)
            self.held = widen(n, published) - 1
            self._answer(self.held, CONSUMER_DIED)
            raise CorruptRegionError(f"mailbox \"{self.where}\": the box said READY with message count {n} but its "
                                     f"slot holds seq {seq} (expected {2 * n} = message {n - 1} complete); answered "
                                     f"it -1 (undeliverable): is another program writing this region?")
        self.held = k
        return Message(self, self.decoder.decode(slot, k))

    def answer(self, k, code):
        """READING|own pid -> EMPTY|k+1 (code 0) or ERROR|k+1; False when the message was answered for us."""
        with self.lock:
            if self._mm is None:
                raise RegionClosedError(f"mailbox \"{self.where}\": closed before message {k} was answered (its "
                                        f"writer finds this consumer dead once the process ends, or gets -1)")
            return self._answer(k, code)

    def _answer(self, k, code):
        box = self.box
        self.held = -1
        atomics.store_u64(box.holder_start, 0, atomics.SEQ_CST)
        if code != DONE:
            atomics.store_u32(box.code, code & _U32, atomics.SEQ_CST)
        ok = box.cas(word_of(READING, os.getpid()), word_of(EMPTY if code == DONE else ERROR, k + 1))
        box.wake_state()
        return ok

    def close(self):
        """Ends a take() waiting in another thread (it raises RegionClosedError), then unmaps. Idempotent."""
        self.closing = True
        if self.box is not None and self._mm is not None:
            _linux.futex_wake(self.box.word)
        with self.lock:
            self._unmap()

    def _unmap(self):
        self.box = None
        if self._pin is not None:
            self._pin.release()
            self._pin = None
        if self._mm is not None:
            self._mm.close()
            self._mm = None
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
