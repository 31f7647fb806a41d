"""Schema JSON -> region layout, canonical text and fingerprints, exactly as Java computes them.

Implements docs/schema.md ("Layout rules", "The canonical text and the fingerprint") and docs/format.md
("Header", "Record block", "Fingerprints", "The embedded schema"); the Java truth is
``io.shmtel.schema.layout.LayoutCompiler``, ``CanonicalJson`` and ``Fingerprint`` (PythonReaderTest
compares every example schema against them).

    >>> lay = compile_schema(open("schema/examples/arm.json").read())
    >>> hex(lay.fingerprint), lay.header_length, lay.region_length
    ('0x1bb6d530886a84bc', 4096, 8192)

Validation follows the Java schema parser's rules (identifiers, types, limits, reserved names); its
messages say what is wrong as ``/json/pointer: message`` lines, without line and column.
"""

import json
import math
import os
import re
from dataclasses import dataclass
from decimal import Decimal

from . import wellknown
from .errors import SchemaError

# ------------------------------------------------------------------------------------------ format constants
MAGIC = 0x00004C45544D4853                   # "SHMTEL\0\0" little-endian
FORMAT_MAJOR = 1
FORMAT_MINOR = 2
FORMAT_MAJOR_SHIFT = 16
FORMAT_VERSION = FORMAT_MAJOR << FORMAT_MAJOR_SHIFT | FORMAT_MINOR
PAGE_LENGTH = 4096
CACHE_LINE_LENGTH = 64

# header (format.md "Header")
MAGIC_OFFSET = 0
VERSION_OFFSET = 8
HEADER_LENGTH_OFFSET = 12
REGION_LENGTH_OFFSET = 16
FINGERPRINT_OFFSET = 24
RECORD_COUNT_OFFSET = 32
RECORD_TABLE_OFFSET_OFFSET = 36
SCHEMA_TEXT_OFFSET_OFFSET = 40
SCHEMA_TEXT_LENGTH_OFFSET = 44
SCHEMA_VERSION_OFFSET = 48
FLUSHED_AT_OFFSET = 56
WRITER_PID_OFFSET = 64
STATE_OFFSET = 68
WRITER_START_TIME_OFFSET = 72
WRITER_EPOCH_OFFSET = 80
HEARTBEAT_PERIOD_OFFSET = 88
HEARTBEAT_OFFSET = 128
RECORD_TABLE_OFFSET = 256
STATE_INITIALISING = 0
STATE_LIVE = 1
STATE_CLOSED = 2

# record-table entry (128 bytes)
RECORD_ENTRY_LENGTH = 128
RECORD_ENTRY_NAME_LENGTH = 64
RECORD_ENTRY_BLOCK_OFFSET_OFFSET = 64
RECORD_ENTRY_BLOCK_LENGTH_OFFSET = 72
RECORD_ENTRY_FINGERPRINT_OFFSET = 80
RECORD_ENTRY_SLOT_LENGTH_OFFSET = 88
RECORD_ENTRY_DEPTH_OFFSET = 92
RECORD_ENTRY_PAYLOAD_LENGTH_OFFSET = 96
RECORD_ENTRY_FIELD_COUNT_OFFSET = 100
RECORD_ENTRY_SYNC_OFFSET = 104
RECORD_ENTRY_FLUSHED_OFFSET = 112
SYNC_RING = 0
SYNC_MAILBOX = 1

# record block (format.md "Record block", "Mailbox records")
PUBLISHED_OFFSET = 0
MAILBOX_STATE_OFFSET = 8
MAILBOX_HOLDER_PID_OFFSET = 12
MAILBOX_CODE_OFFSET = 24
MAILBOX_HOLDER_START_OFFSET = 32
MAILBOX_RECOVERED_OFFSET = 40
SLEEPER_LINE_OFFSET = 64
SLEEPERS_OFFSET = 64
SLEEPER_PIDS_OFFSET = 68
SLOTS_OFFSET = 128
SLEEPER_SLOTS = (SLOTS_OFFSET - SLEEPER_PIDS_OFFSET) // 4        # 15
WAKE_MINOR_VERSION = 1

# slot
SEQ_OFFSET = 0
TIMESTAMP_OFFSET = 8
PAYLOAD_OFFSET = 16

# ------------------------------------------------------------------------------------------ schema limits
MAX_IDENTIFIER_LENGTH = 64
MAX_RECORDS = 256
MAX_FIELDS = 1024
MIN_DEPTH = 2
MAX_DEPTH = 65536
DEFAULT_DEPTH = 2
MAX_COUNT = 65536
MAX_STRING_LENGTH = 65536
MAX_PAYLOAD_BYTES = 1 << 20
MAX_RING_BYTES = 256 << 20
MAX_REGION_BYTES = 1 << 30
MAX_RATE_HZ = 1_000_000
MAX_TEXT_LENGTH = 1024
MAX_UNIT_LENGTH = 64
MAX_ENUM_CONSTANTS = 4096
I32_MIN = -(1 << 31)
I32_MAX = (1 << 31) - 1

#: type name -> (size in bytes, struct format character). The element size is also the alignment.
TYPES = {
    "bool": (1, "?"),
    "i8": (1, "b"),
    "u8": (1, "B"),
    "i16": (2, "h"),
    "u16": (2, "H"),
    "i32": (4, "i"),
    "u32": (4, "I"),
    "i64": (8, "q"),
    "f32": (4, "f"),
    "f64": (8, "d"),
    "string": (1, "s"),
}

IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*\Z")
ENUM_CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*\Z")

JAVA_KEYWORDS = frozenset((
    "abstract assert boolean break byte case catch char class const continue default do double else enum "
    "extends final finally float for goto if implements import instanceof int interface long native new "
    "package private protected public return short static strictfp super switch synchronized this throw "
    "throws transient try void volatile while true false null var yield record sealed permits _").split())
C_KEYWORDS = frozenset((
    "auto break case char const continue default do double else enum extern float for goto if inline int "
    "long register restrict return short signed sizeof static struct switch typedef union unsigned void "
    "volatile while bool true false linux unix").split())
RESERVED_FIELD_NAMES = frozenset((
    "wrap buffer offset sequence sample_index timestamp_ns commit payload_offset staging meta fields "
    "record_fingerprint record_name payload_length to_string hash_code equals get_class notify notify_all "
    "wait clone finalize").split())

ROOT_KEYS = ("$schema", "schema", "version", "description", "records")
RECORD_KEYS = ("name", "sync", "depth", "rateHz", "description", "fields", "wellKnown")
FIELD_KEYS = ("name", "type", "count", "length", "unit", "description", "enum")

FNV_OFFSET_BASIS = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3
U64_MASK = (1 << 64) - 1


# ------------------------------------------------------------------------------------------ the layout IR
@dataclass(frozen=True)
class FieldLayout:
    """A field placed in its record's payload; ``offset`` from the payload start (slot offset 16)."""
    name: str
    type: str
    count: int          # 0 for a scalar
    length: int         # string capacity in bytes, 0 for other types
    offset: int
    size: int           # bytes the field takes
    unit: str
    description: str
    enum: tuple         # ((constant, value), ...) in declaration order; () when not an enum

    @property
    def is_array(self):
        return self.count > 0

    @property
    def is_enum(self):
        return bool(self.enum)

    def canonical_line(self):
        line = (f"field {self.name} {self.type} count={self.count} length={self.length} "
                f"offset={self.offset}")
        if self.enum:
            line += " enum=" + ",".join(f"{k}:{v}" for k, v in self.enum)
        return line + "\n"


@dataclass(frozen=True)
class RecordLayout:
    """A record placed in a region: lengths, its block's offset from the region start, its fingerprint."""
    index: int
    name: str
    depth: int
    rate_hz: float      # 0 when none is declared
    description: str
    fields: tuple
    payload_length: int
    slot_length: int
    block_offset: int
    block_length: int
    fingerprint: int
    sync: str           # "ring" or "mailbox"

    @property
    def is_mailbox(self):
        return self.sync == "mailbox"

    def field(self, name):
        for f in self.fields:
            if f.name == name:
                return f
        return None

    @property
    def published_offset(self):
        return self.block_offset + PUBLISHED_OFFSET

    def slot_offset(self, slot):
        """Offset of slot ``slot`` (0 to depth-1) from the region start."""
        return self.block_offset + SLOTS_OFFSET + slot * self.slot_length

    def canonical_text(self):
        text = (f"record {self.name} depth={self.depth} payload={self.payload_length} "
                f"slot={self.slot_length}")
        if self.is_mailbox:
            text += " sync=mailbox"
        return text + "\n" + "".join(f.canonical_line() for f in self.fields)


@dataclass(frozen=True)
class Layout:
    """The layout of a schema's regions; everything follows from the schema alone."""
    schema_name: str
    schema_version: int
    description: str
    records: tuple
    canonical_json: str
    header_length: int
    region_length: int
    fingerprint: int

    def record(self, name):
        for r in self.records:
            if r.name == name:
                return r
        return None

    def canonical_layout_text(self):
        return (f"shmtel-layout {FORMAT_MAJOR} schema {self.schema_name}\n"
                + "".join(r.canonical_text() for r in self.records))

    @property
    def canonical_bytes(self):
        return self.canonical_json.encode("utf-8")


# ------------------------------------------------------------------------------------------ helpers
def fnv1a64(text):
    """64-bit FNV-1a over the UTF-8 bytes of ``text`` (str) or over ``text`` itself (bytes)."""
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    h = FNV_OFFSET_BASIS
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & U64_MASK
    return h


def fingerprint_hex(value):
    return f"0x{value & U64_MASK:016x}"


def align(value, alignment):
    return (value + alignment - 1) & -alignment


def header_length(record_count, schema_text_length):
    return align(RECORD_TABLE_OFFSET + RECORD_ENTRY_LENGTH * record_count + schema_text_length, PAGE_LENGTH)


def slot_length(payload_length):
    return align(PAYLOAD_OFFSET + payload_length, CACHE_LINE_LENGTH)


def block_length(depth, slot_len):
    return SLOTS_OFFSET + depth * slot_len


def field_size(type_name, count, length):
    if type_name == "string":
        return length
    return TYPES[type_name][0] * (count if count > 0 else 1)


def payload_length(fields):
    """Payload bytes of fields (dicts with type/count/length): naturally aligned, rounded to the largest alignment."""
    end = 0
    max_alignment = 1
    for f in fields:
        alignment = TYPES[f["type"]][0]
        max_alignment = max(max_alignment, alignment)
        end = align(end, alignment) + field_size(f["type"], f.get("count", 0), f.get("length", 0))
    return align(end, max_alignment)


def java_double(value):
    """``Double.toString(value)`` for a finite positive double, from its shortest round-trip digits."""
    digits_tuple, exponent = Decimal(repr(float(value))).normalize().as_tuple()[1:]
    digits = "".join(map(str, digits_tuple))
    point = len(digits) + exponent            # the decimal point sits after this many digits
    if 1e-3 <= value < 1e7:
        if point <= 0:
            return "0." + "0" * -point + digits
        if point >= len(digits):
            return digits + "0" * (point - len(digits)) + ".0"
        return digits[:point] + "." + digits[point:]
    return digits[0] + "." + (digits[1:] or "0") + "E" + str(point - 1)


def _json_string(text):
    """A JSON string as Jackson writes it for schema text: only '"' and '\\' escaped (no controls occur)."""
    out = ['"']
    for ch in text:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def camel_case(identifier):
    out = []
    upper = False
    for c in identifier:
        if c == "_":
            upper = len(out) > 0
        else:
            out.append(c.upper() if upper else c)
            upper = False
    return "".join(out)


def _java_length(text):
    """Length in UTF-16 code units, as Java's String.length() counts it."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# ------------------------------------------------------------------------------------------ parsing
class _Problems:
    def __init__(self):
        self.items = []

    def add(self, pointer, message):
        self.items.append(f"{pointer or '/'}: {message}")


def _kind(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _describe(value):
    kind = _kind(value)
    if kind in ("object", "array"):
        return "an " + kind
    return f"{kind} {json.dumps(value, ensure_ascii=False)}"


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _keys(problems, obj, pointer, allowed):
    for key in obj:
        if key not in allowed:
            problems.add(f"{pointer}/{key}", f"unknown key \"{key}\" (allowed: {', '.join(allowed)})")


def _text(problems, obj, pointer, key, limit):
    if key not in obj:
        return ""
    value = obj[key]
    if not isinstance(value, str):
        problems.add(f"{pointer}/{key}", f"expected a string; found {_describe(value)}")
        return ""
    if _java_length(value) > limit:
        problems.add(f"{pointer}/{key}", f"{key} is {_java_length(value)} characters long; the limit is {limit}")
        return ""
    for i, ch in enumerate(value):
        if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            problems.add(f"{pointer}/{key}", f"{key} contains the control character U+{ord(ch):04X} at index {i};"
                         " remove it")
            return ""
    return value


def _identifier(problems, obj, pointer, key, what):
    if key not in obj:
        problems.add(pointer, f"missing required key \"{key}\": a {what} matching [a-z][a-z0-9_]*")
        return None
    value = obj[key]
    if not isinstance(value, str):
        problems.add(f"{pointer}/{key}", f"expected a {what} (a string matching [a-z][a-z0-9_]*); found "
                     f"{_describe(value)}")
        return None
    if not IDENTIFIER.match(value) or len(value) > MAX_IDENTIFIER_LENGTH:
        problems.add(f"{pointer}/{key}", f"invalid {what} \"{value}\": names must match [a-z][a-z0-9_]* (at most "
                     f"{MAX_IDENTIFIER_LENGTH} characters)")
        return None
    return value


def _integer(problems, obj, pointer, key, low, high, rule=None):
    value = obj[key]
    if not _is_int(value):
        problems.add(f"{pointer}/{key}", f"expected an integer; found {_describe(value)}")
        return None
    if value < low or value > high:
        bound = "" if rule is None else (f" (the smallest allowed is {low})" if value < low
                                         else f" (the largest allowed is {high})")
        problems.add(f"{pointer}/{key}", f"{key} must be {rule or f'from {low} to {high}'}; found {value}{bound}")
        return None
    return value


def _keyword_clash(name):
    java = name in JAVA_KEYWORDS or camel_case(name) in JAVA_KEYWORDS
    c = name in C_KEYWORDS
    if java and c:
        return "Java and C"
    return "Java" if java else ("C" if c else None)


def _field(problems, node, pointer, seen, java_names):
    if not isinstance(node, dict):
        problems.add(pointer, f"expected a field object with \"name\" and \"type\"; found {_describe(node)}")
        return None
    _keys(problems, node, pointer, FIELD_KEYS)
    ok = True
    name = _identifier(problems, node, pointer, "name", "field name")
    if name is not None:
        clash = _keyword_clash(name)
        if clash:
            problems.add(f"{pointer}/name", f"field name \"{name}\" is a reserved word in {clash}; rename it, e.g. "
                         f"\"{name}_value\"")
            name = None
        elif any(camel_case(r) == camel_case(name) for r in RESERVED_FIELD_NAMES):
            problems.add(f"{pointer}/name", f"field name \"{name}\" clashes with a member of the generated Java view"
                         f" or writer; rename it, e.g. \"{name}_value\"")
            name = None
        elif name in seen:
            problems.add(f"{pointer}/name", f"duplicate field name \"{name}\" (first declared at {seen[name]}); "
                         "field names must be unique in a record")
            name = None
        elif camel_case(name) in java_names:
            problems.add(f"{pointer}/name", f"field name \"{name}\" maps to the Java name \"{camel_case(name)}\", as "
                         f"the field at {java_names[camel_case(name)]} does; rename one of them")
            name = None
        else:
            seen[name] = pointer
            java_names[camel_case(name)] = pointer
    type_name = None
    if "type" not in node:
        problems.add(pointer, f"missing required key \"type\": one of {', '.join(TYPES)}")
    elif not isinstance(node["type"], str):
        problems.add(f"{pointer}/type", f"expected a type name ({', '.join(TYPES)}); found {_describe(node['type'])}")
    elif node["type"] not in TYPES:
        problems.add(f"{pointer}/type", f"unknown type \"{node['type']}\" (types: {', '.join(TYPES)})")
    else:
        type_name = node["type"]
    count = 0
    if "count" in node:
        count = _integer(problems, node, pointer, "count", 1, MAX_COUNT)
        if count is not None and type_name == "string":
            problems.add(f"{pointer}/count", "\"count\" does not apply to string fields: declare one string field "
                         "per value")
            count = None
    length = 0
    if type_name == "string":
        if "length" not in node:
            problems.add(pointer, "missing required key \"length\" for a string field: its capacity in UTF-8 bytes, "
                         f"1 to {MAX_STRING_LENGTH}, e.g. \"length\": 16")
            length = None
        else:
            length = _integer(problems, node, pointer, "length", 1, MAX_STRING_LENGTH)
    elif "length" in node and type_name is not None:
        problems.add(f"{pointer}/length", f"\"length\" applies only to string fields; for an array of {type_name} "
                     "use \"count\"")
        length = None
    unit = _text(problems, node, pointer, "unit", MAX_UNIT_LENGTH)
    description = _text(problems, node, pointer, "description", MAX_TEXT_LENGTH)
    constants = ()
    if "enum" in node:
        constants = _enum(problems, node["enum"], f"{pointer}/enum")
        if constants is None:
            ok = False
        elif type_name is not None and type_name != "i32":
            problems.add(f"{pointer}/enum", f"\"enum\" requires \"type\": \"i32\" (enums are stored as i32); found "
                         f"\"{type_name}\"")
            ok = False
        elif "count" in node:
            problems.add(f"{pointer}/enum", "an enum field cannot be an array: remove \"count\" or \"enum\"")
            ok = False
    if not ok or name is None or type_name is None or count is None or length is None:
        return None
    return {"name": name, "type": type_name, "count": count, "length": length, "unit": unit,
            "description": description, "enum": constants}


def _enum(problems, node, pointer):
    if not isinstance(node, dict):
        problems.add(pointer, "expected an object of constants, e.g. \"enum\": { \"OK\": 0, \"FAULT\": 1 }; found "
                     f"{_describe(node)}")
        return None
    if not node:
        problems.add(pointer, "\"enum\" must declare at least one constant, e.g. { \"OK\": 0 }")
        return None
    if len(node) > MAX_ENUM_CONSTANTS:
        problems.add(pointer, f"an enum may declare at most {MAX_ENUM_CONSTANTS} constants; found {len(node)}")
        return None
    constants = []
    by_value = {}
    ok = True
    for key, value in node.items():
        if not ENUM_CONSTANT.match(key) or len(key) > MAX_IDENTIFIER_LENGTH:
            problems.add(f"{pointer}/{key}", f"invalid enum constant \"{key}\": constants must match [A-Z][A-Z0-9_]* "
                         f"(at most {MAX_IDENTIFIER_LENGTH} characters)")
            ok = False
            continue
        if not _is_int(value) or value < I32_MIN or value > I32_MAX:
            problems.add(f"{pointer}/{key}", f"enum value of \"{key}\" must be an integer in the i32 range ({I32_MIN}"
                         f" to {I32_MAX}); found {_describe(value)}")
            ok = False
            continue
        if value in by_value:
            problems.add(f"{pointer}/{key}", f"enum value {value} of \"{key}\" repeats the value of "
                         f"\"{by_value[value]}\"; values must be unique")
            ok = False
            continue
        by_value[value] = key
        constants.append((key, value))
    return tuple(constants) if ok else None


def _record(problems, node, pointer, seen_names):
    if not isinstance(node, dict):
        problems.add(pointer, f"expected a record object with \"name\" and \"fields\"; found {_describe(node)}")
        return None
    _keys(problems, node, pointer, RECORD_KEYS)
    name = _identifier(problems, node, pointer, "name", "record name")
    if name is not None:
        if name in seen_names:
            problems.add(f"{pointer}/name", f"duplicate record name \"{name}\" (first declared at "
                         f"{seen_names[name]}); record names must be unique in a schema")
        else:
            seen_names[name] = pointer
    sync = "ring"
    if "sync" in node:
        if node["sync"] not in ("ring", "mailbox"):
            problems.add(f"{pointer}/sync", f"unknown sync {_describe(node['sync'])} (\"ring\": a seqlock ring, the "
                         "default; \"mailbox\": one message at a time, answered by its consumer)")
        else:
            sync = node["sync"]
    depth = 1 if sync == "mailbox" else DEFAULT_DEPTH
    if "depth" in node and sync == "mailbox":
        problems.add(f"{pointer}/depth", "a mailbox holds one message at a time and has no depth: remove \"depth\" "
                     "(or drop \"sync\": \"mailbox\" for a ring of samples)")
    elif "depth" in node:
        d = _integer(problems, node, pointer, "depth", MIN_DEPTH, MAX_DEPTH,
                     f"a power of two from {MIN_DEPTH} to {MAX_DEPTH}")
        if d is not None:
            if d & (d - 1):
                below = 1 << (d.bit_length() - 1)
                problems.add(f"{pointer}/depth", f"depth must be a power of two from {MIN_DEPTH} to {MAX_DEPTH}; "
                             f"found {d} (nearest: {below} or {below << 1})")
            else:
                depth = d
    rate = 0.0
    if "rateHz" in node:
        value = node["rateHz"]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.add(f"{pointer}/rateHz", f"expected a number (samples per second); found {_describe(value)}")
        elif not (0 < value <= MAX_RATE_HZ) or (isinstance(value, float) and not math.isfinite(value)):
            problems.add(f"{pointer}/rateHz", f"rateHz must be greater than 0 and at most {MAX_RATE_HZ}; found "
                         f"{value}")
        else:
            rate = float(value)
    description = _text(problems, node, pointer, "description", MAX_TEXT_LENGTH)
    fields = None
    if "fields" not in node:
        problems.add(pointer, "missing required key \"fields\": an array of fields, e.g. \"fields\": "
                     "[{ \"name\": \"x\", \"type\": \"f64\" }]")
    elif not isinstance(node["fields"], list):
        problems.add(f"{pointer}/fields", f"expected an array of fields; found {_describe(node['fields'])}")
    elif not node["fields"]:
        problems.add(f"{pointer}/fields", "\"fields\" must contain at least one field; found an empty array")
    else:
        if len(node["fields"]) > MAX_FIELDS:
            problems.add(f"{pointer}/fields", f"a record may declare at most {MAX_FIELDS} fields; found "
                         f"{len(node['fields'])}: split the record")
        seen, java_names = {}, {}
        parsed = [_field(problems, f, f"{pointer}/fields/{i}", seen, java_names)
                  for i, f in enumerate(node["fields"])]
        names = {f["name"] for f in parsed if f is not None}
        for i, f in enumerate(parsed):
            if f is not None and f["enum"] and f["name"] + "_raw" in names:
                problems.add(f"{pointer}/fields/{i}/name", f"enum field \"{f['name']}\" generates the accessor "
                             f"{camel_case(f['name'] + '_raw')}(), which clashes with the field \"{f['name']}_raw\"; "
                             "rename one of them")
        if all(f is not None for f in parsed):
            fields = parsed
    if fields is not None and name is not None:
        payload = payload_length(fields)
        if payload > MAX_PAYLOAD_BYTES:
            problems.add(pointer, f"record \"{name}\" has a payload of {payload} bytes; the limit is "
                         f"{MAX_PAYLOAD_BYTES} bytes (1 MiB): lower counts or lengths, or split the record")
        elif depth * slot_length(payload) > MAX_RING_BYTES:
            problems.add(pointer, f"record \"{name}\" needs a ring of {depth * slot_length(payload)} bytes (depth "
                         f"{depth} x slot {slot_length(payload)} bytes); the limit is {MAX_RING_BYTES} bytes "
                         "(256 MiB): lower the depth")
    if name is None or fields is None:
        return None
    well_known = []
    if "wellKnown" in node:
        well_known = wellknown.parse(problems, node["wellKnown"], f"{pointer}/wellKnown", fields, _describe)
    return {"name": name, "sync": sync, "depth": depth, "rateHz": rate, "description": description,
            "fields": fields, "wellKnown": well_known}


def _pairs_without_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise SchemaError("schema", [f"duplicate key \"{key}\" (plain JSON parsers keep the last; shmtel refuses"
                                         " it): remove one"])
        out[key] = value
    return out


def parse_schema(schema, source="schema"):
    """Validates a schema (JSON text, bytes or an already parsed dict); returns the normalised definition.

    Raises SchemaError listing every problem as ``source: /json/pointer: message``.
    """
    if isinstance(schema, (bytes, bytearray)):
        try:
            schema = bytes(schema).decode("utf-8")
        except UnicodeDecodeError as e:
            raise SchemaError(source, [f"/: not UTF-8 text ({e})"]) from None
    if isinstance(schema, str):
        try:
            root = json.loads(schema, object_pairs_hook=_pairs_without_duplicates)
        except SchemaError as e:
            raise SchemaError(source, ["/: " + p for p in e.problems]) from None
        except ValueError as e:
            raise SchemaError(source, [f"/: malformed JSON: {e}"]) from None
    else:
        root = schema
    problems = _Problems()
    if not isinstance(root, dict):
        problems.add("", "expected a JSON object with the keys \"schema\", \"version\" and \"records\"; found "
                     f"{_describe(root)}")
        raise SchemaError(source, problems.items)
    _keys(problems, root, "", ROOT_KEYS)
    name = _identifier(problems, root, "", "schema", "schema name")
    version = None
    if "version" not in root:
        problems.add("", f"missing required key \"version\": an integer from 1 to {I32_MAX}, e.g. \"version\": 1")
    else:
        version = _integer(problems, root, "", "version", 1, I32_MAX)
    description = _text(problems, root, "", "description", MAX_TEXT_LENGTH)
    records = []
    if "records" not in root:
        problems.add("", "missing required key \"records\": an array of records, e.g. \"records\": "
                     "[{ \"name\": ..., \"fields\": [...] }]")
    elif not isinstance(root["records"], list):
        problems.add("/records", f"expected an array of records; found {_describe(root['records'])}")
    elif not root["records"]:
        problems.add("/records", "\"records\" must contain at least one record; found an empty array")
    else:
        if len(root["records"]) > MAX_RECORDS:
            problems.add("/records", f"a schema may declare at most {MAX_RECORDS} records; found "
                         f"{len(root['records'])}: split it into several schemas")
        seen = {}
        for i, r in enumerate(root["records"]):
            record = _record(problems, r, f"/records/{i}", seen)
            if record is not None:
                records.append(record)
    if problems.items or name is None or version is None:
        raise SchemaError(source, problems.items)
    return {"schema": name, "version": version, "description": description, "records": records}


# ------------------------------------------------------------------------------------------ canonical text
def canonical_json(definition):
    """The canonical schema text (format.md "The embedded schema") of a parsed definition."""
    out = ['{"schema":', _json_string(definition["schema"]), ',"version":', str(definition["version"])]
    if definition["description"]:
        out += [',"description":', _json_string(definition["description"])]
    out.append(',"records":[')
    for i, r in enumerate(definition["records"]):
        out += ["," if i else "", '{"name":', _json_string(r["name"])]
        if r["sync"] == "mailbox":
            out.append(',"sync":"mailbox"')
        else:
            out += [',"depth":', str(r["depth"])]
        if r["rateHz"] > 0:
            rate = r["rateHz"]
            out += [',"rateHz":', str(int(rate)) if rate == math.floor(rate) else java_double(rate)]
        if r["description"]:
            out += [',"description":', _json_string(r["description"])]
        out.append(',"fields":[')
        for j, f in enumerate(r["fields"]):
            out += ["," if j else "", '{"name":', _json_string(f["name"]), ',"type":', _json_string(f["type"])]
            if f["count"] > 0:
                out += [',"count":', str(f["count"])]
            if f["type"] == "string":
                out += [',"length":', str(f["length"])]
            if f["unit"]:
                out += [',"unit":', _json_string(f["unit"])]
            if f["description"]:
                out += [',"description":', _json_string(f["description"])]
            if f["enum"]:
                out.append(',"enum":{' + ",".join(f"{_json_string(k)}:{v}" for k, v in f["enum"]) + "}")
            out.append("}")
        out.append("]")
        if r.get("wellKnown"):
            out += [',"wellKnown":', wellknown.canonical(r["wellKnown"])]
        out.append("}")
    out.append("]}")
    return "".join(out)


# ------------------------------------------------------------------------------------------ compiling
def compile_schema(schema, source="schema"):
    """Schema JSON (text, bytes or dict) -> Layout, as ``LayoutCompiler.compile`` does."""
    definition = parse_schema(schema, source)
    canonical = canonical_json(definition)
    head = header_length(len(definition["records"]), len(canonical.encode("utf-8")))
    records = []
    block_offset = head
    for index, r in enumerate(definition["records"]):
        fields = []
        offset = 0
        for f in r["fields"]:
            size = field_size(f["type"], f["count"], f["length"])
            offset = align(offset, TYPES[f["type"]][0])
            fields.append(FieldLayout(f["name"], f["type"], f["count"], f["length"], offset, size, f["unit"],
                                      f["description"], f["enum"]))
            offset += size
        payload = payload_length(r["fields"])
        slot = slot_length(payload)
        block = block_length(r["depth"], slot)
        record = RecordLayout(index, r["name"], r["depth"], r["rateHz"], r["description"], tuple(fields), payload,
                              slot, block_offset, block, 0, r["sync"])
        record = RecordLayout(**{**record.__dict__, "fingerprint": fnv1a64(record.canonical_text())})
        records.append(record)
        block_offset = align(block_offset + block, CACHE_LINE_LENGTH)
    region = align(block_offset, PAGE_LENGTH)
    layout = Layout(definition["schema"], definition["version"], definition["description"], tuple(records),
                    canonical, head, region, 0)
    if region > MAX_REGION_BYTES:
        raise SchemaError(source, [f"/records: the region of this schema would be {region} bytes; the limit is "
                                   f"{MAX_REGION_BYTES} bytes (1 GiB): lower depths or split the schema"])
    return Layout(**{**layout.__dict__, "fingerprint": fnv1a64(layout.canonical_layout_text())})


def load(path):
    """Compiles the schema file at ``path``."""
    with open(path, "rb") as f:
        return compile_schema(f.read(), os.fspath(path))
