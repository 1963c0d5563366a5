"""The libraries a benchmark run can compare, by the name used on the command line.

A "library" is a column of the report: a module and the way the cases use it. Besides the
libraries themselves there are configurations that only the cases of the femto face run (the
standard library with a queue and a listener thread, loguru with `enqueue=True`): they set
`stdlib_api=False`, so a case applies to them only when it has an implementation for them
(`Case.per_library`), and the other cases show `-` for them.
"""

from __future__ import annotations

import importlib.metadata
import platform
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Library:
    """One logging library: how to import it and how to find its version."""

    name: str
    module: str
    # The PyPI distribution that ships the module; None for the standard library.
    distribution: str | None
    # True when the module offers the standard library's API (getLogger, StreamHandler, ...),
    # so every case's default implementation applies to it.
    stdlib_api: bool = True
    # What the cases use it for, for --list.
    description: str = ""

    def version(self, module: ModuleType) -> str:
        """Return the installed version, or the interpreter's for the standard library."""
        if self.distribution is None:
            return f"Python {platform.python_version()}"
        try:
            return importlib.metadata.version(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            return str(getattr(module, "__version__", "unknown"))


LIBRARIES: dict[str, Library] = {
    library.name: library
    for library in (
        Library(
            "stdlib",
            "logging",
            None,
            description="the baseline; in the femto face, its synchronous FileHandler",
        ),
        Library(
            "stdlib_queue",
            "logging",
            None,
            stdlib_api=False,
            description="femto face only: QueueHandler + QueueListener over a FileHandler "
            "(or a SocketHandler)",
        ),
        Library(
            "picologging",
            "picologging",
            "picologging",
            description="in the femto face, its FileHandler (synchronous)",
        ),
        Library(
            "loguru",
            "loguru",
            "loguru",
            stdlib_api=False,
            description="femto face only: a file sink with enqueue=True",
        ),
        Library(
            "structlog",
            "structlog",
            "structlog",
            stdlib_api=False,
            description="JSON cases only: JSONRenderer through a WriteLogger on the file",
        ),
        Library(
            "femtologging",
            "femtologging",
            "femtologging",
            description="in the femto face, FemtoFileHandler(capacity=1024, policy='block') "
            "(or FemtoSocketHandler)",
        ),
    )
}

# Every library's speedup is computed against the baseline; the subject's also against each peer.
BASELINE = "stdlib"
SUBJECT = "femtologging"
