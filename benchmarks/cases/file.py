"""Enabled `logger.info(...)` to a FileHandler, end to end: every line on disk after close()."""

from __future__ import annotations

import os
import re
import tempfile
import time
from types import ModuleType

from ._case import Case, Measurement
from ._checks import expect_records, read_text, record_pattern
from ._setup import attached, file_handler

NAME = "bench.file"
_MESSAGE = re.escape("request /api/items took 42 ms")


def run(library: ModuleType, n: int) -> Measurement:
    with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
        path = os.path.join(directory, "bench.log")
        logger = library.getLogger(NAME)
        logger.setLevel(library.INFO)
        handler = file_handler(library, path)
        with attached(logger, handler):
            start = time.perf_counter_ns()
            for _ in range(n):
                logger.info("request %s took %d ms", "/api/items", 42)
            # close() is inside the timed region: a handler that buffers or writes in the
            # background has to pay for getting the lines to disk.
            handler.close()
            elapsed = time.perf_counter_ns() - start
        text = read_text(path)
    expect_records(text, record_pattern(library, "INFO", NAME, _MESSAGE), n)
    return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=len(text))


CASE = Case(
    name="file",
    summary="the stream_stringio call to FileHandler in a temporary directory, including close()",
    default_n=100_000,
    run=run,
    rows=("per_call", "whole_run"),
)
