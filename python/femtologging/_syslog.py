"""`logging.handlers.SysLogHandler`: a native handler whose `emit` builds
`<PRI>` + ident + message (+ NUL) with the core's RFC 3164 encoder and sends
it through a native socket. The cold methods below are the standard ones;
`mapPriority`, `encodePriority` and `format` are called from the native
`emit` only where a subclass replaced them.

Beyond the standard signature (keyword-only):

- `rfc5424=True`: RFC 5424 messages (`<PRI>1 TIMESTAMP HOSTNAME APP-NAME
  PROCID MSGID [SD] ident+message`), the host name and application name
  given or found (`socket.gethostname()`, the program's name), PROCID the
  record's `process`, MSGID `extra={"msgid": ...}` or `msgid=`, structured
  data `extra={"structured_data": {"id@32473": {"name": "value"}}}`.
- `framing="octet-counting"` (RFC 6587: `LEN SP message`) or
  `framing="newline"` for stream sockets; the standard sends the bare
  message.
- `reconnect`: a stream socket whose receiver closed the connection is
  connected again before the next record, and a failed send is tried once
  more on a fresh connection. Default: on when `rfc5424` or `framing` is
  given (no standard behaviour to keep there), off otherwise, where the
  standard handler fails every record after the receiver went away, which
  anyone reading its error reports can tell apart.
- `tls=True`: TLS over TCP (RFC 5425; receivers usually listen on port
  6514). The server's certificate is verified against the system's CA
  certificates, or only those in `tls_cafile` (a PEM file, as
  `ssl.create_default_context(cafile=...)`), for the host name of the
  address (sent as SNI), or `tls_server_hostname` when the certificate
  names another; `tls_insecure=True` accepts any certificate (encrypted, but
  anyone can pose as the server). The handshake completes before a byte of a
  record is written: a refused server gets nothing, in clear or otherwise.
  The framing defaults to octet counting, as RFC 5425 requires, and
  `reconnect` to on: a server that cannot be reached or verified is not
  raised from the constructor but reported through `handleError` (an
  `ssl.SSLCertVerificationError` for a refused certificate) by each record
  that could not be sent, and every record tries again.
- `truncate_oversized=True`: a datagram larger than the socket sends (UDP:
  65,507 bytes over IPv4, 65,527 over IPv6; a Unix datagram socket: its
  send buffer) is cut to that size, between UTF-8 characters and keeping
  the closing NUL, sent, and counted in `truncated`. Off by default: the
  standard handler sends nothing and reports `EMSGSIZE` through
  `handleError`, and a receiver tells a cut message from none.
"""

import os
import socket
import sys

from . import Handler, _attach
from . import _femtologging as _native

SysLogHandler = _native.SysLogHandler

_SOCK_STREAM = socket.SOCK_STREAM


@_attach(SysLogHandler)
class SysLogHandler:  # noqa: F811
    """Sends each record to a syslog daemon over UDP, TCP or a Unix socket,
    as the standard `logging.handlers.SysLogHandler` does."""

    LOG_EMERG = 0
    LOG_ALERT = 1
    LOG_CRIT = 2
    LOG_ERR = 3
    LOG_WARNING = 4
    LOG_NOTICE = 5
    LOG_INFO = 6
    LOG_DEBUG = 7

    LOG_KERN = 0
    LOG_USER = 1
    LOG_MAIL = 2
    LOG_DAEMON = 3
    LOG_AUTH = 4
    LOG_SYSLOG = 5
    LOG_LPR = 6
    LOG_NEWS = 7
    LOG_UUCP = 8
    LOG_CRON = 9
    LOG_AUTHPRIV = 10
    LOG_FTP = 11
    LOG_NTP = 12
    LOG_SECURITY = 13
    LOG_CONSOLE = 14
    LOG_SOLCRON = 15
    LOG_LOCAL0 = 16
    LOG_LOCAL1 = 17
    LOG_LOCAL2 = 18
    LOG_LOCAL3 = 19
    LOG_LOCAL4 = 20
    LOG_LOCAL5 = 21
    LOG_LOCAL6 = 22
    LOG_LOCAL7 = 23

    priority_names = {
        "alert": LOG_ALERT,
        "crit": LOG_CRIT,
        "critical": LOG_CRIT,
        "debug": LOG_DEBUG,
        "emerg": LOG_EMERG,
        "err": LOG_ERR,
        "error": LOG_ERR,
        "info": LOG_INFO,
        "notice": LOG_NOTICE,
        "panic": LOG_EMERG,
        "warn": LOG_WARNING,
        "warning": LOG_WARNING,
    }

    facility_names = {
        "auth": LOG_AUTH,
        "authpriv": LOG_AUTHPRIV,
        "console": LOG_CONSOLE,
        "cron": LOG_CRON,
        "daemon": LOG_DAEMON,
        "ftp": LOG_FTP,
        "kern": LOG_KERN,
        "lpr": LOG_LPR,
        "mail": LOG_MAIL,
        "news": LOG_NEWS,
        "ntp": LOG_NTP,
        "security": LOG_SECURITY,
        "solaris-cron": LOG_SOLCRON,
        "syslog": LOG_SYSLOG,
        "user": LOG_USER,
        "uucp": LOG_UUCP,
        "local0": LOG_LOCAL0,
        "local1": LOG_LOCAL1,
        "local2": LOG_LOCAL2,
        "local3": LOG_LOCAL3,
        "local4": LOG_LOCAL4,
        "local5": LOG_LOCAL5,
        "local6": LOG_LOCAL6,
        "local7": LOG_LOCAL7,
    }

    priority_map = {
        "DEBUG": "debug",
        "INFO": "info",
        "WARNING": "warning",
        "ERROR": "error",
        "CRITICAL": "critical",
    }

    append_nul = True
    ident = ""

    def __init__(
        self,
        address=("localhost", 514),
        facility=LOG_USER,
        socktype=None,
        *,
        rfc5424=False,
        framing=None,
        reconnect=None,
        hostname=None,
        app_name=None,
        msgid=None,
        timeout=None,
        tls=False,
        tls_cafile=None,
        tls_server_hostname=None,
        tls_insecure=False,
        truncate_oversized=False,
        background=False,
        capacity=None,
        policy=None,
    ):
        """`address` is `(host, port)` or the path of a Unix socket; `facility` a `LOG_*` number or
        its name; `socktype` `socket.SOCK_DGRAM` (UDP, the default) or `SOCK_STREAM` (TCP). A TCP
        handler connects here and raises if it cannot. The keyword-only options are extensions,
        each off by default (see docs/network.md)."""
        Handler.__init__(self)
        if tls:
            if isinstance(address, str):
                raise ValueError("tls needs a (host, port) address, not a Unix socket path")
            if socktype not in (None, _SOCK_STREAM):
                raise ValueError("tls needs socktype=socket.SOCK_STREAM (TLS runs over TCP)")
            socktype = _SOCK_STREAM
            if framing is None:
                framing = "octet-counting"
            cafile_pem = None
            if tls_cafile is not None:
                with open(tls_cafile, "rb") as cafile:
                    cafile_pem = cafile.read()
            self._tls = (cafile_pem, tls_server_hostname, bool(tls_insecure))
        elif tls_cafile is not None or tls_server_hostname is not None or tls_insecure:
            raise ValueError("tls_cafile, tls_server_hostname and tls_insecure need tls=True")
        else:
            self._tls = None
        if reconnect is None:
            reconnect = bool(rfc5424 or framing)
        if rfc5424:
            hostname = hostname or socket.gethostname()
            app_name = app_name or os.path.basename(sys.argv[0] if sys.argv else "")
        self._configure(
            rfc5424, framing, reconnect, hostname, app_name, msgid, bool(truncate_oversized)
        )
        self._reconnect = reconnect
        self._timeout = timeout
        self.address = address
        self.facility = facility
        self.socktype = socktype
        self.socket = None
        if background:
            if tls or truncate_oversized:
                # The worker's transports would send these in clear, or
                # refuse them uncut: refused rather than done differently.
                raise ValueError(
                    "SysLogHandler(background=True) does not take tls or truncate_oversized yet"
                )
            # The worker connects; the constructor waits for no server.
            from ._background import run_in_background

            run_in_background(self, capacity, policy)
            return
        self.createSocket()

    def _connect_unixsocket(self, address):
        use_socktype = self.socktype
        if use_socktype is None:
            use_socktype = socket.SOCK_DGRAM
        try:
            self.socket = _native.SyslogSocket.connect_unix(address, use_socktype == _SOCK_STREAM)
            self.socktype = use_socktype
            return
        except OSError:
            # The standard handler keeps the socket it could not connect,
            # closed: sends fail until it connects again.
            self.socket = _native.SyslogSocket.closed_unix(address, use_socktype == _SOCK_STREAM)
            if self.socktype is not None:
                raise
        use_socktype = socket.SOCK_STREAM
        try:
            self.socket = _native.SyslogSocket.connect_unix(address, True)
            self.socktype = use_socktype
        except OSError:
            self.socket = _native.SyslogSocket.closed_unix(address, True)
            raise

    def createSocket(self):
        """Opens the socket: a Unix socket for a path (an error is not
        raised here: the next record tries again), else a UDP socket or a
        TCP connection to `(host, port)`."""
        address = self.address
        socktype = self.socktype
        if isinstance(address, str):
            self.unixsocket = True
            try:
                self._connect_unixsocket(address)
            except OSError:
                pass
            return
        self.unixsocket = False
        if self._tls is not None:
            self._open_tls(*address)
            return
        if socktype is None:
            socktype = socket.SOCK_DGRAM
        host, port = address
        if isinstance(port, str) and socktype == _SOCK_STREAM:
            # getaddrinfo takes a port as digits or a service name, and the
            # standard TCP handler connects to what it found.
            port = int(port) if port.isdigit() else socket.getservbyname(port, "tcp")
        self.socket = _native.SyslogSocket.open_network(
            host, port, socktype == _SOCK_STREAM, self._timeout
        )
        self.socktype = socktype

    def _open_tls(self, host, port):
        if isinstance(port, str):
            port = int(port) if port.isdigit() else socket.getservbyname(port, "tcp")
        self.socket = _native.SyslogSocket.open_tls(host, port, *self._tls, self._timeout)
        self.socktype = _SOCK_STREAM
        try:
            self.socket.reopen()
        except OSError:
            # Reconnecting, the first record tries again and reports what
            # fails; otherwise fail now, as a refused TCP connection does.
            if not self._reconnect:
                raise

    def encodePriority(self, facility, priority):
        """`(facility << 3) | priority`, names looked up in
        `facility_names` and `priority_names`."""
        if isinstance(facility, str):
            facility = self.facility_names[facility]
        if isinstance(priority, str):
            priority = self.priority_names[priority]
        return (facility << 3) | priority

    def mapPriority(self, levelName):
        """The syslog priority name for a level name (`"warning"` for any
        level `priority_map` does not know)."""
        return self.priority_map.get(levelName, "warning")

    def close(self):
        """Closes the socket, then the handler."""
        with self.lock:
            sock = self.socket
            if sock:
                self.socket = None
                sock.close()
            Handler.close(self)


_native.capture_syslog_methods()
