"""The femto face over the network: `logger.info(...)` to a socket handler, a TCP receiver in
another process. The caller's cost, and end to end until the receiver has read every frame."""

from __future__ import annotations

import time
from types import ModuleType

from ._case import Case, Measurement
from ._femto_network import TEMPLATE, SocketSetup, implementations
from ._network import expect_count, expect_sequence, receiver

NAME = "bench.femto_socket"
_MESSAGE = r"request /api/items took (\d+) ms"


def _run(setup: SocketSetup, library: ModuleType, n: int) -> Measurement:
    with receiver("tcp", n) as peer:
        target = setup(library, peer.port, NAME)
        logger, request = target.logger, "/api/items"
        try:
            start = time.perf_counter_ns()
            for ms in range(n):
                logger.info(TEMPLATE, request, ms)
            logged = time.perf_counter_ns()
            target.drain()
            size, _ = peer.received()
            finished = time.perf_counter_ns()
        finally:
            target.detach()
        frames = peer.frames()
    expect_count(frames, n)
    # `ms` is the loop's index: every record arrived exactly once, in the order logged.
    expect_sequence(target.messages(frames, NAME, _MESSAGE), _MESSAGE)
    return Measurement(
        elapsed_ns=finished - start, calls=n, output_bytes=size, caller_ns=logged - start
    )


_default, _per_library = implementations(_run)

CASE = Case(
    name="femto_socket",
    summary=(
        "logger.info('request %s took %d ms', path, i) to a socket handler, a TCP receiver in "
        "another process: the caller's cost, and end to end until it has read every frame"
    ),
    default_n=100_000,
    run=_default,
    rows=("caller", "end_to_end"),
    face="femto",
    per_library=_per_library,
    timeout_s=120.0,
)
