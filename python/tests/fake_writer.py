"""A minimal region writer for the reader's unit tests, written from docs/format.md (not shmtel.writer).

It builds a region file whole (header, record table, schema text, writer line, the format version last),
holds the writer's OFD lock on its own descriptor, publishes with the seqlock's stores and wakes sleepers;
tests then break words on purpose. The real writer (shmtel.writer) has its own tests.
"""

import mmap
import os
import struct
import time

from shmtel import _atomics as atomics
from shmtel import _linux
from shmtel import layout as L

_PACK = {"bool": "?", "i8": "b", "u8": "B", "i16": "h", "u16": "H", "i32": "i", "u32": "I", "i64": "q",
         "f32": "f", "f64": "d"}


class FakeWriter:
    """Owns region ``name`` in ``directory`` until close() (CLOSED) or drop() (as if killed)."""

    def __init__(self, directory, name, schema, *, epoch=1, period_ns=100_000_000, version=L.FORMAT_VERSION,
                 mode=0o600, lock=True):
        self.layout = L.compile_schema(schema)
        self.path = os.path.join(directory, "shmtel." + name)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        os.fchmod(self.fd, mode)
        if lock:
            assert _linux.try_write_lock(self.fd)
        os.posix_fallocate(self.fd, 0, self.layout.region_length)
        self.mm = mmap.mmap(self.fd, self.layout.region_length)
        self.pin = atomics.Pin(self.mm)
        self.base = self.pin.address
        lay = self.layout
        text = lay.canonical_bytes
        m = self.mm
        struct.pack_into("<QIIQQIIIII", m, 0, L.MAGIC, 0, lay.header_length, lay.region_length, lay.fingerprint,
                         len(lay.records), L.RECORD_TABLE_OFFSET, L.RECORD_TABLE_OFFSET + 128 * len(lay.records),
                         len(text), lay.schema_version)
        for r in lay.records:
            entry = L.RECORD_TABLE_OFFSET + 128 * r.index
            m[entry:entry + len(r.name)] = r.name.encode()
            struct.pack_into("<QQQIIIII", m, entry + 64, r.block_offset, r.block_length, r.fingerprint, r.slot_length,
                             r.depth, r.payload_length, len(r.fields), 1 if r.is_mailbox else 0)
        offset = L.RECORD_TABLE_OFFSET + 128 * len(lay.records)
        m[offset:offset + len(text)] = text
        struct.pack_into("<iIQQQ", m, L.WRITER_PID_OFFSET, os.getpid(), 0, _linux.start_time() or 0, epoch,
                         period_ns)
        self.beat()
        atomics.store_u32(self.base + L.STATE_OFFSET, L.STATE_LIVE, atomics.RELEASE)
        if version:
            atomics.store_u32(self.base + L.VERSION_OFFSET, version, atomics.RELEASE)

    def record(self, name):
        return self.layout.record(name)

    def beat(self, age_ns=0):
        atomics.store_u64(self.base + L.HEARTBEAT_OFFSET, time.monotonic_ns() - age_ns, atomics.RELEASE)

    def payload(self, record, values):
        r = self.record(record)
        out = bytearray(r.payload_length)
        for f in r.fields:
            v = values.get(f.name)
            if v is None:
                continue
            if f.type == "string":
                data = v.encode()[:f.length]
                out[f.offset:f.offset + len(data)] = data
            elif f.count:
                struct.pack_into(f"<{f.count}{_PACK[f.type]}", out, f.offset, *v)
            else:
                if f.enum and isinstance(v, str):
                    v = dict(f.enum)[v]
                struct.pack_into("<" + _PACK[f.type], out, f.offset, v)
        return bytes(out)

    def start(self, record, k):
        """Marks sample k busy (seq 2k+1), as a writer killed in the middle of it leaves it."""
        r = self.record(record)
        slot = self.base + r.slot_offset(k & (r.depth - 1))
        atomics.store_u64(slot, 2 * k + 1, atomics.RELAXED)
        atomics.fence(atomics.RELEASE)

    def publish(self, record, k, values=None, timestamp_ns=None, count=True):
        """Writes sample k whole (busy mark, payload, 2k+2, published = k+1 unless not count) and wakes sleepers."""
        r = self.record(record)
        offset = r.slot_offset(k & (r.depth - 1))
        self.start(record, k)
        payload = self.payload(record, values or {})
        ts = time.monotonic_ns() if timestamp_ns is None else timestamp_ns
        self.mm[offset + 8:offset + 16] = ts.to_bytes(8, "little")
        self.mm[offset + 16:offset + 16 + len(payload)] = payload
        atomics.store_u64(self.base + offset, 2 * k + 2, atomics.RELEASE)
        if count:
            atomics.store_u64(self.base + r.published_offset, k + 1, atomics.RELEASE)
        atomics.fence(atomics.SEQ_CST)
        if atomics.load_u32(self.base + r.block_offset + L.SLEEPERS_OFFSET, atomics.RELAXED):
            _linux.futex_wake(self.base + r.published_offset)

    def set_published(self, record, n):
        atomics.store_u64(self.base + self.record(record).published_offset, n, atomics.RELEASE)

    def close(self):
        """A clean close: CLOSED, then the lock goes with the descriptor."""
        atomics.store_u32(self.base + L.STATE_OFFSET, L.STATE_CLOSED, atomics.RELEASE)
        self.drop()

    def drop(self):
        """Lets go of everything without storing CLOSED: what a killed writer leaves."""
        if self.pin is not None:
            self.pin.release()
            self.pin = None
            self.mm.close()
            os.close(self.fd)
