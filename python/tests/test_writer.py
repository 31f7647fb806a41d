"""The writer (shmtel.create, Writer): what it stores, where and in which order, checked in the file itself.

Cross-language checks (Java reading these regions, Java writers taken over) are in tools' PythonWriterTest.
"""

import errno
import mmap
import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import shmtel  # noqa: E402
from shmtel import _owner  # noqa: E402
from shmtel import layout as L  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(HERE)
EXAMPLES = os.path.join(os.path.dirname(PYTHON_DIR), "schema", "examples")
ARM = os.path.join(EXAMPLES, "arm.json")
ALL_TYPES = os.path.join(EXAMPLES, "all_types.json")


def shm_dir(test):
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    d = tempfile.TemporaryDirectory(prefix="shmtel-pytest-", dir=base)
    test.addCleanup(d.cleanup)
    return d.name


def read(path):
    with open(path, "rb") as f:
        return f.read()


def words(path, fmt, offset):
    return struct.unpack_from(fmt, read(path), offset)


def child(code, directory, *args):
    """Runs ``code`` in a new Python process with the package on its path and SHMTEL_DIR=directory."""
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR, SHMTEL_DIR=directory)
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def stop(p):
    p.kill()
    p.wait()
    p.stdout.close()


class CreateTest(unittest.TestCase):
    def setUp(self):
        self.dir = shm_dir(self)

    def test_a_new_region_has_every_header_word_the_format_names(self):
        arm = L.load(ARM)
        with shmtel.create("arm", ARM, dir=self.dir) as w:
            path = os.path.join(self.dir, "shmtel.arm")
            self.assertEqual(path, w.path)
            self.assertEqual(arm.region_length, os.path.getsize(path))
            magic, version, header, region, fp = words(path, "<QIIQQ", 0)
            self.assertEqual((L.MAGIC, L.FORMAT_VERSION, arm.header_length, arm.region_length, arm.fingerprint),
                             (magic, version, header, region, fp))
            self.assertEqual(0x1bb6d530886a84bc, fp)  # format.md's value for arm
            count, table, text_offset, text_length, schema_version = words(path, "<IIIII", 32)
            self.assertEqual((1, 256, 384, len(arm.canonical_bytes), 1),
                             (count, table, text_offset, text_length, schema_version))
            data = read(path)
            self.assertEqual(arm.canonical_bytes, data[384:384 + text_length])
            pid, state, start, epoch, period = struct.unpack_from("<iIQQQ", data, 64)
            self.assertEqual((os.getpid(), L.STATE_LIVE, 1, 100_000_000), (pid, state, epoch, period))
            self.assertEqual(shmtel._linux.start_time(), start)
            beat = struct.unpack_from("<Q", data, 128)[0]
            self.assertLessEqual(abs(time.monotonic_ns() - beat), 5 * 10**9)
            rec = arm.records[0]
            name, block, length, rfp, slot, depth, payload, fields, sync = struct.unpack_from("<64sQQQIIIII",
                                                                                               data, 256)
            self.assertEqual((b"joint_state".ljust(64, b"\0"), rec.block_offset, rec.block_length, rec.fingerprint,
                              rec.slot_length, rec.depth, rec.payload_length, 5, 0),
                             (name, block, length, rfp, slot, depth, payload, fields, sync))
            self.assertEqual(0o600, os.stat(path).st_mode & 0o777)
        self.assertEqual(L.STATE_CLOSED, words(path, "<I", 68)[0])

    def test_publish_stores_seq_timestamp_payload_and_published(self):
        arm = L.load(ARM)
        rec = arm.records[0]
        with shmtel.create("arm", ARM, dir=self.dir) as w:
            for k in range(10):
                self.assertEqual(k, w.publish("joint_state", position=[k] * 6, status="ESTOP", frame_id="base",
                                              timestamp_ns=1000 + k))
            path = w.path
            self.assertEqual(10, words(path, "<Q", rec.block_offset)[0])
            for k in range(2, 10):
                slot = rec.slot_offset(k % rec.depth)
                seq, stamp = words(path, "<QQ", slot)
                self.assertEqual((2 * k + 2, 1000 + k), (seq, stamp))
                self.assertEqual((float(k),) * 6, words(path, "<6d", slot + 16))
                self.assertEqual((0.0,) * 6, words(path, "<6d", slot + 16 + 48), "fields left out are zero")
                self.assertEqual(2, words(path, "<i", slot + 16 + 144)[0])
                self.assertEqual(b"base" + b"\0" * 12, words(path, "16s", slot + 16 + 148)[0])
            self.assertEqual(10, w.next_index("joint_state"))

    def test_bad_values_raise_before_the_slot_is_touched(self):
        rec = L.load(ARM).records[0]
        with shmtel.create("arm", ARM, dir=self.dir) as w:
            w.publish("joint_state", position=[1] * 6)
            before = read(w.path)
            bad = [dict(positon=[1] * 6), dict(position=[1] * 5), dict(position="abc"), dict(status="NOPE"),
                   dict(status=1.5), dict(frame_id="x" * 17), dict(frame_id=3), dict(effort=[10**400] * 6),
                   dict(velocity=[None] * 6)]
            for values in bad:
                with self.assertRaises(shmtel.FieldError, msg=str(values)) as caught:
                    w.publish("joint_state", **values)
                self.assertIn("region \"arm\" record joint_state", str(caught.exception))
            after = read(w.path)
            strip = rec.block_offset  # header words (the heartbeat) may move; the block must not
            self.assertEqual(before[strip:], after[strip:])
            with self.assertRaises(shmtel.ShmtelError):
                w.publish("no_such_record")
            for stamp in (-1, 1 << 64, 1.5, "now"):
                with self.assertRaisesRegex(ValueError, "timestamp_ns must be"):
                    w.publish("joint_state", timestamp_ns=stamp)
            self.assertEqual(before[strip:], read(w.path)[strip:])

    def test_every_type_takes_its_range_and_refuses_the_next_value(self):
        with shmtel.create("all", ALL_TYPES, dir=self.dir) as w:
            limits = {"small": (-128, 127), "octet": (0, 255), "short_value": (-32768, 32767), "port": (0, 65535),
                      "count": (-2**31, 2**31 - 1), "mask": (0, 2**32 - 1), "ticks": (-2**63, 2**63 - 1)}
            for name, (low, high) in limits.items():
                w.publish("every_type", **{name: low})
                w.publish("every_type", **{name: high})
                for bad in (low - 1, high + 1):
                    with self.assertRaisesRegex(shmtel.FieldError, f"field {name} is .*: {bad} is out of range"):
                        w.publish("every_type", **{name: bad})
                with self.assertRaises(shmtel.FieldTypeError):
                    w.publish("every_type", **{name: 1.0})
            w.publish("every_type", gain=3.4e38, value=float("inf"), flag=True, flags=[True, False, 1],
                      mode="NEGATIVE", label="éé", bytes=b"\x01\x02\x03\x04\x05"[0:5] and [1, 2, 3, 4, 5])
            w.publish("every_type", mode=-5)
            with self.assertRaisesRegex(shmtel.FieldError, "does not fit"):
                w.publish("every_type", gain=3.5e38)
            with self.assertRaises(shmtel.FieldTypeError):
                w.publish("every_type", flag=2)
            with self.assertRaises(shmtel.FieldTypeError):
                w.publish("every_type", value="1.0")

    def test_large_arrays_go_the_fast_way_and_bad_elements_are_still_named(self):
        schema = {"schema": "cloud", "version": 1, "records": [{"name": "points", "fields": [
            {"name": "xyz", "type": "f32", "count": 4096}, {"name": "ids", "type": "u16", "count": 100}]}]}
        with shmtel.create("cloud", schema, dir=self.dir) as w, shmtel.open("cloud", dir=self.dir, numpy=False) as r:
            w.publish("points", xyz=[0.25] * 4096, ids=range(100))
            s = r.latest("points")
            self.assertEqual(((0.25,) * 4096, tuple(range(100))), (s["xyz"], s["ids"]))
            for values, message in ((dict(xyz=[0.0] * 4095 + [1e39]), "element 4095: 1e+39 does not fit"),
                                    (dict(ids=[0] * 99 + [65536]), "element 99: 65536 is out of range 0 to 65535"),
                                    (dict(ids=[0] * 99 + [1.5]), "element 99: got float 1.5; give an int"),
                                    (dict(xyz=[0.0] * 4095 + [True]), "element 4095: got bool True; give a number")):
                with self.assertRaisesRegex(shmtel.FieldError, re.escape(message)):
                    w.publish("points", **values)
            self.assertEqual(1, w.next_index("points"))

    def test_numpy_arrays_and_scalars_are_taken_when_numpy_is_there(self):
        try:
            import numpy as np
        except ImportError:
            self.skipTest("numpy is not installed (optional: Debian's python3-numpy)")
        with shmtel.create("np", ALL_TYPES, dir=self.dir) as w, shmtel.open("np", dir=self.dir, numpy=False) as r:
            w.publish("every_type", doubles=np.array([1.5, 2.5]), ints=np.arange(3, dtype=np.int32),
                      flags=np.array([True, False, True]), small=np.int8(-3), value=np.float32(1.25),
                      flag=np.bool_(True), mask=np.uint32(7))
            s = r.latest("every_type")
            self.assertEqual(((1.5, 2.5), (0, 1, 2), (True, False, True), -3, 1.25, True, 7),
                             (s["doubles"], s["ints"], s["flags"], s["small"], s["value"], s["flag"], s["mask"]))
            with self.assertRaises(shmtel.FieldError):
                w.publish("every_type", doubles=np.zeros(3))

    def test_the_heartbeat_thread_beats_every_period_and_beat_stores_now(self):
        with shmtel.create("hb", ARM, dir=self.dir, heartbeat_period=0.02) as w:
            first = words(w.path, "<Q", L.HEARTBEAT_OFFSET)[0]
            deadline = time.monotonic() + 5
            while words(w.path, "<Q", L.HEARTBEAT_OFFSET)[0] == first:
                self.assertLess(time.monotonic(), deadline, "no beat in 5 s")
                time.sleep(0.005)
            self.assertEqual(20_000_000, words(w.path, "<Q", L.HEARTBEAT_PERIOD_OFFSET)[0])
        with shmtel.create("manual", ARM, dir=self.dir, heartbeat_thread=False) as w:
            first = words(w.path, "<Q", L.HEARTBEAT_OFFSET)[0]
            time.sleep(0.25)
            self.assertEqual(first, words(w.path, "<Q", L.HEARTBEAT_OFFSET)[0], "no thread: no beat")
            w.beat()
            self.assertGreater(words(w.path, "<Q", L.HEARTBEAT_OFFSET)[0], first)

    def test_the_slot_of_a_sleeper_that_died_asleep_is_freed_after_64_fruitless_wakes(self):
        if not shmtel._atomics.HAVE_RMW:
            self.skipTest("healing needs compare-and-swap (libatomic)")
        rec = L.load(ARM).records[0]
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()  # a pid that no longer exists (reaped)
        with shmtel.create("heal", ARM, dir=self.dir) as w:
            with open(w.path, "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
                struct.pack_into("<I", m, rec.block_offset + L.SLEEPERS_OFFSET, 1 << 3)
                struct.pack_into("<i", m, rec.block_offset + L.SLEEPER_PIDS_OFFSET + 12, dead.pid)
            for _ in range(63):
                w.publish("joint_state")
            self.assertEqual(1 << 3, words(w.path, "<I", rec.block_offset + L.SLEEPERS_OFFSET)[0])
            w.publish("joint_state")
            self.assertEqual((0, 0), words(w.path, "<Ii", rec.block_offset + L.SLEEPERS_OFFSET)[:1]
                             + words(w.path, "<i", rec.block_offset + L.SLEEPER_PIDS_OFFSET + 12))

    def test_flush_records_each_records_published_count_and_the_time(self):
        rec = L.load(ARM).records[0]
        entry = L.RECORD_TABLE_OFFSET + L.RECORD_ENTRY_FLUSHED_OFFSET
        with tempfile.TemporaryDirectory(prefix="shmtel-pytest-disk-") as disk:  # a real file system, not tmpfs
            with shmtel.create("durable", ARM, dir=disk) as w:
                self.assertEqual((0, 0), (words(w.path, "<Q", entry)[0], words(w.path, "<Q", L.FLUSHED_AT_OFFSET)[0]))
                for _ in range(3):
                    w.publish("joint_state")
                before = time.time_ns()
                w.flush()
                self.assertEqual(3, words(w.path, "<Q", entry)[0])
                self.assertGreaterEqual(words(w.path, "<Q", L.FLUSHED_AT_OFFSET)[0], before)
                w.publish("joint_state")
            self.assertEqual(4, words(w.path, "<Q", entry)[0], "close flushes too")
            self.assertEqual(rec.index, 0)

    def test_a_closed_writer_refuses_to_publish(self):
        w = shmtel.create("c", ARM, dir=self.dir)
        w.close()
        w.close()
        with self.assertRaises(shmtel.RegionClosedError):
            w.publish("joint_state")

    def test_names_and_modes_are_refused_before_any_file_call(self):
        for name in ("", ".x", "-x", "_x", "a/b", "a b", "x" * 129, "é"):
            with self.assertRaises(shmtel.InvalidRegionNameError, msg=name):
                shmtel.create(name, ARM, dir=self.dir)
        shmtel.create("x" * 128, ARM, dir=self.dir).close()
        for mode in (0o620, 0o602, 0o666, 0o400, 0o1600):
            with self.assertRaises(shmtel.InvalidModeError, msg=oct(mode)):
                shmtel.create("m", ARM, dir=self.dir, mode=mode)
        self.assertEqual(["shmtel." + "x" * 128], os.listdir(self.dir))
        with shmtel.create("m", ARM, dir=self.dir, mode=0o640) as w:
            self.assertEqual(0o640, os.stat(w.path).st_mode & 0o777)

    def test_a_missing_schema_file_is_a_schema_error_naming_it(self):
        with self.assertRaisesRegex(shmtel.SchemaError, "nope.json: cannot read the schema file: No such file"):
            shmtel.create("x", os.path.join(self.dir, "nope.json"), dir=self.dir)

    def test_a_missing_directory_is_named(self):
        with self.assertRaisesRegex(shmtel.RegionNotFoundError, "does not exist"):
            shmtel.create("x", ARM, dir=os.path.join(self.dir, "nope"))

    def test_shmtel_dir_chooses_the_directory(self):
        with mock.patch.dict(os.environ, {"SHMTEL_DIR": self.dir}):
            with shmtel.create("env", ARM) as w:
                self.assertEqual(os.path.join(self.dir, "shmtel.env"), w.path)

    def test_without_o_tmpfile_a_hidden_name_stands_in_and_is_removed(self):
        real_open = os.open

        def no_tmpfile(path, flags, *args, **kwargs):
            if flags & os.O_TMPFILE == os.O_TMPFILE:
                raise OSError(errno.EOPNOTSUPP, "no O_TMPFILE here")
            return real_open(path, flags, *args, **kwargs)

        with mock.patch.object(_owner.os, "open", no_tmpfile):
            with shmtel.create("hidden", ARM, dir=self.dir) as w:
                w.publish("joint_state")
        self.assertEqual(["shmtel.hidden"], os.listdir(self.dir))

    def test_schema_as_text_dict_or_layout(self):
        with open(ARM) as f:
            text = f.read()
        import json
        for schema in (text, json.loads(text), L.load(ARM), text.encode()):
            with shmtel.create("s", schema, dir=self.dir) as w:
                self.assertEqual(0x1bb6d530886a84bc, w.layout.fingerprint)


class TakeoverTest(unittest.TestCase):
    def setUp(self):
        self.dir = shm_dir(self)

    def test_a_live_writer_refuses_a_second_one_naming_its_pid(self):
        holder = child("""
            import shmtel, sys, time
            w = shmtel.create("held", sys.argv[1])
            print("ready", flush=True)
            time.sleep(60)
        """, self.dir, ARM)
        self.addCleanup(stop, holder)
        self.assertEqual("ready\n", holder.stdout.readline())
        with self.assertRaises(shmtel.RegionOwnedError) as caught:
            shmtel.create("held", ARM, dir=self.dir)
        self.assertEqual(holder.pid, caught.exception.pid)
        self.assertIn(f"owned by a live writer (owner pid {holder.pid}, running)", str(caught.exception))

    def test_close_releases_the_lock_at_once_even_while_the_mapping_is_still_exported(self):
        w = shmtel.create("held", ARM, dir=self.dir)
        view = memoryview(w._owned.mm)   # something that still uses the writer's mapping at close
        try:
            with self.assertLogs("shmtel", "WARNING") as logs:
                w.close()
            self.assertIn("the writer's mapping stays until what still uses it is released", "".join(logs.output))
            probe = child("""
                import os, sys, shmtel
                from shmtel import _linux
                fd = os.open(sys.argv[1], os.O_RDONLY)
                print("held" if _linux.write_lock_holder(fd) else "free", flush=True)
                w = shmtel.create("held", sys.argv[2])
                print("took over" if w.took_over else "new file", flush=True)
                w.close()
            """, self.dir, os.path.join(self.dir, "shmtel.held"), ARM)
            self.addCleanup(stop, probe)
            self.assertEqual("free\ntook over\n", probe.stdout.read())
            self.assertEqual(0, probe.wait())
        finally:
            view.release()

    def test_of_writers_racing_for_a_name_exactly_one_wins_and_the_others_name_its_pid(self):
        start = time.time() + 1.5
        racers = [child("""
            import sys, time, shmtel
            time.sleep(max(0.0, float(sys.argv[2]) - time.time()))  # all start together
            try:
                w = shmtel.create("race", sys.argv[1])
                print("won", flush=True)
                time.sleep(3)
            except shmtel.RegionOwnedError as e:
                print("owned", e.pid, flush=True)
        """, self.dir, ARM, str(start)) for _ in range(6)]
        outcomes = []
        for p in racers:
            out, _ = p.communicate(timeout=60)
            p.stdout.close()
            outcomes.append(out.strip())
        winners = [p.pid for p, o in zip(racers, outcomes) if o == "won"]
        self.assertEqual(1, len(winners), outcomes)
        self.assertEqual(["owned " + str(winners[0])] * 5, [o for o in outcomes if o != "won"])
        self.assertEqual(["shmtel.race"], os.listdir(self.dir), "no hidden or temporary file left")

    def test_a_dead_writers_region_is_taken_over_in_place_past_every_started_index(self):
        rec = L.load(ARM).records[0]  # depth 8
        with shmtel.create("t", ARM, dir=self.dir) as w:
            for _ in range(5):
                w.publish("joint_state")
            path = w.path
            ino = os.stat(path).st_ino
        # A writer that died in the middle of index 6 (seq 13) with published still 5: never write 6 again.
        with open(path, "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
            struct.pack_into("<Q", m, rec.slot_offset(6) + L.SEQ_OFFSET, 13)
            struct.pack_into("<I", m, L.STATE_OFFSET, L.STATE_LIVE)
        with shmtel.create("t", ARM, dir=self.dir) as w:
            self.assertTrue(w.took_over)
            self.assertEqual(2, w.epoch)
            self.assertEqual(ino, os.stat(path).st_ino, "in place")
            self.assertEqual(7, w.next_index("joint_state"))
            self.assertEqual(5, words(path, "<Q", rec.block_offset)[0], "published stays until the next publish")
            self.assertEqual(7, w.publish("joint_state"))
            self.assertEqual(8, words(path, "<Q", rec.block_offset)[0])
            self.assertEqual((2, L.STATE_LIVE, os.getpid()), (words(path, "<Q", L.WRITER_EPOCH_OFFSET)[0],
                                                               words(path, "<I", L.STATE_OFFSET)[0],
                                                               words(path, "<i", L.WRITER_PID_OFFSET)[0]))

    def test_another_layout_or_a_group_writable_file_is_replaced_with_the_next_epoch(self):
        with shmtel.create("r", ARM, dir=self.dir) as w:
            path = w.path
        ino = os.stat(path).st_ino
        with shmtel.create("r", ALL_TYPES, dir=self.dir) as w:
            self.assertFalse(w.took_over)
            self.assertEqual(2, w.epoch)
        self.assertNotEqual(ino, os.stat(path).st_ino)
        os.chmod(path, 0o666)
        ino = os.stat(path).st_ino
        with shmtel.create("r", ALL_TYPES, dir=self.dir) as w:
            self.assertFalse(w.took_over)
            self.assertEqual(3, w.epoch)
            self.assertEqual(0o600, os.stat(path).st_mode & 0o777)
        self.assertNotEqual(ino, os.stat(path).st_ino)

    def test_an_unreadable_file_is_replaced(self):
        path = os.path.join(self.dir, "shmtel.junk")
        with open(path, "wb") as f:
            f.write(b"not a region" * 1000)
        os.chmod(path, 0o600)
        with shmtel.create("junk", ARM, dir=self.dir) as w:
            self.assertEqual(1, w.epoch)
            w.publish("joint_state")

    def test_a_directory_or_fifo_at_the_name_is_refused_with_the_fix(self):
        os.mkdir(os.path.join(self.dir, "shmtel.d"))
        with self.assertRaisesRegex(shmtel.RegionPermissionError, "directory.*remove it"):
            shmtel.create("d", ARM, dir=self.dir)
        os.mkfifo(os.path.join(self.dir, "shmtel.f"), 0o600)
        with self.assertRaisesRegex(shmtel.RegionPermissionError, "a FIFO.*remove it"):
            shmtel.create("f", ARM, dir=self.dir)
        os.symlink("/etc/passwd", os.path.join(self.dir, "shmtel.l"))
        with self.assertRaisesRegex(shmtel.RegionPermissionError, "symbolic link"):
            shmtel.create("l", ARM, dir=self.dir)


class ExitTest(unittest.TestCase):
    def setUp(self):
        self.dir = shm_dir(self)

    def state_after(self, code):
        p = child(code, self.dir, ARM)
        out, _ = p.communicate(timeout=60)
        return p.returncode, out, words(os.path.join(self.dir, "shmtel.x"), "<I", L.STATE_OFFSET)[0]

    def test_interpreter_exit_closes_the_region(self):
        rc, out, state = self.state_after("""
            import shmtel, sys
            shmtel.create("x", sys.argv[1]).publish("joint_state")
        """)
        self.assertEqual((0, L.STATE_CLOSED), (rc, state), out)

    def test_without_close_on_exit_the_region_is_left_as_a_dead_writers(self):
        rc, out, state = self.state_after("""
            import shmtel, sys
            shmtel.create("x", sys.argv[1], close_on_exit=False).publish("joint_state")
        """)
        self.assertEqual((0, L.STATE_LIVE), (rc, state), out)

    def test_sigterm_closes_the_region_and_the_process_still_dies_of_it(self):
        rc, out, state = self.state_after("""
            import os, shmtel, signal, sys, time
            w = shmtel.create("x", sys.argv[1])
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(30)
        """)
        self.assertEqual((-signal.SIGTERM, L.STATE_CLOSED), (rc, state), out)

    def test_a_forked_child_drops_the_lock_so_the_writer_dying_reads_dead(self):
        p = child("""
            import os, shmtel, sys, time
            w = shmtel.create("x", sys.argv[1])
            pid = os.fork()
            if pid == 0:
                try:
                    w.publish("joint_state")
                except shmtel.RegionClosedError as e:
                    os.write(1, f"child: {e}\\n".encode())
                time.sleep(30)
                os._exit(0)
            os.write(1, f"child {pid}\\n".encode())
            time.sleep(30)
        """, self.dir, ARM)
        self.addCleanup(stop, p)
        lines = []
        while len([x for x in lines if x.startswith("child")]) < 2 and len(lines) < 10:
            lines.append(p.stdout.readline())  # (Python 3.12 also warns that forking a threaded process is risky)
        self.assertIn("this writer belongs to process " + str(p.pid), "".join(lines))
        forked = [int(x.split()[1]) for x in lines if x.startswith("child ")]
        self.assertEqual(1, len(forked), lines)
        forked = forked[0]
        self.addCleanup(lambda: os.kill(forked, signal.SIGKILL))
        with shmtel.open("x", dir=self.dir) as region:
            self.assertEqual(shmtel.State.LIVE, region.state)
            p.kill()
            p.wait()
            self.assertEqual(shmtel.State.WRITER_DEAD, region.state, "the forked child holds no lock")

    def test_a_handler_of_the_programs_own_is_left_alone(self):
        rc, out, state = self.state_after("""
            import os, shmtel, signal, sys
            signal.signal(signal.SIGTERM, lambda *a: sys.exit(5))
            w = shmtel.create("x", sys.argv[1])
            os.kill(os.getpid(), signal.SIGTERM)
        """)
        self.assertEqual((5, L.STATE_CLOSED), (rc, state), out)  # its sys.exit runs atexit, which closes


if __name__ == "__main__":
    unittest.main()
