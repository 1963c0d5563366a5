"""The femto face's rotating file: `FemtoRotatingFileHandler` with rotation=(1_000_000, 5)
against the standard library's synchronous RotatingFileHandler with the same limits.

The caller's cost and the whole run until every line is on disk; the check is the standard
case's: the six remaining files hold exactly the newest records, in order.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

from . import rotating
from ._case import Case
from ._femto import FEMTO_CAPACITY, FEMTO_POLICY

NAME = "bench.femto_rotating"


def femto_handler(library: ModuleType, path: str) -> Any:
    options = library.HandlerOptions(
        capacity=FEMTO_CAPACITY,
        policy=FEMTO_POLICY,
        rotation=(rotating.MAX_BYTES, rotating.BACKUP_COUNT),
    )
    return library.FemtoRotatingFileHandler(path, options)


CASE = Case(
    name="femto_rotating",
    summary=(
        "the rotating case's calls to FemtoRotatingFileHandler(rotation=(1_000_000, 5), "
        "policy='block'): the caller's cost, and end to end until every line is on disk"
    ),
    default_n=200_000,
    run=functools.partial(rotating.timed_run, name=NAME, make_handler=rotating.standard_handler),
    rows=("caller", "end_to_end"),
    face="femto",
    per_library={
        "femtologging": functools.partial(
            rotating.timed_run, name=NAME, make_handler=femto_handler
        ),
        "stdlib_queue": None,
        "loguru": None,
    },
    timeout_s=120.0,
)
