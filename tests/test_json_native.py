"""JsonFormatter's lines written natively, by a femto handler's worker or by
the caller for a standard handler, are python-json-logger's for the same
records; what the native writer cannot reproduce goes through `format`."""

import datetime
import io
import json
import sys

import femtologging as logging
import pytest
from femtologging import JsonFormatter
from pythonjsonlogger.json import JsonFormatter as ReferenceFormatter
from test_json_formatter import FORMATTERS, ODD_VALUES

PLAIN_EXTRA = {
    "user_id": 7,
    "ok": True,
    "nothing": None,
    "ratio": 0.1,
    "floats": [1e16, -0.0, 1e-7, float("inf"), float("-inf"), float("nan")],
    "huge": 2**63 - 1,
    "controls": "nul\x00 bell\x07 esc\x1b del\x7f tab\t cr\r lf\n",
    "quotes": 'back\\slash "double" /slash',
    "unicode": "héllo ✓ 日本 \U0001f600 \u2028",
    "nested": {"a": [{"b": ()}, (1, "two")], "": [[], {}]},
}


def log_calls(logger):
    """Records of every kind: plain, with plain and odd `extra`, an exception,
    a stack, a dict as the message, names python-json-logger skips or renames."""
    logger.info("no arguments")
    logger.info("%s took %d ms (%.1f%%) %r", "GET /", 12, 99.5, "x", extra=PLAIN_EXTRA)
    logger.warning("odd values", extra={k: v for k, v in ODD_VALUES.items() if k != "surrogate"})
    logger.info("bigger than 64 bits", extra={"huge": 2**80, "small": -(2**63)})
    try:
        raise ValueError('boom \u00e9\n"quoted"')
    except ValueError:
        logger.exception("failed", extra={"visible": 1})
    logger.info("where", stack_info=True)
    logger.info({"event": "started", "exc_info": "given"})
    logger.info("private", extra={"_hidden": 1, "visible": 2, "service": "overrides static"})
    logger.info("custom %s", "value", extra={"custom": [1], "absent": None, "level": "x"})


def femto_and_reference_lines(
    tmp_path, name, arguments, order=("femto", "reference"), femto_class=None
):
    """The lines of a FemtoFileHandler (or `femto_class`) with JsonFormatter
    and of a StreamHandler with python-json-logger's, both on one logger."""
    path = tmp_path / "femto.jsonl"
    if femto_class is None:
        femto = logging.FemtoFileHandler(str(path), policy="block")
    else:
        femto = femto_class(str(path), encoding="utf-8")
    femto.setFormatter(JsonFormatter(**arguments))
    stream = io.StringIO()
    reference = logging.StreamHandler(stream)
    reference.setFormatter(ReferenceFormatter(**arguments))
    logger = logging.getLogger(f"json.femto.{name}")
    handlers = {"femto": femto, "reference": reference}
    logger.handlers[:] = [handlers[which] for which in order]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    try:
        log_calls(logger)
    finally:
        femto.close()
        logger.handlers.clear()
    if femto_class is None:
        assert femto.stats()["rejected"] == 0
    return lines_of(path.read_bytes().decode("utf-8")), lines_of(stream.getvalue())


def lines_of(text):
    """The lines, split at "\n" only (not at U+2028, which a line may hold)."""
    assert text.endswith("\n")
    return text[:-1].split("\n")


@pytest.mark.parametrize("formatter_name", [name for name in FORMATTERS if "indent" not in name])
def test_a_femto_file_holds_the_reference_lines(tmp_path, formatter_name):
    """Each record written by the worker is python-json-logger's line for it."""
    ours, theirs = femto_and_reference_lines(tmp_path, formatter_name, FORMATTERS[formatter_name])
    assert len(ours) == 9
    assert ours == theirs
    prefix = FORMATTERS[formatter_name].get("prefix", "")
    for line in ours:
        assert isinstance(json.loads(line[len(prefix) :]), dict)


@pytest.mark.parametrize("formatter_name", FORMATTERS)
def test_a_standard_file_handler_holds_the_reference_lines(tmp_path, formatter_name):
    """A FileHandler's lines, written natively on the caller, are python-json-logger's."""
    ours, theirs = femto_and_reference_lines(
        tmp_path,
        f"standard.{formatter_name}",
        FORMATTERS[formatter_name],
        femto_class=logging.FileHandler,
    )
    assert ours == theirs


def test_the_record_seen_by_another_handler_first_gives_the_same_lines(tmp_path):
    """A record already turned into a Python LogRecord is written the same way."""
    arguments = {
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        "timestamp": True,
        "static_fields": {"service": "api"},
    }
    ours, theirs = femto_and_reference_lines(
        tmp_path, "second", arguments, order=("reference", "femto")
    )
    assert ours == theirs


def test_with_indent_the_lines_span_several_lines(tmp_path):
    """json_indent gives python-json-logger's multi-line text (formatted by the caller)."""
    arguments = {"fmt": "%(message)s %(levelname)s", "json_indent": 2}
    path = tmp_path / "indented.jsonl"
    handler = logging.FemtoFileHandler(str(path), policy="block")
    handler.setFormatter(JsonFormatter(**arguments))
    logger = logging.getLogger("json.femto.indent")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.warning("spread", extra={"user_id": 7})
    handler.close()
    expected = ReferenceFormatter(**arguments).format(
        logging.makeLogRecord({"msg": "spread", "levelname": "WARNING", "user_id": 7})
    )
    assert path.read_text(encoding="utf-8") == expected + "\n"


@pytest.fixture
def format_calls(monkeypatch):
    """The records `JsonFormatter.format` is called with on the caller's thread."""
    calls = []
    original = JsonFormatter.format

    def counting(self, record):
        calls.append(record.getMessage())
        return original(self, record)

    monkeypatch.setattr(JsonFormatter, "format", counting)
    return calls


def test_plain_records_are_formatted_on_the_worker(tmp_path, format_calls):
    """Only a record holding a value JSON cannot hold as it is goes through
    Python's format on the caller; the others are written by the worker."""
    path = tmp_path / "worker.jsonl"
    handler = logging.FemtoFileHandler(str(path), policy="block")
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(message)s", timestamp=True))
    logger = logging.getLogger("json.femto.worker")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.warning("plain %d", 1, extra=PLAIN_EXTRA)
    logger.warning("a date", extra={"when": datetime.date(2020, 1, 2)})
    logger.warning("plain %d", 2)
    handler.close()
    assert format_calls == ["a date"]
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["message"] for line in lines] == ["plain 1", "a date", "plain 2"]
    assert lines[1]["when"] == "2020-01-02"
    assert lines[0]["user_id"] == 7


def test_a_standard_handler_does_not_call_format_for_plain_records(format_calls):
    """On a StreamHandler the caller writes plain records natively, the others through format."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(levelname)s %(message)s", static_fields={"a": 1}))
    logger = logging.getLogger("json.standard.native")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.warning("plain", extra=PLAIN_EXTRA)
    logger.warning("a set", extra={"tags": {"x"}})
    assert format_calls == ["a set"]
    reference = ReferenceFormatter("%(levelname)s %(message)s", static_fields={"a": 1})
    first = logging.makeLogRecord({"msg": "plain", "levelname": "WARNING", **PLAIN_EXTRA})
    assert stream.getvalue().split("\n")[0] == reference.format(first)


@pytest.mark.parametrize(
    "change",
    [
        {"json_indent": 1},
        {"json_serializer": lambda data, **_: json.dumps(data, sort_keys=True)},
        {"fmt": "%(threadName)s %(message)s"},
    ],
    ids=["indent", "serializer", "thread_name"],
)
def test_settings_the_worker_cannot_honour_are_formatted_on_the_caller(
    tmp_path, format_calls, change
):
    """A custom serializer, an indent or a field the worker does not know keeps `format`."""
    fmt = change.pop("fmt", "%(message)s")
    handler = logging.FemtoFileHandler(str(tmp_path / "caller.jsonl"), policy="block")
    handler.setFormatter(JsonFormatter(fmt, **change))
    logger = logging.getLogger("json.femto.caller")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.warning("by the caller")
    handler.close()
    assert format_calls == ["by the caller"]


def test_a_setting_changed_after_the_first_record_applies_to_the_next(tmp_path):
    """Assigning an attribute of the formatter is seen by the worker's layout."""
    path = tmp_path / "changed.jsonl"
    formatter = JsonFormatter("%(message)s")
    handler = logging.FemtoFileHandler(str(path), policy="block")
    handler.setFormatter(formatter)
    logger = logging.getLogger("json.femto.changed")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.warning("before")
    handler.flush()
    formatter.prefix = "@ "
    formatter.rename_fields = {"message": "text"}
    logger.warning("after")
    handler.close()
    assert path.read_text(encoding="utf-8").splitlines() == [
        '{"message": "before"}',
        '@ {"text": "after"}',
    ]


def test_a_subclass_step_is_honoured(tmp_path):
    """A subclass overriding process_log_record is formatted through it."""

    class Tagged(JsonFormatter):
        def process_log_record(self, log_data):
            log_data["tag"] = "x"
            return log_data

    path = tmp_path / "subclass.jsonl"
    handler = logging.FemtoFileHandler(str(path), policy="block")
    handler.setFormatter(Tagged("%(message)s"))
    logger = logging.getLogger("json.femto.subclass")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.warning("sub")
    handler.close()
    assert path.read_text(encoding="utf-8") == '{"message": "sub", "tag": "x"}\n'


def test_a_lone_surrogate_is_escaped_on_the_worker_path(tmp_path):
    """With ensure_ascii, a lone surrogate in extra is written as \\udXXX, as json.dumps does."""
    path = tmp_path / "surrogate.jsonl"
    handler = logging.FemtoFileHandler(str(path), policy="block")
    handler.setFormatter(JsonFormatter("%(message)s"))
    logger = logging.getLogger("json.femto.surrogate")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.warning("s", extra={"text": "lone \ud800 end"})
    handler.close()
    assert path.read_text(encoding="utf-8") == '{"message": "s", "text": "lone \\ud800 end"}\n'


if sys.version_info >= (3, 12):

    def test_task_name_is_skipped_as_the_reference_skips_it(tmp_path):
        """taskName, a record attribute since 3.12, is not written as an extra field."""
        ours, theirs = femto_and_reference_lines(tmp_path, "task", {"fmt": "%(message)s"})
        assert ours == theirs
        assert all("taskName" not in json.loads(line) for line in ours)


BENCHMARK_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def standard_and_reference_lines(tmp_path, name, arguments, calls):
    """A FileHandler with JsonFormatter and a StreamHandler with python-json-logger's, both on
    one logger, after `calls(logger)`: their lines."""
    path = tmp_path / f"{name}.jsonl"
    ours = logging.FileHandler(str(path), encoding="utf-8")
    ours.setFormatter(JsonFormatter(**arguments))
    stream = io.StringIO()
    reference = logging.StreamHandler(stream)
    reference.setFormatter(ReferenceFormatter(**arguments))
    logger = logging.getLogger(f"json.standard.{name}")
    logger.handlers[:] = [ours, reference]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    try:
        calls(logger)
    finally:
        ours.close()
        logger.handlers.clear()
    return lines_of(path.read_text(encoding="utf-8")), lines_of(stream.getvalue())


@pytest.mark.parametrize("ensure_ascii", [True, False], ids=["ascii", "unicode"])
def test_extra_names_and_values_are_escaped_as_the_reference_escapes_them(tmp_path, ensure_ascii):
    """Names and values with quotes, controls, DEL and non-ASCII text, nested containers and
    numbers at the edges of 64 bits give python-json-logger's lines."""
    arguments = {"fmt": BENCHMARK_FORMAT, "timestamp": True, "json_ensure_ascii": ensure_ascii}

    def calls(logger):
        logger.info(
            "r\u00e9sum\u00e9 %s \u2713",
            "\x7f\x1f",
            extra={
                'quote"d': 'a "b" \\ c',
                "caf\u00e9 \u65e5\u672c": "\U0001f600 \u2028",
                "edges": [2**63 - 1, -(2**63), 0.5, -0.0, (True, None)],
                "nested": {"k\x01": {"": []}},
            },
        )

    ours, theirs = standard_and_reference_lines(
        tmp_path, f"escapes.{ensure_ascii}", arguments, calls
    )
    assert ours == theirs


def test_an_extra_dict_reused_and_changed_between_calls_is_read_again(tmp_path):
    """The same extra dict, changed between calls, gives each call's own values, and a key
    added later that clashes with a record attribute raises KeyError as in the standard
    library."""
    extra = {"user_id": 7, "path": "/api/items", "ok": True}

    def calls(logger):
        logger.info("first", extra=extra)
        extra["user_id"] = 8
        del extra["ok"]
        logger.info("second", extra=extra)
        extra["lineno"] = 1
        with pytest.raises(KeyError, match="lineno"):
            logger.info("refused", extra=extra)
        del extra["lineno"]
        logger.info("third", extra=extra)

    ours, theirs = standard_and_reference_lines(
        tmp_path, "reused", {"fmt": BENCHMARK_FORMAT}, calls
    )
    assert ours == theirs
    assert [json.loads(line).get("user_id") for line in ours] == [7, 8, 8]


def test_a_filter_that_changes_the_record_changes_the_line(tmp_path):
    """A handler filter that rewrites the message and adds an attribute is seen in the
    FileHandler's line, as python-json-logger sees it."""

    class Rewriting(logging.Filter):
        def filter(self, record):
            record.msg = "rewritten %s"
            record.added = ["by", "filter"]
            return True

    def calls(logger):
        for handler in logger.handlers:
            handler.addFilter(Rewriting())
        logger.info("original %s", "argument", extra={"user_id": 7})

    ours, theirs = standard_and_reference_lines(
        tmp_path, "filtered", {"fmt": BENCHMARK_FORMAT, "timestamp": True}, calls
    )
    assert ours == theirs
    assert json.loads(ours[0])["message"] == "rewritten argument"


def test_a_subclass_overriding_format_or_emit_is_called(tmp_path):
    """A JsonFormatter subclass overriding format, and a FileHandler subclass overriding
    emit, are called for every record instead of the native writer."""
    seen = []

    class Tagging(JsonFormatter):
        def format(self, record):
            return "tagged " + super().format(record)

    class Counting(logging.FileHandler):
        def emit(self, record):
            seen.append(record.user_id)
            super().emit(record)

    path = tmp_path / "subclass.jsonl"
    handler = Counting(str(path), encoding="utf-8")
    handler.setFormatter(Tagging(BENCHMARK_FORMAT))
    logger = logging.getLogger("json.standard.subclass")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.warning("one", extra={"user_id": 1})
    logger.warning("two", extra={"user_id": 2})
    handler.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert seen == [1, 2]
    assert all(line.startswith("tagged {") for line in lines)
    assert [json.loads(line[len("tagged ") :])["user_id"] for line in lines] == [1, 2]


@pytest.mark.parametrize(
    "datefmt", [None, "%Y-%m-%dT%H:%M:%S%z", "%d/%m %H:%M:%S.%%"], ids=["default", "iso", "odd"]
)
def test_asctime_and_the_timestamp_are_the_reference_ones(tmp_path, datefmt, request):
    """asctime (with and without datefmt) and the UTC timestamp of records made at chosen
    times, a whole second and the last millisecond of one included, are python-json-logger's."""
    import time
    from unittest import mock

    arguments = {"fmt": BENCHMARK_FORMAT, "timestamp": True, "datefmt": datefmt}
    moments = [1_796_429_287.0, 1_796_429_287.999_9, 1_796_429_288.000_5, 951_782_400.25]

    def calls(logger):
        # The clock LogRecord reads: time.time_ns from 3.13, time.time before.
        name = "time_ns" if sys.version_info >= (3, 13) else "time"
        for moment in moments:
            value = int(moment * 1e9) if name == "time_ns" else moment
            with mock.patch.object(time, name, return_value=value):
                logger.info("at %s", moment)

    ours, theirs = standard_and_reference_lines(
        tmp_path, request.node.callspec.id, arguments, calls
    )
    assert ours == theirs
