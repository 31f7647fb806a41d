"""The Linux calls shmtel needs beyond the os module: OFD lock probes, futex, membarrier, kill(pid, 0).

Through ``fcntl`` where Python has the call, else ``ctypes.CDLL(None).syscall`` with the system call
numbers of x86-64 and AArch64 (the architectures the atomics shim supports).
"""

import ctypes
import errno
import fcntl
import os
import platform
import struct

_MACHINE = platform.machine().lower()
if _MACHINE in ("x86_64", "amd64"):
    SYS_FUTEX, SYS_MEMBARRIER = 202, 324
elif _MACHINE in ("aarch64", "arm64"):
    SYS_FUTEX, SYS_MEMBARRIER = 98, 283
else:
    SYS_FUTEX = SYS_MEMBARRIER = None

FUTEX_WAIT = 0
FUTEX_WAKE = 1
MEMBARRIER_CMD_QUERY = 0
MEMBARRIER_CMD_GLOBAL_EXPEDITED = 1 << 1
MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED = 1 << 2
F_OFD_GETLK = getattr(fcntl, "F_OFD_GETLK", 36)
F_OFD_SETLK = getattr(fcntl, "F_OFD_SETLK", 37)
INT_MAX = (1 << 31) - 1

#: struct flock on x86-64 and AArch64: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid.
_FLOCK = struct.Struct("hhqqi4x")

_libc = ctypes.CDLL(None, use_errno=True)
_syscall = _libc.syscall
_syscall.restype = ctypes.c_long


class _Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


def write_lock_holder(fd):
    """True when some open file description holds a write (a writer's) lock on fd's file.

    ``F_OFD_GETLK`` with ``l_type = F_RDLCK``, whole file: a read lock conflicts only with a write lock,
    so a remover's shared lock is not reported (format.md, "Owning a region").
    """
    result = fcntl.fcntl(fd, F_OFD_GETLK, _FLOCK.pack(fcntl.F_RDLCK, os.SEEK_SET, 0, 0, 0))
    return _FLOCK.unpack(result)[0] != fcntl.F_UNLCK


def try_write_lock(fd):
    """Takes the exclusive OFD lock on the whole file; False when another description holds a lock."""
    try:
        fcntl.fcntl(fd, F_OFD_SETLK, _FLOCK.pack(fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0))
        return True
    except OSError as e:
        if e.errno in (errno.EAGAIN, errno.EACCES):
            return False
        raise


def futex_wait(address, expected, timeout_ns):
    """FUTEX_WAIT (shared) on the u32 at ``address``; returns 0 woken/early, or the errno (EAGAIN, ETIMEDOUT, EINTR)."""
    ts = _Timespec(max(0, timeout_ns) // 1_000_000_000, max(0, timeout_ns) % 1_000_000_000)
    r = _syscall(ctypes.c_long(SYS_FUTEX), ctypes.c_void_p(address), ctypes.c_long(FUTEX_WAIT),
                 ctypes.c_long(expected & 0xFFFFFFFF), ctypes.byref(ts), ctypes.c_void_p(None), ctypes.c_long(0))
    return 0 if r == 0 else ctypes.get_errno()


def futex_wake(address, count=INT_MAX):
    """FUTEX_WAKE (shared) on the u32 at ``address``; returns how many were woken (negative: -errno)."""
    r = _syscall(ctypes.c_long(SYS_FUTEX), ctypes.c_void_p(address), ctypes.c_long(FUTEX_WAKE),
                 ctypes.c_long(count), ctypes.c_void_p(None), ctypes.c_void_p(None), ctypes.c_long(0))
    return r if r >= 0 else -ctypes.get_errno()


def membarrier(cmd):
    """membarrier(cmd, 0); returns the result, or -errno."""
    if SYS_MEMBARRIER is None:
        return -errno.ENOSYS
    r = _syscall(ctypes.c_long(SYS_MEMBARRIER), ctypes.c_long(cmd), ctypes.c_long(0), ctypes.c_long(0))
    return r if r >= 0 else -ctypes.get_errno()


def global_barrier_available():
    """True when this kernel offers MEMBARRIER_CMD_GLOBAL_EXPEDITED (what a sleeper issues)."""
    mask = membarrier(MEMBARRIER_CMD_QUERY)
    return mask >= 0 and mask & MEMBARRIER_CMD_GLOBAL_EXPEDITED != 0


def process_exists(pid):
    """kill(pid, 0): only ESRCH means gone; EPERM means it exists (another user's)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def start_time(pid="self"):
    """Field 22 of /proc/PID/stat (clock ticks after boot), or None when unreadable."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
        return int(data[data.rindex(b")") + 2:].split()[19])
    except (OSError, ValueError, IndexError):
        return None
