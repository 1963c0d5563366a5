"""Enabled `logger.info(...)` with extra fields to a FileHandler writing JSON lines, end to end.

femtologging uses its own `JsonFormatter`; the standard library and picologging use
python-json-logger's, which is what the femtologging one replaces by a change of import.
structlog, for comparison, writes its own JSON (`JSONRenderer`) through a `WriteLogger` on the
file: the logger's name, the level, an ISO timestamp, the message and the same three fields.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from types import ModuleType
from typing import Any

from ._case import Case, Measurement
from ._checks import CheckFailed, read_text
from ._setup import attached

NAME = "bench.json"
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
EXPECTED = {
    "levelname": "INFO",
    "name": NAME,
    "message": "request /api/items took 42 ms",
    "user_id": 7,
    "path": "/api/items",
    "ok": True,
}


def json_formatter(library: ModuleType) -> Any:
    if library.__name__ == "femtologging":
        return library.JsonFormatter(FORMAT, timestamp=True)
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(FORMAT, timestamp=True)


def run(library: ModuleType, n: int) -> Measurement:
    with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
        path = os.path.join(directory, "bench.jsonl")
        logger = library.getLogger(NAME)
        logger.setLevel(library.INFO)
        handler = library.FileHandler(path, encoding="utf-8")
        handler.setFormatter(json_formatter(library))
        extra = {"user_id": 7, "path": "/api/items", "ok": True}
        with attached(logger, handler):
            start = time.perf_counter_ns()
            for _ in range(n):
                logger.info("request %s took %d ms", "/api/items", 42, extra=extra)
            handler.close()
            elapsed = time.perf_counter_ns() - start
        text = read_text(path)
    check(text, n)
    return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=len(text))


def run_structlog(library: ModuleType, n: int) -> Measurement:
    """structlog's JSON lines: bound name, the call's fields, level and UTC timestamp."""
    with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
        path = os.path.join(directory, "bench.jsonl")
        with open(path, "w", encoding="utf-8") as file:
            logger = library.wrap_logger(
                library.WriteLogger(file),
                processors=[
                    library.processors.add_log_level,
                    library.processors.TimeStamper(fmt="iso", utc=True),
                    library.processors.JSONRenderer(),
                ],
                wrapper_class=library.make_filtering_bound_logger(20),
            ).bind(name=NAME)
            start = time.perf_counter_ns()
            for _ in range(n):
                logger.info(
                    "request %s took %d ms", "/api/items", 42, user_id=7, path="/api/items", ok=True
                )
            file.close()
            elapsed = time.perf_counter_ns() - start
        text = read_text(path)
    lines = text.splitlines()
    if len(lines) != n:
        raise CheckFailed(f"expected {n} lines, found {len(lines)}")
    for line in (lines[0], lines[-1]):
        fields = json.loads(line)
        expected = dict(EXPECTED, levelname="info")
        if fields.pop("event") != expected.pop("message") or "timestamp" not in fields:
            raise CheckFailed(f"unexpected line: {line}")
        if fields.pop("level") != expected.pop("levelname"):
            raise CheckFailed(f"unexpected level: {line}")
        if any(fields[key] != value for key, value in expected.items()):
            raise CheckFailed(f"unexpected values: {line}")
    return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=len(text))


def check(text: str, n: int) -> None:
    """Every line is one JSON object holding the expected fields, the same for every library."""
    lines = text.splitlines()
    if len(lines) != n:
        raise CheckFailed(f"expected {n} lines, found {len(lines)}")
    for line in (lines[0], lines[-1]):
        fields = json.loads(line)
        if list(fields) != ["asctime", *EXPECTED, "timestamp"]:
            raise CheckFailed(f"unexpected keys: {list(fields)}")
        if any(fields[key] != value for key, value in EXPECTED.items()):
            raise CheckFailed(f"unexpected values: {line}")


CASE = Case(
    name="json_file",
    summary="logger.info with 3 extra fields to FileHandler + JsonFormatter, including close()",
    default_n=100_000,
    run=run,
    rows=("per_call", "whole_run"),
    # picologging's records keep `extra` out of `__dict__`, where python-json-logger looks for
    # it: its lines lack the three fields, so the case does not apply to it.
    per_library={"structlog": run_structlog, "picologging": None},
)
