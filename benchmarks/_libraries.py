"""The libraries a benchmark run can compare, by the name used on the command line."""

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
        Library("stdlib", "logging", None),
        Library("picologging", "picologging", "picologging"),
        Library("femtologging", "femtologging", "femtologging"),
    )
}

# Every library's speedup is computed against the baseline; the subject's also against each peer.
BASELINE = "stdlib"
SUBJECT = "femtologging"
