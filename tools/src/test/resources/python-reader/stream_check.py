"""Reads a counter-pattern record (a Java `shmtel pub --pattern counter --count N` writer) as a stream from the
oldest sample, checking every sample, then compares the last one with latest(); prints one JSON line.
Mode "lapped": reads one sample, sleeps while a flat-out writer laps the ring, reads the next."""
import json
import sys
import time

import shmtel
from shmtel import counter

directory, name, record, mode, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
with shmtel.open(name, directory, numpy=False) as r:
    rec = r.records[record]
    stream = r.stream(record, timeout=30, start="oldest")
    result = {"read": 0, "torn": 0, "out_of_order": 0, "unaccounted": 0}
    if mode == "lapped":
        first = next(stream)
        lost_before = stream.lost            # a flat-out writer may lap the reader before its first read too
        time.sleep(0.5)
        second = next(stream)
        result.update(first=first.index, second=second.index, lost=stream.lost - lost_before,
                      whole=counter.check(first, rec) and counter.check(second, rec))
    else:
        previous, last = -1, None
        for sample in stream:
            lost_before = result.get("lost_so_far", 0)
            result["read"] += 1
            result["torn"] += 0 if counter.check(sample, rec) else 1
            result["out_of_order"] += 0 if sample.index > previous else 1
            if previous >= 0 and sample.index - previous - 1 != stream.lost - lost_before:
                result["unaccounted"] += 1
            result["lost_so_far"] = stream.lost
            result.setdefault("first", sample.index)
            result.setdefault("lost_before_first", stream.lost)   # lapped before the first read
            previous, last = sample.index, sample
            if sample.index == count - 1:
                break
        latest = r.latest(record)
        result.update(last=previous, lost=stream.lost, latest=latest.index,
                      latest_equals_stream=dict(latest) == dict(last) and latest.timestamp_ns == last.timestamp_ns)
    print(json.dumps(result), flush=True)
