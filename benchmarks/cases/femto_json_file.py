"""The femto face with JSON lines: `logger.info(...)` with three extra fields to a file handler
writing one JSON object per record, the caller's cost and end to end.

femtologging: `FemtoFileHandler` with its `JsonFormatter`, whose worker thread writes the JSON.
The standard library uses python-json-logger's `JsonFormatter` on its synchronous
`FileHandler`, and on the `FileHandler` of a `QueueHandler` + `QueueListener`, whose thread
formats and writes. loguru's JSON (`serialize=True`) is a different object, and picologging's
records hide `extra` from python-json-logger, so neither takes part.
"""

from __future__ import annotations

import os
import tempfile
import time
from types import ModuleType
from typing import Any

from ._case import Case, Measurement
from ._checks import read_text
from ._femto import FEMTO_CAPACITY, FEMTO_POLICY, Setup, Target, peak_rss_bytes
from .json_file import FORMAT, check, json_formatter

NAME = "bench.json"
EXTRA = {"user_id": 7, "path": "/api/items", "ok": True}


def _logger(library: ModuleType) -> Any:
    logger = library.getLogger(NAME)
    logger.setLevel(library.INFO)
    return logger


def synchronous_file(library: ModuleType, path: str, name: str) -> Target:
    logger = _logger(library)
    handler = library.FileHandler(path, encoding="utf-8")
    handler.setFormatter(json_formatter(library))
    logger.addHandler(handler)
    return Target(logger, "", handler.close, lambda: logger.removeHandler(handler))


def queue_listener(library: ModuleType, path: str, name: str) -> Target:
    import logging.handlers
    import queue

    logger = _logger(library)
    records: queue.Queue[Any] = queue.Queue()
    writer = library.FileHandler(path, encoding="utf-8")
    writer.setFormatter(json_formatter(library))
    listener = logging.handlers.QueueListener(records, writer)
    # QueueHandler.prepare keeps the extra attributes on the record it queues.
    enqueuer = logging.handlers.QueueHandler(records)
    logger.addHandler(enqueuer)
    listener.start()

    def drain() -> None:
        listener.stop()
        writer.close()

    def detach() -> None:
        logger.removeHandler(enqueuer)
        enqueuer.close()

    return Target(logger, "", drain, detach)


def femto_file(library: ModuleType, path: str, name: str) -> Target:
    logger = _logger(library)
    handler = library.FemtoFileHandler(path, capacity=FEMTO_CAPACITY, policy=FEMTO_POLICY)
    handler.setFormatter(json_formatter(library))
    logger.addHandler(handler)
    return Target(logger, "", handler.close, lambda: logger.removeHandler(handler))


def _run(setup: Setup, library: ModuleType, n: int) -> Measurement:
    with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
        path = os.path.join(directory, "bench.jsonl")
        target = setup(library, path, NAME)
        logger, extra = target.logger, EXTRA
        try:
            start = time.perf_counter_ns()
            for _ in range(n):
                logger.info("request %s took %d ms", "/api/items", 42, extra=extra)
            logged = time.perf_counter_ns()
            target.drain()
            finished = time.perf_counter_ns()
        finally:
            target.detach()
        peak_rss = peak_rss_bytes()
        text = read_text(path)
    check(text, n)
    return Measurement(
        elapsed_ns=finished - start,
        calls=n,
        output_bytes=len(text),
        caller_ns=logged - start,
        peak_rss_bytes=peak_rss,
    )


def _synchronous(library: ModuleType, n: int) -> Measurement:
    return _run(synchronous_file, library, n)


def _queue(library: ModuleType, n: int) -> Measurement:
    return _run(queue_listener, library, n)


def _femto(library: ModuleType, n: int) -> Measurement:
    return _run(femto_file, library, n)


CASE = Case(
    name="femto_json_file",
    summary=(
        f"logger.info with 3 extra fields as JSON lines ({FORMAT!r}, timestamp=True) to a file "
        "handler: the caller's cost, and end to end until every line is on disk"
    ),
    default_n=100_000,
    run=_synchronous,
    rows=("caller", "end_to_end"),
    face="femto",
    # picologging: see json_file.
    per_library={
        "stdlib_queue": _queue,
        "femtologging": _femto,
        "loguru": None,
        "picologging": None,
    },
    timeout_s=120.0,
)
