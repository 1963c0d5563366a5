"""`logger.exception(...)` inside an except block: formatting a traceback per record.

Two cases share this code: `exception` divides by zero in the `try` itself, `exception_deep`
raises twenty frames of user code below it. Every record goes to a file, and every record's
traceback is checked. Besides the libraries with the standard library's API, loguru and
structlog run them through their own exception paths.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from types import ModuleType
from typing import Any

from . import _deep_stack
from ._case import Case, CaseFunction, Measurement
from ._checks import CheckFailed, expect_records, read_text, record_pattern
from ._setup import attached, file_handler

NAME = "bench.exception"

# The loop that raises and logs; its one argument beyond the logger is n.
RaiseAndLog = Callable[[Any, int], None]


def _divide_and_log(logger: Any, n: int) -> None:
    # Both the timed loop and the reference traceback come from here, so every record's
    # traceback has the same frames and line numbers whichever library formats it.
    for i in range(n):
        try:
            1 / 0  # noqa: B018 - the expression that raises is the point
        except ZeroDivisionError:
            logger.exception("failed %d", i)


def _deep_and_log(logger: Any, n: int) -> None:
    for i in range(n):
        try:
            _deep_stack.frame_01()
        except ValueError:
            logger.exception("failed %d", i)


class _BraceLogger:
    """loguru formats its message with str.format: `failed {}` for `failed %d`."""

    def __init__(self, logger: Any) -> None:
        self._logger = logger

    def exception(self, message: str, *args: object) -> None:
        self._logger.exception(message.replace("%d", "{}"), *args)


class _ReferenceLogger:
    """Stands in for a logger to capture the standard library's text of the traceback."""

    text = ""

    def exception(self, message: str, *args: object) -> None:
        # logging.Formatter.formatException drops the traceback's trailing newline.
        self.text = "".join(traceback.format_exception(*sys.exc_info())).removesuffix("\n")


def _reference(raise_and_log: RaiseAndLog) -> str:
    reference = _ReferenceLogger()
    raise_and_log(reference, 1)
    return reference.text


def _standard(raise_and_log: RaiseAndLog) -> CaseFunction:
    def run(library: ModuleType, n: int) -> Measurement:
        with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
            path = os.path.join(directory, "bench.log")
            logger = library.getLogger(NAME)
            logger.setLevel(library.INFO)
            handler = file_handler(library, path)
            with attached(logger, handler):
                start = time.perf_counter_ns()
                raise_and_log(logger, n)
                handler.close()
                elapsed = time.perf_counter_ns() - start
            text = read_text(path)
        header = record_pattern(library, "ERROR", NAME, r"failed (\d+)")
        matches = expect_records(text, rf"{header}\n{re.escape(_reference(raise_and_log))}", n)
        for i, match in enumerate(matches):
            if int(match[1]) != i:
                raise CheckFailed(f"record {i} says {match[1]}")
        return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=len(text))

    return run


def _count_tracebacks(text: str, raise_and_log: RaiseAndLog, n: int) -> None:
    """For the peers that lay a traceback out their own way: n records, each with the frames
    of the standard library's traceback and its last line."""
    reference = _reference(raise_and_log)
    last_line = reference.rsplit("\n", 1)[-1]
    frame_lines = [line for line in reference.split("\n") if line.startswith("  File ")]
    for needle in [last_line, *frame_lines]:
        if text.count(needle + "\n") != n:
            raise CheckFailed(f"expected {n} times {needle!r}, got {text.count(needle)}")


def _loguru(raise_and_log: RaiseAndLog) -> CaseFunction:
    """loguru: a synchronous sink on a file, without its variable-annotating `diagnose`
    and extended `backtrace` (what its documentation advises in production)."""

    def run(library: ModuleType, n: int) -> Measurement:
        with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
            path = os.path.join(directory, "bench.log")
            loguru = library.logger
            loguru.remove()
            sink = loguru.add(
                path,
                format="{time:YYYY-MM-DD HH:mm:ss,SSS} {level} {extra[name]}: {message}",
                level="INFO",
                backtrace=False,
                diagnose=False,
                colorize=False,
                encoding="utf-8",
            )
            # Removing the sink closes its file: inside the timing, as close() is for the
            # others.
            start = time.perf_counter_ns()
            raise_and_log(_BraceLogger(loguru.bind(name=NAME)), n)
            loguru.remove(sink)
            elapsed = time.perf_counter_ns() - start
            text = read_text(path)
        for i in (0, n - 1):
            if f" ERROR {NAME}: failed {i}\n" not in text:
                raise CheckFailed(f"record {i} missing")
        if len(re.findall(rf" ERROR {NAME}: failed \d+\n", text)) != n:
            raise CheckFailed(f"expected {n} records")
        _count_tracebacks(text, raise_and_log, n)
        return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=len(text))

    return run


def _structlog(raise_and_log: RaiseAndLog) -> CaseFunction:
    """structlog: a level, a timestamp and its console renderer without colours, whose
    exception formatter is its plain traceback, writing to a file."""

    def run(library: ModuleType, n: int) -> Measurement:
        with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
            path = os.path.join(directory, "bench.log")
            with open(path, "w", encoding="utf-8") as file:
                library.configure(
                    processors=[
                        library.processors.add_log_level,
                        library.processors.TimeStamper(fmt="%Y-%m-%d %H:%M:%S"),
                        library.dev.ConsoleRenderer(
                            colors=False, exception_formatter=library.dev.plain_traceback
                        ),
                    ],
                    logger_factory=library.WriteLoggerFactory(file),
                    cache_logger_on_first_use=False,
                )
                logger = library.get_logger(NAME)
                start = time.perf_counter_ns()
                raise_and_log(logger, n)
                file.close()
                elapsed = time.perf_counter_ns() - start
            library.reset_defaults()
            text = read_text(path)
        if len(re.findall(r"failed \d+", text)) != n:
            raise CheckFailed(f"expected {n} records")
        _count_tracebacks(text, raise_and_log, n)
        return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=len(text))

    return run


def _case(name: str, summary: str, raise_and_log: RaiseAndLog, default_n: int) -> Case:
    return Case(
        name=name,
        summary=summary,
        default_n=default_n,
        run=_standard(raise_and_log),
        per_library={"loguru": _loguru(raise_and_log), "structlog": _structlog(raise_and_log)},
    )


CASE = _case(
    "exception",
    "try: 1/0 except: logger.exception('failed %d', i) to FileHandler, including close()",
    _divide_and_log,
    20_000,
)

DEEP_CASE = _case(
    "exception_deep",
    "the same with a raise 20 frames of user code below the try",
    _deep_and_log,
    5_000,
)
