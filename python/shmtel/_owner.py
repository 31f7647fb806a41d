"""The file steps of a writer (docs/format.md, "Creating, taking over and opening"): lock, create, take over.

``acquire(name, layout, directory, mode, period_ns)`` returns an ``Owned``: the region's file open and
locked (an exclusive OFD lock held for the writer's whole life), mapped read-write, its header written
(a new file) or its writer line rewritten (a dead writer's file of the same layout, taken over in place
with the next epoch), LIVE, and the format version stored last. It follows Java's ``RegionCreation``
and ``RegionTakeover`` step by step:

* no file: build the region complete in an unnamed file (``O_TMPFILE``; a hidden name where the file
  system lacks it), lock, ``posix_fallocate``, ``fchmod``, map, header, writer line, version, then
  ``linkat`` it into place (never replacing a name: a writer that loses the race meets the winner's file);
* a file held by a live writer: ``RegionOwnedError`` naming its pid;
* a dead writer's file of this layout, not group/world-writable: taken over in place (epoch + 1 before
  state 0, the writer line, LIVE, the version);
* another layout, an unreadable header, a group/world-writable file: removed under the lock and replaced
  by a new file with the next epoch.

(Over 400 lines on purpose: one place for the whole create/take-over sequence, in format.md's order, and
for the messages of its errors.)
"""

import ctypes
import errno
import logging
import mmap
import os
import stat
import struct
import time

from . import _atomics as atomics
from . import _linux
from . import layout as L
from ._names import check_name
from .errors import (CorruptRegionError, RegionNotFoundError, RegionPermissionError,
                     ShmtelError)

LOG = logging.getLogger("shmtel")

DEFAULT_DIRECTORY = "/dev/shm"
FILE_PREFIX = "shmtel."
DEFAULT_MODE = 0o600
GROUP_OR_OTHERS_WRITE = 0o022
OWNER_READ_WRITE = 0o600
#: Java's default heartbeat period (RegionOptions.defaults()): 100 ms.
DEFAULT_HEARTBEAT_PERIOD_S = 0.1
#: How long creation may keep losing races for the name before it gives up (as Java).
GIVE_UP_S = 2.0
MIN_ATTEMPTS = 3
RETRY_PAUSE_S = 200e-6
#: A start time that could not be read (format.md: all ones in the writer line).
UNKNOWN_START_TIME = (1 << 64) - 1

#: errno values of open(O_TMPFILE) on a file system (or kernel) without it: use a hidden name instead.
NO_TMPFILE = (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL)
AT_FDCWD = -100
AT_SYMLINK_FOLLOW = 0x400
_linkat = ctypes.CDLL(None, use_errno=True).linkat
_linkat.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
_linkat.restype = ctypes.c_int


class RegionOwnedError(ShmtelError):
    """The region is held by a live writer (``pid``: its pid, as its header says)."""

    def __init__(self, message, pid):
        super().__init__(message)
        self.pid = pid


class _Errno(ShmtelError, OSError):
    """An OSError whose message is the sentence alone (``errno`` keeps the number)."""

    def __str__(self):
        return self.strerror if self.strerror else super().__str__()


class NoSpaceError(_Errno):
    """The region directory has not room for the region (``posix_fallocate`` said ENOSPC)."""


class InvalidModeError(ShmtelError, ValueError):
    """A mode that drops the owner's read-write bits, has bits besides permissions, or lets group/others write."""


class RegionIoError(_Errno):
    """Any other failed system call on the region's file or directory (the errno is in the message)."""


def region_directory(directory):
    """``directory``, else ``$SHMTEL_DIR``, else /dev/shm."""
    if directory is not None:
        return os.fspath(directory)
    return os.environ.get("SHMTEL_DIR") or DEFAULT_DIRECTORY


def check_mode(mode):
    if not isinstance(mode, int) or mode & ~0o777 or mode & OWNER_READ_WRITE != OWNER_READ_WRITE:
        raise InvalidModeError(f"mode must keep owner read-write and use only permission bits: mode={mode!r}"
                                    f" (e.g. 0o600, or 0o640 for a reader group)")
    if mode & GROUP_OR_OTHERS_WRITE:
        raise InvalidModeError(f"mode must not let group or others write a region (one writer per region): "
                                    f"mode=0o{mode:o}; use e.g. 0o640 for a reader group")


def names_file(path, st):
    """True when ``path`` (not following links) is still the file ``st`` describes."""
    try:
        now = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return now.st_ino == st.st_ino and now.st_dev == st.st_dev


class Owned:
    """A region file this process owns: descriptor (locked), mapping, its address, epoch and layout."""

    def __init__(self, name, path, fd, mm, layout, epoch, took_over):
        self.name = name
        self.path = path
        self.fd = fd
        self.mm = mm
        self.pin = atomics.Pin(mm)
        self.base = self.pin.address
        self.layout = layout
        self.epoch = epoch
        self.took_over = took_over


def acquire(name, layout, directory, mode, period_ns):
    """Creates region ``name`` or takes a dead writer's over; see the module's docstring."""
    check_name(name)
    check_mode(mode)
    atomics.check_available()
    directory = region_directory(directory)
    path = os.path.join(directory, FILE_PREFIX + name)
    previous_epoch = 0
    deadline = time.monotonic() + GIVE_UP_S
    attempts = 0
    while True:
        attempts += 1
        outcome = _open_existing(name, path, layout, period_ns)
        if isinstance(outcome, Owned):
            return outcome
        if outcome is not _RETRY:
            previous_epoch = max(previous_epoch, outcome)
            created = _create_new(name, directory, path, layout, mode, period_ns, previous_epoch + 1)
            if created is not None:
                return created
            # lost the race for the name: look at the winner's file
        else:
            time.sleep(RETRY_PAUSE_S)
        if attempts > MIN_ATTEMPTS and time.monotonic() > deadline:
            raise RegionIoError(f"region \"{name}\": could not create or take over {path} in {GIVE_UP_S:g} s "
                                f"({attempts} attempts: other processes keep creating and removing it)")


_RETRY = object()


def _open_existing(name, path, layout, period_ns):
    """An Owned (taken over), the epoch of a file removed or 0 when there was none, or _RETRY."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return 0
    except OSError as e:
        raise _create_error(name, os.path.dirname(path), path, e) from None
    keep = False
    mm = None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise RegionPermissionError(
                f"region \"{name}\": {path} is not a regular file ({_type_name(st.st_mode)}, mode "
                f"0o{st.st_mode:o}); shmtel opens only regular files in the region directory: remove it (rm {path})")
        if st.st_uid != os.geteuid():
            raise RegionPermissionError(
                f"region \"{name}\": {path} is owned by uid {st.st_uid}, not by this user (uid {os.geteuid()}); "
                f"a writer takes over only its own user's regions: remove it (as its owner) or use another name")
        if not _linux.try_write_lock(fd):
            if not _linux.write_lock_holder(fd):
                return _RETRY  # a remover (gc, rm) holds it to unlink it, or the lock was just released
            raise _owned(name, path, fd, st)
        if not names_file(path, st):
            return _RETRY  # removed or replaced between our open and our lock
        # We hold the lock: the previous owner is gone (or never finished creating the region).
        foreign_writable = st.st_mode & GROUP_OR_OTHERS_WRITE
        old_epoch = 0
        same = False
        if st.st_size >= L.PAGE_LENGTH:
            mm = map_separately(fd, st.st_size)
            pin = atomics.Pin(mm)
            try:
                version = atomics.load_u32(pin.address + L.VERSION_OFFSET, atomics.ACQUIRE)
                magic = struct.unpack_from("<Q", mm, L.MAGIC_OFFSET)[0]
                if version != 0 and magic == L.MAGIC and version >> L.FORMAT_MAJOR_SHIFT == L.FORMAT_MAJOR:
                    old_epoch = struct.unpack_from("<Q", mm, L.WRITER_EPOCH_OFFSET)[0]
                    same = _same_layout(mm, st.st_size, layout, version)
            finally:
                pin.release()
            if same and not foreign_writable:
                owned = _take_over_in_place(name, path, fd, mm, st.st_size, layout, old_epoch + 1, period_ns)
                keep = True
                return owned
        if foreign_writable:
            LOG.warning("replacing region \"%s\" of a dead writer: %s has mode 0o%o (group or others may write it, "
                        "and readers refuse it)", name, path, stat.S_IMODE(st.st_mode))
        else:
            LOG.info("replacing region \"%s\" of a dead writer: its layout differs from this writer's or its header "
                     "is unreadable", name)
        _unlink_quietly(path)  # still under our lock, and still our file (checked above)
        return old_epoch
    finally:
        if not keep:
            if mm is not None:
                mm.close()
            os.close(fd)


def _same_layout(mm, file_size, layout, version):
    """True when the header describes exactly ``layout`` (format major 1, every static word and the schema text)."""
    if version >> L.FORMAT_MAJOR_SHIFT != L.FORMAT_MAJOR or file_size < layout.region_length:
        return False
    expected = bytearray(layout.header_length)
    _write_static_header(expected, layout)
    for start, end in _static_ranges(layout):
        if mm[start:end] != expected[start:end]:
            return False
    return True


def _static_ranges(layout):
    """The byte ranges of the header a writer writes once (everything but version, flush and writer words)."""
    ranges = [(L.MAGIC_OFFSET, L.VERSION_OFFSET), (L.HEADER_LENGTH_OFFSET, L.FLUSHED_AT_OFFSET)]
    for r in layout.records:
        entry = L.RECORD_TABLE_OFFSET + L.RECORD_ENTRY_LENGTH * r.index
        ranges.append((entry, entry + L.RECORD_ENTRY_FLUSHED_OFFSET))
    text_offset = L.RECORD_TABLE_OFFSET + L.RECORD_ENTRY_LENGTH * len(layout.records)
    ranges.append((text_offset, text_offset + len(layout.canonical_bytes)))
    return ranges


def _write_static_header(b, layout):
    text = layout.canonical_bytes
    count = len(layout.records)
    text_offset = L.RECORD_TABLE_OFFSET + L.RECORD_ENTRY_LENGTH * count
    struct.pack_into("<Q", b, L.MAGIC_OFFSET, L.MAGIC)
    struct.pack_into("<IQQIIIII", b, L.HEADER_LENGTH_OFFSET, layout.header_length, layout.region_length,
                     layout.fingerprint, count, L.RECORD_TABLE_OFFSET, text_offset, len(text), layout.schema_version)
    for r in layout.records:
        entry = L.RECORD_TABLE_OFFSET + L.RECORD_ENTRY_LENGTH * r.index
        struct.pack_into("64s", b, entry, r.name.encode("utf-8"))
        struct.pack_into("<QQQIIIII", b, entry + L.RECORD_ENTRY_BLOCK_OFFSET_OFFSET, r.block_offset, r.block_length,
                         r.fingerprint, r.slot_length, r.depth, r.payload_length, len(r.fields),
                         L.SYNC_MAILBOX if r.is_mailbox else L.SYNC_RING)
    b[text_offset:text_offset + len(text)] = text


def write_writer_line(base, mm, epoch, period_ns):
    """The owner's identity, epoch and heartbeat period, a fresh heartbeat, then LIVE (release)."""
    start = _linux.start_time()
    struct.pack_into("<i", mm, L.WRITER_PID_OFFSET, os.getpid())
    struct.pack_into("<QQQ", mm, L.WRITER_START_TIME_OFFSET, UNKNOWN_START_TIME if start is None else start,
                     epoch, period_ns)
    atomics.store_u64(base + L.HEARTBEAT_OFFSET, time.monotonic_ns(), atomics.RELEASE)
    # Release: a reader that sees LIVE sees the identity and epoch above.
    atomics.store_u32(base + L.STATE_OFFSET, L.STATE_LIVE, atomics.RELEASE)


def _take_over_in_place(name, path, fd, mm, file_size, layout, epoch, period_ns):
    # Reserve the whole file before writing the writer line: a sparse file on a full file system fails
    # here, not with SIGBUS at a later publish.
    reserve(name, path, fd, file_size, "take over")
    owned = Owned(name, path, fd, mm, layout, epoch, True)
    base = owned.base
    # The new epoch before the state word 0 (release): a reader that finds the lock free and then loads
    # this 0 also loads this epoch, and looks again (liveness rule R3).
    atomics.store_u64(base + L.WRITER_EPOCH_OFFSET, epoch, atomics.RELEASE)
    atomics.store_u32(base + L.STATE_OFFSET, L.STATE_INITIALISING, atomics.RELEASE)
    write_writer_line(base, mm, epoch, period_ns)
    # A 1.0 or 1.1 region becomes 1.2: this writer wakes sleepers and keeps mailboxes.
    atomics.store_u32(base + L.VERSION_OFFSET, L.FORMAT_VERSION, atomics.RELEASE)
    return owned


def _create_new(name, directory, path, layout, mode, period_ns, epoch):
    """Builds the region in an unnamed file and links it in; None when another writer linked the name first."""
    temp = None
    try:
        try:
            fd = os.open(directory, os.O_RDWR | os.O_TMPFILE | os.O_CLOEXEC, DEFAULT_MODE)
        except OSError as e:
            if e.errno not in NO_TMPFILE:
                raise
            temp = os.path.join(directory, f".shmtel-tmp.{name}.{os.getpid()}.{time.monotonic_ns()}")
            fd = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, DEFAULT_MODE)
    except OSError as e:
        raise _create_error(name, directory, path, e) from None
    done = False
    mm = None
    owned = None
    try:
        if not _linux.try_write_lock(fd):
            raise RegionIoError(f"region \"{name}\": cannot lock the new, unnamed file")
        reserve(name, path, fd, layout.region_length, "create")
        os.fchmod(fd, mode)
        mm = map_separately(fd, layout.region_length)
        owned = Owned(name, path, fd, mm, layout, epoch, False)
        _write_static_header(mm, layout)
        write_writer_line(owned.base, mm, epoch, period_ns)
        # Stored last: readers that acquire a non-zero version see a complete header.
        atomics.store_u32(owned.base + L.VERSION_OFFSET, L.FORMAT_VERSION, atomics.RELEASE)
        try:
            if temp is None:
                link_descriptor(fd, path)
            else:
                os.link(temp, path, follow_symlinks=False)
        except FileExistsError:
            return None
        done = True
        return owned
    except OSError as e:
        if isinstance(e, ShmtelError):
            raise
        raise _create_error(name, directory, path, e) from None
    finally:
        if temp is not None:
            _unlink_quietly(temp)
        if not done:
            if owned is not None:
                owned.pin.release()
            if mm is not None:
                mm.close()
            os.close(fd)  # an unnamed file vanishes with its last descriptor


def map_separately(fd, length):
    """A read-write shared mapping of fd's file made through a second open of ``/proc/self/fd/N`` (as Java's
    RegionFiles.map): the mapping references another open file description than the locked ``fd``, so closing
    ``fd`` releases the writer's lock at once (format.md rule 13: CLOSED, unlock, wake), and a mapping left
    behind (a buffer still exported at close, a forked child's copy) can never keep the lock.
    """
    second = os.open(f"/proc/self/fd/{fd}", os.O_RDWR | os.O_CLOEXEC)  # the magic link is followed on purpose
    try:
        return mmap.mmap(second, length, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    finally:
        os.close(second)


def link_descriptor(fd, path):
    """linkat(AT_FDCWD, "/proc/self/fd/N", AT_FDCWD, path, AT_SYMLINK_FOLLOW): never replaces an existing name.

    Through libc: ``os.link(..., follow_symlinks=True)`` calls plain link() on Python before 3.13 when no
    directory descriptor is given, and link() does not follow the /proc link (EXDEV).
    """
    source = f"/proc/self/fd/{fd}".encode()
    if _linkat(AT_FDCWD, source, AT_FDCWD, os.fsencode(path), AT_SYMLINK_FOLLOW) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), path)


def reserve(name, path, fd, length, verb):
    """posix_fallocate of the whole file: a full directory is an error now (with the bytes), never a SIGBUS later."""
    try:
        os.posix_fallocate(fd, 0, length)
    except OSError as e:
        directory = os.path.dirname(path)
        if e.errno == errno.ENOSPC:
            try:
                vfs = os.statvfs(directory)
                free = f"{vfs.f_bavail * vfs.f_frsize} bytes"
            except OSError:
                free = "less"
            raise NoSpaceError(
                errno.ENOSPC,
                f"cannot {verb} region \"{name}\": it needs {length} bytes and {directory} has {free} free. Free "
                f"space there ('shmtel ls', 'shmtel rm'), or give it more (in Docker: --shm-size=256m; on a host: "
                f"mount -o remount,size=1G {directory})") from None
        raise RegionIoError(e.errno, f"region \"{name}\": posix_fallocate({length} bytes) in {directory}: "
                                     f"{os.strerror(e.errno)}") from None


def _create_error(name, directory, path, e):
    code = e.errno
    if code in (errno.ENOENT, errno.ENOTDIR):
        if os.path.isdir(directory):
            return RegionNotFoundError(f"cannot create region \"{name}\": directory {directory} refuses new files "
                                       f"({os.strerror(code)})")
        return RegionNotFoundError(f"cannot create region \"{name}\": directory {directory} does not exist (create "
                                   f"it, or set SHMTEL_DIR / dir=)")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return RegionPermissionError(f"cannot create region \"{name}\" in {directory}: {os.strerror(code)} (the "
                                     f"writer needs write access to the directory)")
    if code == errno.EISDIR:
        return RegionPermissionError(f"region \"{name}\": {path} is a directory, not a regular file; shmtel opens only "
                                     f"regular files in the region directory: remove it")
    if code == errno.ELOOP:
        return RegionPermissionError(f"region \"{name}\": {path} is a symbolic link; shmtel never follows links in "
                                     f"the region directory: remove it")
    return RegionIoError(code, f"cannot create region \"{name}\": {path}: {os.strerror(code)}")


def _owned(name, path, fd, st):
    pid = None
    owner = ""
    if st.st_size >= L.PAGE_LENGTH:
        with mmap.mmap(fd, L.PAGE_LENGTH, mmap.MAP_SHARED, mmap.PROT_READ) as m:
            pid = struct.unpack_from("<i", m, L.WRITER_PID_OFFSET)[0]
        running = ", running" if _linux.process_exists(pid) else ""
        owner = f" (owner pid {pid}{running})"
    return RegionOwnedError(f"region \"{name}\" is owned by a live writer{owner}: a region has one writer; stop that "
                            f"writer first or publish under another name ({path})", pid)


def _unlink_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _type_name(mode):
    for test, what in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return what
    return "not a regular file"


def corrupt(message):
    return CorruptRegionError(message)
