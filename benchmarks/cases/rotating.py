"""`logger.info(...)` to a RotatingFileHandler(maxBytes=1_000_000, backupCount=5), end to end.

The run writes about twelve megabytes, so the file rolls over a dozen times and the oldest
backups are deleted; the check reads the six files that remain, oldest first, and expects
exactly the newest records, in the order they were logged, each file within the limit.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

from ._case import Case, Measurement
from ._checks import CheckFailed, expect_records, read_text, record_pattern
from ._setup import FORMAT

NAME = "bench.rotating"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
_MESSAGE = r"request /api/items took (\d+) ms"


def expect_newest_records(library: ModuleType, directory: str, name: str, n: int) -> int:
    """Check the rotated set in `directory`: each file within MAX_BYTES, and together the
    newest records of the n logged, in order. Return the bytes kept."""
    base = os.path.join(directory, "bench.log")
    paths = [f"{base}.{number}" for number in range(BACKUP_COUNT, 0, -1)] + [base]
    # A short run (the warm-up) has not filled every backup yet; there are no gaps.
    while len(paths) > 1 and not os.path.exists(paths[0]):
        paths.pop(0)
    texts = []
    for path in paths:
        if not os.path.exists(path):
            raise CheckFailed(f"{os.path.basename(path)} is missing")
        if os.path.getsize(path) > MAX_BYTES:
            raise CheckFailed(f"{os.path.basename(path)} holds {os.path.getsize(path)} bytes")
        texts.append(read_text(path))
    extra = sorted(set(os.listdir(directory)) - {os.path.basename(path) for path in paths})
    if extra:
        raise CheckFailed(f"unexpected files: {extra}")
    text = "".join(texts)
    kept = text.count("\n")
    matches = expect_records(text, record_pattern(library, "INFO", name, _MESSAGE), kept)
    for offset, match in enumerate(matches):
        if int(match[1]) != n - kept + offset:
            raise CheckFailed(f"kept record {offset + 1} is the call with ms={match[1]}")
    return len(text)


def standard_handler(library: ModuleType, path: str) -> Any:
    """`library.handlers.RotatingFileHandler` with the case's limits."""
    import importlib

    handlers = importlib.import_module(f"{library.__name__}.handlers")
    return handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
    )


def timed_run(
    library: ModuleType, n: int, name: str, make_handler: Callable[[ModuleType, str], Any]
) -> Measurement:
    """Time n calls to a rotating handler and its close(); check what the files keep."""
    with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
        path = os.path.join(directory, "bench.log")
        logger = library.getLogger(name)
        logger.setLevel(library.INFO)
        handler = make_handler(library, path)
        handler.setFormatter(library.Formatter(FORMAT))
        logger.addHandler(handler)
        try:
            start = time.perf_counter_ns()
            for ms in range(n):
                logger.info("request %s took %d ms", "/api/items", ms)
            logged = time.perf_counter_ns()
            handler.close()
            finished = time.perf_counter_ns()
        finally:
            logger.removeHandler(handler)
        kept = expect_newest_records(library, directory, name, n)
    return Measurement(
        elapsed_ns=finished - start, calls=n, output_bytes=kept, caller_ns=logged - start
    )


def run(library: ModuleType, n: int) -> Measurement:
    """The standard face: the handler writes (and rolls over) on the caller's thread."""
    return timed_run(library, n, NAME, standard_handler)


CASE = Case(
    name="rotating",
    summary=(
        "logger.info('request %s took %d ms', path, i) to RotatingFileHandler(maxBytes=1_000_000,"
        " backupCount=5), end to end including close()"
    ),
    default_n=200_000,
    run=run,
    rows=("per_call", "whole_run"),
)
