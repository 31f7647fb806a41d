"""Samples: a record's slot decoded into Python values, from the layout alone.

Values: ``bool`` fields as bool; integers as int; ``f32``/``f64`` as float; strings decoded from UTF-8 up
to the first NUL (an invalid byte becomes U+FFFD); arrays as tuples, or as read-only numpy arrays
when numpy is used (``shmtel.open(..., numpy=True)``, the default when numpy is importable); enum
fields as the name of their constant (a str), or as the int when the value is no declared constant
(a newer writer's); ``Sample.raw(field)`` always gives the int.
"""

import struct
from collections.abc import Mapping

from . import layout

_NUMPY_TYPES = {"bool": "?", "i8": "i1", "u8": "u1", "i16": "<i2", "u16": "<u2", "i32": "<i4", "u32": "<u4",
                "i64": "<i8", "f32": "<f4", "f64": "<f8"}


def numpy_module(wanted):
    """The numpy module when ``wanted`` is True or None (and numpy imports), else None."""
    if wanted is False:
        return None
    try:
        import numpy
        return numpy
    except ImportError:
        if wanted:
            raise
        return None


class Sample(Mapping):
    """One sample of a record: a read-only mapping of field name to value.

    ``index``: the sample's index (0 for the first the writer published); ``timestamp_ns``: the writer's
    CLOCK_MONOTONIC time of it; ``record``: the record's name. Fields are also attributes
    (``sample.position``) when their name is none of these.
    """

    __slots__ = ("record", "index", "timestamp_ns", "_values", "_enums")

    def __init__(self, record, index, timestamp_ns, values, enums):
        self.record = record
        self.index = index
        self.timestamp_ns = timestamp_ns
        self._values = values
        self._enums = enums

    def __getitem__(self, name):
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"record {self.record!r} has no field {name!r} (fields: "
                                 f"{', '.join(self._values)})") from None

    def raw(self, name):
        """The stored value of a field; for an enum field its i32, whatever the constant."""
        return self._enums[name] if name in self._enums else self._values[name]

    def __repr__(self):
        shown = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"Sample({self.record}#{self.index} t={self.timestamp_ns}: {shown})"


class Decoder:
    """Decodes one record's slots: one struct for the scalar fields, arrays with numpy or struct."""

    def __init__(self, record, numpy=None):
        self.record = record
        self.numpy = numpy
        fmt = ["<"]
        position = 0
        self._plan = []          # (name, kind, index into the unpacked tuple, element count, numpy dtype, offset)
        index = 0
        for f in record.fields:
            size, char = layout.TYPES[f.type]
            if f.offset > position:
                fmt.append(f"{f.offset - position}x")
            if f.type == "string":
                fmt.append(f"{f.length}s")
                self._plan.append((f.name, "string", index, 1, None, f.offset))
                index += 1
            elif f.count and numpy is not None:
                fmt.append(f"{f.size}x")
                self._plan.append((f.name, "numpy", None, f.count, numpy.dtype(_NUMPY_TYPES[f.type]),
                                   layout.PAYLOAD_OFFSET + f.offset))
            elif f.count:
                fmt.append(f"{f.count}{char}")
                self._plan.append((f.name, "array", index, f.count, None, f.offset))
                index += f.count
            else:
                fmt.append(char)
                kind = "enum" if f.enum else "scalar"
                self._plan.append((f.name, kind, index, 1, dict((v, k) for k, v in f.enum), f.offset))
                index += 1
            position = f.offset + f.size
        self._struct = struct.Struct("".join(fmt))

    def decode(self, slot, index):
        """A Sample from a private copy of a whole slot (seq, timestamp, payload)."""
        timestamp = int.from_bytes(slot[layout.TIMESTAMP_OFFSET:layout.PAYLOAD_OFFSET], "little")
        flat = self._struct.unpack_from(slot, layout.PAYLOAD_OFFSET)
        values = {}
        enums = {}
        for name, kind, i, n, extra, offset in self._plan:
            if kind == "scalar":
                values[name] = flat[i]
            elif kind == "enum":
                enums[name] = flat[i]
                values[name] = extra.get(flat[i], flat[i])
            elif kind == "string":
                values[name] = flat[i].split(b"\0", 1)[0].decode("utf-8", "replace")
            elif kind == "array":
                values[name] = flat[i:i + n]
            else:
                values[name] = self.numpy.frombuffer(slot, extra, n, offset)
        return Sample(self.record.name, index, timestamp, values, enums)
