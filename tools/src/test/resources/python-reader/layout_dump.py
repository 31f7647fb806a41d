"""Prints what PythonReaderTest compares with Java's LayoutCompiler: for each schema file given, its canonical
text, layout text, fingerprints and offsets; then Double.toString of each number given after --rates."""
import sys

from shmtel import layout as L

args = sys.argv[1:]
files, rates = (args[:args.index("--rates")], args[args.index("--rates") + 1:]) if "--rates" in args else (args, [])
for path in files:
    lay = L.load(path)
    print(lay.canonical_json)
    sys.stdout.write(lay.canonical_layout_text())
    print(L.fingerprint_hex(lay.fingerprint), lay.header_length, lay.region_length)
    for r in lay.records:
        print(r.name, L.fingerprint_hex(r.fingerprint), r.block_offset, r.block_length, r.slot_length, r.depth,
              r.payload_length, r.sync, " ".join(f"{f.name}:{f.offset}:{f.unit}" for f in r.fields))
for rate in rates:
    print(L.java_double(float(rate)))
