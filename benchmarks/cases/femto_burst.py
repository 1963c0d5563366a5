"""The femto face under a burst: a million records as fast as the caller can log them.

A bounded queue keeps memory flat however far the caller runs ahead of the writer: the figure
of interest is the process's peak resident set size, next to the caller's cost and the time
until every line is on disk.
"""

from __future__ import annotations

from types import ModuleType

from ._case import Case, Measurement
from ._femto import Setup, implementations
from .femto_file import run_single_thread

NAME = "bench.femto_burst"


def _run(setup: Setup, library: ModuleType, n: int) -> Measurement:
    return run_single_thread(setup, NAME, library, n)


# picologging's FileHandler is synchronous like stdlib's, which is the baseline already; loguru
# takes minutes for a million records through its pipe and bounds its memory the same way.
_default, _per_library = implementations(_run, skip=("picologging", "loguru"))

CASE = Case(
    name="femto_burst",
    summary=(
        "the femto_file call n times as fast as possible: peak RSS (ru_maxrss), caller's cost "
        "and end to end"
    ),
    default_n=1_000_000,
    run=_default,
    rows=("caller", "end_to_end", "peak_rss"),
    face="femto",
    per_library=_per_library,
    timeout_s=120.0,
)
