"""Turning the samples of a run into medians, speedups, a table and notes."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from _libraries import BASELINE, SUBJECT
from cases import Case


@dataclass
class Cell:
    """Everything measured for one library on one case."""

    library: str
    case: str
    applicable: bool = True
    n: int | None = None
    per_call_ns: list[float] = field(default_factory=list)
    total_ns: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    caveat: str | None = None
    version: str | None = None

    @property
    def status(self) -> str:
        if not self.applicable:
            return "not applicable"
        # A single failed check disqualifies every timing of the cell.
        if self.failures:
            return "FAILED"
        if self.errors or not self.per_call_ns:
            return "n/a"
        return "ok"

    @property
    def median_ns(self) -> float | None:
        return statistics.median(self.per_call_ns) if self.status == "ok" else None

    @property
    def median_total_ms(self) -> float | None:
        return statistics.median(self.total_ns) / 1e6 if self.status == "ok" else None

    @property
    def spread_percent(self) -> float | None:
        """Median absolute deviation as a percentage of the median: how noisy the cell was."""
        median = self.median_ns
        if median is None:
            return None
        return 100 * statistics.median(abs(value - median) for value in self.per_call_ns) / median

    @property
    def problem(self) -> str | None:
        return (self.failures or self.errors or [None])[0]

    def add(self, sample: dict[str, Any]) -> None:
        """Record one child's result."""
        self.n = sample.get("n", self.n)
        self.version = sample.get("version", self.version)
        self.caveat = sample.get("caveat", self.caveat)
        if sample["status"] == "ok":
            self.per_call_ns.append(sample["per_call_ns"])
            self.total_ns.append(sample["elapsed_ns"])
        elif sample["status"] == "failed":
            self.failures.append(sample["error"])
        else:
            self.errors.append(sample["error"])

    def to_json(self) -> dict[str, Any]:
        return {
            "library": self.library,
            "case": self.case,
            "status": self.status,
            "version": self.version,
            "n": self.n,
            "median_ns_per_call": self.median_ns,
            "median_total_ms": self.median_total_ms,
            "spread_percent": self.spread_percent,
            "samples_ns_per_call": self.per_call_ns,
            "error": self.problem,
            "caveat": self.caveat,
        }


Cells = dict[tuple[str, str], Cell]


def speedup(baseline: Cell, library: Cell) -> float | None:
    """How many times faster `library` is than `baseline`, from the medians."""
    if baseline.median_ns is None or library.median_ns is None:
        return None
    return baseline.median_ns / library.median_ns


def ratio_pairs(libraries: Sequence[str]) -> list[tuple[str, str]]:
    """Return the (library, baseline) pairs that get a speedup column.

    Every library against the standard library, then the subject against each other peer.
    """
    pairs = []
    if BASELINE in libraries:
        pairs += [(library, BASELINE) for library in libraries if library != BASELINE]
    if SUBJECT in libraries:
        pairs += [(SUBJECT, peer) for peer in libraries if peer not in (BASELINE, SUBJECT)]
    return pairs


def speedups(cases: Iterable[Case], libraries: Sequence[str], cells: Cells) -> dict[str, Any]:
    """Return {case: {"<library> vs <baseline>": speedup}} for the JSON document."""
    return {
        case.name: {
            f"{library} vs {base}": speedup(cells[case.name, base], cells[case.name, library])
            for library, base in ratio_pairs(libraries)
        }
        for case in cases
    }


def _format_cell(cell: Cell, whole_run: bool) -> str:
    if cell.status == "not applicable":
        return "-"
    if cell.status != "ok":
        return cell.status
    if whole_run:
        text = f"{cell.median_total_ms:,.1f} ms"
    else:
        median = cell.median_ns or 0.0
        text = f"{median:,.0f} ns" if median >= 100 else f"{median:.1f} ns"
        text += f" ±{cell.spread_percent:.0f}%"
    return text + (" *" if cell.caveat else "")


def _markdown(rows: list[list[str]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]

    def line(row: list[str]) -> str:
        # The first column is text, the others numbers: left- and right-aligned.
        cells = [row[0].ljust(widths[0])]
        cells += [text.rjust(width) for text, width in zip(row[1:], widths[1:], strict=True)]
        return "| " + " | ".join(cells) + " |"

    rule = "|:" + "-" * (widths[0] + 1) + "|" + "|".join("-" * (w + 1) + ":" for w in widths[1:])
    return "\n".join([line(rows[0]), rule + "|", *(line(row) for row in rows[1:])])


def table(cases: Iterable[Case], libraries: Sequence[str], cells: Cells) -> str:
    """Render the median per call of every cell (and per run for end-to-end cases)."""
    pairs = ratio_pairs(libraries)
    rows = [["case", "n", *libraries, *(f"{library} vs {base}" for library, base in pairs)]]
    for case in cases:
        n = next((cells[case.name, lib].n for lib in libraries if cells[case.name, lib].n), None)
        for whole_run in (False, True) if case.end_to_end else (False,):
            row = [f"{case.name} (whole run)", ""] if whole_run else [case.name, f"{n or 0:,}"]
            row += [_format_cell(cells[case.name, library], whole_run) for library in libraries]
            for library, base in pairs:
                value = speedup(cells[case.name, base], cells[case.name, library])
                row.append("n/a" if value is None else f"{value:.2f}x")
            rows.append(row)
    return _markdown(rows)


def notes(cases: Iterable[Case], libraries: Sequence[str], cells: Cells) -> list[str]:
    """Explain the table's marks: caveats (*), n/a and the failed checks."""
    lines = []
    per_library: dict[str, list[Cell]] = {library: [] for library in libraries}
    for case in cases:
        for library in libraries:
            per_library[library].append(cells[case.name, library])
    for library, row in per_library.items():
        caveats = {cell.caveat for cell in row if cell.caveat and cell.status == "ok"}
        lines += [f"* {library}: {caveat}" for caveat in sorted(caveats)]
        unavailable = [cell for cell in row if cell.status == "n/a"]
        problems = {cell.problem for cell in unavailable}
        if len(unavailable) == len(row) and len(problems) == 1:
            lines.append(f"n/a {library}, every case: {problems.pop()}")
        else:
            lines += [f"n/a {library}, {cell.case}: {cell.problem}" for cell in unavailable]
    return lines


def failures(cells: Cells) -> list[str]:
    """Return one line per cell whose output check failed."""
    return [
        f"{cell.library}, {cell.case}: {cell.failures[0]}"
        for cell in cells.values()
        if cell.status == "FAILED"
    ]
