"""Regenerate the pickles the Rust tests compare against.

Usage: python3 generate.py PYTHON [PYTHON ...]

Each interpreter builds the same record dicts (the way SocketHandler.makePickle does)
and other values, and writes, for every protocol 0 to 5, what pickle.dumps gives.
Output: cases.txt next to this file, one line per (interpreter, case, protocol):

  version <TAB> case <TAB> protocol <TAB> identities <TAB> hex

identities numbers every str in the order the pickler meets it (a dict's key, then its
value; a sequence's items in order), the same number for the same object, so the
encoder can be given the identities CPython's memo saw. For case "record-*" and
protocol 1 the hex is the whole SocketHandler frame (length prefix included).
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def make_record(msg, args, extra, exc_text=None, stack_info=None):
    import logging

    record = logging.LogRecord(
        "app.db", logging.WARNING, "/srv/app/db/query.py", 217, msg, args, None, "run_query",
        stack_info,
    )
    record.created = 1733333333.123456
    record.msecs = 123.0
    record.relativeCreated = 4567.891
    record.thread = 140234567890123
    record.threadName = "MainThread"
    record.process = 4242
    record.processName = "MainProcess"
    record.exc_text = exc_text
    for key, value in extra.items():
        setattr(record, key, value)
    return record


CORE_CREATED_NS = 1733333333123456789
CORE_START_NS = 1733333300987654321


def make_timed_record():
    # A record whose times LogRecord.__init__ computes itself, from a clock reading the
    # Rust test also has: time.time() before 3.13, time.time_ns() since.
    import logging
    import time

    if sys.version_info >= (3, 13):
        saved, time.time_ns = time.time_ns, lambda: CORE_CREATED_NS
        logging._startTime = CORE_START_NS
    else:
        saved, time.time = time.time, lambda: CORE_CREATED_NS / 1e9
        logging._startTime = CORE_START_NS / 1e9
    try:
        record = logging.LogRecord(
            "app.db", logging.INFO, "/srv/app/db/query.py", 217, "user %s logged in", ("alice",),
            None, "run_query", None,
        )
    finally:
        if sys.version_info >= (3, 13):
            time.time_ns = saved
        else:
            time.time = saved
    record.thread = 140234567890123
    record.threadName = "MainThread"
    record.process = 4242
    record.processName = "MainProcess"
    record.request_id = 7
    record.user = distinct("bob")
    return record


def record_dict(record):
    # What SocketHandler.makePickle pickles.
    d = dict(record.__dict__)
    d["msg"] = record.getMessage()
    d["args"] = None
    d["exc_info"] = None
    d.pop("message", None)
    return d


def distinct(text):
    # A str object of its own, equal to text (a literal would be a shared constant).
    return "".join(list(text))


def cases():
    import logging.handlers

    shared = distinct("shared value")
    message = distinct("no arguments here")
    extras = {
        "user": "alice",
        "small": 7, "byte": 255, "two_bytes": 256, "max_two": 65535, "three": 65536,
        "minus": -1, "int32_max": 2**31 - 1, "int32_min": -2**31, "beyond32": 2**31,
        "below32": -2**31 - 1, "int64_max": 2**63 - 1, "beyond64": 2**63, "huge": -2**70,
        "googol": 10**100,
        "ratio": 0.1, "negzero": -0.0, "big_float": 1e300, "inf": float("inf"),
        "unicode": distinct("héllo wörld 日本語 😀"), "flag": True, "off": False,
        "nothing": None, "items": [1, "two", 3.0], "pair": ("a", 2), "single": (1,),
        "empty_tuple": (), "empty_list": [], "empty_dict": {}, "one_list": ["x"],
        "nested": {"k": [{"deep": (None, True)}]},
        "blob": b"\x00\xffabc", "empty_blob": b"",
        # Bytes carry no identity in the model: a second equal value must be its own object.
        "blob2": bytes(bytearray(b"\x00\xffabc")),
        "first": shared, "second": shared, "user_again": "alice",
    }
    handler = logging.handlers.SocketHandler("localhost", None)
    records = {
        "record-args": make_record("user %s logged in from %s", ("alice", "10.0.0.1"), {}),
        "record-no-args": make_record(message, None, {"same_as_msg": message}),
        "record-extras": make_record("extras %d", (3,), extras),
        "record-core": make_timed_record(),
        "record-exc-text": make_record(
            "failed", None, {}, exc_text="Traceback (most recent call last):\n  boom\nValueError: x",
            stack_info="Stack (most recent call last):\n  here",
        ),
    }
    for name, record in records.items():
        d = record_dict(record)
        frame = handler.makePickle(record)
        yield name, d, frame
    many = [distinct("s%d" % i) for i in range(300)]
    yield "memo-beyond-256", {"strings": many, "again": list(many)}, None
    for size in (1, 2, 999, 1000, 1001):
        yield "dict-%d" % size, {distinct("k%d" % i): i for i in range(size)}, None
        yield "list-%d" % size, {"l": list(range(size))}, None
    # Two full batches: a dict still ends with an empty one.
    yield "dict-2000", {distinct("k%d" % i): None for i in range(2000)}, None
    yield "empty-dict", {}, None
    import random

    generator = random.Random(20261204)
    for number in range(60):
        pool = []
        value = {distinct("v%d" % index): random_value(generator, 0, pool) for index in range(8)}
        yield "random-%d" % number, value, None


def random_value(generator, depth, pool):
    kind = generator.randrange(12 if depth < 3 else 8)
    if kind == 0:
        return None
    if kind == 1:
        return generator.random() < 0.5
    if kind == 2:
        bits = generator.choice([7, 8, 15, 16, 31, 32, 63, 64, 65, 100, 300])
        return generator.randrange(-(2**bits), 2**bits)
    if kind == 3:
        return generator.choice([generator.random() * 10 ** generator.randrange(-10, 20), float("inf"), -0.0, 1e300])
    if kind in (4, 5, 6):
        # Reuse an existing object now and then, so the memo hands out references.
        if pool and generator.random() < 0.3:
            return generator.choice(pool)
        text = distinct("".join(generator.choice("aé日😀 \n\\'\"") for _ in range(generator.randrange(12))))
        pool.append(text)
        return text
    if kind == 7:
        # Short ones often: b"" and single bytes are objects CPython keeps one of.
        return bytes(generator.randrange(4) for _ in range(generator.randrange(3)))
    items = [random_value(generator, depth + 1, pool) for _ in range(generator.randrange(5))]
    if kind == 8:
        return tuple(items)
    if kind == 9:
        return items
    return {distinct("k%d" % index): item for index, item in enumerate(items)}


def identities(value, numbers, out):
    if isinstance(value, str):
        out.append(numbers.setdefault(id(value), len(numbers)))
    elif isinstance(value, dict):
        for key, item in value.items():
            identities(key, numbers, out)
            identities(item, numbers, out)
    elif isinstance(value, (list, tuple)):
        for item in value:
            identities(item, numbers, out)
    return out


def run_child():
    import pickle

    version = "%d.%d" % sys.version_info[:2]
    for name, d, frame in cases():
        ids = ",".join(map(str, identities(d, {}, [])))
        # Every protocol for the records, which the decoder must read from any sender;
        # the encoder's own protocol for the rest, plus 4 (frames, MEMOIZE) once.
        if name.startswith("record-"):
            protocols = range(6)
        elif name == "memo-beyond-256":
            protocols = (1, 4)
        else:
            protocols = (1,)
        for protocol in protocols:
            data = pickle.dumps(d, protocol)
            if protocol == 1 and frame is not None:
                assert frame[4:] == data, name
                data = frame
            print("\t".join([version, name, str(protocol), ids, data.hex()]))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        run_child()
        return
    lines = []
    for python in sys.argv[1:]:
        output = subprocess.run([python, __file__, "--child"], check=True, capture_output=True, text=True)
        lines.append(output.stdout)
    with open(os.path.join(HERE, "cases.txt"), "w") as out:
        out.write("".join(lines))


if __name__ == "__main__":
    main()
