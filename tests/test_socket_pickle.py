"""`SocketHandler.makePickle` gives the standard library's bytes for the same record."""

import logging
import logging.handlers
import pickle
import struct
import sys
from unittest import mock

import femtologging
import femtologging.handlers
import pytest


class _Text(str):
    pass


def _record(**attributes):
    """A standard record with fixed times and ids, then `attributes`."""
    record = logging.makeLogRecord(
        {
            "name": "app.net",
            "msg": "hello",
            "levelno": 20,
            "levelname": "INFO",
            "created": 1700000000.25,
            "msecs": 250.0,
            "relativeCreated": 12.5,
            "thread": 140000000000,
            "process": 4242,
        }
    )
    record.__dict__.update(attributes)
    return record


def _shared():
    text = "shared " * 3
    items = [1, 2]
    return {"first": text, "second": text, "items": items}


CASES = {
    "plain": {},
    "percent args": {"msg": "%s took %d ms (%.1f%%)", "args": ("/api", 42, 99.5)},
    "mapping args": {"msg": "%(a)s-%(b)r", "args": {"a": 1, "b": "two"}},
    "unicode": {"msg": "naïve café ☕ 𝄞", "user": "Ж", "latin": "é"},
    "one-character strings": {"a": "x", "b": "x", "c": "", "d": "ÿ", "e": "Ā"},
    "extras of every modelled type": {
        "count": 7,
        "negative": -70000,
        "wide": 2**40,
        "huge": -(2**100),
        "ratio": 0.1,
        "flag": True,
        "off": False,
        "nothing": None,
        "raw": b"\x00\xffbytes",
        "empty_bytes": b"",
        "one_byte": b"z",
        "items": [1, "two", 3.0, [None]],
        "pair": ("a", 1),
        "empty": (),
        "mapping": {"k": {"nested": ["deep"]}, "e": {}},
    },
    "the same str object twice": _shared(),
    "a value that is a key's object": {"label": "msg", "other": "levelname"},
    "str subclass and non-str key": {"custom": _Text("sub"), "keys": {1: "one"}},
    "set and object values": {"tags": {"a"}, "when": object},
    "lone surrogate": {"msg": "bad \udc80 byte"},
    "stack info": {"stack_info": "Stack (most recent call last):\n  here"},
    "message attribute dropped": {"message": "formatted earlier"},
    "msg that is not a str": {"msg": 12345},
    "thousand extras": {f"extra_{index}": index for index in range(1000)},
}


@pytest.mark.parametrize("attributes", CASES.values(), ids=CASES.keys())
def test_make_pickle_matches_the_standard_bytes(attributes):
    """The frame is byte for byte the standard one, memo references included."""
    record = _record(**attributes)
    standard = logging.handlers.SocketHandler("127.0.0.1", 9).makePickle(record)
    ours = femtologging.handlers.SocketHandler("127.0.0.1", 9).makePickle(record)
    assert ours == standard


def test_shared_containers_fall_back_to_the_same_bytes():
    """A list or bytes object met twice is pickled once, then referred to, as the standard does."""
    shared_list = ["x", "y"]
    shared_bytes = b"payload"
    record = _record(a=shared_list, b=shared_list, c=shared_bytes, d=shared_bytes)
    standard = logging.handlers.SocketHandler("127.0.0.1", 9).makePickle(record)
    ours = femtologging.handlers.SocketHandler("127.0.0.1", 9).makePickle(record)
    assert ours == standard


def test_exception_text_is_filled_before_pickling():
    """A record with exc_info is formatted first, so exc_text carries the traceback."""
    try:
        raise ValueError("boom")
    except ValueError:
        exc_info = sys.exc_info()
    standard_record = _record(exc_info=exc_info)
    our_record = _record(exc_info=exc_info)
    standard = logging.handlers.SocketHandler("127.0.0.1", 9).makePickle(standard_record)
    ours = femtologging.handlers.SocketHandler("127.0.0.1", 9).makePickle(our_record)
    assert ours == standard
    decoded = pickle.loads(ours[4:])
    assert decoded["exc_info"] is None
    assert "ValueError: boom" in decoded["exc_text"]


def test_a_plain_record_is_pickled_without_python_pickle():
    """Records of the modelled types are pickled natively, never through pickle.dumps."""
    record = _record(**CASES["extras of every modelled type"])
    with mock.patch("pickle.dumps", side_effect=AssertionError("python pickle used")):
        frame = femtologging.handlers.SocketHandler("127.0.0.1", 9).makePickle(record)
    (size,) = struct.unpack(">L", frame[:4])
    assert size == len(frame) - 4


def test_femtologging_records_decode_in_the_standard_receiver():
    """A femtologging record's frame becomes an equal standard LogRecord through makeLogRecord."""
    logger = femtologging.getLogger("socket.pickle.decode")
    captured = []

    class Keep(femtologging.Handler):
        def emit(self, record):
            captured.append(femtologging.handlers.SocketHandler("127.0.0.1", 9).makePickle(record))

    logger.addHandler(Keep())
    logger.propagate = False
    logger.warning("disk %d%% full", 93, extra={"host": "db1"})
    (frame,) = captured
    (size,) = struct.unpack(">L", frame[:4])
    received = logging.makeLogRecord(pickle.loads(frame[4 : 4 + size]))
    assert received.getMessage() == "disk 93% full"
    assert received.args is None
    assert (received.name, received.levelname, received.host) == (
        "socket.pickle.decode",
        "WARNING",
        "db1",
    )
