"""The Python side of tools' CrossLanguageMatrixTest (the package python/shmtel), speaking matrix.c's line protocol.

Modes (the region directory is $SHMTEL_DIR; the package on PYTHONPATH)::

    writer NAME SCHEMA PERIOD_MS GAP_US GO  create (or take over) NAME, publish every_type's counter pattern, say
                                            "ready epoch=E first=K", then (once the file GO exists; "-": at once)
                                            one sample every GAP_US until SIGTERM (the package closes: CLOSED)
    reader NAME                             open NAME, say "open 0", then each change of the state ("state LIVE")
                                            and each sample of the stream from the oldest the ring holds ("sample
                                            K ok|bad": the counter pattern of K or not)
    sleep NAME TIMEOUT_MS                   open NAME, say "waiting asleep|polling", wait for the next publish,
                                            say "woken 1" (or "woken 0" after the time-out)
    torn NAME READS DELIVERIES              open NAME, make READS latest() reads, then take DELIVERIES samples
                                            from a stream, each checked against the counter pattern of its index;
                                            say "latest reads N torn T backwards B contended C" and "stream reads
                                            N torn T backwards B lost L"
"""

import os
import sys
import time

import shmtel
from shmtel import counter

RECORD = "every_type"


def say(text):
    print(text, flush=True)


def writer(name, schema, period_ms, gap_us, go):
    w = shmtel.create(name, schema, heartbeat_period=period_ms / 1000.0)
    rec = w.layout.record(RECORD)
    first = w.next_index(RECORD)
    w.publish(RECORD, counter.fill(rec, first))
    say(f"ready epoch={w.epoch} first={first}")
    while go != "-" and not os.path.exists(go):
        time.sleep(0.001)
    while True:
        w.publish(RECORD, counter.fill(rec, w.next_index(RECORD)))
        time.sleep(gap_us / 1e6)


def reader(name):
    region = shmtel.open(name, numpy=False)
    rec = region.layout.record(RECORD)
    say("open 0")
    stream = region.stream(RECORD, start="oldest")
    previous = None
    while True:
        state = region.state
        if state != previous:
            say(f"state {state.name}")
            previous = state
        sample = stream.poll()
        while sample is not None:
            say(f"sample {sample.index} {'ok' if counter.check(sample, rec) else 'bad'}")
            sample = stream.poll()
        time.sleep(0.001)


def sleep(name, timeout_ms):
    region = shmtel.open(name, numpy=False)
    seen = region.published(RECORD)
    say(f"waiting {'asleep' if region.sleeps else 'polling'}")
    woken = region.wait(RECORD, timeout=timeout_ms / 1000.0, seen=seen)
    say(f"woken {1 if woken else 0}")


def torn(name, reads, deliveries):
    region = shmtel.open(name, numpy=False)
    rec = region.layout.record(RECORD)
    done = bad = backwards = contended = 0
    last = -1
    while done < reads:
        try:
            sample = region.latest(RECORD)
        except shmtel.ContentionError:
            contended += 1
            continue
        if not counter.check(sample, rec):
            bad += 1
        if sample.index < last:
            backwards += 1
        last = sample.index
        done += 1
    say(f"latest reads {done} torn {bad} backwards {backwards} contended {contended}")
    stream = region.stream(RECORD, start="oldest")
    done = bad = backwards = 0
    last = -1
    while done < deliveries:
        sample = stream.poll()
        if sample is None:
            continue
        if not counter.check(sample, rec):
            bad += 1
        if sample.index <= last:
            backwards += 1
        last = sample.index
        done += 1
    say(f"stream reads {done} torn {bad} backwards {backwards} lost {stream.lost}")


def main(argv):
    mode = argv[0]
    if mode == "writer":
        writer(argv[1], argv[2], int(argv[3]), int(argv[4]), argv[5])
    elif mode == "reader":
        reader(argv[1])
    elif mode == "sleep":
        sleep(argv[1], int(argv[2]))
    elif mode == "torn":
        torn(argv[1], int(argv[2]), int(argv[3]))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
