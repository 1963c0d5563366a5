"""The structured API's human-readable lines: `configure(fmt="pretty")`, then
`get_logger().info("event", key=value, ...)` to a file, against stock structlog configured to
write the same bytes.

structlog runs the processors `configure` chooses for "pretty" (`merge_contextvars`,
`add_log_level`, `TimeStamper(fmt="iso", utc=True)`) with its `ConsoleRenderer(colors=False)`
and `WriteLogger` on the file, from a filtering bound logger cached on first use. The calls, the
output redirection and the timing are `structured_json`'s; the check compares every line,
timestamp aside, with the line the console renderer gives.
"""

from __future__ import annotations

import re
from types import ModuleType

from ._case import Case, Measurement
from ._checks import CheckFailed
from .structured_json import (
    not_applicable,
    run_femtologging_to_file,
    run_structlog_to_file,
)

_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z ")


def _expected_line(ms: int) -> str:
    # The event padded to 30 characters, then the key-values sorted by key.
    return (
        f"T [info     ] request handled                duration_ms={ms} path=/api/items "
        "service=catalog status=200 user=alice"
    )


def _check(text: str, n: int) -> None:
    lines = text.split("\n")
    if lines[-1] != "":
        raise CheckFailed("the output does not end with a newline")
    if len(lines) - 1 != n:
        raise CheckFailed(f"expected {n} lines, got {len(lines) - 1}")
    for ms, line in enumerate(lines[:-1]):
        if _TIMESTAMP.sub("T ", line) != _expected_line(ms):
            raise CheckFailed(f"line {ms + 1} of {n} is not as expected: {line[:300]!r}")


def run_structlog(library: ModuleType, n: int) -> Measurement:
    structlog = library
    renderer = structlog.dev.ConsoleRenderer(colors=False)
    return run_structlog_to_file(structlog, [], renderer, n, _check)


def run_femtologging(library: ModuleType, n: int) -> Measurement:
    return run_femtologging_to_file("pretty", n, _check)


CASE = Case(
    name="structured_pretty",
    summary=(
        'configure(fmt="pretty"); get_logger().info("request handled", path=..., status=200, '
        "duration_ms=i, user=...) to a file, end to end, against structlog's "
        "ConsoleRenderer(colors=False) with its WriteLogger (the same bytes)"
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
