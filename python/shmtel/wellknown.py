"""The schema key ``"wellKnown"`` (docs/schema.md, "Well-known messages"): its shape, and its canonical text.

Java's ``io.shmtel.schema.WellKnownParser`` checks a mapping in full (field kinds, element indices, counts that
must agree) and names every problem with its line and the fix. Python checks the shape only: a known ``"type"``,
known and required keys, value forms, and that the fields named exist (and, for a 3- or 4-vector, have the
elements it takes); a region built from a mapping Java refuses is refused by Java readers. Python then writes the
mapping exactly as Java's ``CanonicalJson`` does (defaults filled in, vectors item by item, numbers as Java writes
them), so a Python owner embeds the same canonical text (PythonReaderTest compares every example).
"""

import math
import re

# One row per type, as io.shmtel.schema.wellknown.WellKnownType: (key, kind, required), in canonical order.
_TRANSFORM = (("parent_frame_id", "text", True), ("child_frame_id", "text", True),
              ("translation", "vector3", False), ("rotation", "quaternion", False))
TYPES = {
    "foxglove.Vector3": (("x", "number", True), ("y", "number", True), ("z", "number", True)),
    "foxglove.Quaternion": (("x", "number", True), ("y", "number", True), ("z", "number", True),
                            ("w", "number", True)),
    "foxglove.PoseInFrame": (("frame_id", "text", True), ("pose", "pose", False)),
    "foxglove.FrameTransform": _TRANSFORM,
    "foxglove.FrameTransforms": (("transforms", "transforms", True),),
    "foxglove.LaserScan": (("frame_id", "text", True), ("pose", "pose", False), ("start_angle", "number", True),
                           ("end_angle", "number", True), ("ranges", "numbers", True),
                           ("intensities", "numbers", False)),
    "foxglove.PointCloud": (("frame_id", "text", True), ("pose", "pose", False), ("x", "numbers", True),
                            ("y", "numbers", True), ("z", "numbers", True), ("intensity", "numbers", False),
                            ("count", "number", False)),
    "sensor_msgs/JointState": (("frame_id", "text", False), ("name", "texts", True), ("position", "numbers", True),
                               ("velocity", "numbers", False), ("effort", "numbers", False)),
}
POSE_MEMBERS = (("position", "vector3", False), ("orientation", "quaternion", False))
_VECTOR_SIZE = {"vector3": 3, "quaternion": 4}
_COMPONENTS = ("x", "y", "z", "w")
_ELEMENT = re.compile(r"^(.*)\[([0-9]{1,9})\]$")
MAX_EXACT_INTEGER = 2 ** 53     # integral numbers up to this magnitude are written as integers, as Java does


def _default(kind):
    """The value an omitted optional key takes (WellKnownDef.defaultOf); None when it stays absent."""
    if kind == "text":
        return ""
    if kind == "vector3":
        return [0.0, 0.0, 0.0]
    if kind == "quaternion":
        return [0.0, 0.0, 0.0, 1.0]
    if kind == "pose":
        return {"position": [0.0, 0.0, 0.0], "orientation": [0.0, 0.0, 0.0, 1.0]}
    return None


class _Checker:
    def __init__(self, problems, fields, describe):
        self.problems = problems
        self.fields = {f["name"]: f for f in fields}
        self.describe = describe

    def field(self, pointer, name):
        if name not in self.fields:
            self.problems.add(pointer, f"unknown field \"{name}\" (fields: {', '.join(self.fields)})")
            return None
        return self.fields[name]

    def members(self, obj, pointer, slots):
        allowed = [key for key, _, _ in slots]
        for key in obj:
            if key not in allowed:
                self.problems.add(f"{pointer}/{key}", f"unknown key \"{key}\" (allowed: {', '.join(allowed)})")
        out = {}
        for key, kind, required in slots:
            if key not in obj:
                if required:
                    self.problems.add(pointer, f"missing required key \"{key}\"")
                elif _default(kind) is not None:
                    out[key] = _default(kind)
                continue
            value = self.value(obj[key], f"{pointer}/{key}", kind)
            if value is not None:
                out[key] = value
        return out

    def value(self, node, pointer, kind):
        if kind == "text":
            if isinstance(node, str):
                return node
            if isinstance(node, dict) and list(node) == ["field"] and isinstance(node["field"], str):
                return {"field": node["field"]} if self.field(pointer + "/field", node["field"]) else None
        elif kind == "number":
            return self.number(node, pointer)
        elif kind in _VECTOR_SIZE:
            return self.vector(node, pointer, _VECTOR_SIZE[kind])
        elif kind == "pose" and isinstance(node, dict):
            return self.members(node, pointer, POSE_MEMBERS)
        elif kind == "numbers" and isinstance(node, str):
            return node if self.field(pointer, node) else None
        elif kind == "texts" and isinstance(node, list) and node and all(isinstance(t, str) for t in node):
            return list(node)
        elif kind == "transforms" and isinstance(node, list) and node and all(isinstance(t, dict) for t in node):
            return [self.members(t, f"{pointer}/{i}", _TRANSFORM) for i, t in enumerate(node)]
        self.problems.add(pointer, f"\"{pointer.rsplit('/', 1)[-1]}\" takes a {kind} value; found "
                          f"{self.describe(node)}")
        return None

    def number(self, node, pointer):
        if isinstance(node, str):
            match = _ELEMENT.match(node)
            return node if self.field(pointer, match.group(1) if match else node) else None
        if isinstance(node, (int, float)) and not isinstance(node, bool):
            try:
                value = float(node) + 0.0       # no negative zero: Java writes 0
            except OverflowError:
                value = math.inf
            if math.isfinite(value):
                return value
            self.problems.add(pointer, f"{node} is beyond the range of a double")
            return None
        self.problems.add(pointer, f"expected a number or a numeric field; found {self.describe(node)}")
        return None

    def vector(self, node, pointer, size):
        if isinstance(node, str):
            match = _ELEMENT.match(node)
            name, first = (match.group(1), int(match.group(2))) if match else (node, 0)
            f = self.field(pointer, name)
            if f is None:
                return None
            if f["count"] < first + size or (not match and f["count"] != size):
                self.problems.add(pointer, f"\"{node}\" does not name {size} elements of an array field")
                return None
            return [f"{name}[{first + i}]" for i in range(size)]
        if isinstance(node, list) and len(node) == size:
            items = [self.number(item, f"{pointer}/{i}") for i, item in enumerate(node)]
            return items if all(item is not None for item in items) else None
        if isinstance(node, dict):
            components = _COMPONENTS[:size]
            items = self.members(node, pointer, tuple((c, "number", True) for c in components))
            return [items[c] for c in components] if len(items) == size else None
        self.problems.add(pointer, f"expected {size} numbers: an array field, \"NAME[i]\", {size} items or an "
                          f"object; found {self.describe(node)}")
        return None


def parse(problems, node, pointer, fields, describe):
    """The normalised mappings of a record's ``"wellKnown"`` value (a list), problems added for a wrong shape."""
    mappings = [node] if isinstance(node, dict) else node
    if not isinstance(mappings, list) or not mappings:
        problems.add(pointer, f"expected a mapping {{ \"type\": ..., ... }} or a non-empty array of them; found "
                     f"{describe(node)}")
        return []
    checker = _Checker(problems, fields, describe)
    out = []
    for i, m in enumerate(mappings):
        at = pointer if isinstance(node, dict) else f"{pointer}/{i}"
        if not isinstance(m, dict) or not isinstance(m.get("type"), str) or m["type"] not in TYPES:
            problems.add(at, f"expected a mapping with a \"type\" from {', '.join(TYPES)}; found "
                         f"{describe(m.get('type') if isinstance(m, dict) else m)}")
            continue
        body = {k: v for k, v in m.items() if k != "type"}
        out.append({"type": m["type"], **checker.members(body, at, TYPES[m["type"]])})
    return out


def canonical(value):
    """The canonical JSON text of a normalised mapping list, as Java's CanonicalJson writes it."""
    from .layout import _json_string, java_double
    if isinstance(value, dict):
        return "{" + ",".join(_json_string(k) + ":" + canonical(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, str):
        return _json_string(value)
    if value == math.floor(value) and abs(value) <= MAX_EXACT_INTEGER:
        return str(int(value))
    return java_double(value) if value > 0 else "-" + java_double(-value)
