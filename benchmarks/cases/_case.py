"""What a benchmark case is, and what one measurement of it returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType


@dataclass(frozen=True)
class Measurement:
    """The timed region of one case run: how long it took and how many logging calls it made.

    `elapsed_ns` is the whole timed region (for end-to-end cases, until the last line is on
    disk). Cases of the femto face also give `caller_ns`, the part of it spent in the logging
    calls themselves, and `peak_rss_bytes`, the process's peak resident set size right after
    the timed region (before the output check, which reads the whole file).
    """

    elapsed_ns: int
    calls: int
    output_bytes: int
    caller_ns: int | None = None
    peak_rss_bytes: int | None = None

    @property
    def per_call_ns(self) -> float:
        return self.elapsed_ns / self.calls

    @property
    def caller_per_call_ns(self) -> float | None:
        return None if self.caller_ns is None else self.caller_ns / self.calls

    @property
    def peak_rss_mib(self) -> float | None:
        return None if self.peak_rss_bytes is None else self.peak_rss_bytes / 2**20


@dataclass(frozen=True)
class Row:
    """One row of a case in the report: which figure of the samples it shows, and how."""

    # Printed after the case's name in the first column ("" for none).
    label: str
    # The key of the figure in the child's JSON line (and in Cell.values).
    key: str
    # "ns" (per call), "ms" (from a figure in ns) or "MiB".
    unit: str
    # Whether the cell shows ± (the median absolute deviation).
    spread: bool = True


ROWS: dict[str, Row] = {
    # Every case: the timed region divided by the number of calls.
    "per_call": Row("", "per_call_ns", "ns"),
    # End-to-end cases of the standard face: the same samples, for the whole run.
    "whole_run": Row("whole run", "elapsed_ns", "ms", spread=False),
    # The femto face: the logging calls only, per call ...
    "caller": Row("caller", "caller_per_call_ns", "ns"),
    # ... and the whole run, until every line is on disk.
    "end_to_end": Row("end to end", "elapsed_ns", "ms"),
    "peak_rss": Row("peak RSS", "peak_rss_mib", "MiB"),
}

# The faces of femtologging, in the order of the report's tables: one table each, with the
# columns of the libraries that apply to at least one of its cases.
FACES: dict[str, str] = {
    "standard": "Standard face: the standard library's handlers, and their counterparts",
    "femto": (
        "Femto face: handlers that write or send on a background thread, "
        "against stdlib's synchronous FileHandler or SocketHandler"
    ),
    "structured": (
        "Structured API: femtologging.structured against stock structlog writing the same bytes"
    ),
}


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
    # The report's rows for this case, names in ROWS; the first one also shows n.
    rows: tuple[str, ...] = ("per_call",)
    # Which table of the report the case is in (a key of FACES).
    face: str = "standard"
    # Implementations for libraries whose API is not the standard library's (e.g. loguru),
    # or that the case runs differently, keyed by library name. None: the case does not apply
    # to that library even though it has the standard library's API.
    per_library: Mapping[str, CaseFunction | None] = field(default_factory=dict)
    # Seconds a process may take on this case unless --timeout is given.
    timeout_s: float = 30.0

    def __post_init__(self) -> None:
        unknown = [row for row in self.rows if row not in ROWS]
        if unknown or not self.rows or self.face not in FACES:
            raise ValueError(f"case {self.name}: unknown rows {unknown} or face {self.face!r}")

    def implementation(self, library_name: str, stdlib_api: bool) -> CaseFunction | None:
        """Return the function to time for a library, or None when the case does not apply."""
        if library_name in self.per_library:
            return self.per_library[library_name]
        return self.run if stdlib_api else None
