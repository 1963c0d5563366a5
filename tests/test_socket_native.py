"""The native `SocketHandler` and `DatagramHandler`: frames made from the logger's own record,
written through `handler.sock`, are the standard library's bytes, and the socket behaves as
the standard one does."""

import asyncio
import logging
import logging.handlers
import pickle
import socket
import struct
import sys
import threading

import femtologging
import femtologging.handlers
import pytest


class _Receiver:
    """Accepts stream connections on loopback and keeps every byte of each one."""

    def __init__(self, read=True):
        self.server = socket.create_server(("127.0.0.1", 0))
        # Short, so that the accepting thread sees `done` soon after it is set.
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.read = read
        self.streams = []
        self.changed = threading.Condition()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.done.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(15)
            if not self.read:
                # Holds the connection unread until the test is over.
                self.done.wait(15)
                connection.close()
                return
            data = bytearray()
            with connection:
                while chunk := connection.recv(1 << 16):
                    data += chunk
            with self.changed:
                self.streams.append(bytes(data))
                self.changed.notify_all()

    def finish(self, connections=1):
        """The bytes of each connection, once `connections` have been read to their end."""
        with self.changed:
            self.changed.wait_for(lambda: len(self.streams) >= connections, timeout=15)
        self.done.set()
        self.server.close()
        self.thread.join(15)
        return self.streams


def _split(stream):
    frames = []
    while stream:
        (size,) = struct.unpack(">L", stream[:4])
        frames.append(stream[: 4 + size])
        stream = stream[4 + size :]
    return frames


class _Keeping(femtologging.handlers.SocketHandler):
    """Keeps the frame the standard `makePickle` makes of each record's `LogRecord`."""

    def __init__(self):
        super().__init__("127.0.0.1", 9)
        self.frames = []

    def makePickle(self, record):
        return super().makePickle(record)

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


def _log_cases(logger):
    shared = "one object, twice"
    logger.info("plain")
    logger.warning("%s took %d ms (%.1f%%)", "/api", 42, 99.5)
    logger.info("%(user)s in %(room)r", {"user": "ann", "room": 7})
    logger.error("naïve café ☕ 𝄞 %s", "Ж", extra={"latin": "é", "mark": "x", "empty": ""})
    logger.info(
        "extras",
        extra={
            "a": shared,
            "b": shared,
            "n": 2**70,
            "ratio": 0.5,
            "flag": True,
            "raw": b"\x00\x01\x02",
            "tags": ["a", ("b", None)],
            "nested": {"k": {"deep": [1]}},
        },
    )
    logger.info(shared, extra={"same_as_msg": shared})
    logger.info("bad %s", "\udc80 surrogate")
    logger.info("object extra", extra={"when": object, "set": {1}})
    logger.info("with stack", stack_info=True)
    try:
        {}["missing"]
    except KeyError:
        logger.exception("lookup failed")


def test_native_frames_are_the_frames_of_the_records_view():
    """A record sent before Python code made its LogRecord pickles as that LogRecord does."""
    receiver = _Receiver()
    native = femtologging.handlers.SocketHandler("127.0.0.1", receiver.port)
    keeping = _Keeping()
    # The native handler comes first, so it sees the logger's own record.
    _log_cases(_logger("native.frames", native, keeping))
    native.close()
    (stream,) = receiver.finish()
    assert _split(stream) == keeping.frames
    assert len(keeping.frames) == 10


def test_native_frames_are_the_standard_librarys_bytes_for_the_same_record():
    """The standard makePickle of a standard record of what arrived gives the same bytes."""
    receiver = _Receiver()
    handler = femtologging.handlers.SocketHandler("127.0.0.1", receiver.port)
    _log_cases(_logger("native.standard", handler))
    handler.close()
    (stream,) = receiver.finish()
    standard = logging.handlers.SocketHandler("127.0.0.1", 9)
    frames = _split(stream)
    for frame in frames:
        attributes = pickle.loads(frame[4:])
        assert standard.makePickle(logging.makeLogRecord(attributes)) == frame
    messages = [pickle.loads(frame[4:])["msg"] for frame in frames]
    assert messages[1] == "/api took 42 ms (99.5%)"
    assert messages[2] == "ann in 7"
    assert messages[6] == "bad \udc80 surrogate"
    received = pickle.loads(frames[-1][4:])
    assert received["exc_text"].startswith("Traceback (most recent call last):")
    assert received["exc_info"] is None
    assert pickle.loads(frames[-2][4:])["stack_info"].startswith("Stack (most recent call last):")


@pytest.mark.skipif(sys.version_info < (3, 12), reason="records carry taskName from 3.12")
def test_native_frames_carry_the_asyncio_task_name():
    """A record logged inside a task has the task's name, in the standard position."""
    receiver = _Receiver()
    handler = femtologging.handlers.SocketHandler("127.0.0.1", receiver.port)
    logger = _logger("native.task", handler)

    async def job():
        logger.info("in a task")

    async def main():
        await asyncio.wait_for(asyncio.create_task(job(), name="worker-7"), 5)

    asyncio.run(main())
    logger.info("outside")
    handler.close()
    (stream,) = receiver.finish()
    inside, outside = (pickle.loads(frame[4:]) for frame in _split(stream))
    assert inside["taskName"] == "worker-7"
    assert outside["taskName"] is None
    assert list(inside)[list(inside).index("process") + 1] == "taskName"


def test_subclass_steps_still_run_with_the_native_handler():
    """A subclass's makePickle, send and makeSocket are called at the standard points."""
    calls = []
    left, right = socket.socketpair()

    class Custom(femtologging.handlers.SocketHandler):
        def makeSocket(self, timeout=1):
            calls.append(("makeSocket", timeout))
            return left

        def makePickle(self, record):
            return f"{record.levelname}:{record.getMessage()}|".encode()

    class Sending(femtologging.handlers.SocketHandler):
        def send(self, s):
            calls.append(("send", pickle.loads(s[4:])["msg"]))

    custom, sending = Custom("example.invalid", 1), Sending("example.invalid", 1)
    logger = _logger("native.subclass", custom, sending)
    logger.warning("first %d", 1)
    logger.error("second")
    custom.close()
    sending.close()
    assert right.recv(100) == b"WARNING:first 1|ERROR:second|"
    right.close()
    assert calls == [("makeSocket", 1), ("send", "first 1"), ("send", "second")]


def test_a_subclass_emit_may_hand_the_record_to_the_standard_one():
    """super().emit from a subclass's emit sends the standard frame of the record it was given."""
    receiver = _Receiver()
    seen = []

    class Watching(femtologging.handlers.SocketHandler):
        def emit(self, record):
            seen.append(record.getMessage())
            super().emit(record)

    handler = Watching("127.0.0.1", receiver.port)
    keeping = _Keeping()
    logger = _logger("native.emit", handler, keeping)
    logger.info("watched %d", 1)
    handler.close()
    (stream,) = receiver.finish()
    assert seen == ["watched 1"]
    assert _split(stream) == keeping.frames


def test_the_socket_is_a_real_socket_and_a_closed_one_is_replaced():
    """handler.sock is a socket; closed behind the handler's back, one record is lost."""
    receiver = _Receiver()
    handler = femtologging.handlers.SocketHandler("127.0.0.1", receiver.port)
    logger = _logger("native.closed", handler)
    logger.info("first")
    assert type(handler.sock) is socket.socket
    assert handler.sock.gettimeout() == 1
    handler.sock.close()
    logger.info("lost, as with the standard handler")
    assert handler.sock is None
    logger.info("on a new connection")
    handler.close()
    streams = receiver.finish(connections=2)
    messages = [[pickle.loads(f[4:])["msg"] for f in _split(s)] for s in streams]
    assert messages == [["first"], ["on a new connection"]]


def test_a_record_larger_than_the_socket_buffer_arrives_whole():
    """Partial writes continue until the whole frame is out."""
    receiver = _Receiver()
    handler = femtologging.handlers.SocketHandler("127.0.0.1", receiver.port)
    logger = _logger("native.large", handler)
    big = "x" * (8 << 20)
    logger.info("%s", big)
    logger.info("after")
    handler.close()
    (stream,) = receiver.finish()
    first, second = (pickle.loads(frame[4:])["msg"] for frame in _split(stream))
    assert first == big
    assert second == "after"


def test_a_write_past_the_sockets_timeout_drops_the_socket():
    """A receiver that reads nothing: the send times out and the socket is dropped, unreported."""
    receiver = _Receiver(read=False)

    class Quick(femtologging.handlers.SocketHandler):
        def makeSocket(self, timeout=1):
            return super().makeSocket(timeout=0.2)

    handler = Quick("127.0.0.1", receiver.port)
    logger = _logger("native.timeout", handler)
    errors = []
    handler.handleError = lambda record: errors.append(sys.exc_info())
    logger.info("%s", "y" * (32 << 20))
    assert handler.sock is None
    assert errors == []
    handler.close()
    receiver.finish(connections=0)


def test_threads_sharing_a_handler_never_interleave_frames():
    """Four threads logging at once: every frame arrives whole and none is lost."""
    receiver = _Receiver()
    handler = femtologging.handlers.SocketHandler("127.0.0.1", receiver.port)
    logger = _logger("native.threads", handler)

    def work(number):
        for index in range(500):
            logger.info("thread %d record %d %s", number, index, "z" * (index % 50) * 100)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handler.close()
    (stream,) = receiver.finish()
    messages = [pickle.loads(frame[4:])["msg"] for frame in _split(stream)]
    assert len(messages) == 2000
    for number in range(4):
        mine = [m.split()[3] for m in messages if m.startswith(f"thread {number} ")]
        assert mine == [str(index) for index in range(500)]


def test_datagrams_are_the_standard_librarys_bytes():
    """DatagramHandler sends each record in one UDP datagram, the standard bytes for it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.settimeout(5)
    handler = femtologging.handlers.DatagramHandler("127.0.0.1", server.getsockname()[1])
    keeping = _Keeping()
    logger = _logger("native.udp", handler, keeping)
    logger.info("datagram %d", 1, extra={"user": "ann"})
    logger.warning("naïve ☕")
    handler.close()
    received = [server.recv(65536), server.recv(65536)]
    server.close()
    assert received == keeping.frames
    standard = logging.handlers.SocketHandler("127.0.0.1", 9)
    for frame in received:
        record = logging.makeLogRecord(pickle.loads(frame[4:]))
        assert standard.makePickle(record) == frame
