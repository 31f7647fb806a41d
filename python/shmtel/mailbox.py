"""Mailbox records (docs/format.md, "Mailbox records"): one message at a time, each answered exactly once.

The writer's side is ``Writer.send(record, **fields)``: it puts the message when the box is EMPTY (first
collecting an ERROR answer), then waits for its answer and returns the code: ``DONE`` (0), the consumer's
error code (1 or more), or ``CONSUMER_DIED`` (-1) when the consumer that held it died. The consumer's side
is ``region.take(record)`` -> a ``Message`` or None, and ``message.answer(code)`` (``done()``, ``fail(code)``),
in ``_consumer.py``.

The handshake word (block +8, u64, changed only by compare-and-swap, every access sequentially
consistent): low half the state (EMPTY 0, READY 1, READING 2, ERROR 3; the futex word), high half the
holder's pid while READING, else a count's low 32 bits::

    writer, put message k:  EMPTY|n (ERROR|n: read the code, ERROR|n -> EMPTY|n); write slot k (seqlock stores,
                            no published); EMPTY|n -> READY|k+1; published = k+1 (release); wake both words
    consumer, take:         READY|n -> READING|own pid; wake; holder start = own start time; copy the slot,
                            check seq = 2k+2 with (k+1) mod 2^32 = n
    consumer, answer k:     holder start = 0; (code c >= 1); READING|own pid -> EMPTY|k+1 or ERROR|k+1; wake
    anyone, recover:        the slot's message, the word READING|p, p dead (ESRCH, or a readable start time
                            that differs), the slot unchanged; holder start = 0; READING|p -> READING|own pid;
                            code = -1; READING|own pid -> ERROR|k+1; recovered += 1; wake

A writer that takes a region over numbers its next message past what a dead writer put or wrote (rule
R7: ``k' = max(widen(count), 1 + the slot's index)``; in EMPTY|n with k' > n it first swaps EMPTY|n ->
EMPTY|k', and that message is never delivered) and repairs ``published`` when the dead writer died
between its READY swap and storing it.
"""

import os
import threading
import time

from . import _atomics as atomics
from . import _linux
from . import layout as L
from .errors import CorruptRegionError, RegionClosedError, ShmtelError
from .writer import stamped

EMPTY, READY, READING, ERROR = 0, 1, 2, 3
STATE_NAMES = {EMPTY: "EMPTY", READY: "READY", READING: "READING", ERROR: "ERROR"}
#: ``Writer.send``'s answer: the consumer handled the message.
DONE = 0
#: ``Writer.send``'s answer: the consumer died holding the message (found dead and answered by a recoverer).
CONSUMER_DIED = -1
#: How often a side waiting on a READING box checks whether its holder is alive (Java: 10 ms).
HOLDER_CHECK_S = 0.010
#: The longest single sleep on the state word; every wait looks again at least this often.
MAX_SLEEP_S = 1.0
#: The poll interval of a side that cannot sleep in the kernel (no writable mapping, no membarrier).
POLL_S = 0.001
_U32 = 0xFFFFFFFF
_NS_PER_S = 1_000_000_000


class MailboxTimeoutError(ShmtelError, TimeoutError):
    """``send`` found no room in the box, or no answer, within its timeout.

    ``put``: whether the message went into the box (then ``index`` is its index and its answer is collected by
    the next ``send``; it is not sent again).
    """

    def __init__(self, message, put, index):
        super().__init__(message)
        self.put = put
        self.index = index


def word_of(state, high):
    return (state & _U32) | ((high & _U32) << 32)


def widen(low, near):
    """The full count whose low 32 bits are ``low``, within 2^31 of ``near`` (MailboxWords.widen)."""
    d = (low - near) & _U32
    if d >= 1 << 31:
        d -= 1 << 32
    return near + d


def _signed32(v):
    return v - (1 << 32) if v >= 1 << 31 else v


def _signed64(v):
    return v - (1 << 64) if v >= 1 << 63 else v


class _Box:
    """The addresses of one mailbox record's words in a mapping (writable: the writer's, or a consumer's own)."""

    def __init__(self, base, record):
        block = base + record.block_offset
        self.record = record
        self.published = block + L.PUBLISHED_OFFSET
        self.word = block + L.MAILBOX_STATE_OFFSET
        self.code = block + L.MAILBOX_CODE_OFFSET
        self.holder_start = block + L.MAILBOX_HOLDER_START_OFFSET
        self.recovered = block + L.MAILBOX_RECOVERED_OFFSET
        self.sleepers = block + L.SLEEPERS_OFFSET
        self.pids = block + L.SLEEPER_PIDS_OFFSET
        self.seq = base + record.slot_offset(0) + L.SEQ_OFFSET

    def load_word(self):
        return atomics.load_u64(self.word, atomics.SEQ_CST)

    def cas(self, expected, new):
        return atomics.cas_u64(self.word, expected, new)[0]

    def slot_message(self):
        """The index of the message in the slot (seq 2k+2), -1 when it holds no complete message."""
        seq = atomics.load_u64(self.seq, atomics.SEQ_CST)
        return seq // 2 - 1 if seq >= 2 and seq % 2 == 0 else -1

    def slot_index(self):
        """The index the slot shows complete or in progress, -1 when never written."""
        seq = atomics.load_u64(self.seq, atomics.SEQ_CST)
        return -1 if seq == 0 else (seq - 1) // 2

    def wake_state(self):
        """After a transition (seq_cst): load the sleeper bits, wake the state word when one is set."""
        atomics.fence(atomics.SEQ_CST)
        if atomics.load_u32(self.sleepers, atomics.RELAXED) != 0:
            _linux.futex_wake(self.word)

    def wake_published(self):
        """After a store of ``published``: full fence, the sleeper bits (relaxed), FUTEX_WAKE when one is set.

        Without libatomic (no full fence here) the writer registered for membarrier: sleepers fence for it.
        """
        if atomics.HAVE_RMW:
            atomics.fence(atomics.SEQ_CST)
        if atomics.load_u32(self.sleepers, atomics.RELAXED) != 0:
            _linux.futex_wake(self.published)

    def holder_dead(self, word):
        """READING|p with p gone: ESRCH, or a readable start time that is not the non-zero one the holder stored."""
        pid = _signed32(word >> 32)
        if word & _U32 != READING or pid <= 0:
            return False
        if not _linux.process_exists(pid):
            return True
        start = _signed64(atomics.load_u64(self.holder_start, atomics.SEQ_CST))
        if start <= 0:
            return False  # no start time stored (yet, or a recoverer holds it): the pid alone decides
        now = _linux.start_time(pid)
        return now is not None and now != start

    def recover(self, word):
        """Answers CONSUMER_DIED for a dead holder's message (never delivers it again); True when this call did."""
        k = self.slot_message()
        if k < 0:
            return False  # not a message the writer put: nothing to answer
        # The slot around the liveness check: the holder start it reads is this message's holder's only when
        # the box did not move on meanwhile (spec/mailbox.pml, live_holder_never_taken).
        if self.load_word() != word or not self.holder_dead(word) or self.slot_message() != k:
            return False
        atomics.store_u64(self.holder_start, 0, atomics.SEQ_CST)
        own = word_of(READING, os.getpid())
        if not self.cas(word, own):
            return False  # someone moved first
        held = self.slot_message()  # again: nobody writes the slot while the box is held
        if held >= 0:
            k = held
        atomics.store_u32(self.code, CONSUMER_DIED & _U32, atomics.SEQ_CST)
        if not self.cas(own, word_of(ERROR, k + 1)):
            return False
        atomics.fetch_add_u64(self.recovered, 1)
        self.wake_state()
        return True

    def sleep(self, seen, timeout_s, can_sleep, closed=lambda: False):
        """Sleeps on the state word while it is ``seen`` (the whole u64), at most ``timeout_s``.

        The sleeper protocol of format.md: claim a sleeper slot (CAS pid 0 -> own pid), set its bit, membarrier,
        look again (and at ``closed()``: a close wakes sleepers), FUTEX_WAIT on the low half, then clear the bit
        and free the slot. Polls (at most every 1 ms)
        where it cannot sleep in the kernel or every sleeper slot is taken.
        """
        if timeout_s <= 0:
            return
        if not can_sleep:
            time.sleep(min(timeout_s, POLL_S))
            return
        pid = os.getpid()
        slot = -1
        for i in range(L.SLEEPER_SLOTS):
            address = self.pids + 4 * i
            if atomics.load_u32(address, atomics.RELAXED) == 0 and atomics.cas_u32(address, 0, pid)[0]:
                slot = i
                break
        if slot < 0:
            time.sleep(min(timeout_s, POLL_S))
            return
        try:
            atomics.fetch_or_u32(self.sleepers, 1 << slot)
            _linux.membarrier(_linux.MEMBARRIER_CMD_GLOBAL_EXPEDITED)
            atomics.fence(atomics.SEQ_CST)
            if atomics.load_u64(self.word, atomics.ACQUIRE) != seen or closed():
                return
            _linux.futex_wait(self.word, seen & _U32, int(timeout_s * _NS_PER_S))
        finally:
            atomics.fetch_and_u32(self.sleepers, ~(1 << slot) & _U32)
            atomics.store_u32(self.pids + 4 * slot, 0, atomics.RELEASE)


def require_rmw(where):
    """Mailboxes move their word by compare-and-swap: refuse before touching anything when the shim has none."""
    if not atomics.HAVE_RMW:
        raise atomics.AtomicsUnavailableError(
            f"mailbox \"{where}\": mailboxes need compare-and-swap, which needs libatomic.so.1 (it did not load). "
            f"Fix: install libatomic1 (Debian/Ubuntu: apt-get install libatomic1)")


def can_sleep():
    """Whether this process can sleep on a word (compare-and-swap for the sleeper slot, and membarrier)."""
    return atomics.HAVE_RMW and _linux.global_barrier_available()


# ---------------------------------------------------------------------- the writer's side
class SenderState:
    """The writer's view of one mailbox record: the box's words, the next index, the pending message."""

    def __init__(self, writer, record_state):
        self.writer = writer
        self.rs = record_state
        self.box = _Box(writer._base, record_state.record)
        self.lock = threading.Lock()
        self.pending = -1
        self.last_index = -1
        self.last_code = DONE
        self.skipped = 0
        self.next_holder_check = 0.0
        self.sleeps = can_sleep()
        self._take_over()

    def _take_over(self):
        """The next index by the mailbox rules; repairs ``published``; R7's skip; an unread answer collected."""
        box = self.box
        rs = self.rs
        word = box.load_word()
        published = atomics.load_u64(box.published, atomics.ACQUIRE)
        if word & _U32 == READING:
            put = max(published, box.slot_message() + 1)
        else:
            put = max(published, widen(word >> 32, published))
        nxt = published
        if put > nxt:
            # A writer that died between putting a message (READY swap) and counting it.
            atomics.store_u64(box.published, put, atomics.RELEASE)
            box.wake_published()  # a reader asleep on published (seen: the old count) is woken, as by a put
            nxt = put
        after_slot = box.slot_index() + 1
        if word & _U32 == EMPTY and after_slot > put:
            # A writer that died after writing message after_slot-1 into the slot (or while writing it), before
            # putting it: a subscriber may have read it, so that index is never written again (rule R7). It was
            # never put: counted answered, never delivered.
            skipped = word_of(EMPTY, after_slot)
            if not box.cas(word, skipped):
                raise self._corrupt(box.load_word())
            word = skipped
            self.skipped = after_slot - put
            nxt = after_slot
        rs.next = nxt
        self._collect(word)

    def _collect(self, word):
        """Reads the answer to the pending message when there is one; empties an ERROR box."""
        st = word & _U32
        if st == EMPTY:
            if self.pending >= 0:
                self._answered(self.pending, DONE)
        elif st == ERROR:
            code = _signed32(atomics.load_u32(self.box.code, atomics.SEQ_CST))
            message = widen(word >> 32, self.rs.next) - 1
            if not self.box.cas(word, word_of(EMPTY, word >> 32)):
                raise self._corrupt(self.box.load_word())
            self._answered(message, code)
        elif st not in (READY, READING):
            raise self._corrupt(word)

    def _answered(self, message, code):
        self.last_index = message
        self.last_code = code
        self.pending = -1

    def _corrupt(self, word):
        return CorruptRegionError(
            f"mailbox \"{self.writer.name}/{self.rs.record.name}\": state word "
            f"{STATE_NAMES.get(word & _U32, f'INVALID({word & _U32})')} (holder pid {_signed32(word >> 32)}) "
            f"changed under its writer: only consumers and this writer may move it; is another program writing "
            f"this region?")

    def _recover_if_due(self, word):
        now = time.monotonic()
        if now < self.next_holder_check:
            return False
        self.next_holder_check = now + HOLDER_CHECK_S
        return self.box.recover(word)

    def _offer(self, payload, stamp):
        """Puts the message when the box is EMPTY; returns (put, the word seen)."""
        w = self.writer
        with w._lock:
            w._check_open()
            word = self.box.load_word()
            self._collect(word)
            if word & _U32 == ERROR:
                word = self.box.load_word()  # _collect emptied it
            if word & _U32 != EMPTY:
                return False, word
            k = self.rs.next
            self.rs.write_slot(k, stamped(stamp, payload))
            if not self.box.cas(word, word_of(READY, k + 1)):
                raise self._corrupt(self.box.load_word())
            atomics.store_u64(self.box.published, k + 1, atomics.RELEASE)
            self.rs.next = k + 1
            # Both words: readers asleep on published, consumers asleep on the state.
            atomics.fence(atomics.SEQ_CST)
            if atomics.load_u32(self.box.sleepers, atomics.RELAXED) != 0:
                _linux.futex_wake(self.box.published)
                _linux.futex_wake(self.box.word)
            self.pending = k
            return True, word_of(READY, k + 1)

    def _wait(self, word, deadline):
        """One wait while the box is READY or READING; False when the deadline passed."""
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            return False
        if self.writer.closed:
            raise RegionClosedError(f"mailbox \"{self.writer.name}/{self.rs.record.name}\": its writer closed")
        st = word & _U32
        if st not in (READY, READING):
            return True
        wait = MAX_SLEEP_S if deadline is None else min(MAX_SLEEP_S, deadline - now)
        if st == READING:
            if self._recover_if_due(word):
                return True
            wait = min(wait, max(0.0, self.next_holder_check - now))
        self.box.sleep(word, wait, self.sleeps, lambda: self.writer.closed)
        return True

    def send(self, payload, timeout):
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        where = f"mailbox \"{self.writer.name}/{self.rs.record.name}\""
        with self.lock:
            while True:
                put, word = self._offer(payload, time.monotonic_ns())
                if put:
                    break
                if not self._wait(word, deadline):
                    raise MailboxTimeoutError(
                        f"{where}: no room within {timeout} s: the box still holds message {self.pending} "
                        f"({STATE_NAMES.get(word & _U32)}) and no consumer answered it; this message was not put",
                        False, -1)
            k = self.pending
            while True:
                with self.writer._lock:
                    self.writer._check_open()
                    word = self.box.load_word()
                    self._collect(word)
                if self.pending < 0:
                    return self.last_code
                if not self._wait(word, deadline):
                    raise MailboxTimeoutError(
                        f"{where}: message {k} was put but not answered within {timeout} s (state "
                        f"{STATE_NAMES.get(word & _U32)}); it stays in the box: the next send collects its answer",
                        True, k)


def send(writer, record, values, timeout):
    """``Writer.send``: see there."""
    rs = writer._record(record)
    if not rs.record.is_mailbox:
        raise ShmtelError(f"record \"{record}\" of region \"{writer.name}\" is a ring, not a mailbox: publish to it "
                          f"with writer.publish(\"{record}\", ...)")
    payload = rs.encoder.encode(values)
    require_rmw(f"{writer.name}/{record}")
    return rs.sender.send(payload, timeout)
