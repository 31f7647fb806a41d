"""Answers each line on stdin with the writer state and epoch of one region object kept open throughout."""
import sys

import shmtel

with shmtel.open(sys.argv[2], sys.argv[1]) as r:
    print("open", flush=True)
    for _ in sys.stdin:
        print(r.state, r.epoch, flush=True)
