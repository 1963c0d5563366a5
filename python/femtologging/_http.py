"""`HTTPHandler` and `NTEventLogHandler`.

`HTTPHandler` is a Python class over `http.client`, as the standard one is:
`getConnection` is documented as the place to return another connection (a
proxy's, say), and `emit` drives whatever it returns through
`putrequest`/`putheader`/`endheaders`/`send`/`getresponse`, so the request
has to be built by `http.client`'s own calls for such subclasses to work.
Sending one request per record spends its time on the network, not in Python.
Batched sending, by request, is `_http_batch.py`'s: a Rust worker POSTs JSON
lines over a connection of its own.

`NTEventLogHandler` writes to the Windows event log through pywin32; without
it (on Linux, say) it prints the standard notice and drops every record.
"""

import os

from . import CRITICAL, DEBUG, ERROR, INFO, WARNING, Handler


class HTTPHandler(Handler):
    """Sends each record's attribute dict, URL-encoded, to a web server: in
    the query string of a GET, or as a form-encoded POST body. One
    connection per record; the answer's status is not looked at.

    Beyond the standard library, keyword-only and off by default (a
    receiver sees the difference: other bodies, fewer connections),
    batched sending by a Rust worker thread (`_http_batch.py`):

    - `batch=N`: at most N records per request; the body is
      newline-delimited JSON (`Content-Type: application/x-ndjson`), one
      line per record, the `mapLogRecord` dict as a JSON object (values
      JSON has no type for as their `str()`). Needs `method="POST"`.
    - `batch_interval=S` (1.0): a record waits at most S seconds for its
      batch to fill; `flush()`, `close()` and interpreter exit send at once.
    - `compress="gzip"`: gzip bodies (`Content-Encoding: gzip`).
    - `keepalive=True` (the default once batching): one HTTP/1.1
      connection for every request, made again when the server closes it;
      `keepalive=True` alone sends one record per request over it.
      `keepalive=False` closes the connection after each request.
    - `capacity` (4096) and `policy` ("block", "drop" or "timeout:N"): the
      queue, as on the femto handlers; `timeout` (10.0): seconds to
      connect, write and be answered; `cafile`: a PEM file of CAs to trust
      besides the system's when `secure` (TLS is rustls; `context` cannot
      be used).

    A 2xx answer delivers a batch; a lost connection, 408, 429 and 5xx are
    retried with exponential backoff (given up after two minutes, or at
    close); any other answer gives its records up at once. `stats()` counts
    them all (`written`, `failed`, `dropped`, `write_errors`); a warning
    goes to stderr at most once a second while records are lost. When
    batching, `host` and `url` are read once, at construction, and
    `getConnection` is not called (the connection is the worker's).

    `background=True` (with `capacity` and `policy`) instead keeps the
    standard requests but makes them from a worker thread, which calls
    this class's `emit`; batching already sends from a worker, so the two
    do not go together."""

    # The batched sender, when one was asked for.
    _batched = None

    def __init__(
        self,
        host,
        url,
        method="GET",
        secure=False,
        credentials=None,
        context=None,
        *,
        batch=None,
        batch_interval=None,
        compress=None,
        keepalive=None,
        capacity=None,
        policy=None,
        cafile=None,
        timeout=None,
        background=False,
    ):
        """`host` is `name` or `name:port`, `url` the path requested; `method` is GET or POST;
        `secure` uses HTTPS (with the `ssl.SSLContext` `context`), `credentials` a `(user,
        password)` pair for Basic authorization. The keyword-only options turn on batching, or
        `background=True` a worker that sends one request per record."""
        Handler.__init__(self)
        method = method.upper()
        if method not in ("GET", "POST"):
            raise ValueError("method must be GET or POST")
        if context is not None and not secure:
            raise ValueError("context parameter only makes sense with secure=True")
        self.host = host
        self.url = url
        self.method = method
        self.secure = secure
        self.credentials = credentials
        self.context = context
        from ._http_batch import sender_for

        batched = sender_for(
            host,
            url,
            method,
            secure,
            credentials,
            context,
            {
                "batch": batch,
                "batch_interval": batch_interval,
                "compress": compress,
                "keepalive": keepalive,
                "capacity": None if background else capacity,
                "policy": None if background else policy,
                "cafile": cafile,
                "timeout": timeout,
            },
        )
        if batched is not None:
            if background:
                raise ValueError(
                    "HTTPHandler(background=True) and batching (batch, batch_interval, "
                    "compress, keepalive=True) do not go together: batches are sent "
                    "from a worker already"
                )
            self._batched = batched
        elif background:
            from ._background import run_in_background

            run_in_background(self, capacity, policy)

    def mapLogRecord(self, record):
        """The dict to send: the record's own `__dict__`."""
        return record.__dict__

    def getConnection(self, host, secure):
        """A new `http.client` connection to `host` (`name` or `name:port`),
        HTTPS with `context` when `secure`."""
        # Imported when first needed, as the standard handler does, so that
        # importing `handlers` does not load `http.client`.
        import http.client

        if not secure:
            return http.client.HTTPConnection(host)
        return http.client.HTTPSConnection(host, context=self.context)

    def emit(self, record):
        """Sends the record: queued for the batching worker when batching, else one request as the
        standard handler sends it. An error goes to `handleError`."""
        if self._batched is not None:
            try:
                self._batched.submit(self.mapLogRecord(record))
            except Exception:
                self.handleError(record)
            return
        import urllib.parse

        try:
            connection = self.getConnection(self.host, self.secure)
            target = self.url
            data = urllib.parse.urlencode(self.mapLogRecord(record))
            # `method` is compared as it is now: one assigned after the
            # constructor (lower case, or neither GET nor POST) is sent as it
            # is, with neither a query nor a body.
            if self.method == "GET":
                target = target + ("&" if target.find("?") >= 0 else "?") + data
            # `putrequest` adds the Host header itself (with the port).
            connection.putrequest(self.method, target)
            post = self.method == "POST"
            if post:
                connection.putheader("Content-type", "application/x-www-form-urlencoded")
                # The length in characters, as the standard handler counts it;
                # urlencode's output is ASCII, so it is the byte count too.
                connection.putheader("Content-length", str(len(data)))
            if self.credentials:
                import base64

                # `%` with the tuple itself, so credentials of another shape
                # fail with the standard handler's TypeError.
                user_and_password = ("%s:%s" % self.credentials).encode("utf-8")  # noqa: UP031
                token = base64.b64encode(user_and_password).strip().decode("ascii")
                connection.putheader("Authorization", "Basic " + token)
            connection.endheaders()
            if post:
                connection.send(data.encode("utf-8"))
            # Waits for the answer, whatever its status, and leaves it unread.
            connection.getresponse()
        except Exception:
            self.handleError(record)

    def flush(self):
        """With batching, sends what is queued and waits for the answers
        (True when nothing was lost since the last flush); else nothing, as
        the standard handler."""
        if self._batched is not None:
            return self._batched.flush()
        return Handler.flush(self)

    def close(self):
        """Sends what the batching worker still holds (waiting up to its timeout), then closes the
        handler."""
        if self._batched is not None:
            self._batched.close()
        Handler.close(self)

    def stats(self):
        """With batching, the worker's counters (`accepted`, `written`,
        `dropped`, `failed`, `write_errors`, ...); else None."""
        if self._batched is not None:
            return self._batched.stats()
        return None


class NTEventLogHandler(Handler):
    """Reports each record to the Windows event log under `appname`. Without
    pywin32 the constructor prints a notice and the handler does nothing."""

    def __init__(self, appname, dllname=None, logtype="Application"):
        """Registers `appname` as an event source of the `logtype` log, with the message file
        `dllname` (pywin32's when None)."""
        Handler.__init__(self)
        try:
            # Only present on Windows, with pywin32.
            import win32evtlog
            import win32evtlogutil
        except ImportError:
            print(
                "The Python Win32 extensions for NT (service, event logging) "
                "appear not to be available."
            )
            self._welu = None
            return
        self.appname = appname
        self._welu = win32evtlogutil
        if not dllname:
            # win32service.pyd sits in the folder above win32evtlogutil's.
            package_folder = os.path.dirname(os.path.dirname(win32evtlogutil.__file__))
            dllname = os.path.join(package_folder, "win32service.pyd")
        self.dllname = dllname
        self.logtype = logtype
        try:
            win32evtlogutil.AddSourceToRegistry(appname, dllname, logtype)
        except Exception as error:
            # Adding a source needs administrator rights; one that may only
            # write to an existing source gets "access denied" (5), which is
            # not an error here.
            if getattr(error, "winerror", None) != 5:
                raise
        self.deftype = win32evtlog.EVENTLOG_ERROR_TYPE
        information = win32evtlog.EVENTLOG_INFORMATION_TYPE
        self.typemap = {
            DEBUG: information,
            INFO: information,
            WARNING: win32evtlog.EVENTLOG_WARNING_TYPE,
            ERROR: win32evtlog.EVENTLOG_ERROR_TYPE,
            CRITICAL: win32evtlog.EVENTLOG_ERROR_TYPE,
        }

    def getMessageID(self, record):
        """1, the first message of win32service.pyd."""
        return 1

    def getEventCategory(self, record):
        """0: no category."""
        return 0

    def getEventType(self, record):
        """The event type `typemap` gives the record's level, else `deftype`."""
        return self.typemap.get(record.levelno, self.deftype)

    def emit(self, record):
        """Reports the record to the Windows event log; does nothing where pywin32 is missing."""
        if not self._welu:
            return
        try:
            message_id = self.getMessageID(record)
            category = self.getEventCategory(record)
            event_type = self.getEventType(record)
            message = self.format(record)
            self._welu.ReportEvent(self.appname, message_id, category, event_type, [message])
        except Exception:
            self.handleError(record)

    def close(self):
        """Closes the handler; the event source stays registered, so that the events already logged
        can still be read."""
        # The source stays in the registry: the event viewer needs it to
        # find the message file of the events already logged.
        Handler.close(self)
