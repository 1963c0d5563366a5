"""femtologging: the standard library's ``logging``, with its hot path in Rust.

``import femtologging as logging`` gives the names, classes and behaviour of
the running Python's ``logging``. Loggers, handlers, formatters and filters
are native classes; this module adds their cold paths (constructors,
configuration, error reports) and the module-level functions.
"""

import atexit
import codecs
import collections  # noqa: F401 - a name of the standard module
import io
import locale
import os
import re
import sys
import threading
import time
import traceback
import warnings
import weakref
from string import Formatter as _StringFormatter
from string import Template
from types import GenericAlias  # noqa: F401 - a name of the standard module

from . import _femtologging as _native

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
    # The femto face.
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
    # One JSON object per record, as python-json-logger writes it.
    "JsonFormatter",
    # Routing the real `logging` module's records here.
    "capture_stdlib",
]
# The standard library's names are those of `logging.__all__` on the running
# Python (tests/test_public_names.py compares them); 3.12 added two.
if sys.version_info >= (3, 12):
    __all__ += ["getHandlerByName", "getHandlerNames"]

# The Cargo workspace's version, which is also the package's (pyproject.toml
# leaves it to maturin).
__version__ = _native.__version__

_PY312 = sys.version_info >= (3, 12)
_PY313 = sys.version_info >= (3, 13)

# logging's clock origin; relativeCreated counts from here. 3.13 keeps it in
# nanoseconds, earlier versions as a float from time.time().
_start_ns = time.time_ns()
_startTime = _start_ns if _PY313 else _start_ns / 1e9

raiseExceptions = True
logThreads = True
logMultiprocessing = True
logProcesses = True
if _PY312:
    logAsyncioTasks = True

CRITICAL = 50
FATAL = CRITICAL
ERROR = 40
WARNING = 30
WARN = WARNING
INFO = 20
DEBUG = 10
NOTSET = 0

_levelToName = {
    CRITICAL: "CRITICAL",
    ERROR: "ERROR",
    WARNING: "WARNING",
    INFO: "INFO",
    DEBUG: "DEBUG",
    NOTSET: "NOTSET",
}
_nameToLevel = {
    "CRITICAL": CRITICAL,
    "FATAL": FATAL,
    "ERROR": ERROR,
    "WARN": WARNING,
    "WARNING": WARNING,
    "INFO": INFO,
    "DEBUG": DEBUG,
    "NOTSET": NOTSET,
}


def getLevelNamesMapping():
    """A new dict from each level name to its number, the registered names included."""
    return _nameToLevel.copy()


def getLevelName(level):
    """The name of a level, or the level of a name; "Level %s" for neither."""
    name = _levelToName.get(level)
    if name is not None:
        return name
    value = _nameToLevel.get(level)
    if value is not None:
        return value
    # `%`, as the standard library formats it: a tuple is taken as the
    # arguments (and may raise), a mapping as the mapping.
    return "Level %s" % level  # noqa: UP031


def addLevelName(level, levelName):
    """Registers `levelName` as the name of the number `level` (both ways: `getLevelName` then
    answers either)."""
    with _lock:
        _levelToName[level] = levelName
        _nameToLevel[levelName] = level


def currentframe():
    return sys._getframe(1)


_srcfile = os.path.normcase(addLevelName.__code__.co_filename)


def _is_internal_frame(frame):
    """Whether a frame is the logging package's own or importlib's
    bootstrap, which the search for the caller steps over."""
    filename = os.path.normcase(frame.f_code.co_filename)
    return _is_package_file(filename) or ("importlib" in filename and "_bootstrap" in filename)


def _checkLevel(level):
    if isinstance(level, int):
        return level
    if str(level) == level:
        if level not in _nameToLevel:
            raise ValueError(f"Unknown level: {level!r}")
        return _nameToLevel[level]
    raise TypeError(f"Level not an integer or a valid string: {level!r}")


# The module lock guards the logger tree and the handler registry.
_lock = threading.RLock()

if not _PY313:

    def _acquireLock():
        if _lock:
            _lock.acquire()

    def _releaseLock():
        if _lock:
            _lock.release()


if hasattr(os, "register_at_fork"):
    # Every handler's lock, so that a child forked while one of them was held
    # gets it back unlocked; code that forks reads these names.
    _at_fork_reinit_lock_weakset = weakref.WeakSet()

    def _register_at_fork_reinit_lock(instance):
        with _lock:
            _at_fork_reinit_lock_weakset.add(instance)

    def _after_at_fork_child_reinit_locks():
        for handler in _at_fork_reinit_lock_weakset:
            handler._at_fork_reinit()
        # The parent took the module lock before forking.
        _lock._at_fork_reinit()

    if _PY313:

        def _prepareFork():
            try:
                _lock.acquire()
            except BaseException:
                _lock.release()
                raise

        def _afterFork():
            _lock.release()

        os.register_at_fork(
            before=_prepareFork,
            after_in_child=_after_at_fork_child_reinit_locks,
            after_in_parent=_afterFork,
        )
    else:
        os.register_at_fork(
            before=_acquireLock,
            after_in_child=_after_at_fork_child_reinit_locks,
            after_in_parent=_releaseLock,
        )
else:

    def _register_at_fork_reinit_lock(instance):
        pass


# ---------------------------------------------------------------- records


class LogRecord:
    """One logging event: every attribute lives in the instance dictionary."""

    def __init__(
        self, name, level, pathname, lineno, msg, args, exc_info, func=None, sinfo=None, **kwargs
    ):
        """Fills in the event: the logger's `name`, `level`, where it was logged (`pathname`,
        `lineno`, `func`), `msg` and its `args`, `exc_info`, and `sinfo` (stack text); the time,
        thread, process and task are taken now. Loggers call this through `makeRecord`."""
        _native.init_record(self, name, level, pathname, lineno, msg, args, exc_info, func, sinfo)

    def __repr__(self):
        return (
            f"<LogRecord: {self.name}, {self.levelno}, {self.pathname},"
            f' {self.lineno}, "{self.msg}">'
        )

    def getMessage(self):
        """The message with its arguments merged in: `str(msg) % args`, or `str(msg)` when there are
        none."""
        return _native.merge_message(self.msg, self.args)


_logRecordFactory = LogRecord


def setLogRecordFactory(factory):
    """Sets the callable that makes records (called as `LogRecord` is); loggers use it from the next
    record on."""
    global _logRecordFactory
    _logRecordFactory = factory


def getLogRecordFactory():
    """The callable that makes records: `LogRecord` unless `setLogRecordFactory` changed it."""
    return _logRecordFactory


def makeLogRecord(dict):
    """A record whose attributes are taken from a dict, such as the `__dict__` a `SocketHandler`
    pickled."""
    record = _logRecordFactory(None, None, "", 0, "", (), None, None)
    record.__dict__.update(dict)
    return record


# ---------------------------------------------------------------- formatters

PercentStyle = _native.PercentStyle
StrFormatStyle = _native.StrFormatStyle
StringTemplateStyle = _native.StringTemplateStyle


def _attach(native_class):
    """Adds the methods of a class body to a native class; returns the latter."""

    def attach(body):
        for name, value in vars(body).items():
            if name in ("__dict__", "__weakref__", "__module__", "__qualname__"):
                continue
            if name == "__doc__" and value is None:
                continue
            setattr(native_class, name, value)
        return native_class

    return attach


@_attach(PercentStyle)
class PercentStyle:  # noqa: F811
    default_format = "%(message)s"
    asctime_format = "%(asctime)s"
    asctime_search = "%(asctime)"
    # A %-placeholder with a mapping key: flags, width, precision, conversion.
    validation_pattern = re.compile(
        r"%\(\w+\)[#0+ -]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]", re.IGNORECASE
    )

    def __init__(self, fmt, *, defaults=None):
        self._fmt = fmt or self.default_format
        self._defaults = defaults


@_attach(StrFormatStyle)
class StrFormatStyle:  # noqa: F811
    default_format = "{message}"
    asctime_format = "{asctime}"
    asctime_search = "{asctime"
    # The format mini-language: [[fill]align][sign][z][#][0][width][,|_][.precision][type].
    fmt_spec = re.compile(
        r"^(?:.?[<>=^])?[+ -]?z?#?0?(?:\d+|{\w+})?[,_]?(?:\.(?:\d+|{\w+}))?[bcdeEfFgGnosxX%]?$",
        re.IGNORECASE,
    )
    # A field name: an identifier followed by attribute or index lookups.
    field_spec = re.compile(r"^(?:\d+|\w+)(?:\.\w+|\[[^]]+\])*$")


@_attach(StringTemplateStyle)
class StringTemplateStyle:  # noqa: F811
    default_format = "${message}"
    asctime_format = "${asctime}"
    asctime_search = "${asctime}"
    # $name or ${name}.
    validation_pattern = re.compile(r"\$(?:\w+|\{\w+\})", re.IGNORECASE)

    def __init__(self, fmt, *, defaults=None):
        PercentStyle.__init__(self, fmt, defaults=defaults)
        self._tpl = Template(self._fmt)


BASIC_FORMAT = "%(levelname)s:%(name)s:%(message)s"

# The `str.format` engine StrFormatStyle's validation parses templates with.
_str_formatter = _StringFormatter()

_STYLES = {
    "%": (PercentStyle, BASIC_FORMAT),
    "{": (StrFormatStyle, "{levelname}:{name}:{message}"),
    "$": (StringTemplateStyle, "${levelname}:${name}:${message}"),
}

Formatter = _native.Formatter


@_attach(Formatter)
class Formatter:  # noqa: F811
    converter = time.localtime
    default_time_format = "%Y-%m-%d %H:%M:%S"
    default_msec_format = "%s,%03d"

    def __init__(self, fmt=None, datefmt=None, style="%", validate=True, *, defaults=None):
        """Checks the template against `style` (unless `validate` is false) and keeps `datefmt` for
        `formatTime`."""
        if style not in _STYLES:
            raise ValueError("Style must be one of: {}".format(",".join(_STYLES.keys())))
        self._style = _STYLES[style][0](fmt, defaults=defaults)
        if validate:
            self._style.validate()
        self._fmt = self._style._fmt
        self.datefmt = datefmt

    def formatException(self, ei):
        """The traceback of an `exc_info` tuple as text, without the final newline."""
        buffer = io.StringIO()
        traceback.print_exception(ei[0], ei[1], ei[2], None, buffer)
        text = buffer.getvalue()
        buffer.close()
        if text[-1:] == "\n":
            text = text[:-1]
        return text


_defaultFormatter = Formatter()


class BufferingFormatter:
    """Formats a batch of records with a header and a footer."""

    def __init__(self, linefmt=None):
        """`linefmt` formats each record (the module's default formatter when None)."""
        self.linefmt = linefmt if linefmt else _defaultFormatter

    def formatHeader(self, records):
        """The text before a batch of records; empty here, for subclasses."""
        return ""

    def formatFooter(self, records):
        """The text after a batch of records; empty here, for subclasses."""
        return ""

    def format(self, records):
        """The header, each record formatted by `linefmt`, and the footer, as one string; empty for
        no records."""
        if not records:
            return ""
        parts = [self.formatHeader(records)]
        parts.extend(self.linefmt.format(record) for record in records)
        parts.append(self.formatFooter(records))
        return "".join(parts)


# ---------------------------------------------------------------- filters

Filter = _native.Filter
Filterer = _native.Filterer


@_attach(Filter)
class Filter:  # noqa: F811
    def __init__(self, name=""):
        """`name` is the logger whose records (its own and its children's) pass; empty for every
        record."""
        self.name = name


@_attach(Filterer)
class Filterer:  # noqa: F811
    def __init__(self):
        self.filters = []

    def addFilter(self, filter):
        """Adds a filter (an object with `filter(record)` or a callable), once."""
        if filter not in self.filters:
            self.filters.append(filter)

    def removeFilter(self, filter):
        """Removes a filter, if it is there."""
        if filter in self.filters:
            self.filters.remove(filter)


# ---------------------------------------------------------------- handlers

_handlers = weakref.WeakValueDictionary()
_handlerList = []


def _removeHandlerRef(wr):
    # At interpreter teardown module globals may already be None.
    lock, handlers = _lock, _handlerList
    if lock and handlers:
        with lock:
            if wr in handlers:
                handlers.remove(wr)


def _addHandlerRef(handler):
    with _lock:
        _handlerList.append(weakref.ref(handler, _removeHandlerRef))


if _PY312:

    def getHandlerByName(name):
        """The handler named `name` (by `set_name` or a configuration), or None."""
        return _handlers.get(name)

    def getHandlerNames():
        """A frozenset of the names of the handlers that have one."""
        return frozenset(_handlers)


Handler = _native.Handler


@_attach(Handler)
class Handler:  # noqa: F811
    def __init__(self, level=NOTSET):
        """Makes a handler of records at `level` and above, with no filters, no formatter and no
        name, and registers it for `shutdown`."""
        Filterer.__init__(self)
        self._name = None
        self.level = _checkLevel(level)
        self.formatter = None
        self._closed = False
        _addHandlerRef(self)
        self.createLock()

    def get_name(self):
        """The handler's name (None until given), by which `getHandlerByName` and configurations
        find it."""
        return self._name

    def set_name(self, name):
        """Names the handler, registering it under the new name."""
        with _lock:
            if self._name in _handlers:
                del _handlers[self._name]
            self._name = name
            if name:
                _handlers[name] = self

    name = property(get_name, set_name)

    def createLock(self):
        """Makes the handler's lock, a reentrant one re-made in a forked child."""
        self.lock = threading.RLock()
        _register_at_fork_reinit_lock(self)

    def _at_fork_reinit(self):
        self.lock._at_fork_reinit()

    def acquire(self):
        """Takes the handler's lock (held while a record is emitted)."""
        if self.lock:
            self.lock.acquire()

    def release(self):
        """Releases the handler's lock."""
        if self.lock:
            self.lock.release()

    def setLevel(self, level):
        """Sets the level below which loggers do not pass records to this handler; a number or a
        registered name."""
        self.level = _checkLevel(level)

    def setFormatter(self, fmt):
        """Sets the `Formatter` used by `format` (None: the module's default)."""
        self.formatter = fmt

    def flush(self):
        """Writes out what the handler holds; nothing here, for subclasses."""
        pass

    def close(self):
        """Marks the handler closed and forgets its name; `shutdown` calls it at exit. Subclasses
        release their resources, then call this."""
        with _lock:
            self._closed = True
            if self._name and self._name in _handlers:
                del _handlers[self._name]

    def handleError(self, record):
        """Reports an error raised while emitting, on stderr, and goes on."""
        if not (raiseExceptions and sys.stderr):
            return
        exc_type, exc_value, exc_traceback = sys.exc_info()
        try:
            stderr = sys.stderr
            stderr.write("--- Logging error ---\n")
            if exc_traceback is None:
                # Raised inside the native path: there is no Python frame of
                # ours to show, only the exception itself.
                stderr.write("Traceback (most recent call last):\n")
            traceback.print_exception(exc_type, exc_value, exc_traceback, None, stderr)
            stderr.write("Call stack:\n")
            frame = _report_start(sys._getframe(1), exc_traceback)
            while frame is not None and _is_package_file(frame.f_code.co_filename):
                frame = frame.f_back
            if frame is not None:
                traceback.print_stack(frame, file=stderr)
            else:
                stderr.write(f"Logged from file {record.filename}, line {record.lineno}\n")
            try:
                stderr.write(f"Message: {record.msg!r}\nArguments: {record.args}\n")
            except RecursionError:
                raise
            except Exception:
                stderr.write(
                    "Unable to print the message and arguments - possible formatting error."
                    "\nUse the traceback above to help find the error.\n"
                )
        except OSError:
            pass
        finally:
            del exc_type, exc_value, exc_traceback

    def __repr__(self):
        level = getLevelName(self.level)
        return f"<{self.__class__.__name__} ({level})>"


def _report_start(caller, exc_traceback):
    """Where the call stack of an error report starts: the frame that caught
    the exception when it is still running, as in the standard library, else
    the frame that reported it. An exception raised under native code has its
    first traceback entry in the code that raised (a `__str__`, say), which is
    no longer on the stack."""
    if exc_traceback is not None:
        frame = caller
        while frame is not None:
            if frame is exc_traceback.tb_frame:
                return frame
            frame = frame.f_back
    return caller


def _is_package_file(filename):
    return os.path.dirname(filename) == _package_dir


_package_dir = os.path.dirname(_srcfile)

StreamHandler = _native.StreamHandler


@_attach(StreamHandler)
class StreamHandler:  # noqa: F811
    def __init__(self, stream=None):
        """Writes to `stream`, or to the `sys.stderr` in force now when None."""
        Handler.__init__(self)
        if stream is None:
            stream = sys.stderr
        self.stream = stream

    def setStream(self, stream):
        """Writes to `stream` from now on, flushing the old one first; returns the old stream, or
        None when it was the same."""
        if stream is self.stream:
            return None
        previous = self.stream
        with self.lock:
            self.flush()
            self.stream = stream
        return previous

    def __repr__(self):
        level = getLevelName(self.level)
        name = str(getattr(self.stream, "name", ""))
        if name:
            name += " "
        return f"<{self.__class__.__name__} {name}({level})>"

    if _PY312:
        __class_getitem__ = classmethod(lambda cls, item: cls)


class _ClassDefault:
    """A native per-instance attribute that reads as its default on the class,
    as the standard library's plain class attribute does."""

    def __init__(self, native, default):
        self._native = native
        self._default = default

    def __get__(self, instance, owner=None):
        if instance is None:
            return self._default
        return self._native.__get__(instance, owner)

    def __set__(self, instance, value):
        self._native.__set__(instance, value)


StreamHandler.terminator = _ClassDefault(vars(StreamHandler)["terminator"], "\n")

FileHandler = _native.FileHandler
_NATIVE_FILE_MODES = {"a", "w", "x", "a+", "w+", "x+", "at", "wt", "xt"}


# What `open` was at import. `FileHandler._open` compares with this rather
# than with the builtin's name: a record logged from `__del__` late in
# interpreter shutdown reopens a closed file after builtins are gone, and
# the standard handler still writes it.
_BUILTIN_OPEN = open


def _resolve_encoding(encoding):
    """The codec a text file opened with this encoding would use."""
    if encoding is None or encoding == "locale":
        if sys.flags.utf8_mode:
            encoding = "utf-8"
        else:
            encoding = locale.getpreferredencoding(False)
    return codecs.lookup(encoding).name


@_attach(FileHandler)
class FileHandler:  # noqa: F811
    def __init__(self, filename, mode="a", encoding=None, delay=False, errors=None):
        """Opens `filename` now, or at the first record with `delay=True`; `mode` is `"a"` (append)
        by default, `encoding` and `errors` as `open` takes them."""
        filename = os.fspath(filename)
        self.baseFilename = os.path.abspath(filename)
        self.mode = mode
        self.encoding = encoding
        if "b" not in mode:
            self.encoding = io.text_encoding(encoding)
        self.errors = errors
        self.delay = delay
        self._builtin_open = open
        if delay:
            Handler.__init__(self)
            self.stream = None
        else:
            StreamHandler.__init__(self, self._open())

    def _open(self):
        if self.mode in _NATIVE_FILE_MODES and self._builtin_open is _BUILTIN_OPEN:
            return _native.FileStream(
                self.baseFilename,
                self.mode,
                _resolve_encoding(self.encoding),
                self.errors or "strict",
            )
        return self._builtin_open(
            self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors
        )

    def close(self):
        """Flushes and closes the file; a later record opens it again."""
        with self.lock:
            try:
                if self.stream:
                    try:
                        self.flush()
                    finally:
                        stream = self.stream
                        self.stream = None
                        if hasattr(stream, "close"):
                            stream.close()
            finally:
                StreamHandler.close(self)

    def __repr__(self):
        level = getLevelName(self.level)
        return f"<{self.__class__.__name__} {self.baseFilename} ({level})>"


class _StderrHandler(StreamHandler):
    """The last resort: writes to whatever sys.stderr is at the time."""

    def __init__(self, level=NOTSET):
        Handler.__init__(self, level)

    @property
    def stream(self):
        return sys.stderr


_defaultLastResort = _StderrHandler(WARNING)
lastResort = _defaultLastResort

NullHandler = _native.NullHandler


@_attach(NullHandler)
class NullHandler:  # noqa: F811
    def handle(self, record):
        """Does nothing."""

    def emit(self, record):
        """Does nothing."""

    def createLock(self):
        """Has no lock: a `NullHandler` does nothing to protect."""
        self.lock = None

    def _at_fork_reinit(self):
        pass


# ---------------------------------------------------------------- the tree


class PlaceHolder:
    """Stands in the tree for a logger nobody asked for yet."""

    def __init__(self, alogger):
        self.loggerMap = {alogger: None}

    def append(self, alogger):
        if alogger not in self.loggerMap:
            self.loggerMap[alogger] = None


def setLoggerClass(klass):
    """Sets the class that `getLogger` makes new loggers of: `Logger` or a subclass of it."""
    if klass != Logger:
        if not issubclass(klass, Logger):
            raise TypeError("logger not derived from logging.Logger: " + klass.__name__)
    global _loggerClass
    _loggerClass = klass


def getLoggerClass():
    """The class that `getLogger` makes new loggers of."""
    return _loggerClass


Manager = _native.Manager


@_attach(Manager)
class Manager:  # noqa: F811
    def __init__(self, rootnode):
        self.root = rootnode
        self.disable = 0
        self.emittedNoHandlerWarning = False
        self.loggerDict = {}
        self.loggerClass = None
        self.logRecordFactory = None

    def getLogger(self, name):
        if not isinstance(name, str):
            raise TypeError("A logger name must be a string")
        with _lock:
            if name in self.loggerDict:
                found = self.loggerDict[name]
                if isinstance(found, PlaceHolder):
                    placeholder = found
                    found = (self.loggerClass or _loggerClass)(name)
                    found.manager = self
                    self.loggerDict[name] = found
                    self._fixupChildren(placeholder, found)
                    self._fixupParents(found)
            else:
                found = (self.loggerClass or _loggerClass)(name)
                found.manager = self
                self.loggerDict[name] = found
                self._fixupParents(found)
        return found

    def setLoggerClass(self, klass):
        if klass != Logger:
            if not issubclass(klass, Logger):
                raise TypeError("logger not derived from logging.Logger: " + klass.__name__)
        self.loggerClass = klass

    def setLogRecordFactory(self, factory):
        self.logRecordFactory = factory

    def _fixupParents(self, alogger):
        name = alogger.name
        dot = name.rfind(".")
        parent = None
        while dot > 0 and not parent:
            prefix = name[:dot]
            if prefix not in self.loggerDict:
                self.loggerDict[prefix] = PlaceHolder(alogger)
            else:
                entry = self.loggerDict[prefix]
                if isinstance(entry, Logger):
                    parent = entry
                else:
                    entry.append(alogger)
            dot = name.rfind(".", 0, dot - 1)
        if not parent:
            parent = self.root
        alogger.parent = parent

    def _fixupChildren(self, placeholder, alogger):
        name = alogger.name
        length = len(name)
        for child in placeholder.loggerMap.keys():
            if child.parent.name[:length] != name:
                alogger.parent = child.parent
                child.parent = alogger

    # The standard library keeps `disable` behind a property over `_disable`.
    _disable = property(
        lambda self: self.disable, lambda self, value: setattr(self, "disable", value)
    )

    def _clear_cache(self):
        _native.invalidate_levels()
        with _lock:
            for logger in self.loggerDict.values():
                if isinstance(logger, Logger):
                    logger._cache.clear()
            self.root._cache.clear()


Logger = _native.Logger


@_attach(Logger)
class Logger:  # noqa: F811
    def __init__(self, name, level=NOTSET):
        """Made by `getLogger`, which also links it into the tree; call that rather than this."""
        Filterer.__init__(self)
        self.name = name
        self.level = _checkLevel(level)
        self.parent = None
        self.propagate = True
        self.handlers = []
        self.disabled = False
        self._cache = {}

    def setLevel(self, level):
        """Sets this logger's level (a number or a registered name); records below it are not made.
        NOTSET defers to the ancestors."""
        self.level = _checkLevel(level)
        self.manager._clear_cache()

    def warn(self, msg, *args, **kwargs):
        """Deprecated spelling of `warning`: warns, then logs at WARNING."""
        warnings.warn(
            "The 'warn' method is deprecated, use 'warning' instead", DeprecationWarning, 2
        )
        self.warning(msg, *args, **kwargs)

    def addHandler(self, hdlr):
        """Adds a handler to this logger, once."""
        with _lock:
            if hdlr not in self.handlers:
                self.handlers.append(hdlr)

    def removeHandler(self, hdlr):
        """Removes a handler from this logger, if it is there."""
        with _lock:
            if hdlr in self.handlers:
                self.handlers.remove(hdlr)

    def hasHandlers(self):
        """Whether a record logged here would reach a handler: one on this logger, or on an ancestor
        reached through `propagate`."""
        current = self
        while current:
            if current.handlers:
                return True
            if not current.propagate:
                return False
            current = current.parent
        return False

    def getChild(self, suffix):
        """The logger named `self.name + "." + suffix`: `getLogger("app").getChild("db")` is
        `getLogger("app.db")`."""
        if self.root is not self:
            suffix = ".".join((self.name, suffix))
        return self.manager.getLogger(suffix)

    if _PY312:

        def getChildren(self):
            """The set of loggers directly below this one in the tree."""

            def depth(logger):
                return 0 if logger is self.root else logger.name.count(".") + 1

            # A child sits one level below: 'p.b.deep' hangs from 'p' while
            # 'p.b' is a placeholder, but it is not a child of 'p'.
            with _lock:
                loggers = self.manager.loggerDict.values()
                return {
                    item
                    for item in loggers
                    if isinstance(item, Logger)
                    and item.parent is self
                    and depth(item) == depth(self) + 1
                }

    def __repr__(self):
        level = getLevelName(self.getEffectiveLevel())
        return f"<{self.__class__.__name__} {self.name} ({level})>"

    def __reduce__(self):
        if getLogger(self.name) is not self:
            import pickle

            raise pickle.PicklingError("logger cannot be pickled")
        return getLogger, (self.name,)


RootLogger = _native.RootLogger


@_attach(RootLogger)
class RootLogger:  # noqa: F811
    def __init__(self, level):
        Logger.__init__(self, "root", level)

    def __reduce__(self):
        return getLogger, ()


_loggerClass = Logger

root = RootLogger(WARNING)
Logger.root = root
Logger.manager = Manager(Logger.root)
root.manager = Logger.manager


class LoggerAdapter:
    """Adds contextual information to every call on a logger."""

    if sys.version_info >= (3, 13):

        def __init__(self, logger, extra=None, merge_extra=False):
            """Adapts `logger`, adding the mapping `extra` to each call's record; with
            `merge_extra=True` the call's own `extra` is merged in rather than replaced."""
            self.logger = logger
            self.extra = extra
            self.merge_extra = merge_extra

    else:

        def __init__(self, logger, extra=None):
            """Adapts `logger`, adding the mapping `extra` to each call's record
            in place of the call's own `extra`."""
            self.logger = logger
            self.extra = extra

    def process(self, msg, kwargs):
        """Returns the message and keyword arguments to log: adds the adapter's `extra` (merged with
        the call's own when `merge_extra` is true). Override it to change the message."""
        if getattr(self, "merge_extra", False) and "extra" in kwargs:
            # The call's own keys win over the adapter's.
            kwargs["extra"] = {**self.extra, **kwargs["extra"]}
        else:
            kwargs["extra"] = self.extra
        return msg, kwargs

    def debug(self, msg, *args, **kwargs):
        """Logs 'msg % args' at DEBUG on the adapted logger."""
        self.log(DEBUG, msg, *args, **kwargs)

    def info(self, msg, *args, **kwargs):
        """Logs 'msg % args' at INFO on the adapted logger."""
        self.log(INFO, msg, *args, **kwargs)

    def warning(self, msg, *args, **kwargs):
        """Logs 'msg % args' at WARNING on the adapted logger."""
        self.log(WARNING, msg, *args, **kwargs)

    def warn(self, msg, *args, **kwargs):
        """Deprecated spelling of `warning`: warns, then logs at WARNING."""
        warnings.warn(
            "The 'warn' method is deprecated, use 'warning' instead", DeprecationWarning, 2
        )
        self.warning(msg, *args, **kwargs)

    def error(self, msg, *args, **kwargs):
        """Logs 'msg % args' at ERROR on the adapted logger."""
        self.log(ERROR, msg, *args, **kwargs)

    def exception(self, msg, *args, exc_info=True, **kwargs):
        """Logs 'msg % args' at ERROR with the current exception's traceback; call it from an
        `except` block."""
        self.log(ERROR, msg, *args, exc_info=exc_info, **kwargs)

    def critical(self, msg, *args, **kwargs):
        """Logs 'msg % args' at CRITICAL on the adapted logger."""
        self.log(CRITICAL, msg, *args, **kwargs)

    def log(self, level, msg, *args, **kwargs):
        """Logs 'msg % args' at `level` on the adapted logger, after `process`."""
        if self.isEnabledFor(level):
            msg, kwargs = self.process(msg, kwargs)
            self.logger.log(level, msg, *args, **kwargs)

    def isEnabledFor(self, level):
        """Whether the adapted logger makes records at `level`."""
        return self.logger.isEnabledFor(level)

    def setLevel(self, level):
        """Sets the adapted logger's level."""
        self.logger.setLevel(level)

    def getEffectiveLevel(self):
        """The adapted logger's effective level."""
        return self.logger.getEffectiveLevel()

    def hasHandlers(self):
        """Whether the adapted logger has a handler to reach."""
        return self.logger.hasHandlers()

    def _log(self, level, msg, args, exc_info=None, extra=None, stack_info=False):
        return self.logger._log(
            level, msg, args, exc_info=exc_info, extra=extra, stack_info=stack_info
        )

    @property
    def manager(self):
        """The adapted logger's `Manager`."""
        return self.logger.manager

    @manager.setter
    def manager(self, value):
        self.logger.manager = value

    @property
    def name(self):
        """The adapted logger's name."""
        return self.logger.name

    def __repr__(self):
        logger = self.logger
        level = getLevelName(logger.getEffectiveLevel())
        return f"<{self.__class__.__name__} {logger.name} ({level})>"

    if _PY312:
        __class_getitem__ = classmethod(lambda cls, item: cls)


# ---------------------------------------------------------------- configuration


def basicConfig(**kwargs):
    """Configures the root logger once, unless force=True."""
    with _lock:
        force = kwargs.pop("force", False)
        background = kwargs.pop("background", False)
        encoding = kwargs.pop("encoding", None)
        errors = kwargs.pop("errors", "backslashreplace")
        if force:
            for handler in root.handlers[:]:
                root.removeHandler(handler)
                handler.close()
        if len(root.handlers) == 0:
            handlers = kwargs.pop("handlers", None)
            if handlers is None:
                if "stream" in kwargs and "filename" in kwargs:
                    raise ValueError("'stream' and 'filename' should not be specified together")
            else:
                if "stream" in kwargs or "filename" in kwargs:
                    raise ValueError(
                        "'stream' or 'filename' should not be specified together with 'handlers'"
                    )
                if background:
                    raise ValueError(
                        "background=True applies to the handler basicConfig makes; "
                        "pass femto handlers in 'handlers' instead"
                    )
            if handlers is None and background:
                handlers = [
                    _femto.background_handler(
                        kwargs.pop("filename", None),
                        kwargs.pop("filemode", "a"),
                        kwargs.pop("stream", None),
                        encoding,
                        errors,
                    )
                ]
            if handlers is None:
                filename = kwargs.pop("filename", None)
                mode = kwargs.pop("filemode", "a")
                if filename:
                    if "b" in mode:
                        errors = None
                    else:
                        encoding = io.text_encoding(encoding)
                    handlers = [FileHandler(filename, mode, encoding=encoding, errors=errors)]
                else:
                    stream = kwargs.pop("stream", None)
                    handlers = [StreamHandler(stream)]
            dfs = kwargs.pop("datefmt", None)
            style = kwargs.pop("style", "%")
            if style not in _STYLES:
                raise ValueError("Style must be one of: {}".format(",".join(_STYLES.keys())))
            fs = kwargs.pop("format", _STYLES[style][1])
            fmt = Formatter(fs, dfs, style)
            for handler in handlers:
                if handler.formatter is None:
                    handler.setFormatter(fmt)
                root.addHandler(handler)
            level = kwargs.pop("level", None)
            if level is not None:
                root.setLevel(level)
            if kwargs:
                keys = ", ".join(kwargs.keys())
                raise ValueError(f"Unrecognised argument(s): {keys}")


def getLogger(name=None):
    """The logger of that dotted name, made on first use with its ancestors; the same name always
    gives the same logger. The root logger for None or ""."""
    if not name or isinstance(name, str) and name == root.name:
        return root
    return Logger.manager.getLogger(name)


def critical(msg, *args, **kwargs):
    """Logs 'msg % args' at CRITICAL on the root logger, for a quick script. When the root has no
    handler, calls `basicConfig()` first, so the record is shown on stderr."""
    if len(root.handlers) == 0:
        basicConfig()
    root.critical(msg, *args, **kwargs)


fatal = critical


def error(msg, *args, **kwargs):
    """Logs 'msg % args' at ERROR on the root logger, for a quick script. When the root has no
    handler, calls `basicConfig()` first, so the record is shown on stderr."""
    if len(root.handlers) == 0:
        basicConfig()
    root.error(msg, *args, **kwargs)


def exception(msg, *args, exc_info=True, **kwargs):
    """Logs 'msg % args' at ERROR with the current exception's traceback on the root logger, for a
    quick script. When the root has no handler, calls `basicConfig()` first, so the record is
    shown on stderr."""
    error(msg, *args, exc_info=exc_info, **kwargs)


def warning(msg, *args, **kwargs):
    """Logs 'msg % args' at WARNING on the root logger, for a quick script. When the root has no
    handler, calls `basicConfig()` first, so the record is shown on stderr."""
    if len(root.handlers) == 0:
        basicConfig()
    root.warning(msg, *args, **kwargs)


def warn(msg, *args, **kwargs):
    """Deprecated spelling of `warning`: warns, then logs at WARNING."""
    warnings.warn("The 'warn' function is deprecated, use 'warning' instead", DeprecationWarning, 2)
    warning(msg, *args, **kwargs)


def info(msg, *args, **kwargs):
    """Logs 'msg % args' at INFO on the root logger, for a quick script. When the root has no
    handler, calls `basicConfig()` first, so the record is shown on stderr."""
    if len(root.handlers) == 0:
        basicConfig()
    root.info(msg, *args, **kwargs)


def debug(msg, *args, **kwargs):
    """Logs 'msg % args' at DEBUG on the root logger, for a quick script. When the root has no
    handler, calls `basicConfig()` first, so the record is shown on stderr."""
    if len(root.handlers) == 0:
        basicConfig()
    root.debug(msg, *args, **kwargs)


def log(level, msg, *args, **kwargs):
    """Logs 'msg % args' at `level` on the root logger, for a quick script. When the root has no
    handler, calls `basicConfig()` first, so the record is shown on stderr."""
    if len(root.handlers) == 0:
        basicConfig()
    root.log(level, msg, *args, **kwargs)


def disable(level=CRITICAL):
    """Turns off every record at `level` and below, in every logger, over their own levels;
    `disable(NOTSET)` turns them back on."""
    root.manager.disable = level
    root.manager._clear_cache()


def shutdown(handlerList=_handlerList):
    """Flushes and closes every handler, newest first (run at exit)."""
    for reference in reversed(handlerList[:]):
        try:
            handler = reference()
            if handler:
                try:
                    handler.acquire()
                    if getattr(handler, "flushOnClose", True):
                        handler.flush()
                    handler.close()
                except (OSError, ValueError):
                    pass
                finally:
                    handler.release()
        except:  # noqa: E722 - the standard library re-raises only when asked to
            if raiseExceptions:
                raise


atexit.register(shutdown)

_warnings_showwarning = None


def _showwarning(message, category, filename, lineno, file=None, line=None):
    if file is not None:
        if _warnings_showwarning is not None:
            _warnings_showwarning(message, category, filename, lineno, file, line)
    else:
        text = warnings.formatwarning(message, category, filename, lineno, line)
        logger = getLogger("py.warnings")
        if not logger.handlers:
            logger.addHandler(NullHandler())
        logger.warning(str(text))


def captureWarnings(capture):
    """With True, sends what `warnings.warn` shows to the `py.warnings` logger at WARNING instead of
    stderr; False undoes it."""
    global _warnings_showwarning
    if capture:
        if _warnings_showwarning is None:
            _warnings_showwarning = warnings.showwarning
            warnings.showwarning = _showwarning
    else:
        if _warnings_showwarning is not None:
            warnings.showwarning = _warnings_showwarning
            _warnings_showwarning = None


# ---------------------------------------------------------------- the real logging


def capture_stdlib(capture=True):
    """Routes the records of libraries that log through the standard
    library's `logging` into femtologging's loggers and handlers (levels,
    filters and the caller of each call kept); `capture_stdlib(False)` stops.
    See `_stdlib_bridge`."""
    from . import _stdlib_bridge

    _stdlib_bridge.capture_stdlib(capture)


# ---------------------------------------------------------------- femto face

from . import _femto  # noqa: E402

globals().update(_femto._install(sys.modules[__name__]))

# ---------------------------------------------------------------- native set-up

from . import _cold  # noqa: E402

# The files whose frames the search for the caller steps over.
_internal_files = [
    _srcfile,
    os.path.normcase(_cold.__file__),
    os.path.normcase(_femto.__file__),
]

_native.install(
    module=sys.modules[__name__],
    level_to_name=_levelToName,
    name_to_level=_nameToLevel,
    log_record_class=LogRecord,
    default_record_factory=LogRecord,
    cold=_cold,
    internal_files=_internal_files,
    start_ns=_start_ns,
    python_minor=sys.version_info[1],
)

# ---------------------------------------------------------------- JSON lines

from ._json import JsonFormatter  # noqa: E402
