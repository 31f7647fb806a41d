"""The reader: open checks, writer states, latest, stream (lost counts), wait (futex), against fake_writer regions."""

import json
import mmap
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import shmtel  # noqa: E402
from shmtel import State, counter  # noqa: E402
from shmtel import layout as L  # noqa: E402
from shmtel.sample import numpy_module  # noqa: E402
from fake_writer import FakeWriter  # noqa: E402

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schema", "examples")
COUNTER = {"schema": "t", "version": 1, "records": [
    {"name": "c", "depth": 4, "fields": [{"name": "k", "type": "i64"}, {"name": "label", "type": "string",
                                                                         "length": 8}]}]}


def example(name):
    with open(os.path.join(EXAMPLES, name + ".json")) as f:
        return f.read()


def tmpfs_dir():
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    return tempfile.mkdtemp(prefix="shmtel-pytest-", dir=base)


class RegionTestCase(unittest.TestCase):
    def setUp(self):
        self.dir = tmpfs_dir()
        self.writers = []
        self.regions = []

    def tearDown(self):
        for r in self.regions:
            r.close()
        for w in self.writers:
            w.drop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def writer(self, schema=None, name="t", **kw):
        w = FakeWriter(self.dir, name, schema or COUNTER, **kw)
        self.writers.append(w)
        return w

    def open(self, name="t", **kw):
        r = shmtel.open(name, self.dir, **kw)
        self.regions.append(r)
        return r

    def refused(self, error, *fragments, name="t", **kw):
        with self.assertRaises(error) as caught:
            self.open(name, **kw)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))
        return str(caught.exception)


class OpenChecks(RegionTestCase):
    def test_a_bad_name_is_refused_before_any_file_call(self):
        for name in ("../x", ".hidden", "_x", "-x", "", "a/b", "x" * 129, "é"):
            with self.subTest(name=name), self.assertRaises(shmtel.InvalidRegionNameError) as caught:
                shmtel.open(name, "/nonexistent-dir")
            self.assertIn("[A-Za-z0-9][A-Za-z0-9._-]{0,127}", str(caught.exception))
            # readers and writers say the same, whole rule
            self.assertIn("not starting with '.', '_' or '-'", str(caught.exception))

    def test_a_missing_region_or_directory_is_not_found_with_the_fix(self):
        self.refused(shmtel.RegionNotFoundError, 'region "t" not found: no file', "is its writer running?")
        with self.assertRaises(shmtel.RegionNotFoundError) as caught:
            shmtel.open("t", os.path.join(self.dir, "nope"))
        self.assertIn("directory", str(caught.exception))
        self.assertIn("does not exist (set SHMTEL_DIR", str(caught.exception))

    def test_the_directory_comes_from_shmtel_dir(self):
        self.writer()
        old = os.environ.get("SHMTEL_DIR")
        os.environ["SHMTEL_DIR"] = self.dir
        try:
            with shmtel.open("t") as r:
                self.assertEqual(os.path.join(self.dir, "shmtel.t"), r.path)
        finally:
            if old is None:
                del os.environ["SHMTEL_DIR"]
            else:
                os.environ["SHMTEL_DIR"] = old

    def test_links_fifos_and_directories_are_refused(self):
        os.symlink("/etc/passwd", os.path.join(self.dir, "shmtel.link"))
        self.refused(shmtel.RegionPermissionError, "is a symbolic link", "remove it", name="link")
        os.mkfifo(os.path.join(self.dir, "shmtel.fifo"))
        self.refused(shmtel.RegionPermissionError, "is not a regular file (a FIFO", name="fifo")
        os.mkdir(os.path.join(self.dir, "shmtel.dir"))
        self.refused(shmtel.RegionPermissionError, "not a regular file", name="dir")

    def test_a_file_group_or_others_may_write_is_refused_even_for_any_owner(self):
        self.writer(mode=0o620)
        self.refused(shmtel.RegionPermissionError, "has mode 0620", "chmod go-w", any_owner=True)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to give the file to another user")
    def test_a_file_of_another_user_is_refused_unless_trusted(self):
        w = self.writer()
        os.fchown(w.fd, 12345, -1)
        self.refused(shmtel.RegionPermissionError, "owned by uid 12345", "any_owner=True")
        self.assertEqual(State.LIVE, self.open(any_owner=True).state)

    def test_an_empty_file_and_a_version_0_are_waited_for_then_not_ready(self):
        open(os.path.join(self.dir, "shmtel.empty"), "w").close()
        os.chmod(os.path.join(self.dir, "shmtel.empty"), 0o600)
        start = time.monotonic()
        self.refused(shmtel.RegionNotReadyError, "is an empty file after 200 ms", "shmtel rm empty", name="empty",
                     init_timeout=0.2)
        self.assertGreaterEqual(time.monotonic() - start, 0.2)
        self.writer(version=0)
        self.refused(shmtel.RegionNotReadyError, "still being created", "format version word is 0",
                     init_timeout=0.1)

    def test_a_region_completed_during_the_wait_opens(self):
        w = self.writer(version=0)
        threading.Timer(0.1, lambda: w.mm.__setitem__(slice(8, 12), L.FORMAT_VERSION.to_bytes(4, "little"))).start()
        self.assertEqual("1.2", self.open(init_timeout=2).format_version)

    def test_corrupt_headers_name_the_offset_the_value_and_what_was_expected(self):
        cases = [
            (0, b"XHMTEL\0\0", shmtel.CorruptRegionError, "wrong magic at offset 0"),
            (8, (2 << 16).to_bytes(4, "little"), shmtel.IncompatibleRegionError, "format version 2.0, this shmtel "
                                                                                 "reads 1.x"),
            (12, (4097).to_bytes(4, "little"), shmtel.CorruptRegionError, "header length 4097 at offset 12"),
            (16, (1 << 40).to_bytes(8, "little"), shmtel.CorruptRegionError, "shorter than the 1099511627776 bytes"),
            (24, (5).to_bytes(8, "little"), shmtel.CorruptRegionError, "header fingerprint 0x0000000000000005 does "
                                                                        "not match its embedded schema"),
            (32, (0).to_bytes(4, "little"), shmtel.CorruptRegionError, "record count 0 at offset 32; expected 1 to "
                                                                        "256"),
            (36, (255).to_bytes(4, "little"), shmtel.CorruptRegionError, "record table offset 255 at offset 36"),
            (44, (10 ** 6).to_bytes(4, "little"), shmtel.CorruptRegionError, "schema text length 1000000"),
            (256, b"d", shmtel.CorruptRegionError, "record 0 name b'd' at offset 256"),
            (256 + 92, (8).to_bytes(4, "little"), shmtel.CorruptRegionError, "record c depth 8 at offset 348; "
                                                                              "expected 4"),
            (256 + 104, (1).to_bytes(4, "little"), shmtel.CorruptRegionError, "record c sync 1 at offset 360; "
                                                                               "expected 0 (ring)"),
            (384, b"[", shmtel.CorruptRegionError, "embedded schema at offset 384 is invalid"),
            (384, b"\xff", shmtel.CorruptRegionError, "embedded schema at offset 384 is not UTF-8"),
        ]
        for offset, data, error, message in cases:
            with self.subTest(message=message):
                w = self.writer(name="c")
                w.mm[offset:offset + len(data)] = data
                self.refused(error, 'region "c": ', message, name="c")
                w.drop()
                os.unlink(w.path)

    def test_an_embedded_schema_that_moves_the_layout_is_refused(self):
        w = self.writer(name="c")
        text_at = L.RECORD_TABLE_OFFSET + 128
        text = w.mm[text_at:text_at + len(w.layout.canonical_bytes)]
        w.mm[text_at:text_at + len(text)] = text.replace(b'"length":8', b'"length":9')
        self.refused(shmtel.CorruptRegionError, "header fingerprint", name="c")

    def test_a_file_shorter_than_its_header_says_is_corrupt(self):
        w = self.writer(schema=example("arm"))
        os.ftruncate(w.fd, 4096)
        self.refused(shmtel.CorruptRegionError, "file is 4096 bytes, shorter than the 8192 bytes its header says")


class States(RegionTestCase):
    def test_live_stalled_dead_closed(self):
        w = self.writer(period_ns=10_000_000)
        r = self.open()
        self.assertEqual(State.LIVE, r.state)
        w.beat(age_ns=60_000_000)
        self.assertEqual(State.STALLED, r.state)
        w.beat()
        self.assertEqual(State.LIVE, r.state)
        w.close()
        self.assertEqual(State.CLOSED, r.state)

    def probe_then(self, action):
        """Runs action just before the reader's lock probe answers (the race rule 17's re-checks are for)."""
        real = shmtel.region._linux.write_lock_holder
        calls = []

        def probe(fd):
            calls.append(fd)
            if len(calls) == 1:
                action()
            return real(fd)
        shmtel.region._linux.write_lock_holder = probe
        self.addCleanup(setattr, shmtel.region._linux, "write_lock_holder", real)
        return calls

    def test_a_clean_close_between_the_state_load_and_the_probe_is_closed_not_dead(self):
        w = self.writer()
        r = self.open()
        self.probe_then(w.close)
        self.assertEqual(State.CLOSED, r.state)

    def test_a_takeover_between_the_probe_and_the_reload_is_looked_at_again_not_dead(self):
        w = self.writer()
        r = self.open()
        new_writer = []

        def die_and_take_over():
            w.drop()                                       # the lock is free at the probe...
            fd = os.open(w.path, os.O_RDWR)                # ...and a new writer takes the region over
            new_writer.append(fd)
            self.assertTrue(shmtel._linux.try_write_lock(fd))
            mm = mmap.mmap(fd, 4096)
            mm[80:88] = (2).to_bytes(8, "little")          # its epoch, then state 0
            mm[68:72] = (0).to_bytes(4, "little")
            mm.close()
        real = shmtel.region._linux.write_lock_holder
        calls = []

        def probe(fd):
            calls.append(fd)
            if len(calls) == 1:
                die_and_take_over()
                return False                               # the probe saw the lock free
            return real(fd)
        shmtel.region._linux.write_lock_holder = probe
        try:
            self.assertEqual(State.LIVE, r.state)          # not WRITER_DEAD: the epoch changed, looked again
            self.assertEqual(2, len(calls))
            self.assertEqual(2, r.epoch)
        finally:
            shmtel.region._linux.write_lock_holder = real
            for fd in new_writer:
                os.close(fd)

    def test_a_writer_that_let_go_without_closing_is_dead(self):
        w = self.writer()
        r = self.open()
        w.drop()
        self.assertEqual(State.WRITER_DEAD, r.state)
        self.assertEqual("WRITER_DEAD", str(r.state))

    def test_a_removed_name_is_waiting_and_a_new_file_is_followed(self):
        w = self.writer()
        w.publish("c", 0, {"k": 7})
        r = self.open()
        w.drop()
        os.unlink(w.path)
        self.assertEqual(State.WAITING, r.state)
        self.assertEqual(7, r.latest("c")["k"])          # the last sample stays readable
        w2 = self.writer(schema=example("arm"), epoch=5)
        self.assertEqual(State.LIVE, r.state)
        self.assertEqual(1, r.generation)
        self.assertEqual(["joint_state"], list(r.records))
        self.assertEqual(5, r.epoch)
        self.assertIsNone(r.latest("joint_state"))
        w2.close()

    def test_a_truncated_file_is_corrupt_and_never_read_again(self):
        w = self.writer(schema=example("arm"))
        r = self.open()
        os.ftruncate(w.fd, 4096)
        self.assertEqual(State.CORRUPT, r.state)
        with self.assertRaises(shmtel.CorruptRegionError) as caught:
            r.latest("joint_state")
        self.assertIn("was truncated to 4096 bytes under its 8192-byte mapping", str(caught.exception))

    def test_a_closed_region_object_refuses_use(self):
        self.writer()
        r = self.open()
        r.close()
        r.close()
        with self.assertRaises(shmtel.RegionClosedError):
            r.latest("c")
        with self.assertRaises(shmtel.RegionClosedError):
            r.state  # noqa: B018


class Reading(RegionTestCase):
    def test_latest_is_none_then_the_newest_sample(self):
        w = self.writer()
        r = self.open()
        self.assertIsNone(r.latest("c"))
        for k in range(6):
            w.publish("c", k, {"k": k, "label": f"n{k}"}, timestamp_ns=1000 + k)
        s = r.latest("c")
        self.assertEqual((5, 1005, 5, "n5"), (s.index, s.timestamp_ns, s["k"], s.label))
        self.assertEqual({"k": 5, "label": "n5"}, dict(s))
        with self.assertRaises(KeyError):
            r.latest("nope")

    def test_every_type_decodes_as_the_counter_pattern_wrote_it(self):
        w = self.writer(schema=example("all_types"))
        for use_numpy in (False, None):
            with self.subTest(numpy=use_numpy):
                r = self.open(numpy=use_numpy)
                rec = r.records["every_type"]
                for k in (0, 1, 255, 256, 70000, 1 << 40, 123456789):
                    w.publish("every_type", k, counter.fill(rec, k))
                    s = r.latest("every_type")
                    self.assertEqual(k, s.index)
                    self.assertTrue(counter.check(s, rec), s)
                    self.assertFalse(counter.check(s, rec, k + 1))
                arrays = r.latest("every_type")["doubles"]
                if use_numpy is False or numpy_module(None) is None:
                    self.assertIsInstance(arrays, tuple)
                else:
                    self.assertEqual("float64", str(arrays.dtype))

    def test_enums_are_names_or_the_int_for_an_unknown_constant(self):
        w = self.writer(schema=example("arm"))
        r = self.open()
        w.publish("joint_state", 0, {"status": 2})
        self.assertEqual(("ESTOP", 2), (r.latest("joint_state")["status"], r.latest("joint_state").raw("status")))
        w.publish("joint_state", 1, {"status": 9})
        self.assertEqual(9, r.latest("joint_state")["status"])

    def test_strings_stop_at_the_first_nul_and_may_fill_the_capacity(self):
        w = self.writer()
        r = self.open()
        w.publish("c", 0, {"label": "12345678"})
        self.assertEqual("12345678", r.latest("c")["label"])
        w.publish("c", 1, {"label": "ab"})
        self.assertEqual("ab", r.latest("c")["label"])

    def test_a_stream_gives_every_sample_in_order_and_counts_lapped_ones(self):
        w = self.writer()
        r = self.open()
        stream = r.stream("c", timeout=0, start="oldest")
        for k in range(3):
            w.publish("c", k, {"k": k})
        self.assertEqual([0, 1, 2], [s["k"] for s in stream])
        for k in range(3, 13):          # depth 4: the reader is lapped
            w.publish("c", k, {"k": k})
        self.assertEqual([10, 11, 12], [s["k"] for s in stream])
        self.assertEqual(7, stream.lost)

    def test_a_stream_starts_at_the_newest_or_at_the_next(self):
        w = self.writer()
        for k in range(3):
            w.publish("c", k, {"k": k})
        r = self.open()
        newest = r.stream("c", timeout=0)
        after = r.stream("c", timeout=0, start="next")
        w.publish("c", 3, {"k": 3})
        self.assertEqual([2, 3], [s.index for s in newest])
        self.assertEqual([3], [s.index for s in after])
        self.assertEqual((0, 0), (newest.lost, after.lost))
        with self.assertRaises(ValueError):
            r.stream("c", start="middle")

    def test_an_index_a_dead_writer_abandoned_is_counted_lost_not_waited_for(self):
        w = self.writer()
        r = self.open()
        w.publish("c", 0, {"k": 0})
        stream = r.stream("c", timeout=0, start="oldest")
        self.assertEqual([0], [s.index for s in stream])
        w.start("c", 1)                   # died writing 1
        self.assertIsNone(stream.poll())  # in progress: not yet
        w.publish("c", 2, {"k": 2})       # the next writer resumed past it
        self.assertEqual([2], [s.index for s in stream])
        self.assertEqual(1, stream.lost)

    def test_a_sample_complete_before_published_counts_it_is_delivered(self):
        w = self.writer()
        r = self.open()
        stream = r.stream("c", timeout=0, start="oldest")
        w.publish("c", 0, {"k": 0}, count=False)
        self.assertEqual([0], [s.index for s in stream])

    def test_a_sample_published_right_after_an_empty_poll_is_delivered_not_slept_past(self):
        w = self.writer()
        r = self.open()
        stream = r.stream("c", start="next")
        real_poll = stream.poll
        injected = []

        def poll_then_publish():     # the writer publishes between the empty look and the reader's sleep
            sample = real_poll()
            if sample is None and not injected:
                injected.append(True)
                w.publish("c", 0, {"k": 7})
            return sample
        stream.poll = poll_then_publish
        start = time.monotonic()
        sample = stream.next(timeout=2)
        self.assertIsNotNone(sample, "sample 0 was published and complete but the stream slept past it")
        self.assertEqual((0, 7), (sample.index, sample["k"]))
        self.assertLess(time.monotonic() - start, 1.5)

    def test_a_cursor_past_published_sleeps_instead_of_spinning(self):
        w = self.writer()
        r = self.open()
        stream = r.stream("c", start="oldest")
        w.publish("c", 0, {"k": 0}, count=False)   # complete, published still 0 (its writer died before counting)
        self.assertEqual(0, stream.next(timeout=0).index)
        polls = []
        real_poll = stream.poll
        stream.poll = lambda: polls.append(1) or real_poll()
        self.assertIsNone(stream.next(timeout=0.3))
        self.assertLess(len(polls), 20, f"{len(polls)} polls in 0.3 s: the stream spins while cursor > published")

    def test_a_latest_reader_retries_while_the_slot_is_rewritten(self):
        w = self.writer()
        r = self.open()
        w.publish("c", 0, {"k": 0})
        w.start("c", 4)                   # slot 0 rewritten while published still names sample 0
        with self.assertRaises(shmtel.ContentionError) as caught:
            r.latest("c")
        self.assertIn("during each of 64 reads", str(caught.exception))


class Waiting(RegionTestCase):
    def publisher_process(self, w, delay, ks):
        pid = os.fork()
        if pid == 0:
            try:
                for k in ks:
                    time.sleep(delay)
                    w.publish("c", k, {"k": k})
            finally:
                os._exit(0)
        return pid

    def test_a_sleeper_is_woken_by_a_publish_in_another_process(self):
        w = self.writer()
        r = self.open()
        self.assertTrue(r.sleeps, r.sleep_refusal)
        pid = self.publisher_process(w, 0.3, [0])
        try:
            start = time.monotonic()
            self.assertTrue(r.wait("c", timeout=5))
            self.assertLess(time.monotonic() - start, 4)
            self.assertEqual(0, r.latest("c")["k"])
        finally:
            os.waitpid(pid, 0)
        block = r.records["c"].block_offset
        self.assertEqual(bytes(64), w.mm[block + 64:block + 128])   # slot and bit given back

    def test_the_sleeper_waits_in_a_shared_futex_wait_until_the_publish(self):
        w = self.writer()
        pid = os.fork()
        if pid == 0:
            code = 3
            try:
                with shmtel.open("t", self.dir) as r:
                    code = 0 if r.wait("c", timeout=10) and r.latest("c")["k"] == 42 else 1
            finally:
                os._exit(code)
        try:
            syscall = ""
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with open(f"/proc/{pid}/syscall") as f:
                    syscall = f.read().split()
                if syscall[:1] == ["202"] and syscall[2] == "0x0":   # futex(addr, FUTEX_WAIT (shared), ...)
                    break
                time.sleep(0.01)
            self.assertEqual(["202", "0x0"], [syscall[0], syscall[2]], f"the child's system call: {syscall}")
            with open(f"/proc/{pid}/stat") as f:
                self.assertEqual("S", f.read().rsplit(")", 1)[1].split()[0])
            w.publish("c", 0, {"k": 42})
            _, status = os.waitpid(pid, 0)
            self.assertEqual((True, 0), (os.WIFEXITED(status), os.WEXITSTATUS(status)))
        finally:
            try:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass

    def test_wait_times_out_and_returns_at_once_when_something_is_new(self):
        w = self.writer()
        r = self.open()
        start = time.monotonic()
        self.assertFalse(r.wait("c", timeout=0.2))
        self.assertGreaterEqual(time.monotonic() - start, 0.2)
        r.latest("c")
        w.publish("c", 0, {"k": 0})
        self.assertTrue(r.wait("c", timeout=0))

    def test_a_stream_sleeps_between_samples_of_a_slow_writer(self):
        w = self.writer()
        r = self.open()
        pid = self.publisher_process(w, 0.05, range(5))
        try:
            got = [s["k"] for s, _ in zip(r.stream("c", timeout=5, start="oldest"), range(5))]
        finally:
            os.waitpid(pid, 0)
        self.assertEqual(list(range(5)), got)

    def test_close_from_another_thread_ends_its_wait_with_region_closed_not_a_crash(self):
        w = self.writer()
        # In a child process: before the fix the waiter touched the unmapped region (SIGSEGV, exit 139).
        code = ("import shmtel, threading, time, json, sys\n"
                f"mode, poll = sys.argv[1], sys.argv[2] == 'poll'\n"
                f"r = shmtel.open('t', {self.dir!r})\n"
                "if poll:\n"
                "    r._map.sleep_refusal = 'polling, for the test'\n"
                "out = {}\n"
                "def waiter():\n"
                "    start = time.monotonic()\n"
                "    try:\n"
                "        got = r.wait('c', timeout=3) if mode == 'wait' else r.stream('c', start='next').next(3)\n"
                "        out['result'] = repr(got)\n"
                "    except shmtel.RegionClosedError as e:\n"
                "        out['error'] = str(e)\n"
                "    out['took'] = time.monotonic() - start\n"
                "t = threading.Thread(target=waiter)\n"
                "t.start()\n"
                "time.sleep(0.3)\n"
                "r.close()\n"
                "t.join()\n"
                "print(json.dumps(out))\n")
        env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
        for mode in ("wait", "stream"):
            for how in ("sleep", "poll"):
                with self.subTest(mode=mode, how=how):
                    out = subprocess.run([sys.executable, "-c", code, mode, how], env=env, capture_output=True,
                                         text=True, timeout=60)
                    self.assertEqual(0, out.returncode, f"exit {out.returncode}: {out.stderr}")
                    result = json.loads(out.stdout)
                    self.assertIn("closed (by another thread) while waiting", result.get("error", ""), result)
                    self.assertLess(result["took"], 2.5, result)
        block = w.layout.record("c").block_offset
        self.assertEqual(bytes(64), w.mm[block + 64:block + 128])   # every sleeper slot and bit given back

    def test_close_from_a_signal_handler_of_the_waiting_thread_ends_the_wait_and_then_unmaps(self):
        self.writer()
        r = shmtel.open("t", self.dir)
        previous = signal.signal(signal.SIGALRM, lambda *_: r.close())
        try:
            signal.setitimer(signal.ITIMER_REAL, 0.2)
            start = time.monotonic()
            with self.assertRaises(shmtel.RegionClosedError):
                r.wait("c", timeout=3)
            self.assertLess(time.monotonic() - start, 2.5)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        self.assertIsNone(r._map, "the wait left: the deferred close unmapped")
        with self.assertRaises(shmtel.RegionClosedError):
            r.latest("c")

    def test_dead_sleepers_slots_are_freed(self):
        w = self.writer()
        r = self.open()
        block = w.base + r.records["c"].block_offset
        dead = os.fork()
        if dead == 0:
            os._exit(0)
        os.waitpid(dead, 0)
        for slot in range(L.SLEEPER_SLOTS):   # every slot held by a process that is gone
            shmtel._atomics.store_u32(block + 68 + 4 * slot, dead)
        shmtel._atomics.store_u32(block + 64, (1 << L.SLEEPER_SLOTS) - 1)
        self.assertFalse(r.wait("c", timeout=0.05))
        self.assertEqual(bytes(64), w.mm[r.records["c"].block_offset + 64:r.records["c"].block_offset + 128])

    def test_a_kernel_refusing_membarrier_makes_the_reader_poll_not_spin(self):
        w = self.writer()
        r = self.open()
        calls = []
        real = shmtel.region._linux.membarrier
        query = shmtel.region._linux.MEMBARRIER_CMD_QUERY
        shmtel.region._linux.membarrier = lambda cmd: real(cmd) if cmd == query else calls.append(cmd) or -1
        try:
            start = time.monotonic()
            self.assertFalse(r.wait("c", timeout=0.3))
            self.assertGreaterEqual(time.monotonic() - start, 0.3)
        finally:
            shmtel.region._linux.membarrier = real
        self.assertEqual(1, len(calls))
        self.assertIn("refused membarrier", r.sleep_refusal)
        self.assertFalse(r.sleeps)
        block = r.records["c"].block_offset
        self.assertEqual(bytes(64), w.mm[block + 64:block + 128])

    @unittest.skipUnless(os.uname().machine == "x86_64", "the plain backend exists on x86-64 only")
    def test_without_libatomic_an_x86_64_reader_reads_and_polls(self):
        w = self.writer()
        w.publish("c", 0, {"k": 5, "label": "five"})
        code = ("import shmtel, json\n"
                f"r = shmtel.open('t', {self.dir!r})\n"
                "s = r.latest('c')\n"
                "print(json.dumps([shmtel._atomics.BACKEND, s['k'], s['label'], str(r.state), r.sleeps,"
                " r.sleep_refusal, r.wait('c', timeout=0.05)]))\n")
        env = dict(os.environ, SHMTEL_PY_NO_LIBATOMIC="1",
                   PYTHONPATH=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(0, out.returncode, out.stderr)
        backend, k, label, state, sleeps, why, woken = json.loads(out.stdout)
        self.assertEqual(["x86-64 plain", 5, "five", "LIVE", False, False], [backend, k, label, state, sleeps, woken])
        self.assertIn("libatomic.so.1", why)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to read as another user")
    def test_a_reader_that_may_not_write_the_file_polls_and_says_why(self):
        w = self.writer(mode=0o644)
        os.chmod(self.dir, 0o755)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.setuid(65534)
                with shmtel.open("t", self.dir, any_owner=True) as r:
                    result = {"sleeps": r.sleeps, "why": r.sleep_refusal}
                    start = time.monotonic()
                    result["woken"] = r.wait("c", timeout=5)
                    result["took"] = time.monotonic() - start
            except BaseException as e:  # noqa: BLE001 (reported to the parent)
                result = {"error": repr(e)}
            finally:
                os.write(write_end, json.dumps(result).encode())
                os._exit(0)
        os.close(write_end)
        time.sleep(0.3)
        w.publish("c", 0, {"k": 0})
        data = os.read(read_end, 4096)
        os.waitpid(pid, 0)
        result = json.loads(data)
        self.assertNotIn("error", result)
        self.assertFalse(result["sleeps"])
        self.assertIn("needs write access to", result["why"])
        self.assertIn("run this reader as the writer's user", result["why"])
        self.assertTrue(result["woken"])


class Helpers(unittest.TestCase):
    def test_states_have_the_c_numbers(self):
        self.assertEqual([("WAITING", 0), ("LIVE", 1), ("STALLED", 2), ("WRITER_DEAD", 3), ("CLOSED", 4),
                          ("CORRUPT", 5)], [(s.name, int(s)) for s in State])
        for s in State:
            self.assertIs(s, getattr(shmtel, s.name))

    def test_every_type_has_a_counter_value(self):
        for t in L.TYPES:
            field = L.FieldLayout("f", t, 0, 4 if t == "string" else 0, 0, 1, "", "", ())
            with self.subTest(type=t):
                self.assertIsNotNone(counter.value(field, 300))


if __name__ == "__main__":
    unittest.main()
