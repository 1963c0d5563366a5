"""The configurations the femto face's socket cases compare: a logger sending every record over
one TCP connection to a receiver, as each library ordinarily sends off the caller's thread (or,
for the baseline, the standard library's synchronous `SocketHandler`).

`drain()` (inside the clock) returns once the handler has sent every record and closed the
connection; the case then waits, still inside the clock, until the receiver has read it all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ._case import CaseFunction
from ._femto import FEMTO_CAPACITY, FEMTO_POLICY
from ._network import handlers_module, msgpack_messages, pickled_messages

TEMPLATE = "request %s took %d ms"


@dataclass(frozen=True)
class SocketTarget:
    """A logger sending to one port, how to drain and detach it, and how to read its frames."""

    logger: Any
    drain: Callable[[], None]
    detach: Callable[[], None]
    # (frames, logger name, message regex) -> the messages, each checked to be the record.
    messages: Callable[[list[bytes], str, str], list[str]]


# (the library's module, the receiver's port, the logger's name) -> SocketTarget.
SocketSetup = Callable[[ModuleType, int, str], SocketTarget]


def _logger(library: ModuleType, name: str) -> Any:
    logger = library.getLogger(name)
    logger.setLevel(library.INFO)
    return logger


def _pickles(frames: list[bytes], name: str, message: str) -> list[str]:
    return pickled_messages(frames, name)


def synchronous_socket(library: ModuleType, port: int, name: str) -> SocketTarget:
    """stdlib and picologging: `SocketHandler`; the caller pickles and sends every record."""
    logger = _logger(library, name)
    handler = handlers_module(library).SocketHandler("127.0.0.1", port)
    logger.addHandler(handler)
    return SocketTarget(logger, handler.close, lambda: logger.removeHandler(handler), _pickles)


def queue_listener_socket(library: ModuleType, port: int, name: str) -> SocketTarget:
    """stdlib_queue: `QueueHandler` into an unbounded `queue.Queue`; a `QueueListener` thread
    hands the records to a `SocketHandler`."""
    import logging.handlers
    import queue

    logger = _logger(library, name)
    records: queue.Queue[Any] = queue.Queue()
    sender = logging.handlers.SocketHandler("127.0.0.1", port)
    listener = logging.handlers.QueueListener(records, sender)
    enqueuer = logging.handlers.QueueHandler(records)
    logger.addHandler(enqueuer)
    listener.start()

    def drain() -> None:
        listener.stop()  # handles every record already queued, then joins the thread
        sender.close()

    def detach() -> None:
        logger.removeHandler(enqueuer)
        enqueuer.close()

    return SocketTarget(logger, drain, detach, _pickles)


def femto_socket(library: ModuleType, port: int, name: str) -> SocketTarget:
    """femtologging: `FemtoSocketHandler` from `SocketHandlerBuilder`; the caller queues each
    record as plain data, a Rust worker thread encodes it as MessagePack and sends the batches."""
    logger = _logger(library, name)
    handler = (
        library.SocketHandlerBuilder()
        .with_tcp("127.0.0.1", port)
        .with_capacity(FEMTO_CAPACITY)
        .with_overflow_policy(FEMTO_POLICY)
        .build()
    )
    logger.addHandler(handler)
    return SocketTarget(
        logger, handler.close, lambda: logger.removeHandler(handler), msgpack_messages
    )


CONFIGURATIONS: dict[str, SocketSetup | None] = {
    "stdlib_queue": queue_listener_socket,
    # loguru has no socket sink of its own.
    "loguru": None,
    "femtologging": femto_socket,
}


def implementations(
    run: Callable[[SocketSetup, ModuleType, int], Any],
) -> tuple[CaseFunction, dict[str, CaseFunction | None]]:
    """Return a case's `run` and `per_library` from a function taking the configuration first."""
    per_library: dict[str, CaseFunction | None] = {
        library: None if setup is None else functools.partial(run, setup)
        for library, setup in CONFIGURATIONS.items()
    }
    return functools.partial(run, synchronous_socket), per_library
