"""Enabled `logger.info(...)` formatted by a StreamHandler into an in-memory stream."""

from __future__ import annotations

import io
import re
import time
from types import ModuleType

from ._case import Case, Measurement
from ._checks import expect_records, record_pattern
from ._setup import attached, stream_handler

NAME = "bench.stream"
_MESSAGE = re.escape("request /api/items took 42 ms")


def run(library: ModuleType, n: int) -> Measurement:
    stream = io.StringIO()
    logger = library.getLogger(NAME)
    logger.setLevel(library.INFO)
    handler = stream_handler(library, stream)
    with attached(logger, handler):
        start = time.perf_counter_ns()
        for _ in range(n):
            logger.info("request %s took %d ms", "/api/items", 42)
        handler.flush()
        elapsed = time.perf_counter_ns() - start
    text = stream.getvalue()
    handler.close()
    expect_records(text, record_pattern(library, "INFO", NAME, _MESSAGE), n)
    return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=len(text))


CASE = Case(
    name="stream_stringio",
    summary="logger.info with two arguments, formatted by StreamHandler(io.StringIO())",
    default_n=100_000,
    run=run,
)
