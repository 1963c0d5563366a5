"""What a benchmark case is, and what one measurement of it returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType


@dataclass(frozen=True)
class Measurement:
    """The timed region of one case run: how long it took and how many logging calls it made."""

    elapsed_ns: int
    calls: int
    output_bytes: int

    @property
    def per_call_ns(self) -> float:
        return self.elapsed_ns / self.calls


# A case function sets up its logger and handler with the given library module, times `n`
# logging calls, checks the output (raising CheckFailed) and returns the measurement.
CaseFunction = Callable[[ModuleType, int], Measurement]


@dataclass(frozen=True)
class Case:
    """One scenario, timed the same way for every library it applies to."""

    name: str
    summary: str
    default_n: int
    run: CaseFunction
    # End-to-end cases include draining the handler (close), so their total time matters too.
    end_to_end: bool = False
    # Implementations for libraries whose API is not the standard library's (e.g. loguru),
    # keyed by library name.
    per_library: Mapping[str, CaseFunction] = field(default_factory=dict)

    def implementation(self, library_name: str, stdlib_api: bool) -> CaseFunction | None:
        """Return the function to time for a library, or None when the case does not apply."""
        if library_name in self.per_library:
            return self.per_library[library_name]
        return self.run if stdlib_api else None
