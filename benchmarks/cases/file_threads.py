"""Four threads logging to one FileHandler, end to end: no line lost, torn or interleaved."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from types import ModuleType
from typing import Any

from ._case import Case, Measurement
from ._checks import expect_records, expect_worker_sequences, read_text, record_pattern
from ._setup import attached, file_handler

NAME = "bench.threads"
THREADS = 4
# Each thread logs its own path and a sequence number, so the check can tell that every
# record arrived exactly once and that each thread's records kept their order.
_MESSAGE = r"request /api/worker(\d+) took (\d+) ms"


def _work(
    logger: Any, worker: int, count: int, barrier: threading.Barrier, errors: list[BaseException]
) -> None:
    path = f"/api/worker{worker}"
    barrier.wait()
    try:
        for sequence in range(count):
            logger.info("request %s took %d ms", path, sequence)
    except BaseException as error:  # re-raised by the main thread, which reports it
        errors.append(error)


def _check(library: ModuleType, text: str, per_thread: int) -> None:
    record = record_pattern(library, "INFO", NAME, _MESSAGE)
    expect_worker_sequences(expect_records(text, record, THREADS * per_thread), THREADS)


def run(library: ModuleType, n: int) -> Measurement:
    per_thread = max(1, n // THREADS)
    with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
        path = os.path.join(directory, "bench.log")
        logger = library.getLogger(NAME)
        logger.setLevel(library.INFO)
        handler = file_handler(library, path)
        # The main thread joins the barrier too, so the clock starts when all threads go.
        barrier = threading.Barrier(THREADS + 1)
        errors: list[BaseException] = []
        threads = [
            threading.Thread(
                target=_work,
                args=(logger, worker, per_thread, barrier, errors),
                name=f"bench-worker-{worker}",
            )
            for worker in range(THREADS)
        ]
        with attached(logger, handler):
            for thread in threads:
                thread.start()
            barrier.wait()
            start = time.perf_counter_ns()
            for thread in threads:
                thread.join()
            handler.close()
            elapsed = time.perf_counter_ns() - start
        if errors:
            raise errors[0]
        text = read_text(path)
    _check(library, text, per_thread)
    return Measurement(elapsed_ns=elapsed, calls=THREADS * per_thread, output_bytes=len(text))


CASE = Case(
    name="file_threads",
    summary=f"{THREADS} threads share one FileHandler, n/{THREADS} calls each, including close()",
    default_n=50_000,
    run=run,
    rows=("per_call", "whole_run"),
)
