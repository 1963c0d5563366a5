"""The structured API: `configure(fmt="json")`, then `get_logger().info("event", key=value, ...)`
to a file, against stock structlog configured to write the same bytes.

structlog runs the same processors (`merge_contextvars`, `add_log_level`, `format_exc_info`,
`TimeStamper(fmt="iso", utc=True)`) with its `JSONRenderer` and `WriteLogger` on the file, from
a filtering bound logger cached on first use: its fastest stock configuration for these bytes.
femtologging.structured writes to standard output, which the case points at the file (a
service's stdout redirected); the whole run lasts until every line is on disk. The check parses
every line and compares it, timestamp aside, with the line structlog's renderer gives.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from types import ModuleType

from ._case import Case, Measurement
from ._checks import CheckFailed, read_text

_PATH = "/api/items"
_TIMESTAMP = re.compile(r'"timestamp": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z"')


def _expected_line(ms: int) -> str:
    return json.dumps(
        {
            "service": "catalog",
            "path": _PATH,
            "status": 200,
            "duration_ms": ms,
            "user": "alice",
            "event": "request handled",
            "level": "info",
            "timestamp": "T",
        }
    )


def _check(text: str, n: int) -> None:
    lines = text.split("\n")
    if lines[-1] != "":
        raise CheckFailed("the output does not end with a newline")
    if len(lines) - 1 != n:
        raise CheckFailed(f"expected {n} lines, got {len(lines) - 1}")
    for ms, line in enumerate(lines[:-1]):
        json.loads(line)
        if _TIMESTAMP.sub('"timestamp": "T"', line) != _expected_line(ms):
            raise CheckFailed(f"line {ms + 1} of {n} is not as expected: {line[:300]!r}")


def log_calls(logger, n: int) -> None:
    for ms in range(n):
        logger.info("request handled", path=_PATH, status=200, duration_ms=ms, user="alice")


def run_structlog(library: ModuleType, n: int) -> Measurement:
    structlog = library
    renderer = structlog.processors.JSONRenderer()
    return run_structlog_to_file(
        structlog, [structlog.processors.format_exc_info], renderer, n, _check
    )


def run_structlog_to_file(
    structlog: ModuleType, exception_steps: list, renderer, n: int, check
) -> Measurement:
    """structlog's processors as `configure` chooses them, `renderer` last, through its
    `WriteLogger` on a file."""
    with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
        path = os.path.join(directory, "bench.log")
        with open(path, "w") as file:
            structlog.configure(
                processors=[
                    structlog.contextvars.merge_contextvars,
                    structlog.processors.add_log_level,
                    *exception_steps,
                    structlog.processors.TimeStamper(fmt="iso", utc=True),
                    renderer,
                ],
                wrapper_class=structlog.make_filtering_bound_logger(20),
                logger_factory=structlog.WriteLoggerFactory(file),
                cache_logger_on_first_use=True,
            )
            logger = structlog.get_logger().bind(service="catalog")
            start = time.perf_counter_ns()
            log_calls(logger, n)
            logged = time.perf_counter_ns()
        finished = time.perf_counter_ns()
        text = read_text(path)
    check(text, n)
    return Measurement(
        elapsed_ns=finished - start, calls=n, output_bytes=len(text), caller_ns=logged - start
    )


def run_femtologging(library: ModuleType, n: int) -> Measurement:
    return run_femtologging_to_file("json", n, _check)


def run_femtologging_to_file(fmt: str, n: int, check) -> Measurement:
    """`configure(fmt=fmt)` with standard output pointed at a file, until every line is on it."""
    from femtologging import structured

    with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
        path = os.path.join(directory, "bench.log")
        saved_stdout = os.dup(1)
        file_descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(file_descriptor, 1)
        os.close(file_descriptor)
        try:
            structured.configure(fmt=fmt)
            logger = structured.get_logger(service="catalog")
            start = time.perf_counter_ns()
            log_calls(logger, n)
            logged = time.perf_counter_ns()
            if not structured._flush():
                raise CheckFailed("the worker did not write everything within its timeout")
            finished = time.perf_counter_ns()
        finally:
            os.dup2(saved_stdout, 1)
            os.close(saved_stdout)
        text = read_text(path)
    check(text, n)
    return Measurement(
        elapsed_ns=finished - start, calls=n, output_bytes=len(text), caller_ns=logged - start
    )


def not_applicable(library: ModuleType, n: int) -> Measurement:
    raise CheckFailed("the structured case runs only structlog and femtologging")


CASE = Case(
    name="structured_json",
    summary=(
        'configure(fmt="json"); get_logger().info("request handled", path=..., status=200, '
        "duration_ms=i, user=...) to a file, end to end, against structlog's JSONRenderer "
        "with its WriteLogger (the same bytes)"
    ),
    default_n=100_000,
    run=not_applicable,
    rows=("caller", "end_to_end"),
    face="structured",
    per_library={
        "stdlib": None,
        "stdlib_queue": None,
        "picologging": None,
        "loguru": None,
        "structlog": run_structlog,
        "femtologging": run_femtologging,
    },
)
