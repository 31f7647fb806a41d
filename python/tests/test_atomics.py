"""The atomics shim: every operation on a shared mapping, across processes, and the plain x86-64 backend."""

import mmap
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from shmtel import _atomics as atomics

INCREMENTS = 20000


class Operations(unittest.TestCase):
    def setUp(self):
        self.map = mmap.mmap(-1, 4096)
        self.pin = atomics.Pin(self.map)
        self.base = self.pin.address

    def tearDown(self):
        self.pin.release()
        self.map.close()

    def test_loads_and_stores_are_little_endian_words(self):
        atomics.store_u64(self.base + 8, 0x0102030405060708, atomics.RELEASE)
        self.assertEqual(bytes([8, 7, 6, 5, 4, 3, 2, 1]), self.map[8:16])
        self.assertEqual(0x0102030405060708, atomics.load_u64(self.base + 8, atomics.ACQUIRE))
        self.assertEqual(0x05060708, atomics.load_u32(self.base + 8, atomics.RELAXED))
        atomics.store_u32(self.base + 12, -1)
        self.assertEqual(0xFFFFFFFF05060708, atomics.load_u64(self.base + 8))

    @unittest.skipUnless(atomics.HAVE_RMW, "needs libatomic")
    def test_read_modify_write_operations(self):
        self.assertEqual((True, 0), atomics.cas_u64(self.base, 0, 7))
        self.assertEqual((False, 7), atomics.cas_u64(self.base, 0, 9))
        self.assertEqual((True, 0), atomics.cas_u32(self.base + 16, 0, -1))
        self.assertEqual(0xFFFFFFFF, atomics.load_u32(self.base + 16))
        self.assertEqual((True, 0xFFFFFFFF), atomics.cas_u32(self.base + 16, -1, 0))
        self.assertEqual(0, atomics.fetch_or_u32(self.base + 20, 1 << 3))
        self.assertEqual(8, atomics.fetch_or_u32(self.base + 20, 1))
        self.assertEqual(9, atomics.fetch_and_u32(self.base + 20, ~(1 << 3)))
        self.assertEqual(1, atomics.load_u32(self.base + 20))
        self.assertEqual(7, atomics.fetch_add_u64(self.base, 3))
        self.assertEqual(10, atomics.load_u64(self.base))
        atomics.fence()

    @unittest.skipUnless(atomics.HAVE_RMW, "needs libatomic")
    def test_fetch_add_from_two_processes_loses_no_increment(self):
        pid = os.fork()
        if pid == 0:
            try:
                for _ in range(INCREMENTS):
                    atomics.fetch_add_u64(self.base + 64, 1)
            finally:
                os._exit(0)
        for _ in range(INCREMENTS):
            atomics.fetch_add_u64(self.base + 64, 1)
        os.waitpid(pid, 0)
        self.assertEqual(2 * INCREMENTS, atomics.load_u64(self.base + 64))

    def test_a_pinned_mapping_cannot_be_closed_under_the_address(self):
        with self.assertRaises(BufferError):
            self.map.close()

    def test_read_only_mappings_are_pinned_too(self):
        with open("/proc/self/exe", "rb") as f:
            ro = mmap.mmap(f.fileno(), 4096, prot=mmap.PROT_READ)
        pin = atomics.Pin(ro)
        try:
            self.assertEqual(int.from_bytes(ro[0:8], "little"), atomics.load_u64(pin.address))
        finally:
            pin.release()
            ro.close()


class Backends(unittest.TestCase):
    def test_the_backend_is_named(self):
        self.assertIn(atomics.BACKEND, ("libatomic", "x86-64 plain", "unavailable"))

    @unittest.skipUnless(os.uname().machine == "x86_64", "the plain backend exists on x86-64 only")
    def test_without_libatomic_x86_64_loads_and_stores_and_refuses_the_rest(self):
        code = (
            "import mmap; from shmtel import _atomics as a\n"
            "m = mmap.mmap(-1, 4096); p = a.Pin(m)\n"
            "a.store_u64(p.address, 42); assert a.load_u64(p.address) == 42\n"
            "a.store_u32(p.address + 8, -1); assert a.load_u32(p.address + 8) == 0xFFFFFFFF\n"
            "a.fence(a.ACQUIRE)\n"
            "try:\n    a.cas_u64(p.address, 42, 43)\nexcept a.AtomicsUnavailableError as e:\n"
            "    print('refused:', e)\n"
            "print(a.BACKEND, a.HAVE_RMW)\n")
        env = dict(os.environ, SHMTEL_PY_NO_LIBATOMIC="1")
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                             cwd=os.path.join(os.path.dirname(__file__), ".."))
        self.assertEqual(0, out.returncode, out.stderr)
        self.assertIn("refused: compare-and-swap, fetch-or/and and full fences need libatomic.so.1", out.stdout)
        self.assertIn("libatomic1", out.stdout)
        self.assertIn("x86-64 plain False", out.stdout)


if __name__ == "__main__":
    unittest.main()
