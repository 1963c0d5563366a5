"""`logger.debug(...)` on a logger set to WARNING: the cost of a call that logs nothing."""

from __future__ import annotations

import io
import re
import time
from types import ModuleType

from ._case import Case, Measurement
from ._checks import expect_records, record_pattern
from ._setup import attached, stream_handler

NAME = "bench.disabled"


def run(library: ModuleType, n: int) -> Measurement:
    stream = io.StringIO()
    logger = library.getLogger(NAME)
    logger.setLevel(library.WARNING)
    handler = stream_handler(library, stream)
    with attached(logger, handler):
        start = time.perf_counter_ns()
        for _ in range(n):
            logger.debug("x %s", 1)
        elapsed = time.perf_counter_ns() - start
        logger.warning("sentinel %s", 1)
        handler.flush()
    text = stream.getvalue()
    handler.close()
    # The one record logged after the timed loop proves the handler works, so the absence of
    # any other record means the debug calls were filtered out.
    expect_records(text, record_pattern(library, "WARNING", NAME, re.escape("sentinel 1")), 1)
    return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=0)


CASE = Case(
    name="disabled",
    summary="logger.debug('x %s', 1) with the logger at WARNING; nothing is written",
    default_n=1_000_000,
    run=run,
)
