"""Torn-checked latest() reads against a flat-out counter-pattern writer: N reads or until the time bound."""
import json
import sys
import time

import shmtel
from shmtel import counter

directory, name, record, wanted, bound = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
with shmtel.open(name, directory, numpy=False) as r:
    rec = r.records[record]
    reads = torn = contended = distinct = 0
    last = -1
    start = time.monotonic()
    deadline = start + bound
    while reads < wanted and time.monotonic() < deadline:
        try:
            s = r.latest(record)
        except shmtel.ContentionError:
            contended += 1
            continue
        reads += 1
        torn += 0 if counter.check(s, rec) else 1
        if s.index != last:
            distinct += 1
            last = s.index
    print(json.dumps({"reads": reads, "torn": torn, "contended": contended, "distinct": distinct,
                      "seconds": round(time.monotonic() - start, 1)}), flush=True)
