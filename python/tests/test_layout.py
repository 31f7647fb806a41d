"""Layout, canonical text and fingerprints: the values docs/format.md states, every example, bad schemas.

PythonReaderTest (tools) compares every example with Java's LayoutCompiler byte for byte; these tests pin
what the documents say and the validation.
"""

import glob
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from shmtel import layout
from shmtel.errors import SchemaError

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "schema", "examples")
ARM_CANONICAL = (
    '{"schema":"arm","version":1,"description":"A 6-axis robot arm: joint encoders and controller status",'
    '"records":[{"name":"joint_state","depth":8,"rateHz":500,"description":"6-axis arm joints","fields":['
    '{"name":"position","type":"f64","count":6,"unit":"rad","description":"joint angles, base to wrist"},'
    '{"name":"velocity","type":"f64","count":6,"unit":"rad/s"},'
    '{"name":"effort","type":"f64","count":6,"unit":"N*m","description":"joint torques"},'
    '{"name":"status","type":"i32","enum":{"OK":0,"FAULT":1,"ESTOP":2}},'
    '{"name":"frame_id","type":"string","length":16}],'
    '"wellKnown":[{"type":"sensor_msgs/JointState","frame_id":{"field":"frame_id"},'
    '"name":["joint1","joint2","joint3","joint4","joint5","joint6"],'
    '"position":"position","velocity":"velocity","effort":"effort"}]}]}')
ARM_LAYOUT_TEXT = (
    "shmtel-layout 1 schema arm\n"
    "record joint_state depth=8 payload=168 slot=192\n"
    "field position f64 count=6 length=0 offset=0\n"
    "field velocity f64 count=6 length=0 offset=48\n"
    "field effort f64 count=6 length=0 offset=96\n"
    "field status i32 count=0 length=0 offset=144 enum=OK:0,FAULT:1,ESTOP:2\n"
    "field frame_id string count=0 length=16 offset=148\n")


def minimal(**record):
    r = {"name": "r", "fields": [{"name": "x", "type": "f64"}]}
    r.update(record)
    return {"schema": "s", "version": 1, "records": [r]}


class FormatDocumentValues(unittest.TestCase):
    def test_the_arm_example_of_format_md(self):
        lay = layout.load(os.path.join(EXAMPLES, "arm.json"))
        self.assertEqual(ARM_CANONICAL, lay.canonical_json)
        self.assertEqual(766, len(lay.canonical_bytes))
        self.assertEqual(ARM_LAYOUT_TEXT, lay.canonical_layout_text())
        self.assertEqual(0x1bb6d530886a84bc, lay.fingerprint)
        self.assertEqual(4096, lay.header_length)
        record = lay.record("joint_state")
        self.assertEqual((8, 168, 192, 4096, 128 + 8 * 192), (record.depth, record.payload_length,
                                                               record.slot_length, record.block_offset,
                                                               record.block_length))
        self.assertEqual(layout.fnv1a64(ARM_LAYOUT_TEXT.split("\n", 1)[1]), record.fingerprint)
        self.assertEqual((("OK", 0), ("FAULT", 1), ("ESTOP", 2)), record.field("status").enum)
        self.assertEqual("rad", record.field("position").unit)

    def test_fnv1a_reference_vectors(self):
        self.assertEqual(0xcbf29ce484222325, layout.fnv1a64(""))
        self.assertEqual(0xaf63dc4c8601ec8c, layout.fnv1a64("a"))
        self.assertEqual(0x85944171f73967e8, layout.fnv1a64("foobar"))

    def test_a_mailbox_line_ends_in_sync_and_has_depth_one(self):
        lay = layout.compile_schema(minimal(sync="mailbox"))
        self.assertIn('"name":"r","sync":"mailbox","fields"', lay.canonical_json)
        self.assertEqual("record r depth=1 payload=8 slot=64 sync=mailbox\n", lay.records[0].canonical_text()
                         .split("field")[0])

    def test_defaults_are_written_out_and_schema_key_dropped(self):
        schema = minimal()
        schema["$schema"] = "../shmtel.schema.json"
        self.assertEqual('{"schema":"s","version":1,"records":[{"name":"r","depth":2,"fields":['
                         '{"name":"x","type":"f64"}]}]}', layout.compile_schema(schema).canonical_json)

    def test_rates_are_written_as_java_writes_them(self):
        for rate, text in ((500, "500"), (500.0, "500"), (333.3, "333.3"), (1e-4, "1.0E-4"), (2.5, "2.5"),
                           (0.001, "0.001"), (1000000, "1000000"), (0.5e-3, "5.0E-4")):
            with self.subTest(rate=rate):
                self.assertIn(f'"rateHz":{text},', layout.compile_schema(minimal(rateHz=rate)).canonical_json)

    def test_strings_escape_only_quote_and_backslash(self):
        lay = layout.compile_schema(minimal(description='a "q" \\ / é ✓'))
        self.assertIn('"description":"a \\"q\\" \\\\ / é ✓"', lay.canonical_json)
        self.assertEqual(lay.canonical_json, layout.compile_schema(lay.canonical_json).canonical_json)

    def test_the_header_grows_with_the_text(self):
        lay = layout.compile_schema(minimal(description="x" * 1000))
        self.assertEqual(layout.header_length(1, len(lay.canonical_bytes)), lay.header_length)
        self.assertEqual(4096, lay.header_length)
        many = {"schema": "s", "version": 1,
                "records": [{"name": f"r{i}", "description": "d" * 1000, "fields": [{"name": "x", "type": "u8"}]}
                            for i in range(8)]}
        lay = layout.compile_schema(many)
        self.assertEqual(12288, lay.header_length)
        self.assertEqual([12288 + 256 * i for i in range(8)], [r.block_offset for r in lay.records])


class EveryExample(unittest.TestCase):
    def test_each_example_compiles_and_its_canonical_text_is_a_fixed_point(self):
        files = sorted(glob.glob(os.path.join(EXAMPLES, "*.json")))
        self.assertGreaterEqual(len(files), 8)
        for path in files:
            with self.subTest(path=os.path.basename(path)):
                lay = layout.load(path)
                again = layout.compile_schema(lay.canonical_json)
                self.assertEqual(lay, again)
                self.assertEqual(0, lay.header_length % 4096)
                self.assertEqual(0, lay.region_length % 4096)
                end = lay.header_length
                for r in lay.records:
                    self.assertEqual(layout.align(end, 64), r.block_offset)
                    self.assertEqual(0, r.slot_length % 64)
                    self.assertEqual(128 + r.depth * r.slot_length, r.block_length)
                    end = r.block_offset + r.block_length
                    for f in r.fields:
                        self.assertEqual(0, f.offset % layout.TYPES[f.type][0])
                self.assertEqual(layout.align(end, 4096), lay.region_length)

    def test_all_types_places_each_type_at_its_alignment(self):
        lay = layout.load(os.path.join(EXAMPLES, "all_types.json"))
        offsets = {f.name: f.offset for f in lay.record("every_type").fields}
        self.assertEqual({"flag": 0, "small": 1, "octet": 2, "short_value": 4, "port": 6, "count": 8, "mask": 12,
                          "ticks": 16, "gain": 24, "value": 32, "mode": 40, "label": 44}, {k: offsets[k] for k in
                         ("flag", "small", "octet", "short_value", "port", "count", "mask", "ticks", "gain",
                          "value", "mode", "label")})
        self.assertEqual(set(layout.TYPES), {f.type for f in lay.record("every_type").fields})


class BadSchemas(unittest.TestCase):
    def problems(self, schema):
        with self.assertRaises(SchemaError) as caught:
            layout.compile_schema(schema, "bad.json")
        return str(caught.exception)

    def test_each_bad_value_is_named_with_its_pointer(self):
        cases = [
            (minimal(depth=6), "/records/0/depth: depth must be a power of two from 2 to 65536; found 6 "
                               "(nearest: 4 or 8)"),
            (minimal(depth=1), "/records/0/depth: depth must be a power of two"),
            (minimal(fields=[{"name": "x", "type": "f46"}]), '/records/0/fields/0/type: unknown type "f46"'),
            (minimal(fields=[{"name": "class", "type": "f64"}]), 'field name "class" is a reserved word in Java'),
            (minimal(fields=[{"name": "wrap", "type": "f64"}]), "clashes with a member of the generated"),
            (minimal(fields=[{"name": "s", "type": "string"}]), 'missing required key "length"'),
            (minimal(fields=[{"name": "s", "type": "u8", "enum": {"A": 1}}]), '"enum" requires "type": "i32"'),
            (minimal(fields=[{"name": "s", "type": "i32", "enum": {"A": 1, "B": 1}}]), "repeats the value"),
            (minimal(fields=[{"name": "x", "type": "f64", "count": 0}]), "count must be from 1 to 65536; found 0"),
            (minimal(sync="mailbox", depth=4), "a mailbox holds one message at a time and has no depth"),
            (minimal(rateHz=0), "rateHz must be greater than 0"),
            (minimal(description="a\tb"), "control character U+0009"),
            (minimal(recrods=1), 'unknown key "recrods"'),
            ({"schema": "Arm", "version": 1, "records": []}, 'invalid schema name "Arm"'),
            ('{"schema": "a", "schema": "b"}', 'duplicate key "schema"'),
            ("{not json", "malformed JSON"),
        ]
        for schema, expected in cases:
            with self.subTest(expected=expected):
                message = self.problems(schema)
                self.assertIn(expected, message)
                self.assertTrue(message.startswith("bad.json: /"), message)

    def test_every_problem_is_reported_at_once(self):
        schema = minimal(depth=3, fields=[{"name": "X", "type": "f64"}, {"name": "y", "type": "double"}])
        message = self.problems(schema)
        self.assertEqual(3, len(message.splitlines()), message)

    def test_a_payload_over_one_mebibyte_is_refused_with_the_bound(self):
        schema = minimal(fields=[{"name": f"a{i}", "type": "f64", "count": 65536} for i in range(3)])
        self.assertIn("the limit is 1048576 bytes", self.problems(schema))

    def test_a_field_named_like_a_java_sibling_is_refused(self):
        schema = minimal(fields=[{"name": "frame_id", "type": "u8"}, {"name": "frame__id", "type": "u8"}])
        self.assertIn('maps to the Java name "frameId"', self.problems(schema))

    def test_parsed_text_and_dict_give_the_same_layout(self):
        with open(os.path.join(EXAMPLES, "imu.json")) as f:
            text = f.read()
        self.assertEqual(layout.compile_schema(text), layout.compile_schema(json.loads(text)))


class WellKnownMappings(unittest.TestCase):
    """The "wellKnown" key: accepted, checked for shape, written as Java's CanonicalJson writes it (the expected
    text is WellKnownParserTest's canonicalFormWritesDefaultsItemsAndNormalisedNumbers, byte for byte)."""
    FIELDS = [{"name": "pos", "type": "f64", "count": 3}, {"name": "quat", "type": "f32", "count": 4},
              {"name": "joints", "type": "f64", "count": 8}, {"name": "x", "type": "f64"},
              {"name": "n", "type": "u32"}, {"name": "frame", "type": "string", "length": 16},
              {"name": "ranges", "type": "f32", "count": 5}, {"name": "strength", "type": "u16", "count": 5},
              {"name": "flag", "type": "bool"}]
    MAPPINGS = [
        {"type": "foxglove.Vector3", "x": "pos[0]", "y": 1.5, "z": "x"},
        {"type": "foxglove.Quaternion", "x": 0, "y": "quat[1]", "z": -0.0, "w": 1e0},
        {"type": "foxglove.PoseInFrame", "frame_id": {"field": "frame"},
         "pose": {"position": "joints[5]", "orientation": {"x": 0, "y": 0, "z": "x", "w": 1}}},
        {"type": "foxglove.FrameTransform", "parent_frame_id": "world", "child_frame_id": "tool",
         "translation": "pos", "rotation": "quat"},
        {"type": "foxglove.FrameTransforms", "transforms": [
            {"parent_frame_id": "world", "child_frame_id": "a", "rotation": "joints[1]"},
            {"parent_frame_id": "a", "child_frame_id": {"field": "frame"}, "translation": [1, 2, "x"]}]},
        {"type": "foxglove.LaserScan", "frame_id": "laser", "start_angle": -1.25, "end_angle": "x",
         "ranges": "ranges", "intensities": "strength"},
        {"type": "foxglove.PointCloud", "frame_id": "cam", "x": "ranges", "y": "ranges", "z": "strength",
         "count": "n"},
        {"type": "sensor_msgs/JointState", "name": ["j1", "j2", "j3", "j4", "j5", "j6", "j7", "j8"],
         "position": "joints", "effort": "joints"}]
    CANONICAL = (
        '"wellKnown":['
        '{"type":"foxglove.Vector3","x":"pos[0]","y":1.5,"z":"x"},'
        '{"type":"foxglove.Quaternion","x":0,"y":"quat[1]","z":0,"w":1},'
        '{"type":"foxglove.PoseInFrame","frame_id":{"field":"frame"},"pose":{"position":'
        '["joints[5]","joints[6]","joints[7]"],"orientation":[0,0,"x",1]}},'
        '{"type":"foxglove.FrameTransform","parent_frame_id":"world","child_frame_id":"tool",'
        '"translation":["pos[0]","pos[1]","pos[2]"],'
        '"rotation":["quat[0]","quat[1]","quat[2]","quat[3]"]},'
        '{"type":"foxglove.FrameTransforms","transforms":['
        '{"parent_frame_id":"world","child_frame_id":"a","translation":[0,0,0],'
        '"rotation":["joints[1]","joints[2]","joints[3]","joints[4]"]},'
        '{"parent_frame_id":"a","child_frame_id":{"field":"frame"},"translation":[1,2,"x"],'
        '"rotation":[0,0,0,1]}]},'
        '{"type":"foxglove.LaserScan","frame_id":"laser","pose":{"position":[0,0,0],'
        '"orientation":[0,0,0,1]},"start_angle":-1.25,"end_angle":"x","ranges":"ranges",'
        '"intensities":"strength"},'
        '{"type":"foxglove.PointCloud","frame_id":"cam","pose":{"position":[0,0,0],'
        '"orientation":[0,0,0,1]},"x":"ranges","y":"ranges","z":"strength","count":"n"},'
        '{"type":"sensor_msgs/JointState","frame_id":"","name":["j1","j2","j3","j4",'
        '"j5","j6","j7","j8"],"position":"joints","effort":"joints"}]')

    def test_every_type_is_written_as_java_writes_it_and_reads_back(self):
        self.assertEqual(set(layout.wellknown.TYPES), {m["type"] for m in self.MAPPINGS})
        lay = layout.compile_schema(minimal(fields=self.FIELDS, wellKnown=self.MAPPINGS))
        self.assertTrue(lay.canonical_json.endswith("}]," + self.CANONICAL + "}]}"), lay.canonical_json)
        self.assertEqual(lay, layout.compile_schema(lay.canonical_json))
        plain = layout.compile_schema(minimal(fields=self.FIELDS))
        self.assertNotIn("wellKnown", plain.canonical_json)
        self.assertEqual(plain.fingerprint, lay.fingerprint)
        self.assertEqual(plain.records[0].fingerprint, lay.records[0].fingerprint)

    def test_one_mapping_is_an_array_of_one_and_numbers_are_written_as_java_writes_doubles(self):
        one = {"type": "foxglove.Vector3", "x": 1e20, "y": 0.1, "z": -9007199254740992}
        lay = layout.compile_schema(minimal(fields=self.FIELDS, wellKnown=one))
        self.assertIn('"wellKnown":[{"type":"foxglove.Vector3","x":1.0E20,"y":0.1,"z":-9007199254740992}]}',
                      lay.canonical_json)
        self.assertEqual(lay, layout.compile_schema(minimal(fields=self.FIELDS, wellKnown=[one])))

    def test_any_value_is_taken_or_refused_with_a_schema_error(self):
        odd = [-1, 0, 10 ** 400, 1.5, "", None, True, [], {}, [1, 2, 3], [1, 2, 3, 4], {"x": 1}, {"field": 5},
               {"field": "frame"}, "x", "pos", "pos[2]", "pos[999999999]", "[0]", "pos[", [{}], [None],
               [{"parent_frame_id": "a", "child_frame_id": "b"}]]
        for type_name, slots in layout.wellknown.TYPES.items():
            for value in odd:
                mappings = [{"type": value}, value]
                for key, _, _ in slots:
                    mappings += [{"type": type_name, key: value}, {"type": type_name, key: [value] * 3}]
                    mappings += [{"type": type_name, key: {m: value}} for m in ("position", "x", "translation")]
                    mappings += [{"type": type_name, key: [{"translation": value}]}]
                for mapping in mappings:
                    try:
                        layout.compile_schema(minimal(fields=self.FIELDS, wellKnown=mapping))
                    except SchemaError:
                        pass

    def test_a_wrong_shape_is_refused_with_its_pointer(self):
        cases = [({"type": "foxglove.LaserScn"}, "/records/0/wellKnown: expected a mapping with a \"type\" from"),
                 ({"type": "foxglove.Vector3", "x": 1, "y": 2}, "/records/0/wellKnown: missing required key \"z\""),
                 ({"type": "foxglove.Vector3", "x": 1, "y": 2, "z": "nope"},
                  "/records/0/wellKnown/z: unknown field \"nope\""),
                 ({"type": "foxglove.FrameTransform", "parent_frame_id": "a", "child_frame_id": "b",
                   "translation": "joints"}, "/records/0/wellKnown/translation: \"joints\" does not name 3"),
                 ([], "/records/0/wellKnown: expected a mapping"),
                 ([{"type": "foxglove.Vector3", "x": 1, "y": 2, "z": 3, "w": 4}],
                  "/records/0/wellKnown/0/w: unknown key \"w\"")]
        for mapping, expected in cases:
            with self.subTest(expected=expected):
                with self.assertRaises(SchemaError) as e:
                    layout.compile_schema(minimal(fields=self.FIELDS, wellKnown=mapping))
                self.assertIn(expected, str(e.exception))


if __name__ == "__main__":
    unittest.main()
