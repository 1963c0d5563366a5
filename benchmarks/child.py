"""Measure one case for one library in this process and print the result as one JSON line.

run.py starts a fresh interpreter on this file for every (library, case, repetition), so no
library sees another's imports or warmed caches. It is also handy on its own, under a profiler:

    python benchmarks/child.py femtologging file --n 1000000
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import sys
import time
from typing import Any

from _libraries import LIBRARIES
from cases import ASCTIME_NOT_COMPARED, CASES, CheckFailed


def first_line(error: BaseException) -> str:
    """Return the exception's type and the first line of its message."""
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__


def measure(library_name: str, case_name: str, n: int, warmup: int) -> dict[str, Any]:
    """Import the library, warm the case up, time it once and check its output.

    The status is "ok", "failed" (the output check did not pass; not timed) or "n/a" (the
    library could not be imported, lacks something the case uses, or raised).
    """
    library = LIBRARIES[library_name]
    case = CASES[case_name]
    try:
        module = importlib.import_module(library.module)
    except BaseException as error:
        return {"status": "n/a", "phase": "import", "error": first_line(error)}
    result: dict[str, Any] = {"version": library.version(module)}
    function = case.implementation(library.name, library.stdlib_api)
    if function is None:
        return result | {"status": "n/a", "phase": "setup", "error": "case does not apply"}
    phase = "warmup"
    try:
        # A short run first, so one-time costs (lazy imports, first strftime, file system
        # caches) are not charged to the timed run. Its output is checked as well.
        if warmup > 0:
            function(module, warmup)
        phase = "run"
        gc.collect()
        measurement = function(module, n)
    except CheckFailed as error:
        return result | {"status": "failed", "phase": phase, "error": str(error)}
    except BaseException as error:
        return result | {"status": "n/a", "phase": phase, "error": first_line(error)}
    if library.module in ASCTIME_NOT_COMPARED:
        result["caveat"] = ASCTIME_NOT_COMPARED[library.module]
    result |= {
        "status": "ok",
        "elapsed_ns": measurement.elapsed_ns,
        "calls": measurement.calls,
        "per_call_ns": measurement.per_call_ns,
        "output_bytes": measurement.output_bytes,
    }
    # The femto face's figures, for the cases that measure them.
    extra = {
        "caller_ns": measurement.caller_ns,
        "caller_per_call_ns": measurement.caller_per_call_ns,
        "peak_rss_mib": measurement.peak_rss_mib,
    }
    return result | {key: value for key, value in extra.items() if value is not None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", choices=LIBRARIES)
    parser.add_argument("case", choices=CASES)
    parser.add_argument("--n", type=int, help="logging calls in the timed run")
    parser.add_argument("--warmup", type=int, default=1000, help="calls in the warm-up run")
    args = parser.parse_args()
    n = args.n if args.n is not None else CASES[args.case].default_n
    started = time.time()
    result = {"library": args.library, "case": args.case, "n": n, "started": started}
    result |= measure(args.library, args.case, n, min(args.warmup, n))
    # Anything the library printed went before this line; run.py reads the last line.
    sys.stdout.flush()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
