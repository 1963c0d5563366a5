"""The standard network handlers with `background=True`: the caller queues,
a worker thread sends. Against real receivers on loopback: what arrives,
what a dead or stalled server costs the caller (nothing but counted drops),
and what is delivered once it is back."""

import http.server
import pickle
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse

import femtologging
import femtologging.handlers
import pytest
from femto_socket_receiver import free_port


@pytest.fixture
def logger(request):
    logger = femtologging.getLogger(f"background.{request.node.name}")
    logger.setLevel(femtologging.DEBUG)
    logger.propagate = False
    yield logger
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


class StreamServer:
    """A TCP server that reads every connection to its end, one thread each,
    and keeps the bytes of each; `read=False` accepts and never reads."""

    def __init__(self, port=0, read=True):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(8)
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.read = read
        self.chunks = []
        self.connections = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            self.connections.append(connection)
            if self.read:
                thread = threading.Thread(target=self._read, args=(connection,), daemon=True)
                thread.start()
                self._threads.append(thread)

    def _read(self, connection):
        connection.settimeout(0.05)
        while not self._stop.is_set():
            try:
                data = connection.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.chunks.append(data)

    def received(self):
        with self._lock:
            return b"".join(self.chunks)

    def wait_for(self, predicate, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.received()):
                return True
            time.sleep(0.01)
        return False

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join(5)
        self.listener.close()
        for connection in self.connections:
            connection.close()


def pickled_messages(data):
    """The `msg` of each length-prefixed pickle, as `SocketHandler` frames them."""
    messages = []
    while len(data) >= 4:
        (size,) = struct.unpack(">L", data[:4])
        if len(data) < 4 + size:
            break
        record = femtologging.makeLogRecord(pickle.loads(data[4 : 4 + size]))
        messages.append(record.getMessage())
        data = data[4 + size :]
    return messages


def test_a_background_socket_handler_sends_the_standard_pickles(logger):
    """Every record arrives once, in order, as the standard pickle a
    CPython receiver reads with pickle.loads and makeLogRecord."""
    server = StreamServer()
    try:
        handler = femtologging.handlers.SocketHandler(
            "127.0.0.1", server.port, background=True, policy="block"
        )
        logger.addHandler(handler)
        for number in range(2000):
            logger.info("record %d of %s", number, "background")
        assert handler.flush()
        expected = [f"record {number} of background" for number in range(2000)]
        assert server.wait_for(lambda data: len(pickled_messages(data)) >= 2000)
        assert pickled_messages(server.received()) == expected
        stats = handler.stats()
        assert (stats["written"], stats["dropped"], stats["failed"]) == (2000, 0, 0)
    finally:
        server.stop()


def test_a_background_datagram_handler_sends_one_pickle_per_datagram(logger):
    """DatagramHandler: each record is one datagram holding its pickle."""
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    try:
        port = receiver.getsockname()[1]
        handler = femtologging.handlers.DatagramHandler("127.0.0.1", port, background=True)
        logger.addHandler(handler)
        for number in range(20):
            logger.warning("datagram %d", number)
        assert handler.flush()
        messages = [pickled_messages(receiver.recv(65536))[0] for _ in range(20)]
        assert messages == [f"datagram {number}" for number in range(20)]
    finally:
        receiver.close()


def test_a_background_syslog_handler_over_udp_sends_the_standard_bytes(logger):
    """The same `<PRI>message\\0` datagrams as without background."""
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    try:
        handler = femtologging.handlers.SysLogHandler(
            ("127.0.0.1", receiver.getsockname()[1]), background=True
        )
        logger.addHandler(handler)
        logger.info("first")
        logger.error("second")
        assert handler.flush()
        assert [receiver.recv(4096) for _ in range(2)] == [b"<14>first\x00", b"<11>second\x00"]
    finally:
        receiver.close()


def test_a_dead_tcp_syslog_server_costs_counted_drops_and_gets_the_rest_when_back(logger):
    """Nothing listens: the constructor and the calls return (a TCP
    SysLogHandler without background raises at once), what the queue
    refuses is counted, and what it took arrives once the server is up."""
    port = free_port()
    with pytest.raises(OSError):
        femtologging.handlers.SysLogHandler(("127.0.0.1", port), socktype=socket.SOCK_STREAM)
    handler = femtologging.handlers.SysLogHandler(
        ("127.0.0.1", port),
        socktype=socket.SOCK_STREAM,
        framing="newline",
        background=True,
        capacity=10,
    )
    logger.addHandler(handler)
    for number in range(25):
        logger.info("while down %d", number)
    stats = handler.stats()
    assert stats["accepted"] + stats["dropped"] == 25
    assert stats["dropped"] > 0
    server = StreamServer(port=port)
    try:
        accepted = stats["accepted"]
        assert server.wait_for(lambda data: data.count(b"\n") >= accepted)
        lines = server.received().splitlines()
        numbers = [int(line.rsplit(b" ", 1)[1].rstrip(b"\x00")) for line in lines]
        assert len(numbers) == accepted
        assert numbers == sorted(numbers)
        assert handler.flush()
    finally:
        server.stop()


def test_a_tcp_syslog_server_that_never_reads_costs_only_counted_drops(logger):
    """The server accepts and never reads: the caller goes on, every record
    is either sent, dropped or given up, all counted, and close returns."""
    server = StreamServer(read=False)
    try:
        handler = femtologging.handlers.SysLogHandler(
            ("127.0.0.1", server.port),
            socktype=socket.SOCK_STREAM,
            background=True,
            capacity=64,
        )
        logger.addHandler(handler)
        payload = "p" * 10_000
        for number in range(5000):
            logger.info("%d %s", number, payload)
        logger.removeHandler(handler)
        handler.close()
        stats = handler.stats()
        assert stats["dropped"] > 0
        assert stats["accepted"] + stats["dropped"] == 5000
        assert stats["written"] + stats["failed"] == stats["accepted"]
    finally:
        server.stop()


def test_under_block_a_syslog_server_that_comes_back_gets_every_record(logger):
    """policy="block": the callers wait out the dead server; once it is up,
    every record arrives, once, in order."""
    port = free_port()
    handler = femtologging.handlers.SysLogHandler(
        ("127.0.0.1", port),
        socktype=socket.SOCK_STREAM,
        framing="octet-counting",
        background=True,
        capacity=8,
        policy="block",
    )
    logger.addHandler(handler)
    servers = []
    starter = threading.Timer(0.3, lambda: servers.append(StreamServer(port=port)))
    starter.start()
    try:
        for number in range(100):
            logger.info("record %d", number)
        starter.join()
        assert handler.flush()
        server = servers[0]
        assert server.wait_for(lambda data: data.count(b"record ") >= 100)
        assert octet_counted(server.received()) == [
            f"<14>record {number}\x00".encode() for number in range(100)
        ]
        stats = handler.stats()
        assert (stats["written"], stats["dropped"], stats["failed"]) == (100, 0, 0)
    finally:
        starter.join()
        for server in servers:
            server.stop()


def octet_counted(data):
    """The messages of an RFC 6587 octet-counted stream (`LEN SP MSG`)."""
    messages = []
    while data:
        length, _, rest = data.partition(b" ")
        messages.append(rest[: int(length)])
        data = rest[int(length) :]
    return messages


class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        self.server.records.append((query["msg"][0], query["args"][0]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_background_http_handler_sends_every_record_from_the_worker(logger):
    """HTTPHandler's own emit runs on the worker thread: every record's
    request reaches the server, once."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.records = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        emitters = []

        class Watched(femtologging.handlers.HTTPHandler):
            def emit(self, record):
                emitters.append(threading.current_thread().name)
                super().emit(record)

        handler = Watched(f"127.0.0.1:{server.server_address[1]}", "/log", background=True)
        logger.addHandler(handler)
        for number in range(10):
            logger.info("request %d", number)
        assert handler.flush()
        # The standard body: the record's attributes, `msg` and `args` apart.
        assert sorted(server.records) == sorted(
            ("request %d", f"({number},)") for number in range(10)
        )
        assert len(emitters) == 10
        assert threading.current_thread().name not in emitters
    finally:
        server.shutdown()
        server.server_close()


def test_a_program_that_ends_without_close_sends_what_its_background_handler_holds():
    """Interpreter exit drains a background handler, as it does the femto ones."""
    server = StreamServer()
    try:
        program = f"""
import femtologging, femtologging.handlers
handler = femtologging.handlers.SocketHandler("127.0.0.1", {server.port}, background=True)
logger = femtologging.getLogger("exit")
logger.addHandler(handler)
for number in range(500):
    logger.warning("at exit %d", number)
"""
        subprocess.run([sys.executable, "-c", program], check=True, timeout=60)
        assert server.wait_for(lambda data: len(pickled_messages(data)) >= 500)
        assert pickled_messages(server.received()) == [f"at exit {number}" for number in range(500)]
    finally:
        server.stop()


def test_a_background_smtp_handler_mails_the_message_merged_on_the_caller(logger):
    """SMTPHandler: the worker sends each mail through aiosmtpd; the message
    is the one formatted on the caller, even when an argument changes later."""
    from aiosmtpd.controller import Controller

    class Mailbox:
        def __init__(self):
            self.bodies = []

        async def handle_DATA(self, server, session, envelope):
            self.bodies.append(envelope.original_content.decode())
            return "250 OK"

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        handler = femtologging.handlers.SMTPHandler(
            ("127.0.0.1", controller.port),
            "app@example.com",
            ["ops@example.com"],
            "alert",
            background=True,
            policy="block",
        )
        logger.addHandler(handler)
        items = ["first"]
        logger.error("items: %s", items)
        items.append("added after the call")
        logger.error("second mail")
        assert handler.flush()
        assert len(mailbox.bodies) == 2
        assert "items: ['first']" in mailbox.bodies[0]
        assert "added after the call" not in mailbox.bodies[0]
        assert "second mail" in mailbox.bodies[1]
        assert handler.stats()["dropped"] == 0
    finally:
        controller.stop()
