"""Mailbox records between Python processes: send/take/answer, codes, recovery of a dead consumer, rule R7.

Java <-> Python mailboxes are tested in tools' PythonWriterTest.
"""

import mmap
import os
import struct
import subprocess
import sys
import textwrap
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import shmtel  # noqa: E402
from shmtel import layout as L  # noqa: E402
from shmtel import _consumer, mailbox  # noqa: E402

from test_writer import PYTHON_DIR, EXAMPLES, read, shm_dir, stop  # noqa: E402

COMMANDS = os.path.join(EXAMPLES, "commands.json")
ARM = os.path.join(EXAMPLES, "arm.json")


def consumer_of(writer):
    return _consumer.Consumer(writer.name, writer.path, writer.layout, writer.layout.record("arm_command"))


class MailboxTest(unittest.TestCase):
    def setUp(self):
        self.dir = shm_dir(self)
        self.rec = L.load(COMMANDS).record("arm_command")

    def word(self, path):
        return struct.unpack_from("<Q", read(path), self.rec.block_offset + L.MAILBOX_STATE_OFFSET)[0]

    def test_each_message_is_taken_once_in_order_and_its_answer_code_returned(self):
        with shmtel.create("mb", COMMANDS, dir=self.dir) as w:
            c = consumer_of(w)
            self.addCleanup(c.close)
            seen = []

            def consume():
                for i in range(30):
                    m = c.take(timeout=10)
                    seen.append((m.index, m["request_id"], m.mode, tuple(m.target)))
                    m.answer(i % 4)

            t = threading.Thread(target=consume)
            t.start()
            codes = [w.send("arm_command", request_id=i, mode="MOVE", target=[i] * 6, timeout=10) for i in range(30)]
            t.join(30)
            self.assertEqual([i % 4 for i in range(30)], codes)
            self.assertEqual([(i, i, "MOVE", (float(i),) * 6) for i in range(30)], seen)
            self.assertEqual(mailbox.word_of(mailbox.EMPTY, 30), self.word(w.path))
            self.assertEqual(30, w.next_index("arm_command"))

    def test_region_take_looks_once_by_default_and_an_unanswered_message_blocks_the_next_take(self):
        with shmtel.create("mb", COMMANDS, dir=self.dir) as w, shmtel.open("mb", dir=self.dir) as region:
            self.assertIsNone(region.take("arm_command"))
            result = []
            t = threading.Thread(target=lambda: result.append(w.send("arm_command", request_id=7, timeout=10)))
            t.start()
            m = region.take("arm_command", timeout=10)
            self.assertEqual((0, 7), (m.index, m.request_id))
            self.assertEqual(mailbox.word_of(mailbox.READING, os.getpid()), self.word(w.path))
            with self.assertRaisesRegex(shmtel.ShmtelError, "not answered yet"):
                region.take("arm_command")
            with m:
                pass  # leaving the block answers done
            t.join(10)
            self.assertEqual([shmtel.DONE], result)
            with self.assertRaisesRegex(shmtel.ShmtelError, "already answered"):
                m.done()
            with self.assertRaises(ValueError):
                m.answer(-1)
        with shmtel.create("ring", ARM, dir=self.dir), shmtel.open("ring", dir=self.dir) as region:
            with self.assertRaisesRegex(shmtel.ShmtelError, "is a ring, not a mailbox"):
                region.take("joint_state")

    def test_send_times_out_saying_whether_the_message_was_put(self):
        with shmtel.create("mb", COMMANDS, dir=self.dir) as w:
            with self.assertRaises(shmtel.MailboxTimeoutError) as caught:
                w.send("arm_command", request_id=1, timeout=0.1)
            self.assertTrue(caught.exception.put)
            self.assertEqual(0, caught.exception.index)
            with self.assertRaises(shmtel.MailboxTimeoutError) as caught:
                w.send("arm_command", request_id=2, timeout=0.1)
            self.assertFalse(caught.exception.put, "the box still holds message 0")
            with self.assertRaisesRegex(shmtel.ShmtelError, "is a mailbox"):
                w.publish("arm_command")
        with shmtel.create("ring", ARM, dir=self.dir) as w:
            with self.assertRaisesRegex(shmtel.ShmtelError, "is a ring"):
                w.send("joint_state")

    def test_a_consumer_killed_holding_a_message_is_answered_consumer_died(self):
        with shmtel.create("mb", COMMANDS, dir=self.dir) as w:
            holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
                import os, sys, time, shmtel
                region = shmtel.open("mb", dir=os.path.dirname(sys.argv[1]))
                m = region.take("arm_command", timeout=30)
                print("holding", m.index, flush=True)
                time.sleep(60)
            """), w.path, COMMANDS], env=dict(os.environ, PYTHONPATH=PYTHON_DIR), stdout=subprocess.PIPE, text=True)
            self.addCleanup(stop, holder)
            result = []
            t = threading.Thread(target=lambda: result.append(w.send("arm_command", request_id=1, timeout=30)))
            t.start()
            self.assertEqual("holding 0\n", holder.stdout.readline())
            holder.kill()
            holder.wait()
            t.join(30)
            self.assertEqual([shmtel.CONSUMER_DIED], result)
            recovered = struct.unpack_from("<Q", read(w.path), self.rec.block_offset + L.MAILBOX_RECOVERED_OFFSET)[0]
            self.assertEqual(1, recovered)
            # The box works again: the next message goes to a live consumer.
            c = consumer_of(w)
            self.addCleanup(c.close)
            t = threading.Thread(target=lambda: result.append(w.send("arm_command", request_id=2, timeout=30)))
            t.start()
            m = c.take(timeout=10)
            self.assertEqual((1, 2), (m.index, m.request_id))
            m.fail(9)
            t.join(30)
            self.assertEqual([shmtel.CONSUMER_DIED, 9], result)

    def test_a_new_writer_skips_a_message_its_predecessor_wrote_but_never_put(self):
        with shmtel.create("mb", COMMANDS, dir=self.dir) as w:
            path = w.path
        # A writer that died after writing message 0 into the slot (seq 2) before its READY swap: EMPTY|0.
        with open(path, "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
            struct.pack_into("<Q", m, self.rec.slot_offset(0), 2)
        with shmtel.create("mb", COMMANDS, dir=self.dir) as w:
            self.assertEqual(1, w.next_index("arm_command"))
            self.assertEqual(mailbox.word_of(mailbox.EMPTY, 1), self.word(path))
            c = consumer_of(w)
            self.addCleanup(c.close)
            result = []
            t = threading.Thread(target=lambda: result.append(w.send("arm_command", request_id=5, timeout=10)))
            t.start()
            m = c.take(timeout=10)
            self.assertEqual(1, m.index)
            m.done()
            t.join(10)

    def test_a_writer_that_died_between_put_and_published_is_repaired(self):
        with shmtel.create("mb", COMMANDS, dir=self.dir) as w:
            path = w.path
        # Message 0 written and put (READY|1) but published never stored.
        with open(path, "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
            struct.pack_into("<Q", m, self.rec.slot_offset(0), 2)
            struct.pack_into("<Q", m, self.rec.block_offset + L.MAILBOX_STATE_OFFSET,
                             mailbox.word_of(mailbox.READY, 1))
        with shmtel.create("mb", COMMANDS, dir=self.dir) as w:
            self.assertEqual(1, struct.unpack_from("<Q", read(path), self.rec.block_offset)[0])
            self.assertEqual(1, w.next_index("arm_command"))
            c = consumer_of(w)
            self.addCleanup(c.close)
            m = c.take(timeout=1)
            self.assertEqual(0, m.index, "the dead writer's message is still delivered")
            m.done()

    def test_the_repair_of_published_wakes_a_reader_asleep_on_it(self):
        # A dead writer of a long heartbeat period: the reader's sleeps are not cut short by its liveness checks.
        with shmtel.create("mb", COMMANDS, dir=self.dir, heartbeat_period=60) as w:
            path = w.path
        with open(path, "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
            struct.pack_into("<Q", m, self.rec.slot_offset(0), 2)
            struct.pack_into("<Q", m, self.rec.block_offset + L.MAILBOX_STATE_OFFSET,
                             mailbox.word_of(mailbox.READY, 1))
        r = shmtel.open("mb", self.dir)
        self.addCleanup(r.close)
        self.assertTrue(r.sleeps, r.sleep_refusal)
        result = []
        t = threading.Thread(target=lambda: result.append(r.wait("arm_command", timeout=8, seen=0)))
        t.start()
        bits = self.rec.block_offset + L.SLEEPERS_OFFSET
        deadline = time.monotonic() + 5
        while struct.unpack_from("<I", read(path), bits)[0] == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.05)   # the reader is in FUTEX_WAIT (or about to be: then it sees the new count first)
        start = time.monotonic()
        with shmtel.create("mb", COMMANDS, dir=self.dir):
            t.join(10)
        self.assertEqual([True], result)
        self.assertLess(time.monotonic() - start, 4, "the reader slept on after published was repaired")

    def test_a_slot_that_disagrees_with_the_ready_count_is_answered_undeliverable(self):
        with shmtel.create("mb", COMMANDS, dir=self.dir) as w:
            c = consumer_of(w)
            self.addCleanup(c.close)
            with open(w.path, "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
                struct.pack_into("<Q", m, self.rec.block_offset + L.MAILBOX_STATE_OFFSET,
                                 mailbox.word_of(mailbox.READY, 4))
            with self.assertRaises(shmtel.CorruptRegionError):
                c.take()
            self.assertEqual(mailbox.word_of(mailbox.ERROR, 4), self.word(w.path))

    def test_closing_while_another_thread_sends_or_takes_ends_the_wait_with_an_error(self):
        errors = []

        def run(call):
            try:
                call()
            except shmtel.RegionClosedError as e:
                errors.append(str(e))

        w = shmtel.create("mb", COMMANDS, dir=self.dir)
        sender = threading.Thread(target=run, args=(lambda: w.send("arm_command", timeout=None),))
        sender.start()
        region = shmtel.open("mb", dir=self.dir)
        m = region.take("arm_command", timeout=10)
        m.done()  # message 0 answered; the next take waits
        taker = threading.Thread(target=run, args=(lambda: region.take("arm_command", timeout=None),))
        taker.start()
        sender.join(10)
        sender = threading.Thread(target=run, args=(lambda: w.send("arm_command", timeout=None),))
        sender.start()  # message 1 goes to the waiting taker or stays; a third send waits for room
        time.sleep(0.2)
        region.close()
        taker.join(10)
        w.close()
        sender.join(10)
        self.assertFalse(taker.is_alive() or sender.is_alive())
        self.assertTrue(any("closed" in e for e in errors), errors)

    def test_widen_recovers_the_full_count_within_two_to_the_31(self):
        for near in (0, 5, 2**32 - 1, 2**32, 2**40 + 7):
            for delta in (-2, -1, 0, 1, 2):
                full = near + delta
                if full >= 0:
                    self.assertEqual(full, mailbox.widen(full & 0xFFFFFFFF, near))


class WithoutLibatomicTest(unittest.TestCase):
    """x86-64 without libatomic: writers publish (registered for membarrier), mailboxes refuse with the fix."""

    def test_publish_works_and_send_says_libatomic_is_needed(self):
        if not shmtel._atomics._X86_64:
            self.skipTest("plain accesses are x86-64 only")
        directory = shm_dir(self)
        code = textwrap.dedent("""
            import sys, shmtel
            assert shmtel._atomics.BACKEND == "x86-64 plain", shmtel._atomics.BACKEND
            with shmtel.create("ring", sys.argv[1]) as w:
                w.publish("joint_state", position=[1] * 6)
            with shmtel.create("mb", sys.argv[2]) as w, shmtel.open("mb") as region:
                for attempt in (lambda: w.send("arm_command"), lambda: region.take("arm_command")):
                    try:
                        attempt()
                    except shmtel.ShmtelError as e:
                        print(type(e).__name__, e)
                assert w.next_index("arm_command") == 0
        """)
        env = dict(os.environ, PYTHONPATH=PYTHON_DIR, SHMTEL_DIR=directory, SHMTEL_PY_NO_LIBATOMIC="1")
        out = subprocess.run([sys.executable, "-c", code, ARM, COMMANDS], env=env, capture_output=True, text=True,
                             timeout=60)
        self.assertEqual(0, out.returncode, out.stderr)
        refusal = "AtomicsUnavailableError mailbox \"mb/arm_command\": mailboxes need compare-and-swap"
        self.assertEqual(2, out.stdout.count(refusal), out.stdout)
        self.assertIn("libatomic1", out.stdout)
        self.assertEqual(1, struct.unpack_from("<Q", read(os.path.join(directory, "shmtel.ring")),
                                               L.load(ARM).records[0].block_offset)[0])


if __name__ == "__main__":
    unittest.main()
