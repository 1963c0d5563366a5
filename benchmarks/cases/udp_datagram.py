"""`DatagramHandler` to a UDP receiver in another process, end to end: every datagram."""

from __future__ import annotations

import struct
import time
from types import ModuleType

from ._case import Case, Measurement
from ._checks import CheckFailed
from ._network import (
    DatagramsLost,
    expect_count,
    expect_sequence,
    handlers_module,
    pickled_messages,
    receiver,
)
from ._setup import attached

NAME = "bench.datagram"
_MESSAGE = r"request /api/items took (\d+) ms"


def _pickles(datagrams: list[bytes]) -> list[bytes]:
    """Each datagram is one `SocketHandler` frame: the pickle behind its 4-byte length."""
    pickles = []
    for number, datagram in enumerate(datagrams, 1):
        if len(datagram) < 4 or struct.unpack_from(">L", datagram)[0] != len(datagram) - 4:
            raise CheckFailed(f"datagram {number} is not one length-prefixed frame")
        pickles.append(datagram[4:])
    return pickles


def run(library: ModuleType, n: int) -> Measurement:
    handlers = handlers_module(library)
    with receiver("udp", n) as peer:
        logger = library.getLogger(NAME)
        logger.setLevel(library.INFO)
        handler = handlers.DatagramHandler("127.0.0.1", peer.port)
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
    # Loopback keeps the order of the datagrams: each arrived once, in the order logged.
    expect_sequence(pickled_messages(_pickles(frames), NAME), _MESSAGE)
    return Measurement(elapsed_ns=elapsed, calls=n, output_bytes=size)


CASE = Case(
    name="datagram",
    summary=(
        "the socket call to DatagramHandler over UDP, a receiver in another process with a "
        "large buffer; until it has every datagram (a run that lost some is not timed)"
    ),
    default_n=100_000,
    run=run,
    rows=("per_call", "whole_run"),
)
