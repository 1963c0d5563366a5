"""Records from one call site are pickled from the template of the one before: their frames
are still the bytes the standard makePickle makes of each record's LogRecord, whatever changes
from one record to the next."""

import logging
import logging.handlers
import pickle
import socket
import struct
import threading

import femtologging
import femtologging.handlers


class _Paired(femtologging.handlers.SocketHandler):
    """The native handler, writing to one end of a socket pair whose other end is read."""

    def __init__(self):
        super().__init__("unused.invalid", 9)
        self.ours, theirs = socket.socketpair()
        self.data = bytearray()
        self.reader = threading.Thread(target=self._read, args=(theirs,), daemon=True)
        self.reader.start()

    def makeSocket(self, timeout=1):
        return self.ours

    def _read(self, theirs):
        with theirs:
            while chunk := theirs.recv(1 << 16):
                self.data += chunk

    def frames(self):
        self.close()
        self.reader.join(15)
        data, frames = bytes(self.data), []
        while data:
            (size,) = struct.unpack(">L", data[:4])
            frames.append(data[: 4 + size])
            data = data[4 + size :]
        return frames


class _Standard(femtologging.handlers.SocketHandler):
    """Keeps what the standard library's own makePickle makes of each record's LogRecord."""

    def __init__(self):
        super().__init__("unused.invalid", 9)
        self.frames = []

    def makePickle(self, record):
        return logging.handlers.SocketHandler.makePickle(self, record)

    def send(self, s):
        self.frames.append(s)


def _logger(name, *handlers):
    logger = femtologging.getLogger(name)
    logger.propagate = False
    logger.setLevel(femtologging.DEBUG)
    for old in list(logger.handlers):
        logger.removeHandler(old)
    for handler in handlers:
        logger.addHandler(handler)
    return logger


def _site(logger, level, message, *args, **keywords):
    """One call site for every record of a test."""
    logger.log(level, message, *args, **keywords)


def _check(name, calls):
    """Logs each (level, message, args, keywords) from one call site through the native handler
    (first, so it sees the logger's own record) and the standard makePickle."""
    native, standard = _Paired(), _Standard()
    logger = _logger(name, native, standard)
    for level, message, args, keywords in calls:
        _site(logger, level, message, *args, **keywords)
    frames = native.frames()
    assert len(frames) == len(calls)
    for index, (ours, theirs) in enumerate(zip(frames, standard.frames, strict=True)):
        assert ours == theirs, f"record {index}: {calls[index][1:3]}"
    return [pickle.loads(frame[4:]) for frame in frames]


INFO = femtologging.INFO


def test_messages_and_numbers_of_every_size():
    """Merged messages short, long, non-ASCII and one character long; ints of every width."""
    long = "ž" * 70_000
    calls = [
        (INFO, "request %s took %d ms", ("/api", ms), {})
        for ms in (0, 1, 255, 256, 65_535, 65_536, 2**31, -1, 2**70)
    ]
    calls += [
        (INFO, "%s", ("naïve café ☕ 𝄞",), {}),
        (INFO, "%s", (long,), {}),
        (INFO, "%s", ("a",), {}),
        (INFO, "%s", ("",), {}),
        (INFO, "%s", ("é",), {}),
        (INFO, "%s", ("ab",), {}),
        (INFO, "%s and %r", ("x", ("tuple", 1)), {}),
        (INFO, "%(user)s in %(room)d", ({"user": "ann", "room": 7},), {}),
        (INFO, "no arguments", (), {}),
        (INFO, "%s", ("back to normal",), {}),
    ]
    received = _check("template.messages", calls)
    assert received[9]["msg"] == "naïve café ☕ 𝄞"
    assert received[10]["msg"] == long
    assert received[-1]["msg"] == "back to normal"


def test_extras_that_change_type_shape_and_sharing():
    """Extra fields added, dropped, of other types, or the same object as another field."""
    shared = "one object"
    calls = [
        (INFO, "%s", ("a record",), {"extra": extra})
        for extra in (
            {"user": "ann"},
            {"user": "bob"},
            {"user": "ann ☕ 𝄞"},
            {"user": 5},
            {"user": 2.5},
            {"user": None},
            {"user": True},
            {"user": 2**70},
            {"user": ("tuple", "of", "strs")},
            {"user": ["list"]},
            {"user": "ann", "room": "blue"},
            {"room": "blue"},
            {"a": shared, "b": shared},
            {"a": shared, "b": "other"},
            {"a": "other", "b": shared},
            {"user": "x" * 100_000},
            {"user": "a"},
            {"user": ""},
            {"user": "ann"},
        )
    ]
    received = _check("template.extras", calls)
    assert received[1]["user"] == "bob"
    assert received[12]["a"] == received[12]["b"] == shared


def test_values_that_are_the_same_object_as_the_logger_name_or_message():
    """A message or extra that is the logger's name, or the message itself, is a memo reference;
    so is a message `%` returned its argument for (one `%s`, nothing padded or cut)."""
    name = "template.same"
    message = "the message, with no arguments"
    calls = [
        (INFO, message, (), {}),
        (INFO, name, (), {}),
        (INFO, message, (), {"extra": {"again": message}}),
        (INFO, message, (), {"extra": {"again": name}}),
        (INFO, "%s", (name,), {}),
        (INFO, "%-3.40s", (name,), {}),
        (INFO, "%.3s", (name,), {}),
        (INFO, "%40s", (name,), {}),
        (INFO, "%s", (name,), {"extra": {"again": name}}),
        (INFO, message, (), {}),
    ]
    _check(name, calls)


def test_levels_stack_info_and_exceptions_at_one_call_site():
    """Another level, stack_info, or an exception (exc_text) between ordinary records."""
    try:
        {}["missing"]
    except KeyError as error:
        caught = error
    calls = [
        (INFO, "%s", ("ordinary",), {}),
        (femtologging.WARNING, "%s", ("warning",), {}),
        (25, "%s", ("custom level",), {}),
        (INFO, "%s", ("with stack",), {"stack_info": True}),
        (INFO, "%s", ("with exception",), {"exc_info": caught}),
        (INFO, "%s", ("ordinary again",), {}),
    ]
    received = _check("template.levels", calls)
    assert received[3]["stack_info"].startswith("Stack (most recent call last):")
    assert received[4]["exc_text"].startswith("Traceback (most recent call last):")
    assert received[5]["exc_text"] is None


def test_records_a_filter_changed_between_ordinary_ones():
    """A filter that changes some records' attributes: those are pickled from their LogRecord,
    the ones after it from the template again."""
    native, standard = _Paired(), _Standard()
    logger = _logger("template.filtered", native, standard)

    def change(record):
        if record.args and record.args[0] % 2:
            record.msg = "changed %d"
            record.pathname = "elsewhere.py"
            record.added = ("new", 1)
        return True

    logger.addFilter(change)
    for number in range(6):
        _site(logger, INFO, "record %d", number)
    frames = native.frames()
    assert frames == standard.frames
    messages = [pickle.loads(frame[4:])["msg"] for frame in frames]
    assert messages == ["record 0", "changed 1", "record 2", "changed 3", "record 4", "changed 5"]


def test_loggers_and_threads_taking_turns_at_one_call_site():
    """Two loggers and two threads alternate at one call site: each record has its own names."""
    native, standard = _Paired(), _Standard()
    first = _logger("template.first", native, standard)
    second = _logger("template.second", native, standard)

    def work():
        for number in range(3):
            _site(first, INFO, "worker %d", number)
            _site(second, INFO, "worker %d", number)

    for number in range(3):
        _site(first, INFO, "main %d", number)
        _site(second, INFO, "main %d", number)
        thread = threading.Thread(target=work, name=f"worker-{number}")
        thread.start()
        thread.join()
    frames = native.frames()
    assert frames == standard.frames
    records = [pickle.loads(frame[4:]) for frame in frames]
    assert len(records) == 3 * (2 + 6)
    assert {record["threadName"] for record in records} == {
        "MainThread",
        "worker-0",
        "worker-1",
        "worker-2",
    }
