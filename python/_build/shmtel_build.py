"""The in-tree PEP 517 build backend of the shmtel package (standard library only).

``pip install ./python`` runs it (``backend-path = ["_build"]`` in pyproject.toml, ``requires = []``), so
building the package downloads nothing: pip's build isolation has nothing to install, and this module
writes the wheel itself with ``zipfile`` (the ``.dist-info`` files METADATA, WHEEL and RECORD, as the
wheel format, PEP 427, and the core metadata specification describe). It also writes a source
distribution (``tarfile``) and an editable wheel (PEP 660: a ``.pth`` file naming this directory).

Only the ``[project]`` keys below are read from pyproject.toml: name, version, description,
requires-python and optional-dependencies.
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import time
import zipfile

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_PACKAGE = "shmtel"
_TAG = "py3-none-any"
# Files of the source distribution besides the package (paths relative to _ROOT).
_SDIST_EXTRA = ("pyproject.toml", "_build/shmtel_build.py")
_SDIST_DIRS = ("tests",)
# Zip entries need a date from 1980 on; SOURCE_DATE_EPOCH makes builds reproducible.
_EPOCH_1980 = 315532800


def _project():
    """The [project] table of pyproject.toml (tomllib where present, else a reader of the few keys used)."""
    path = os.path.join(_ROOT, "pyproject.toml")
    with open(path, "rb") as f:
        data = f.read()
    try:
        import tomllib
    except ImportError:
        return _read_project_keys(data.decode("utf-8"))
    return tomllib.loads(data.decode("utf-8"))["project"]


def _read_project_keys(text):
    """Python < 3.11: the string keys of [project] and its inline optional-dependencies table."""
    project = {}
    section = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
            continue
        if section != "[project]":
            continue
        m = re.match(r'([A-Za-z-]+)\s*=\s*"([^"]*)"\s*$', line)
        if m:
            project[m.group(1)] = m.group(2)
            continue
        m = re.match(r'optional-dependencies\s*=\s*\{(.*)\}\s*$', line)
        if m:
            extras = {}
            for name, deps in re.findall(r'([A-Za-z0-9_-]+)\s*=\s*\[([^\]]*)\]', m.group(1)):
                extras[name] = re.findall(r'"([^"]+)"', deps)
            project["optional-dependencies"] = extras
    return project


def _names():
    p = _project()
    return p, p["name"], p["version"]


def _metadata(project):
    lines = [
        "Metadata-Version: 2.1",
        "Name: " + project["name"],
        "Version: " + project["version"],
    ]
    if project.get("description"):
        lines.append("Summary: " + project["description"])
    if project.get("requires-python"):
        lines.append("Requires-Python: " + project["requires-python"])
    for extra, deps in sorted(project.get("optional-dependencies", {}).items()):
        lines.append("Provides-Extra: " + extra)
        for dep in deps:
            lines.append('Requires-Dist: %s; extra == "%s"' % (dep, extra))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _wheel_file():
    return ("Wheel-Version: 1.0\nGenerator: shmtel_build\nRoot-Is-Purelib: true\nTag: %s\n" % _TAG).encode("utf-8")


def _dist_info(name, version):
    return "%s-%s.dist-info" % (_normal(name), version)


def _normal(name):
    return re.sub(r"[-_.]+", "_", name).lower()


def _package_files():
    """(path in the wheel, absolute path) for every file of the package, sorted, without caches."""
    found = []
    top = os.path.join(_ROOT, _PACKAGE)
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for f in sorted(files):
            if f.endswith((".pyc", ".pyo")):
                continue
            full = os.path.join(folder, f)
            found.append((os.path.relpath(full, _ROOT).replace(os.sep, "/"), full))
    return found


def _date_time():
    seconds = max(int(os.environ.get("SOURCE_DATE_EPOCH", _EPOCH_1980)), _EPOCH_1980)
    return time.gmtime(seconds)[:6]


class _WheelWriter:
    """A zip file that records each entry's hash and size for RECORD."""

    def __init__(self, path):
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        self._records = []

    def add(self, arcname, data, mode=0o644):
        info = zipfile.ZipInfo(arcname, date_time=_date_time())
        info.external_attr = (0o100000 | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self._zip.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
        self._records.append("%s,sha256=%s,%d" % (arcname, digest, len(data)))

    def close(self, record_path):
        lines = self._records + [record_path + ",,"]
        info = zipfile.ZipInfo(record_path, date_time=_date_time())
        info.external_attr = (0o100000 | 0o644) << 16
        self._zip.writestr(info, ("\n".join(lines) + "\n").encode("utf-8"))
        self._zip.close()


def _build(wheel_directory, editable):
    project, name, version = _names()
    wheel_name = "%s-%s-%s.whl" % (_normal(name), version, _TAG)
    dist_info = _dist_info(name, version)
    writer = _WheelWriter(os.path.join(wheel_directory, wheel_name))
    if editable:
        # The source directory on sys.path: edits to python/shmtel take effect without reinstalling.
        writer.add("__editable__.%s.pth" % _normal(name), (_ROOT + "\n").encode("utf-8"))
    else:
        for arcname, full in _package_files():
            with open(full, "rb") as f:
                writer.add(arcname, f.read())
    writer.add(dist_info + "/METADATA", _metadata(project))
    writer.add(dist_info + "/WHEEL", _wheel_file())
    writer.close(dist_info + "/RECORD")
    return wheel_name


def _prepare_metadata(metadata_directory):
    project, name, version = _names()
    dist_info = _dist_info(name, version)
    target = os.path.join(metadata_directory, dist_info)
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, "METADATA"), "wb") as f:
        f.write(_metadata(project))
    with open(os.path.join(target, "WHEEL"), "wb") as f:
        f.write(_wheel_file())
    return dist_info


# ---- PEP 517 hooks ----

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    return _prepare_metadata(metadata_directory)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    return _prepare_metadata(metadata_directory)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _build(wheel_directory, editable=False)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _build(wheel_directory, editable=True)


def build_sdist(sdist_directory, config_settings=None):
    project, name, version = _names()
    base = "%s-%s" % (_normal(name), version)
    path = os.path.join(sdist_directory, base + ".tar.gz")
    files = [(rel, os.path.join(_ROOT, rel)) for rel in _SDIST_EXTRA]
    files += _package_files()
    for d in _SDIST_DIRS:
        top = os.path.join(_ROOT, d)
        for folder, dirs, names in os.walk(top):
            dirs[:] = sorted(x for x in dirs if x != "__pycache__")
            for f in sorted(names):
                if not f.endswith((".pyc", ".pyo")):
                    full = os.path.join(folder, f)
                    files.append((os.path.relpath(full, _ROOT).replace(os.sep, "/"), full))
    mtime = max(int(os.environ.get("SOURCE_DATE_EPOCH", _EPOCH_1980)), _EPOCH_1980)
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        def add(arcname, data):
            info = tarfile.TarInfo(base + "/" + arcname)
            info.size = len(data)
            info.mtime = mtime
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
        add("PKG-INFO", _metadata(project))
        for rel, full in files:
            with open(full, "rb") as f:
                add(rel, f.read())
    return base + ".tar.gz"
