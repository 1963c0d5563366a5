"""The femto face: `logger.info(...)` to a file handler that may write on another thread.

Two figures per library: the caller's cost (the logging loop only) and the whole run until
every line is on disk (the loop, then draining and closing the handler).
"""

from __future__ import annotations

import os
import tempfile
import time
from types import ModuleType

from ._case import Case, Measurement
from ._checks import CheckFailed, expect_records, read_text, record_pattern
from ._femto import Setup, implementations, peak_rss_bytes

NAME = "bench.femto_file"
_MESSAGE = r"request /api/items took (\d+) ms"


def run_single_thread(setup: Setup, name: str, library: ModuleType, n: int) -> Measurement:
    """Time n calls from this thread, then the drain; check every record, in order."""
    with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
        path = os.path.join(directory, "bench.log")
        target = setup(library, path, name)
        logger, template, request = target.logger, target.template, "/api/items"
        try:
            start = time.perf_counter_ns()
            for ms in range(n):
                logger.info(template, request, ms)
            logged = time.perf_counter_ns()
            target.drain()
            finished = time.perf_counter_ns()
        finally:
            target.detach()
        # Before the check, which holds the whole file and its matches in memory.
        peak_rss = peak_rss_bytes()
        text = read_text(path)
    matches = expect_records(text, record_pattern(library, "INFO", name, _MESSAGE), n)
    # `ms` is the loop's index: every record arrived exactly once, in the order logged.
    for expected, match in enumerate(matches):
        if int(match[1]) != expected:
            raise CheckFailed(f"record {expected + 1} of {n} is the call with ms={match[1]}")
    return Measurement(
        elapsed_ns=finished - start,
        calls=n,
        output_bytes=len(text),
        caller_ns=logged - start,
        peak_rss_bytes=peak_rss,
    )


def _run(setup: Setup, library: ModuleType, n: int) -> Measurement:
    return run_single_thread(setup, NAME, library, n)


_default, _per_library = implementations(_run)

CASE = Case(
    name="femto_file",
    summary=(
        "logger.info('request %s took %d ms', path, i) to a file handler: the caller's cost, "
        "and end to end until every line is on disk"
    ),
    default_n=200_000,
    run=_default,
    rows=("caller", "end_to_end"),
    face="femto",
    per_library=_per_library,
    # loguru takes some 150 us per call on a slow machine: 30 s for the default n.
    timeout_s=120.0,
)
