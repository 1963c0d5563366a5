"""Typed code written for the standard `logging`, as an application has it.

`make lint` type-checks it with mypy --strict twice: as it is, against the
standard library's own types, and with its imports turned to femtologging's
(`import femtologging as logging`, `import femtologging.handlers`,
`import femtologging.config`), against femtologging's stubs. Both must pass
with the same `assert_type`s: code typed for `logging` keeps its types.
tests/test_typing_examples.py runs it both ways and compares what it writes.
"""

import io
import logging
import logging.handlers
import queue
from pathlib import Path
from typing import Any, Literal, assert_type


class OnlyErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


def standard_face(directory: Path) -> list[str]:
    """Logs through the standard API; returns the lines its stream got."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    # A string: StreamHandler cannot be subscripted at runtime before 3.12.
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

    memory = logging.handlers.MemoryHandler(10, flushLevel=logging.ERROR, target=handler)
    assert_type(memory.buffer, list[logging.LogRecord])
    logger.addHandler(memory)
    logger.warning("held, then handed on")
    memory.close()
    logger.removeHandler(memory)

    timed = logging.handlers.TimedRotatingFileHandler(
        directory / "timed.log", when="midnight", backupCount=3
    )
    assert_type(timed.rolloverAt, int)
    assert_type(timed.rotation_filename("timed.log.1"), str)
    timed.close()
    assert_type(logging.handlers.SysLogHandler.LOG_LOCAL0, int)
    assert_type(logging.handlers.DEFAULT_TCP_LOGGING_PORT, Literal[9020])

    file_handler = logging.FileHandler(directory / "plain.log", encoding="utf-8")
    assert_type(file_handler.stream, "io.TextIOWrapper | None")
    file_handler.close()

    logger.removeHandler(handler)
    return stream.getvalue().splitlines()


def configuration() -> None:
    """`logging.config.dictConfig` with a configuration for the standard library."""
    import logging.config

    logging.config.dictConfig(
        {
            "version": 1,
            "formatters": {"plain": {"format": "%(levelname)s %(message)s"}},
            "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
            "root": {"level": "INFO", "handlers": ["console"]},
        }
    )
    assert_type(logging.config.valid_ident("name"), Literal[True])
