"""A separate Python process for the cross-language writer tests (tools' PythonWriterTest), like RegionChild.

Modes (the package on PYTHONPATH or installed)::

    publish  DIR REGION SCHEMA RECORD COUNT PERIOD_S END [GO]  create (or take over) REGION, say "ready epoch=E
                                                          next=K", publish COUNT counter-pattern samples (0: for
                                                          ever), PERIOD_S apart (with GO: one, then the others once
                                                          the file GO exists); say "published N"; END: close | hold
    mbox-send DIR REGION SCHEMA RECORD COUNT              create REGION, say "ready next=K skipped=S", send
                                                          counter-pattern messages until message COUNT-1 is
                                                          answered; say "sent N codes C1,C2,..."; close
    mbox-take DIR REGION SCHEMA RECORD COUNT              open REGION (shmtel.open), take messages until message
                                                          COUNT-1, checking each; answer message k with code
                                                          k % 3; say "ready", then "taken N torn T backwards B"
    mbox-hold DIR REGION RECORD                           open REGION, take one message and hold it unanswered
                                                          ("holding K")
    create   DIR REGION SCHEMA MODE                       create REGION with MODE (octal): "created epoch=E" or
                                                          "failed: ErrorClass: message" and "left: [files]" (exit 3)

The counter pattern (Java's CounterPattern): sample k carries k in every element of every field, cast to
the field's type (bool: k odd; string: the decimal digits of k, cut to the capacity).
"""

import os
import struct
import sys
import time

import shmtel

_INT_BITS = {"i8": 8, "u8": 8, "i16": 16, "u16": 16, "i32": 32, "u32": 32, "i64": 64}


def cast(type_name, k):
    """k as Java casts it to the field's type."""
    if type_name == "bool":
        return bool(k & 1)
    if type_name in _INT_BITS:
        bits = _INT_BITS[type_name]
        v = k & ((1 << bits) - 1)
        if type_name.startswith("i") and v >= 1 << (bits - 1):
            v -= 1 << bits
        return v
    if type_name == "f32":
        return struct.unpack("<f", struct.pack("<f", float(k)))[0]
    return float(k)


def counter_fields(record, k):
    values = {}
    for f in record.fields:
        if f.type == "string":
            values[f.name] = str(k)[:f.length]
        elif f.is_array:
            values[f.name] = [cast(f.type, k)] * f.count
        else:
            values[f.name] = cast(f.type, k)
    return values


def follows_counter(record, sample, k):
    for f in record.fields:
        value = sample.raw(f.name) if f.is_enum else sample[f.name]
        if f.type == "string":
            ok = value == str(k)[:f.length]
        elif f.is_array:
            ok = list(value) == [cast(f.type, k)] * f.count
        else:
            ok = value == cast(f.type, k)
        if not ok:
            return False
    return True


def say(text):
    print(text, flush=True)


def publish(directory, region, schema, record, count, period, end, go=None):
    with shmtel.create(region, schema, dir=directory) as w:
        rec = w.layout.record(record)
        say(f"ready epoch={w.epoch} next={w.next_index(record)}")
        n = 0
        while count == 0 or n < count:
            w.publish(record, counter_fields(rec, w.next_index(record)))
            n += 1
            while go is not None and not os.path.exists(go):
                time.sleep(0.01)
            if period > 0:
                time.sleep(period)
        say(f"published {n}")
        if end == "hold":
            time.sleep(600)


def mbox_send(directory, region, schema, record, count):
    with shmtel.create(region, schema, dir=directory) as w:
        rec = w.layout.record(record)
        say(f"ready next={w.next_index(record)} skipped={w._records[record].sender.skipped}")
        codes = []
        while w.next_index(record) < count:
            codes.append(w.send(record, counter_fields(rec, w.next_index(record)), timeout=60))
        say(f"sent {len(codes)} codes {','.join(map(str, codes))}")


def mbox_take(directory, region, schema, record, count):
    opened = shmtel.open(region, dir=directory, numpy=False)
    rec = opened.records[record]
    say("ready")
    taken = torn = backwards = 0
    last = -1
    while last < count - 1:
        m = opened.take(record, timeout=60)
        if m is None:
            say(f"nothing for 60 s after {last}")
            sys.exit(4)
        taken += 1
        if not follows_counter(rec, m, m.index):
            torn += 1
            say(f"TORN {m.index}")
        if m.index <= last:
            backwards += 1
        last = m.index
        m.answer(m.index % 3)
    say(f"taken {taken} torn {torn} backwards {backwards}")


def mbox_hold(directory, region, record):
    opened = shmtel.open(region, dir=directory)
    m = opened.take(record, timeout=60)
    say(f"holding {m.index}")
    time.sleep(600)


def create(directory, region, schema, mode):
    try:
        w = shmtel.create(region, schema, dir=directory, mode=int(mode, 8))
    except shmtel.ShmtelError as e:
        say(f"failed: {type(e).__name__}: {e}")
        say(f"left: {sorted(os.listdir(directory))}")
        sys.exit(3)
    say(f"created epoch={w.epoch}")
    w.close()


def main(argv):
    mode = argv[0]
    if mode == "publish":
        publish(argv[1], argv[2], argv[3], argv[4], int(argv[5]), float(argv[6]), argv[7],
                argv[8] if len(argv) > 8 else None)
    elif mode == "mbox-send":
        mbox_send(argv[1], argv[2], argv[3], argv[4], int(argv[5]))
    elif mode == "mbox-take":
        mbox_take(argv[1], argv[2], argv[3], argv[4], int(argv[5]))
    elif mode == "mbox-hold":
        mbox_hold(argv[1], argv[2], argv[3])
    elif mode == "create":
        create(argv[1], argv[2], argv[3], argv[4])
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
