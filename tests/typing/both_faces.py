"""Typed code using both faces of femtologging, as an application would.

`make lint` type-checks this file with mypy --strict against the package's
stubs: every line must pass, and each `assert_type` pins what a call returns.
tests/test_typing_examples.py also runs it, so that what type-checks here
is code that works.
"""

import io
import queue
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TextIO, assert_type

import femtologging as logging
import femtologging.handlers


class OnlyErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


class Collector:
    """A plain object the femto face takes as a handler."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str, str]] = []

    def handle(self, logger: str, level: str, message: str) -> None:
        self.lines.append((logger, level, message))


def line_of(fields: Mapping[str, Any]) -> str:
    return f"{fields['levelname']} {fields['message']}"


def standard_face(directory: Path) -> list[str]:
    """The standard library's API, as code written for `logging` uses it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    # A string: on 3.11 neither the standard StreamHandler nor this one can
    # be subscripted at runtime, as in the standard library.
    assert_type(handler, "logging.StreamHandler[io.StringIO]")
    handler.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
    handler.addFilter(lambda record: record.name != "noise")

    logger = logging.getLogger("app.standard")
    assert_type(logger, logging.Logger)
    logger.setLevel("DEBUG")
    logger.addHandler(handler)
    logger.propagate = False
    logger.info("request %s took %d ms", "/items", 42)
    logger.debug("with extra", extra={"user": "ann"}, stacklevel=2)
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed")
    logger.log(logging.WARNING, "numbered level")
    assert_type(logger.getEffectiveLevel(), int)
    assert_type(logger.isEnabledFor(logging.INFO), bool)
    assert_type(logger.getChild("child"), logging.Logger)

    adapter = logging.LoggerAdapter(logger, {"request": 7})
    adapter.warning("through an adapter")

    assert_type(logging.getLevelName(logging.INFO), str)
    assert_type(logging.getLevelNamesMapping(), dict[str, int])
    record = logging.makeLogRecord({"msg": "made", "levelno": logging.INFO})
    assert_type(record.getMessage(), str)

    path = directory / "rotating.log"
    rotating = logging.handlers.RotatingFileHandler(path, maxBytes=1000, backupCount=2)
    assert_type(rotating.baseFilename, str)
    rotating.addFilter(OnlyErrors())
    logger.addHandler(rotating)
    logger.error("to the file as well")
    rotating.close()
    logger.removeHandler(rotating)

    records: queue.Queue[Any] = queue.Queue()
    listener = logging.handlers.QueueListener(records, handler)
    listener.start()
    queued = logging.getLogger("app.queued")
    queued.addHandler(logging.handlers.QueueHandler(records))
    queued.warning("through a queue")
    listener.stop()

    file_handler = logging.FileHandler(directory / "plain.log", encoding="utf-8")
    assert_type(file_handler.stream, TextIO)
    file_handler.close()

    logger.removeHandler(handler)
    return stream.getvalue().splitlines()


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


def configuration() -> None:
    """`femtologging.config`, with a configuration written for `logging`."""
    import femtologging.config

    femtologging.config.dictConfig(
        {
            "version": 1,
            "formatters": {"plain": {"format": "%(levelname)s %(message)s"}},
            "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
            "root": {"level": "INFO", "handlers": ["console"]},
        }
    )
    assert_type(femtologging.config.valid_ident("name"), Literal[True])


assert_type(logging.__version__, str)
assert_type(logging.root, logging.RootLogger)
