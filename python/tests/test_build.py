"""The in-tree build backend (python/_build/shmtel_build.py): wheel, editable wheel and sdist.

Calls the PEP 517 hooks as pip does and checks what they write: every package file in the wheel, a
RECORD whose hashes and sizes match each entry, METADATA and WHEEL as the wheel format wants them.
"""

import base64
import hashlib
import importlib.util
import os
import tarfile
import tempfile
import unittest
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_backend():
    spec = importlib.util.spec_from_file_location("shmtel_build", os.path.join(ROOT, "_build", "shmtel_build.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildBackendTest(unittest.TestCase):
    def setUp(self):
        self.backend = load_backend()
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_no_build_requirements_so_pip_downloads_nothing(self):
        self.assertEqual([], self.backend.get_requires_for_build_wheel())
        self.assertEqual([], self.backend.get_requires_for_build_sdist())
        self.assertEqual([], self.backend.get_requires_for_build_editable())

    def test_wheel_holds_every_package_file_and_a_record_that_matches(self):
        name = self.backend.build_wheel(self.tmp.name)
        self.assertRegex(name, r"^shmtel-[0-9][^-]*-py3-none-any\.whl$")
        with zipfile.ZipFile(os.path.join(self.tmp.name, name)) as z:
            names = z.namelist()
            package = sorted(n for n in names if n.startswith("shmtel/"))
            expected = []
            for folder, dirs, files in os.walk(os.path.join(ROOT, "shmtel")):
                dirs[:] = [d for d in dirs if d != "__pycache__"]
                expected += [os.path.relpath(os.path.join(folder, f), ROOT).replace(os.sep, "/")
                             for f in files if not f.endswith(".pyc")]
            self.assertEqual(sorted(expected), package)
            self.assertFalse([n for n in names if "__pycache__" in n or n.endswith(".pyc")])
            dist_info = [n for n in names if n.endswith(".dist-info/RECORD")]
            self.assertEqual(1, len(dist_info), names)
            record = z.read(dist_info[0]).decode("utf-8").splitlines()
            listed = {}
            for line in record:
                path, digest, size = line.rsplit(",", 2)
                listed[path] = (digest, size)
            self.assertEqual(sorted(names), sorted(listed))
            for path, (digest, size) in listed.items():
                if path == dist_info[0]:
                    self.assertEqual(("", ""), (digest, size))
                    continue
                data = z.read(path)
                want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
                self.assertEqual("sha256=" + want, digest, path)
                self.assertEqual(str(len(data)), size, path)
            prefix = dist_info[0][:-len("RECORD")]
            metadata = z.read(prefix + "METADATA").decode("utf-8")
            self.assertIn("Metadata-Version: 2.1\nName: shmtel\nVersion: ", metadata)
            self.assertIn("Requires-Python: >=", metadata)
            wheel = z.read(prefix + "WHEEL").decode("utf-8")
            self.assertIn("Root-Is-Purelib: true", wheel)
            self.assertIn("Tag: py3-none-any", wheel)

    def test_editable_wheel_puts_the_source_directory_on_the_path(self):
        name = self.backend.build_editable(self.tmp.name)
        with zipfile.ZipFile(os.path.join(self.tmp.name, name)) as z:
            pth = [n for n in z.namelist() if n.endswith(".pth")]
            self.assertEqual(1, len(pth))
            self.assertEqual(ROOT, z.read(pth[0]).decode("utf-8").strip())
            self.assertFalse([n for n in z.namelist() if n.startswith("shmtel/")])

    def test_prepared_metadata_is_the_wheel_metadata(self):
        dist_info = self.backend.prepare_metadata_for_build_wheel(self.tmp.name)
        with open(os.path.join(self.tmp.name, dist_info, "METADATA"), "rb") as f:
            prepared = f.read()
        name = self.backend.build_wheel(self.tmp.name)
        with zipfile.ZipFile(os.path.join(self.tmp.name, name)) as z:
            self.assertEqual(prepared, z.read(dist_info + "/METADATA"))

    def test_sdist_holds_the_backend_pyproject_package_and_pkg_info(self):
        name = self.backend.build_sdist(self.tmp.name)
        self.assertTrue(name.endswith(".tar.gz"), name)
        base = name[:-len(".tar.gz")]
        with tarfile.open(os.path.join(self.tmp.name, name)) as tar:
            names = tar.getnames()
        for want in ("PKG-INFO", "pyproject.toml", "_build/shmtel_build.py", "shmtel/__init__.py"):
            self.assertIn(base + "/" + want, names)

    def test_fallback_reader_of_pyproject_reads_the_keys_the_metadata_needs(self):
        with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
            project = self.backend._read_project_keys(f.read().decode("utf-8"))
        self.assertEqual("shmtel", project["name"])
        self.assertRegex(project["version"], r"^[0-9]+\.[0-9]+\.[0-9]+")
        self.assertRegex(project["requires-python"], r"^>=3\.[0-9]+$")
        self.assertEqual({"numpy": ["numpy"]}, project["optional-dependencies"])

    def test_fallback_reader_of_pyproject_agrees_with_tomllib(self):
        try:
            import tomllib
        except ImportError:
            self.skipTest("tomllib needs Python 3.11; the fallback is what runs here")
        with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
            text = f.read().decode("utf-8")
        full = tomllib.loads(text)["project"]
        fallback = self.backend._read_project_keys(text)
        for key in ("name", "version", "description", "requires-python", "optional-dependencies"):
            self.assertEqual(full[key], fallback[key], key)


if __name__ == "__main__":
    unittest.main()
