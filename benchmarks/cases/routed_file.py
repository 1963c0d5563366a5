"""A library's `logging.getLogger(...).info(...)` through the real `logging` module, to a file.

The call is made on a logger of the standard library in every column: what a third-party
library does. The standard library handles it with its own FileHandler; femtologging with its
routing on (`femtologging.capture_stdlib()`), which hands the call to femtologging's logger of
the same name and its native FileHandler. End to end: close() is inside the timed region.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import time
from types import ModuleType

from ._case import Case, Measurement
from ._checks import expect_records, read_text, record_pattern
from ._setup import attached, file_handler

NAME = "bench.routed"
_MESSAGE = re.escape("request /api/items took 42 ms")


def _timed_calls(library: ModuleType, handler_logger, n: int, path: str) -> int:
    """Logs n records on the standard library's logger, with the handler on `handler_logger`."""
    standard_logger = logging.getLogger(NAME)
    handler_logger.setLevel(library.INFO)
    handler = file_handler(library, path)
    with attached(handler_logger, handler):
        start = time.perf_counter_ns()
        for _ in range(n):
            standard_logger.info("request %s took %d ms", "/api/items", 42)
        handler.close()
        elapsed = time.perf_counter_ns() - start
    handler_logger.setLevel(library.NOTSET)
    return elapsed


def _measured(library: ModuleType, n: int, time_calls) -> Measurement:
    with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
        path = os.path.join(directory, "bench.log")
        elapsed = time_calls(path)
        text = read_text(path)
    expect_records(text, record_pattern(library, "INFO", NAME, _MESSAGE), n)
    return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=len(text))


def run(library: ModuleType, n: int) -> Measurement:
    """The standard library: its logger, its FileHandler."""
    return _measured(
        library, n, lambda path: _timed_calls(library, logging.getLogger(NAME), n, path)
    )


def run_routed(library: ModuleType, n: int) -> Measurement:
    """femtologging: the standard library's logger routed into femtologging's FileHandler."""
    library.capture_stdlib()
    try:
        return _measured(
            library, n, lambda path: _timed_calls(library, library.getLogger(NAME), n, path)
        )
    finally:
        library.capture_stdlib(False)


CASE = Case(
    name="routed_file",
    summary="the file call made on a logger of the real logging module (a third-party "
    "library's), to the standard FileHandler or, routed, to femtologging's",
    default_n=100_000,
    run=run,
    rows=("per_call", "whole_run"),
    per_library={"femtologging": run_routed, "picologging": None},
)
