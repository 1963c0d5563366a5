"""Typed code using the femto face, as an application would.

`make lint` type-checks this file with mypy --strict against the package's
stubs: every line must pass, and each `assert_type` pins what a call returns.
tests/test_typing_examples.py also runs it, so that what type-checks here
is code that works.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any, assert_type

import femtologging as logging


class Collector:
    """A plain object the femto face takes as a handler."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str, str]] = []

    def handle(self, logger: str, level: str, message: str) -> None:
        self.lines.append((logger, level, message))


def line_of(fields: Mapping[str, Any]) -> str:
    return f"{fields['levelname']} {fields['message']}"


def femto_face(directory: Path) -> dict[str, int]:
    """The femto face: handlers that write on a worker thread."""
    handler = logging.FemtoFileHandler(directory / "femto.log", capacity=64, policy="block")
    logger = logging.get_logger("app.femto")
    assert_type(logger, logging.Logger)
    logger.setLevel(logging.INFO)
    logger.add_handler(handler)
    logger.log("INFO", "a level given by its name")
    logger.info("request %s took %d ms", "/items", 42)
    assert_type(handler.flush(), bool)

    rotating = (
        logging.RotatingFileHandlerBuilder(directory / "rotating-femto.log")
        .with_max_bytes(10_000)
        .with_backup_count(3)
        .with_capacity(128)
        .with_overflow_policy(logging.OverflowPolicy.timeout(50))
        .with_formatter(line_of)
        .build()
    )
    assert_type(rotating, logging.FemtoRotatingFileHandler)
    logger.add_handler(rotating)

    stream = logging.StreamHandlerBuilder.stdout().with_flush_timeout_ms(500).build()
    assert_type(stream, logging.FemtoStreamHandler)

    options = logging.HandlerOptions(capacity=32, rotation=(1000, 2), compress="gzip")
    assert_type(options.rotation, tuple[int, int])

    socket_builder = (
        logging.SocketHandlerBuilder()
        .with_tcp("127.0.0.1", 9020)
        .with_backoff(base_ms=10, deadline_ms=None)
        .with_max_frame_size(1 << 16)
    )
    assert_type(socket_builder, logging.SocketHandlerBuilder)
    try:
        logging.SocketHandlerBuilder().with_tls("example.com").with_unix_path("/tmp/x.sock")
    except logging.HandlerConfigError as error:
        assert_type(str(error), str)

    collector = Collector()
    logger.add_handler(collector)
    logger.warning("to the collector")
    logger.remove_handler(collector)

    for femto in (rotating, stream):
        femto.close()
    logger.remove_handler(rotating)
    handler.close()
    logger.remove_handler(handler)
    counters = handler.stats()
    assert_type(counters, dict[str, int])
    return counters


assert_type(logging.__version__, str)
assert_type(logging.root, logging.RootLogger)
