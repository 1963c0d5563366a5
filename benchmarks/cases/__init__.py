"""The benchmark cases, in the order they are run and reported."""

from __future__ import annotations

from . import disabled, exception, file, file_threads, stream_stringio
from ._case import Case, CaseFunction, Measurement
from ._checks import ASCTIME_NOT_COMPARED, CheckFailed

CASES: dict[str, Case] = {
    module.CASE.name: module.CASE
    for module in (disabled, stream_stringio, file, exception, file_threads)
}

__all__ = ["ASCTIME_NOT_COMPARED", "CASES", "Case", "CaseFunction", "CheckFailed", "Measurement"]
