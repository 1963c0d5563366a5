"""`logger.exception(...)` inside an except block: formatting a traceback per record."""

from __future__ import annotations

import io
import re
import sys
import time
import traceback
from types import ModuleType
from typing import Any

from ._case import Case, Measurement
from ._checks import expect_records, record_pattern
from ._setup import attached, stream_handler

NAME = "bench.exception"


def _fail() -> None:
    raise ValueError("boom")


def _raise_and_log(logger: Any, n: int) -> None:
    # Both the timed loop and the reference traceback come from here, so every record's
    # traceback has the same frames and line numbers whichever library formats it.
    for _ in range(n):
        try:
            _fail()
        except ValueError:
            logger.exception("failed")


class _ReferenceLogger:
    """Stands in for a logger to capture the standard library's text of the traceback."""

    text = ""

    def exception(self, message: str) -> None:
        # logging.Formatter.formatException drops the traceback's trailing newline.
        self.text = "".join(traceback.format_exception(*sys.exc_info())).removesuffix("\n")


def _check(library: ModuleType, text: str, n: int) -> None:
    reference = _ReferenceLogger()
    _raise_and_log(reference, 1)
    header = record_pattern(library, "ERROR", NAME, re.escape("failed"))
    expect_records(text, rf"{header}\n{re.escape(reference.text)}", n)


def run(library: ModuleType, n: int) -> Measurement:
    stream = io.StringIO()
    logger = library.getLogger(NAME)
    logger.setLevel(library.INFO)
    handler = stream_handler(library, stream)
    with attached(logger, handler):
        start = time.perf_counter_ns()
        _raise_and_log(logger, n)
        handler.flush()
        elapsed = time.perf_counter_ns() - start
    text = stream.getvalue()
    handler.close()
    _check(library, text, n)
    return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=len(text))


CASE = Case(
    name="exception",
    summary="raise, catch and logger.exception('failed') to StreamHandler(io.StringIO())",
    default_n=5_000,
    run=run,
)
