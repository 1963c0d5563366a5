"""femtologging.structured writes what structlog's own renderers write for the same events."""

import asyncio
import enum
import io
import json
import re
import sys

import pytest
import structlog
from femtologging import structured
from femtologging.contextvars import bind_contextvars, clear_contextvars
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z")


@pytest.fixture(autouse=True)
def fresh_configuration(capfd):
    # capfd is requested so that this teardown runs first, while the test's
    # captured stdout (which the output handler may write to) is still open.
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


def written(capfd):
    """What the structured output wrote since the last call, timestamps masked."""
    assert structured._flush()
    return _TIMESTAMP.sub("<time>", capfd.readouterr().out)


def structlog_output(fmt, level, log_events):
    """What stock structlog writes for the same calls, configured as configure() is."""
    output = io.StringIO()
    processors = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
    ]
    if fmt == "json":
        processors.append(structlog.processors.format_exc_info)
    processors.append(structlog.processors.TimeStamper(fmt="iso", utc=True))
    if fmt == "json":
        processors.append(structlog.processors.JSONRenderer())
    else:
        processors.append(structlog.dev.ConsoleRenderer(colors=False))
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(structured.get_level_num(level)),
        logger_factory=structlog.PrintLoggerFactory(output),
    )
    log_events(structlog.get_logger)
    structlog.reset_defaults()
    return _TIMESTAMP.sub("<time>", output.getvalue())


class Color(enum.IntEnum):
    RED = 1


class WithStructlogHook:
    def __structlog__(self):
        return {"hooked": [1, 2]}


class Opaque:
    def __repr__(self):
        return "<opaque>"


def varied_events(get_logger):
    """Events with every kind of value the JSON renderer meets."""
    logger = get_logger().bind(service="catalog", attempt=1)
    logger.info("Started")
    logger.info("request", path="/api/ä", status=200, ratio=0.1, big=2**70, negative=-5)
    logger.warning("floats", values=[1e16, 1.5e-7, float("inf"), float("nan"), -0.0])
    logger.error("nested", data={"a": [1, (2, 3)], "b": {"c": None, "d": True}})
    logger.info("keys", mapping={1: "int", None: "none", False: "bool", 2.5: "float"})
    logger.info(
        "fallbacks", raw=b"\x00bytes", tags={"only"}, color=Color.RED, hook=WithStructlogHook()
    )
    logger.info("opaque", value=Opaque(), text='tab\there "quoted" \\ \u2028 \x7f \x01')
    logger.info("formatted %s and %d", "args", 5)
    logger.debug("filtered out")
    logger.info("overrides", service="own", event_key="e")
    logger.info("surrogate \udc80", value="lone \ud800")
    logger.info(None, no_event=True)
    logger.msg("as msg")
    logger.critical("last", attempt=2)


def test_json_lines_are_the_bytes_of_structlogs_json_renderer(capfd):
    """The same events give the same lines as JSONRenderer (timestamps aside)."""
    structured.configure(fmt="json", level="INFO")
    varied_events(structured.get_logger)
    ours = written(capfd)
    theirs = structlog_output("json", "INFO", varied_events)
    assert ours == theirs
    assert len(ours.splitlines()) == 13
    for line in ours.splitlines():
        json.loads(line)


def test_json_lines_have_event_level_and_timestamp(capfd):
    """The seed's required entries, in order, with a UTC ISO timestamp."""
    structured.configure(fmt="json")
    structured.get_logger().info("Started")
    assert structured._flush()
    line = capfd.readouterr().out
    assert re.fullmatch(
        r'\{"event": "Started", "level": "info", "timestamp": "'
        r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z"\}\n',
        line,
    )


def test_context_bound_with_contextvars_joins_events_as_with_merge_contextvars(capfd):
    """Bound values come after the call's key-values and never override them."""

    def events(get_logger, bind, clear):
        bind(request_id="r-1", status="bound")
        get_logger().info("served", status=200)
        get_logger().info("bound", request_id="own")
        clear()

    structured.configure()
    events(structured.get_logger, bind_contextvars, clear_contextvars)
    theirs = structlog_output(
        "json",
        "INFO",
        lambda get_logger: events(
            get_logger,
            structlog.contextvars.bind_contextvars,
            structlog.contextvars.clear_contextvars,
        ),
    )
    assert written(capfd) == theirs


def test_exceptions_are_rendered_by_format_exc_info(capfd):
    """logger.exception and exc_info= give structlog's `exception` text."""

    def events(get_logger):
        logger = get_logger()
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed", job=3)
            logger.error("with exc_info", exc_info=True)
        logger.info("no exception", exc_info=False)

    structured.configure()
    events(structured.get_logger)
    ours = written(capfd)
    # The traceback names the line of each library's own call; compare the rest.
    theirs = structlog_output("json", "INFO", events)
    assert re.sub(r"line \d+", "line N", ours) == re.sub(r"line \d+", "line N", theirs)
    assert '"exception": "Traceback (most recent call last)' in ours


def test_pretty_lines_are_the_bytes_of_structlogs_console_renderer(capfd):
    """fmt='pretty' writes ConsoleRenderer(colors=False) lines, tracebacks included."""

    def events(get_logger):
        logger = get_logger().bind(threads=4)
        logger.info("Router connected to endpoint")
        logger.warning("Health check", name="x y", ratio=0.5)
        try:
            raise asyncio.CancelledError()
        except asyncio.CancelledError:
            logger.exception("cancelled")

    structured.configure(fmt="pretty", level="info")
    events(structured.get_logger)
    ours = written(capfd)
    theirs = structlog_output("pretty", "INFO", events)
    assert re.sub(r"line \d+", "line N", ours) == re.sub(r"line \d+", "line N", theirs)
    assert "Traceback (most recent call last)" in ours


@pytest.mark.parametrize(
    ("level", "logged"),
    [("DEBUG", 5), ("info", 4), ("warn", 3), ("WARNING", 3), ("error", 2), ("critical", 1)],
)
def test_level_filters_by_get_level_num(capfd, level, logged):
    """configure(level=...) keeps events at that level and above."""
    structured.configure(level=level)
    logger = structured.get_logger()
    logger.debug("d")
    logger.info("i")
    logger.warn("w")
    logger.error("e")
    logger.critical("c")
    assert len(written(capfd).splitlines()) == logged


def test_awaited_and_plain_calls_both_log(capfd):
    """await logger.info(...) and logger.info(...) each log once, at once."""
    structured.configure()
    logger = structured.get_logger()

    async def main():
        result = logger.info("plain")
        await logger.info("awaited")
        await logger.ainfo("ainfo")
        await logger.bind(k=1).awarning("bound")
        await result

    asyncio.run(main())
    lines = [json.loads(line) for line in written(capfd).splitlines()]
    assert [line["event"] for line in lines] == ["plain", "awaited", "ainfo", "bound"]


def test_each_asyncio_task_logs_its_own_bound_context(capfd):
    """contextvars bound in tasks reach the events each task logs."""
    structured.configure()
    logger = structured.get_logger()

    async def serve(number):
        bind_contextvars(request_id=number)
        await asyncio.sleep(0)
        await logger.info("served", number=number)

    async def main():
        await asyncio.gather(*(serve(number) for number in range(5)))

    asyncio.run(main())
    lines = [json.loads(line) for line in written(capfd).splitlines()]
    assert sorted((line["number"], line["request_id"]) for line in lines) == [
        (number, number) for number in range(5)
    ]


def test_loggers_are_structlog_bound_loggers():
    """get_logger gives an AsyncLogger, a Logger and a structlog stdlib BoundLogger."""
    logger = structured.get_logger("svc", a=1)
    assert isinstance(logger, structured.AsyncLogger)
    assert isinstance(logger, structured.Logger)
    assert isinstance(logger, structlog.stdlib.BoundLogger)
    bound = logger.bind(b=2)
    assert type(bound) is structured.AsyncLogger
    assert bound._context == {"a": 1, "b": 2}
    assert logger.name == "svc"


def test_the_null_logger_writes_nothing(capfd):
    """get_null_logger drops every event, awaited or not."""
    structured.configure(level="DEBUG")
    logger = structured.get_null_logger()

    async def main():
        await logger.info("dropped")
        logger.exception("dropped")
        await logger.bind(a=1).critical("dropped")

    asyncio.run(main())
    assert written(capfd) == ""


def test_get_level_num_translates_names():
    """The seed's examples and LEVELS."""
    assert structured.get_level_num("INFO") == 20
    assert structured.get_level_num("DNE") == 10
    assert structured.get_level_num("DNE", default=0) == 0
    assert [structured.get_level_num(name) for name in structured.LEVELS] == [10, 20, 30, 40, 50]


@pytest.mark.parametrize("fmt", ["xml", "JSON", None])
def test_an_unknown_fmt_is_refused_naming_the_choices(fmt):
    with pytest.raises(ValueError, match="'json', 'pretty'"):
        structured.configure(fmt=fmt)


@pytest.mark.parametrize("level", ["verbose", "", 20])
def test_an_unknown_level_is_refused_naming_the_choices(level):
    with pytest.raises(ValueError, match="'debug', 'info', 'warn', 'error', 'critical'"):
        structured.configure(level=level)


def test_values_json_cannot_encode_are_written_as_text_and_the_call_returns(capfd):
    """A cycle, a key of another type and a repr that raises: a valid line, no exception."""

    class BadRepr:
        def __repr__(self):
            raise RuntimeError("no repr")

    cycle = {"name": "loop"}
    cycle["self"] = cycle
    items = [1]
    items.append(items)
    structured.configure()
    logger = structured.get_logger()
    logger.info("cycle", value=cycle, items=items)
    logger.info("key", mapping={(1, 2): "tuple key", frozenset(): "set key"})
    logger.info("repr", value=BadRepr())
    logger.info("after")
    lines = [json.loads(line) for line in written(capfd).splitlines()]
    assert lines[0]["value"] == {"name": "loop", "self": "<circular reference>"}
    assert lines[0]["items"] == [1, "<circular reference>"]
    assert lines[1]["mapping"] == {"(1, 2)": "tuple key", "frozenset()": "set key"}
    assert lines[2]["value"] == "<unrepresentable BadRepr object>"
    assert lines[3]["event"] == "after"


def test_a_processor_error_is_reported_and_the_call_returns(capfd):
    """A publisher that raises is reported on stderr; the call does not raise."""

    def failing(logger, method_name, event_dict):
        raise RuntimeError("processor failed")

    structured.configure(failing)
    structured.get_logger().info("lost")
    assert structured._flush()
    captured = capfd.readouterr()
    assert captured.out == ""
    assert "--- Logging error ---" in captured.err
    assert "RuntimeError: processor failed" in captured.err


def test_a_processor_may_drop_the_event(capfd):
    """structlog.DropEvent from a processor drops the event silently."""

    def dropping(logger, method_name, event_dict):
        if event_dict.get("secret"):
            raise structlog.DropEvent
        event_dict["seen_by"] = "processor"
        return event_dict

    structured.configure(dropping)
    logger = structured.get_logger()
    logger.info("kept")
    logger.info("dropped", secret=True)
    captured = capfd.readouterr()
    assert captured.err == ""
    lines = [json.loads(line) for line in written(capfd).splitlines()]
    assert [(line["event"], line["seen_by"]) for line in lines] == [("kept", "processor")]


_KEYS = st.text(min_size=1, max_size=8).filter(lambda key: key not in _RESERVED)
_RESERVED = {"event", "level", "timestamp", "exc_info"}
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.binary(max_size=8)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=3)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=5) | st.integers() | st.none(), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    context=st.dictionaries(_KEYS, _VALUES, max_size=3),
    key_values=st.dictionaries(_KEYS, _VALUES, max_size=5),
    event=st.text(max_size=30),
)
def test_generated_events_are_the_bytes_of_structlogs_json_renderer(context, key_values, event):
    """Any event of generated key-values: our line is JSONRenderer's, and strict JSON parses it
    where structlog's does (lone surrogates and NaN are json.dumps's own)."""
    stream = io.StringIO()
    saved, sys.stdout = sys.stdout, stream
    try:
        structured.configure()
        structured.get_logger(**context).info(event, **key_values)
        assert structured._flush()
    finally:
        sys.stdout = saved
    ours = stream.getvalue()
    expected_dict = {**context, **key_values, "event": event, "level": "info", "timestamp": "T"}
    theirs = structlog.processors.JSONRenderer()(None, "info", expected_dict)
    assert _TIMESTAMP.sub("T", ours) == theirs + "\n"
    assert json.loads(ours) is not None
