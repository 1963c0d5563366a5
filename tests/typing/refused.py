"""Calls the stubs must refuse: each line carries the error mypy must report.

`make lint` runs mypy with --warn-unused-ignores, so a stub that grew too
loose to catch one of these mistakes fails the lint with an unused ignore.
Nothing here is ever called.
"""

from pathlib import Path

import femtologging as logging
import femtologging.handlers


def mistakes(directory: Path) -> None:
    logger = logging.getLogger("app")
    logger.setLevel(2.5)  # type: ignore[arg-type]
    logger.info("x", exc_info=True, stacklevl=2)  # type: ignore[call-arg]
    logger.addHandler("console")  # type: ignore[arg-type]
    logger.add_handler(object())  # type: ignore[call-overload]
    logging.basicConfig(levle=logging.INFO)  # type: ignore[call-arg]
    logging.Formatter("%(message)s", style="#")  # type: ignore[arg-type]
    logging.FemtoFileHandler(42)  # type: ignore[arg-type]
    logging.FemtoFileHandler(directory / "x.log", mode="r")  # type: ignore[arg-type]
    logging.FemtoFileHandler(directory / "x.log", capacity="big")  # type: ignore[arg-type]
    logging.FemtoStreamHandler("stdin")  # type: ignore[arg-type]
    logging.StreamHandlerBuilder().with_capacity(None)  # type: ignore[arg-type]
    logging.SocketHandlerBuilder().with_tcp(9020, "localhost")  # type: ignore[arg-type]
    logging.HandlerOptions(rotation=(1, 2, 3))  # type: ignore[arg-type]
    logging.HandlerOptions(compress="zstd")  # type: ignore[arg-type]
    logging.OverflowPolicy.timeout("50ms")  # type: ignore[arg-type]
    femtologging.handlers.RotatingFileHandler("x.log", maxbytes=1)  # type: ignore[call-arg]
    femtologging.handlers.SysLogHandler(framing="lines")  # type: ignore[arg-type]
    written: None = logging.FemtoFileHandler("x.log").flush()  # type: ignore[assignment]
    counters: list[int] = logging.FemtoFileHandler("x.log").stats()  # type: ignore[assignment]
    handler: logging.FemtoFileHandler = logging.StreamHandlerBuilder().build()  # type: ignore[assignment]
    logging.get_logger(7)  # type: ignore[arg-type]
    print(written, counters, handler)
