"""``python3 -m shmtel``: list regions and print samples on machines without a JVM.

    python3 -m shmtel ls [--dir D]
    python3 -m shmtel echo REGION[/RECORD] [RECORD] [--count N] [--stream] [--from-oldest] [--timeout S]
                          [--json] [--check] [--dir D] [--any-owner]

Exit codes are the Java CLI's (docs/cli.md): 0 success, 2 invalid input, 4 incompatible, 5 region not
found, 7 corrupt region (and ``--check`` finding a sample off the counter pattern), 9 permission,
10 timeout.
"""

import argparse
import json
import math
import sys
import time

from . import counter
from . import region as regions
from .errors import (CorruptRegionError, IncompatibleRegionError, InvalidRegionNameError, RegionNotFoundError,
                     RegionPermissionError, ShmtelError)

OK, INTERNAL, INVALID_INPUT, IO_ERROR, INCOMPATIBLE, REGION_NOT_FOUND = 0, 1, 2, 3, 4, 5
CORRUPT_REGION, PERMISSION, TIMEOUT = 7, 9, 10
_MAX_ARRAY = 32


def _exit_code(error):
    for kind, code in ((IncompatibleRegionError, INCOMPATIBLE), (CorruptRegionError, CORRUPT_REGION),
                       (RegionNotFoundError, REGION_NOT_FOUND), (RegionPermissionError, PERMISSION),
                       (InvalidRegionNameError, INVALID_INPUT)):
        if isinstance(error, kind):
            return code
    return IO_ERROR


def _ls(args):
    names = regions.list_names(args.dir)
    rows = [("REGION", "SCHEMA", "STATE", "EPOCH", "PID", "RECORDS (published)")]
    for name in names:
        try:
            with regions.open(name, args.dir, any_owner=args.any_owner, init_timeout=0.2) as r:
                published = " ".join(f"{rec}({r.published(rec)})" for rec in r.records)
                rows.append((name, f"{r.layout.schema_name} v{r.layout.schema_version}", str(r.state),
                             str(r.epoch), str(r.writer_pid), published))
        except ShmtelError as e:
            rows.append((name, "-", "UNREADABLE", "-", "-", str(e)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])
    if not names:
        print(f"(no regions in {regions.region_dir(args.dir)})", file=sys.stderr)
    return OK


def _text(value, field):
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if field.type == "string" else value
    if field.count:
        items = list(value)
        shown = ", ".join(_number(x) for x in items[:_MAX_ARRAY])
        more = f", ... {len(items) - _MAX_ARRAY} more" if len(items) > _MAX_ARRAY else ""
        return f"[{shown}{more}]"
    return _number(value)


def _number(x):
    if isinstance(x, bool) or hasattr(x, "dtype") and str(x.dtype) == "bool":
        return "true" if x else "false"
    if isinstance(x, float) or hasattr(x, "dtype") and "float" in str(x.dtype):
        x = float(x)
        return repr(x) if math.isfinite(x) else str(x)
    return str(int(x))


def _line(sample, record):
    parts = [f"{record.name} #{sample.index} t={sample.timestamp_ns}"]
    for f in record.fields:
        text = f"{f.name}={_text(sample[f.name], f)}"
        parts.append(f"{text} {f.unit}" if f.unit else text)
    return " ".join(parts)


def _json(sample, record, state):
    fields = {}
    for f in record.fields:
        v = sample[f.name]
        fields[f.name] = [x.item() if hasattr(x, "item") else x for x in v] if f.count else v
    return json.dumps({"record": record.name, "sample": sample.index, "timestamp": sample.timestamp_ns,
                       "state": str(state), "fields": fields}, ensure_ascii=False)


def _echo(args):
    name, _, record = args.region.partition("/")
    record = record or args.record
    with regions.open(name, args.dir, any_owner=args.any_owner) as r:
        if record is None:
            if len(r.records) != 1:
                print(f'region "{name}" has several records ({", ".join(r.records)}): name one, e.g. '
                      f"{name}/{next(iter(r.records))}", file=sys.stderr)
                return INVALID_INPUT
            record = next(iter(r.records))
        if record not in r.records:
            print(f'region "{name}" has no record "{record}" (records: {", ".join(r.records)})', file=sys.stderr)
            return INVALID_INPUT
        return _echo_loop(args, r, record)


def _echo_loop(args, r, record):
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    printed = bad = 0
    state = r.state
    print(f"echo {r.name}/{record}: writer {state}", file=sys.stderr)
    stream = r.stream(record, timeout=0, start="oldest" if args.from_oldest else "newest") \
        if args.stream or args.from_oldest else None
    last = -1
    generation = r.generation
    while args.count is None or printed < args.count:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            break
        step = 0.5 if remaining is None else min(0.5, remaining)
        if stream is not None:
            sample = stream.next(timeout=step)
        else:
            if r.generation != generation:
                last, generation = -1, r.generation     # another file: its samples number from 0
            sample = r.latest(record)
            if sample is None or sample.index <= last:
                sample = None
                r.wait(record, timeout=step)
        if sample is None:
            now = r.state
            if now != state:
                print(f"echo {r.name}/{record}: writer {now}", file=sys.stderr)
                state = now
            continue
        last = sample.index
        rec = r.records[record]
        if args.check and not counter.check(sample, rec):
            bad += 1
            print(f"sample {sample.index} does not follow the counter pattern", file=sys.stderr)
        print(_json(sample, rec, state) if args.json else _line(sample, rec), flush=True)
        printed += 1
    if stream is not None and stream.lost:
        print(f"echo {r.name}/{record}: {stream.lost} samples lost (overwritten before they were read)",
              file=sys.stderr)
    if args.check:
        print(f"echo {r.name}/{record}: checked {printed} samples, {bad} off the counter pattern", file=sys.stderr)
        if bad:
            return CORRUPT_REGION
    if args.count is not None and printed < args.count:
        print(f"echo {r.name}/{record}: {printed} of {args.count} samples in {args.timeout} s", file=sys.stderr)
        return TIMEOUT
    return OK


def _parser():
    p = argparse.ArgumentParser(prog="python3 -m shmtel", description="shmtel regions from Python, without a JVM: "
                                "list them, print their samples (decoded from the schema embedded in each region).")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--dir", metavar="DIR", help="region directory (default: $SHMTEL_DIR, else /dev/shm)")
    common.add_argument("--any-owner", action="store_true", help="accept regions owned by another user (never "
                        "one that group or others may write)")
    ls = sub.add_parser("ls", parents=[common], help="list the regions: schema, writer state, epoch, records",
                        description="List the regions of the directory: name, schema, writer state, epoch, writer "
                        "pid and each record's published count.")
    ls.set_defaults(run=_ls)
    echo = sub.add_parser("echo", parents=[common], help="print samples of a record, one line each",
                          description="Print samples of a record, one line each: each new newest sample, or with "
                          "--stream every sample in order. Writer state changes go to stderr. A mailbox record is "
                          "watched, not taken.")
    echo.add_argument("region", metavar="REGION[/RECORD]", help="region, and record when the region has several")
    echo.add_argument("record", metavar="RECORD", nargs="?", help="record (instead of REGION/RECORD)")
    echo.add_argument("--count", type=_positive, metavar="N", help="exit after N samples")
    echo.add_argument("--stream", action="store_true", help="every sample in order, counting lost ones")
    echo.add_argument("--from-oldest", action="store_true", help="stream from the oldest sample the ring holds")
    echo.add_argument("--timeout", type=float, metavar="S", help="exit after S seconds (exit 10 when --count "
                      "samples did not come)")
    echo.add_argument("--json", action="store_true", help="JSON lines: record, sample, timestamp, state, fields")
    echo.add_argument("--check", action="store_true", help="check each sample against the counter pattern of "
                      "'shmtel pub --pattern counter'; exit 7 if one is off")
    echo.set_defaults(run=_echo)
    return p


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more; got {value}")
    return value


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except ShmtelError as e:
        print(f"shmtel: {e}", file=sys.stderr)
        return _exit_code(e)
    except KeyboardInterrupt:
        return OK
    except BrokenPipeError:
        return OK


if __name__ == "__main__":
    sys.exit(main())
