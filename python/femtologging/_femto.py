"""The femto face: handlers whose writes happen on a Rust worker thread.

`FemtoFileHandler` and `FemtoStreamHandler` are standard handlers (a logger
built with `getLogger` takes them with `addHandler`): the caller formats the
record and queues the line, and the worker writes it. Nothing is lost
silently: the queue is bounded, every record it refuses is counted
(`handler.stats()`), and `policy="block"` makes the caller wait instead.
"""

import atexit
import os
import sys
import weakref

from . import _femtologging as _native

DEFAULT_CAPACITY = 1024
DEFAULT_FLUSH_TIMEOUT_MS = 1000
# What a femto handler writes when no formatter was given.
DEFAULT_FORMAT = "%(name)s [%(levelname)s] %(message)s"

_live_handlers = weakref.WeakSet()


class OverflowPolicy:
    """What a full queue does to the caller: drop the record (and count it),
    block until there is room, or block up to a timeout, then drop."""

    __slots__ = ("_text",)

    def __init__(self, text):
        """`text` is `"drop"`, `"block"` or `"timeout:N"` (N milliseconds above zero); anything else
        raises `ValueError`."""
        if not isinstance(text, str):
            raise TypeError(
                f'OverflowPolicy({text!r}): a policy is "drop", "block" or "timeout:N" '
                "(N in milliseconds), or use OverflowPolicy.drop(), .block(), .timeout(ms)"
            )
        self._text = _native.normalize_policy(text)

    @classmethod
    def drop(cls):
        """Drop the record and count it (`stats()["dropped"]`); the caller never waits."""
        return cls("drop")

    @classmethod
    def block(cls):
        """Make the caller wait until the worker has room: nothing is lost."""
        return cls("block")

    @classmethod
    def timeout(cls, milliseconds):
        """Wait up to `milliseconds` for room, then drop the record and count it."""
        if isinstance(milliseconds, bool) or not isinstance(milliseconds, int):
            raise TypeError(
                f"OverflowPolicy.timeout() takes whole milliseconds, not {milliseconds!r}"
            )
        if milliseconds <= 0:
            raise ValueError("OverflowPolicy.timeout() needs a positive number of milliseconds")
        return cls(f"timeout:{milliseconds}")

    def __str__(self):
        return self._text

    def __repr__(self):
        return f"OverflowPolicy({self._text!r})"

    def __eq__(self, other):
        return isinstance(other, OverflowPolicy) and other._text == self._text

    def __hash__(self):
        return hash(self._text)


def _policy_text(policy):
    if isinstance(policy, OverflowPolicy):
        return str(policy)
    if isinstance(policy, str):
        return _native.normalize_policy(policy)
    raise TypeError(
        f'policy must be "drop", "block", "timeout:N" or an OverflowPolicy, not {policy!r}'
    )


def _positive(name, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


def _start(
    handler, target, capacity, flush_interval, policy, flush_timeout_ms, truncate=False, **rolling
):
    """Starts the worker of a handler whose standard `__init__` has run;
    `rolling` holds a rotating handler's `rotation`, `compress` and
    `interprocess`."""
    handler._start(
        target,
        capacity=_positive("capacity", capacity),
        flush_interval=_positive("flush_interval", flush_interval),
        policy=_policy_text(policy),
        flush_timeout_ms=_positive("flush timeout", flush_timeout_ms),
        truncate=truncate,
        **rolling,
    )
    _live_handlers.add(handler)
    _drain_on_exit_signals()


class _SignalHook:
    """Whether SIGTERM and SIGHUP were looked at in this process."""

    done = False


def _drain_on_exit_signals():
    """Once, when the first femto handler starts: where the application left
    SIGTERM and SIGHUP at their default action, which ends the process
    without `atexit`, every femto handler writes what it holds first."""
    if _SignalHook.done:
        return
    _SignalHook.done = True
    try:
        _native.drain_on_exit_signals()
    except OSError as error:
        sys.stderr.write(f"femtologging: cannot watch SIGTERM and SIGHUP: {error}\n")


def _count(name, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value


def _rotation(rotation):
    """`(max_bytes, backup_count)`: both above zero, or `(0, 0)` for none."""
    try:
        max_bytes, backup_count = rotation
    except (TypeError, ValueError):
        raise TypeError(
            f"rotation must be a pair (max_bytes, backup_count), not {rotation!r}"
        ) from None
    max_bytes = _count("max_bytes", max_bytes)
    backup_count = _count("backup_count", backup_count)
    if (max_bytes == 0) != (backup_count == 0):
        raise ValueError(
            f"rotation=({max_bytes}, {backup_count}): max_bytes and backup_count must both "
            "be above zero to rotate, or both zero for no rotation"
        )
    return max_bytes, backup_count


def _compression(compress):
    if compress is None or compress == "gzip":
        return compress
    raise ValueError(f'unknown compression {compress!r}: the supported compression is "gzip"')


class HandlerOptions:
    """The worker's settings for a rotating femto handler: `capacity`,
    `flush_interval` and `policy` as for `FemtoFileHandler`, and
    `rotation=(max_bytes, backup_count)`, where `(0, 0)` turns rotation off.
    `compress="gzip"` compresses each backup on a background thread;
    `interprocess=True` lets several processes share the files (an advisory
    lock on `path + ".lock"`)."""

    __slots__ = ("capacity", "flush_interval", "policy", "rotation", "compress", "interprocess")

    def __init__(
        self,
        capacity=DEFAULT_CAPACITY,
        flush_interval=1,
        policy="drop",
        rotation=(0, 0),
        *,
        compress=None,
        interprocess=False,
    ):
        """Checks every setting at once: `ValueError` (or `TypeError`) names the one at fault."""
        self.capacity = _positive("capacity", capacity)
        self.flush_interval = _positive("flush_interval", flush_interval)
        self.policy = _policy_text(policy)
        self.rotation = _rotation(rotation)
        self.compress = _compression(compress)
        self.interprocess = bool(interprocess)

    def __repr__(self):
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"HandlerOptions({fields})"


def _init_file_handler(handler, path, mode, formatter):
    """The standard part of a femto file handler's `__init__`; returns the
    absolute path the worker writes."""
    from . import Handler

    if mode not in ("a", "w"):
        raise ValueError(f'mode must be "a" or "w", not {mode!r}')
    path = os.path.abspath(os.fspath(path))
    Handler.__init__(handler)
    handler.baseFilename = path
    handler.mode = mode
    handler.setFormatter(_check_formatter(formatter))
    handler._target_text = path
    return path


def _check_encoding(class_name, encoding):
    """The femto file handlers write UTF-8 (the worker encodes); `encoding`
    is taken so that code written for `FileHandler` says what it wants."""
    if encoding is None or _codec_name(encoding) == "utf-8":
        return
    raise ValueError(
        f"{class_name}(encoding={encoding!r}): femto handlers write UTF-8; "
        "for another encoding use the standard face's FileHandler, or "
        "basicConfig(filename=..., encoding=...)"
    )


def _handler_options(options):
    if options is None:
        return HandlerOptions()
    if not isinstance(options, HandlerOptions):
        raise TypeError(f"options must be a HandlerOptions, not {type(options).__name__}")
    return options


def _start_rolling(handler, path, flush_timeout_ms, truncate=False, timed=None):
    """Starts a rotating handler's worker with its `options`."""
    options = handler.options
    _start(
        handler,
        path,
        options.capacity,
        options.flush_interval,
        options.policy,
        flush_timeout_ms,
        truncate,
        rotation=options.rotation,
        compress=options.compress,
        interprocess=options.interprocess,
        timed=timed,
    )


def _default_formatter():
    from . import Formatter

    return Formatter(DEFAULT_FORMAT)


def _check_formatter(formatter):
    """`with_formatter`: "default", a `Formatter`, or a callable taking the
    record's attributes as a mapping and returning the line."""
    from . import Formatter

    if formatter == "default" or formatter is None:
        return _default_formatter()
    if isinstance(formatter, str):
        raise ValueError(
            f'unknown formatter identifier {formatter!r}: use "default", a Formatter, '
            "or a callable taking a mapping of the record and returning a string"
        )
    if isinstance(formatter, Formatter) or hasattr(formatter, "format"):
        return formatter
    if callable(formatter):
        return _MappingFormatter(formatter)
    raise TypeError(f'a formatter must be "default", a Formatter or a callable, not {formatter!r}')


class _MappingFormatter(_native.CallableFormatter):
    """A callable taking a mapping of the record and returning the line.

    A femto handler calls it on its worker thread with the record's standard
    fields as plain values (`name`, `levelname`, `levelno`, `pathname`,
    `filename`, `module`, `lineno`, `funcName`, `created`, `msecs`,
    `relativeCreated`, `thread`, `message`, `exc_text`, `stack_info`) and the
    `extra` keys. `format` serves callers that hand a `LogRecord` over
    directly, with the record's whole `__dict__`."""

    def format(self, record):
        attributes = dict(record.__dict__)
        attributes["message"] = record.getMessage()
        text = self.function(attributes)
        if not isinstance(text, str):
            raise TypeError(f"the formatter returned {type(text).__name__}, not str")
        return text


def _install(logging):
    """Defines the femto classes over the standard ones; called at import."""
    Handler = logging.Handler
    FemtoHandler = _native.FemtoHandler

    def close(self):
        """Writes everything queued, stops the worker and detaches the
        handler as `Handler.close` does. Records that come later are written
        at once on the caller's thread. Safe to call more than once."""
        self._close_worker()
        Handler.close(self)

    def __repr__(self):
        level = logging.getLevelName(self.level)
        return f"<{type(self).__name__} {self._target_text} ({level})>"

    FemtoHandler.close = close
    FemtoHandler.__repr__ = __repr__

    class FemtoStreamHandler(FemtoHandler):
        """Writes to a stream from a worker: `"stderr"` (the default) or
        `"stdout"`, meaning the `sys.stderr` or `sys.stdout` in force when the
        handler is made (as `StreamHandler()` takes it), or any object with
        `write`. The process's own stdout and stderr are written by their file
        descriptors; any other stream (redirected by
        `contextlib.redirect_stdout`, captured by pytest, a `StringIO`)
        through its `write` and `flush`, called on the worker with the
        interpreter attached. Lone surrogates follow the stream's own error
        handler; `errors` ("backslashreplace" or "strict") serves a process
        stream that has none."""

        def __init__(
            self,
            stream="stderr",
            *,
            capacity=DEFAULT_CAPACITY,
            flush_timeout_ms=DEFAULT_FLUSH_TIMEOUT_MS,
            policy="drop",
            formatter="default",
            errors="backslashreplace",
        ):
            """`stream` is `"stderr"`, `"stdout"` or an object with `write`; `capacity` bounds the
            queue and `policy` says what a full one does; `flush_timeout_ms` bounds `flush()`;
            `formatter` is `"default"`, a `Formatter` or a callable; `errors`
            (`"backslashreplace"` or `"strict"`) is what lone surrogates become."""
            if isinstance(stream, str):
                if stream not in ("stderr", "stdout"):
                    raise ValueError(
                        f'FemtoStreamHandler(stream={stream!r}): a stream is "stderr", '
                        '"stdout" or an object with write()'
                    )
                stream_object = getattr(sys, stream)
            elif callable(getattr(stream, "write", None)):
                stream_object = stream
            else:
                raise TypeError(
                    f'FemtoStreamHandler(stream={stream!r}): a stream is "stderr", '
                    '"stdout" or an object with write()'
                )
            Handler.__init__(self)
            self.setFormatter(_check_formatter(formatter))
            name = _process_stream_name(stream_object) if stream_object is not None else None
            if name is not None or stream_object is None:
                # The process's own stream (or none left in sys: the
                # descriptor), with the stream's own error handler.
                name = name or stream
                errors = getattr(stream_object, "errors", None) or errors
                self.stream = stream_object
                self._target_text = f"<{name}>"
                _start(self, name, capacity, 1, policy, flush_timeout_ms, errors=errors)
            else:
                self.stream = stream_object
                self._target_text = repr(stream_object)
                _start(self, stream_object, capacity, 1, policy, flush_timeout_ms, stream=True)

        @classmethod
        def stderr(cls):
            """A handler writing to `sys.stderr` (the default)."""
            return cls("stderr")

        @classmethod
        def stdout(cls):
            """A handler writing to `sys.stdout`."""
            return cls("stdout")

    class FemtoFileHandler(FemtoHandler):
        """Appends to a file from a worker thread. `flush_interval` counts
        records: the worker may hold up to that many, when the queue runs
        empty, to write them together."""

        def __init__(
            self,
            path,
            capacity=DEFAULT_CAPACITY,
            flush_interval=1,
            policy="drop",
            *,
            mode="a",
            flush_timeout_ms=DEFAULT_FLUSH_TIMEOUT_MS,
            formatter="default",
            errors="backslashreplace",
            encoding=None,
        ):
            """Opens `path` (appending, or truncating with `mode="w"`) and starts the worker;
            `capacity`, `policy`, `flush_timeout_ms`, `formatter` and `errors` as for
            `FemtoStreamHandler`; `encoding` may only name UTF-8. Raises what `open()` raises for
            a file it cannot open."""
            _check_encoding(type(self).__name__, encoding)
            path = _init_file_handler(self, path, mode, formatter)
            _start(
                self,
                path,
                capacity,
                flush_interval,
                policy,
                flush_timeout_ms,
                mode == "w",
                errors=errors,
            )

    class FemtoRotatingFileHandler(FemtoHandler):
        """Appends to a file from a worker thread and rolls it over by size:
        before a line would take the file past `max_bytes` (counted in bytes
        of UTF-8), `path` becomes `path.1`, older backups move up to
        `backup_count`, and a fresh file is started. When a rollover fails the
        worker keeps appending to the current file, reports why on stderr and
        counts it in `stats()["rotation_errors"]`."""

        def __init__(
            self,
            path,
            options=None,
            *,
            mode="a",
            flush_timeout_ms=DEFAULT_FLUSH_TIMEOUT_MS,
            formatter="default",
            encoding=None,
        ):
            """Opens `path` and starts the worker; `options` is a `HandlerOptions` (its `rotation`
            gives `max_bytes` and `backup_count`), or None for the defaults, which do not rotate."""
            _check_encoding(type(self).__name__, encoding)
            self.options = _handler_options(options)
            path = _init_file_handler(self, path, mode, formatter)
            _start_rolling(self, path, flush_timeout_ms, mode == "w")

    class FemtoTimedRotatingFileHandler(FemtoHandler):
        """Appends to a file from a worker thread and rolls it over on the
        schedule of the standard `TimedRotatingFileHandler`: `when` is "S",
        "M", "H", "D", "midnight" or "W0"-"W6", every `interval` of them,
        at `at_time` (a `datetime.time`) for daily and weekly rollovers, in
        UTC with `utc`. Backups are named `path.<date>`; the `backup_count`
        newest are kept (all when zero). `options` gives the queue's settings,
        and may add a size limit, compression and the interprocess lock."""

        def __init__(
            self,
            path,
            when="h",
            interval=1,
            backup_count=0,
            utc=False,
            at_time=None,
            options=None,
            *,
            flush_timeout_ms=DEFAULT_FLUSH_TIMEOUT_MS,
            formatter="default",
            encoding=None,
        ):
            """Opens `path` and starts the worker with the schedule given; `options` is a
            `HandlerOptions` for the queue, compression and the interprocess lock, or None for
            the defaults."""
            _check_encoding(type(self).__name__, encoding)
            self.options = _handler_options(options)
            if not isinstance(when, str):
                raise TypeError(f"when must be a string, not {type(when).__name__}")
            interval = _positive("interval", interval)
            backup_count = _count("backup_count", backup_count)
            seconds = None
            if at_time is not None:
                try:
                    seconds = at_time.hour * 3600 + at_time.minute * 60 + at_time.second
                except AttributeError:
                    raise TypeError(
                        f"at_time must be a datetime.time, not {type(at_time).__name__}"
                    ) from None
            path = _init_file_handler(self, path, "a", formatter)
            _start_rolling(
                self,
                path,
                flush_timeout_ms,
                timed=(when, interval, bool(utc), seconds, backup_count),
            )

    class FemtoPythonHandler(FemtoHandler):
        """Calls a Python object's `handle(logger, level, message)` on a
        worker thread, with the logger's name, the level's name and the
        formatted message, as `Logger.add_handler` does for an object that is
        not a `Handler`. `capacity`, `policy` and `flush_timeout_ms` are
        those of the other femto handlers; `flush()` waits for every queued
        call to return, `stats()` counts them (an exception raised by
        `handle` is printed and counted in `handler_errors`)."""

        def __init__(
            self,
            target,
            capacity=DEFAULT_CAPACITY,
            policy="drop",
            *,
            flush_timeout_ms=DEFAULT_FLUSH_TIMEOUT_MS,
        ):
            """Wraps `target`, which must have a callable `handle`, and starts the worker that calls
            it."""
            if not callable(getattr(target, "handle", None)):
                raise TypeError(
                    f"{type(self).__name__}({target!r}): the object needs a callable "
                    "handle(logger, level, message)"
                )
            Handler.__init__(self)
            self.target = target
            self._target_text = repr(target)
            _start(self, target, capacity, 1, policy, flush_timeout_ms)

    class _HandlerBuilder:
        """The options every femto handler builder sets."""

        def __init__(self):
            self._capacity = DEFAULT_CAPACITY
            self._flush_timeout_ms = DEFAULT_FLUSH_TIMEOUT_MS
            self._formatter = "default"
            self._policy = "drop"

        def with_capacity(self, capacity):
            """How many records the queue holds before the policy applies (default 1024)."""
            self._capacity = _positive("capacity", capacity)
            return self

        def with_flush_timeout_ms(self, milliseconds):
            """How long `flush()` waits for the worker, in milliseconds (default 1000)."""
            self._flush_timeout_ms = _positive("flush timeout", milliseconds)
            return self

        def with_formatter(self, formatter):
            """`"default"` (`"%(name)s [%(levelname)s] %(message)s"`), a `Formatter`,
            or a callable that takes a mapping of the record's fields and
            returns the line (called on the worker thread)."""
            _check_formatter(formatter)
            self._formatter = formatter
            return self

        def with_overflow_policy(self, policy):
            """What a full queue does: `"drop"` (default), `"block"`,
            `"timeout:N"`, or an `OverflowPolicy`. Refused here if invalid."""
            self._policy = _policy_text(policy)
            return self

    class StreamHandlerBuilder(_HandlerBuilder):
        """Builds a `FemtoStreamHandler` step by step."""

        def __init__(self, stream="stderr"):
            """Starts from a handler for `stream` (`"stderr"`, `"stdout"` or an object with `write`)
            with the default settings."""
            super().__init__()
            self._stream = stream

        @classmethod
        def stderr(cls):
            """A builder for a handler writing to `sys.stderr`."""
            return cls("stderr")

        @classmethod
        def stdout(cls):
            """A builder for a handler writing to `sys.stdout`."""
            return cls("stdout")

        def build(self):
            """The `FemtoStreamHandler` with the options set so far."""
            return FemtoStreamHandler(
                self._stream,
                capacity=self._capacity,
                flush_timeout_ms=self._flush_timeout_ms,
                policy=self._policy,
                formatter=self._formatter,
            )

    class FileHandlerBuilder(_HandlerBuilder):
        """Builds a `FemtoFileHandler` step by step."""

        def __init__(self, path):
            """Starts from a handler appending to `path` with the default settings."""
            super().__init__()
            self._path = path
            self._flush_interval = 1

        def with_flush_interval(self, records):
            """How many records the worker may hold, when the queue runs empty,
            to write them together (default 1: written at once)."""
            self._flush_interval = _positive("flush_interval", records)
            return self

        def build(self):
            """The `FemtoFileHandler` with the options set so far; opens the
            file (raising what `open()` raises if it cannot)."""
            return FemtoFileHandler(
                self._path,
                self._capacity,
                self._flush_interval,
                self._policy,
                flush_timeout_ms=self._flush_timeout_ms,
                formatter=self._formatter,
            )

    class _RollingBuilder(FileHandlerBuilder):
        """The options both rotating builders add to the file builder's."""

        def __init__(self, path):
            super().__init__(path)
            self._backup_count = 0
            self._compress = None
            self._interprocess = False

        def with_backup_count(self, backup_count):
            """How many backups to keep (`path.1`, `path.2`, ...)."""
            self._backup_count = _count("backup_count", backup_count)
            return self

        def with_compression(self, compress):
            """`"gzip"` compresses each backup on a background thread; None does not."""
            self._compress = _compression(compress)
            return self

        def with_interprocess_lock(self, enabled=True):
            """Let several processes share the files: an advisory lock on
            `path + ".lock"` serializes their writes and rollovers."""
            self._interprocess = bool(enabled)
            return self

    class RotatingFileHandlerBuilder(_RollingBuilder):
        """Builds a `FemtoRotatingFileHandler` step by step."""

        def __init__(self, path):
            """Starts from a handler for `path` that does not rotate until `with_max_bytes` and
            `with_backup_count` are given."""
            super().__init__(path)
            self._max_bytes = 0

        def with_max_bytes(self, max_bytes):
            """Roll over before a line would take the file past `max_bytes`
            (UTF-8 bytes); needs `with_backup_count` too."""
            self._max_bytes = _count("max_bytes", max_bytes)
            return self

        def build(self):
            """The `FemtoRotatingFileHandler` with the options set so far."""
            if (self._max_bytes == 0) != (self._backup_count == 0):
                given, missing = (
                    (f"with_max_bytes({self._max_bytes})", "with_backup_count(n)")
                    if self._max_bytes
                    else (f"with_backup_count({self._backup_count})", "with_max_bytes(n)")
                )
                raise ValueError(
                    f"RotatingFileHandlerBuilder({self._path!r}): {given} rotates only together "
                    f"with {missing}, n at least 1; set neither for a file that never rotates"
                )
            options = HandlerOptions(
                self._capacity,
                self._flush_interval,
                self._policy,
                (self._max_bytes, self._backup_count),
                compress=self._compress,
                interprocess=self._interprocess,
            )
            return FemtoRotatingFileHandler(
                self._path,
                options,
                flush_timeout_ms=self._flush_timeout_ms,
                formatter=self._formatter,
            )

    class TimedRotatingFileHandlerBuilder(_RollingBuilder):
        """Builds a `FemtoTimedRotatingFileHandler` step by step."""

        def __init__(self, path):
            """Starts from a handler for `path` rolling over every hour, keeping every backup, until
            told otherwise."""
            super().__init__(path)
            self._when = "h"
            self._interval = 1
            self._utc = False
            self._at_time = None

        def with_when(self, when, interval=1):
            """The schedule: `"S"`, `"M"`, `"H"`, `"D"`, `"midnight"` or
            `"W0"`-`"W6"`, every `interval` of them."""
            self._when = when
            self._interval = _positive("interval", interval)
            return self

        def with_utc(self, utc=True):
            """Schedule rollovers and name backups in UTC instead of local time."""
            self._utc = bool(utc)
            return self

        def with_at_time(self, at_time):
            """The `datetime.time` of day for daily and weekly rollovers."""
            self._at_time = at_time
            return self

        def build(self):
            """The `FemtoTimedRotatingFileHandler` with the options set so far."""
            options = HandlerOptions(
                self._capacity,
                self._flush_interval,
                self._policy,
                compress=self._compress,
                interprocess=self._interprocess,
            )
            return FemtoTimedRotatingFileHandler(
                self._path,
                self._when,
                self._interval,
                self._backup_count,
                self._utc,
                self._at_time,
                options,
                flush_timeout_ms=self._flush_timeout_ms,
                formatter=self._formatter,
            )

    Logger = logging.Logger

    def add_handler(self, handler, **options):
        """`addHandler`, also taking any object with `handle(logger, level,
        message)`, which then runs on a worker thread: it is wrapped in a
        `FemtoPythonHandler` made with `options` (`capacity`, `policy`,
        `flush_timeout_ms`). Returns the handler added, to flush, close or
        ask for `stats()`; adding the same object again returns the same
        handler."""
        if isinstance(handler, Handler):
            if options:
                raise TypeError(
                    f"add_handler({handler!r}, {', '.join(options)}=...): options are for "
                    "objects with handle(); configure a Handler when you make it"
                )
            self.addHandler(handler)
            return handler
        if not callable(getattr(handler, "handle", None)):
            raise TypeError(
                f"add_handler({handler!r}): give a Handler or an object with a callable "
                "handle(logger, level, message)"
            )
        wrappers = self.__dict__.setdefault("_femto_wrappers", {})
        wrapper = wrappers.get(id(handler))
        if wrapper is None:
            wrapper = FemtoPythonHandler(handler, **options)
            wrappers[id(handler)] = wrapper
        self.addHandler(wrapper)
        return wrapper

    def remove_handler(self, handler):
        """Removes a handler added with `add_handler`; the wrapper of a plain object is also closed,
        after writing what it holds."""
        if not isinstance(handler, Handler):
            wrapper = self.__dict__.get("_femto_wrappers", {}).pop(id(handler), None)
            if wrapper is None:
                return
            self.removeHandler(wrapper)
            wrapper.close()
            return
        self.removeHandler(handler)

    Logger.add_handler = add_handler
    Logger.remove_handler = remove_handler

    def get_logger(name=None):
        """The same logger as `getLogger(name)`."""
        return logging.getLogger(name)

    from ._femto_socket import install as install_socket

    classes = {
        **install_socket(FemtoHandler, _HandlerBuilder, _start, _policy_text),
        "OverflowPolicy": OverflowPolicy,
        "FemtoHandler": FemtoHandler,
        "FemtoStreamHandler": FemtoStreamHandler,
        "FemtoFileHandler": FemtoFileHandler,
        "FemtoPythonHandler": FemtoPythonHandler,
        "StreamHandlerBuilder": StreamHandlerBuilder,
        "FileHandlerBuilder": FileHandlerBuilder,
        "FemtoRotatingFileHandler": FemtoRotatingFileHandler,
        "RotatingFileHandlerBuilder": RotatingFileHandlerBuilder,
        "HandlerOptions": HandlerOptions,
        "FemtoTimedRotatingFileHandler": FemtoTimedRotatingFileHandler,
        "TimedRotatingFileHandlerBuilder": TimedRotatingFileHandlerBuilder,
    }
    for cls in classes.values():
        _name_as_public(cls)
    return {
        **classes,
        "get_logger": get_logger,
    }


def _name_as_public(cls):
    """Classes made inside `_install` would call themselves
    `_install.<locals>.FemtoFileHandler` in errors (`__init__() got an
    unexpected keyword argument`) and in `help()`; they are the package's."""
    if cls.__module__ not in (__name__, "femtologging._femto_socket"):
        return
    cls.__module__ = "femtologging"
    cls.__qualname__ = cls.__name__
    for attribute, value in vars(cls).items():
        function = getattr(value, "__func__", value)
        if "<locals>" in getattr(function, "__qualname__", ""):
            function.__qualname__ = f"{cls.__name__}.{attribute}"


def background_handler(filename, mode, stream, encoding, errors):
    """The handler `basicConfig(background=True)` makes: the same lines
    as its standard handler, written by a worker thread a moment later.
    Nothing is dropped: a full queue makes the caller wait."""
    from . import FemtoFileHandler, FemtoStreamHandler

    if filename:
        if encoding is not None and _codec_name(encoding) != "utf-8":
            raise ValueError(f"background=True writes UTF-8, not encoding={encoding!r}")
        if mode not in ("a", "w"):
            raise ValueError(f'background=True opens files with mode "a" or "w", not {mode!r}')
        if errors not in (None, "strict", "backslashreplace"):
            raise ValueError(
                'background=True writes files with errors="backslashreplace" or "strict", '
                f"not {errors!r}"
            )
        handler = FemtoFileHandler(filename, policy="block", mode=mode, errors=errors or "strict")
    else:
        # The process's own stream by its descriptor; a redirected one
        # (contextlib.redirect_stderr, pytest's capture, a notebook) or any
        # other through its write, called by the worker.
        handler = FemtoStreamHandler(sys.stderr if stream is None else stream, policy="block")
    # basicConfig gives it the format, datefmt and style it was passed.
    handler.setFormatter(None)
    return handler


def _codec_name(encoding):
    import codecs

    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def _process_stream_name(stream):
    """ "stderr" or "stdout" when `stream` is the process's own, which the
    worker can write by its descriptor with the same bytes as a result;
    None for any other stream."""
    for name, descriptor in (("stderr", 2), ("stdout", 1)):
        if stream is not getattr(sys, f"__{name}__", None):
            continue
        try:
            if stream.fileno() != descriptor:
                return None
        except (AttributeError, OSError, ValueError):
            return None
        encoding = getattr(stream, "encoding", None)
        if encoding is None or _codec_name(encoding) != "utf-8":
            return None
        if getattr(stream, "errors", None) not in ("strict", "backslashreplace"):
            return None
        return name
    return None


def _for_each_live_handler(method):
    """Calls `method` of every live femto handler; one failing stops none
    of the others (at exit and at fork there is nobody to raise to)."""
    for handler in list(_live_handlers):
        try:
            getattr(handler, method)()
        except Exception:
            pass


def close_all():
    """At exit: every live femto handler writes what it holds and stops."""
    _for_each_live_handler("_close_worker")


def _flush_before_fork():
    _for_each_live_handler("flush")
    _close_when_a_multiprocessing_child_ends()


def _restart_after_fork():
    # First, so that the files the handlers open next are not among them.
    _native.close_inherited_files()
    try:
        _native.restart_signal_watcher()
    except OSError as error:
        sys.stderr.write(f"femtologging: cannot watch SIGTERM and SIGHUP: {error}\n")
    # One handler that cannot restart must not keep the others on their
    # parent's workers, whose threads do not exist here.
    for handler in list(_live_handlers):
        try:
            handler._after_fork()
        except Exception as error:
            sys.stderr.write(f"femtologging: {handler!r} cannot restart after fork: {error}\n")


class _ForkHook:
    """What multiprocessing's fork registry keeps alive (it holds weakly)."""

    registered = False


_fork_hook = _ForkHook()


def _close_when_a_multiprocessing_child_ends():
    """A child that multiprocessing forks leaves with os._exit, so atexit
    never writes what its handlers still hold; multiprocessing's own exit
    finalizers do run there. Registered before the first such fork, once per
    process, and only when multiprocessing is in use."""
    util = sys.modules.get("multiprocessing.util")
    if util is None or _fork_hook.registered:
        return
    _fork_hook.registered = True
    util.register_after_fork(_fork_hook, _register_close_at_child_exit)


def _register_close_at_child_exit(_hook):
    import multiprocessing.util

    # The lowest priority runs last, after any finalizer that may still log.
    multiprocessing.util.Finalize(None, close_all, exitpriority=-(2**31))


def _close_when_this_multiprocessing_child_ends():
    """At import: a child started by multiprocessing that imports
    femtologging itself (forkserver, or fork with the import in the target)
    never ran the fork hook that would have registered the close."""
    if "multiprocessing.util" in sys.modules:
        _register_close_at_child_exit(None)


atexit.register(close_all)
_close_when_this_multiprocessing_child_ends()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_flush_before_fork, after_in_child=_restart_after_fork)
