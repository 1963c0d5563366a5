"""Benchmark femtologging against the standard library and its peers, case by case.

Every (library, case, repetition) runs in a fresh interpreter (child.py); repetitions are
interleaved across libraries so that a noisy neighbour slows all of them alike. The report gives
the median per library and the speedups, one table per face of femtologging (its standard
handlers; its femto handlers, which write on a worker thread), and a case whose output check
fails is reported as FAILED instead of timed. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _machine
import _report
from _libraries import LIBRARIES
from cases import CASES

HERE = Path(__file__).resolve().parent
CHILD = HERE / "child.py"
RESULTS = HERE / "results"


def _names(text: str, known: dict[str, Any], what: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown {what} {', '.join(unknown) or '(none given)'}; choose from {', '.join(known)}"
        )
    return names


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--libs",
        type=lambda text: _names(text, LIBRARIES, "library"),
        default=list(LIBRARIES),
        help="comma-separated libraries",
    )
    parser.add_argument(
        "--cases",
        type=lambda text: _names(text, CASES, "case"),
        default=list(CASES),
        help="comma-separated cases",
    )
    parser.add_argument("--repeat", type=int, help="fresh processes per library and case [7]")
    parser.add_argument("--n", type=int, help="logging calls per timed run [each case's own]")
    parser.add_argument("--warmup", type=int, help="logging calls before the timed run [1000]")
    parser.add_argument(
        "--quick", action="store_true", help="3 repetitions of a tenth of the calls: a smoke test"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        help="seconds allowed per process [each case's own: 30, 120 for the femto face]",
    )
    parser.add_argument("--seed", type=int, help="seed of the order within each round")
    parser.add_argument("--output", type=Path, help="JSON results file [results/<time>.json]")
    parser.add_argument("--list", action="store_true", help="list the cases and libraries")
    args = parser.parse_args(argv)
    if args.repeat is None:
        args.repeat = 3 if args.quick else 7
    if args.warmup is None:
        args.warmup = 100 if args.quick else 1000
    if args.seed is None:
        args.seed = random.randrange(2**32)
    if args.repeat < 1 or (args.n is not None and args.n < 1) or args.warmup < 0:
        parser.error("--repeat and --n must be positive and --warmup not negative")
    if args.timeout is not None and args.timeout <= 0:
        parser.error("--timeout must be positive")
    return args


def calls_for(case_name: str, args: argparse.Namespace) -> int:
    if args.n is not None:
        return args.n
    default = CASES[case_name].default_n
    return max(1, default // 10) if args.quick else default


def timeout_for(case_name: str, args: argparse.Namespace) -> float:
    return args.timeout if args.timeout is not None else CASES[case_name].timeout_s


def run_child(library: str, case: str, n: int, warmup: int, timeout: float) -> dict[str, Any]:
    """Measure one case in a fresh interpreter; a crash or hang becomes an "n/a" sample."""
    command = [sys.executable, str(CHILD), library, case, "--n", str(n), "--warmup", str(warmup)]
    sample: dict[str, Any] = {"library": library, "case": case, "n": n}
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return sample | {"status": "n/a", "error": f"no result within {timeout:g} s (hung?)"}
    # The result is the last JSON line; a library may have printed after it (at exit, say).
    for line in reversed(completed.stdout.splitlines()):
        try:
            result = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(result, dict) and "status" in result:
            return result
    # The child died before printing its result: a crash in native code, for instance.
    stderr = completed.stderr.strip().splitlines()
    code = completed.returncode
    if code < 0:
        try:
            ending = f"killed by {signal.Signals(-code).name}"
        except ValueError:
            ending = f"killed by signal {-code}"
    else:
        ending = f"exited with status {code}"
    reason = f": {stderr[-1]}" if stderr else ""
    return sample | {"status": "n/a", "error": f"process {ending} before its result{reason}"}


def measure(args: argparse.Namespace, cells: _report.Cells) -> list[dict[str, Any]]:
    """Run every round, shuffling the libraries within each case; return all the samples."""
    order = random.Random(args.seed)
    samples = []
    # A library that cannot be imported, or a case that failed or errored, is not retried:
    # its outcome would not change and each attempt costs a process (or a timeout).
    given_up: set[tuple[str, str]] = set()
    import_failures: dict[str, dict[str, Any]] = {}
    for round_number in range(1, args.repeat + 1):
        round_started = time.monotonic()
        for case_name in args.cases:
            libraries = list(args.libs)
            order.shuffle(libraries)
            for library in libraries:
                cell = cells[case_name, library]
                if not cell.applicable or (case_name, library) in given_up:
                    continue
                if library in import_failures:
                    # Every case of the library gets the import error in its report.
                    given_up.add((case_name, library))
                    n = calls_for(case_name, args)
                    cell.add(import_failures[library] | {"case": case_name, "n": n})
                    continue
                n = calls_for(case_name, args)
                timeout = timeout_for(case_name, args)
                sample = run_child(library, case_name, n, min(args.warmup, n), timeout)
                sample["round"] = round_number
                samples.append(sample)
                cell.add(sample)
                if sample["status"] != "ok":
                    given_up.add((case_name, library))
                    if sample.get("phase") == "import":
                        import_failures[library] = sample
                    loud = "FAILED" if sample["status"] == "failed" else "n/a"
                    print(f"  {loud}: {library}, {case_name}: {sample['error']}", file=sys.stderr)
        elapsed = time.monotonic() - round_started
        # Later rounds skip what failed or hung in the first, so the last round is the guide.
        left = elapsed * (args.repeat - round_number)
        print(
            f"round {round_number}/{args.repeat} took {elapsed:.0f} s, about {left:.0f} s left",
            file=sys.stderr,
        )
    return samples


def refuse_unoptimized_build() -> None:
    """Stops before timing a debug build: `scripts/venv X test` installs one into the same
    package folder as `scripts/venv X release`, and its figures would be meaningless."""
    try:
        from femtologging import _femtologging
    except ImportError:
        return  # reported in every cell, as any library that cannot be imported
    if not getattr(_femtologging, "_optimized", True):
        raise SystemExit(
            "femtologging is a debug build here (the test environment installed it last); "
            "run `scripts/venv 3.11 release` and benchmark with the python it prints"
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    if args.list:
        for case in CASES.values():
            print(f"{case.name:<20} n={case.default_n:<9,} {case.summary}")
        print("libraries:")
        for name, library in LIBRARIES.items():
            print(f"  {name:<14} {library.module:<13} {library.description}")
        return 0

    if "femtologging" in args.libs:
        refuse_unoptimized_build()
    started_at = datetime.now(UTC)
    load_before = _machine.load_average()
    cases = [CASES[name] for name in args.cases]
    cells: _report.Cells = {}
    for case in cases:
        for name in args.libs:
            library = LIBRARIES[name]
            applicable = case.implementation(name, library.stdlib_api) is not None
            cells[case.name, name] = _report.Cell(name, case.name, applicable=applicable)
    print(
        f"{len(cases)} cases x {len(args.libs)} libraries x {args.repeat} repetitions, "
        f"one process each (seed {args.seed}); load average {load_before}",
        file=sys.stderr,
    )
    samples = measure(args, cells)
    finished_at = datetime.now(UTC)

    machine = _machine.describe(HERE.parent)
    machine["load_average_before"] = load_before
    machine["load_average_after"] = _machine.load_average()
    versions = {cell.library: cell.version for cell in cells.values() if cell.version}
    print()
    print(
        f"{machine['cpu']}, {machine['usable_cpus']} CPUs; {machine['python']}; "
        + ", ".join(
            f"{library} {version}"
            for library, version in versions.items()
            if LIBRARIES[library].distribution is not None
        )
    )
    print(f"median of {args.repeat} fresh processes per cell; ±: median absolute deviation")
    print()
    print(_report.table(cases, args.libs, cells))
    print()
    print(
        "'A vs B' is B's median divided by A's: above 1.00x, A is that many times faster "
        "(or smaller, for peak RSS)."
    )
    if any(case.face == "femto" for case in cases):
        print(
            "Femto face: 'caller' is the logging calls only, per call; 'end to end' the whole "
            "run until every line is on disk or every frame received (drain and close included)."
        )
    for line in _report.notes(cases, args.libs, cells):
        print(line)
    failed = _report.failures(cells)
    if failed:
        print()
        print("!" * 72)
        print(f"FAILED OUTPUT CHECKS ({len(failed)}): these cells are not timed")
        for line in failed:
            print(f"  FAILED {line}")
        print("!" * 72)

    output = args.output or RESULTS / f"{started_at:%Y%m%dT%H%M%SZ}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "format": 2,
        "started_at": started_at.isoformat(),
        "finished_at": finished_at.isoformat(),
        "machine": machine,
        "settings": {
            "libraries": args.libs,
            "cases": args.cases,
            "repeat": args.repeat,
            "n": {name: calls_for(name, args) for name in args.cases},
            "warmup": args.warmup,
            "quick": args.quick,
            "timeout_s": {name: timeout_for(name, args) for name in args.cases},
            "seed": args.seed,
        },
        "versions": versions,
        "results": [cell.to_json() for cell in cells.values()],
        "speedups": _report.speedups(cases, args.libs, cells),
        "samples": samples,
    }
    output.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults written to {output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
