# Types of `femtologging.handlers`, the standard `logging.handlers`: typed as
# code written for the standard module expects. The keyword-only arguments
# that are not in the standard signatures (`interprocess`, `resend`,
# `rfc5424`, ...) are femtologging's extensions.

import datetime
import http.client
import ssl
import sys
from collections.abc import Callable
from queue import Queue, SimpleQueue
from re import Pattern
from socket import SocketKind
from typing import Any, ClassVar, Final, Literal, Protocol, TypeAlias

from typing_extensions import disjoint_base

from . import FileHandler, Handler, LogRecord, _StrPath

__all__ = [
    "BaseRotatingHandler",
    "BufferingHandler",
    "DEFAULT_HTTP_LOGGING_PORT",
    "DEFAULT_SOAP_LOGGING_PORT",
    "DEFAULT_TCP_LOGGING_PORT",
    "DEFAULT_UDP_LOGGING_PORT",
    "DatagramHandler",
    "HTTPHandler",
    "MemoryHandler",
    "NTEventLogHandler",
    "QueueHandler",
    "QueueListener",
    "RotatingFileHandler",
    "SMTPHandler",
    "SYSLOG_TCP_PORT",
    "SYSLOG_UDP_PORT",
    "SocketHandler",
    "SysLogHandler",
    "TimedRotatingFileHandler",
    "WatchedFileHandler",
]

DEFAULT_TCP_LOGGING_PORT: Final = 9020
DEFAULT_UDP_LOGGING_PORT: Final = 9021
DEFAULT_HTTP_LOGGING_PORT: Final = 9022
DEFAULT_SOAP_LOGGING_PORT: Final = 9023
SYSLOG_UDP_PORT: Final = 514
SYSLOG_TCP_PORT: Final = 514

# ---------------------------------------------------------------- files

@disjoint_base
class BaseRotatingHandler(FileHandler):
    namer: Callable[[str], str] | None
    rotator: Callable[[str, str], None] | None
    def __init__(
        self,
        filename: _StrPath,
        mode: str,
        encoding: str | None = None,
        delay: bool = False,
        errors: str | None = None,
    ) -> None: ...
    def rotation_filename(self, default_name: str) -> str: ...
    def rotate(self, source: str, dest: str) -> None: ...

class RotatingFileHandler(BaseRotatingHandler):
    maxBytes: int
    backupCount: int
    def __init__(
        self,
        filename: _StrPath,
        mode: str = "a",
        maxBytes: int = 0,
        backupCount: int = 0,
        encoding: str | None = None,
        delay: bool = False,
        errors: str | None = None,
        *,
        interprocess: bool = False,
    ) -> None: ...
    def doRollover(self) -> None: ...
    def shouldRollover(self, record: LogRecord) -> int: ...

class TimedRotatingFileHandler(BaseRotatingHandler):
    when: str
    backupCount: int
    utc: bool
    interval: int
    suffix: str
    dayOfWeek: int
    rolloverAt: int
    extMatch: Pattern[str]
    atTime: datetime.time | None
    def __init__(
        self,
        filename: _StrPath,
        when: str = "h",
        interval: int = 1,
        backupCount: int = 0,
        encoding: str | None = None,
        delay: bool = False,
        utc: bool = False,
        atTime: datetime.time | None = None,
        errors: str | None = None,
        *,
        interprocess: bool = False,
    ) -> None: ...
    def doRollover(self) -> None: ...
    def shouldRollover(self, record: LogRecord) -> int: ...
    def computeRollover(self, currentTime: int) -> int: ...
    def getFilesToDelete(self) -> list[str]: ...

class WatchedFileHandler(FileHandler):
    dev: int
    ino: int
    def __init__(
        self,
        filename: _StrPath,
        mode: str = "a",
        encoding: str | None = None,
        delay: bool = False,
        errors: str | None = None,
    ) -> None: ...
    def _statstream(self) -> None: ...
    def reopenIfNeeded(self) -> None: ...

# ---------------------------------------------------------------- network

class _Socket(Protocol):
    # What `makeSocket` returns and `send` writes to: a `socket.socket`, or
    # the native socket of SysLogHandler.
    def sendall(self, data: bytes, /) -> object: ...
    def close(self) -> object: ...

class SocketHandler(Handler):
    host: str
    port: int | None
    address: tuple[str, int] | str
    sock: Any
    closeOnError: bool
    retryTime: float | None
    retryStart: float
    retryFactor: float
    retryMax: float
    resend: bool
    def __init__(
        self,
        host: str,
        port: int | None,
        *,
        resend: bool = False,
        background: bool = False,
        capacity: int | None = None,
        policy: str | None = None,
    ) -> None: ...
    def makeSocket(self, timeout: float = 1) -> Any: ...
    def createSocket(self) -> None: ...
    def send(self, s: bytes) -> None: ...
    def makePickle(self, record: LogRecord) -> bytes: ...

class DatagramHandler(SocketHandler):
    def __init__(
        self,
        host: str,
        port: int | None,
        *,
        background: bool = False,
        capacity: int | None = None,
        policy: str | None = None,
    ) -> None: ...
    def makeSocket(self) -> Any: ...  # type: ignore[override]

@disjoint_base
class SysLogHandler(Handler):
    LOG_EMERG: ClassVar[int]
    LOG_ALERT: ClassVar[int]
    LOG_CRIT: ClassVar[int]
    LOG_ERR: ClassVar[int]
    LOG_WARNING: ClassVar[int]
    LOG_NOTICE: ClassVar[int]
    LOG_INFO: ClassVar[int]
    LOG_DEBUG: ClassVar[int]
    LOG_KERN: ClassVar[int]
    LOG_USER: ClassVar[int]
    LOG_MAIL: ClassVar[int]
    LOG_DAEMON: ClassVar[int]
    LOG_AUTH: ClassVar[int]
    LOG_SYSLOG: ClassVar[int]
    LOG_LPR: ClassVar[int]
    LOG_NEWS: ClassVar[int]
    LOG_UUCP: ClassVar[int]
    LOG_CRON: ClassVar[int]
    LOG_AUTHPRIV: ClassVar[int]
    LOG_FTP: ClassVar[int]
    LOG_NTP: ClassVar[int]
    LOG_SECURITY: ClassVar[int]
    LOG_CONSOLE: ClassVar[int]
    LOG_SOLCRON: ClassVar[int]
    LOG_LOCAL0: ClassVar[int]
    LOG_LOCAL1: ClassVar[int]
    LOG_LOCAL2: ClassVar[int]
    LOG_LOCAL3: ClassVar[int]
    LOG_LOCAL4: ClassVar[int]
    LOG_LOCAL5: ClassVar[int]
    LOG_LOCAL6: ClassVar[int]
    LOG_LOCAL7: ClassVar[int]
    priority_names: ClassVar[dict[str, int]]
    facility_names: ClassVar[dict[str, int]]
    priority_map: ClassVar[dict[str, str]]
    address: tuple[str, int] | str
    facility: int
    socktype: SocketKind | None
    unixsocket: bool
    ident: str
    append_nul: bool
    # A native socket (send, sendall, sendto, fileno, close), not a socket.socket.
    socket: Any
    def __init__(
        self,
        address: tuple[str, int] | str = ("localhost", 514),
        facility: str | int = 1,
        socktype: SocketKind | None = None,
        *,
        rfc5424: bool = False,
        framing: Literal["octet-counting", "newline"] | None = None,
        reconnect: bool | None = None,
        hostname: str | None = None,
        app_name: str | None = None,
        msgid: str | None = None,
        timeout: float | None = None,
        tls: bool = False,
        tls_cafile: _StrPath | None = None,
        tls_server_hostname: str | None = None,
        tls_insecure: bool = False,
        truncate_oversized: bool = False,
        background: bool = False,
        capacity: int | None = None,
        policy: str | None = None,
    ) -> None: ...
    # Records cut to the datagram limit (with truncate_oversized=True).
    @property
    def truncated(self) -> int: ...
    def createSocket(self) -> None: ...
    def encodePriority(self, facility: int | str, priority: int | str) -> int: ...
    def mapPriority(self, levelName: str) -> str: ...

class HTTPHandler(Handler):
    host: str
    url: str
    method: str
    secure: bool
    credentials: tuple[str, str] | None
    context: ssl.SSLContext | None
    def __init__(
        self,
        host: str,
        url: str,
        method: str = "GET",
        secure: bool = False,
        credentials: tuple[str, str] | None = None,
        context: ssl.SSLContext | None = None,
        *,
        batch: int | None = None,
        batch_interval: float | None = None,
        compress: Literal["gzip"] | None = None,
        keepalive: bool | None = None,
        capacity: int | None = None,
        policy: str | None = None,
        cafile: _StrPath | None = None,
        timeout: float | None = None,
        background: bool = False,
    ) -> None: ...
    # The batching worker's counters; None without batching.
    def stats(self) -> dict[str, int] | None: ...
    def mapLogRecord(self, record: LogRecord) -> dict[str, Any]: ...
    def getConnection(self, host: str, secure: bool) -> http.client.HTTPConnection: ...

class SMTPHandler(Handler):
    mailhost: str
    mailport: int | None
    username: str | None
    password: str
    fromaddr: str
    toaddrs: list[str]
    subject: str
    secure: tuple[()] | tuple[str] | tuple[str, str] | None
    timeout: float
    def __init__(
        self,
        mailhost: str | tuple[str, int],
        fromaddr: str,
        toaddrs: str | list[str],
        subject: str,
        credentials: tuple[str, str] | None = None,
        secure: tuple[()] | tuple[str] | tuple[str, str] | None = None,
        timeout: float = 5.0,
        *,
        background: bool = False,
        capacity: int | None = None,
        policy: str | None = None,
    ) -> None: ...
    def getSubject(self, record: LogRecord) -> str: ...

class NTEventLogHandler(Handler):
    appname: str
    dllname: str | None
    logtype: str
    deftype: int
    typemap: dict[int, int]
    def __init__(
        self, appname: str, dllname: str | None = None, logtype: str = "Application"
    ) -> None: ...
    def getEventCategory(self, record: LogRecord) -> int: ...
    def getEventType(self, record: LogRecord) -> int: ...
    def getMessageID(self, record: LogRecord) -> int: ...

# ---------------------------------------------------------------- holding records

class BufferingHandler(Handler):
    capacity: int
    buffer: list[LogRecord]
    def __init__(self, capacity: int) -> None: ...
    def shouldFlush(self, record: LogRecord) -> bool: ...

class MemoryHandler(BufferingHandler):
    flushLevel: int
    target: Handler | None
    flushOnClose: bool
    def __init__(
        self,
        capacity: int,
        flushLevel: int = 40,
        target: Handler | None = None,
        flushOnClose: bool = True,
    ) -> None: ...
    def setTarget(self, target: Handler | None) -> None: ...

class _Queue(Protocol):
    # What QueueHandler and QueueListener take: a queue.Queue, a
    # SimpleQueue, a multiprocessing queue, or anything with these methods.
    def put_nowait(self, item: Any, /) -> None: ...
    def get(self, block: bool = ..., /) -> Any: ...

_AnyQueue: TypeAlias = Queue[Any] | SimpleQueue[Any] | _Queue

class QueueHandler(Handler):
    queue: _AnyQueue
    if sys.version_info >= (3, 12):
        listener: QueueListener | None
    def __init__(self, queue: _AnyQueue) -> None: ...
    def prepare(self, record: LogRecord) -> Any: ...
    def enqueue(self, record: LogRecord) -> None: ...

class QueueListener:
    handlers: tuple[Handler, ...]
    respect_handler_level: bool
    queue: _AnyQueue
    def __init__(
        self, queue: _AnyQueue, *handlers: Handler, respect_handler_level: bool = False
    ) -> None: ...
    def dequeue(self, block: bool) -> LogRecord: ...
    def prepare(self, record: LogRecord) -> Any: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def enqueue_sentinel(self) -> None: ...
    def handle(self, record: LogRecord) -> None: ...
