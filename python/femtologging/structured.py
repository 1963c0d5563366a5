"""Structured logging over structlog, rendered and written by femtologging.

``from femtologging import structured as log`` reads like a service's
``runtime.log``: ``configure`` chooses the format and level of events written
to standard output, ``get_logger`` gives a bound logger whose calls can be
awaited or not, ``LogPublisher`` ships events over the network.

structlog's processors run (``add_log_level``, ``TimeStamper``,
``format_exc_info``, the publisher) and a line is the bytes structlog's own
``JSONRenderer`` or ``ConsoleRenderer(colors=False)`` gives for the event;
the known processors run natively and a femtologging worker thread renders
and writes the line, so a call only queues.
Needs the ``structured`` extra: ``pip install femtologging[structured]``.
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any, Literal

import structlog

from . import _femtologging as _native
from . import contextvars as _contextvars
from ._structured_publisher import LogPublisher

__all__ = [
    "LEVELS",
    "AsyncLogger",
    "LogPublisher",
    "Logger",
    "configure",
    "get_level_num",
    "get_logger",
    "get_null_logger",
]

#: Log severity levels, in ascending order of severity.
LEVELS: list[str] = ["debug", "info", "warn", "error", "critical"]

_FORMATS = ("json", "pretty")

# The queue between callers and the worker: a call never waits for room
# (it must not block an event loop); what a full queue refuses is counted.
_CAPACITY = 65536


def get_level_num(level_name: str, /, *, default: int = 10) -> int:
    """Translates a ``logging`` level name into its number; ``default`` for a
    name ``logging`` does not know."""
    from . import getLevelName

    number = getLevelName(str(level_name).upper())
    return number if isinstance(number, int) else default


class _Logged:
    """What every call returns: an awaitable that is already complete, so
    ``await logger.info(...)`` and ``logger.info(...)`` both log at once."""

    __slots__ = ()

    def __await__(self) -> Any:
        return iter(())

    def __repr__(self) -> str:
        return "<logged>"


_LOGGED = _Logged()


def _report(error: BaseException) -> None:
    """An error raised while processing an event, reported as the standard
    ``Handler.handleError`` reports one, instead of raised to the caller."""
    from . import raiseExceptions

    if raiseExceptions and sys.stderr is not None:
        sys.stderr.write("--- Logging error ---\n")
        traceback.print_exception(error, file=sys.stderr)


_SINK = _native.EventSink(_LOGGED, _report, structlog.DropEvent)
_emit = _SINK.log

# structlog's JSONRenderer calls json.dumps with this default for values
# JSON has no type for: __structlog__(), else repr().
_FALLBACK = structlog.processors.JSONRenderer()._dumps_kw["default"]


def _printable(value: Any, path: set[int]) -> Any:
    """`value` with what json.dumps refuses replaced by text: a container met
    again inside itself, a key of a type JSON has no key for."""
    if isinstance(value, (dict, list, tuple)):
        if id(value) in path:
            return "<circular reference>"
        path.add(id(value))
        try:
            if isinstance(value, dict):
                return {
                    (
                        key
                        if isinstance(key, (str, int, float, bool)) or key is None
                        else _safe_fallback(key)
                    ): _printable(item, path)
                    for key, item in value.items()
                }
            return [_printable(item, path) for item in value]
        finally:
            path.discard(id(value))
    return value


def _safe_fallback(value: Any) -> Any:
    try:
        return _FALLBACK(value)
    except Exception:
        return f"<unrepresentable {type(value).__name__} object>"


def _render_json(event_dict: dict[str, Any]) -> str:
    """The line for an event the native conversion gave up on: structlog's
    JSONRenderer's bytes where json.dumps takes the event (a lone surrogate,
    a deep nest), and where it would raise (a cycle, a tuple key, a repr that
    raises) the event with those values written as text."""
    try:
        return json.dumps(event_dict, default=_FALLBACK)
    except Exception:
        return json.dumps(_printable(event_dict, set()), default=_safe_fallback)


class _EventWriter:
    """The logger structlog's processors are given (``logger`` argument):
    femtologging writes the events; this names the logger."""

    __slots__ = ("name",)

    def __init__(self, name: str | None = None) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<femtologging.structured writer {self.name!r}>"


_LEVEL_TO_NAME = {10: "debug", 20: "info", 30: "warning", 40: "error", 50: "critical"}


class Logger(structlog.stdlib.BoundLogger):
    """A bound logger whose methods are concrete: each call filters by the
    configured level, runs the processors and queues the event. Every call
    returns an awaitable already complete, so code that awaits its calls
    (structlog's ``AsyncBoundLogger``) and code that does not both work."""

    # debug, info, msg, warning, warn, error, critical, fatal and adebug,
    # ainfo, awarning, aerror, acritical are native method descriptors,
    # attached below: no frame and no keyword dict per call.

    def exception(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged:
        """Logs ``event`` at error with the exception being handled."""
        kw.setdefault("exc_info", True)
        return _emit(self, 40, "error", event, args, kw)

    def log(self, level: int, event: str | None = None, *args: Any, **kw: Any) -> _Logged:
        """Logs ``event`` at the numeric ``level``."""
        name = _LEVEL_TO_NAME.get(level)
        if name is None:
            name = str(_level_name(level)).lower()
        return _emit(self, level, name, event, args, kw)

    aexception = exception
    alog = log

    def is_enabled_for(self, level: int) -> bool:
        """Whether events at ``level`` pass the configured level."""
        return bool(_SINK.is_enabled_for(level))

    isEnabledFor = is_enabled_for  # noqa: N815 - the standard name


_native.attach_structured_methods(Logger, _SINK)


def _level_name(level: int) -> str:
    from . import getLevelName

    return str(getLevelName(level))


class AsyncLogger(Logger):
    """The logger ``get_logger`` gives: a ``Logger`` whose calls may be awaited."""


class _NullLogger(AsyncLogger):
    """Drops every event, unconditionally."""

    def _drop(self, *args: Any, **kw: Any) -> _Logged:
        return _LOGGED

    debug = info = msg = warning = warn = error = critical = fatal = _drop
    exception = log = _drop
    adebug = ainfo = awarning = aerror = acritical = aexception = alog = _drop

    def is_enabled_for(self, level: int) -> bool:
        return False

    isEnabledFor = is_enabled_for  # noqa: N815 - the standard name


_handler: Any = None
_handler_key: tuple[Any, bool] | None = None


def _output_handler(ascii_lines: bool) -> Any:
    """The femto handler writing to standard output: ``sys.stdout`` as it is
    when ``configure`` is called, as structlog's ``PrintLogger`` takes it."""
    global _handler, _handler_key
    key = (sys.stdout, ascii_lines)
    if (
        _handler is None
        or _handler_key is None
        or _handler_key[0] is not key[0]
        or (_handler_key[1] != key[1])
    ):
        previous, _handler, _handler_key = _handler, _new_output_handler(ascii_lines), key
        if previous is not None:
            previous.close()
    return _handler


def _new_output_handler(ascii_lines: bool) -> Any:
    from . import FemtoStreamHandler, Handler, _femto

    stream = sys.stdout
    if ascii_lines and stream is sys.__stdout__ and _writes_descriptor_one(stream):
        # JSON lines with ensure_ascii are the same bytes whatever error
        # handler the stream has (a C.UTF-8 locale gives stdout
        # "surrogateescape", which keeps FemtoStreamHandler on the Python
        # stream): the worker writes them to the descriptor itself.
        handler = FemtoStreamHandler.__new__(FemtoStreamHandler)
        Handler.__init__(handler)
        handler.stream = stream
        handler._target_text = "<stdout>"
        _femto._start(handler, "stdout", _CAPACITY, 1, "drop", _femto.DEFAULT_FLUSH_TIMEOUT_MS)
        return handler
    return FemtoStreamHandler("stdout", capacity=_CAPACITY)


def _writes_descriptor_one(stream: Any) -> bool:
    from . import _femto

    try:
        return bool(
            stream.fileno() == 1 and _femto._codec_name(stream.encoding) in ("utf-8", "ascii")
        )
    except (AttributeError, OSError, ValueError):
        return False


def _flush() -> bool:
    """Waits until the events queued so far are written (tests, exit)."""
    return _handler is None or bool(_handler.flush())


def configure(
    publisher: LogPublisher | None = None,
    /,
    *,
    fmt: Literal["json", "pretty"] = "json",
    level: str = "INFO",
) -> None:
    """Chooses how events are written to standard output and from which level.

    ``publisher`` joins the processors just before rendering. ``fmt="json"``
    writes one JSON object per line (``event``, ``level``, ``timestamp`` and
    the key-values); ``fmt="pretty"`` writes structlog's console lines and
    tracebacks. ``level`` is the lowest level processed, compared by
    ``get_level_num``.
    """
    if fmt not in _FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(map(repr, _FORMATS))}, not {fmt!r}")
    if not isinstance(level, str) or get_level_num(level, default=-1) == -1:
        raise ValueError(
            f"level must be a level name, one of {', '.join(map(repr, LEVELS))} "
            f"(any case), not {level!r}"
        )
    processors = _configure_sink(publisher, fmt, get_level_num(level))
    # structlog.get_logger() gives the same loggers; its processors list
    # says what runs (the native steps are the same processors).
    structlog.configure(
        processors=processors,
        wrapper_class=AsyncLogger,
        logger_factory=_EventWriter,
        cache_logger_on_first_use=True,
    )


_configured = False


def _configure_sink(publisher: Any, fmt: str, threshold: int) -> list[Any]:
    """Sets the native chain and output; the structlog processors it runs."""
    global _configured
    _configured = True
    timestamper = structlog.processors.TimeStamper(fmt="iso", utc=True)
    processors: list[Any] = [
        _contextvars.merge_contextvars,
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
    ]
    steps: list[tuple[str, Any]] = [
        ("merge_contextvars", None),
        _structlog_context_step(),
        ("add_log_level", None),
    ]
    if fmt == "json":
        processors.append(structlog.processors.format_exc_info)
        steps.append(("when_key", ("exc_info", structlog.processors.format_exc_info)))
    processors.append(timestamper)
    steps.append(("timestamp_iso_utc", None))
    if publisher is not None:
        processors.append(publisher)
        steps.append(("call", publisher))
    handler = _output_handler(fmt == "json")
    if fmt == "json":
        renderer: Any = structlog.processors.JSONRenderer()
        output: tuple[Any, ...] = ("json", handler, True, _FALLBACK, _render_json)
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=False)
        output = (
            "console",
            handler,
            _console_layout(renderer),
            # Another formatter (rich's, when rich is installed) leaves
            # events with an exception to the renderer itself.
            renderer.exception_formatter is structlog.dev.plain_traceback,
            _console_line(renderer),
        )
    processors.append(renderer)
    _SINK.configure(threshold, steps, output)
    return processors


def _structlog_context_step() -> tuple[str, Any]:
    """The step merging what is bound through ``structlog.contextvars``."""
    merge = structlog.contextvars.merge_contextvars
    # structlog keeps a ContextVar per key ever bound through its API in this
    # dict: reading those tells, without copying the context, that nothing
    # is bound, which is the common case. Without it (another structlog),
    # its processor runs for every event.
    variables = getattr(structlog.contextvars, "_CONTEXT_VARS", None)
    if isinstance(variables, dict):
        return ("merge_structlog_contextvars", (variables, merge))
    return ("call", merge)


# Events whose lines show every rule the worker follows: padded and long
# events, levels, loggers, sorted keys, values shown as they are and by
# repr, stack and exception text.
_CONSOLE_PROBES: tuple[dict[str, Any], ...] = (
    {"timestamp": "2021-06-29T21:01:22.301992Z", "level": "info", "event": "Router connected"},
    {
        "timestamp": "T",
        "level": "warning",
        "event": "Health check",
        "threads": 4,
        "name": "x y",
        "Ratio": 0.5,
        "_flags": [None, True, b"b", "it's"],
        "nested": {"k": ("v",), 1: 2.5e-7},
        "empty": "",
        "equals": "a=b",
        "plain": "a-b/c.d",
    },
    {
        "level": "critical",
        "event": "an event longer than thirty characters in all",
        "logger": "svc",
        "logger_name": "name",
    },
    {"event": "trailing  ", "stack": "Stack", "exception": "Traceback"},
    {"event": "", "timestamp": "", "exception": ""},
)


def _console_layout(renderer: Any) -> tuple[int, int] | None:
    """``(pad_event_to, level_width)`` of the renderer, when the worker's lines
    are the bytes it gives for the probes; ``None`` leaves every event to it
    (a structlog whose layout differs from the one the worker writes)."""
    try:
        layout = (int(renderer.pad_event_to), max(map(len, renderer.level_styles)))
        for probe in _CONSOLE_PROBES:
            theirs = renderer(None, "info", dict(probe))
            if _native.native_console_line(dict(probe), layout, False) != theirs:
                return None
    except Exception:
        return None
    return layout


def _console_line(renderer: Any) -> Any:
    def render(event_dict: dict[str, Any]) -> str:
        return str(renderer(None, "", event_dict))

    return render


def get_logger(*factory_args: Any, **context: Any) -> AsyncLogger:
    """A bound logger; ``factory_args[0]``, when given, names it, and
    ``context`` is added to every event it logs."""
    if not _configured:
        # Without configure(): JSON lines from INFO up, on the first logger
        # (not at import: no worker thread for a module merely imported).
        # structlog itself is left as the application configured it.
        _configure_sink(None, "json", 20)
    name = factory_args[0] if factory_args else None
    return AsyncLogger(_EventWriter(name), [], context)


def get_null_logger() -> AsyncLogger:
    """A logger that drops every event (for noisy objects, and the publisher)."""
    return _NullLogger(_EventWriter("null"), [], {})
