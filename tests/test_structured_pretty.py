"""fmt="pretty" writes what structlog's ConsoleRenderer(colors=False) prints for the same events."""

import enum
import io
import re
import sys
from collections import OrderedDict

import pytest
import structlog
from femtologging import structured
from femtologging.contextvars import bind_contextvars, clear_contextvars
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z")


@pytest.fixture(autouse=True)
def fresh_configuration():
    clear_contextvars()
    yield
    clear_contextvars()
    # Back to the process's stdout: the test's captured one is closed after it.
    saved, sys.stdout = sys.stdout, sys.__stdout__
    try:
        structured.configure()
    finally:
        sys.stdout = saved
    structlog.reset_defaults()


def pretty_lines(log_events):
    """What fmt="pretty" writes for the calls `log_events(logger)` makes, timestamps as T."""
    stream = io.StringIO()
    saved, sys.stdout = sys.stdout, stream
    try:
        structured.configure(fmt="pretty", level="debug")
        log_events(structured.get_logger())
        assert structured._flush()
    finally:
        sys.stdout = saved
    return _TIMESTAMP.sub("T", stream.getvalue())


def console_line(level, event_dict):
    """ConsoleRenderer(colors=False)'s line for the event as configure's processors leave it."""
    renderer = structlog.dev.ConsoleRenderer(colors=False)
    return renderer(None, level, {**event_dict, "level": level, "timestamp": "T"}) + "\n"


class Color(enum.IntEnum):
    RED = 1


class Opaque:
    def __repr__(self):
        return "<opaque \t object >"


class Shown(str):
    def __repr__(self):
        return "Shown()"


def self_holding_list():
    items = [1, "two"]
    items.append(items)
    return items


def nested_lists(depth):
    value = [1]
    for _ in range(depth):
        value = [value]
    return value


_VARIED = {
    "plain": "abc-/.:,[]",
    "spaced": "x y",
    "quoted": "it's",
    "both_quotes": 'it\'s "x"',
    "equals": "a=b",
    "controls": "tab\there\nnew\rline \x00\x7f",
    "empty": "",
    "accents": "café",
    "accents_spaced": "café au lait",
    "wide": "\u4e2d\u6587 \u2028 \u00ad \U0001f600",
    "integer": -42,
    "big": 2**70,
    "ratio": 0.1,
    "floats": [1e16, 1.5e-7, float("inf"), float("-inf"), float("nan"), -0.0],
    "flags": (True, False, None),
    "one_tuple": ("only",),
    "nested": {"a": [1, (2, 3)], "b": {"c": None, "é": "é\x01"}, 3: b"\x00'"},
    "keys": {None: 1, False: 2, 2.5: 3, (1, 2): 4, b"k": 5},
    "raw": b'it\'s "bytes"',
    "color": Color.RED,
    "colors": [Color.RED],
    "opaque": Opaque(),
    "set": {"only"},
    "ordered": OrderedDict(a=1),
    "cycle": self_holding_list(),
    "subclass": Shown("a b"),
    "subclass_plain": Shown("ab"),
    "deep": nested_lists(70),
}


def test_values_of_every_kind_are_shown_as_console_renderer_shows_them():
    """Each kind of value, alone on a line, is written as ConsoleRenderer writes it."""
    ours = pretty_lines(
        lambda logger: [logger.info("value", **{key: value}) for key, value in _VARIED.items()]
    )
    theirs = "".join(
        console_line("info", {"event": "value", key: value}) for key, value in _VARIED.items()
    )
    assert ours == theirs


def test_columns_are_padded_sorted_and_bracketed():
    """Levels, long and short events, loggers and sorted keys give ConsoleRenderer's columns."""

    def events(logger):
        logger.debug("short", b=1, a=2, Z=3, _=4, é=5)
        logger.warning("an event longer than the thirty characters of padding", k=1)
        logger.critical("trailing spaces  ")
        logger.error("ééé", logger="svc", logger_name="other name")
        logger.info("", only_key=True)
        logger.info("formatted %s and %d", "args", 5)
        logger.msg("as msg")
        logger.warn("warned")
        bind_contextvars(shared="context", request_id="r-1")
        logger.bind(shared="bound", level="replaced", logger="svc").info("bound", shared="own")
        clear_contextvars()

    expected = [
        ("debug", {"event": "short", "b": 1, "a": 2, "Z": 3, "_": 4, "é": 5}),
        ("warning", {"event": "an event longer than the thirty characters of padding", "k": 1}),
        ("critical", {"event": "trailing spaces  "}),
        ("error", {"event": "ééé", "logger": "svc", "logger_name": "other name"}),
        ("info", {"event": "", "only_key": True}),
        ("info", {"event": "formatted args and 5"}),
        ("info", {"event": "as msg"}),
        ("warning", {"event": "warned"}),
        ("info", {"event": "bound", "shared": "own", "logger": "svc", "request_id": "r-1"}),
    ]
    assert pretty_lines(events) == "".join(console_line(level, event) for level, event in expected)


def test_stack_and_exception_text_follow_the_line():
    """`stack` and `exception` values are their own lines, with the rule between them."""

    def events(logger):
        logger.info("stack", stack="Stack (most recent call last):\n  here")
        logger.info("exception", exception="Given\ntext")
        logger.info("both", stack="S", exception="E", key="v")
        logger.info("empty", stack="", exception="")

    expected = [
        {"event": "stack", "stack": "Stack (most recent call last):\n  here"},
        {"event": "exception", "exception": "Given\ntext"},
        {"event": "both", "stack": "S", "exception": "E", "key": "v"},
        {"event": "empty", "stack": "", "exception": ""},
    ]
    assert pretty_lines(events) == "".join(console_line("info", event) for event in expected)


def raised(exception):
    try:
        raise exception
    except BaseException as caught:
        return caught


def chained():
    try:
        try:
            {}["missing"]
        except KeyError as error:
            raise ValueError("while handling") from error
    except ValueError as caught:
        return caught


def test_exceptions_are_rendered_as_plain_traceback_renders_them():
    """exc_info as True, an exception, a tuple, false values, chained and grouped exceptions."""
    simple = raised(ZeroDivisionError("division by zero"))
    with_notes = raised(RuntimeError("noted"))
    with_notes.add_note("a note")
    group = raised(ExceptionGroup("several", [ValueError("one"), TypeError("two")]))
    cases = [
        ("exc_info=exception", simple),
        ("chained", chained()),
        ("tuple", (type(simple), simple, simple.__traceback__)),
        ("no traceback", ValueError("never raised\n")),
        ("notes", with_notes),
        ("group", group),
        ("false", False),
        ("none tuple", (None, None, None)),
    ]
    exception_key = {"exception": "replaced by the traceback"}

    def events(logger):
        for name, exc_info in cases:
            logger.info(name, exc_info=exc_info, **exception_key)
        try:
            raise KeyError("handled")
        except KeyError:
            logger.exception("logger.exception", job=3)
            handled = sys.exc_info()
        logger.info("nothing handled", exc_info=True, **exception_key)
        return handled

    handled = []
    ours = pretty_lines(lambda logger: handled.append(events(logger)))
    expected = [
        console_line("info", {"event": name, "exc_info": exc_info, **exception_key})
        for name, exc_info in cases
    ]
    expected.append(
        console_line("error", {"event": "logger.exception", "job": 3, "exc_info": handled[0]})
    )
    expected.append(console_line("info", {"event": "nothing handled", **exception_key}))
    assert ours == "".join(expected)
    # Two for the chained exception, none for the last two cases.
    assert ours.count("Traceback (most recent call last):") == 7


def test_lines_are_rendered_without_calling_structlogs_console_renderer(monkeypatch):
    """Plain values and tracebacks never reach structlog's renderer: the worker writes them."""

    def refuse(*args, **kwargs):
        raise AssertionError("ConsoleRenderer called")

    def events(logger):
        logger.info("plain", n=1, text="x y", nested={"a": [None, 1.5]}, obj=Opaque())
        try:
            raise ZeroDivisionError("division by zero")
        except ZeroDivisionError:
            logger.exception("failed")

    stream = io.StringIO()
    saved, sys.stdout = sys.stdout, stream
    try:
        structured.configure(fmt="pretty")
        monkeypatch.setattr(structlog.dev.ConsoleRenderer, "__call__", refuse)
        events(structured.get_logger())
        assert structured._flush()
    finally:
        sys.stdout = saved
    lines = stream.getvalue()
    assert "ConsoleRenderer called" not in lines
    assert "obj=<opaque \t object >" in lines
    assert "ZeroDivisionError: division by zero" in lines


def test_a_renderer_whose_lines_differ_renders_every_event_itself(monkeypatch):
    """A ConsoleRenderer laying lines out otherwise (another structlog) keeps its own bytes."""

    class Bracketed(structlog.dev.ConsoleRenderer):
        def __call__(self, logger, name, event_dict):
            return "<" + super().__call__(logger, name, event_dict) + ">"

    monkeypatch.setattr(structlog.dev, "ConsoleRenderer", Bracketed)
    lines = pretty_lines(lambda logger: logger.info("served", status=200))
    assert lines == "<T [info     ] served                         status=200>\n"


def test_what_structlog_refuses_is_reported_as_it_would_raise(capfd):
    """An `exception` that is not text makes ConsoleRenderer raise: reported, never raised."""

    def events(logger):
        logger.info("bad", exception=5)
        logger.info("after")

    lines = pretty_lines(events)
    assert lines == console_line("info", {"event": "after"})
    assert "TypeError" in capfd.readouterr().err


_KEYS = st.text(min_size=1, max_size=8).filter(lambda key: key not in _RESERVED)
_RESERVED = {"event", "level", "timestamp", "exc_info", "exception", "stack"}
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["", " ", "a=b", "it's", '"', "\t", "é é", "\u00ad", "\U000e0001"])
    | st.binary(max_size=8)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=3)
        | st.tuples(children)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=5) | st.integers() | st.none(), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    context=st.dictionaries(_KEYS, _VALUES, max_size=3),
    key_values=st.dictionaries(_KEYS, _VALUES, max_size=5),
    event=st.text(max_size=40),
    level=st.sampled_from(["debug", "info", "warning", "error", "critical"]),
)
def test_generated_events_are_the_bytes_of_structlogs_console_renderer(
    context, key_values, event, level
):
    """Any event of generated key-values gives ConsoleRenderer's line."""
    ours = pretty_lines(lambda logger: getattr(logger.bind(**context), level)(event, **key_values))
    assert ours == console_line(level, {**context, **key_values, "event": event})


def made_exception(kind, message, raised, cause):
    exception = kind(message)
    if cause:
        exception.__cause__ = raised_in_a_call(KeyError(message))
    if not raised:
        return exception
    return raised_in_a_call(exception)


def raised_in_a_call(exception):
    def fail():
        raise exception

    try:
        fail()
    except BaseException as caught:
        return caught


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from([ValueError, KeyError, RuntimeError, ZeroDivisionError, SystemExit]),
    message=st.text(max_size=20),
    raised=st.booleans(),
    cause=st.booleans(),
    key_values=st.dictionaries(_KEYS, _VALUES, max_size=3),
)
def test_generated_exceptions_are_the_bytes_of_structlogs_console_renderer(
    kind, message, raised, cause, key_values
):
    """Any exception (raised or not, with a cause or not) given as exc_info: ConsoleRenderer's
    line and traceback."""
    exception = made_exception(kind, message, raised, cause)
    ours = pretty_lines(lambda logger: logger.error("failed", exc_info=exception, **key_values))
    assert ours == console_line("error", {**key_values, "event": "failed", "exc_info": exception})
