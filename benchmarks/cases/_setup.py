"""Logger and handler set-up shared by the cases, written against the standard library's API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any, TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def stream_handler(library: ModuleType, stream: TextIO) -> Any:
    """Return `library.StreamHandler(stream)` with the shared format."""
    handler = library.StreamHandler(stream)
    handler.setFormatter(library.Formatter(FORMAT))
    return handler


def file_handler(library: ModuleType, path: str) -> Any:
    """Return `library.FileHandler(path)` with the shared format."""
    handler = library.FileHandler(path, encoding="utf-8")
    handler.setFormatter(library.Formatter(FORMAT))
    return handler


@contextmanager
def attached(logger: Any, handler: Any) -> Iterator[None]:
    """Attach a handler for the duration of a block, so a warm-up run leaves nothing behind."""
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
