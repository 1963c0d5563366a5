"""`HTTPHandler` with batched sending: records POSTed by a Rust worker as
newline-delimited JSON, optionally gzip-compressed, over one kept HTTP/1.1
connection, to a threaded `http.server` on 127.0.0.1 that records each
request (its connection, head and decoded body) and answers as the test
says. Every test checks what arrived against what was logged and counted.
"""

import gzip
import http.server
import json
import logging
import logging.handlers
import os
import ssl
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse

import femtologging
import femtologging.handlers
import pytest
from conftest import make_certificates

# How long a test waits for something that should happen at once.
PATIENCE = 10.0


class Recorder(http.server.BaseHTTPRequestHandler):
    # Keeps connections open between requests unless told otherwise.
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        body = gzip.decompress(raw) if self.headers.get("Content-Encoding") == "gzip" else raw
        # Recorded before the answer, so that a client that has its answer
        # finds its request here.
        with server.lock:
            status = server.statuses.pop(0) if server.statuses else 200
            server.requests.append(
                {
                    "connection": self.client_address,
                    "path": self.path,
                    "headers": dict(self.headers.items()),
                    "raw": raw,
                    "lines": body.decode("utf-8").splitlines(),
                    "status": status,
                }
            )
        server.gate.wait()
        self.send_response(status)
        self.send_header("Content-Length", "0")
        if server.closing == "announced":
            self.send_header("Connection", "close")
        self.end_headers()
        if server.closing is not None:
            self.close_connection = True

    # The standard handler's default GET, for the comparison test.
    do_GET = do_POST

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def reset(self):
        self.lock = threading.Lock()
        self.requests = []
        # Statuses for the next requests, then 200.
        self.statuses = []
        # None: keep connections; "announced": Connection: close; "silent":
        # close without saying so.
        self.closing = None
        self.gate = threading.Event()
        self.gate.set()

    @property
    def host(self):
        return f"127.0.0.1:{self.server_address[1]}"

    def delivered(self):
        """The records of the requests answered 2xx, decoded, in order."""
        with self.lock:
            requests = [request for request in self.requests if request["status"] < 300]
        return [json.loads(line) for request in requests for line in request["lines"]]

    def wait_for(self, count):
        deadline = time.monotonic() + PATIENCE
        while len(self.delivered()) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.delivered()

    def connections(self):
        with self.lock:
            return {request["connection"] for request in self.requests}


def _start(server):
    server.reset()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="module")
def module_server():
    server = _start(Server(("127.0.0.1", 0), Recorder))
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def server(module_server):
    module_server.reset()
    return module_server


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("http-tls")
    make_certificates(directory)
    certificate, key = directory / "leaf.pem", directory / "leaf.key"
    server = Server(("127.0.0.1", 0), Recorder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    _start(server)
    server.ca = str(directory / "ca.pem")
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def logger():
    logger = femtologging.getLogger("http.batch")
    logger.setLevel(femtologging.DEBUG)
    logger.propagate = False
    added = []
    original = logger.addHandler

    def add(handler):
        added.append(handler)
        original(handler)

    logger.addHandler = add
    yield logger
    del logger.addHandler
    for handler in added:
        logger.removeHandler(handler)
        handler.close()


def _handler(server, **options):
    options.setdefault("method", "POST")
    return femtologging.handlers.HTTPHandler(server.host, "/log?app=test", **options)


def _messages(records):
    return [record["msg"] % tuple(record["args"]) for record in records]


def test_records_arrive_as_json_lines_over_one_kept_connection(server, logger):
    """25 records, at most 10 a request, all on one connection, each line
    the record's dict with the standard handler's keys."""
    handler = _handler(server, batch=10, batch_interval=3600)
    logger.addHandler(handler)
    for index in range(25):
        logger.info("record %d of %s", index, "many", extra={"user": "ann"})
    assert handler.flush() is True
    records = server.delivered()
    assert _messages(records) == [f"record {index} of many" for index in range(25)]
    with server.lock:
        requests = list(server.requests)
    assert all(len(request["lines"]) <= 10 for request in requests)
    assert len(server.connections()) == 1
    headers = requests[0]["headers"]
    assert requests[0]["path"] == "/log?app=test"
    assert headers["Content-Type"] == "application/x-ndjson"
    assert headers["Host"] == server.host
    assert "Content-Encoding" not in headers
    first = records[0]
    assert first["name"] == "http.batch"
    assert first["levelname"] == "INFO"
    assert first["args"] == [0, "many"]
    assert first["user"] == "ann"
    assert handler.stats()["written"] == 25


def test_each_line_has_the_keys_the_standard_handler_sends(server):
    """The same record through the standard HTTPHandler (form-encoded) and
    ours (JSON): the same keys, and the same values where they are text."""
    record = logging.makeLogRecord(
        {"name": "same", "msg": "value %s", "args": ("x",), "levelno": 30, "levelname": "WARNING"}
    )
    standard = logging.handlers.HTTPHandler(server.host, "/log", method="POST")
    standard.handle(record)
    ours = _handler(server, batch=1)
    ours.handle(record)
    ours.close()
    with server.lock:
        form, lines = server.requests[0], server.requests[1]["lines"]
    pairs = dict(urllib.parse.parse_qsl(form["raw"].decode("ascii"), keep_blank_values=True))
    sent = json.loads(lines[0])
    assert list(sent) == list(pairs)
    for key in ("name", "msg", "levelname", "pathname", "funcName"):
        assert str(sent[key]) == pairs[key]


def test_a_full_batch_is_sent_without_waiting_and_a_partial_one_after_the_interval(server, logger):
    handler = _handler(server, batch=5, batch_interval=3600)
    logger.addHandler(handler)
    for index in range(5):
        logger.info("full %d", index)
    records = server.wait_for(5)
    assert _messages(records) == [f"full {index}" for index in range(5)]
    with server.lock:
        assert [len(request["lines"]) for request in server.requests] == [5]

    logger.removeHandler(handler)
    timed = _handler(server, batch=100, batch_interval=0.05)
    logger.addHandler(timed)
    logger.warning("alone")
    # Neither flushed nor closed: only the interval sends it.
    records = server.wait_for(6)
    assert _messages(records)[-1] == "alone"


def test_partial_batches_are_sent_on_flush_and_on_close(server, logger):
    handler = _handler(server, batch=100, batch_interval=3600)
    logger.addHandler(handler)
    for index in range(3):
        logger.info("before flush %d", index)
    assert server.delivered() == []
    assert handler.flush() is True
    assert len(server.delivered()) == 3
    logger.info("before close")
    handler.close()
    assert _messages(server.delivered())[-1] == "before close"
    with server.lock:
        assert [len(request["lines"]) for request in server.requests] == [3, 1]


def test_gzip_bodies_decode_to_the_lines(server, logger):
    handler = _handler(server, batch=50, compress="gzip")
    logger.addHandler(handler)
    for index in range(50):
        logger.info("compressed %d", index)
    handler.flush()
    with server.lock:
        request = server.requests[0]
    assert request["headers"]["Content-Encoding"] == "gzip"
    assert request["raw"][:2] == b"\x1f\x8b"
    assert len(request["raw"]) < sum(len(line) for line in request["lines"])
    assert _messages(server.delivered()) == [f"compressed {index}" for index in range(50)]


@pytest.mark.parametrize("closing", ["announced", "silent"])
def test_a_server_that_closes_between_requests_gets_every_record(server, logger, closing):
    server.closing = closing
    handler = _handler(server, batch=2)
    logger.addHandler(handler)
    for index in range(4):
        logger.info("closed %d", index)
        assert handler.flush() is True
    assert _messages(server.delivered()) == [f"closed {index}" for index in range(4)]
    assert len(server.connections()) == 4
    assert handler.stats()["failed"] == 0


def test_keepalive_alone_sends_one_record_per_request_on_one_connection(server, logger):
    handler = _handler(server, keepalive=True)
    logger.addHandler(handler)
    for index in range(3):
        logger.info("kept %d", index)
        handler.flush()
    with server.lock:
        assert [len(request["lines"]) for request in server.requests] == [1, 1, 1]
    assert len(server.connections()) == 1


def test_without_keepalive_each_request_asks_for_its_connection_to_close(server, logger):
    handler = _handler(server, batch=5, keepalive=False)
    logger.addHandler(handler)
    for index in range(2):
        logger.info("closing %d", index)
        assert handler.flush() is True
    with server.lock:
        assert [request["headers"]["Connection"] for request in server.requests] == ["close"] * 2
    assert len(server.connections()) == 2
    assert _messages(server.delivered()) == ["closing 0", "closing 1"]


def test_server_errors_are_retried_until_the_batch_is_taken(server, logger, capfd):
    server.statuses = [500, 503]
    handler = _handler(server, batch=10)
    logger.addHandler(handler)
    for index in range(5):
        logger.info("retried %d", index)
    assert handler.flush() is True
    assert _messages(server.delivered()) == [f"retried {index}" for index in range(5)]
    with server.lock:
        assert [request["status"] for request in server.requests] == [500, 503, 200]
    stats = handler.stats()
    assert (stats["written"], stats["failed"], stats["write_errors"]) == (5, 0, 2)
    assert "HTTP 500" in capfd.readouterr().err


def test_an_answer_that_retrying_cannot_change_drops_the_batch_and_counts_it(server, logger, capfd):
    server.statuses = [400]
    handler = _handler(server, batch=10)
    logger.addHandler(handler)
    for index in range(4):
        logger.info("refused %d", index)
    assert handler.flush() is False
    logger.info("after")
    assert handler.flush() is True
    stats = handler.stats()
    assert len(server.delivered()) + stats["failed"] == 5
    assert stats["failed"] == 4
    assert _messages(server.delivered()) == ["after"]
    assert "HTTP 400" in capfd.readouterr().err


def test_received_and_counted_drops_add_up_to_every_record(server, logger):
    """The server stalls; a small queue under "drop" refuses records, and
    every one of them is counted."""
    server.gate.clear()
    handler = _handler(server, batch=4, capacity=8, policy="drop")
    logger.addHandler(handler)
    for index in range(100):
        logger.info("burst %d", index)
    server.gate.set()
    handler.close()
    stats = handler.stats()
    assert stats["dropped"] > 0
    assert len(server.delivered()) + stats["dropped"] == 100
    assert stats["written"] == len(server.delivered())


def test_records_for_a_server_that_is_down_are_counted_when_the_handler_closes(logger, capfd):
    with socket_nobody_listens_on() as port:
        handler = femtologging.handlers.HTTPHandler(
            f"127.0.0.1:{port}", "/log", method="POST", batch=10
        )
        logger.addHandler(handler)
        for index in range(3):
            logger.info("lost %d", index)
        handler.close()
    assert handler.stats()["failed"] == 3
    assert "cannot connect" in capfd.readouterr().err


class socket_nobody_listens_on:
    """A port that was just free on 127.0.0.1."""

    def __enter__(self):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def __exit__(self, *exc_info):
        return False


def test_https_with_a_trusted_ca_delivers_the_records(tls_server, logger):
    tls_server.reset()
    handler = _handler(tls_server, batch=10, secure=True, cafile=tls_server.ca)
    logger.addHandler(handler)
    for index in range(5):
        logger.info("secret %d", index)
    assert handler.flush() is True
    assert _messages(tls_server.delivered()) == [f"secret {index}" for index in range(5)]
    assert len(tls_server.connections()) == 1


def test_https_with_an_unknown_ca_sends_nothing_and_counts_the_records(tls_server, logger, capfd):
    tls_server.reset()
    handler = _handler(tls_server, batch=10, secure=True)
    logger.addHandler(handler)
    logger.info("never in the clear")
    handler.close()
    assert tls_server.delivered() == []
    assert handler.stats()["failed"] == 1
    assert "handshake" in capfd.readouterr().err


def test_credentials_are_sent_as_the_standard_handler_sends_them(server):
    ours = _handler(server, batch=1, credentials=("ann", "s3cret"))
    ours.handle(logging.makeLogRecord({"msg": "with auth"}))
    ours.close()
    with server.lock:
        assert server.requests[0]["headers"]["Authorization"] == "Basic YW5uOnMzY3JldA=="


def test_records_still_queued_at_exit_are_sent(server, tmp_path):
    program = textwrap.dedent(
        f"""
        import femtologging
        import femtologging.handlers

        handler = femtologging.handlers.HTTPHandler(
            {server.host!r}, "/log", method="POST", batch=1000, batch_interval=3600
        )
        logger = femtologging.getLogger("exit")
        logger.addHandler(handler)
        for index in range(20):
            logger.warning("at exit %d", index)
        """
    )
    subprocess.run([sys.executable, "-c", program], check=True, timeout=60, env=os.environ)
    assert _messages(server.delivered()) == [f"at exit {index}" for index in range(20)]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_sends_its_own_records(server):
    program = textwrap.dedent(
        f"""
        import os
        import femtologging
        import femtologging.handlers

        handler = femtologging.handlers.HTTPHandler(
            {server.host!r}, "/log", method="POST", batch=1000, batch_interval=3600
        )
        logger = femtologging.getLogger("fork")
        logger.addHandler(handler)
        logger.warning("parent before")
        pid = os.fork()
        if pid == 0:
            logger.warning("child")
        else:
            os.waitpid(pid, 0)
            logger.warning("parent after")
        """
    )
    subprocess.run([sys.executable, "-c", program], check=True, timeout=60, env=os.environ)
    messages = _messages(server.delivered())
    # The parent's queued record is sent once, by the parent, before the fork.
    assert sorted(messages) == ["child", "parent after", "parent before"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"method": "GET", "batch": 10}, "POST"),
        ({"batch": 10, "secure": True, "context": ssl.create_default_context()}, "context"),
        ({"capacity": 10}, "only apply"),
        ({"compress": "br"}, "gzip"),
        ({"batch": 0}, "at least 1"),
        ({"batch_interval": 0}, "above zero"),
        ({"batch": 1, "cafile": "ca.pem"}, "secure"),
    ],
)
def test_settings_that_cannot_work_are_refused(options, message):
    options.setdefault("method", "POST")
    with pytest.raises(ValueError, match=message):
        femtologging.handlers.HTTPHandler("127.0.0.1:9", "/log", **options)


def test_without_options_the_handler_is_the_standard_one(server):
    handler = femtologging.handlers.HTTPHandler(server.host, "/log")
    assert handler.stats() is None
    assert "_batched" not in vars(handler)
    handler.handle(logging.makeLogRecord({"msg": "plain"}))
    with server.lock:
        request = server.requests[0]
    assert request["path"].startswith("/log?")
    assert "msg=plain" in request["path"]
