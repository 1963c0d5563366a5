"""The configurations the cases of the femto face compare, and what those cases share.

Each configuration opens a logger writing to one file, in the way its library is ordinarily
used for logging off the caller's thread (or, for the baseline, the standard library's
synchronous FileHandler). A case times `logger.info(template, path, ms)` with it, then
`drain()`, which returns once every record is on disk; `detach()` then removes the handler,
outside the clock, so the warm-up run leaves nothing behind for the timed one.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ._case import CaseFunction
from ._setup import FORMAT, file_handler

# The femto handlers' queue: 1024 records, and a caller that finds it full waits for room
# instead of dropping the record (the default), so every record is written and checked.
FEMTO_CAPACITY = 1024
FEMTO_POLICY = "block"

# loguru's spelling of FORMAT. Its {name} is the calling module, so the logger's name travels
# as bound extra data instead; `time` is local time with milliseconds, like `asctime`.
LOGURU_FORMAT = "{time:YYYY-MM-DD HH:mm:ss,SSS} {level} {extra[name]}: {message}"


@dataclass(frozen=True)
class Target:
    """A logger writing to one file, and how to wait for its output and take it down."""

    # `logger.info(template, path, ms)` logs "request <path> took <ms> ms".
    logger: Any
    template: str
    # Inside the clock: returns when every record logged so far is in the file.
    drain: Callable[[], None]
    # Outside the clock: leaves nothing attached for the next run in the same process.
    detach: Callable[[], None]


# Opens a target: (the library's module, the file's path, the logger's name) -> Target.
Setup = Callable[[ModuleType, str, str], Target]


def _logger(library: ModuleType, name: str) -> Any:
    logger = library.getLogger(name)
    logger.setLevel(library.INFO)
    return logger


def synchronous_file(library: ModuleType, path: str, name: str) -> Target:
    """stdlib and picologging: `FileHandler`; the caller formats and writes every record."""
    logger = _logger(library, name)
    handler = file_handler(library, path)
    logger.addHandler(handler)
    return Target(
        logger, "request %s took %d ms", handler.close, lambda: logger.removeHandler(handler)
    )


def queue_listener(library: ModuleType, path: str, name: str) -> Target:
    """stdlib_queue: `QueueHandler` into an unbounded `queue.Queue`, as in the logging
    cookbook; a `QueueListener` thread hands the records to a `FileHandler`."""
    import logging.handlers
    import queue

    logger = _logger(library, name)
    records: queue.Queue[Any] = queue.Queue()
    writer = file_handler(library, path)
    listener = logging.handlers.QueueListener(records, writer)
    # Without a formatter of its own, QueueHandler only merges the arguments into the message
    # (and drops them); the FileHandler on the listener's thread applies FORMAT.
    enqueuer = logging.handlers.QueueHandler(records)
    logger.addHandler(enqueuer)
    listener.start()

    def drain() -> None:
        listener.stop()  # handles every record already queued, then joins the thread
        writer.close()

    def detach() -> None:
        logger.removeHandler(enqueuer)
        enqueuer.close()

    return Target(logger, "request %s took %d ms", drain, detach)


def loguru_enqueue(library: ModuleType, path: str, name: str) -> Target:
    """loguru: a file sink with `enqueue=True`; the records are pickled into a pipe, which a
    thread of loguru's reads, formats and writes."""
    loguru = library.logger
    # Also removes the default sink to stderr, which would otherwise get every record too.
    loguru.remove()
    sink = loguru.add(path, format=LOGURU_FORMAT, level="INFO", enqueue=True, encoding="utf-8")

    def drain() -> None:
        loguru.complete()  # waits until the thread has handled every queued record
        loguru.remove(sink)  # stops the thread and closes the file

    return Target(loguru.bind(name=name), "request {} took {} ms", drain, lambda: None)


def femto_file(library: ModuleType, path: str, name: str) -> Target:
    """femtologging: `FemtoFileHandler`; a Rust worker thread formats and writes."""
    logger = _logger(library, name)
    handler = library.FemtoFileHandler(path, capacity=FEMTO_CAPACITY, policy=FEMTO_POLICY)
    handler.setFormatter(library.Formatter(FORMAT))
    logger.addHandler(handler)
    return Target(
        logger, "request %s took %d ms", handler.close, lambda: logger.removeHandler(handler)
    )


# The configuration of each library name in _libraries.py that the femto face compares; any
# other library with the standard library's API (picologging) gets `synchronous_file`.
CONFIGURATIONS: dict[str, Setup] = {
    "stdlib_queue": queue_listener,
    "loguru": loguru_enqueue,
    "femtologging": femto_file,
}


def implementations(
    run: Callable[[Setup, ModuleType, int], Any], *, skip: tuple[str, ...] = ()
) -> tuple[CaseFunction, dict[str, CaseFunction | None]]:
    """Return a case's `run` and `per_library` from a function taking the configuration first.

    The libraries named in `skip` do not take part in the case.
    """
    per_library: dict[str, CaseFunction | None] = {
        library: functools.partial(run, setup) for library, setup in CONFIGURATIONS.items()
    }
    per_library |= dict.fromkeys(skip)
    return functools.partial(run, synchronous_file), per_library


def peak_rss_bytes() -> int | None:
    """Return the peak resident set size of this process so far (`ru_maxrss`)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux counts kibibytes, macOS bytes.
    return peak if sys.platform == "darwin" else peak * 1024
