"""python3 -m shmtel ls / echo against fake_writer regions, run as real processes."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from shmtel import counter  # noqa: E402
from fake_writer import FakeWriter  # noqa: E402

PACKAGE_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
EXAMPLES = os.path.join(PACKAGE_ROOT, "..", "schema", "examples")


def shmtel(*args, timeout=30):
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT)
    return subprocess.run([sys.executable, "-m", "shmtel", *args], capture_output=True, text=True, timeout=timeout,
                          env=env)


class Cli(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="shmtel-pytest-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
        with open(os.path.join(EXAMPLES, "arm.json")) as f:
            self.writer = FakeWriter(self.dir, "arm", f.read())
        self.record = self.writer.record("joint_state")

    def tearDown(self):
        self.writer.drop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def publish(self, k):
        self.writer.publish("joint_state", k, counter.fill(self.record, k))

    def test_ls_lists_schema_state_epoch_and_published_counts(self):
        self.publish(0)
        open(os.path.join(self.dir, "shmtel.broken"), "wb").close()
        out = shmtel("ls", "--dir", self.dir)
        self.assertEqual(0, out.returncode, out.stderr)
        lines = out.stdout.splitlines()
        self.assertEqual(["REGION", "SCHEMA", "STATE", "EPOCH", "PID", "RECORDS", "(published)"], lines[0].split())
        self.assertEqual(["arm", "arm", "v1", "LIVE", "1", str(os.getpid()), "joint_state(1)"], lines[1].split())
        self.assertIn("UNREADABLE", lines[2])
        self.assertIn("is an empty file", lines[2])

    def test_echo_prints_one_line_per_sample_with_units_and_checks_the_pattern(self):
        for k in range(3):
            self.publish(k)
        out = shmtel("echo", "arm", "--from-oldest", "--count", "3", "--check", "--timeout", "10", "--dir", self.dir)
        self.assertEqual(0, out.returncode, out.stderr)
        lines = out.stdout.splitlines()
        self.assertEqual(3, len(lines))
        self.assertTrue(lines[2].startswith("joint_state #2 t="), lines[2])
        self.assertIn("position=[2.0, 2.0, 2.0, 2.0, 2.0, 2.0] rad ", lines[2])
        self.assertIn("status=ESTOP frame_id=\"2\"", lines[2])
        self.assertIn("checked 3 samples, 0 off the counter pattern", out.stderr)

    def test_echo_waits_for_new_samples_and_times_out_with_10(self):
        self.publish(0)
        proc = subprocess.Popen([sys.executable, "-m", "shmtel", "echo", "arm", "joint_state", "--count", "2",
                                 "--json", "--timeout", "20", "--dir", self.dir], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=PACKAGE_ROOT))
        try:
            first = proc.stdout.readline()
            self.assertIn('"sample": 0', first)
            time.sleep(0.2)
            self.publish(1)
            out, err = proc.communicate(timeout=20)
        finally:
            proc.kill()
        self.assertEqual(0, proc.returncode, err)
        self.assertIn('"sample": 1', out)
        timed_out = shmtel("echo", "arm", "--count", "2", "--timeout", "0.3", "--dir", self.dir)
        self.assertEqual(10, timed_out.returncode)
        self.assertIn("1 of 2 samples in 0.3 s", timed_out.stderr)

    def test_errors_exit_with_the_java_cli_codes(self):
        missing = shmtel("echo", "nope", "--dir", self.dir)
        self.assertEqual(5, missing.returncode)
        self.assertIn('region "nope" not found', missing.stderr)
        self.assertEqual(2, shmtel("echo", "arm/nope", "--dir", self.dir).returncode)
        self.writer.mm[0:1] = b"X"
        corrupt = shmtel("echo", "arm", "--dir", self.dir)
        self.assertEqual(7, corrupt.returncode)
        self.assertIn("wrong magic", corrupt.stderr)

    def test_help_names_every_command(self):
        out = shmtel("--help")
        self.assertEqual(0, out.returncode)
        for command in ("ls", "echo"):
            self.assertIn(command, out.stdout)
            self.assertEqual(0, shmtel(command, "--help").returncode)


if __name__ == "__main__":
    unittest.main()
