"""The package and its tests keep to Python 3.8 (pyproject.toml's requires-python): syntax, and the newer calls
that slipped in before (os.waitstatus_to_exitcode, 3.9). The full check is running the tests on 3.8 itself
(docs/python.md says how); this one runs on every interpreter.
"""

import ast
import os
import re
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(HERE)
FLOOR = (3, 8)
#: Attributes that exist only on newer Pythons than FLOOR (the version that added each), as ``module.name``
#: or ``.name`` for a method of a built-in type.
NEWER = {"os.waitstatus_to_exitcode": "3.9", ".removeprefix": "3.9", ".removesuffix": "3.9",
         "functools.cache": "3.9", "math.lcm": "3.9", ".is_relative_to": "3.9", "random.randbytes": "3.9",
         ".bit_count": "3.10", "itertools.pairwise": "3.10", "contextlib.chdir": "3.11"}


def sources():
    for top in ("shmtel", "tests", "_build"):
        for root, _, files in os.walk(os.path.join(PYTHON_DIR, top)):
            for f in sorted(files):
                if f.endswith(".py"):
                    yield os.path.join(root, f)


class Python38Test(unittest.TestCase):
    def test_pyproject_states_the_floor_checked_here(self):
        with open(os.path.join(PYTHON_DIR, "pyproject.toml")) as f:
            floor = re.search(r'requires-python\s*=\s*">=(\d+)\.(\d+)"', f.read())
        self.assertEqual(FLOOR, (int(floor.group(1)), int(floor.group(2))))

    def test_every_file_parses_as_python_3_8_and_calls_nothing_newer(self):
        files = list(sources())
        self.assertGreater(len(files), 10)
        for path in files:
            with self.subTest(path=os.path.relpath(path, PYTHON_DIR)):
                with open(path, encoding="utf-8") as f:
                    tree = ast.parse(f.read(), path, feature_version=FLOOR)
                for node in ast.walk(tree):
                    if not isinstance(node, ast.Attribute):
                        continue
                    qualified = f"{node.value.id}.{node.attr}" if isinstance(node.value, ast.Name) else None
                    for key in (qualified, "." + node.attr):
                        if key in NEWER:
                            self.fail(f"{os.path.relpath(path, PYTHON_DIR)}:{node.lineno}: {key.lstrip('.')} needs "
                                      f"Python {NEWER[key]}, the package supports {FLOOR[0]}.{FLOOR[1]}")


if __name__ == "__main__":
    unittest.main()
