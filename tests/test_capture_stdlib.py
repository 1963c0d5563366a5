"""`femtologging.capture_stdlib()`: libraries that log through the real
`logging` (here urllib3, under requests, against a local http.server) reach
femtologging's loggers and handlers with their levels, filters and callers."""

import contextlib
import http.server
import logging
import sys
import threading
import unittest

import femtologging
import pytest
import requests


class _Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format, *args):
        """Quiet: the server's own access log would go to stderr."""


@pytest.fixture(scope="module")
def server_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _fields(record):
    return (
        record.name,
        record.levelno,
        record.pathname,
        record.filename,
        record.lineno,
        record.funcName,
        record.getMessage(),
    )


class _Keep(femtologging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(_fields(record))


class _KeepStandard(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(_fields(record))


@contextlib.contextmanager
def _captured():
    femtologging.capture_stdlib()
    try:
        yield
    finally:
        femtologging.capture_stdlib(False)


@contextlib.contextmanager
def _attached(logger, handler, level):
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


def _fetch(url):
    with requests.Session() as session:
        assert session.get(url + "/items").text == "ok"


def test_urllib3_records_arrive_as_the_standard_library_makes_them(server_url):
    """The records urllib3 logs for a request reach a femtologging handler with the
    name, level, file, line, function and message the standard library gives them."""
    with _attached(logging.getLogger("urllib3"), _KeepStandard(), logging.DEBUG) as standard:
        _fetch(server_url)
    assert len(standard.records) == 2
    with _captured():
        with _attached(femtologging.getLogger("urllib3"), _Keep(), logging.DEBUG) as ours:
            _fetch(server_url)
    assert ours.records == standard.records
    assert ours.records[0][0] == "urllib3.connectionpool"
    assert ours.records[0][6].startswith("Starting new HTTP connection (1): 127.0.0.1:")


def test_femtologging_levels_and_filters_decide(server_url):
    """A femtologging logger's level and filters apply to the library's records."""
    keep = _Keep()
    logger = femtologging.getLogger("urllib3")
    with _captured(), _attached(logger, keep, logging.INFO):
        _fetch(server_url)
        assert keep.records == []
        logger.setLevel(logging.DEBUG)

        def only_connections(record):
            return "Starting" in record.getMessage()

        # A logger's filters see the records logged on it, not those propagated to it.
        pool = femtologging.getLogger("urllib3.connectionpool")
        pool.addFilter(only_connections)
        try:
            _fetch(server_url)
        finally:
            pool.removeFilter(only_connections)
    assert [fields[6].split(":")[0] for fields in keep.records] == [
        "Starting new HTTP connection (1)"
    ]


def test_a_femtologging_file_handler_writes_the_library_lines(server_url, tmp_path):
    """The root's FileHandler writes the library's lines in its format (the level set
    on femtologging's `urllib3` logger lets them through), and the standard handlers
    left on the standard loggers do not see them meanwhile."""
    path = tmp_path / "app.log"
    handler = femtologging.FileHandler(str(path))
    handler.setFormatter(femtologging.Formatter("%(name)s %(levelname)s %(funcName)s"))
    standard = _KeepStandard()
    logging.getLogger("urllib3").addHandler(standard)
    root = femtologging.getLogger()
    try:
        with _captured(), _attached(femtologging.getLogger("urllib3"), _Keep(), logging.DEBUG):
            root.addHandler(handler)
            _fetch(server_url)
    finally:
        root.removeHandler(handler)
        logging.getLogger("urllib3").removeHandler(standard)
        handler.close()
    assert path.read_text().splitlines() == [
        "urllib3.connectionpool DEBUG _new_conn",
        "urllib3.connectionpool DEBUG _make_request",
    ]
    assert standard.records == []


def test_undoing_puts_the_standard_loggers_back(server_url):
    """After capture_stdlib(False) the standard loggers log through their own handlers again."""
    keep = _Keep()
    standard = _KeepStandard()
    with _attached(femtologging.getLogger("urllib3"), keep, logging.DEBUG):
        with _captured():
            assert femtologging._stdlib_bridge.capturing_stdlib()
        with _attached(logging.getLogger("urllib3"), standard, logging.DEBUG):
            _fetch(server_url)
    assert keep.records == []
    assert len(standard.records) == 2
    assert logging.getLogger("urllib3").level == logging.NOTSET
    assert "level" not in logging.Logger.__dict__
    assert logging.Logger.info.__module__ == "logging"


def test_the_caller_is_the_line_that_called_the_standard_module():
    """logging.warning(), a standard logger's method and a standard LoggerAdapter
    name this file's lines and this function, as the standard findCaller does."""
    keep = _Keep()
    with _captured(), _attached(femtologging.getLogger(), keep, logging.WARNING):
        first = sys._getframe().f_lineno + 1
        logging.warning("through %s", "the module")
        logging.getLogger("adapted.x").warning("direct")
        logging.LoggerAdapter(logging.getLogger("adapted"), {}).error("adapted")
    function = "test_the_caller_is_the_line_that_called_the_standard_module"
    assert [(fields[0], fields[3], fields[4], fields[5], fields[6]) for fields in keep.records] == [
        ("root", "test_capture_stdlib.py", first, function, "through the module"),
        ("adapted.x", "test_capture_stdlib.py", first + 1, function, "direct"),
        ("adapted", "test_capture_stdlib.py", first + 2, function, "adapted"),
    ]


def test_configuring_a_standard_logger_configures_femtologging():
    """setLevel, addHandler and logging.disable on the standard side act on femtologging's
    loggers, and a standard logger made meanwhile does not reset its femtologging twin."""
    keep = _Keep()
    twin = femtologging.getLogger("made.later")
    twin.setLevel(logging.ERROR)
    try:
        with _captured():
            standard = logging.getLogger("made.later")
            assert standard.level == logging.ERROR
            standard.addHandler(keep)
            assert twin.handlers == [keep]
            standard.setLevel(logging.INFO)
            assert twin.level == logging.INFO
            femtologging.getLogger("made.later").info("from femtologging")
            standard.info("from the standard logger")
            logging.disable(logging.INFO)
            standard.info("disabled")
            assert not twin.isEnabledFor(logging.INFO)
            logging.disable(logging.NOTSET)
            standard.removeHandler(keep)
    finally:
        twin.setLevel(logging.NOTSET)
        twin.handlers = []
    assert [fields[6] for fields in keep.records] == [
        "from femtologging",
        "from the standard logger",
    ]


class AssertLogsSeesFemtologging(unittest.TestCase):
    """unittest's assertLogs, with the routing on, sees records logged through femtologging."""

    def setUp(self):
        femtologging.capture_stdlib()
        self.addCleanup(femtologging.capture_stdlib, False)

    def test_assert_logs_collects_femtologging_records(self):
        """The records of the named logger and its children are collected in assertLogs' format."""
        with self.assertLogs("service", level="INFO") as captured:
            femtologging.getLogger("service").info("started %d", 1)
            femtologging.getLogger("service.db").warning("slow")
            femtologging.getLogger("service").debug("below the level")
        self.assertEqual(captured.output, ["INFO:service:started 1", "WARNING:service.db:slow"])
        self.assertEqual(femtologging.getLogger("service").handlers, [])
        self.assertEqual(femtologging.getLogger("service").level, logging.NOTSET)

    def test_assert_logs_fails_when_nothing_is_logged(self):
        """assertLogs raises AssertionError when femtologging logged nothing there."""
        with self.assertRaises(AssertionError):
            with self.assertLogs("quiet", level="INFO"):
                femtologging.getLogger("quiet").debug("below the level")

    def test_assert_no_logs_fails_on_a_femtologging_record(self):
        """assertNoLogs raises AssertionError on a record logged through femtologging."""
        with self.assertRaises(AssertionError):
            with self.assertNoLogs("loud", level="INFO"):
                femtologging.getLogger("loud").error("oops")
