# Types of femtologging's two faces. The standard face is typed as code
# written for `logging` expects, so that `import femtologging as logging`
# type-checks wherever `import logging` did; the femto face follows.
# `make lint` checks this file against the runtime (mypy's stubtest) and
# against the examples in tests/typing.

import sys
import threading
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from datetime import time as _DayTime
from io import TextIOWrapper
from os import PathLike
from re import Pattern
from string import Template
from time import struct_time
from types import FrameType, TracebackType
from typing import (
    Any,
    ClassVar,
    Final,
    Generic,
    Literal,
    Protocol,
    Self,
    TextIO,
    TypeAlias,
    TypeVar,
    overload,
)

# Native classes, each with its own instance layout: no class can have two of
# them as bases (PEP 800).
from typing_extensions import disjoint_base

__version__: Final[str]

__all__ = [
    "BASIC_FORMAT",
    "BufferingFormatter",
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "FATAL",
    "FileHandler",
    "Filter",
    "Formatter",
    "Handler",
    "INFO",
    "LogRecord",
    "Logger",
    "LoggerAdapter",
    "NOTSET",
    "NullHandler",
    "StreamHandler",
    "WARN",
    "WARNING",
    "addLevelName",
    "basicConfig",
    "captureWarnings",
    "critical",
    "debug",
    "disable",
    "error",
    "exception",
    "fatal",
    "getLevelName",
    "getLogger",
    "getLoggerClass",
    "info",
    "log",
    "makeLogRecord",
    "setLoggerClass",
    "shutdown",
    "warn",
    "warning",
    "getLogRecordFactory",
    "setLogRecordFactory",
    "lastResort",
    "raiseExceptions",
    "getLevelNamesMapping",
    "get_logger",
    "FemtoHandler",
    "FemtoStreamHandler",
    "FemtoFileHandler",
    "FemtoRotatingFileHandler",
    "FemtoTimedRotatingFileHandler",
    "FemtoSocketHandler",
    "StreamHandlerBuilder",
    "FileHandlerBuilder",
    "RotatingFileHandlerBuilder",
    "TimedRotatingFileHandlerBuilder",
    "SocketHandlerBuilder",
    "HandlerOptions",
    "OverflowPolicy",
    "HandlerConfigError",
    "FemtoPythonHandler",
    "JsonFormatter",
    "capture_stdlib",
]
if sys.version_info >= (3, 12):
    __all__ += ["getHandlerByName", "getHandlerNames"]

# ---------------------------------------------------------------- shared aliases

_SysExcInfo: TypeAlias = (
    tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]
)
# What `exc_info=` takes: a flag, an exception, or the triple of sys.exc_info().
_ExcInfo: TypeAlias = None | bool | _SysExcInfo | BaseException
# A record's `args`: a tuple for `%s` placeholders, a mapping for `%(key)s`.
_Args: TypeAlias = tuple[object, ...] | Mapping[str, object]
# A level as a number or as a registered name ("INFO").
_Level: TypeAlias = int | str
_FormatStyle: TypeAlias = Literal["%", "{", "$"]
_StrPath: TypeAlias = str | PathLike[str]

if sys.version_info >= (3, 12):
    # From 3.12 a filter may return a record to log in place of the one given.
    class _FilterObject(Protocol):
        def filter(self, record: LogRecord, /) -> bool | LogRecord: ...

    _FilterType: TypeAlias = Filter | _FilterObject | Callable[[LogRecord], bool | LogRecord]
else:
    class _FilterObject(Protocol):
        def filter(self, record: LogRecord, /) -> bool: ...

    _FilterType: TypeAlias = Filter | _FilterObject | Callable[[LogRecord], bool]

class _SupportsWriteStr(Protocol):
    def write(self, text: str, /) -> object: ...

_StreamT = TypeVar("_StreamT", bound=_SupportsWriteStr)

# ---------------------------------------------------------------- levels

CRITICAL: Final = 50
FATAL: Final = 50
ERROR: Final = 40
WARNING: Final = 30
WARN: Final = 30
INFO: Final = 20
DEBUG: Final = 10
NOTSET: Final = 0

BASIC_FORMAT: Final[str]

raiseExceptions: bool
logThreads: bool
logMultiprocessing: bool
logProcesses: bool
if sys.version_info >= (3, 12):
    logAsyncioTasks: bool

_levelToName: dict[int, str]
_nameToLevel: dict[str, int]
_lock: threading.RLock
_srcfile: str | None
_handlers: MutableMapping[str, Handler]
_handlerList: list[Any]
_STYLES: dict[str, tuple[type[PercentStyle], str]]

if sys.version_info < (3, 13):
    def _acquireLock() -> None: ...
    def _releaseLock() -> None: ...

def _checkLevel(level: _Level) -> int: ...
def _register_at_fork_reinit_lock(instance: Handler) -> None: ...
def getLevelNamesMapping() -> dict[str, int]: ...

# A number gives its name; a name gives its number (the standard library's
# two-way lookup); anything else gives "Level %s".
@overload
def getLevelName(level: int) -> str: ...
@overload
def getLevelName(level: str) -> Any: ...
def addLevelName(level: int, levelName: str) -> None: ...
def currentframe() -> FrameType: ...

# ---------------------------------------------------------------- records

class LogRecord:
    name: str
    msg: object
    args: _Args | None
    levelname: str
    levelno: int
    pathname: str
    filename: str
    module: str
    exc_info: _SysExcInfo | None
    exc_text: str | None
    stack_info: str | None
    lineno: int
    funcName: str | None
    created: float
    msecs: float
    relativeCreated: float
    thread: int | None
    threadName: str | None
    processName: str | None
    process: int | None
    message: str
    asctime: str
    if sys.version_info >= (3, 12):
        taskName: str | None

    def __init__(
        self,
        name: str,
        level: int,
        pathname: str,
        lineno: int,
        msg: object,
        args: _Args | None,
        exc_info: _SysExcInfo | None,
        func: str | None = None,
        sinfo: str | None = None,
        **kwargs: object,
    ) -> None: ...
    def getMessage(self) -> str: ...

def setLogRecordFactory(factory: Callable[..., LogRecord]) -> None: ...
def getLogRecordFactory() -> Callable[..., LogRecord]: ...
def makeLogRecord(dict: Mapping[str, object]) -> LogRecord: ...

# ---------------------------------------------------------------- formatters

@disjoint_base
class PercentStyle:
    default_format: str
    asctime_format: str
    asctime_search: str
    _fmt: str
    _defaults: Mapping[str, Any] | None
    def __init__(self, fmt: str | None, *, defaults: Mapping[str, Any] | None = None) -> None: ...
    def usesTime(self) -> bool: ...
    def validate(self) -> None: ...
    def format(self, record: Any) -> str: ...
    def _format(self, record: Any) -> str: ...
    validation_pattern: Pattern[str]

class StrFormatStyle(PercentStyle):
    fmt_spec: Pattern[str]
    field_spec: Pattern[str]

class StringTemplateStyle(PercentStyle):
    _tpl: Template

@disjoint_base
class Formatter:
    converter: Callable[[float | None], struct_time]
    _fmt: str | None
    datefmt: str | None
    _style: PercentStyle
    default_time_format: str
    default_msec_format: str | None
    def __init__(
        self,
        fmt: str | None = None,
        datefmt: str | None = None,
        style: _FormatStyle = "%",
        validate: bool = True,
        *,
        defaults: Mapping[str, Any] | None = None,
    ) -> None: ...
    def format(self, record: LogRecord) -> str: ...
    def formatTime(self, record: LogRecord, datefmt: str | None = None) -> str: ...
    def formatException(self, ei: _SysExcInfo) -> str: ...
    def formatMessage(self, record: LogRecord) -> str: ...
    def formatStack(self, stack_info: str) -> str: ...
    def usesTime(self) -> bool: ...

class BufferingFormatter:
    linefmt: Formatter
    def __init__(self, linefmt: Formatter | None = None) -> None: ...
    def formatHeader(self, records: Sequence[LogRecord]) -> str: ...
    def formatFooter(self, records: Sequence[LogRecord]) -> str: ...
    def format(self, records: Sequence[LogRecord]) -> str: ...

class JsonFormatter(Formatter):
    prefix: str
    rename_fields: dict[str, str]
    rename_fields_keep_missing: bool
    static_fields: dict[str, Any]
    reserved_attrs: set[str]
    timestamp: bool | str
    defaults: dict[str, Any]
    exc_info_as_array: bool
    stack_info_as_array: bool
    json_default: Callable[[Any], Any] | None
    json_encoder: Callable[..., Any] | None
    json_serializer: Callable[..., str]
    json_indent: int | str | None
    json_ensure_ascii: bool
    def __init__(
        self,
        fmt: str | Sequence[str] | None = None,
        datefmt: str | None = None,
        style: str = "%",
        validate: bool = True,
        *,
        prefix: str = "",
        rename_fields: Mapping[str, str] | None = None,
        rename_fields_keep_missing: bool = False,
        static_fields: Mapping[str, Any] | None = None,
        reserved_attrs: Sequence[str] | None = None,
        timestamp: bool | str = False,
        defaults: dict[str, Any] | None = None,
        exc_info_as_array: bool = False,
        stack_info_as_array: bool = False,
        json_default: Callable[[Any], Any] | None = None,
        json_encoder: Callable[..., Any] | None = None,
        json_serializer: Callable[..., str] = ...,
        json_indent: int | str | None = None,
        json_ensure_ascii: bool = True,
    ) -> None: ...
    def parse(self) -> list[str]: ...
    def add_fields(
        self,
        log_data: dict[str, Any],
        record: LogRecord,
        message_dict: dict[str, Any],
    ) -> None: ...
    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]: ...
    def serialize_log_record(self, log_data: dict[str, Any]) -> str: ...
    def jsonify_log_record(self, log_data: dict[str, Any]) -> str: ...
    def formatException(self, ei: _SysExcInfo) -> str | list[str]: ...  # type: ignore[override]
    def formatStack(self, stack_info: str) -> str | list[str]: ...  # type: ignore[override]

# ---------------------------------------------------------------- filters

@disjoint_base
class Filter:
    name: str
    nlen: int
    def __init__(self, name: str = "") -> None: ...
    if sys.version_info >= (3, 12):
        def filter(self, record: LogRecord) -> bool | LogRecord: ...
    else:
        def filter(self, record: LogRecord) -> bool: ...

@disjoint_base
class Filterer:
    filters: list[_FilterType]
    def __init__(self) -> None: ...
    def addFilter(self, filter: _FilterType) -> None: ...
    def removeFilter(self, filter: _FilterType) -> None: ...
    if sys.version_info >= (3, 12):
        def filter(self, record: LogRecord) -> bool | LogRecord: ...
    else:
        def filter(self, record: LogRecord) -> bool: ...

# ---------------------------------------------------------------- handlers

@disjoint_base
class Handler(Filterer):
    level: int
    formatter: Formatter | None
    lock: threading.RLock | None
    name: str | None
    def __init__(self, level: _Level = 0) -> None: ...
    def get_name(self) -> str | None: ...
    def set_name(self, name: str | None) -> None: ...
    def createLock(self) -> None: ...
    def _at_fork_reinit(self) -> None: ...
    def acquire(self) -> None: ...
    def release(self) -> None: ...
    def setLevel(self, level: _Level) -> None: ...
    def setFormatter(self, fmt: Formatter | None) -> None: ...
    def flush(self) -> None: ...
    def close(self) -> None: ...
    if sys.version_info >= (3, 12):
        def handle(self, record: LogRecord) -> bool | LogRecord: ...
    else:
        def handle(self, record: LogRecord) -> bool: ...
    def handleError(self, record: LogRecord) -> None: ...
    def format(self, record: LogRecord) -> str: ...
    def emit(self, record: LogRecord) -> None: ...

if sys.version_info >= (3, 12):
    def getHandlerByName(name: str) -> Handler | None: ...
    def getHandlerNames() -> frozenset[str]: ...

@disjoint_base
class StreamHandler(Handler, Generic[_StreamT]):
    stream: _StreamT
    terminator: str
    @overload
    def __init__(self: StreamHandler[TextIO], stream: None = None) -> None: ...
    @overload
    def __init__(self: StreamHandler[_StreamT], stream: _StreamT) -> None: ...
    def setStream(self, stream: _StreamT) -> _StreamT | None: ...
    if sys.version_info >= (3, 12):
        # Subscriptable at runtime from 3.12, as the standard class is.
        def __class_getitem__(cls, item: Any) -> Any: ...

# A text file as the standard library types it. The stream is a native one
# (write, flush, close, fileno, as a handler uses them), or what `open`
# returns when a subclass or a mode the native stream does not cover needs it.
class FileHandler(StreamHandler[TextIOWrapper]):
    baseFilename: str
    mode: str
    encoding: str | None
    delay: bool
    errors: str | None
    # None until a delayed handler opens its file, and after close().
    stream: TextIOWrapper | None  # type: ignore[assignment]
    def __init__(
        self,
        filename: _StrPath,
        mode: str = "a",
        encoding: str | None = None,
        delay: bool = False,
        errors: str | None = None,
    ) -> None: ...
    def _open(self) -> TextIOWrapper: ...

class NullHandler(Handler): ...

lastResort: Handler | None

# ---------------------------------------------------------------- loggers

class PlaceHolder:
    loggerMap: dict[Logger, None]
    def __init__(self, alogger: Logger) -> None: ...
    def append(self, alogger: Logger) -> None: ...

@disjoint_base
class Manager:
    root: RootLogger
    disable: int
    emittedNoHandlerWarning: bool
    loggerDict: dict[str, Logger | PlaceHolder]
    loggerClass: type[Logger] | None
    logRecordFactory: Callable[..., LogRecord] | None
    def __init__(self, rootnode: RootLogger) -> None: ...
    def getLogger(self, name: str) -> Logger: ...
    def setLoggerClass(self, klass: type[Logger]) -> None: ...
    def setLogRecordFactory(self, factory: Callable[..., LogRecord]) -> None: ...
    def _clear_cache(self) -> None: ...

class _RecordSink(Protocol):
    """What `Logger.add_handler` takes besides a `Handler`: an object whose
    `handle(logger, level, message)` is called on a worker thread."""

    def handle(self, logger: str, level: str, message: str, /) -> object: ...

_H = TypeVar("_H", bound=Handler)

@disjoint_base
class Logger(Filterer):
    name: str
    level: int
    parent: Logger | None
    propagate: bool
    handlers: list[Handler]
    disabled: bool
    root: ClassVar[RootLogger]
    manager: Manager
    _cache: dict[int, bool]
    def __init__(self, name: str, level: _Level = 0) -> None: ...
    def setLevel(self, level: _Level) -> None: ...
    def isEnabledFor(self, level: int) -> bool: ...
    def getEffectiveLevel(self) -> int: ...
    def getChild(self, suffix: str) -> Self: ...
    if sys.version_info >= (3, 12):
        def getChildren(self) -> set[Logger]: ...

    def debug(
        self,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = None,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
    ) -> None: ...
    def info(
        self,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = None,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
    ) -> None: ...
    def warning(
        self,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = None,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
    ) -> None: ...
    def warn(
        self,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = None,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
    ) -> None: ...
    def error(
        self,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = None,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
    ) -> None: ...
    def exception(
        self,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = True,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
    ) -> None: ...
    def critical(
        self,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = None,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
    ) -> None: ...
    def fatal(
        self,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = None,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
    ) -> None: ...
    # `level` may also be a registered level name ("INFO"): the one call
    # femtologging accepts where the standard library raises TypeError.
    def log(
        self,
        level: _Level,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = None,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
    ) -> None: ...
    def _log(
        self,
        level: int,
        msg: object,
        args: _Args,
        exc_info: _ExcInfo = None,
        extra: Mapping[str, object] | None = None,
        stack_info: bool = False,
        stacklevel: int = 1,
    ) -> None: ...
    def findCaller(
        self, stack_info: bool = False, stacklevel: int = 1
    ) -> tuple[str, int, str, str | None]: ...
    def makeRecord(
        self,
        name: str,
        level: int,
        fn: str,
        lno: int,
        msg: object,
        args: _Args,
        exc_info: _SysExcInfo | None,
        func: str | None = None,
        extra: Mapping[str, object] | None = None,
        sinfo: str | None = None,
    ) -> LogRecord: ...
    def handle(self, record: LogRecord) -> None: ...
    def callHandlers(self, record: LogRecord) -> None: ...
    def addHandler(self, hdlr: Handler) -> None: ...
    def removeHandler(self, hdlr: Handler) -> None: ...
    def hasHandlers(self) -> bool: ...
    # The femto face: `add_handler` also takes an object with
    # `handle(logger, level, message)`, run on a worker thread.
    # it returns the handler added (a `FemtoPythonHandler` for an object).
    @overload
    def add_handler(self, handler: _H) -> _H: ...
    @overload
    def add_handler(
        self,
        handler: _RecordSink,
        *,
        capacity: int = ...,
        policy: _Policy = ...,
        flush_timeout_ms: int = ...,
    ) -> FemtoPythonHandler: ...
    def remove_handler(self, handler: Handler | _RecordSink) -> None: ...

class RootLogger(Logger):
    def __init__(self, level: _Level) -> None: ...

root: RootLogger

def setLoggerClass(klass: type[Logger]) -> None: ...
def getLoggerClass() -> type[Logger]: ...
def getLogger(name: str | None = None) -> Logger: ...

_L = TypeVar("_L", bound=Logger | LoggerAdapter[Any])

class LoggerAdapter(Generic[_L]):
    logger: _L
    manager: Manager
    if sys.version_info >= (3, 13):
        extra: Mapping[str, object] | None
        merge_extra: bool
        def __init__(
            self, logger: _L, extra: Mapping[str, object] | None = None, merge_extra: bool = False
        ) -> None: ...
    else:
        extra: Mapping[str, object] | None
        def __init__(self, logger: _L, extra: Mapping[str, object] | None = None) -> None: ...

    def process(
        self, msg: Any, kwargs: MutableMapping[str, Any]
    ) -> tuple[Any, MutableMapping[str, Any]]: ...
    def debug(
        self,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = None,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
        **kwargs: object,
    ) -> None: ...
    def info(
        self,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = None,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
        **kwargs: object,
    ) -> None: ...
    def warning(
        self,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = None,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
        **kwargs: object,
    ) -> None: ...
    def warn(
        self,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = None,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
        **kwargs: object,
    ) -> None: ...
    def error(
        self,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = None,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
        **kwargs: object,
    ) -> None: ...
    def exception(
        self,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = True,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
        **kwargs: object,
    ) -> None: ...
    def critical(
        self,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = None,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
        **kwargs: object,
    ) -> None: ...
    def log(
        self,
        level: int,
        msg: object,
        *args: object,
        exc_info: _ExcInfo = None,
        stack_info: bool = False,
        stacklevel: int = 1,
        extra: Mapping[str, object] | None = None,
        **kwargs: object,
    ) -> None: ...
    def isEnabledFor(self, level: int) -> bool: ...
    def setLevel(self, level: _Level) -> None: ...
    def getEffectiveLevel(self) -> int: ...
    def hasHandlers(self) -> bool: ...
    def _log(
        self,
        level: int,
        msg: object,
        args: _Args,
        exc_info: _ExcInfo = None,
        extra: Mapping[str, object] | None = None,
        stack_info: bool = False,
    ) -> None: ...
    @property
    def name(self) -> str: ...
    if sys.version_info >= (3, 12):
        def __class_getitem__(cls, item: Any) -> Any: ...

# ---------------------------------------------------------------- module functions

def basicConfig(
    *,
    filename: _StrPath | None = ...,
    filemode: str = ...,
    format: str = ...,
    datefmt: str | None = ...,
    style: _FormatStyle = ...,
    level: _Level | None = ...,
    stream: _SupportsWriteStr | None = ...,
    handlers: Iterable[Handler] | None = ...,
    force: bool | None = ...,
    encoding: str | None = ...,
    errors: str | None = ...,
    # Not in the standard library: the handler basicConfig makes writes on
    # a worker thread (a FemtoFileHandler or FemtoStreamHandler).
    background: bool = ...,
) -> None: ...
def debug(
    msg: object,
    *args: object,
    exc_info: _ExcInfo = None,
    stack_info: bool = False,
    stacklevel: int = 1,
    extra: Mapping[str, object] | None = None,
) -> None: ...
def info(
    msg: object,
    *args: object,
    exc_info: _ExcInfo = None,
    stack_info: bool = False,
    stacklevel: int = 1,
    extra: Mapping[str, object] | None = None,
) -> None: ...
def warning(
    msg: object,
    *args: object,
    exc_info: _ExcInfo = None,
    stack_info: bool = False,
    stacklevel: int = 1,
    extra: Mapping[str, object] | None = None,
) -> None: ...
def warn(
    msg: object,
    *args: object,
    exc_info: _ExcInfo = None,
    stack_info: bool = False,
    stacklevel: int = 1,
    extra: Mapping[str, object] | None = None,
) -> None: ...
def error(
    msg: object,
    *args: object,
    exc_info: _ExcInfo = None,
    stack_info: bool = False,
    stacklevel: int = 1,
    extra: Mapping[str, object] | None = None,
) -> None: ...
def exception(
    msg: object,
    *args: object,
    exc_info: _ExcInfo = True,
    stack_info: bool = False,
    stacklevel: int = 1,
    extra: Mapping[str, object] | None = None,
) -> None: ...
def critical(
    msg: object,
    *args: object,
    exc_info: _ExcInfo = None,
    stack_info: bool = False,
    stacklevel: int = 1,
    extra: Mapping[str, object] | None = None,
) -> None: ...
def fatal(
    msg: object,
    *args: object,
    exc_info: _ExcInfo = None,
    stack_info: bool = False,
    stacklevel: int = 1,
    extra: Mapping[str, object] | None = None,
) -> None: ...
def log(
    level: _Level,
    msg: object,
    *args: object,
    exc_info: _ExcInfo = None,
    stack_info: bool = False,
    stacklevel: int = 1,
    extra: Mapping[str, object] | None = None,
) -> None: ...
def disable(level: int = 50) -> None: ...
def shutdown(handlerList: Sequence[Any] = ...) -> None: ...
def captureWarnings(capture: bool) -> None: ...

# Routes the records of the real `logging` module into femtologging's loggers.
def capture_stdlib(capture: bool = True) -> None: ...

# ---------------------------------------------------------------- the femto face

def get_logger(name: str | None = None) -> Logger: ...

class HandlerConfigError(ValueError):
    """Settings of a handler that cannot go together (TLS over a Unix
    socket), or that the transport refuses."""

class OverflowPolicy:
    """What a full queue does: "drop", "block" or "timeout:N" (milliseconds)."""

    def __init__(self, text: str) -> None: ...
    @classmethod
    def drop(cls) -> Self: ...
    @classmethod
    def block(cls) -> Self: ...
    @classmethod
    def timeout(cls, milliseconds: int) -> Self: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

# A policy given as text: "drop", "block" or "timeout:N" (N milliseconds).
_Policy: TypeAlias = OverflowPolicy | str
# A femto handler's formatter: "default", a Formatter (anything with
# `format(record)`), or a callable taking the record's fields as a mapping.
_FemtoFormatter: TypeAlias = Literal["default"] | Formatter | Callable[[Mapping[str, Any]], str]

@disjoint_base
class FemtoHandler(Handler):
    """The base of the handlers that write on a Rust worker thread."""

    @property
    def capacity(self) -> int: ...
    @property
    def flush_interval(self) -> int: ...
    @property
    def policy(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    # True once everything queued so far is written; False on a timeout or
    # when a failed write lost records since the previous flush.
    def flush(self) -> bool: ...  # type: ignore[override]
    # accepted, dropped, written, failed, write_errors, rejected,
    # rotation_errors, handler_errors.
    def stats(self) -> dict[str, int]: ...

class FemtoStreamHandler(FemtoHandler):
    stream: _SupportsWriteStr | None
    def __init__(
        self,
        stream: Literal["stderr", "stdout"] | _SupportsWriteStr = "stderr",
        *,
        capacity: int = 1024,
        flush_timeout_ms: int = 1000,
        policy: _Policy = "drop",
        formatter: _FemtoFormatter = "default",
        errors: Literal["backslashreplace", "strict"] = "backslashreplace",
    ) -> None: ...
    @classmethod
    def stderr(cls) -> Self: ...
    @classmethod
    def stdout(cls) -> Self: ...

class FemtoFileHandler(FemtoHandler):
    baseFilename: str
    mode: str
    def __init__(
        self,
        path: _StrPath,
        capacity: int = 1024,
        flush_interval: int = 1,
        policy: _Policy = "drop",
        *,
        mode: Literal["a", "w"] = "a",
        flush_timeout_ms: int = 1000,
        formatter: _FemtoFormatter = "default",
        errors: Literal["backslashreplace", "strict"] = "backslashreplace",
        encoding: str | None = None,
    ) -> None: ...

class FemtoPythonHandler(FemtoHandler):
    target: _RecordSink
    def __init__(
        self,
        target: _RecordSink,
        capacity: int = 1024,
        policy: _Policy = "drop",
        *,
        flush_timeout_ms: int = 1000,
    ) -> None: ...

class HandlerOptions:
    """The worker's settings of a rotating femto handler."""

    capacity: int
    flush_interval: int
    policy: str
    rotation: tuple[int, int]
    compress: Literal["gzip"] | None
    interprocess: bool
    def __init__(
        self,
        capacity: int = 1024,
        flush_interval: int = 1,
        policy: _Policy = "drop",
        rotation: tuple[int, int] = (0, 0),
        *,
        compress: Literal["gzip"] | None = None,
        interprocess: bool = False,
    ) -> None: ...

class FemtoRotatingFileHandler(FemtoHandler):
    baseFilename: str
    mode: str
    options: HandlerOptions
    def __init__(
        self,
        path: _StrPath,
        options: HandlerOptions | None = None,
        *,
        mode: Literal["a", "w"] = "a",
        flush_timeout_ms: int = 1000,
        formatter: _FemtoFormatter = "default",
        encoding: str | None = None,
    ) -> None: ...

_When: TypeAlias = str  # "S", "M", "H", "D", "midnight", "W0"-"W6", in either case

class FemtoTimedRotatingFileHandler(FemtoHandler):
    baseFilename: str
    mode: str
    options: HandlerOptions
    def __init__(
        self,
        path: _StrPath,
        when: _When = "h",
        interval: int = 1,
        backup_count: int = 0,
        utc: bool = False,
        at_time: _DayTime | None = None,
        options: HandlerOptions | None = None,
        *,
        flush_timeout_ms: int = 1000,
        formatter: _FemtoFormatter = "default",
        encoding: str | None = None,
    ) -> None: ...

class FemtoSocketHandler(FemtoHandler):
    def __init__(
        self,
        host: str = "localhost",
        port: int = 9020,
        *,
        unix_path: _StrPath | None = None,
        tls_domain: str | None = None,
        insecure: bool = False,
        capacity: int = 1024,
        flush_timeout_ms: int = 1000,
        policy: _Policy = "drop",
        formatter: _FemtoFormatter | None = None,
        connect_timeout_ms: int = 5000,
        write_timeout_ms: int = 1000,
        backoff: tuple[int, int, int, int | None] = (100, 5000, 30000, 120000),
        max_frame_size: int = 1048576,
    ) -> None: ...

class _HandlerBuilder:
    # The settings every builder takes; each returns the builder.
    def with_capacity(self, capacity: int) -> Self: ...
    def with_flush_timeout_ms(self, milliseconds: int) -> Self: ...
    def with_formatter(self, formatter: _FemtoFormatter) -> Self: ...
    def with_overflow_policy(self, policy: _Policy) -> Self: ...

class StreamHandlerBuilder(_HandlerBuilder):
    def __init__(
        self, stream: Literal["stderr", "stdout"] | _SupportsWriteStr = "stderr"
    ) -> None: ...
    @classmethod
    def stderr(cls) -> Self: ...
    @classmethod
    def stdout(cls) -> Self: ...
    def build(self) -> FemtoStreamHandler: ...

class FileHandlerBuilder(_HandlerBuilder):
    def __init__(self, path: _StrPath) -> None: ...
    def with_flush_interval(self, records: int) -> Self: ...
    def build(self) -> FemtoFileHandler: ...

class _RollingBuilder(FileHandlerBuilder):
    def with_backup_count(self, backup_count: int) -> Self: ...
    def with_compression(self, compress: Literal["gzip"] | None) -> Self: ...
    def with_interprocess_lock(self, enabled: bool = True) -> Self: ...

class RotatingFileHandlerBuilder(_RollingBuilder):
    def with_max_bytes(self, max_bytes: int) -> Self: ...
    def build(self) -> FemtoRotatingFileHandler: ...  # type: ignore[override]

class TimedRotatingFileHandlerBuilder(_RollingBuilder):
    def with_when(self, when: _When, interval: int = 1) -> Self: ...
    def with_utc(self, utc: bool = True) -> Self: ...
    def with_at_time(self, at_time: _DayTime | None) -> Self: ...
    def build(self) -> FemtoTimedRotatingFileHandler: ...  # type: ignore[override]

class SocketHandlerBuilder(_HandlerBuilder):
    def __init__(self) -> None: ...
    def with_tcp(self, host: str, port: int) -> Self: ...
    def with_unix_path(self, path: _StrPath) -> Self: ...
    def with_tls(self, domain: str | None = None, insecure: bool = False) -> Self: ...
    def with_connect_timeout_ms(self, milliseconds: int) -> Self: ...
    def with_write_timeout_ms(self, milliseconds: int) -> Self: ...
    # A setting left out keeps its value; deadline_ms=None never gives up.
    def with_backoff(
        self,
        base_ms: int = ...,
        cap_ms: int = ...,
        reset_after_ms: int = ...,
        deadline_ms: int | None = ...,
    ) -> Self: ...
    def with_max_frame_size(self, size: int) -> Self: ...
    def build(self) -> FemtoSocketHandler: ...
