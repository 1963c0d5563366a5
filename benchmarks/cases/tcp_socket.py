"""`SocketHandler` to a TCP receiver in another process, end to end: every frame received."""

from __future__ import annotations

import time
from types import ModuleType

from ._case import Case, Measurement
from ._network import expect_count, expect_sequence, handlers_module, pickled_messages, receiver
from ._setup import attached

NAME = "bench.socket"
_MESSAGE = r"request /api/items took (\d+) ms"


def run(library: ModuleType, n: int) -> Measurement:
    handlers = handlers_module(library)
    with receiver("tcp", n) as peer:
        logger = library.getLogger(NAME)
        logger.setLevel(library.INFO)
        handler = handlers.SocketHandler("127.0.0.1", peer.port)
        with attached(logger, handler):
            start = time.perf_counter_ns()
            for ms in range(n):
                logger.info("request %s took %d ms", "/api/items", ms)
            # close() ends the connection; the clock stops when the receiver has read all of it.
            handler.close()
            size, _ = peer.received()
            elapsed = time.perf_counter_ns() - start
        frames = peer.frames()
    expect_count(frames, n)
    expect_sequence(pickled_messages(frames, NAME), _MESSAGE)
    return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=size)


CASE = Case(
    name="socket",
    summary=(
        "logger.info('request %s took %d ms', path, i) to SocketHandler, a TCP receiver in "
        "another process; until it has read every frame"
    ),
    default_n=100_000,
    run=run,
    rows=("per_call", "whole_run"),
)
