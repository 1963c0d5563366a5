"""JsonFormatter writes the JSON objects python-json-logger writes for the same records."""

import dataclasses
import datetime
import decimal
import enum
import io
import json
import logging as std_logging
import sys
import uuid

import femtologging as logging
import pytest
from femtologging import JsonFormatter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pythonjsonlogger.json import JsonFormatter as ReferenceFormatter


class Colour(enum.Enum):
    RED = "red"
    BLUE = 2


class Size(enum.IntEnum):
    SMALL = 1


@dataclasses.dataclass
class Point:
    x: int
    y: list


class Unprintable:
    def __repr__(self):
        raise RuntimeError("no repr")

    def __str__(self):
        raise RuntimeError("no str")


class ReprOnly:
    def __str__(self):
        raise RuntimeError("no str")

    def __repr__(self):
        return "<ReprOnly>"


def a_traceback():
    try:
        raise KeyError("inner")
    except KeyError as error:
        return error.__traceback__


def an_exc_info():
    try:
        raise ValueError('boom \u00e9\n"quoted"')
    except ValueError:
        return sys.exc_info()


ODD_VALUES = {
    "none": None,
    "flags": [True, False],
    "small": -17,
    "huge": 2**80,
    "intenum": Size.SMALL,
    "floats": [0.1, 1e16, -0.0, 1e-7, float("inf"), float("-inf"), float("nan")],
    "controls": "nul\x00 bell\x07 esc\x1b del\x7f tab\t cr\r lf\n ff\f bs\b",
    "quotes": "back\\slash \"double\" 'single' /slash",
    "unicode": "héllo wörld ✓ 日本 \U0001f600 \u2028\u2029",
    "surrogate": "lone \ud800 and \udfff",
    "datetime": datetime.datetime(2024, 2, 29, 13, 5, 9, 12, tzinfo=datetime.UTC),
    "naive": datetime.datetime(2024, 1, 1, 0, 0),
    "date": datetime.date(1999, 12, 31),
    "time": datetime.time(23, 59, 58, 1),
    "exception": OSError(2, "No such file"),
    "traceback": a_traceback(),
    "enum": Colour.RED,
    "enum_class": Colour,
    "bytes": b"\x00\xff binary",
    "bytearray": bytearray(b"abc"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "dataclass": Point(1, [2, 3]),
    "set": {3},
    "frozenset": frozenset(),
    "decimal": decimal.Decimal("1.10"),
    "class": Point,
    "unprintable": Unprintable(),
    "repr_only": ReprOnly(),
    "tuple": (1, "two", None),
    "nested": {"a": [{"b": ()}], 1: "int key", 2.5: "float key", None: "none key", False: "f"},
    "empty": [{}, [], ""],
}


def record(msg="hello %s", args=("world",), **attributes):
    """A record as a logging call makes it, with its attributes replaced."""
    made = std_logging.LogRecord("app.module", std_logging.INFO, "/src/app.py", 42, msg, args, None)
    made.__dict__.update(attributes)
    return made


def both(*args, **kwargs):
    return JsonFormatter(*args, **kwargs), ReferenceFormatter(*args, **kwargs)


def same_line(ours, theirs, made):
    """Both formatters' lines for one record: equal, and one JSON object each."""
    expected = theirs.format(made)
    line = ours.format(made)
    assert line == expected
    body = line[len(ours.prefix) :]
    assert isinstance(json.loads(body), dict)
    return line


EXC_INFO = an_exc_info()

RECORDS = {
    "plain": record("no arguments", ()),
    "args": record("%s took %d ms (%.1f%%) %r", ("GET /", 12, 99.5, "x")),
    "dict_message": record({"event": "started", "exc_info": "given"}, ()),
    "odd_extra": record(**ODD_VALUES),
    "exception": record("failed", (), exc_info=EXC_INFO),
    "exc_text": record("cached", (), exc_text="Traceback (most recent call last):\n  ..."),
    "stack_info": record("where", (), stack_info='Stack (most recent call last):\n  File "x"'),
    "private_extra": record(_hidden=1, visible=2),
    "unicode_message": record("ünï %s \x01", ("\ud83d",)),
}

FORMATTERS = {
    "default": {},
    "percent": {"fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(lineno)d"},
    "brace": {"fmt": "{levelname} {message} {funcName}", "style": "{"},
    "dollar": {"fmt": "$levelname ${message} $$ $module", "style": "$"},
    "comma": {"fmt": "levelname, message ,process", "style": ","},
    "list": {"fmt": ["message", "pathname", "missing"]},
    "renamed": {
        "fmt": "%(levelname)s %(message)s",
        "rename_fields": {"levelname": "level", "message": "msg", "visible": "seen"},
    },
    "renamed_missing": {
        "fmt": "%(message)s",
        "rename_fields": {"absent": "gone"},
        "rename_fields_keep_missing": True,
    },
    "static": {"fmt": "%(message)s", "static_fields": {"service": "api", "version": [1, 2]}},
    "reserved": {"reserved_attrs": ["msg", "args", "exc_info"]},
    "prefix": {"fmt": "%(message)s", "prefix": "JSON: "},
    "timestamp": {"fmt": "%(message)s", "timestamp": True},
    "timestamp_key": {"fmt": "%(message)s", "timestamp": "@ts"},
    "unicode": {"fmt": "%(message)s", "json_ensure_ascii": False},
    "indent": {"fmt": "%(message)s %(levelname)s", "json_indent": 2},
    "indent_text": {"fmt": "%(message)s", "json_indent": "\t"},
    "defaults": {"fmt": "%(message)s %(custom)s", "defaults": {"custom": "x", "other": 1}},
    "arrays": {"fmt": "%(message)s", "exc_info_as_array": True, "stack_info_as_array": True},
    "datefmt": {"fmt": "%(asctime)s %(message)s", "datefmt": "%Y"},
    "json_default": {"json_default": lambda value: f"<{type(value).__name__}>"},
}


@pytest.mark.parametrize("formatter_name", FORMATTERS)
@pytest.mark.parametrize("record_name", RECORDS)
def test_each_record_is_the_reference_object(formatter_name, record_name):
    """Every record, with every set of arguments, gives python-json-logger's exact text."""
    ours, theirs = both(**FORMATTERS[formatter_name])
    made = RECORDS[record_name]
    if formatter_name == "unicode" and record_name in ("odd_extra", "unicode_message"):
        # A lone surrogate kept as it is gives a str no file could hold.
        assert ours.format(made) == theirs.format(made)
        return
    same_line(ours, theirs, made)


def test_a_logged_line_matches_the_reference_logger(tmp_path):
    """Logging through femtologging and through the standard library gives the same objects."""
    lines = {}
    for module, formatter_class in (
        (std_logging, ReferenceFormatter),
        (logging, JsonFormatter),
    ):
        path = tmp_path / f"{module.__name__}.jsonl"
        handler = module.FileHandler(str(path), encoding="utf-8")
        handler.setFormatter(
            formatter_class("%(levelname)s %(name)s %(message)s %(funcName)s %(lineno)d")
        )
        logger = module.getLogger("json.differential")
        logger.handlers[:] = [handler]
        logger.propagate = False
        logger.setLevel(module.DEBUG)
        log_calls(logger)
        handler.close()
        lines[module] = path.read_text(encoding="utf-8").splitlines()
    assert len(lines[logging]) == 4
    assert [json.loads(line) for line in lines[logging]] == [
        json.loads(line) for line in lines[std_logging]
    ]
    assert lines[logging] == lines[std_logging]


def log_calls(logger):
    logger.info("user %s logged in", "ana", extra={"user_id": 7, "when": datetime.date(2020, 1, 2)})
    logger.warning("quota at %d%%", 93, extra={"tags": {"a"}, "raw": b"\x01"})
    try:
        raise RuntimeError("database unreachable")
    except RuntimeError:
        logger.exception("request failed")
    logger.debug({"event": "dict message", "n": 1})


def test_subclass_steps_are_called():
    """A subclass's add_fields, process_log_record and jsonify_log_record shape the line."""

    class Custom(JsonFormatter):
        def add_fields(self, log_data, record, message_dict):
            super().add_fields(log_data, record, message_dict)
            log_data["added"] = record.levelname.lower()

        def process_log_record(self, log_data):
            log_data.pop("message")
            return {"wrapped": log_data}

    assert json.loads(Custom("%(message)s").format(record())) == {"wrapped": {"added": "info"}}

    class Plain(JsonFormatter):
        def jsonify_log_record(self, log_data):
            return ";".join(log_data)

    assert Plain("%(message)s %(name)s").format(record()) == "message;name"


def test_dict_config_builds_it_from_its_class_path():
    """dictConfig makes one from 'class' and one from '()' with keyword arguments."""
    import logging.config

    stream = io.StringIO()
    logging.config.dictConfig(
        {
            "version": 1,
            "formatters": {
                "by_class": {"class": "femtologging.JsonFormatter", "format": "%(message)s"},
                "by_factory": {
                    "()": "femtologging.JsonFormatter",
                    "fmt": "%(levelname)s",
                    "rename_fields": {"levelname": "level"},
                    "static_fields": {"app": "x"},
                },
            },
            "handlers": {
                "a": {"class": "logging.StreamHandler", "formatter": "by_class", "stream": stream},
                "b": {
                    "class": "logging.StreamHandler",
                    "formatter": "by_factory",
                    "stream": stream,
                },
            },
            "loggers": {"json.configured": {"handlers": ["a", "b"], "level": "INFO"}},
        }
    )
    try:
        std_logging.getLogger("json.configured").info("configured")
    finally:
        std_logging.getLogger("json.configured").handlers.clear()
    assert stream.getvalue().splitlines() == [
        '{"message": "configured"}',
        '{"level": "INFO", "app": "x"}',
    ]


def test_it_is_a_formatter():
    """It is a femtologging Formatter and keeps the standard attributes."""
    formatter = JsonFormatter("%(message)s", datefmt="%H")
    assert isinstance(formatter, logging.Formatter)
    assert formatter.datefmt == "%H"
    with pytest.raises(ValueError, match="Style must be one of"):
        JsonFormatter("%(message)s", style="?")


# ---------------------------------------------------------------- bad input


class Counting(logging.StreamHandler):
    """A handler that counts handleError calls instead of printing them."""

    def __init__(self):
        super().__init__(io.StringIO())
        self.errors = []

    def handleError(self, record):  # noqa: N802 - the standard name
        self.errors.append(sys.exc_info()[0])


def counting_logger(name, **formatter_arguments):
    handler = Counting()
    handler.setFormatter(JsonFormatter("%(message)s", **formatter_arguments))
    logger = logging.getLogger(name)
    logger.handlers[:] = [handler]
    logger.propagate = False
    return logger, handler


def recursive_list():
    items = [1]
    items.append(items)
    return items


def deep_list():
    value = []
    for _ in range(5000):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("extra", "error", "reference_error"),
    [
        ({"loop": recursive_list()}, ValueError, ValueError),
        ({"bad_key": {(1, 2): "tuple key"}}, TypeError, TypeError),
    ],
    ids=["recursion", "tuple_key"],
)
def test_unencodable_values_go_to_handle_error(extra, error, reference_error):
    """An object JSON refuses is reported through handleError and the call returns."""
    logger, handler = counting_logger(f"json.bad.{next(iter(extra))}")
    logger.error("bad", extra=extra)
    logger.error("fine")
    assert handler.errors == [error]
    assert handler.stream.getvalue() == '{"message": "fine"}\n'
    reference = ReferenceFormatter("%(message)s")
    with pytest.raises(reference_error):
        reference.format(record("bad", (), **extra))


def test_deep_nesting_ends_as_the_reference_does_on_this_python():
    """5,000 nested lists: a RecursionError out of the call where python-json-logger
    raises one (3.11, 3.12), as a standard handler lets it escape; the same line
    where it writes one (3.13)."""
    logger, handler = counting_logger("json.bad.deep")
    extra = {"deep": deep_list()}
    try:
        expected = ReferenceFormatter("%(message)s").format(record("bad", (), **extra))
    except RecursionError:
        with pytest.raises(RecursionError):
            logger.error("bad", extra=extra)
    else:
        logger.error("bad", extra=extra)
        assert handler.stream.getvalue() == expected + "\n"
    assert handler.errors == []


def test_an_unencodable_value_is_reported_the_standard_way(capsys):
    """The standard handleError prints its report to stderr and logging goes on."""
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(JsonFormatter("%(message)s"))
    logger = logging.getLogger("json.bad.reported")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.error("bad", extra={"loop": recursive_list()})
    report = capsys.readouterr().err
    assert "--- Logging error ---" in report
    assert "ValueError: Circular reference detected" in report


def test_a_default_that_returns_its_argument_is_circular():
    """A json_default that cannot reduce the value is reported, not looped on."""
    logger, handler = counting_logger("json.bad.default", json_default=lambda value: value)
    logger.error("x", extra={"odd": object()})
    assert handler.errors == [ValueError]


def test_values_without_text_are_rendered():
    """Objects whose __str__ and __repr__ raise are written as the reference writes them."""
    logger, handler = counting_logger("json.bad.text")
    logger.error("x", extra={"a": Unprintable(), "b": ReprOnly()})
    assert handler.errors == []
    assert json.loads(handler.stream.getvalue()) == {
        "message": "x",
        "a": "__could_not_encode__",
        "b": "<ReprOnly>",
    }


# ---------------------------------------------------------------- properties

KEYS = st.text(min_size=1, max_size=8).filter(
    lambda key: key not in record().__dict__ and not key.startswith("_") and key != "message"
)
LONE_SURROGATES = st.integers(0xD800, 0xDFFF).map(chr)
TEXT = st.lists(st.one_of(st.characters(), LONE_SURROGATES), max_size=12).map("".join)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    TEXT,
    st.binary(max_size=8),
    st.datetimes(),
    st.dates(),
    st.sampled_from([Colour.RED, Colour.BLUE, Size.SMALL, Point(1, [2]), Colour]),
    st.frozensets(st.integers(), max_size=3),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(
            st.one_of(TEXT, st.integers(), st.floats(allow_nan=False)), inner, max_size=3
        ),
    ),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    message=TEXT,
    extra=st.dictionaries(KEYS, VALUES, max_size=5),
    ensure_ascii=st.booleans(),
)
def test_generated_records_match_the_reference(message, extra, ensure_ascii):
    """Any message and extra fields give python-json-logger's text, which json.loads reads back."""
    ours, theirs = both("%(levelname)s %(message)s", json_ensure_ascii=ensure_ascii)
    made = record(message, (), **extra)
    line = ours.format(made)
    assert line == theirs.format(made)
    assert isinstance(json.loads(line), dict)
