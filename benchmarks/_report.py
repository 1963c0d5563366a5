"""Turning the samples of a run into medians, speedups, tables and notes."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from _libraries import BASELINE, SUBJECT
from cases import FACES, ROWS, Case, Row

# Every figure a row of the report can show, by its key in the child's JSON line.
_FIGURES = tuple(dict.fromkeys(row.key for row in ROWS.values()))


@dataclass
class Cell:
    """Everything measured for one library on one case."""

    library: str
    case: str
    applicable: bool = True
    n: int | None = None
    # The samples of each figure (per_call_ns, elapsed_ns, caller_per_call_ns, peak_rss_mib),
    # one per successful process; a case that does not measure a figure has no samples of it.
    values: dict[str, list[float]] = field(default_factory=dict)
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
        if self.errors or not self.values.get("per_call_ns"):
            return "n/a"
        return "ok"

    def median(self, key: str) -> float | None:
        """The median of one figure, or None when the cell has no valid samples of it."""
        samples = self.values.get(key)
        return statistics.median(samples) if self.status == "ok" and samples else None

    def spread_percent(self, key: str) -> float | None:
        """Median absolute deviation as a percentage of the median: how noisy the cell was."""
        median = self.median(key)
        if not median:
            return None
        deviations = (abs(value - median) for value in self.values[key])
        return 100 * statistics.median(deviations) / median

    @property
    def median_ns(self) -> float | None:
        return self.median("per_call_ns")

    @property
    def median_total_ms(self) -> float | None:
        total = self.median("elapsed_ns")
        return None if total is None else total / 1e6

    @property
    def problem(self) -> str | None:
        return (self.failures or self.errors or [None])[0]

    def add(self, sample: dict[str, Any]) -> None:
        """Record one child's result."""
        self.n = sample.get("n", self.n)
        self.version = sample.get("version", self.version)
        self.caveat = sample.get("caveat", self.caveat)
        if sample["status"] == "ok":
            for key in _FIGURES:
                if sample.get(key) is not None:
                    self.values.setdefault(key, []).append(sample[key])
        elif sample["status"] == "failed":
            self.failures.append(sample["error"])
        else:
            self.errors.append(sample["error"])

    def to_json(self) -> dict[str, Any]:
        caller_ns = self.median("caller_per_call_ns")
        return {
            "library": self.library,
            "case": self.case,
            "status": self.status,
            "version": self.version,
            "n": self.n,
            "median_ns_per_call": self.median_ns,
            "median_total_ms": self.median_total_ms,
            "spread_percent": self.spread_percent("per_call_ns"),
            "samples_ns_per_call": self.values.get("per_call_ns", []),
            # The femto face: the callers' share of the run, and the process's peak RSS.
            "median_caller_ns_per_call": caller_ns,
            "caller_spread_percent": self.spread_percent("caller_per_call_ns"),
            "samples_caller_ns_per_call": self.values.get("caller_per_call_ns", []),
            "median_peak_rss_mib": self.median("peak_rss_mib"),
            "samples_peak_rss_mib": self.values.get("peak_rss_mib", []),
            "error": self.problem,
            "caveat": self.caveat,
        }


Cells = dict[tuple[str, str], Cell]


def speedup(baseline: Cell, library: Cell, key: str = "per_call_ns") -> float | None:
    """How many times faster (or smaller) `library` is than `baseline`, from the medians."""
    base, value = baseline.median(key), library.median(key)
    if base is None or not value:
        return None
    return base / value


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
    """Return {case: {row: {"<library> vs <baseline>": speedup}}} for the JSON document."""
    return {
        case.name: {
            row_name: {
                f"{library} vs {base}": speedup(
                    cells[case.name, base], cells[case.name, library], ROWS[row_name].key
                )
                for library, base in ratio_pairs(libraries)
                if cells[case.name, base].applicable and cells[case.name, library].applicable
            }
            for row_name in case.rows
        }
        for case in cases
    }


def _format_cell(cell: Cell, row: Row) -> str:
    if cell.status == "not applicable":
        return "-"
    if cell.status != "ok":
        return cell.status
    median = cell.median(row.key)
    if median is None:
        return "n/a"
    if row.unit == "ms":
        text = f"{median / 1e6:,.1f} ms"
    elif row.unit == "MiB":
        text = f"{median:,.1f} MiB"
    else:
        text = f"{median:,.0f} ns" if median >= 100 else f"{median:.1f} ns"
    if row.spread:
        text += f" ±{cell.spread_percent(row.key) or 0:.0f}%"
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


def _face_table(cases: list[Case], libraries: Sequence[str], cells: Cells) -> str:
    pairs = ratio_pairs(libraries)
    rows = [["case", "n", *libraries, *(f"{library} vs {base}" for library, base in pairs)]]
    for case in cases:
        n = next((cells[case.name, lib].n for lib in libraries if cells[case.name, lib].n), None)
        for index, row_name in enumerate(case.rows):
            row = ROWS[row_name]
            label = f"{case.name} {row.label}".rstrip()
            line = [label, f"{n or 0:,}" if index == 0 else ""]
            line += [_format_cell(cells[case.name, library], row) for library in libraries]
            for library, base in pairs:
                base_cell, cell = cells[case.name, base], cells[case.name, library]
                if not (base_cell.applicable and cell.applicable):
                    line.append("-")
                    continue
                value = speedup(base_cell, cell, row.key)
                line.append("n/a" if value is None else f"{value:.2f}x")
            rows.append(line)
    return _markdown(rows)


def table(cases: Iterable[Case], libraries: Sequence[str], cells: Cells) -> str:
    """Render one table per face: the medians of every row of its cases, and the speedups.

    A face's table has a column for each library that applies to at least one of its cases.
    """
    cases = list(cases)
    tables = []
    for face, title in FACES.items():
        face_cases = [case for case in cases if case.face == face]
        face_libraries = [
            library
            for library in libraries
            if any(cells[case.name, library].applicable for case in face_cases)
        ]
        if face_cases and face_libraries:
            tables.append(f"{title}\n\n{_face_table(face_cases, face_libraries, cells)}")
    return "\n\n".join(tables)


def notes(cases: Iterable[Case], libraries: Sequence[str], cells: Cells) -> list[str]:
    """Explain the table's marks: caveats (*), n/a and the failed checks."""
    lines = []
    per_library: dict[str, list[Cell]] = {library: [] for library in libraries}
    for case in cases:
        for library in libraries:
            cell = cells[case.name, library]
            if cell.applicable:
                per_library[library].append(cell)
    for library, row in per_library.items():
        caveats = {cell.caveat for cell in row if cell.caveat and cell.status == "ok"}
        lines += [f"* {library}: {caveat}" for caveat in sorted(caveats)]
        unavailable = [cell for cell in row if cell.status == "n/a"]
        problems = {cell.problem for cell in unavailable}
        if len(row) > 1 and len(unavailable) == len(row) and len(problems) == 1:
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
