"""The femto face over the network with four threads logging to one socket handler."""

from __future__ import annotations

import re
import threading
import time
from types import ModuleType
from typing import Any

from ._case import Case, Measurement
from ._checks import expect_worker_sequences
from ._femto_network import TEMPLATE, SocketSetup, implementations
from ._network import expect_count, receiver

NAME = "bench.femto_socket_threads"
THREADS = 4
# Each thread logs its own path and a sequence number, so the check can tell that every
# record arrived exactly once and that each thread's records kept their order.
_MESSAGE = r"request /api/worker(\d+) took (\d+) ms"


def _work(
    logger: Any, worker: int, count: int, barrier: threading.Barrier, errors: list[BaseException]
) -> None:
    request = f"/api/worker{worker}"
    barrier.wait()
    try:
        for ms in range(count):
            logger.info(TEMPLATE, request, ms)
    except BaseException as error:  # re-raised by the main thread, which reports it
        errors.append(error)


def _run(setup: SocketSetup, library: ModuleType, n: int) -> Measurement:
    per_thread = max(1, n // THREADS)
    calls = THREADS * per_thread
    with receiver("tcp", calls) as peer:
        target = setup(library, peer.port, NAME)
        # The main thread joins the barrier too, so the clock starts when all threads go.
        barrier = threading.Barrier(THREADS + 1)
        errors: list[BaseException] = []
        threads = [
            threading.Thread(
                target=_work,
                args=(target.logger, worker, per_thread, barrier, errors),
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
            logged = time.perf_counter_ns()
            target.drain()
            size, _ = peer.received()
            finished = time.perf_counter_ns()
        finally:
            target.detach()
        if errors:
            raise errors[0]
        frames = peer.frames()
    expect_count(frames, calls)
    pattern = re.compile(_MESSAGE)
    matches = [pattern.fullmatch(text) for text in target.messages(frames, NAME, _MESSAGE)]
    expect_worker_sequences([match for match in matches if match is not None], THREADS)
    expect_count([match for match in matches if match is not None], calls, "whole records")
    return Measurement(
        elapsed_ns=finished - start, calls=calls, output_bytes=size, caller_ns=logged - start
    )


_default, _per_library = implementations(_run)

CASE = Case(
    name="femto_socket_threads",
    summary=(
        f"{THREADS} threads share one socket handler, n/{THREADS} femto_socket calls each: "
        "the callers' cost, and end to end"
    ),
    default_n=100_000,
    run=_default,
    rows=("caller", "end_to_end"),
    face="femto",
    per_library=_per_library,
    timeout_s=120.0,
)
