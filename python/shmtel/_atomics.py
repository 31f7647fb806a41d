"""Atomic accesses to words of a shared mapping, for the orderings docs/format.md names.

Python has no atomics of its own, so this shim reaches the words by address through ctypes:

* **libatomic** (``libatomic.so.1``, shipped with GCC; Debian package ``libatomic1``): when it loads,
  every access is a call of its ``__atomic_*`` functions with the C11 memory order as argument
  (``__atomic_load_8(p, __ATOMIC_ACQUIRE)``, ``__atomic_compare_exchange_4``, ``__atomic_fetch_or_4``,
  ``atomic_thread_fence``). These are the C11 atomics themselves, lock-free for 4- and 8-byte words on
  x86-64 and AArch64 (checked with ``__atomic_is_lock_free``), so acquire and release are real on any
  architecture libatomic supports; a 64-bit load stays a plain load (never a compare-and-swap), so it
  works on a read-only mapping.
* **Without libatomic, x86-64 only**: loads and stores are plain aligned ``ctypes`` accesses
  (``c_uint64.from_address(a).value``), one ``mov`` each. That is enough for acquire loads and release
  stores because (1) x86-64 is TSO: an aligned 8-byte access is single-copy atomic, loads are not
  reordered with older loads and stores not with older stores, so every load is an acquire and every
  store a release in hardware; and (2) nothing reorders them in software: each access is a separate
  C call made by the interpreter loop, an opaque call boundary the C compiler cannot move memory
  accesses across, and the interpreter executes one Python operation after the other. What TSO does
  not give (a store followed by a load of another word needs a full fence: the sleeper handshake,
  and compare-and-swap, fetch-or, fetch-and) is not available: ``HAVE_RMW`` is False, readers poll
  instead of sleeping and code that needs them raises AtomicsUnavailableError.
* **Other architectures without libatomic** (AArch64, ...): refused: every access raises
  AtomicsUnavailableError (``shmtel.open`` checks first), because plain ctypes loads there are not
  acquire loads.

Addresses come from ``address_of(buffer)``: the start of a mapping exported through the buffer
protocol (which also keeps the mapping from being closed while the address is in use).
"""

import ctypes
import ctypes.util
import os
import platform

from .errors import ShmtelError

RELAXED = 0
ACQUIRE = 2
RELEASE = 3
ACQ_REL = 4
SEQ_CST = 5

_U32_MASK = 0xFFFFFFFF


class AtomicsUnavailableError(ShmtelError):
    """This machine offers no atomics the shim can use (no libatomic, and not x86-64)."""


def _load_libatomic():
    names = ["libatomic.so.1"]
    found = ctypes.util.find_library("atomic")
    if found and found not in names:
        names.append(found)
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


_MACHINE = platform.machine().lower()
_X86_64 = _MACHINE in ("x86_64", "amd64")
_lib = None if os.environ.get("SHMTEL_PY_NO_LIBATOMIC") == "1" else _load_libatomic()

#: "libatomic" or "x86-64 plain" or "unavailable": how words are reached on this machine.
BACKEND = "libatomic" if _lib is not None else ("x86-64 plain" if _X86_64 else "unavailable")
#: True when compare-and-swap, fetch-or/and and full fences are available (libatomic).
HAVE_RMW = _lib is not None


def _unavailable(*_args):
    raise AtomicsUnavailableError(
        f"shmtel for Python needs libatomic.so.1 on this architecture ({platform.machine()}): acquire and release "
        "accesses to shared memory are not plain loads and stores here. Fix: install libatomic1 (Debian/Ubuntu: "
        "apt-get install libatomic1; it comes with gcc)")


def _no_rmw(*_args):
    raise AtomicsUnavailableError(
        "compare-and-swap, fetch-or/and and full fences need libatomic.so.1, which did not load; readers poll "
        "instead of sleeping without it. Fix: install libatomic1 (Debian/Ubuntu: apt-get install libatomic1)")


if _lib is not None:
    def _fn(name, restype, *argtypes):
        f = getattr(_lib, name)
        f.restype = restype
        f.argtypes = list(argtypes)
        return f

    _vp, _int = ctypes.c_void_p, ctypes.c_int
    _load8 = _fn("__atomic_load_8", ctypes.c_uint64, _vp, _int)
    _load4 = _fn("__atomic_load_4", ctypes.c_uint32, _vp, _int)
    _store8 = _fn("__atomic_store_8", None, _vp, ctypes.c_uint64, _int)
    _store4 = _fn("__atomic_store_4", None, _vp, ctypes.c_uint32, _int)
    _cas8 = _fn("__atomic_compare_exchange_8", ctypes.c_bool, _vp, _vp, ctypes.c_uint64, _int, _int)
    _cas4 = _fn("__atomic_compare_exchange_4", ctypes.c_bool, _vp, _vp, ctypes.c_uint32, _int, _int)
    _or4 = _fn("__atomic_fetch_or_4", ctypes.c_uint32, _vp, ctypes.c_uint32, _int)
    _and4 = _fn("__atomic_fetch_and_4", ctypes.c_uint32, _vp, ctypes.c_uint32, _int)
    _add8 = _fn("__atomic_fetch_add_8", ctypes.c_uint64, _vp, ctypes.c_uint64, _int)
    _fence = _fn("atomic_thread_fence", None, _int)
    _lock_free = _fn("__atomic_is_lock_free", ctypes.c_bool, ctypes.c_size_t, _vp)
    if not (_lock_free(8, None) and _lock_free(4, None)):
        raise AtomicsUnavailableError(
            f"libatomic on {platform.machine()} implements 4- or 8-byte atomics with a lock, which does not "
            "synchronise between processes (docs/format.md, assumptions): this architecture is not supported")

    def load_u64(addr, order=ACQUIRE):
        return _load8(addr, order)

    def load_u32(addr, order=ACQUIRE):
        return _load4(addr, order)

    def store_u64(addr, value, order=RELEASE):
        _store8(addr, value, order)

    def store_u32(addr, value, order=RELEASE):
        _store4(addr, value & _U32_MASK, order)

    def cas_u64(addr, expected, new):
        """Strong seq_cst compare-and-swap; returns (swapped, the value found)."""
        cell = ctypes.c_uint64(expected)
        ok = _cas8(addr, ctypes.addressof(cell), new, SEQ_CST, SEQ_CST)
        return ok, cell.value

    def cas_u32(addr, expected, new):
        """Strong seq_cst compare-and-swap of a u32 (pass i32 values masked or not); returns (swapped, found)."""
        cell = ctypes.c_uint32(expected & _U32_MASK)
        ok = _cas4(addr, ctypes.addressof(cell), new & _U32_MASK, SEQ_CST, SEQ_CST)
        return ok, cell.value

    def fetch_or_u32(addr, bits):
        return _or4(addr, bits & _U32_MASK, SEQ_CST)

    def fetch_and_u32(addr, bits):
        return _and4(addr, bits & _U32_MASK, SEQ_CST)

    def fetch_add_u64(addr, delta):
        return _add8(addr, delta, SEQ_CST)

    def fence(order=SEQ_CST):
        _fence(order)

elif _X86_64:
    _U64, _U32 = ctypes.c_uint64, ctypes.c_uint32

    def load_u64(addr, order=ACQUIRE):
        return _U64.from_address(addr).value

    def load_u32(addr, order=ACQUIRE):
        return _U32.from_address(addr).value

    def store_u64(addr, value, order=RELEASE):
        _U64.from_address(addr).value = value

    def store_u32(addr, value, order=RELEASE):
        _U32.from_address(addr).value = value & _U32_MASK

    cas_u64 = cas_u32 = fetch_or_u32 = fetch_and_u32 = fetch_add_u64 = _no_rmw

    def fence(order=SEQ_CST):
        if order == SEQ_CST:
            _no_rmw()
        # acquire and release fences: nothing to do on TSO, and nothing reorders across the calls

else:
    load_u64 = load_u32 = store_u64 = store_u32 = _unavailable
    cas_u64 = cas_u32 = fetch_or_u32 = fetch_and_u32 = fetch_add_u64 = fence = _unavailable


def check_available():
    """Raises AtomicsUnavailableError when this machine has no usable backend."""
    if BACKEND == "unavailable":
        _unavailable()


class _PyBuffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.py_object), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                ("format", ctypes.c_char_p), ("shape", ctypes.c_void_p), ("strides", ctypes.c_void_p),
                ("suboffsets", ctypes.c_void_p), ("internal", ctypes.c_void_p)]


_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(_PyBuffer), ctypes.c_int]
_get_buffer.restype = ctypes.c_int
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = [ctypes.POINTER(_PyBuffer)]
_release_buffer.restype = None
_PYBUF_SIMPLE = 0


class Pin:
    """The address of a buffer (an mmap, read-only or not), held through the buffer protocol.

    While pinned, the mmap refuses to close (BufferError), so the address cannot dangle; ``release()``
    before closing the mapping.
    """

    def __init__(self, buffer):
        self._view = _PyBuffer()
        if _get_buffer(buffer, ctypes.byref(self._view), _PYBUF_SIMPLE) != 0:
            raise ShmtelError("cannot take the address of the mapping")
        self.address = self._view.buf
        self.length = self._view.len

    def release(self):
        if self._view is not None:
            _release_buffer(ctypes.byref(self._view))
            self._view = None
            self.address = None
