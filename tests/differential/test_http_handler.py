"""`HTTPHandler` and `NTEventLogHandler` of `logging.handlers`.

The HTTP programs run a `ThreadingHTTPServer` on loopback that records each
request (method, path, headers, body) and print what it got; the values that
depend on the clock, the process or the program's directory are left out,
and `urlencode` of the parsed pairs is compared with what arrived, which
shows the encoding is the standard one.
"""

# The names the server prelude defines (`host`, `requests`, `show`, `server`,
# `Recorder`) are unknown to the linter.
# ruff: noqa: F821

from ._harness import differential

# The HTTP programs start with this server and `show`, which prints one request.
_SERVER = """
import http.server
import threading
import urllib.parse

requests = []


class Recorder(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):
        self.record()

    def do_POST(self):
        self.record()

    def do_PUT(self):
        self.record()

    def record(self):
        length = int(self.headers.get("Content-length") or 0)
        body = self.rfile.read(length).decode("ascii")
        requests.append((self.command, self.path, list(self.headers.items()), body))
        self.send_response(self.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
threading.Thread(target=server.serve_forever, daemon=True).start()
host = f"127.0.0.1:{server.server_address[1]}"
VOLATILE = {"created", "msecs", "relativeCreated", "thread", "process", "pathname"}


def show(request):
    method, path, headers, body = request
    path, _, query = path.partition("?")
    data = query if method == "GET" else body
    print(method, path)
    for name, value in headers:
        if name == "Host" and value == host:
            value = "<the server's host:port>"
        elif name == "Content-length":
            value = int(value) == len(body)
        print(f"  {name}: {value}")
    pairs = urllib.parse.parse_qsl(data, keep_blank_values=True)
    print("  keys:", [key for key, _ in pairs])
    for key, value in pairs:
        if key not in VOLATILE:
            print(f"  {key} = {value}")
    print("  encoded as urlencode does:", urllib.parse.urlencode(pairs) == data)
"""


def http_program(function=None, **options):
    """A differential program that starts with the recording server."""
    return differential(function, requires=["handlers"], prelude=_SERVER, **options)


@http_program
def test_get_sends_the_record_dict_in_the_query_string(logging):
    """A GET carries the record's whole dict in the query, after a '?' or an '&'."""
    logger = logging.getLogger("web.get")
    logger.addHandler(logging.handlers.HTTPHandler(host, "/log"))
    logger.addHandler(logging.handlers.HTTPHandler(host, "/log?app=shop", method="get"))
    logger.warning("%s took %d ms", "/api cart&pay", 42, extra={"user": "café ☕ 𝄞"})
    for request in requests:
        show(request)
    server.shutdown()


@http_program
def test_post_sends_the_record_dict_as_a_form_body(logging):
    """A POST carries the dict as a form-encoded body with Content-type and Content-length."""
    handler = logging.handlers.HTTPHandler(host, "/ingest?v=1", method="post")
    logger = logging.getLogger("web.post")
    logger.addHandler(handler)
    logger.error("plain %r", {"k": [1, 2]})
    try:
        int("twelve")
    except ValueError:
        logger.exception("with exc_info")
    for request in requests:
        show(request)
    print(handler.host == host, handler.url, handler.method, handler.secure)
    print(handler.credentials, handler.context, handler.formatter, handler.level)
    server.shutdown()


@http_program
def test_credentials_are_sent_as_basic_authorization(logging):
    """Credentials become an 'Authorization: Basic' header, UTF-8 before base64, on GET and POST."""
    logger = logging.getLogger("web.auth")
    for method in ("GET", "POST"):
        handler = logging.handlers.HTTPHandler(
            host,
            "/auth",
            method=method,
            credentials=("ann", "pa:ss wörd"),
        )
        logger.addHandler(handler)
    logger.warning("secret")
    for _, _, headers, _ in requests:
        print(dict(headers)["Authorization"])
    handler.credentials = ("ann", "b", "c")
    logger.removeHandler(logger.handlers[0])
    logger.warning("credentials of the wrong shape are reported")
    print(len(requests))
    server.shutdown()


@http_program
def test_a_subclass_chooses_what_is_sent_with_map_log_record(logging):
    """mapLogRecord's dict (or pairs) is what is sent, in its order, encoded by urlencode."""

    class Summary(logging.handlers.HTTPHandler):
        def mapLogRecord(self, record):
            return {
                "level": record.levelname,
                "text": record.getMessage(),
                "ratio": 0.5,
                "tags": ["a", "b"],
                "none": None,
                "odd": "a+b=c & d/é?#",
            }

    class Pairs(logging.handlers.HTTPHandler):
        def mapLogRecord(self, record):
            return [("n", record.levelno), ("n", 2), ("m", b"x y")]

    logger = logging.getLogger("web.map")
    logger.addHandler(Summary(host, "/summary"))
    logger.addHandler(Pairs(host, "/pairs", method="POST"))
    logger.info("ignored: below WARNING")
    logger.warning("disk %d%% full", 93)
    for method, path, _, body in requests:
        print(method, path, repr(body))
    server.shutdown()


@http_program
def test_a_subclass_supplies_the_connection_with_get_connection(logging):
    """getConnection gets the handler's host and secure flag; emit drives what it returns."""
    import http.client

    class Proxied(logging.handlers.HTTPHandler):
        def getConnection(self, host, secure):
            print("getConnection", host, secure)
            return http.client.HTTPConnection(host_of_the_proxy)

    host_of_the_proxy = host
    logger = logging.getLogger("web.proxy")
    logger.addHandler(Proxied("logs.invalid:8080", "http://logs.invalid:8080/log", "POST"))
    logger.warning("through the proxy")
    for request in requests:
        show(request)
    server.shutdown()


@http_program
def test_an_error_status_is_not_an_error(logging):
    """A server answering 500 (or 404) is not reported: the answer is never looked at."""
    Recorder.status = 500
    logger = logging.getLogger("web.500")
    logger.addHandler(logging.handlers.HTTPHandler(host, "/broken", method="POST"))
    logger.warning("first")
    Recorder.status = 404
    logger.warning("second")
    logger.handlers[0].method = "PUT"
    logger.warning("PUT, set after the constructor: sent with neither query nor body")
    for method, path, headers, body in requests:
        print(method, path, [name for name, _ in headers], repr(body[:5]))
    server.shutdown()


@differential(requires=["handlers"])
def test_a_refused_connection_is_reported_the_standard_way(logging):
    """With nothing listening, each record gets the '--- Logging error ---' report."""
    import socket
    import sys

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    logger = logging.getLogger("web.down")
    logger.addHandler(logging.handlers.HTTPHandler(f"127.0.0.1:{port}", "/log"))
    logger.warning("nobody listens on %s", "loopback")
    sys.stderr.flush()
    logging.raiseExceptions = False
    logger.warning("silently dropped")
    print("done")


@differential(requires=["handlers"])
def test_the_constructor_checks_method_and_context(logging):
    """Only GET or POST, in any case; a context needs secure; getConnection picks the class."""
    import ssl

    for arguments in (
        {"method": "PUT"},
        {"method": "post", "context": ssl.create_default_context()},
        {"method": None},
        {"method": "GET", "secure": 0, "context": ssl.create_default_context()},
    ):
        try:
            logging.handlers.HTTPHandler("example.invalid", "/", **arguments)
        except (ValueError, AttributeError) as error:
            print(type(error).__name__, error)
    context = ssl.create_default_context()
    handler = logging.handlers.HTTPHandler("h.invalid:8443", "/", secure=True, context=context)
    print(handler.context is context, handler.method, handler.secure)
    for secure in (False, True):
        connection = handler.getConnection("h.invalid:8443", secure)
        kind = type(connection)
        print(kind.__module__, kind.__name__, connection.host, connection.port)
    print(isinstance(handler, logging.Handler), type(handler).__mro__[1].__name__)


@differential(requires=["handlers"])
def test_secure_sends_over_tls_with_the_given_context(logging):
    """secure=True talks HTTPS with the context's trust; an untrusted server is reported."""
    import http.server
    import os
    import ssl
    import subprocess
    import tempfile
    import threading

    paths = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            paths.append((self.path.split("?")[0], "msg=over+TLS" in self.path))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    with tempfile.TemporaryDirectory() as folder:
        key, certificate = os.path.join(folder, "key.pem"), os.path.join(folder, "cert.pem")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True,
        )  # fmt: skip
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(certificate, key)
        server.socket = server_context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        host = f"127.0.0.1:{server.server_address[1]}"
        trusting = ssl.create_default_context(cafile=certificate)
        logger = logging.getLogger("web.tls")
        handler = logging.handlers.HTTPHandler(host, "/tls", secure=True, context=trusting)
        logger.addHandler(handler)
        logger.warning("over TLS")
        print(paths)
        handler.context = ssl.create_default_context(cafile=None, capath=folder)
        logger.warning("refused by the client")
        print(paths)
        server.shutdown()


@differential(requires=["handlers"])
def test_nt_event_log_handler_without_pywin32_prints_a_notice_and_drops_records(logging):
    """Off Windows the constructor prints the pywin32 notice; emit then does nothing."""
    handler = logging.handlers.NTEventLogHandler("app", dllname="app.dll", logtype="System")
    print(handler._welu, hasattr(handler, "appname"), hasattr(handler, "typemap"))
    print(handler.getMessageID(None), handler.getEventCategory(None))
    logger = logging.getLogger("nt")
    logger.addHandler(handler)
    logger.error("dropped")
    try:
        handler.getEventType(logging.makeLogRecord({}))
    except AttributeError as error:
        print(type(error).__name__, error)
    handler.close()
    logging.handlers.NTEventLogHandler("second")
    print(isinstance(handler, logging.Handler), type(handler).__mro__[1].__name__)


@differential(requires=["handlers"])
def test_nt_event_log_handler_reports_through_pywin32_when_it_is_there(logging):
    """With (stand-in) pywin32 modules: registry source, dll path, type map, ReportEvent calls."""
    import sys
    import types

    calls = []

    class WindowsError(Exception):
        def __init__(self, winerror):
            super().__init__(f"winerror {winerror}")
            self.winerror = winerror

    refusal = [WindowsError(5)]

    def add_source(appname, dllname, logtype):
        calls.append(("AddSourceToRegistry", appname, dllname, logtype))
        if refusal:
            raise refusal.pop()

    def report_event(*arguments):
        calls.append(("ReportEvent", *arguments))
        if arguments[2] == 7:
            raise OSError("event log full")

    evtlog = types.ModuleType("win32evtlog")
    evtlog.EVENTLOG_ERROR_TYPE = 1
    evtlog.EVENTLOG_WARNING_TYPE = 2
    evtlog.EVENTLOG_INFORMATION_TYPE = 4
    util = types.ModuleType("win32evtlogutil")
    util.__file__ = "/site-packages/win32/lib/win32evtlogutil.py"
    util.AddSourceToRegistry = add_source
    util.ReportEvent = report_event
    sys.modules.update(win32evtlog=evtlog, win32evtlogutil=util)

    handler = logging.handlers.NTEventLogHandler("shop")
    print(handler.appname, handler.dllname, handler.logtype, handler._welu is util)
    print(handler.typemap, handler.deftype)
    logger = logging.getLogger("nt.win")
    logger.addHandler(handler)
    handler.setFormatter(logging.Formatter("%(levelname)s:%(message)s"))
    logger.warning("disk %d%% full", 93)
    logger.log(35, "a level of its own")

    class Categorised(logging.handlers.NTEventLogHandler):
        def getEventCategory(self, record):
            return record.levelno // 5

    refusal.append(WindowsError(1314))
    try:
        Categorised("other", dllname="C:\\app\\messages.dll", logtype="System")
    except WindowsError as error:
        print("raised:", error)
    categorised = Categorised("other", dllname="C:\\app\\messages.dll", logtype="System")
    logger.removeHandler(handler)
    logger.addHandler(categorised)
    logger.error("categorised")
    logger.log(35, "category 7 fails and is reported")
    logger.critical("after the failure")
    for call in calls:
        print(call)
