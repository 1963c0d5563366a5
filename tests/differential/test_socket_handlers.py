"""`SocketHandler` and `DatagramHandler` of `logging.handlers`, against receivers on loopback.

Each program runs its own receiver on a thread: it reads frames the way the
standard library's documented receiver does (`struct.unpack(">L")`, then
`pickle.loads`) and prints the attributes that do not depend on the clock or
the process.
"""

from ._harness import differential


@differential(requires=["handlers"])
def test_socket_handler_sends_records_a_pickle_receiver_decodes(logging):
    """Plain, %-args, extras, exceptions, stack_info and unicode records arrive as sent."""
    import pickle
    import socket
    import struct
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(10)
    frames = []

    def receive():
        connection, _ = server.accept()
        data = b""
        with connection:
            while chunk := connection.recv(65536):
                data += chunk
        while data:
            (size,) = struct.unpack(">L", data[:4])
            frames.append(pickle.loads(data[4 : 4 + size]))
            data = data[4 + size :]

    receiver = threading.Thread(target=receive)
    receiver.start()
    handler = logging.handlers.SocketHandler("127.0.0.1", server.getsockname()[1])
    logger = logging.getLogger("net.app")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.info("plain")
    logger.warning("%s took %d ms (%.1f%%)", "/api", 42, 99.5)
    logger.error("extras", extra={"user": "ann", "n": 2**70, "ratio": 0.5, "tags": ["a", "b"]})
    logger.debug("naïve café ☕ 𝄞 %s", "Ж")
    try:
        {}["missing"]
    except KeyError:
        logger.exception("lookup failed")
    logger.info("with stack", stack_info=True)
    handler.close()
    receiver.join()
    volatile = {"created", "msecs", "relativeCreated", "thread", "process", "pathname"}
    for frame in frames:
        print(list(frame))
        for key, value in frame.items():
            if key not in volatile:
                print(f"  {key} = {value!r}")
        print("  restored:", logging.makeLogRecord(frame).getMessage())


@differential(requires=["handlers"])
def test_make_pickle_gives_the_same_bytes_for_the_same_record(logging):
    """makePickle of a record with pinned times is the same hex under both libraries."""
    handler = logging.handlers.SocketHandler("127.0.0.1", 9)
    shared = "the same object twice"
    record = logging.makeLogRecord(
        {
            "name": "pinned",
            "msg": "%s and %r",
            "args": ("text", [1, 2.5]),
            "levelno": 30,
            "levelname": "WARNING",
            "created": 1700000000.125,
            "msecs": 125.0,
            "relativeCreated": 3.5,
            "thread": 1000000000,
            "threadName": "MainThread",
            "process": 5000000,
            "pathname": "/srv/app.py",
            "filename": "app.py",
            "module": "app",
            "a": shared,
            "b": shared,
            "big": -(2**90),
            "raw": b"\x00\x01",
            "message": "dropped",
        }
    )
    print(handler.makePickle(record).hex())


@differential(requires=["handlers"])
def test_socket_handler_backs_off_while_the_receiver_is_down(logging):
    """With nothing listening, records are dropped silently and retries back off exponentially."""
    import socket
    import time

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    now = [1000.0]
    time.time = lambda: now[0]
    handler = logging.handlers.SocketHandler("127.0.0.1", port)
    handler.retryMax = 5.0
    logger = logging.getLogger("down")
    logger.addHandler(handler)
    for step in (0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 5.0):
        now[0] += step
        logger.warning("nobody listens")
        print(handler.sock, handler.retryTime, getattr(handler, "retryPeriod", None))
    print(handler.retryStart, handler.retryFactor, handler.retryMax, handler.closeOnError)
    print(handler.host, handler.port == port, handler.address == ("127.0.0.1", port))


@differential(requires=["handlers"])
def test_socket_handler_reconnects_after_the_receiver_closes(logging):
    """After the receiver drops the connection, later records arrive on a new one."""
    import pickle
    import socket
    import struct
    import threading
    import time

    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(10)
    first_read = threading.Event()
    messages = []

    def read_frames(connection):
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
        while data:
            (size,) = struct.unpack(">L", data[:4])
            messages.append(pickle.loads(data[4 : 4 + size])["msg"])
            data = data[4 + size :]

    def receive():
        connection, _ = server.accept()
        connection.recv(4)
        connection.close()
        first_read.set()
        connection, _ = server.accept()
        with connection:
            read_frames(connection)

    receiver = threading.Thread(target=receive)
    receiver.start()
    handler = logging.handlers.SocketHandler("127.0.0.1", server.getsockname()[1])
    logger = logging.getLogger("reconnect")
    logger.addHandler(handler)
    logger.warning("cut off")
    first_read.wait(10)
    noticed = False
    for attempt in range(200):
        logger.warning("attempt %d", attempt)
        if handler.sock is None:
            noticed = True
            break
        time.sleep(0.01)
    logger.warning("after the reconnect")
    handler.close()
    receiver.join()
    print("noticed the lost connection:", noticed)
    print("last record arrived:", messages[-1:])


@differential(requires=["handlers"])
def test_socket_handler_speaks_to_a_unix_stream_socket(logging):
    """port=None sends to the Unix stream socket at the path in host."""
    import os
    import pickle
    import socket
    import struct
    import tempfile
    import threading

    path = os.path.join(tempfile.mkdtemp(), "log.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen()
    server.settimeout(10)
    frames = []

    def receive():
        connection, _ = server.accept()
        data = b""
        with connection:
            while chunk := connection.recv(65536):
                data += chunk
        while data:
            (size,) = struct.unpack(">L", data[:4])
            frames.append(pickle.loads(data[4 : 4 + size]))
            data = data[4 + size :]

    receiver = threading.Thread(target=receive)
    receiver.start()
    handler = logging.handlers.SocketHandler(path, None)
    print(handler.address == path, handler.port)
    logger = logging.getLogger("unix")
    logger.addHandler(handler)
    logger.error("over %s", "AF_UNIX")
    print(handler.sock.family == socket.AF_UNIX, handler.sock.gettimeout())
    handler.close()
    receiver.join()
    print([(frame["name"], frame["msg"], frame["levelname"]) for frame in frames])
    os.unlink(path)


@differential(requires=["handlers"])
def test_datagram_handler_sends_one_record_per_udp_datagram(logging):
    """Each record is one UDP datagram holding the length-prefixed pickle."""
    import pickle
    import socket
    import struct

    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(10)
    handler = logging.handlers.DatagramHandler("127.0.0.1", receiver.getsockname()[1])
    logger = logging.getLogger("udp")
    logger.addHandler(handler)
    logger.warning("first %d", 1)
    logger.error("second", extra={"k": ("v", 2)})
    print(handler.sock.type == socket.SOCK_DGRAM, handler.closeOnError)
    for _ in range(2):
        datagram = receiver.recv(65536)
        (size,) = struct.unpack(">L", datagram[:4])
        print(size == len(datagram) - 4)
        record = logging.makeLogRecord(pickle.loads(datagram[4:]))
        print(record.name, record.levelname, record.getMessage(), getattr(record, "k", None))
    handler.close()
    print(handler.sock)


@differential(requires=["handlers"])
def test_datagram_handler_sends_to_a_unix_datagram_socket(logging):
    """port=None sends datagrams to the Unix datagram socket at the path in host."""
    import os
    import pickle
    import socket
    import tempfile

    path = os.path.join(tempfile.mkdtemp(), "log.dgram")
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(path)
    receiver.settimeout(10)
    handler = logging.handlers.DatagramHandler(path, None)
    logger = logging.getLogger("unix.dgram")
    logger.addHandler(handler)
    logger.critical("to a path")
    datagram = receiver.recv(65536)
    print(pickle.loads(datagram[4:])["msg"], handler.sock.family == socket.AF_UNIX)
    handler.close()
    os.unlink(path)


@differential(requires=["handlers"])
def test_datagram_handler_reports_a_send_error(logging):
    """A datagram send that fails goes to handleError, which prints the standard report."""
    import os
    import tempfile

    path = os.path.join(tempfile.mkdtemp(), "nobody.dgram")
    handler = logging.handlers.DatagramHandler(path, None)
    logger = logging.getLogger("unix.dgram.missing")
    logger.addHandler(handler)
    logger.warning("no receiver")
    print("sock kept:", handler.sock is not None)


@differential(requires=["handlers"])
def test_subclasses_replace_make_pickle_and_make_socket(logging):
    """Overridden makePickle, makeSocket, send and handleError are called at the standard points."""
    import socket

    class Recording(logging.handlers.SocketHandler):
        def makeSocket(self, timeout=1):
            print("makeSocket", timeout)
            left, right = socket.socketpair()
            self.peer = right
            return left

        def makePickle(self, record):
            return f"{record.levelname}:{record.getMessage()}\n".encode()

    handler = Recording("example.invalid", 1)
    logger = logging.getLogger("subclass")
    logger.addHandler(handler)
    logger.warning("custom %s", "frame")
    logger.error("second")
    print(handler.peer.recv(100))

    class Failing(logging.handlers.SocketHandler):
        def send(self, s):
            print("send", s[:4] == len(s[4:]).to_bytes(4, "big"))
            raise OSError("wire cut")

        def handleError(self, record):
            print("handleError", record.getMessage())
            super().handleError(record)

    failing = Failing("127.0.0.1", 9)
    failing.closeOnError = True
    failing.sock = handler.sock
    logger.addHandler(failing)
    logger.removeHandler(handler)
    logger.warning("to the failing one")
    print("closed on error:", failing.sock, handler.sock.fileno())
    logger.warning("reported now")
    handler.close()
    handler.peer.close()


@differential(requires=["handlers"])
def test_close_takes_the_lock_as_the_running_python_does(logging):
    """close() closes the socket under the handler's lock (through acquire and release on 3.11)."""
    import socket

    class Watched(logging.handlers.SocketHandler):
        def acquire(self):
            print("acquire")
            super().acquire()

        def release(self):
            print("release")
            super().release()

    handler = Watched("127.0.0.1", 9)
    handler.sock, peer = socket.socketpair()
    sock = handler.sock
    handler.close()
    print(handler.sock, sock.fileno())
    handler.close()
    peer.close()


@differential(requires=["handlers"])
def test_a_record_that_cannot_be_pickled_is_reported(logging):
    """A message whose arguments do not fit, or an unpicklable extra, gets the standard report."""
    import socket

    handler = logging.handlers.SocketHandler("127.0.0.1", 9)
    handler.sock, peer = socket.socketpair()
    logger = logging.getLogger("unpicklable")
    logger.addHandler(handler)
    logger.warning("%d items", "many")
    logger.warning("with a lock", extra={"lock": socket.socket()})
    handler.closeOnError = True
    logger.warning("%d items", "again")
    print(handler.sock)
    peer.close()


@differential(requires=["handlers"])
def test_socket_handler_connects_over_ipv6_loopback(logging):
    """A host of ::1 connects over IPv6; DatagramHandler stays AF_INET and reports the error."""
    import pickle
    import socket
    import struct
    import threading

    server = socket.create_server(("::1", 0), family=socket.AF_INET6)
    server.settimeout(10)
    port = server.getsockname()[1]
    frames = []

    def receive():
        connection, _ = server.accept()
        with connection:
            header = connection.recv(4, socket.MSG_WAITALL)
            (size,) = struct.unpack(">L", header)
            frames.append(pickle.loads(connection.recv(size, socket.MSG_WAITALL))["msg"])

    receiver = threading.Thread(target=receive)
    receiver.start()
    handler = logging.handlers.SocketHandler("::1", port)
    logger = logging.getLogger("ipv6")
    logger.addHandler(handler)
    logger.warning("over %s", "IPv6")
    print(handler.sock.family == socket.AF_INET6)
    receiver.join()
    handler.close()
    print(frames)
    datagrams = logging.handlers.DatagramHandler("::1", port)
    logger.addHandler(datagrams)
    logger.removeHandler(handler)
    logger.warning("not over UDP")
    datagrams.close()
