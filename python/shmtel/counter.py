"""The counter pattern (Java's io.shmtel.core.view.CounterPattern): sample k carries k in every element of
every field, cast to the field's type (bool: k odd; string: the decimal digits of k, cut to the capacity).

Any reader can then check that a sample is one whole sample without knowing the schema in advance: what
``shmtel echo --check`` and the cross-process tests apply.
"""

import struct

_BITS = {"i8": 8, "u8": 8, "i16": 16, "u16": 16, "i32": 32, "u32": 32, "i64": 64}
_F32 = struct.Struct("<f")


def value(field, k):
    """The value field ``field`` (a FieldLayout) holds in sample ``k`` of the pattern, as a reader decodes it."""
    t = field.type
    if t == "string":
        return str(k)[:field.length]
    if t == "bool":
        return bool(k & 1)
    if t == "f64":
        return float(k)
    if t == "f32":
        return _F32.unpack(_F32.pack(float(k)))[0]
    bits = _BITS[t]
    v = k & ((1 << bits) - 1)
    if t.startswith("i") and v >= 1 << (bits - 1):
        v -= 1 << bits
    return v


def fill(record, k):
    """Field name -> value of sample ``k`` of the pattern for ``record`` (a RecordLayout): what a writer stores."""
    out = {}
    for f in record.fields:
        v = value(f, k)
        out[f.name] = [v] * f.count if f.count else v
    return out


def check(sample, record, k=None):
    """True when every field of ``sample`` holds ``k`` (default: its own index) as the pattern writes it."""
    k = sample.index if k is None else k
    for f in record.fields:
        expected = value(f, k)
        got = sample.raw(f.name)
        if f.count:
            if any(x != expected for x in list(got)):
                return False
        elif got != expected:
            return False
    return True
