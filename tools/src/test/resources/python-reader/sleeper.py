"""Sleeps in wait() until the writer's next publish; says when it goes to sleep and what woke it."""
import json
import sys
import time

import shmtel

directory, name, record = sys.argv[1], sys.argv[2], sys.argv[3]
with shmtel.open(name, directory) as r:
    while r.latest(record) is None:
        r.wait(record, timeout=1)
    before = r.latest(record).index
    print("sleeping", before, r.sleeps, flush=True)
    start = time.monotonic()
    woken = r.wait(record, timeout=30)
    print(json.dumps({"woken": woken, "before": before, "after": r.latest(record).index,
                      "seconds": round(time.monotonic() - start, 3)}), flush=True)
