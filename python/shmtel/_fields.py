"""Field values -> payload bytes, checked before anything touches a slot (the writer's and the sender's side).

A record's encoder takes the keyword arguments of ``publish``/``send`` and returns the payload bytes, or
raises ``FieldError`` naming the record, the field, the value and what the field takes. Fields left out
are zero (an empty string, false, 0). Types as docs/schema.md gives them; the rules follow Java's
``DynamicWriter`` (integers within the type's range, enum constants by name or value, strings as UTF-8
of at most the field's length, NUL-padded).
"""

import difflib
import math
import numbers
import struct

from .errors import ShmtelError
from .layout import TYPES

_INT_RANGES = {
    "i8": (-(1 << 7), (1 << 7) - 1),
    "u8": (0, (1 << 8) - 1),
    "i16": (-(1 << 15), (1 << 15) - 1),
    "u16": (0, (1 << 16) - 1),
    "i32": (-(1 << 31), (1 << 31) - 1),
    "u32": (0, (1 << 32) - 1),
    "i64": (-(1 << 63), (1 << 63) - 1),
}
#: The largest finite magnitude of each float type (a larger finite value does not fit; inf and nan do).
_FLOAT_MAX = {"f32": struct.unpack("<f", b"\xff\xff\x7f\x7f")[0], "f64": 1.7976931348623157e308}


class FieldError(ShmtelError, ValueError):
    """A field name the record does not have, or a value its field cannot hold (raised before the slot is touched)."""


class FieldTypeError(FieldError, TypeError):
    """A value of the wrong kind for its field (text for a number, a number for a string, a scalar for an array)."""


def _is_integer(value):
    return isinstance(value, numbers.Integral)


class RecordEncoder:
    """Encodes the fields of one record (a ``layout.RecordLayout``) of region ``region``."""

    def __init__(self, region, record):
        self.region = region
        self.record = record
        self.length = record.payload_length
        self._fields = {f.name: f for f in record.fields}
        self._where = f"region \"{region}\" record {record.name}"

    def encode(self, values):
        """The payload bytes for ``values`` (a mapping of field name to value)."""
        unknown = [name for name in values if name not in self._fields]
        if unknown:
            raise FieldError(self._unknown(unknown[0]))
        payload = bytearray(self.length)
        for name, value in values.items():
            f = self._fields[name]
            if f.type == "string":
                struct.pack_into(f"{f.length}s", payload, f.offset, self._text(f, value))
            elif f.is_array:
                fmt = f"<{f.count}{TYPES[f.type][1]}"
                if f.type != "bool" and self._fast(fmt, payload, f, value):
                    continue
                struct.pack_into(fmt, payload, f.offset, *self._elements(f, value))
            else:
                struct.pack_into("<" + TYPES[f.type][1], payload, f.offset, self._element(f, value, None))
        return bytes(payload)

    def _fast(self, fmt, payload, f, value):
        """Numbers packed as they are (struct checks kind and range): True when that worked and took nothing a
        field refuses (bools); anything else goes the element-by-element way, which says what is wrong."""
        if isinstance(value, (str, bytes, bytearray)) or not hasattr(value, "__len__") or len(value) != f.count:
            return False
        try:
            struct.pack_into(fmt, payload, f.offset, *value)
        except (struct.error, OverflowError, TypeError, ValueError):
            return False
        if f.type in _FLOAT_MAX and any(isinstance(v, bool) for v in value):
            return False
        return True

    def _unknown(self, name):
        names = list(self._fields)
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"did you mean \"{close[0]}\"? " if close else ""
        return (f"{self._where} has no field \"{name}\" ({hint}its fields: {', '.join(names)}; "
                f"fields left out are zero)")

    def _describe(self, f):
        kind = f.type + (f"[{f.count}]" if f.is_array else "")
        if f.type == "string":
            kind = f"string of at most {f.length} UTF-8 bytes"
        if f.is_enum:
            kind = "an enum (" + ", ".join(f"{k}={v}" for k, v in f.enum) + ")"
        return f"{self._where} field {f.name} is {kind}"

    def _text(self, f, value):
        if isinstance(value, str):
            data = value.encode("utf-8", "surrogatepass")
        elif isinstance(value, (bytes, bytearray, memoryview)):
            data = bytes(value)
        else:
            raise FieldTypeError(f"{self._describe(f)}: got {type(value).__name__} {value!r}; give a str")
        if len(data) > f.length:
            raise FieldError(f"{self._describe(f)}: {value!r} needs {len(data)} UTF-8 bytes, the capacity is "
                             f"{f.length}: shorten it (or give the field a larger \"length\" in the schema)")
        return data

    def _elements(self, f, value):
        if isinstance(value, (str, bytes, bytearray)) or not hasattr(value, "__len__"):
            raise FieldTypeError(f"{self._describe(f)}: got {type(value).__name__} {value!r}; give a sequence "
                                 f"of {f.count} values (a list, tuple or array)")
        if len(value) != f.count:
            raise FieldError(f"{self._describe(f)}: got {len(value)} values; give exactly {f.count}")
        return [self._element(f, v, i) for i, v in enumerate(value)]

    def _element(self, f, value, index):
        at = "" if index is None else f" element {index}"
        t = f.type
        if f.is_enum:
            constants = dict(f.enum)
            if isinstance(value, str):
                if value not in constants:
                    raise FieldError(f"{self._describe(f)}: no constant \"{value}\"")
                return constants[value]
            # A raw i32 is taken as it is, declared or not (as Java's raw setters do): a newer schema may
            # declare it, and readers show an undeclared value as its int.
            if not _is_integer(value) or isinstance(value, bool):
                raise FieldTypeError(f"{self._describe(f)}: got {type(value).__name__} {value!r}; give a "
                                     f"constant's name (a str) or an int")
            low, high = _INT_RANGES["i32"]
            if not low <= int(value) <= high:
                raise FieldError(f"{self._describe(f)}: {int(value)} is out of range {low} to {high}")
            return int(value)
        if t == "bool":
            if isinstance(value, bool) or (_is_integer(value) and int(value) in (0, 1)):
                return bool(value)
            if getattr(getattr(value, "dtype", None), "kind", None) == "b":  # a numpy bool
                return bool(value)
            raise FieldTypeError(f"{self._describe(f)}{at}: got {value!r}; give True or False (or 1, 0)")
        if t in _INT_RANGES:
            if not _is_integer(value):
                raise FieldTypeError(f"{self._describe(f)}{at}: got {type(value).__name__} {value!r}; give an int"
                                     + (" (round it first: int(round(x)))" if isinstance(value, float) else ""))
            low, high = _INT_RANGES[t]
            v = int(value)
            if not low <= v <= high:
                raise FieldError(f"{self._describe(f)}{at}: {v} is out of range {low} to {high}")
            return v
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise FieldTypeError(f"{self._describe(f)}{at}: got {type(value).__name__} {value!r}; give a number")
        try:
            v = float(value)
        except OverflowError:
            raise FieldError(f"{self._describe(f)}{at}: {value!r} does not fit (the largest magnitude is "
                             f"{_FLOAT_MAX[t]!r})") from None
        if math.isfinite(v) and abs(v) > _FLOAT_MAX[t]:
            raise FieldError(f"{self._describe(f)}{at}: {value!r} does not fit (the largest magnitude is "
                             f"{_FLOAT_MAX[t]!r})")
        return v
