"""The femto face with four threads logging to one handler: caller's cost and end to end."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from types import ModuleType
from typing import Any

from ._case import Case, Measurement
from ._checks import expect_records, expect_worker_sequences, read_text, record_pattern
from ._femto import Setup, implementations, peak_rss_bytes

NAME = "bench.femto_threads"
THREADS = 4
# Each thread logs its own path and a sequence number, so the check can tell that every
# record arrived exactly once, whole, and that each thread's records kept their order.
_MESSAGE = r"request /api/worker(\d+) took (\d+) ms"


def _work(
    logger: Any,
    template: str,
    worker: int,
    count: int,
    barrier: threading.Barrier,
    errors: list[BaseException],
) -> None:
    request = f"/api/worker{worker}"
    barrier.wait()
    try:
        for ms in range(count):
            logger.info(template, request, ms)
    except BaseException as error:  # re-raised by the main thread, which reports it
        errors.append(error)


def _run(setup: Setup, library: ModuleType, n: int) -> Measurement:
    per_thread = max(1, n // THREADS)
    with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
        path = os.path.join(directory, "bench.log")
        target = setup(library, path, NAME)
        # The main thread joins the barrier too, so the clock starts when all threads go.
        barrier = threading.Barrier(THREADS + 1)
        errors: list[BaseException] = []
        threads = [
            threading.Thread(
                target=_work,
                args=(target.logger, target.template, worker, per_thread, barrier, errors),
                name=f"bench-worker-{worker}",
            )
            for worker in range(THREADS)
        ]
        try:
            for thread in threads:
                thread.start()
            barrier.wait()
            start = time.perf_counter_ns()
            for thread in threads:
                thread.join()
            # The callers' cost: until the last of them has made its last call.
            logged = time.perf_counter_ns()
            target.drain()
            finished = time.perf_counter_ns()
        finally:
            target.detach()
        peak_rss = peak_rss_bytes()
        if errors:
            raise errors[0]
        text = read_text(path)
    record = record_pattern(library, "INFO", NAME, _MESSAGE)
    expect_worker_sequences(expect_records(text, record, THREADS * per_thread), THREADS)
    return Measurement(
        elapsed_ns=finished - start,
        calls=THREADS * per_thread,
        output_bytes=len(text),
        caller_ns=logged - start,
        peak_rss_bytes=peak_rss,
    )


_default, _per_library = implementations(_run)

CASE = Case(
    name="femto_file_threads",
    summary=(
        f"{THREADS} threads share one file handler, n/{THREADS} femto_file calls each: "
        "the callers' cost, and end to end"
    ),
    default_n=200_000,
    run=_default,
    rows=("caller", "end_to_end"),
    face="femto",
    per_library=_per_library,
    # loguru takes some 200 us per call here; picologging's FileHandler deadlocks
    # (microsoft/picologging#207) and costs this much once per run.
    timeout_s=120.0,
)
