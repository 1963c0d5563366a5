"""`logger.exception(...)` inside an except block: formatting a traceback per record.

Two cases share this code: `exception` raises one frame below the `try`, `exception_deep`
twenty frames of user code below it. Besides the libraries with the standard library's API,
loguru and structlog run them through their own exception paths.
"""

from __future__ import annotations

import io
import re
import sys
import time
import traceback
from collections.abc import Callable
from types import ModuleType
from typing import Any

from . import _deep_stack
from ._case import Case, CaseFunction, Measurement
from ._checks import CheckFailed, expect_records, record_pattern
from ._setup import attached, stream_handler

NAME = "bench.exception"


def _fail() -> None:
    raise ValueError("boom")


def _raise_and_log(fail: Callable[[], None], logger: Any, n: int) -> None:
    # Both the timed loop and the reference traceback come from here, so every record's
    # traceback has the same frames and line numbers whichever library formats it.
    for _ in range(n):
        try:
            fail()
        except ValueError:
            logger.exception("failed")


class _ReferenceLogger:
    """Stands in for a logger to capture the standard library's text of the traceback."""

    text = ""

    def exception(self, message: str) -> None:
        # logging.Formatter.formatException drops the traceback's trailing newline.
        self.text = "".join(traceback.format_exception(*sys.exc_info())).removesuffix("\n")


def _reference(fail: Callable[[], None]) -> str:
    reference = _ReferenceLogger()
    _raise_and_log(fail, reference, 1)
    return reference.text


def _standard(fail: Callable[[], None]) -> CaseFunction:
    def run(library: ModuleType, n: int) -> Measurement:
        stream = io.StringIO()
        logger = library.getLogger(NAME)
        logger.setLevel(library.INFO)
        handler = stream_handler(library, stream)
        with attached(logger, handler):
            start = time.perf_counter_ns()
            _raise_and_log(fail, logger, n)
            handler.flush()
            elapsed = time.perf_counter_ns() - start
        text = stream.getvalue()
        handler.close()
        header = record_pattern(library, "ERROR", NAME, re.escape("failed"))
        expect_records(text, rf"{header}\n{re.escape(_reference(fail))}", n)
        return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=len(text))

    return run


def _count_tracebacks(text: str, fail: Callable[[], None], n: int) -> None:
    """For the peers that lay a traceback out their own way: n records, each with the frames
    of the standard library's traceback and its last line."""
    reference = _reference(fail)
    last_line = reference.rsplit("\n", 1)[-1]
    frame_lines = [line for line in reference.split("\n") if line.startswith("  File ")]
    for needle in [last_line, *frame_lines]:
        if text.count(needle + "\n") != n:
            raise CheckFailed(f"expected {n} times {needle!r}, got {text.count(needle)}")


def _loguru(fail: Callable[[], None]) -> CaseFunction:
    """loguru: a synchronous sink on a StringIO, without its variable-annotating `diagnose`
    and extended `backtrace` (what its documentation advises in production)."""

    def run(library: ModuleType, n: int) -> Measurement:
        stream = io.StringIO()
        loguru = library.logger
        loguru.remove()
        sink = loguru.add(
            stream,
            format="{time:YYYY-MM-DD HH:mm:ss,SSS} {level} {extra[name]}: {message}",
            level="INFO",
            backtrace=False,
            diagnose=False,
            colorize=False,
        )
        logger = loguru.bind(name=NAME)
        start = time.perf_counter_ns()
        _raise_and_log(fail, logger, n)
        elapsed = time.perf_counter_ns() - start
        loguru.remove(sink)
        text = stream.getvalue()
        if text.count(f" ERROR {NAME}: failed\n") != n:
            raise CheckFailed(f"expected {n} records")
        _count_tracebacks(text, fail, n)
        return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=len(text))

    return run


def _structlog(fail: Callable[[], None]) -> CaseFunction:
    """structlog: a level, a timestamp and its console renderer without colours, whose
    exception formatter is its plain traceback, printing to a StringIO."""

    def run(library: ModuleType, n: int) -> Measurement:
        stream = io.StringIO()
        library.configure(
            processors=[
                library.processors.add_log_level,
                library.processors.TimeStamper(fmt="%Y-%m-%d %H:%M:%S"),
                library.dev.ConsoleRenderer(
                    colors=False, exception_formatter=library.dev.plain_traceback
                ),
            ],
            logger_factory=library.PrintLoggerFactory(stream),
            cache_logger_on_first_use=False,
        )
        logger = library.get_logger(NAME)
        start = time.perf_counter_ns()
        _raise_and_log(fail, logger, n)
        elapsed = time.perf_counter_ns() - start
        library.reset_defaults()
        text = stream.getvalue()
        if text.count("failed") != n:
            raise CheckFailed(f"expected {n} records")
        _count_tracebacks(text, fail, n)
        return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=len(text))

    return run


def _case(name: str, summary: str, fail: Callable[[], None], default_n: int) -> Case:
    return Case(
        name=name,
        summary=summary,
        default_n=default_n,
        run=_standard(fail),
        per_library={"loguru": _loguru(fail), "structlog": _structlog(fail)},
    )


CASE = _case(
    "exception",
    "raise, catch and logger.exception('failed') to StreamHandler(io.StringIO())",
    _fail,
    5_000,
)

DEEP_CASE = _case(
    "exception_deep",
    "the same with 20 frames of user code between the try and the raise",
    _deep_stack.frame_01,
    2_000,
)
