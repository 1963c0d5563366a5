"""`SysLogHandler` over UDP to a receiver in another process, end to end: every datagram."""

from __future__ import annotations

import re
import time
from types import ModuleType

from ._case import Case, Measurement
from ._checks import CheckFailed, record_pattern
from ._network import DatagramsLost, expect_count, handlers_module, receiver
from ._setup import FORMAT, attached

NAME = "bench.syslog_udp"
_MESSAGE = r"request /api/items took (\d+) ms"
# LOG_USER (1) * 8 + LOG_INFO (6).
_PRIORITY = "<14>"


def run(library: ModuleType, n: int) -> Measurement:
    handlers = handlers_module(library)
    with receiver("udp", n) as peer:
        logger = library.getLogger(NAME)
        logger.setLevel(library.INFO)
        handler = handlers.SysLogHandler(address=("127.0.0.1", peer.port))
        handler.setFormatter(library.Formatter(FORMAT))
        with attached(logger, handler):
            start = time.perf_counter_ns()
            for ms in range(n):
                logger.info("request %s took %d ms", "/api/items", ms)
            handler.close()
            # Returns once the receiver has n datagrams, or has waited in vain for the rest.
            size, datagrams = peer.received()
            elapsed = time.perf_counter_ns() - start
        if datagrams != n:
            raise DatagramsLost(f"the receiver got {datagrams} of {n} datagrams; not timed")
        frames = peer.frames()
    expect_count(frames, n, "datagrams")
    record = re.compile(
        re.escape(_PRIORITY) + record_pattern(library, "INFO", NAME, _MESSAGE) + "\x00"
    )
    for expected, frame in enumerate(frames):
        found = record.fullmatch(frame.decode("utf-8", "replace"))
        # Loopback keeps the order of the datagrams: each arrived once, in the order logged.
        if found is None or int(found[1]) != expected:
            raise CheckFailed(f"datagram {expected + 1} of {n} is {frame[:300]!r}")
    return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=size)


CASE = Case(
    name="syslog_udp",
    summary=(
        "the socket call to SysLogHandler over UDP, a receiver in another process with a "
        "large buffer; until it has every datagram (a run that lost some is not timed)"
    ),
    default_n=200_000,
    run=run,
    rows=("per_call", "whole_run"),
    # picologging 0.9.3 has no SysLogHandler.
    per_library={"picologging": None},
)
