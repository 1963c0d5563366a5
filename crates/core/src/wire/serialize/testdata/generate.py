"""Regenerate the JSON and MessagePack expectations of the Rust tests.

Usage: python3 generate.py PYTHON_WITH_MSGPACK

The values travel to Rust as pickle.dumps(value, 1) (the pickle decoder is tested on
its own); next to each, what the reference library writes for it.

json.txt     case <TAB> ensure_ascii (0/1) <TAB> compact (0/1) <TAB> pickle hex <TAB> json.dumps
msgpack.txt  case <TAB> pickle hex of the ten-field dict <TAB> msgpack.packb hex
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

FLOATS = [
    0.0, -0.0, 1.0, 0.1, -1.5, 1e16, 1e15, 1e-5, 1.5e-5, 0.0001, 5e-324, 1.7976931348623157e308,
    1733333333.123456, 123456.789, 1e22, 12345678901234567890.0, 1090717427626941.25,
    float("inf"), float("-inf"), float("nan"), 2.5, 100.0,
]
STRINGS = [
    "", "plain", "quote \" and backslash \\", "slash /", "controls \x00\x01\x08\x0c\n\r\t\x1f",
    "del \x7f", "héllo wörld", "日本語", "emoji 😀", "line\u2028sep", "tab\there",
]


def record():
    import logging

    r = logging.LogRecord(
        "app.db", logging.ERROR, "/srv/app/db/query.py", 217, "bad row %r", ({"id": 3},), None,
        "run_query",
    )
    r.created = 1733333333.123456
    r.msecs = 123.0
    r.relativeCreated = 4567.891
    r.thread = 140234567890123
    r.process = 4242
    r.user = "ünïcode"
    r.tags = ("a", 1, None)
    r.blob = b"\x00'\xff"
    r.huge = -(2**70)
    d = dict(r.__dict__)
    d["msg"] = r.getMessage()
    d["args"] = None
    d.pop("message", None)
    return d


def json_cases():
    values = {
        "floats": FLOATS,
        "strings": STRINGS,
        "ints": [0, -1, 2**31, -(2**63), 2**64, -(10**40)],
        "atoms": [None, True, False, (), [], {}, (1, "two"), {"k": {"n": [None]}}],
        "bytes": [b"", b"abc", b"it's", b"both ' and \"", b"\x00\n\t\\\xff"],
        "record": record(),
    }
    for name, value in values.items():
        for ensure_ascii in (False, True):
            for compact in (False, True):
                separators = (",", ":") if compact else None
                text = json.dumps(value, ensure_ascii=ensure_ascii, separators=separators, default=repr)
                yield name, ensure_ascii, compact, value, text


def msgpack_cases():
    import msgpack

    base = {
        "logger": "app.db", "level": "INFO", "message": "hello wörld", "timestamp_ns": 1733333333123456789,
        "filename": "/srv/app/db/query.py", "line_number": 217, "module_path": "app.db.query",
        "thread_id": 140234567890123, "thread_name": "MainThread", "key_values": {},
    }
    extras = {
        "user": "alice", "n": 7, "neg": -1, "neg_big": -(2**40), "i8": -100, "u8": 200, "u16": 60000,
        "u32": 4000000000, "u64": 2**64 - 1, "i64_min": -(2**63), "f": 0.1, "flag": True,
        "nothing": None, "blob": b"\x00\xff", "items": [1, "two", [3.5]], "pair": ("a", 2),
        "nested": {"deep": {"er": False}}, "long_text": "x" * 40, "longer": "y" * 300,
        "wide": "é" * 200,
    }
    yield "empty-extras", base
    yield "extras", dict(base, key_values=extras)
    many = {"k%d" % i: i for i in range(20)}
    yield "map16", dict(base, key_values=many, line_number=0, thread_id=0, timestamp_ns=0)
    yield "list16", dict(base, key_values={"l": list(range(20)), "b": b"z" * 300})


def run_child():
    import pickle

    global json
    import json

    with open(os.path.join(HERE, "json.txt"), "w", encoding="utf-8") as out:
        for name, ensure_ascii, compact, value, text in json_cases():
            fields = [name, str(int(ensure_ascii)), str(int(compact)), pickle.dumps(value, 1).hex(), text]
            out.write("\t".join(fields) + "\n")
    import msgpack

    with open(os.path.join(HERE, "msgpack.txt"), "w") as out:
        for name, value in msgpack_cases():
            packed = msgpack.packb(value)
            assert msgpack.unpackb(packed) == {
                key: (list(v) if isinstance(v, tuple) else v) for key, v in value.items()
            } or name == "extras"
            out.write("\t".join([name, pickle.dumps(value, 1).hex(), packed.hex()]) + "\n")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        run_child()
    else:
        subprocess.run([sys.argv[1], __file__, "--child"], check=True)
